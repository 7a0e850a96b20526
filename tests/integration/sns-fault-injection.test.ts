/**
 * Fault injection on loopback: the bundled notify handler (esbuild, exactly as `sls package` bundles it), with
 * the real AWS SDK, publishes through a fault-injecting proxy (./support/fault-proxy.ts) to serverless-offline-sns
 * (./support/local-sns.mjs), which delivers to an HTTP subscriber. Lambda's asynchronous invocation is simulated
 * (./support/lambda-async.ts: 2 retries, then the on-failure destination).
 *
 * Asserted for every scenario: no event is lost (every event is delivered or dead-lettered), every dead-lettered
 * event failed after all its attempts (5 per Publish: no retry quota running dry), every message SNS accepted
 * reached the subscriber, and duplicates stay within the documented at-least-once guarantee (docs/runtime.md):
 * an extra copy only for a Publish that SNS accepted but whose answer the function did not get (reset after
 * acceptance, an answer slower than the request timeout). The counts are printed.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { bundleFunction } from '../../src/plugin/bundle';
import type { RoutingManifest } from '../../src/runtime/manifest';
import { readEvent, readManifest } from '../fixtures/runtime/fixtures';
import { FaultProxy, type FaultCounts, type FaultShares } from './support/fault-proxy';
import { invokeAsynchronously } from './support/lambda-async';
import { STARTUP_TIMEOUT_MS, Subscriber, startLocalSns, stopChild, type LocalSns } from './support/local-sns-process';

const REPO_ROOT = path.resolve(__dirname, '../..');
const FUNCTION_KEY = 'fault-injection-notify';
/** Client tuning for the run: the request timeout is shorter than a slow response, backoff in milliseconds. */
const CLIENT_ENV = {
  PATCHBAY_SNS_CONNECTION_TIMEOUT_MS: '200',
  PATCHBAY_SNS_REQUEST_TIMEOUT_MS: '1000',
  PATCHBAY_SNS_RETRY_BASE_DELAY_MS: '5',
  PATCHBAY_SNS_THROTTLING_BASE_DELAY_MS: '10',
};
const SLOW_RESPONSE_MS = 1_200;

interface Delivered {
  patchbay: { rule: string; target: string };
  event: Record<string, unknown>;
}

/** `count` real-shaped delivered events for two rules; every 10th carries lone surrogates in selected fields. */
function deliveredEvents(scenario: string, count: number): Delivered[] {
  const dynamodb = readEvent('delivered-dynamodb-delete-table') as unknown as Delivered;
  const signin = readEvent('signin-root-login');
  return Array.from({ length: count }, (_, index) => {
    const id = `${scenario}-${String(index).padStart(5, '0')}`;
    if (index % 2 === 0) {
      const event = structuredClone(dynamodb.event) as { id: string; detail: { requestParameters: { tableName: string }; userIdentity: { arn: string } } };
      event.id = id;
      event.detail.requestParameters.tableName = index % 10 === 0 ? `orders-\uD800-${index}` : `orders-${index}`;
      if (index % 10 === 0) event.detail.userIdentity.arn = `arn:aws:iam::123456789012:user/\uDC00${index}`;
      return { patchbay: { rule: 'dynamodb-delete-table', target: 'notify' }, event };
    }
    return { patchbay: { rule: 'signin-root-login', target: 'notify' }, event: { ...structuredClone(signin), id } };
  });
}

/** `count` delivered events for rule dynamodb-table-changes, whose target notifies the FIFO topic `audit`. */
function auditEvents(scenario: string, count: number): Delivered[] {
  const dynamodb = readEvent('delivered-dynamodb-delete-table') as unknown as Delivered;
  return Array.from({ length: count }, (_, index) => ({
    patchbay: { rule: 'dynamodb-table-changes', target: 'audit' },
    event: { ...structuredClone(dynamodb.event), id: `${scenario}-${String(index).padStart(5, '0')}` },
  }));
}

/** The event id a notification is about (the message's `Event ID:` line). */
function eventIdOf(message: unknown): string | undefined {
  return typeof message === 'string' ? /^Event ID: (.+)$/m.exec(message)?.[1] : undefined;
}

/** The SDK error name behind a failed invocation, e.g. `InternalErrorException`, `TimeoutError`. */
function publishErrorName(error: unknown): string {
  const first = (error as { errors?: { awsErrorName?: string; name?: string; cause?: { code?: string; message?: string } }[] }).errors?.[0];
  const name = first?.awsErrorName === 'Error' ? undefined : first?.awsErrorName;
  return name ?? first?.cause?.code ?? first?.cause?.message ?? first?.name ?? String(error);
}

function countBy<T>(items: readonly T[]): Map<T, number> {
  const counts = new Map<T, number>();
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  return counts;
}

