/**
 * Compiler at scale: `sls package` and `patchbay test` on generated projects of 10, 1,000 and 3,000 pattern files.
 *
 * Run: `npm run bench:compiler` (= `npx tsx bench/compiler.bench.ts`). Options:
 *   --sizes 10,1000,3000   pattern files per project (the first size is the baseline of the ratio column)
 *   --runs 3               runs per (size, command); the table shows the median
 *   --profile              also run each command once with `node --cpu-prof` (patchbay test on the largest project,
 *                          sls package on the largest it packages in full) and print where the time goes (self time
 *                          by module and by function)
 *   --keep                 keep the generated projects (bench/out/compiler/projects/<size>)
 *   --what-if-linear-decycle  an experiment, not a fix: run sls with json-cycle's stringify replaced (in that
 *                          process only) by one giving the same text in linear time, to size what osls's
 *                          quadratic saveServiceState costs (see "where the time goes" in bench/README.md)
 *
 * Workload: the shared CloudTrail-style generator (`/work/shared/bench/workload/gen.js`, override with
 * PATCHBAY_WORKLOAD_GEN) makes the rules; the first N rules form the N-file project, so every project is a prefix
 * of the next. Each rule becomes `patterns/<service>/rule-<i>.yml` (30 service folders) targeting the `notify`
 * function and the `security` or `operations` topic, with select expressions, a subject, a JMESPath filter on
 * every fourth rule, and one match and one no-match sample event. A match event is a generated CloudTrail event of
 * the rule's service, edited until the rule's pattern matches it (checked with the engine); rules that need the
 * same edits share the file, as real catalogs share sample events. The no-match event is another service's base
 * event (30 shared files). serverless.yml is the repo's, with `service`/`plugins` adapted and raised quotas set
 * when custom.patchbay has settings for them; node_modules and handlers/ are symlinks to the repo's.
 *
 * Measured per run, from a fresh process: wall time (hrtime around the child) and peak RSS of the process tree's
 * largest process (`/usr/bin/time -v`, else the child's own `process.resourceUsage()` through a preload). Each run
 * is asserted: the template holds N patchbay rules and the function's manifest N rules; `patchbay test` exits 0
 * and reports `2N passed, 0 failed`. When the compiler refuses a project (an AWS limit: 500 resources per
 * CloudFormation stack, rules per bus), the row says so and its time is the time to refuse; the refusal names how
 * many rules fit in one stack, and that size is measured too, as the largest full `sls package`.
 *
 * The machine may be shared: each project prints the load average, and CPU time (user + system) is in the table.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, open, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseDocument, stringify } from 'yaml';
import { projectConfigSchema } from '../src/catalog';
import { matchEventPattern, parseEventPattern } from '../src/pattern';
import { compileFilter } from '../src/runtime/filter';

const repoRoot = path.resolve(__dirname, '..');
const outRoot = path.join(repoRoot, 'bench/out/compiler');
const slsBin = path.join(repoRoot, 'node_modules/osls/bin/serverless.js');
const patchbayBin = path.join(repoRoot, 'bin/patchbay.js');
const workloadGen = process.env.PATCHBAY_WORKLOAD_GEN ?? '/work/shared/bench/workload/gen.js';
const TIME_BIN = '/usr/bin/time';

type Json = Record<string, unknown>;
type Command = 'sls package' | 'patchbay test';

interface Options {
  sizes: number[];
  runs: number;
  profile: boolean;
  keep: boolean;
  linearDecycle: boolean;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { sizes: [10, 1000, 3000], runs: 3, profile: false, keep: false, linearDecycle: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--sizes') options.sizes = argv[++i].split(',').map(Number);
    else if (arg === '--runs') options.runs = Number(argv[++i]);
    else if (arg === '--profile') options.profile = true;
    else if (arg === '--keep') options.keep = true;
    else if (arg === '--what-if-linear-decycle') options.linearDecycle = true;
    else throw new Error(`unknown option ${arg}`);
  }
  if (options.sizes.some((n) => !Number.isInteger(n) || n < 1) || !(options.runs >= 1)) throw new Error('bad --sizes or --runs');
  return options;
}

// ---------------------------------------------------------------------------------------------------------------
// Workload: rules and events from the shared generator, turned into pattern files and sample events.
// ---------------------------------------------------------------------------------------------------------------

interface Workload {
  rules: Json[];
  events: Json[];
}

function generateWorkload(ruleCount: number): Workload {
  const dir = path.join(outRoot, 'workload');
  const rulesFile = path.join(dir, 'rules.jsonl');
  const read = (file: string): Json[] =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Json);
  if (!existsSync(rulesFile) || read(rulesFile).length < ruleCount) {
    const templates = path.join(path.dirname(workloadGen), 'templates');
    mkdirSync(dir, { recursive: true });
    const result = spawnSync(process.execPath, [workloadGen, templates, dir, String(ruleCount), '50'], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`workload generator failed: ${result.stderr}`);
  }
  return { rules: read(rulesFile), events: read(path.join(dir, 'events.jsonl')) };
}

/** One pattern file and the sample events it names (project-relative path -> content). */
interface GeneratedRule {
  filePath: string;
  text: string;
  events: Map<string, string>;
}

