/**
 * Backtest benchmark: records per second end to end (gunzip, parse, convert, route, filter, tally) through the
 * 10 starter rules of patterns/ plus 300 generated ones, and peak RSS.
 *
 *   npm run bench:backtest               # RECORDS=2000000 (about 2 GB of JSON) PER_FILE=10000 WORKERS=<cores>
 *
 * Generates (once, reused while RECORDS/PER_FILE are unchanged) gzipped CloudTrail log files under
 * bench/out/backtest/ from the record shapes of ../shared/events-corpus/cloudtrail-records with varied values
 * (eventName, eventSource, region, time over 30 days, actor, ids, readOnly). Then times `runBacktest` over them
 * and asserts — exit 1 on a mismatch — that per-rule matched/notified counts on a sample file equal a naive loop
 * (convert, then matchEventPattern + delivery + filters rule by rule). The target (>= 30,000 records/s) is
 * reported, not asserted.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { BacktestTally, runBacktest, type BacktestRule } from '../src/backtest';
import { convertCloudTrailRecord, reachesRuleState } from '../src/cloudtrail';
import { loadProject } from '../src/cli/project';
import { matchEventPattern, parseEventPattern } from '../src/pattern';
import { compileFilter } from '../src/runtime/filter';

const REPO = path.resolve(__dirname, '..');
const CORPUS = process.env.CORPUS ?? path.resolve(REPO, '../shared/events-corpus/cloudtrail-records');
const OUT = path.join(REPO, 'bench/out/backtest');
const RECORDS = Number(process.env.RECORDS ?? 2_000_000);
const PER_FILE = Number(process.env.PER_FILE ?? 10_000);
const WORKERS = process.env.WORKERS === undefined ? undefined : Number(process.env.WORKERS);
const TARGET = 30_000;

/** Deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const EVENT_NAMES = ['CreateUser', 'DeleteTrail', 'StopLogging', 'AttachRolePolicy', 'PutBucketAcl', 'DeleteTable', 'ScheduleKeyDeletion', 'AuthorizeSecurityGroupIngress', 'RunInstances', 'GetObject', 'DescribeInstances', 'ListBuckets', 'ConsoleLogin', 'AssumeRole'];
const REGIONS = ['us-east-1', 'us-east-2', 'eu-west-1', 'ap-southeast-2'];

function shapes(): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const name of fs.readdirSync(CORPUS).filter((n) => n.endsWith('.json')).sort()) {
    const doc = JSON.parse(fs.readFileSync(path.join(CORPUS, name), 'utf8')) as Record<string, unknown>;
    const record = Array.isArray(doc.Records) ? (doc.Records[0] as Record<string, unknown>) : doc;
    if ('skipped' in convertCloudTrailRecord(record)) continue;
    out.push(record);
  }
  return out;
}

function generate(): string[] {
  const stamp = path.join(OUT, `stamp-${RECORDS}-${PER_FILE}`);
  const files = Array.from({ length: Math.ceil(RECORDS / PER_FILE) }, (_, i) => path.join(OUT, `111122223333_CloudTrail_${String(i).padStart(5, '0')}.json.gz`));
  if (fs.existsSync(stamp)) return files;
  fs.rmSync(OUT, { recursive: true, force: true });
  fs.mkdirSync(OUT, { recursive: true });
  const random = rng(42);
  const base = shapes();
  const start = Date.parse('2026-10-01T00:00:00Z');
  let n = 0;
  let plainBytes = 0;
  const t0 = Date.now();
  for (const file of files) {
    const parts: string[] = [];
    for (let i = 0; i < PER_FILE && n < RECORDS; i++, n++) {
      const record = structuredClone(base[Math.floor(random() * base.length)]);
      const eventName = record.eventType === 'AwsApiCall' && random() < 0.5 ? EVENT_NAMES[Math.floor(random() * EVENT_NAMES.length)] : record.eventName;
      record.eventName = eventName;
      record.eventTime = new Date(start + Math.floor(random() * 30 * 86400) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
      record.awsRegion = REGIONS[Math.floor(random() * REGIONS.length)];
      record.eventID = `${n.toString(16).padStart(8, '0')}-0000-4000-8000-${Math.floor(random() * 1e12).toString(16).padStart(12, '0')}`;
      record.sourceIPAddress = `203.0.113.${Math.floor(random() * 256)}`;
      if (record.eventType === 'AwsApiCall') record.readOnly = /^(Get|Describe|List)/.test(String(eventName));
      const identity = (record.userIdentity ?? {}) as Record<string, unknown>;
      identity.arn = `arn:aws:iam::111122223333:user/user-${Math.floor(random() * 200)}`;
      record.userIdentity = identity;
      parts.push(JSON.stringify(record));
    }
    const text = `{"Records":[${parts.join(',')}]}`;
    plainBytes += Buffer.byteLength(text);
    fs.writeFileSync(file, zlib.gzipSync(text, { level: 1 }));
  }
  fs.writeFileSync(stamp, String(plainBytes));
  console.log(`generated ${RECORDS} records in ${files.length} files in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return files;
}

/** 300 rules in the starter rules' style: service + eventName, some with prefix / anything-but / filters. */
function generatedRules(): BacktestRule[] {
  const random = rng(7);
  const sources = ['iam', 'cloudtrail', 's3', 'dynamodb', 'kms', 'ec2', 'signin', 'sts', 'organizations', 'ssm'];
  return Array.from({ length: 300 }, (_, i): BacktestRule => {
    const source = sources[i % sources.length];
    const name = EVENT_NAMES[Math.floor(random() * EVENT_NAMES.length)];
    const kind = i % 4;
    const detail: Record<string, unknown> =
      kind === 0 ? { eventName: [name] } : kind === 1 ? { eventName: [{ prefix: name.slice(0, 3) }] } : kind === 2 ? { eventName: [name], awsRegion: [{ 'anything-but': ['us-east-1'] }] } : { eventName: [name], userIdentity: { arn: [{ suffix: `user-${i % 200}` }] } };
    return {
      name: `generated-${String(i).padStart(3, '0')}`,
      state: i % 10 === 0 ? 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS' : 'ENABLED',
      pattern: { source: [`aws.${source}`], detail },
      targets: [{ id: 'notify', kind: 'function', ...(i % 3 === 0 ? { filter: "detail.sourceIPAddress != '203.0.113.1'" } : {}), notify: {} }],
    };
  });
}