describe('Integration: SNS fault injection through the bundled notify handler', () => {
  let localSns: LocalSns;
  let proxy: FaultProxy;
  let setupClient: SNSClient;
  const subscriber = new Subscriber();
  let subscriberUrl: string;
  let handler: (event: unknown, context: unknown) => Promise<unknown>;
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    [localSns, subscriberUrl] = await Promise.all([startLocalSns(), subscriber.start()]);
    proxy = new FaultProxy(localSns.endpoint, SLOW_RESPONSE_MS);
    const proxyUrl = await proxy.start();
    setupClient = new SNSClient({ region: 'us-east-1', endpoint: localSns.endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });

    const manifest: RoutingManifest = { ...readManifest(), function: FUNCTION_KEY };
    // The audit topic is FIFO (custom.patchbay.topics.audit.fifo: true), as buildManifest writes it.
    manifest.topics.audit = { ...manifest.topics.audit!, name: 'patchbay-test-audit.fifo', fifo: true };
    const bundle = await bundleFunction({ serviceDir: REPO_ROOT, functionKey: FUNCTION_KEY, handler: 'handlers/notify.handler', runtime: 'nodejs22.x', manifest, zip: false });
    Object.assign(process.env, CLIENT_ENV, {
      AWS_ENDPOINT_URL_SNS: proxyUrl,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_DEV: 'false',
      POWERTOOLS_METRICS_DISABLED: 'true',
    });
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the bundle is CommonJS, loaded like Lambda loads it
    handler = (require(bundle.handlerFile) as { handler: typeof handler }).handler;
  }, STARTUP_TIMEOUT_MS + 30_000);

  afterAll(async () => {
    process.env = savedEnv;
    setupClient?.destroy();
    await Promise.all([localSns ? stopChild(localSns.child) : undefined, subscriber.stop(), proxy?.stop()]);
    rmSync(path.join(REPO_ROOT, '.serverless', 'build', FUNCTION_KEY), { recursive: true, force: true });
  });

  /** Run one scenario: a fresh topic, N events through the simulated asynchronous invocations, then the counts. */
  async function runScenario(name: string, count: number, shares: FaultShares, seed: number, options: { fifo?: boolean } = {}) {
    const topicName = `patchbay-fault-${name}${options.fifo ? '.fifo' : ''}`;
    const { TopicArn } = await setupClient.send(new CreateTopicCommand({ Name: topicName }));
    await setupClient.send(new SubscribeCommand({ TopicArn, Protocol: 'http', Endpoint: `${subscriberUrl}/${topicName}` }));
    process.env[options.fifo ? 'PATCHBAY_TOPIC_ARN_AUDIT' : 'PATCHBAY_TOPIC_ARN_SECURITY'] = TopicArn;
    proxy.configure(shares, seed);
    const events = options.fifo ? auditEvents(name, count) : deliveredEvents(name, count);

    const report = await invokeAsynchronously((event) => handler(event, lambdaContext()), events, { maximumRetryAttempts: 2, concurrency: 48 });
    const proxied: FaultCounts = { ...proxy.counts };
    const mine = () => subscriber.deliveries.filter((delivery) => delivery.path === `/${topicName}`);
    // serverless-offline-sns delivers after answering Publish: wait for every message it accepted.
    await subscriber.waitUntil(() => mine().length >= proxied.accepted, 15_000, () => `${mine().length} of ${proxied.accepted} accepted messages`);

    const receipts = countBy(mine().map((delivery) => eventIdOf(delivery.body.Message)));
    const deadLettered = new Set(report.deadLettered.map(({ event }) => event.event.id as string));
    const delivered = new Set([...receipts.keys()].filter((id): id is string => id !== undefined));
    const duplicates = [...receipts.values()].reduce((sum, copies) => sum + copies - 1, 0);
    // Publishes the function saw succeed; every other message SNS accepted is one whose answer it did not get.
    const published = report.succeeded.reduce((sum, { result }) => sum + (result as { status: string }[]).filter((r) => r.status === 'published').length, 0);
    const counts = {
      scenario: name,
      events: count,
      delivered: delivered.size,
      deadLettered: deadLettered.size,
      deliveredAndDeadLettered: [...deadLettered].filter((id) => delivered.has(id)).length,
      lost: events.filter(({ event }) => !delivered.has(event.id as string) && !deadLettered.has(event.id as string)).length,
      duplicates,
      receipts: mine().length,
      publishedAsSeenByTheFunction: published,
      acceptedButAnswerLost: proxied.accepted - published,
      invocations: report.invocations,
      failedInvocations: report.failures.length,
      failureCauses: Object.fromEntries(countBy(report.failures.map(publishErrorName))),
      proxy: proxied,
    };
    process.stdout.write(`fault injection ${JSON.stringify(counts)}\n`);
    return { counts, report, receipts, events, deadLettered, delivered, accepted: [...proxy.accepted] };
  }

  function lambdaContext() {
    return { functionName: FUNCTION_KEY, awsRequestId: 'fault', getRemainingTimeInMillis: () => 30_000 };
  }

  it('loses nothing under mixed faults (500, throttling, resets before and after acceptance, slow responses) across 1,000 events', async () => {
    // Act
    const { counts, report, receipts, deadLettered } = await runScenario(
      'mixed',
      1_000,
      { 'error-500': 0.1, throttle: 0.05, 'reset-before': 0.05, 'reset-after': 0.1, slow: 0.05 },
      20261204,
    );

    // Assess
    expect(counts.lost).toBe(0);
    expect(counts.delivered + counts.deadLettered - counts.deliveredAndDeadLettered).toBe(1_000);
    expect(counts.receipts).toBe(counts.proxy.accepted); // everything SNS accepted reached the subscriber
    // The guarantee: an extra copy only where SNS accepted a Publish whose answer the function did not get
    // (injected: reset after acceptance, slow answers; and answers that came after the request timeout under load).
    expect(counts.duplicates).toBeLessThanOrEqual(counts.acceptedButAnswerLost);
    expect(counts.acceptedButAnswerLost).toBeGreaterThanOrEqual(counts.proxy.ambiguous); // every injected one is among them
    expect(counts.duplicates).toBeGreaterThan(0); // the faults that make duplicates did happen
    for (const fault of ['error-500', 'throttle', 'reset-before', 'reset-after', 'slow'] as const) expect(counts.proxy[fault]).toBeGreaterThan(0);
    for (const error of report.failures) {
      expect(error).toEqual(expect.objectContaining({ code: 'NOTIFY_FAILED', errors: [expect.objectContaining({ code: 'PUBLISH_FAILED', attempts: 5 })] }));
    }
    // Events with lone surrogates in selected fields were published (as U+FFFD), not refused or corrupted.
    const surrogateIds = Array.from({ length: 100 }, (_, index) => `mixed-${String(index * 10).padStart(5, '0')}`);
    // Each was delivered or dead-lettered (under load an event can be both: accepted by SNS after the request timed out).
    expect(surrogateIds.filter((id) => !receipts.has(id) && !deadLettered.has(id))).toEqual([]);
    const first = subscriber.deliveries.find((delivery) => eventIdOf(delivery.body.Message) === 'mixed-00000');
    expect(first?.body.Message).toContain('table: orders-\uFFFD-0\n');
  }, 60_000);

  it('dead-letters, never loses, and gives every publish its 5 attempts in an outage (90 % HTTP 500)', async () => {
    // Act
    const { counts, report } = await runScenario('outage', 300, { 'error-500': 0.9 }, 7);

    // Assess
    expect(counts.lost).toBe(0);
    expect(counts.deadLettered).toBeGreaterThan(0);
    expect(counts.delivered + counts.deadLettered - counts.deliveredAndDeadLettered).toBe(300);
    // A 500 is never accepted, so the only copies (and events both delivered and dead-lettered) come from answers
    // that arrived after the request timeout on a loaded machine: each is a publish the function did not see succeed.
    expect(counts.duplicates + counts.deliveredAndDeadLettered).toBeLessThanOrEqual(counts.acceptedButAnswerLost);
    expect(report.failures.length).toBeGreaterThan(0);
    for (const error of report.failures) {
      expect(error).toEqual(expect.objectContaining({ errors: [expect.objectContaining({ code: 'PUBLISH_FAILED', attempts: 5 })] }));
    }
    const attemptsPerFailedInvocation = (counts.proxy.requests - counts.proxy.accepted) / counts.failedInvocations;
    expect(attemptsPerFailedInvocation).toBeGreaterThan(4.5);
  }, 60_000);

  it('gives every copy of a FIFO publish the same deduplication ID, so SNS delivers each event once', async () => {
    // Act
    const { counts, accepted, delivered } = await runScenario('fifo', 300, { 'error-500': 0.1, 'reset-after': 0.15, slow: 0.1 }, 99, { fifo: true });

    // Assess
    expect(counts.lost).toBe(0);
    expect(counts.duplicates).toBeGreaterThan(0); // the local server does not deduplicate: the copies are visible here
    const idsByEvent = new Map<string, Set<string>>();
    for (const body of accepted) {
      expect(body.get('MessageGroupId')).toBe('dynamodb-table-changes');
      const eventId = eventIdOf(body.get('Message'))!;
      idsByEvent.set(eventId, (idsByEvent.get(eventId) ?? new Set()).add(body.get('MessageDeduplicationId')!));
    }
    expect([...idsByEvent.values()].every((ids) => ids.size === 1)).toBe(true); // every copy of an event: one ID
    const distinctIds = new Set([...idsByEvent.values()].flatMap((ids) => [...ids]));
    expect(distinctIds.size).toBe(delivered.size); // distinct events never share one
    process.stdout.write(`fault injection fifo: ${counts.receipts} accepted copies, ${distinctIds.size} deduplication IDs -> ${distinctIds.size} deliveries after SNS deduplication\n`);
  }, 60_000);
});
