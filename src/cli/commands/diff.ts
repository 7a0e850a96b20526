/**
 * `patchbay diff --base <git ref> [--head <git ref>] [--events <dir>]… [--format text|markdown|json]`: what a change
 * does to routing, for review. Both revisions of the project are read from git (checked out into a temporary folder; the head defaults to
 * the working tree), loaded as `patchbay test` loads them, and compared (../../diff): rules added, removed and
 * changed field by field, then every sample event of the head's `events/` (and of each `--events` folder, e.g.
 * ../shared/events-corpus) routed through both, listing each event whose outcome changed.
 *
 * Exit status: 0 routing unchanged (description or test changes only), 1 routing changed, 2 error (not a git
 * repository, an unknown ref, or a revision whose catalog is invalid: its coded problems are printed).
 * `--format markdown` is made for a pull-request comment or a job summary (`>> "$GITHUB_STEP_SUMMARY"`).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import { CatalogError, type Catalog } from '../../catalog';
import { diffCatalogs, type CatalogDiff, type NamedEvent } from '../../diff';
import { buildRoutingGraph, renderMermaid } from '../../graph';
import type { CliIo } from '../io';
import { deploymentOptions, formatCatalogError, loadProject, withDeploymentOptions, type DeploymentFlags } from '../project';
import type { CliContext } from './types';

/** Options of `patchbay diff`. */
export interface DiffOptions extends DeploymentFlags {
  base: string;
  head?: string;
  events?: string[];
  format?: 'text' | 'markdown' | 'json';
  /** Shorthand for `format: 'json'`. */
  json?: boolean;
  root?: string;
}

/** Exit codes of `patchbay diff`. */
export const DiffExit = { UNCHANGED: 0, CHANGED: 1, ERROR: 2 } as const;

/** More rows than this go into a collapsed `<details>` block in markdown. */
const MARKDOWN_OPEN_ROWS = 10;

/** Register the command on `program`. */
export function registerDiffCommand(program: Command, context: CliContext): void {
  withDeploymentOptions(
    program
      .command('diff')
      .description('show what a change does to routing: rules added, removed and changed, and the sample events whose outcome changes')
      .requiredOption('--base <ref>', 'the git revision to compare with, e.g. origin/main')
      .option('--head <ref>', 'the git revision compared (default: the working tree)')
      .option('--events <dir>', 'also route the events of this folder (repeatable), e.g. ../shared/events-corpus', (value: string, previous: string[] = []) => [...previous, value])
      .addOption(new Option('--format <format>', 'output format').choices(['text', 'markdown', 'json']).default('text'))
      .option('--json', 'the same as --format json')
      .option('--root <dir>', 'project root (default: the working directory)'),
  )
    .addHelpText('after', '\nExit status: 0 routing unchanged, 1 routing changed, 2 error.')
    .action(async (options: DiffOptions) => {
      context.exitCode = await runDiff(options, context.io);
    });
}

/** Run `patchbay diff`. @returns the exit code (see {@link DiffExit}). */
export async function runDiff(options: DiffOptions, io: CliIo): Promise<number> {
  const root = path.resolve(io.cwd, options.root ?? '.');
  const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'patchbay-diff-'));
  try {
    const repo = (await git(root, ['rev-parse', '--show-toplevel'])).trim();
    const prefix = path.relative(repo, root).split(path.sep).join('/');
    const base = await checkout(repo, prefix, options.base, path.join(scratch, 'base'));
    const head = options.head ? await checkout(repo, prefix, options.head, path.join(scratch, 'head')) : root;
    const baseCatalog = await load(base, options, `base (${options.base})`, io);
    const headCatalog = await load(head, options, `head (${options.head ?? 'working tree'})`, io);
    if (!baseCatalog || !headCatalog) return DiffExit.ERROR;
    // The head's sample events, then those the head deleted (a rule removed with its samples still shows what stops),
    // then each --events folder.
    const { events, skipped } = await collectEvents([
      { dir: path.join(head, 'events'), namedFrom: head },
      { dir: path.join(base, 'events'), namedFrom: base },
      ...(options.events ?? []).map((given) => {
        const dir = path.resolve(io.cwd, given);
        return { dir, namedFrom: path.relative(head, dir).startsWith('..') ? io.cwd : head, required: true };
      }),
    ]);
    const diff = diffCatalogs(baseCatalog, headCatalog, events, { skipped });
    const labels = { base: options.base, head: options.head ?? 'the working tree' };
    const format = options.json ? 'json' : options.format;
    const touched = [...diff.added.map((a) => a.rule), ...diff.changed.map((c) => c.rule)];
    const graph = touched.length ? renderMermaid(buildRoutingGraph(headCatalog, { only: touched }), { highlight: { added: diff.added.map((a) => a.rule), changed: diff.changed.map((c) => c.rule) } }) : undefined;
    io.stdout.write(format === 'json' ? `${JSON.stringify(diff, null, 2)}\n` : format === 'markdown' ? renderMarkdown(diff, labels, graph) : renderText(diff, labels));
    return diff.routingChanged ? DiffExit.CHANGED : DiffExit.UNCHANGED;
  } catch (error) {
    if (!(error instanceof DiffError)) throw error;
    io.stderr.write(`patchbay diff: ${error.message}\n`);
    return DiffExit.ERROR;
  } finally {
    await fs.rm(scratch, { recursive: true, force: true });
  }
}