const TOPICS = ['security', 'operations'] as const;

function serviceOf(pattern: Json): string {
  const source = (pattern.source as string[])[0];
  return source.replace(/^aws\./, '');
}

function sha8(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}

/** A CloudTrail event of a service: a generated event (same one for the service every time), re-labelled. */
function baseEvent(workload: Workload, service: string): Json {
  const index = parseInt(sha8(service), 16) % workload.events.length;
  const event = structuredClone(workload.events[index]);
  event.source = `aws.${service}`;
  const detail = event.detail as Json;
  detail.eventSource = `${service}.amazonaws.com`;
  delete detail.errorCode;
  delete detail.errorMessage;
  return event;
}

/** Edit `event` so that every field condition of the first value of each pattern list holds. */
function satisfy(pattern: Json, event: Json): void {
  for (const [key, condition] of Object.entries(pattern)) {
    if (Array.isArray(condition)) {
      const value = valueFor(condition[0]);
      if (value === ABSENT) delete event[key];
      else event[key] = value;
    } else {
      if (typeof event[key] !== 'object' || event[key] === null || Array.isArray(event[key])) event[key] = {};
      satisfy(condition as Json, event[key] as Json);
    }
  }
}

const ABSENT = Symbol('absent');

function valueFor(matcher: unknown): unknown {
  if (typeof matcher !== 'object' || matcher === null) return matcher;
  const [[operator, operand]] = Object.entries(matcher);
  switch (operator) {
    case 'prefix':
      return `${operand as string}BenchCall`;
    case 'suffix':
      return `bench${operand as string}`;
    case 'anything-but':
      return 'PatchbayBenchValue';
    case 'exists':
      return operand ? 'PatchbayBenchValue' : ABSENT;
    case 'numeric': {
      const [op, bound] = operand as [string, number];
      return op === '>' ? bound + 1 : op === '<' ? bound - 1 : bound;
    }
    default:
      throw new Error(`the benchmark cannot satisfy operator ${operator}`);
  }
}

