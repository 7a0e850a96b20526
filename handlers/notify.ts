/**
 * The notify function: EventBridge rules (through their input transformer) or a raw event in, SNS notifications out.
 *
 * Thin on purpose: middy + Powertools Logger + the runtime (`src/runtime`). The routing manifest is loaded once per
 * cold start, on the first invocation, from `PATCHBAY_MANIFEST_PATH` or `patchbay-manifest.json` next to this file
 * (the plugin puts it next to the bundle); the SNS client is created once per cold start.
 *
 * A failed notification fails the invocation (nothing is swallowed): Lambda retries asynchronous invocations, then
 * hands the event to the function's on-failure destination / dead-letter queue.
 *
 * @see ../src/runtime/notify.ts for what one invocation does, ../src/runtime/publish.ts for dry runs and local endpoints.
 */
import path from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SNSClient } from '@aws-sdk/client-sns';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import {
  compileManifest,
  createSnsClient,
  inputValidator,
  loadManifest,
  processEvent,
  type CompiledManifest,
  type NotificationResult,
  type RoutingManifest,
  type RuntimeEnv,
} from '../src/runtime';

/** What {@link createNotifyHandler} needs. */
export interface NotifyHandlerOptions {
  /** The routing manifest, or a function returning it (called once, on the first invocation). */
  manifest: RoutingManifest | CompiledManifest | (() => RoutingManifest | CompiledManifest);
  snsClient: SNSClient;
  logger: Logger;
  /** @default process.env */
  env?: RuntimeEnv;
  /** Where a dry run prints the Publish request. @default standard output */
  print?: (text: string) => void;
  /** Metrics (embedded metric format): one count per notification outcome, by rule and topic. @default none */
  metrics?: Metrics;
}

/** Metric names, per outcome of a routed (rule, target); dimensions `rule` and `topic`. */
export const NOTIFICATION_METRICS = { published: 'NotificationsPublished', 'filtered-out': 'NotificationsFilteredOut', failed: 'NotificationsFailed', 'dry-run': 'NotificationsDryRun' } as const;

/**
 * Build the notify handler: `injectLambdaContext` (request id, function name, cold start on every log line),
 * `inputValidator` (shape check, error logging), then `processEvent`.
 * @returns a middy handler resolving to one `NotificationResult` per routed (rule, target), without its `request`
 *   (e.g. `[{ "rule": "dynamodb-delete-table", "target": "notify", "topic": "security", "status": "published", "messageId": "…" }]`).
 * @example
 * const handler = createNotifyHandler({ manifest, snsClient: new SNSClient({}), logger: new Logger() });
 * await handler(deliveredEvent, context);
 */
export function createNotifyHandler(options: NotifyHandlerOptions) {
  let manifest: CompiledManifest | undefined;
  const getManifest = (): CompiledManifest => {
    manifest ??= compileManifest(typeof options.manifest === 'function' ? options.manifest() : options.manifest);
    return manifest;
  };
  const { metrics } = options;
  // One metric line per outcome (singleMetric, written at once): an invocation's outcomes differ in rule and topic.
  const count = metrics
    ? (outcome: { rule: string; topic?: string; status: keyof typeof NOTIFICATION_METRICS }) => {
        const single = metrics.singleMetric();
        single.addDimensions({ rule: outcome.rule, topic: outcome.topic ?? '-' });
        single.addMetric(NOTIFICATION_METRICS[outcome.status], MetricUnit.Count, 1);
      }
    : undefined;
  return middy<unknown, NotificationResult[], Error, Context>()
    .use(injectLambdaContext(options.logger, { resetKeys: true }))
    .use(inputValidator({ logger: options.logger }))
    .handler(async (event) => {
      const results = await processEvent(event, {
        manifest: getManifest(),
        snsClient: options.snsClient,
        logger: options.logger,
        env: options.env,
        print: options.print,
        ...(count ? { onOutcome: count } : {}),
      });
      // The outcome without the Publish request: the message is in SNS (or, in a dry run, printed once), and
      // `sls invoke local` prints what the handler returns.
      return results.map(({ request: _request, ...result }) => result);
    });
}

/** `PATCHBAY_MANIFEST_PATH`, else `patchbay-manifest.json` in this file's directory. */
export function manifestPath(env: RuntimeEnv = process.env): string {
  return env.PATCHBAY_MANIFEST_PATH ?? path.join(__dirname, 'patchbay-manifest.json');
}

const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'patchbay' });
const metrics = new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'patchbay', serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'patchbay' });

/** The Lambda entry point (`handlers/notify.handler`). */
export const handler = createNotifyHandler({
  manifest: () => loadManifest(manifestPath()),
  snsClient: createSnsClient(process.env),
  logger,
  metrics,
});
