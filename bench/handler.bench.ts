/**
 * Cold start and size of the notify function, as Lambda runs it: `npm run bench:handler`.
 *
 * - Size: the bundle `sls package` builds (bundleFunction: esbuild, minified, `@aws-sdk/*` external since the
 *   Node.js Lambda runtimes ship SDK v3), with the inputs that weigh most (esbuild's metafile, by package).
 * - Initialisation: median of 20 fresh `node` processes that require the bundle (module initialisation, SDK client
 *   included), minus the median of 20 `node -e 0`; then the same plus the first manifest load for 10 and 300 rules
 *   (the handler compiles its manifest on the first invocation, so that is cold-start time too).
 * - Manifest compile, in-process: median of 50 compiles of 10 and 300 rules of the shared workload.
 * - Per event: the handler (dry run, nothing printed) on a typical CloudTrail event and on one of 200 KB, median of
 *   2,000 and 200 invocations after a warm-up; each run asserts the event was notified (one dry-run result).
 *
 * Targets (this machine): bundle <= 250 KB, initialisation <= 50 ms with 300 rules (judged on patchbay's share: the
 * bundle's initialisation minus `@aws-sdk/client-sns`'s, which every publishing function pays, plus the manifest),
 * <= 1 ms per typical event.
 * Missed targets are printed with their margin, not asserted: the machine may be shared (the load is printed).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { bundleFunction } from '../src/plugin/bundle';
import { compileManifest, type RoutingManifest } from '../src/runtime';

const REPO = path.resolve(__dirname, '..');
const OUT = path.join(REPO, 'bench/out/handler');
const WORKLOAD = path.resolve(REPO, '../shared/bench/workload');
const TARGETS = { bundleKb: 250, initMs: 50, typicalEventMs: 1 };

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** A manifest of `count` rules of the shared workload, all targeting notify → security. */
function manifestOf(count: number): RoutingManifest {
  const dir = path.join(OUT, 'workload');
  mkdirSync(dir, { recursive: true });
  spawnSync(process.execPath, [path.join(WORKLOAD, 'gen.js'), path.join(WORKLOAD, 'templates'), dir, '300', '10'], { stdio: 'ignore' });
  const patterns = readFileSync(path.join(dir, 'rules.jsonl'), 'utf8').split('\n').filter(Boolean).slice(0, count);
  const rules: RoutingManifest['rules'] = patterns.map((line, index) => ({
    name: `rule-${index}`,
    bus: 'default',
    pattern: JSON.parse(line),
    targets: [{ id: 'notify', function: 'notify', select: { actor: 'detail.userIdentity.arn', ip: 'detail.sourceIPAddress' }, notify: { topic: 'security', subject: 'rule-{rule}: {actor}' } }],
  }));
  // The rule the timed events match: the starter catalog's DeleteTable rule.
  rules.push({
    name: 'dynamodb-delete-table',
    bus: 'default',
    severity: 'high',
    pattern: { source: ['aws.dynamodb'], 'detail-type': ['AWS API Call via CloudTrail'], detail: { eventName: ['DeleteTable'] } },
    targets: [{ id: 'notify', function: 'notify', select: { table: 'detail.requestParameters.tableName', actor: 'detail.userIdentity.arn' }, notify: { topic: 'security', subject: 'DynamoDB table {table} deleted by {actor}' } }],
  });
  return { version: 1, service: 'bench', stage: 'bench', function: 'notify', rules, topics: { security: { arnEnv: 'PATCHBAY_TOPIC_ARN_SECURITY', name: 'bench-bench-security' } } };
}

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  mkdirSync(OUT, { recursive: true });
  console.log(`machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, node ${process.version}, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const failures: string[] = [];

  // Size: the bundle as sls package builds it, and what weighs in it.
  const manifest300 = manifestOf(300);
  const bundle = await bundleFunction({ serviceDir: REPO, functionKey: 'bench-notify', handler: 'handlers/notify.handler', runtime: 'nodejs22.x', manifest: manifest300, zip: false });
  const bytes = statSync(bundle.handlerFile).size;
  const meta = await build({ entryPoints: [path.join(REPO, 'handlers/notify.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node22', external: ['@aws-sdk/*'], minify: true, keepNames: true, write: false, metafile: true, logLevel: 'silent' });
  const byPackage = new Map<string, number>();
  for (const [file, input] of Object.entries(meta.metafile!.outputs[Object.keys(meta.metafile!.outputs)[0]!]!.inputs)) {
    const name = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1] ?? (file.startsWith('src/') || file.startsWith('handlers/') ? 'patchbay (src, handlers)' : file);
    byPackage.set(name, (byPackage.get(name) ?? 0) + input.bytesInOutput);
  }
  console.log(`\nbundle: ${(bytes / 1024).toFixed(1)} KB minified (target <= ${TARGETS.bundleKb} KB), @aws-sdk/* external`);
  for (const [name, size] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 8)) console.log(`  ${(size / 1024).toFixed(1).padStart(7)} KB  ${name}`);
  if (bytes / 1024 > TARGETS.bundleKb) failures.push(`bundle ${(bytes / 1024).toFixed(1)} KB > ${TARGETS.bundleKb} KB`);

  // Initialisation in fresh processes, timed inside each process (process start-up left out): the SDK first, then
  // the bundle with the SDK already loaded, so each share is measured on its own.
  const timed = (): { sdk: number; bundle: number } => {
    const code = `const t0=process.hrtime.bigint();require('@aws-sdk/client-sns');const t1=process.hrtime.bigint();require(${JSON.stringify(bundle.handlerFile)});const t2=process.hrtime.bigint();console.log(JSON.stringify({sdk:Number(t1-t0)/1e6,bundle:Number(t2-t1)/1e6}))`;
    const run = spawnSync(process.execPath, ['-e', code], { cwd: REPO, env: { ...process.env, AWS_REGION: 'us-east-1', POWERTOOLS_METRICS_DISABLED: 'true', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] });
    if (run.status !== 0) throw new Error(`node -e failed: ${run.stderr.toString()}`);
    return JSON.parse(run.stdout.toString()) as { sdk: number; bundle: number };
  };
  const samples = Array.from({ length: 20 }, timed);
  const sdkMs = median(samples.map((x) => x.sdk));
  const bundleMs = median(samples.map((x) => x.bundle));
  console.log(`\ninitialisation (median of 20 fresh processes, timed inside each):`);
  console.log(`  @aws-sdk/client-sns (the Lambda runtime's, loaded by any function that publishes): ${sdkMs.toFixed(1)} ms`);
  console.log(`  the bundle, SDK already loaded: ${bundleMs.toFixed(1)} ms`);

  // Manifest compile in-process (what the first invocation adds to the cold start).
  for (const count of [10, 300]) {
    const manifest = manifestOf(count);
    const times = Array.from({ length: 50 }, () => {
      const started = process.hrtime.bigint();
      compileManifest(JSON.parse(JSON.stringify(manifest)));
      return Number(process.hrtime.bigint() - started) / 1e6;
    });
    const compile = median(times);
    const cold = sdkMs + bundleMs + compile;
    // The target is judged on patchbay's share: the SDK is the Lambda runtime's, loaded by any function that publishes.
    const own = bundleMs + compile;
    console.log(`  + first manifest load, ${String(count).padStart(3)} rules: ${compile.toFixed(1)} ms -> patchbay's share ${own.toFixed(1)} ms${count === 300 ? ` (target <= ${TARGETS.initMs} ms)` : ''}, with the SDK ${cold.toFixed(1)} ms`);
    if (count === 300 && own > TARGETS.initMs) failures.push(`patchbay's initialisation with 300 rules ${own.toFixed(1)} ms > ${TARGETS.initMs} ms`);
  }

  // Per event, warm, through the bundled handler in dry-run mode.
  process.env.PATCHBAY_DRY_RUN = 'true';
  process.env.AWS_REGION = 'us-east-1';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  process.env.PATCHBAY_MANIFEST_PATH = bundle.manifestFile;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the bundle is CommonJS, loaded as Lambda loads it
  const { createNotifyHandler } = require(bundle.handlerFile) as typeof import('../handlers/notify');
  const { Logger } = await import('@aws-lambda-powertools/logger');
  const { SNSClient } = await import('@aws-sdk/client-sns');
  const handle = createNotifyHandler({ manifest: manifest300, snsClient: new SNSClient({ region: 'us-east-1' }), logger: new Logger({ logLevel: 'SILENT' }), env: process.env, print: () => undefined });
  const context = { functionName: 'notify', awsRequestId: 'bench', getRemainingTimeInMillis: () => 30_000 } as never;
  const typical = JSON.parse(readFileSync(path.join(REPO, 'tests/fixtures/project/events/dynamodb/delete-table.json'), 'utf8'));
  const large = { ...typical, detail: { ...typical.detail, requestParameters: { ...typical.detail.requestParameters, padding: 'x'.repeat(200 * 1024) } } };
  for (const [name, event, count] of [['typical', typical, 2000], ['200 KB', large, 200]] as const) {
    for (let i = 0; i < 50; i++) await handle(event, context);
    const times: number[] = [];
    for (let i = 0; i < count; i++) {
      const started = process.hrtime.bigint();
      const results = (await handle(event, context)) as { status: string }[];
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
      if (!results.some((r) => (r as { rule?: string }).rule === 'dynamodb-delete-table' && r.status === 'dry-run')) throw new Error(`the ${name} event was not notified: ${JSON.stringify(results)}`);
    }
    const per = median(times);
    console.log(`per event, ${name.padEnd(7)} (median of ${count}): ${per.toFixed(3)} ms${name === 'typical' ? ` (target <= ${TARGETS.typicalEventMs} ms)` : ''}`);
    if (name === 'typical' && per > TARGETS.typicalEventMs) failures.push(`typical event ${per.toFixed(3)} ms > ${TARGETS.typicalEventMs} ms`);
  }
  console.log(failures.length ? `\ntargets missed: ${failures.join('; ')}` : '\nall targets met');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