/** A failure reported as `patchbay diff: …` with exit 2: git, an unknown ref, a missing --events folder. */
class DiffError extends Error {}

/** Run git; its stderr in the error when it fails. */
function git(cwd: string, args: string[], options: { env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], ...(options.env ? { env: options.env } : {}) });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', (error) => reject(new DiffError(`git ${args[0]}: ${error.message}`)));
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new DiffError(`git ${args.join(' ')}: ${err.trim() || `exit ${code}`}`))));
  });
}

/**
 * The project directory as it is at `ref`, written under `into`: the tree read into a temporary index and checked
 * out from it (`git read-tree <ref>:<prefix>` + `git checkout-index --prefix`), so the repository's own index and
 * work tree are untouched. Not `git archive`: it leaves out paths marked `export-ignore` in `.gitattributes`
 * (projects often mark `events/` or `tests/` so), which would make that revision's catalog look different.
 */
async function checkout(repo: string, prefix: string, ref: string, into: string): Promise<string> {
  await git(repo, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).catch(() => {
    throw new DiffError(`unknown revision ${JSON.stringify(ref)} (fetch it first, e.g. git fetch origin; in GitHub Actions check out with fetch-depth: 0)`);
  });
  await fs.mkdir(into, { recursive: true });
  const env = { ...process.env, GIT_INDEX_FILE: path.join(path.dirname(into), `${path.basename(into)}.index`) };
  await git(repo, ['read-tree', `${ref}:${prefix}`], { env }).catch((error: DiffError) => {
    throw new DiffError(`${prefix || 'the project'} does not exist at ${JSON.stringify(ref)}: ${error.message}`);
  });
  await git(repo, ['checkout-index', '--all', '--force', `--prefix=${into}${path.sep}`], { env });
  return into;
}

async function load(dir: string, options: DiffOptions, label: string, io: CliIo): Promise<Catalog | undefined> {
  try {
    return (await loadProject(dir, deploymentOptions(options))).catalog;
  } catch (error) {
    if (!(error instanceof CatalogError)) throw error;
    io.stderr.write(`patchbay diff: the ${label} catalog is invalid\n${formatCatalogError(error, 'diff')}`);
    return undefined;
  }
}

/**
 * Every `.json` EventBridge event under the folders (recursively), named relative to `namedFrom`
 * (`events/iam/root-login.json`); a name seen in an earlier folder is not read again. Files that are not JSON or
 * not an event (no string `source` and `detail-type`, e.g. CloudTrail log files) are counted as skipped.
 */
async function collectEvents(folders: { dir: string; namedFrom: string; required?: boolean }[]): Promise<{ events: NamedEvent[]; skipped: number }> {
  const events: NamedEvent[] = [];
  const seen = new Set<string>();
  let skipped = 0;
  for (const { dir, namedFrom, required } of folders) {
    const entries = await fs.readdir(dir, { recursive: true }).catch((error: NodeJS.ErrnoException) => {
      if (required) throw new DiffError(`--events ${dir}: ${error.code === 'ENOENT' ? 'no such folder' : error.message}`);
      return [] as string[]; // a project without sample events
    });
    for (const entry of entries.filter((e) => e.endsWith('.json')).sort()) {
      const file = path.join(dir, entry);
      const name = path.relative(namedFrom, file).split(path.sep).join('/');
      if (seen.has(name)) continue;
      seen.add(name);
      let event: unknown;
      try {
        event = JSON.parse(await fs.readFile(file, 'utf8'));
      } catch {
        skipped++;
        continue;
      }
      if (typeof event !== 'object' || event === null || Array.isArray(event) || typeof (event as Record<string, unknown>).source !== 'string' || typeof (event as Record<string, unknown>)['detail-type'] !== 'string') {
        skipped++;
        continue;
      }
      events.push({ name, event: event as Record<string, unknown> });
    }
  }
  return { events, skipped };
}

