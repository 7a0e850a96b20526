/**
 * `patchbay backtest <paths...> [--since T] [--until T] [--regions r1,r2] [--json] [--format text|markdown] [--workers N]`:
 * stream CloudTrail log files (`{"Records": [...]}`, plain or `.json.gz`, or folders of them) through the whole
 * catalog and report per rule what would have fired (src/backtest). `--event-history` reads CloudTrail Event
 * history instead (src/backtest/event-history.ts), with the same report.
 *
 * Exit 0 when every file was read (records skipped for a missing eventSource/eventTime are listed, not failures),
 * 1 when a file could not be read or is not JSON (the other files still count), 2 for an invalid catalog or path.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { BACKTEST_FORMATS, BacktestTally, finishBacktestReport, renderBacktestReport, runBacktest, type BacktestFile, type BacktestFormat } from '../../backtest';
import { isCloudTrailFileName } from '../../cloudtrail';
import { walkFiles } from '../event-files';
import { writeText, type CliIo } from '../io';
import { canonicalInstant } from '../time';
import { deploymentOptions, loadProject, loadProjectOrReport, withDeploymentOptions } from '../project';
import type { CliContext } from './types';

/** Exit codes of `patchbay backtest`. */
export const BacktestExit = { OK: 0, FILE_FAILED: 1, INVALID: 2 } as const;

/** Options of `patchbay backtest`. */
export interface BacktestCommandOptions {
  since?: string;
  until?: string;
  regions?: string;
  eventHistory?: boolean;
  json?: boolean;
  format?: BacktestFormat;
  workers?: string;
  root?: string;
  stage?: string;
  region?: string;
  param?: string[];
}

/** Register the command on `program`. */
export function registerBacktestCommand(program: Command, context: CliContext): void {
  withDeploymentOptions(program.command('backtest'))
    .description('stream CloudTrail log files (plain or .json.gz, or folders) through the rules and report how often each would have fired')
    .argument('[paths...]', 'CloudTrail log files or directories of them')
    .option('--event-history', "read CloudTrail Event history (LookupEvents: the last 90 days of management events) instead of files, in --regions (default: the project's Region); AWS credentials as for the AWS CLI")
    .option('--since <time>', 'only records at or after this ISO 8601 time')
    .option('--until <time>', 'only records before this ISO 8601 time')
    .option('--regions <list>', "only events of these Regions, comma-separated (where the rules are deployed); 'deployed' = the project's provider.region; default: every Region")
    .option('--json', 'print the report as JSON')
    .addOption(new Option('--format <format>', 'report format').choices(BACKTEST_FORMATS).default('text'))
    .option('--workers <n>', 'worker threads (default: one per core)')
    .option('--root <dir>', 'project root (where serverless.yml is)', '.')
    .addHelpText('after', '\nExit status: 0 all files read, 1 a file could not be read, 2 invalid catalog or path.')
    .action(async (paths: string[], options: BacktestCommandOptions) => {
      context.exitCode = await runBacktestCommand(paths, options, context.io);
    });
}


/**
 * Run `patchbay backtest`.
 * @returns the exit code (see {@link BacktestExit}).
 */
export async function runBacktestCommand(paths: readonly string[], options: BacktestCommandOptions, io: CliIo): Promise<number> {
  const rootDir = path.resolve(io.cwd, options.root ?? '.');
  const window: { since?: string; until?: string } = {};
  for (const key of ['since', 'until'] as const) {
    const raw = options[key];
    if (raw === undefined) continue;
    const time = canonicalInstant(raw);
    if (!time) {
      io.stderr.write(`patchbay backtest: --${key} ${JSON.stringify(raw)} is not an ISO 8601 time (e.g. 2026-11-01 or 2026-11-01T12:00:00Z)\n`);
      return BacktestExit.INVALID;
    }
    window[key] = time;
  }
  const workers = options.workers === undefined ? undefined : Number(options.workers);
  if (workers !== undefined && !(Number.isInteger(workers) && workers >= 0 && workers <= 64)) {
    io.stderr.write(`patchbay backtest: --workers ${JSON.stringify(options.workers)} must be an integer from 0 to 64\n`);
    return BacktestExit.INVALID;
  }
  const project = await loadProjectOrReport(rootDir, 'backtest', io.stderr, (root) => loadProject(root, deploymentOptions(options)));
  if (!project) return BacktestExit.INVALID;
  const regions = options.regions === undefined ? undefined : options.regions.split(',').map((r) => r.trim()).filter(Boolean).map((r) => (r === 'deployed' ? project.region ?? '' : r));
  if (regions !== undefined && (regions.length === 0 || regions.some((r) => !r || !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(r)))) {
    io.stderr.write(`patchbay backtest: --regions ${JSON.stringify(options.regions)} must list Region codes such as us-east-1,eu-west-1 (or 'deployed')\n`);
    return BacktestExit.INVALID;
  }
  if (options.eventHistory) {
    if (paths.length) {
      io.stderr.write('patchbay backtest: --event-history reads Event history, not files: give one or the other\n');
      return BacktestExit.INVALID;
    }
    return backtestEventHistory(project, regions ?? [project.region], window, options, io);
  }
  if (paths.length === 0) {
    io.stderr.write('patchbay backtest: name CloudTrail log files or folders, or --event-history\n');
    return BacktestExit.INVALID;
  }
  let files: BacktestFile[];
  try {
    files = await listLogFiles(paths, io.cwd);
  } catch (error) {
    io.stderr.write(`patchbay backtest: ${(error as Error).message}\n`);
    return BacktestExit.INVALID;
  }
  const bar = io.stderr.isTTY && !options.json ? await startProgressBar(files.length) : undefined;
  const report = await runBacktest(files, project.catalog.rules, {
    ...window,
    ...(regions ? { regions: regions as string[] } : {}),
    workers,
    maxEventPatternLengthInChars: project.catalog.config.maxEventPatternLengthInChars,
    redact: project.catalog.config.redact,
    accountAliases: project.catalog.config.accountAliases,
    onProgress: bar ? ({ records, filesDone }) => bar.update(filesDone, { records }) : undefined,
  });
  bar?.stop();
  await writeText(io.stdout, options.json ? `${JSON.stringify(report, null, 2)}\n` : renderBacktestReport(report, options.format ?? 'text'));
  const fileErrors = report.skipped.filter((s) => s.index < 0);
  for (const s of fileErrors) io.stderr.write(`patchbay backtest: ${s.file}: ${s.reason}\n`);
  return fileErrors.length ? BacktestExit.FILE_FAILED : BacktestExit.OK;
}

