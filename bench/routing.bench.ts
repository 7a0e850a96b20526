/**
 * Routing benchmark: events per second through RuleIndex at 1, 100, 1,000 and 10,000 rules on the shared
 * CloudTrail workload (../shared/bench/workload), against the naive per-rule loop and event-ruler's figures.
 *
 *   npm run bench                      # RULE_SEED / EVENT_SEED pick the seeds of the second workload
 *
 * Every timed event is a JSON line: `JSON.parse` is part of the work, as for a router reading a stream.
 * Per N, in fresh processes (sizes in turn, twice): warm-up pass, then ROUNDS timed rounds over all events,
 * the median of all rounds reported; build time (parse the N pattern lines + add them) and retained heap (after GC). The naive loop
 * (flatten once, try every rule: the first RuleIndex) runs time-boxed rounds. Asserts — exit 1 on any mismatch — that the matched ids equal
 * event-ruler's recorded ones (ids < N of expected-matches.event-ruler.N10000.tsv) for both, and that on a
 * workload generated with other seeds the index equals the naive single-pattern matcher on every event.
 * Finally times `node bin/patchbay.js match` end to end on the 10,000-rule file. Performance targets are
 * reported, not asserted: a missed target is printed with its margin and the conditions of the run.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseEventPattern, RuleIndex, type EventPattern } from '../src/pattern';
import { flattenEvent, pathPrefixes } from '../src/pattern/flatten';
import { matchBranches } from '../src/pattern/match';

const REPO = path.resolve(__dirname, '..');
const WORKLOAD = path.resolve(REPO, '../shared/bench/workload');
const OUT = path.join(REPO, 'bench/out');
const SIZES = [1, 100, 1000, 10000] as const;
const ROUNDS = 7;
/** Naive loop: each round runs for at least this long (and at least NAIVE_MIN_EVENTS events). */
const NAIVE_ROUND_MS = 1500;
const NAIVE_MIN_EVENTS = 20;
const NAIVE_ROUNDS = 3;
/** event-ruler (Java) on this machine and workload, from the issue. */
const REFERENCE: Record<number, number> = { 1: 82250, 100: 39822, 1000: 9979, 10000: 986 };
/** serverless-offline-aws-eventbridge on this machine, from the issue (only these two sizes were given). */
const JS_PEER: Record<number, number> = { 1: 8909, 10000: 0.99 };
const SHA256 = {
  'rules.jsonl': '6acf882c93648dd32d75a86513c415f83a893253403a39168e9c42369a0efefc',
  'events.jsonl': '4057c404516b34753bbcb57dc64dd9bd0721ab25a4794e229085608ac25ac65c',
};

const gc = (globalThis as { gc?: () => void }).gc;
let failures = 0;

function fail(message: string): void {
  failures++;
  console.error(`MISMATCH: ${message}`);
}

// ---- workload -------------------------------------------------------------------------------------------

interface Workload {
  dir: string;
  ruleLines: string[];
  eventLines: string[];
}

