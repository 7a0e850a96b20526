/**
 * `patchbay new --from <event file> [--name area/rule] [--topic key] [--function key] [--print]`: write a pattern
 * file that matches a sample event (derivation in ../../scaffold/new-rule.ts), with the event as its first `match`
 * test and a sibling sample event of the same folder that it does not match as `no-match`, where one exists.
 *
 * Nothing is written unless the new file passes everything `patchbay test` checks: the project is loaded with the
 * file in memory (the same loader, so the same coded problems), and the file's own tests run. An existing file is
 * never overwritten (`NEW_RULE_EXISTS`), nor a rule name another file already gives.
 *
 * Exit status: 0 written (or printed with `--print`), 2 refused: the event is not an EventBridge event, the name is
 * taken or invalid, the project's catalog is invalid, or the function/topic cannot be chosen.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { CatalogError, deriveRuleName, RULE_NAME_PATTERN } from '../../catalog';
import { readText } from '../../catalog/read-text';
import { matchEventPattern, parseEventPattern } from '../../pattern';
import { deriveRule, NewRuleError, renderPatternFile } from '../../scaffold/new-rule';
import type { CliIo } from '../io';
import { deploymentOptions, formatCatalogError, loadProject, withDeploymentOptions, type DeploymentFlags, type Project } from '../project';
import { runRuleTests } from '../rule-tests';
import type { CliContext } from './types';

/** Options of `patchbay new`. */
export interface NewOptions extends DeploymentFlags {
  /** The sample event, relative to the working directory; must lie inside the project. */
  from: string;
  /** `area/rule` under the patterns directory, without extension. @default derived from the event */
  name?: string;
  /** Topic key to notify. @default the only topic, else the topic most rules notify */
  topic?: string;
  /** Function key of the target. @default the function most rules target, else the only function */
  function?: string;
  /** Print the file instead of writing it. */
  print?: boolean;
  /** Project root. @default the working directory */
  root?: string;
}

/** Exit codes of `patchbay new`. */
export const NewExit = { WRITTEN: 0, REFUSED: 2 } as const;

/** Register the command on `program`. */
export function registerNewCommand(program: Command, context: CliContext): void {
  withDeploymentOptions(
    program
      .command('new')
      .description('write a pattern file that matches a sample event, with the event as its first test')
      .requiredOption('--from <event>', 'a sample EventBridge event (JSON) inside the project, e.g. events/iam/create-user.json')
      .option('--name <area/rule>', 'where the file goes under the patterns directory (default: from the event, e.g. dynamodb/delete-table)')
      .option('--topic <key>', 'topic the rule notifies (default: the only topic, else the one most rules notify)')
      .option('--function <key>', 'function the rule targets (default: the one most rules target)')
      .option('--print', 'print the file instead of writing it')
      .option('--root <dir>', 'project root (default: the working directory)'),
  )
    .addHelpText('after', '\nExit status: 0 written (or printed), 2 refused (nothing written).')
    .action(async (options: NewOptions) => {
      context.exitCode = await runNew(options, context.io);
    });
}

/** Run `patchbay new`. @returns the exit code (see {@link NewExit}). */
export async function runNew(options: NewOptions, io: CliIo): Promise<number> {
  const rootDir = path.resolve(io.cwd, options.root ?? '.');
  try {
    const written = await newRule(rootDir, options, io);
    if (options.print) io.stdout.write(written.text);
    else {
      io.stdout.write(
        [
          `patchbay new: wrote ${written.filePath} (rule ${written.rule})`,
          `  match:    ${written.match}`,
          ...(written.noMatch ? [`  no-match: ${written.noMatch}`] : ['  no-match: (no sibling sample event it does not match: add one)']),
          'Review the pattern, select and subject, then run patchbay test.',
          '',
        ].join('\n'),
      );
    }
    return NewExit.WRITTEN;
  } catch (error) {
    if (error instanceof CatalogError) {
      io.stderr.write(formatCatalogError(error, 'new'));
      return NewExit.REFUSED;
    }
    if (!(error instanceof NewRuleError)) throw error;
    io.stderr.write(`patchbay new: ${error.message} [${error.code}]\n`);
    return NewExit.REFUSED;
  }
}