function generateRules(workload: Workload, count: number): GeneratedRule[] {
  const services = [...new Set(workload.rules.map(serviceOf))].sort();
  const rules: GeneratedRule[] = [];
  for (let i = 0; i < count; i++) {
    const pattern = workload.rules[i];
    const service = serviceOf(pattern);
    const compiled = parseEventPattern(pattern);

    const match = baseEvent(workload, service);
    satisfy(pattern, match);
    if (!matchEventPattern(compiled, match)) throw new Error(`rule ${i}: the generated match event does not match ${JSON.stringify(pattern)}`);
    const matchText = `${JSON.stringify(match, null, 2)}\n`;
    const matchPath = `events/${service}/match-${sha8(matchText)}.json`;

    const other = services[(services.indexOf(service) + 1) % services.length];
    const noMatch = baseEvent(workload, other);
    if (matchEventPattern(compiled, noMatch)) throw new Error(`rule ${i}: the no-match event matches`);
    const noMatchPath = `events/${other}/base.json`;

    const number = String(i + 1).padStart(4, '0');
    const target: Json = {
      function: 'notify',
      ...(i % 4 === 3 ? { filter: 'detail.eventSource != null' } : {}),
      select: { call: 'detail.eventName', actor: 'detail.userIdentity.arn', sourceIp: 'detail.sourceIPAddress' },
      notify: { topic: TOPICS[i % TOPICS.length], subject: `{call} by {actor} in {account} {region} (rule ${number})` },
    };
    if (typeof target.filter === 'string' && !compileFilter(target.filter).test(match)) throw new Error(`rule ${i}: the filter rejects the match event`);
    const document = {
      description: `Bench rule ${number}: ${service} API calls (workload rule r${i})`,
      pattern,
      targets: [target],
      tests: { match: [matchPath], 'no-match': [noMatchPath] },
    };
    const text = `# yaml-language-server: $schema=../../schemas/pattern-file.schema.json\n${stringify(document, { flowCollectionPadding: false })}`;
    rules.push({
      filePath: `patterns/${service}/rule-${number}.yml`,
      text,
      events: new Map([
        [matchPath, matchText],
        [noMatchPath, `${JSON.stringify(noMatch, null, 2)}\n`],
      ]),
    });
  }
  return rules;
}

/** custom.patchbay settings for raised quotas, for those the current config schema has. */
function quotaSettings(size: number): { settings: Json; known: string[] } {
  const properties = projectConfigSchema.properties as Record<string, { type?: string; maximum?: number }>;
  const settings: Json = {};
  for (const [key, schema] of Object.entries(properties)) {
    if (!/quota|max.*(rule|resource)|(rule|resource).*(limit|max)/i.test(key)) continue;
    if (schema.type === 'integer' || schema.type === 'number') settings[key] = Math.min(schema.maximum ?? Infinity, Math.max(size * 2, 10_000));
  }
  return { settings, known: Object.keys(settings) };
}

async function writeProject(dir: string, rules: GeneratedRule[], quota: Json): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const events = new Map<string, string>();
  for (const rule of rules) for (const [file, text] of rule.events) events.set(file, text);
  const files = [...rules.map((rule): [string, string] => [rule.filePath, rule.text]), ...events];
  const dirs = new Set(files.map(([file]) => path.dirname(path.join(dir, file))));
  await Promise.all([...dirs].map((d) => mkdir(d, { recursive: true })));
  for (let i = 0; i < files.length; i += 64) {
    await Promise.all(files.slice(i, i + 64).map(([file, text]) => writeFile(path.join(dir, file), text)));
  }

  const serverless = parseDocument(await readFile(path.join(repoRoot, 'serverless.yml'), 'utf8'));
  serverless.set('service', 'patchbay');
  serverless.set('plugins', ['./plugin.js']);
  for (const [key, value] of Object.entries(quota)) serverless.setIn(['custom', 'patchbay', key], value);
  await writeFile(path.join(dir, 'serverless.yml'), `# Generated by bench/compiler.bench.ts (${rules.length} pattern files).\n${serverless.toString()}`);
  await writeFile(path.join(dir, 'plugin.js'), `module.exports = require(${JSON.stringify(path.join(repoRoot, 'plugin.js'))});\n`);
  await symlink(path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  await symlink(path.join(repoRoot, 'handlers'), path.join(dir, 'handlers'), 'dir');
  // Only the editor schema the pattern files' first line names: registry schemas (schemas/*.json) would be checked.
  await mkdir(path.join(dir, 'schemas'));
  await copyFile(path.join(repoRoot, 'schemas/pattern-file.schema.json'), path.join(dir, 'schemas/pattern-file.schema.json'));
}