/** `--event-history`: every Region's Event history through one tally, then the same report as for files. */
async function backtestEventHistory(
  project: Awaited<ReturnType<typeof loadProject>>,
  regions: readonly string[],
  window: { since?: string; until?: string },
  options: BacktestCommandOptions,
  io: CliIo,
): Promise<number> {
  const { readEventHistory } = await import('../../backtest/event-history');
  const { catalog } = project;
  const tally = new BacktestTally(catalog.rules, {
    ...window,
    maxEventPatternLengthInChars: catalog.config.maxEventPatternLengthInChars,
    redact: catalog.config.redact,
    accountAliases: catalog.config.accountAliases,
  });
  const progress = io.stderr.isTTY && !options.json;
  for (const region of regions) {
    const source = `event-history/${region}`;
    try {
      for await (const item of readEventHistory(region, {
        ...window,
        onPage: progress ? ({ events, oldest }) => io.stderr.write(`\rbacktest: ${region}: ${events} events read${oldest ? `, back to ${oldest}` : ''}   `) : undefined,
      })) {
        if ('skipped' in item) tally.data.skipped.push({ file: source, index: item.index, reason: item.skipped });
        else tally.addRecord(item.record, source, item.index);
      }
    } catch (error) {
      if (progress) io.stderr.write('\n');
      const e = error as Error & { name?: string };
      io.stderr.write(`patchbay backtest: Event history of ${region}: ${e.name && e.name !== 'Error' ? `${e.name}: ` : ''}${e.message}\n`);
      return BacktestExit.FILE_FAILED;
    }
    if (progress) io.stderr.write('\n');
  }
  // Events converted: Event history holds only events of the window asked for, but the tally checks it too.
  const report = finishBacktestReport(catalog.rules, [tally.data]);
  await writeText(io.stdout, options.json ? `${JSON.stringify(report, null, 2)}\n` : renderBacktestReport(report, options.format ?? 'text'));
  return BacktestExit.OK;
}

async function startProgressBar(total: number): Promise<{ update(value: number, payload: object): void; stop(): void }> {
  const { SingleBar, Presets } = await import('cli-progress');
  const bar = new SingleBar({ format: 'backtest [{bar}] {value}/{total} files | {records} records', stream: process.stderr, hideCursor: true }, Presets.shades_classic);
  bar.start(total, 0, { records: 0 });
  return bar;
}

/**
 * Every CloudTrail file under `paths` (`.json`, `.json.gz`, `.gz`; directories recursively, sorted), deduplicated.
 * @throws Error naming a path that does not exist.
 */
export async function listLogFiles(paths: readonly string[], cwd: string): Promise<BacktestFile[]> {
  const out: string[] = [];
  for (const p of paths) {
    const full = path.resolve(cwd, p);
    const stat = await fs.stat(full).catch(() => undefined);
    if (!stat) throw new Error(`no such file or directory: ${p}`);
    if (stat.isDirectory()) out.push(...(await walkFiles(full, isCloudTrailFileName)).sort());
    else out.push(full);
  }
  return [...new Set(out)].map((file) => ({ path: file, display: (path.relative(cwd, file) || file).split(path.sep).join('/') }));
}