interface Written {
  filePath: string;
  rule: string;
  match: string;
  noMatch?: string;
  text: string;
}

async function newRule(rootDir: string, options: NewOptions, io: CliIo): Promise<Written> {
  const eventFile = path.resolve(io.cwd, options.from);
  const eventPath = toPosix(path.relative(rootDir, eventFile));
  if (eventPath.startsWith('../') || path.isAbsolute(eventPath)) throw new NewRuleError(`${options.from} is outside the project ${rootDir}; sample events are project files (put it under events/)`, 'NEW_RULE_NOT_AN_EVENT');
  const event = await readJson(eventFile, eventPath);
  const derived = deriveRule(event);

  const project = await loadProject(rootDir, deploymentOptions(options));
  const { catalog } = project;
  const name = options.name ?? derived.suggestedName;
  if (!/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(name) || name.split('/').some((segment) => /^\.+$/.test(segment))) throw new NewRuleError(`--name ${JSON.stringify(name)}: folders and a file name of [A-Za-z0-9._-], e.g. iam/create-access-key`, 'NEW_RULE_NAME_INVALID');
  const relativeToPatterns = `${name.replace(/\.ya?ml$/, '')}.yml`;
  const ruleName = deriveRuleName(relativeToPatterns);
  if (!RULE_NAME_PATTERN.test(ruleName)) throw new NewRuleError(`rule name ${JSON.stringify(ruleName)} (from --name ${name}): 1-64 characters of [.-_A-Za-z0-9]`, 'NEW_RULE_NAME_INVALID');
  const patternsDir = catalog.config.patternsDir ?? 'patterns';
  const filePath = toPosix(path.join(patternsDir, relativeToPatterns));
  const taken = catalog.rules.find((rule) => rule.name === ruleName);
  if (taken) throw new NewRuleError(`rule ${ruleName} exists (${taken.filePath}); choose another --name`, 'NEW_RULE_EXISTS');
  if (await exists(path.join(rootDir, filePath))) throw new NewRuleError(`${filePath} exists; patchbay new never overwrites: choose another --name`, 'NEW_RULE_EXISTS');

  const functionKey = options.function ?? chooseFunction(project);
  const topic = options.topic ?? chooseTopic(project);
  const noMatch = await siblingNotMatching(rootDir, eventFile, event as Record<string, unknown>, derived.pattern);
  const schemaPath = toPosix(path.relative(path.dirname(path.join(rootDir, filePath)), path.join(rootDir, schemaLocation(rootDir))));
  const text = renderPatternFile(derived, { eventPath, functionKey, topic, ...(noMatch ? { noMatch } : {}), schemaPath });

  // Validate with the project's own loader and the file's own tests before anything is written.
  const candidate = await loadProject(rootDir, { ...deploymentOptions(options), unsavedPatternFiles: { [relativeToPatterns]: text } });
  const rule = candidate.catalog.rules.find((r) => r.name === ruleName)!;
  const results = await runRuleTests({ ...candidate.catalog, rules: [rule] }, rootDir);
  const failing = results.filter((result) => !result.passed);
  if (failing.length) {
    throw new NewRuleError(`the derived rule fails its own tests (${failing.map((r) => `${r.expected} ${r.event}${r.error ? `: ${r.error}` : ''}`).join('; ')}); nothing written`, 'NEW_RULE_INVALID');
  }
  if (!options.print) {
    await fs.mkdir(path.dirname(path.join(rootDir, filePath)), { recursive: true });
    await fs.writeFile(path.join(rootDir, filePath), text, { flag: 'wx' });
  }
  return { filePath, rule: ruleName, match: eventPath, ...(noMatch ? { noMatch } : {}), text };
}