function generate(dir: string, env: NodeJS.ProcessEnv): Workload {
  mkdirSync(dir, { recursive: true });
  execFileSync(process.execPath, [path.join(WORKLOAD, 'gen.js'), path.join(WORKLOAD, 'templates'), dir, '10000', '2000'], { env, stdio: 'pipe' });
  const lines = (file: string) => readFileSync(path.join(dir, file), 'utf8').split('\n').filter((l) => l !== '');
  return { dir, ruleLines: lines('rules.jsonl'), eventLines: lines('events.jsonl') };
}

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** Expected ids per event at N = 10000 (event-ruler); ids < N are the expected matches at N. */
function readExpected(): number[][] {
  return readFileSync(path.join(WORKLOAD, 'expected-matches.event-ruler.N10000.tsv'), 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((line) => JSON.parse(line.split('\t')[1]) as number[]);
}

// ---- routers --------------------------------------------------------------------------------------------

interface Router {
  matchJson(line: string): number[];
}

/** The naive router: flatten the event once, then try every rule in turn (O(rules) per event). */
class NaiveRouter implements Router {
  private readonly wanted: Set<string>;
  constructor(private readonly patterns: readonly EventPattern[]) {
    this.wanted = pathPrefixes(patterns.flatMap((p) => p.paths));
  }
  matchJson(line: string): number[] {
    const leaves = flattenEvent(JSON.parse(line), this.wanted);
    const out: number[] = [];
    for (let i = 0; i < this.patterns.length; i++) if (matchBranches(this.patterns[i].branches, leaves)) out.push(i);
    return out;
  }
}

interface Built<R> {
  router: R;
  buildMs: number;
  heapBytes: number | undefined;
}

function measureBuild<R>(build: () => R): Built<R> {
  gc?.();
  const before = process.memoryUsage().heapUsed;
  const start = performance.now();
  const router = build();
  const buildMs = performance.now() - start;
  gc?.();
  const heapBytes = gc ? process.memoryUsage().heapUsed - before : undefined;
  return { router, buildMs, heapBytes };
}

function buildIndex(lines: readonly string[]): RuleIndex<number> {
  const index = new RuleIndex<number>();
  lines.forEach((line, id) => index.add(id, parseEventPattern(line)));
  return index;
}

// ---- timing ---------------------------------------------------------------------------------------------

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * Timed rounds over all events after a warm-up pass: events/s per round. Each timed pass is preceded by a
 * JSON.parse-only pass over the same lines, so that the share of parsing is measured under the same conditions.
 */
function timeRounds(router: Router, events: readonly string[]): { rates: number[]; parseRates: number[] } {
  let sink = 0;
  for (const e of events) sink += router.matchJson(e).length;
  const rates: number[] = [];
  const parseRates: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    let start = performance.now();
    for (const e of events) sink += JSON.parse(e) === null ? 1 : 0;
    parseRates.push(events.length / ((performance.now() - start) / 1000));
    start = performance.now();
    for (const e of events) sink += router.matchJson(e).length;
    rates.push(events.length / ((performance.now() - start) / 1000));
  }
  if (sink < 0) console.log(sink);
  return { rates, parseRates };
}

/** Time-boxed rounds from the start of the event list (the naive loop is too slow for all events at large N). */
function naiveThroughput(router: Router, events: readonly string[]): { rate: number; events: number } {
  let count = 0;
  const rates: number[] = [];
  for (let r = 0; r < NAIVE_ROUNDS; r++) {
    const start = performance.now();
    let n = 0;
    while (n < events.length && (n < NAIVE_MIN_EVENTS || performance.now() - start < NAIVE_ROUND_MS)) router.matchJson(events[n++]);
    rates.push(n / ((performance.now() - start) / 1000));
    count = Math.max(count, n);
  }
  return { rate: median(rates), events: count };
}

function checkAgainst(name: string, router: Router, events: readonly string[], expected: (j: number) => number[], count = events.length): number {
  let total = 0;
  for (let j = 0; j < count; j++) {
    const got = router.matchJson(events[j]);
    const want = expected(j);
    total += got.length;
    if (got.length !== want.length || got.some((id, k) => id !== want[k])) {
      fail(`${name}: event ${j}: got [${got.join(',')}], expected [${want.join(',')}]`);
      if (failures > 20) throw new Error('too many mismatches');
    }
  }
  return total / count;
}