function naiveCounts(file: string, rules: readonly BacktestRule[]): Record<string, [number, number]> {
  const doc = JSON.parse(zlib.gunzipSync(fs.readFileSync(file)).toString('utf8')) as { Records: unknown[] };
  const compiled = rules.filter((r) => r.pattern).map((r) => ({ r, p: parseEventPattern(r.pattern!), f: r.targets.map((t) => compileFilter(t.filter)) }));
  const counts: Record<string, [number, number]> = {};
  for (const record of doc.Records) {
    const c = convertCloudTrailRecord(record);
    if ('skipped' in c) continue;
    for (const { r, p, f } of compiled) {
      if (!matchEventPattern(p, c.event) || !reachesRuleState(c.facts, r.state)) continue;
      const entry = (counts[r.name] ??= [0, 0]);
      entry[0]++;
      if (f.some((filter) => filter.test(c.event))) entry[1]++;
    }
  }
  return counts;
}

async function main(): Promise<void> {
  const files = generate();
  const project = await loadProject(REPO);
  const rules: BacktestRule[] = [...project.catalog.rules, ...generatedRules()];
  console.log(`${rules.length} rules (${project.catalog.rules.length} starter + 300 generated), ${files.length} files, ${RECORDS} records`);

  // Check against the naive loop on a sample file.
  const sample = files[0];
  const tally = new BacktestTally(rules);
  await tally.addFile(sample, 'sample');
  const naive = naiveCounts(sample, rules);
  let mismatches = 0;
  for (const rule of rules) {
    const got = tally.data.rules[rule.name];
    const want = naive[rule.name] ?? [0, 0];
    if (got.matched !== want[0] || got.notified !== want[1]) {
      mismatches++;
      console.error(`MISMATCH ${rule.name}: index ${got.matched}/${got.notified}, naive ${want[0]}/${want[1]}`);
    }
  }
  const firing = rules.filter((r) => (naive[r.name]?.[0] ?? 0) > 0).length;
  console.log(`sample check (${tally.data.records} records): ${mismatches === 0 ? 'per-rule counts equal the naive loop' : `${mismatches} mismatches`} (${firing} rules fired)`);

  let peakRss = process.memoryUsage().rss;
  const timer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  const t0 = process.hrtime.bigint();
  const report = await runBacktest(
    files.map((f) => ({ path: f, display: path.basename(f) })),
    rules,
    { workers: WORKERS },
  );
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  clearInterval(timer);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  const rate = report.records / seconds;
  const bytes = files.reduce((a, f) => a + fs.statSync(f).size, 0);
  const plain = Number(fs.readFileSync(path.join(OUT, `stamp-${RECORDS}-${PER_FILE}`), 'utf8')) || NaN;
  console.log(
    `backtest: ${report.records} records (${report.converted} converted, ${report.skipped.length} skipped) in ${seconds.toFixed(1)} s = ${Math.round(rate).toLocaleString('en-US')} records/s; ` +
      `${report.rules.length} rules fired, ${report.neverFired.length} never; ${(bytes / 1e6).toFixed(0)} MB gzipped, ${(plain / 1e9).toFixed(2)} GB of JSON; ` +
      `peak RSS of the main thread's process ${(peakRss / 1e6).toFixed(0)} MB (workers included: one process)`,
  );
  console.log(`workers: ${WORKERS ?? `default (${os.availableParallelism()} cores)`}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; ${os.cpus()[0]?.model ?? ''}`);
  console.log(rate >= TARGET ? `target >= ${TARGET} records/s: met` : `target >= ${TARGET} records/s: MISSED by ${Math.round(TARGET - rate)} records/s`);
  console.log(peakRss < 300e6 ? 'target RSS < 300 MB: met' : `target RSS < 300 MB: MISSED by ${((peakRss - 300e6) / 1e6).toFixed(0)} MB`);
  if (mismatches) process.exitCode = 1;
}

void main();