/** The function most rules target (ties: the first by name), else the only function of serverless.yml. */
function chooseFunction(project: Project): string {
  const counts = new Map<string, number>();
  for (const rule of project.catalog.rules) for (const t of rule.targets) if (t.kind === 'function' && t.notify) counts.set(t.function, (counts.get(t.function) ?? 0) + 1);
  const best = mostUsed(counts);
  if (best) return best;
  const functions = project.catalog.config.functions ?? [];
  if (functions.length === 1) return functions[0]!;
  throw new NewRuleError(`no rule targets a function yet and serverless.yml has ${functions.length === 0 ? 'none' : `several (${functions.join(', ')})`}: name one with --function`, 'NEW_RULE_TARGET_UNKNOWN');
}

/** The only topic, else the one most rules notify. */
function chooseTopic(project: Project): string {
  const topics = Object.keys(project.catalog.config.topics);
  if (topics.length === 1) return topics[0]!;
  const counts = new Map<string, number>();
  for (const rule of project.catalog.rules) for (const t of rule.targets) if (t.kind === 'function' && t.notify) counts.set(t.notify.topic, (counts.get(t.notify.topic) ?? 0) + 1);
  const best = mostUsed(counts);
  if (best) return best;
  throw new NewRuleError(`custom.patchbay.topics has ${topics.length === 0 ? 'no topic' : `several topics (${topics.join(', ')}) and no rule notifies one yet`}: name one with --topic`, 'NEW_RULE_TARGET_UNKNOWN');
}

function mostUsed(counts: Map<string, number>): string | undefined {
  return [...counts].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))[0]?.[0];
}

/**
 * A `.json` sample event beside `eventFile` that the pattern does not match: the closest such neighbour, i.e. one
 * of the same source and detail-type when there is one (a test that shows what the detail fields exclude), else any;
 * by file name within each group.
 */
async function siblingNotMatching(rootDir: string, eventFile: string, event: Record<string, unknown>, pattern: Record<string, unknown>): Promise<string | undefined> {
  const compiled = parseEventPattern(pattern);
  const dir = path.dirname(eventFile);
  const names = (await fs.readdir(dir)).filter((name) => name.endsWith('.json') && path.join(dir, name) !== eventFile).sort();
  const candidates: { file: string; close: boolean }[] = [];
  for (const name of names) {
    let sibling: unknown;
    try {
      sibling = JSON.parse(await readText(path.join(dir, name)));
    } catch {
      continue;
    }
    if (typeof sibling !== 'object' || sibling === null || typeof (sibling as Record<string, unknown>)['detail-type'] !== 'string') continue;
    if (matchEventPattern(compiled, sibling)) continue;
    const s = sibling as Record<string, unknown>;
    candidates.push({ file: toPosix(path.relative(rootDir, path.join(dir, name))), close: s.source === event.source && s['detail-type'] === event['detail-type'] });
  }
  return (candidates.find((c) => c.close) ?? candidates[0])?.file;
}

/** The pattern-file schema: the project's own copy (this repository), else the installed package's. */
function schemaLocation(rootDir: string): string {
  const own = 'schemas/pattern-file.schema.json';
  try {
    const manifest = require(path.join(rootDir, 'package.json')) as { name?: string };
    if (manifest.name === 'patchbay') return own;
  } catch {
    // no package.json: a project using an installed patchbay
  }
  return 'node_modules/patchbay/schemas/pattern-file.schema.json';
}

async function readJson(file: string, shown: string): Promise<unknown> {
  let text: string;
  try {
    text = await readText(file);
  } catch (error) {
    throw new NewRuleError(`${shown} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, 'NEW_RULE_NOT_AN_EVENT');
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new NewRuleError(`${shown} is not JSON: ${(error as Error).message}`, 'NEW_RULE_NOT_AN_EVENT');
  }
}

async function exists(file: string): Promise<boolean> {
  return fs.stat(file).then(
    () => true,
    () => false,
  );
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}