// ---- report ---------------------------------------------------------------------------------------------

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const mb = (bytes: number | undefined) => (bytes === undefined ? 'n/a (run with --expose-gc)' : `${fmt(Math.max(0, bytes) / 1048576, 1)} MB`);

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  return [line(headers), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

// ---- one size, in a child process ----------------------------------------------------------------------

/** What a child process measures for one size. */
interface SizeResult {
  rates: number[];
  parseRates: number[];
  buildMs: number;
  heapBytes: number | undefined;
  matchesPerEvent: number;
  naive?: { rate: number; events: number; buildMs: number; heapBytes: number | undefined };
  mismatches: string[];
}

const CHILD_SIZE_ENV = 'PATCHBAY_BENCH_SIZE';
const CHILD_NAIVE_ENV = 'PATCHBAY_BENCH_NAIVE';
/** Each size is measured this many times, in a fresh process each time. */
const PASSES = 2;

function runChild(n: number, withNaive: boolean): SizeResult {
  const result = spawnSync(process.execPath, [...process.execArgv, __filename], {
    env: { ...process.env, [CHILD_SIZE_ENV]: String(n), [CHILD_NAIVE_ENV]: withNaive ? '1' : '' },
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (result.status !== 0) throw new Error(`benchmark child for ${n} rules exited ${result.status}: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').pop()!) as SizeResult;
}

/** Child process: build, check and time the index (and the naive loop) for the first `n` rules of bench/out. */
function measureSize(n: number, withNaive: boolean): SizeResult {
  const lines = (file: string) => readFileSync(path.join(OUT, file), 'utf8').split('\n').filter((l) => l !== '');
  const ruleLines = lines('rules.jsonl').slice(0, n);
  const eventLines = lines('events.jsonl');
  const expected = readExpected();
  const expectedAt = (j: number) => expected[j].filter((id) => id < n);
  const mismatches: string[] = [];
  const check = (name: string, router: Router, count: number) => {
    let total = 0;
    for (let j = 0; j < count; j++) {
      const got = router.matchJson(eventLines[j]);
      const want = expectedAt(j);
      total += got.length;
      if ((got.length !== want.length || got.some((id, k) => id !== want[k])) && mismatches.length < 20) {
        mismatches.push(`${name} N=${n}: event ${j}: got [${got.join(',')}], expected [${want.join(',')}]`);
      }
    }
    return total / count;
  };
  const index = measureBuild(() => buildIndex(ruleLines));
  const matchesPerEvent = check('index', index.router, eventLines.length);
  const { rates, parseRates } = timeRounds(index.router, eventLines);
  let naive: SizeResult['naive'];
  if (withNaive) {
    const built = measureBuild(() => new NaiveRouter(ruleLines.map((l) => parseEventPattern(l))));
    const timed = naiveThroughput(built.router, eventLines);
    check('naive', built.router, timed.events);
    naive = { ...timed, buildMs: built.buildMs, heapBytes: built.heapBytes };
  }
  return { rates, parseRates, buildMs: index.buildMs, heapBytes: index.heapBytes, matchesPerEvent, naive, mismatches };
}

// ---- main -----------------------------------------------------------------------------------------------

function main(): void {
  const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');
  console.log(`Node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), load average ${load()}`);

  // Workload (default seeds) and its recorded matches.
  const main = generate(OUT, { ...process.env, RULE_SEED: '', EVENT_SEED: '' });
  for (const [file, sum] of Object.entries(SHA256)) {
    if (sha256(path.join(OUT, file)) !== sum) fail(`${file} is not the shared workload (sha256 differs): the generator or templates changed`);
  }
  const expected = readExpected();
  const { ruleLines, eventLines } = main;
  console.log(`Workload: ${ruleLines.length} rules, ${eventLines.length} events (${fmt(eventLines.reduce((s, l) => s + l.length, 0) / eventLines.length)} bytes each on average)\n`);

  // Each size in fresh processes (a router holds one index: its JIT state should not be shaped by the
  // other sizes), all sizes in turn, PASSES times, so that a busy spell of the machine hits all sizes alike.
  const runs = new Map<number, SizeResult[]>(SIZES.map((n) => [n, []]));
  for (let pass = 0; pass < PASSES; pass++) {
    for (const n of SIZES) runs.get(n)!.push(runChild(n, pass === 0));
  }
  const results = new Map<number, { rate: number; parseRate: number }>();
  const rows: string[][] = [];
  for (const n of SIZES) {
    const all = runs.get(n)!;
    const first = all[0];
    for (const message of all.flatMap((r) => r.mismatches)) fail(message);
    const rate = median(all.flatMap((r) => r.rates));
    const parseAt = median(all.flatMap((r) => r.parseRates));
    results.set(n, { rate, parseRate: parseAt });
    const naive = first.naive!;
    rows.push([
      fmt(n),
      fmt(rate),
      fmt(1e6 / rate, 1),
      `${fmt((rate / parseAt) * 100)} %`,
      fmt(REFERENCE[n]),
      `${fmt(rate / REFERENCE[n], 2)}x`,
      `${fmt(naive.rate, naive.rate < 100 ? 1 : 0)}${naive.events < eventLines.length ? ` (${naive.events} ev)` : ''}`,
      JS_PEER[n] === undefined ? '-' : fmt(JS_PEER[n], JS_PEER[n] < 10 ? 2 : 0),
      fmt(first.buildMs, 1),
      mb(first.heapBytes),
      fmt(naive.buildMs, 1),
      mb(naive.heapBytes),
      fmt(first.matchesPerEvent, 1),
    ]);
  }
  console.log(`Events/s, JSON.parse of every event line included (index: median of ${PASSES} x ${ROUNDS} rounds over all events, after a warm-up; each size in its own process, sizes in turn).`);
  console.log(
    table(
      ['rules', 'index ev/s', 'µs/event', 'of which JSON.parse', 'event-ruler ev/s', 'index/ref', 'naive loop ev/s', 'JS peer ev/s', 'index build ms', 'index heap', 'naive build ms', 'naive heap', 'matches/event'],
      rows,
    ),
  );
  const parseRate = median([...results.values()].map((r) => r.parseRate));
  console.log(`JSON.parse alone: ${fmt(parseRate)} events/s (${fmt(1e6 / parseRate, 1)} µs per event, measured between the rounds): the ceiling for any router that parses its input.`);
  console.log('Build = parse the N pattern lines + add them; heap = retained after GC (patterns + structure). Naive loop: time-boxed rounds over the first events.\n');

  // Targets.
  const at = (n: number) => results.get(n)!;
  const targets: Array<[string, number, number, number]> = [
    ['1 rule: >= half of event-ruler (41,125)', 1, at(1).rate, REFERENCE[1] / 2],
    ['100 rules: >= event-ruler (39,822)', 100, at(100).rate, REFERENCE[100]],
    ['1,000 rules: >= event-ruler (9,979)', 1000, at(1000).rate, REFERENCE[1000]],
    ['10,000 rules: >= event-ruler (986)', 10000, at(10000).rate, REFERENCE[10000]],
    ['10,000 rules >= 30 % of 1 rule', 10000, at(10000).rate, 0.3 * at(1).rate],
  ];
  console.log('Targets:');
  for (const [name, n, got, want] of targets) {
    const margin = (got / want - 1) * 100;
    if (got >= want) console.log(`  met     ${name}: ${fmt(got)} (${margin >= 0 ? '+' : ''}${fmt(margin, 1)} %)`);
    else {
      const parseShare = (at(n).rate / at(n).parseRate) * 100;
      console.log(`  MISSED  ${name}: ${fmt(got)}, ${fmt(-margin, 1)} % short.`);
      console.log(
        `          Why: JSON.parse alone takes ${fmt(parseShare)} % of the ${fmt(1e6 / got, 1)} µs per event at ${fmt(n)} rule(s) ` +
          `(it allows only ${fmt(at(n).parseRate)} events/s in this run); load average ${load()} on ${os.cpus().length} CPUs ` +
          `(other processes share the machine: rerun when it is idle).`,
      );
    }
  }
  console.log(`  ratio 10,000 / 1 rule: ${fmt((at(10000).rate / at(1).rate) * 100, 1)} %\n`);

  // Other seeds: the index against the naive single-pattern matcher on every event.
  const ruleSeed = process.env.RULE_SEED || '42';
  const eventSeed = process.env.EVENT_SEED || '43';
  const other = generate(path.join(OUT, `seed-${ruleSeed}-${eventSeed}`), { ...process.env, RULE_SEED: ruleSeed, EVENT_SEED: eventSeed });
  {
    const start = performance.now();
    const patterns = other.ruleLines.map((l) => parseEventPattern(l));
    const index = new RuleIndex<number>();
    patterns.forEach((p, id) => index.add(id, p));
    const naive = new NaiveRouter(patterns);
    const perEvent = checkAgainst(`seeds ${ruleSeed}/${eventSeed}`, index, other.eventLines, (j) => naive.matchJson(other.eventLines[j]));
    const rate = median(timeRounds(index, other.eventLines).rates);
    console.log(
      `Other seeds (RULE_SEED=${ruleSeed}, EVENT_SEED=${eventSeed}): ${other.ruleLines.length} rules x ${other.eventLines.length} events, ` +
        `index = naive single-pattern matcher on every event (${fmt(perEvent, 1)} matches/event; checked in ${fmt((performance.now() - start) / 1000, 1)} s); ` +
        `index ${fmt(rate)} events/s at 10,000 rules.\n`,
    );
  }

  // The command line, end to end.
  endToEnd(main, expected);

  if (failures > 0) {
    console.error(`\n${failures} mismatch(es).`);
    process.exitCode = 1;
  } else console.log('\nAll matched sets equal the expected ones.');
}

function endToEnd(workload: Workload, expected: number[][]): void {
  const bin = path.join(REPO, 'bin/patchbay.js');
  const empty = path.join(OUT, 'empty-rules.jsonl');
  if (!existsSync(empty)) writeFileSync(empty, '');
  const run = (rules: string, input: string) => {
    const start = performance.now();
    const result = spawnSync(process.execPath, [bin, 'match', '--rules', rules], { input, encoding: 'utf8', maxBuffer: 1 << 28 });
    return { ms: performance.now() - start, ...result };
  };
  const events = readFileSync(path.join(workload.dir, 'events.jsonl'), 'utf8');
  const rules = path.join(workload.dir, 'rules.jsonl');
  const startup = median([0, 1, 2].map(() => run(empty, '').ms));
  const loadOnly = median([0, 1, 2].map(() => run(rules, '').ms));
  const full = [0, 1, 2].map(() => run(rules, events));
  const total = median(full.map((r) => r.ms));
  const last = full[full.length - 1];
  if (last.status !== 0) fail(`patchbay match exited ${last.status}: ${last.stderr}`);
  const lines = last.stdout.split('\n').filter((l) => l !== '');
  if (lines.length !== expected.length) fail(`patchbay match wrote ${lines.length} lines for ${expected.length} events`);
  lines.forEach((line, j) => {
    if (line !== JSON.stringify(expected[j])) fail(`patchbay match: event ${j}: ${line} != ${JSON.stringify(expected[j])}`);
  });
  console.log('`node bin/patchbay.js match --rules bench/out/rules.jsonl < bench/out/events.jsonl` (10,000 rules, 2,000 events; median of 3):');
  console.log(
    table(
      ['phase', 'wall ms'],
      [
        ['start-up (tsx + CLI modules; empty rules, no events)', fmt(startup)],
        ['+ load 10,000 rules (parse + index)', fmt(loadOnly - startup)],
        ['+ match 2,000 events (read, parse, match, write)', fmt(total - loadOnly)],
        ['total', fmt(total)],
      ],
    ),
  );
  console.log(`Output equals event-ruler's recorded matches: ${lines.length === expected.length ? 'checked' : 'NO'}.`);
}

const childSize = process.env[CHILD_SIZE_ENV];
if (childSize) console.log(JSON.stringify(measureSize(Number(childSize), process.env[CHILD_NAIVE_ENV] === '1')));
else main();