/** The text report. */
export function renderText(diff: CatalogDiff, labels: { base: string; head: string }): string {
  const lines = [`patchbay diff: ${labels.base} -> ${labels.head}`];
  for (const { rule, filePath } of diff.added) lines.push(`+ rule ${rule} (${filePath})`);
  for (const { rule, filePath } of diff.removed) lines.push(`- rule ${rule} (${filePath})`);
  for (const change of diff.changed) {
    lines.push(`~ rule ${change.rule} (${change.filePath})${change.routing ? '' : ' (routing unchanged)'}`);
    for (const { field, change: what } of change.changes) lines.push(`    ${field}: ${what}`);
  }
  if (diff.routing.length) {
    lines.push('', `Routing changes (${diff.routing.length} of ${diff.events.routed} events):`);
    for (const change of diff.routing) {
      lines.push(`  ${change.event}`);
      lines.push(`    was: ${change.was.length ? change.was.join('; ') : '(no rule)'}`);
      lines.push(`    now: ${change.now.length ? change.now.join('; ') : '(no rule)'}`);
    }
  }
  if (diff.unexercised.length) lines.push('', `No sample event shows the routing change of: ${diff.unexercised.join(', ')} (add a match or no-match event)`);
  lines.push('', summary(diff));
  return `${lines.join('\n')}\n`;
}

/** The markdown report, for a pull-request comment or a job summary. */
export function renderMarkdown(diff: CatalogDiff, labels: { base: string; head: string }, graph?: string): string {
  const out = [`## patchbay: routing ${diff.routingChanged ? 'changes' : 'is unchanged'}`, '', `\`${labels.base}\` → \`${labels.head}\`: ${summary(diff)}`, ''];
  const rows: string[] = [];
  for (const { rule, filePath } of diff.added) rows.push(`| added | \`${rule}\` | \`${filePath}\` | |`);
  for (const { rule, filePath } of diff.removed) rows.push(`| removed | \`${rule}\` | \`${filePath}\` | |`);
  for (const change of diff.changed) rows.push(`| changed${change.routing ? '' : ' (routing unchanged)'} | \`${change.rule}\` | \`${change.filePath}\` | ${change.changes.map((c) => `\`${c.field}\`: ${cell(c.change)}`).join('<br>')} |`);
  if (rows.length) out.push(...table('### Rules', '| change | rule | file | what |\n| --- | --- | --- | --- |', rows));
  const routing = diff.routing.map((c) => `| \`${c.event}\` | ${c.was.map(cell).join('<br>') || '_no rule_'} | ${c.now.map(cell).join('<br>') || '_no rule_'} |`);
  if (routing.length) out.push(...table(`### Events whose routing changes (${routing.length} of ${diff.events.routed})`, '| event | was | now |\n| --- | --- | --- |', routing));
  if (diff.unexercised.length) out.push(`> [!WARNING]\n> No sample event shows the routing change of ${diff.unexercised.map((rule) => `\`${rule}\``).join(', ')}: add a \`match\` or \`no-match\` event.`, '');
  if (graph) out.push('### Routing of the added and changed rules', '', '```mermaid', graph.trimEnd(), '```', '');
  return `${out.join('\n').trimEnd()}\n`;
}

function table(heading: string, header: string, rows: string[]): string[] {
  if (rows.length <= MARKDOWN_OPEN_ROWS) return [heading, '', header, ...rows, ''];
  return [heading, '', `<details><summary>${rows.length} rows</summary>`, '', header, ...rows, '', '</details>', ''];
}

function summary(diff: CatalogDiff): string {
  return `${diff.added.length} added, ${diff.removed.length} removed, ${diff.changed.length} changed; ${diff.routing.length} of ${diff.events.routed} events route differently${diff.events.skipped ? ` (${diff.events.skipped} files not events, skipped)` : ''}`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