// ---------------------------------------------------------------------------------------------------------------
// Measurement
// ---------------------------------------------------------------------------------------------------------------

interface Measurement {
  wallMs: number;
  cpuMs: number;
  peakRssMb: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

const useTimeBin = existsSync(TIME_BIN) && spawnSync(TIME_BIN, ['-v', 'true']).status === 0;
/** Fallback without /usr/bin/time: the child writes its own resource usage when it exits (children not counted). */
const usagePreload = path.join(outRoot, 'resource-usage.cjs');

/** Node arguments of every `sls` process (the --what-if-linear-decycle preload). */
const slsNodeArgs: string[] = [];

function commandLine(command: Command, projectDir: string, nodeArgs: string[]): { argv: string[]; cwd: string } {
  if (command === 'sls package') return { argv: [process.execPath, ...slsNodeArgs, ...nodeArgs, slsBin, 'package'], cwd: projectDir };
  return { argv: [process.execPath, ...nodeArgs, patchbayBin, 'test', '--root', projectDir], cwd: repoRoot };
}

function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off', FORCE_COLOR: '0' };
  for (const key of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE']) delete env[key];
  return env;
}

/** Run a command once in a fresh process; `nodeArgs` go to that node process only (e.g. --cpu-prof). */
async function measure(command: Command, projectDir: string, nodeArgs: string[] = []): Promise<Measurement> {
  const { argv, cwd } = commandLine(command, projectDir, useTimeBin ? nodeArgs : [...nodeArgs, '--require', usagePreload]);
  const reportFile = path.join(outRoot, `usage-${process.pid}.txt`);
  await rm(reportFile, { force: true });
  const wrapped = useTimeBin ? [TIME_BIN, '-v', '-o', reportFile, ...argv] : argv;
  const env = childEnv();
  if (!useTimeBin) env.PATCHBAY_BENCH_USAGE_FILE = reportFile;
  // Output goes to files, not pipes: patchbay test prints a 2N-row table.
  const stdoutFile = path.join(outRoot, `stdout-${process.pid}.txt`);
  const stderrFile = path.join(outRoot, `stderr-${process.pid}.txt`);
  const [out, err] = await Promise.all([open(stdoutFile, 'w'), open(stderrFile, 'w')]);
  const started = process.hrtime.bigint();
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(wrapped[0], wrapped.slice(1), { cwd, env, stdio: ['ignore', out.fd, err.fd] });
    child.on('error', reject);
    child.on('close', resolve);
  });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  await Promise.all([out.close(), err.close()]);
  const report = await readFile(reportFile, 'utf8');
  let peakRssKb: number;
  let cpuMs: number;
  if (useTimeBin) {
    peakRssKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(report)?.[1]);
    cpuMs = (Number(/User time \(seconds\): ([\d.]+)/.exec(report)?.[1]) + Number(/System time \(seconds\): ([\d.]+)/.exec(report)?.[1])) * 1000;
  } else {
    const usage = JSON.parse(report) as NodeJS.ResourceUsage;
    peakRssKb = usage.maxRSS;
    cpuMs = (usage.userCPUTime + usage.systemCPUTime) / 1000;
  }
  const [stdout, stderr] = await Promise.all([readFile(stdoutFile, 'utf8'), readFile(stderrFile, 'utf8')]);
  await Promise.all([stdoutFile, stderrFile, reportFile].map((file) => rm(file, { force: true })));
  return {
    wallMs,
    cpuMs,
    peakRssMb: peakRssKb / 1024,
    code: useTimeBin ? Number(/Exit status: (\d+)/.exec(report)?.[1] ?? code) : code,
    stdout,
    stderr,
  };
}

/**
 * What a run produced: ok, or refused by the compiler because of an AWS limit (CloudFormation's 500 resources per
 * stack, EventBridge's rules per bus) with the reason and, for the stack limit, how many rules fit in one stack.
 */
type Outcome = { ok: true } | { ok: false; refused: string; rulesPerStack?: number };

/** Assert a run's result; a compiler refusal is an outcome, anything else wrong throws. */
async function check(command: Command, size: number, projectDir: string, run: Measurement): Promise<Outcome> {
  const output = `${run.stdout}\n${run.stderr}`;
  if (command === 'patchbay test') {
    const expected = `patchbay test: ${size * 2} passed, 0 failed`;
    if (run.code !== 0 || !run.stdout.includes(expected)) {
      throw new Error(`patchbay test on ${size} files: exit ${run.code}, expected "${expected}"\n${tail(output)}`);
    }
    return { ok: true };
  }
  if (run.code !== 0) {
    const refusal = /AWS limits exceeded[^\n]*\n\s*- ([^\n]*)/.exec(output) ?? /(\S*(?:TOO_MANY_RULES_ON_BUS|LIMITS_EXCEEDED|TOO_MANY_RESOURCES)[^\n]*)/.exec(output);
    if (refusal) {
      const keep = /keep (\d+) in this one/.exec(refusal[1]);
      const reason = refusal[1].replace(/^serverless\.yml#\S*: /, '').replace(/ \(patchbay's topics.*?\)/, '');
      return { ok: false, refused: reason.length > 110 ? `${reason.slice(0, 107)}...` : reason, ...(keep ? { rulesPerStack: Number(keep[1]) } : {}) };
    }
    throw new Error(`sls package on ${size} files: exit ${run.code}\n${tail(output)}`);
  }
  const template = JSON.parse(await readFile(path.join(projectDir, '.serverless/cloudformation-template-update-stack.json'), 'utf8')) as {
    Resources: Record<string, { Type: string; Properties: Json }>;
  };
  const rules = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Events::Rule' && String(r.Properties.Name).startsWith('patchbay-dev-'));
  if (rules.length !== size) throw new Error(`sls package on ${size} files: the template has ${rules.length} patchbay rules`);
  const manifest = JSON.parse(await readFile(path.join(projectDir, '.serverless/build/notify/handlers/patchbay-manifest.json'), 'utf8')) as { rules: unknown[] };
  if (manifest.rules.length !== size) throw new Error(`sls package on ${size} files: the manifest has ${manifest.rules.length} rules`);
  return { ok: true };
}

function tail(text: string): string {
  return text.trim().split('\n').slice(-25).join('\n');
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

interface Row {
  command: Command;
  size: number;
  wallMs: number;
  cpuMs: number;
  peakRssMb: number;
  runs: number[];
  outcome: Outcome;
}

function formatTable(rows: Row[]): string {
  const header = ['command', 'files', 'wall (median)', 'runs (s)', 'CPU', 'peak RSS', 'time ratio', 'RSS ratio', 'note'];
  const lines = rows.map((row) => {
    const base = rows.find((r) => r.command === row.command)!;
    return [
      row.command,
      row.size.toLocaleString('en-US'),
      `${(row.wallMs / 1000).toFixed(2)} s`,
      row.runs.map((ms) => (ms / 1000).toFixed(2)).join(' / '),
      `${(row.cpuMs / 1000).toFixed(2)} s`,
      `${row.peakRssMb.toFixed(0)} MB`,
      `${(row.wallMs / base.wallMs).toFixed(2)}x`,
      `${(row.peakRssMb / base.peakRssMb).toFixed(2)}x`,
      row.outcome.ok ? 'ok' : `refused: ${row.outcome.refused}`,
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const render = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [render(header), render(widths.map((w) => '-'.repeat(w))), ...lines.map(render)].join('\n');
}

// ---------------------------------------------------------------------------------------------------------------
// Profile: self time by function and by module from a V8 .cpuprofile
// ---------------------------------------------------------------------------------------------------------------

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

function moduleOf(url: string): string {
  if (!url) return '(native / gc / idle)';
  const file = url.replace(/^file:\/\//, '');
  const nm = file.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = file.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (file.startsWith('node:')) return 'node (core)';
  const relative = path.relative(repoRoot, file);
  if (!relative.startsWith('..')) return relative.split('/').slice(0, 2).join('/');
  return file;
}

function summarizeProfile(file: string, top = 15): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const byFunction = new Map<string, number>();
  const byModule = new Map<string, number>();
  for (const [id, micros] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const where = url ? `${moduleOf(url)}${url.includes('node_modules') ? '' : `:${lineNumber + 1}`}` : '';
    const fn = `${functionName || '(anonymous)'} ${where}`.trim();
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + micros);
    byModule.set(moduleOf(url), (byModule.get(moduleOf(url)) ?? 0) + micros);
  }
  const list = (map: Map<string, number>): string =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, micros]) => `  ${(micros / 1000).toFixed(0).padStart(6)} ms ${((100 * micros) / total).toFixed(1).padStart(5)} %  ${name}`)
      .join('\n');
  return `${path.basename(file)}: ${(total / 1000).toFixed(0)} ms sampled\n self time by module:\n${list(byModule)}\n self time by function:\n${list(byFunction)}`;
}

async function profileCommand(command: Command, size: number, projectDir: string): Promise<string> {
  const dir = path.join(outRoot, 'profiles', command.replace(' ', '-'));
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const run = await measure(command, projectDir, ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=500']);
  await check(command, size, projectDir, run);
  const profiles = (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile')).map((f) => path.join(dir, f));
  return [`## ${command}, ${size} files (profiled run: ${(run.wallMs / 1000).toFixed(2)} s; profiles in ${path.relative(repoRoot, dir)})`, ...profiles.map((p) => summarizeProfile(p))].join('\n');
}

/**
 * The --what-if-linear-decycle preload. osls writes `.serverless/serverless-state.json` with json-cycle's
 * `stringify`, whose `decycle` looks up every object it has seen in an array (quadratic in the objects of the
 * service, compiled template included) and calls `value.toJSON()` in a try/catch on every value (a thrown TypeError
 * per string and number). This one keeps the same output (a `$ref` path for an object seen before, `toJSON` when it
 * is a function) with a Map and no throwing.
 */
const LINEAR_DECYCLE_PRELOAD = `'use strict';
const path = require('path');
const jc = require(require.resolve('json-cycle', { paths: [path.dirname(require.resolve('osls/package.json', { paths: [process.cwd()] }))] }));
function decycle(object) {
  const seen = new Map();
  return (function derez(value, at) {
    let v = value;
    if (value !== null && value !== undefined) { try { if (typeof value.toJSON === 'function') v = value.toJSON(); } catch (error) {} }
    if (typeof v !== 'object' || v === null) return v;
    const previous = seen.get(v);
    if (previous !== undefined) return { $ref: previous };
    seen.set(v, at);
    if (Array.isArray(v)) return v.map((item, i) => derez(item, at + '[' + i + ']'));
    const copy = {};
    for (const name in v) if (Object.prototype.hasOwnProperty.call(v, name)) copy[name] = derez(v[name], at + '[' + JSON.stringify(name) + ']');
    return copy;
  })(object, '$');
}
jc.stringify = (object, replacer, space) => JSON.stringify(decycle(object), replacer, space);
`;

// ---------------------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  await mkdir(outRoot, { recursive: true });
  if (!useTimeBin) {
    await writeFile(
      usagePreload,
      "process.on('exit', () => require('fs').writeFileSync(process.env.PATCHBAY_BENCH_USAGE_FILE, JSON.stringify(process.resourceUsage())));\n",
    );
  }
  if (options.linearDecycle) {
    const preload = path.join(outRoot, 'linear-decycle.cjs');
    await writeFile(preload, LINEAR_DECYCLE_PRELOAD);
    slsNodeArgs.push('--require', preload);
  }
  const largest = Math.max(...options.sizes);
  const workload = generateWorkload(largest);
  const allRules = generateRules(workload, largest);
  console.log(
    `Compiler at scale: Node ${process.version}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GB; ` +
      `peak RSS from ${useTimeBin ? '/usr/bin/time -v' : 'process.resourceUsage() of the child'}; ${options.runs} runs each, median` +
      (options.linearDecycle ? '; WHAT-IF: sls runs with a linear json-cycle stringify' : ''),
  );

  const rows: Row[] = [];
  const projects = new Map<number, string>();
  const sizes = [...options.sizes];
  for (let index = 0; index < sizes.length; index++) {
    const size = sizes[index];
    const rules = allRules.slice(0, size);
    const { settings, known } = quotaSettings(size);
    const dir = path.join(outRoot, 'projects', String(size));
    await writeProject(dir, rules, settings);
    projects.set(size, dir);
    const eventFiles = new Set(rules.flatMap((rule) => [...rule.events.keys()])).size;
    const folders = new Set(rules.map((rule) => path.dirname(rule.filePath))).size;
    console.log(
      `\n${size} pattern files in ${folders} folders, ${eventFiles} sample-event files; quota settings: ${known.length ? JSON.stringify(settings) : 'none in custom.patchbay'}; load average ${os.loadavg()[0].toFixed(1)}`,
    );
    for (const command of ['sls package', 'patchbay test'] as const) {
      const runs: Measurement[] = [];
      let outcome: Outcome = { ok: true };
      for (let i = 0; i < options.runs; i++) {
        const run = await measure(command, dir);
        outcome = await check(command, size, dir, run);
        runs.push(run);
        console.log(`  ${command} #${i + 1}: ${(run.wallMs / 1000).toFixed(2)} s, ${run.peakRssMb.toFixed(0)} MB${outcome.ok ? '' : ` (refused: ${outcome.refused})`}`);
      }
      rows.push({
        command,
        size,
        wallMs: median(runs.map((r) => r.wallMs)),
        cpuMs: median(runs.map((r) => r.cpuMs)),
        peakRssMb: median(runs.map((r) => r.peakRssMb)),
        runs: runs.map((r) => r.wallMs),
        outcome,
      });
      // The compiler refused one stack: also measure a full package of the most rules one stack holds.
      const perStack = outcome.ok ? undefined : outcome.rulesPerStack;
      if (perStack !== undefined && !sizes.includes(perStack) && perStack > sizes[0]) {
        sizes.splice(index + 1, 0, perStack);
        console.log(`  (added ${perStack} files: the most rules that fit in one CloudFormation stack here)`);
      }
    }
  }
  rows.sort((a, b) => (a.command === b.command ? a.size - b.size : a.command < b.command ? 1 : -1));
  console.log(`\n${formatTable(rows)}`);
  console.log(`\nratio = median wall time (peak RSS) over the ${options.sizes[0]}-file case; goal: <= 2x at ${largest} files. CPU = user + system time of the process tree.`);

  if (options.profile) {
    // sls package: the largest project it packaged in full (a refusal stops before bundling and saving).
    const packaged = Math.max(...rows.filter((row) => row.command === 'sls package' && row.outcome.ok).map((row) => row.size));
    for (const [command, size] of [['sls package', packaged], ['patchbay test', largest]] as const) {
      console.log(`\n${await profileCommand(command, size, projects.get(size)!)}`);
    }
  }
  if (!options.keep) await rm(path.join(outRoot, 'projects'), { recursive: true, force: true });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
