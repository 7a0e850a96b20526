/**
 * Process one handler input end to end: route it, then for each (rule, target): filter -> select -> render ->
 * publish (or dry run).
 *
 * Every routed target is attempted, concurrently; then, if any failed, `NotifyError` is thrown listing the
 * failures, so that the Lambda invocation fails and Lambda's asynchronous retries and on-failure destination / DLQ
 * keep the event. A retried invocation notifies every target again, including those that had succeeded: with
 * several targets for one event, subscribers can receive duplicates — unless the topic is FIFO (`fifo: true`):
 * then every Publish carries a deduplication ID from rule + target + event id, and SNS drops the copies within its
 * 5-minute window (docs/runtime.md, delivery guarantee).
 *
 * Logging: one structured line per routed notification, with `rule`, `target`, `topic`, `topicArn`, `status`
 * (`published`, `filtered-out`, `dry-run`, `failed`) and `messageId`. Events themselves are never logged (they can
 * hold secrets); a dry run logs the Publish request, which holds only the notification.
 */
import type { SNSClient } from '@aws-sdk/client-sns';
import { findTooDeep, MAX_NESTING_DEPTH } from '../pattern';
import { InvalidInputError, InvalidManifestError, NotifyError } from './errors';
import { compileManifest, type CompiledManifest } from './load';
import type { RoutingManifest } from './manifest';
import type { TopicFormat } from './formats';
import { renderNotification } from './notification';
import {
  DRY_RUN_LABEL,
  createPublishRequest,
  ensureTopic,
  fifoMessageIds,
  formatDryRun,
  publishNotification,
  resolvePublishMode,
  resolveTopicArn,
  type PublishMode,
  type PublishRequest,
  type RuntimeEnv,
} from './publish';
import { routeEvent, type Route } from './route';

/** The logging methods used; a Powertools `Logger` fits, and so does `console`. */
export interface RuntimeLogger {
  debug(message: string, ...extra: unknown[]): void;
  info(message: string, ...extra: unknown[]): void;
  warn(message: string, ...extra: unknown[]): void;
  error(message: string, ...extra: unknown[]): void;
}

/** What {@link processEvent} needs. */
export interface ProcessEventOptions {
  /** The function's routing manifest; a plain one is compiled on first use and cached. */
  manifest: RoutingManifest | CompiledManifest;
  /** Normally from `createSnsClient(env)`: standard retries, local endpoint support. */
  snsClient: SNSClient;
  /** @default a logger that discards everything */
  logger?: RuntimeLogger;
  /** Environment: topic ARNs, credentials, endpoint, region. @default process.env */
  env?: RuntimeEnv;
  /** Where a dry run prints the Publish request. @default a line on standard output */
  print?: (text: string) => void;
  /**
   * Told the outcome of every routed (rule, target), failures included, e.g. to count them as metrics; it must not
   * throw. `{ "rule": "dynamodb-delete-table", "target": "notify", "topic": "security", "status": "failed" }`
   */
  onOutcome?: (outcome: { rule: string; target: string; topic?: string; status: NotificationStatus | 'failed' }) => void;
}

/** What happened for one routed (rule, target). */
export type NotificationStatus = 'published' | 'filtered-out' | 'dry-run';

/**
 * The outcome for one routed (rule, target).
 * @example
 * { "rule": "dynamodb-delete-table", "target": "notify", "topic": "security",
 *   "topicArn": "arn:aws:sns:us-east-1:123456789012:patchbay-dev-security", "status": "published",
 *   "messageId": "f3c1...", "request": { "TopicArn": "...", "Subject": "...", "Message": "...", "MessageAttributes": {} } }
 */
export interface NotificationResult {
  rule: string;
  target: string;
  /** Topic key; absent only for a filtered-out target without `notify`. */
  topic?: string;
  /** Absent when filtered out. */
  topicArn?: string;
  status: NotificationStatus;
  /** SNS message id, when published. */
  messageId?: string;
  /** The Publish request sent (`published`) or that would have been (`dry-run`); absent when filtered out. */
  request?: PublishRequest;
}

const SILENT: RuntimeLogger = { debug() {}, info() {}, warn() {}, error() {} };
const printLine = (text: string) => void process.stdout.write(`${text}\n`);

/**
 * Route an input and notify every matching target.
 *
 * @param input - a `DeliveredEvent` or a raw EventBridge event (see `routeEvent`).
 * @returns one result per routed (rule, target), in routing order; `[]` when a raw event matches no rule.
 * @throws InvalidInputError | UnknownRuleError | InvalidManifestError before anything is published.
 * @throws NotifyError (code `NOTIFY_FAILED`) after every target was attempted, when at least one failed; its
 *   `errors` holds each `PublishError` / `ExpressionEvaluationError`, its `results` the targets that succeeded.
 * @example
 * const results = await processEvent(event, { manifest, snsClient: createSnsClient(), logger });
 * // [{ rule: 'dynamodb-delete-table', target: 'notify', topic: 'security', status: 'published', messageId: '...' }]
 */
export async function processEvent(input: unknown, options: ProcessEventOptions): Promise<NotificationResult[]> {
  const logger = options.logger ?? SILENT;
  const env = options.env ?? process.env;
  const manifest = compileManifest(options.manifest);
  // EventBridge refuses events nested deeper than 1,000 (its JSON parser's limit): such an input was not delivered by
  // it, and every later step (select, render) would otherwise have to guard its own recursion.
  const tooDeep = findTooDeep(input);
  if (tooDeep !== undefined) throw new InvalidInputError(`objects and arrays nested deeper than ${MAX_NESTING_DEPTH} levels, which EventBridge never delivers`, tooDeep.length > 120 ? `${tooDeep.slice(0, 120)}...` : tooDeep);
  const routes = routeEvent(manifest, input);
  if (routes.length === 0) {
    const event = input as Record<string, unknown>;
    logger.info('no rule matched', { source: event.source, 'detail-type': event['detail-type'] });
    return [];
  }
  const mode = resolvePublishMode(env);
  const context: Context = { manifest, snsClient: options.snsClient, logger, env, mode, print: options.print ?? printLine };
  const settled = await Promise.allSettled(routes.map((route) => notifyTarget(route, context)));

  const results: NotificationResult[] = [];
  const errors: Error[] = [];
  settled.forEach((outcome, position) => {
    const { rule, target } = routes[position]!;
    options.onOutcome?.({ rule: rule.name, target: target.id, ...(target.topic !== undefined ? { topic: target.topic } : {}), status: outcome.status === 'fulfilled' ? outcome.value.status : 'failed' });
    if (outcome.status === 'fulfilled') return void results.push(outcome.value);
    const error = outcome.reason instanceof Error ? outcome.reason : new Error(String(outcome.reason));
    logger.error('notification failed', { rule: rule.name, target: target.id, topic: target.topic, status: 'failed', error });
    errors.push(error);
  });
  if (errors.length > 0) throw new NotifyError<NotificationResult>(errors, results);
  return results;
}

interface Context {
  manifest: CompiledManifest;
  snsClient: SNSClient;
  logger: RuntimeLogger;
  env: RuntimeEnv;
  mode: PublishMode;
  print: (text: string) => void;
}

async function notifyTarget(route: Route, context: Context): Promise<NotificationResult> {
  const { rule, target, event } = route;
  const base = { rule: rule.name, target: target.id, topic: target.topic };
  if (!target.filter.test(event)) {
    context.logger.info('notification', { ...base, status: 'filtered-out' });
    return { ...base, status: 'filtered-out' };
  }
  if (target.topic === undefined) {
    const message = 'the target has no notify.topic: the notify function cannot notify anyone';
    throw new InvalidManifestError([{ pointer: `${target.pointer}/notify`, message }], context.manifest.filePath);
  }
  const topic = target.topic;
  // Secrets are replaced before anything is selected, summarised or rendered (redact.ts): nothing below sees them.
  const shown = context.manifest.redactor.redact(event);
  const fields = target.select.evaluate(shown);
  const severity = rule.severity.evaluate(shown);
  const notification = renderNotification({
    rule: { name: rule.name, description: rule.description },
    event: shown,
    fields,
    subject: target.subject,
    ...(severity ? { severity } : {}),
    ...(context.manifest.manifest.accountAliases ? { accountAliases: context.manifest.manifest.accountAliases } : {}),
    ...topicFormat(context.manifest.manifest.topics[topic]),
  });
  const resolved = resolveTopicArn(context.manifest.manifest, topic, context.env);
  const fifo = context.manifest.manifest.topics[topic]?.fifo ? fifoMessageIds(rule.name, target.id, event.id, notification.message) : undefined;
  if (context.mode === 'dry-run') {
    const request = createPublishRequest(resolved.topicArn, notification, fifo);
    // Logged without the request, which is printed once just below (the message is not a log line's business).
    context.logger.info(DRY_RUN_LABEL, { ...base, topicArn: request.TopicArn, status: 'dry-run' });
    context.print(formatDryRun(request));
    return { ...base, topicArn: request.TopicArn, status: 'dry-run', request };
  }
  if (context.mode === 'aws' && !resolved.fromEnv) {
    // e.g. `sls invoke local` with credentials: the deployed function has the variable, a local run may not.
    const arnEnv = context.manifest.manifest.topics[topic]?.arnEnv;
    context.logger.warn('no topic ARN in the environment; publishing to a local ARN that AWS will not know', { ...base, arnEnv, topicArn: resolved.topicArn });
  }
  const topicArn =
    context.mode === 'endpoint' && !resolved.fromEnv
      ? await ensureTopic(context.snsClient, resolved.topicName, { rule: rule.name, target: target.id })
      : resolved.topicArn;
  const { messageId, request } = await publishNotification(context.snsClient, topicArn, notification, {
    rule: rule.name,
    target: target.id,
    fifo,
  });
  context.logger.info('notification', { ...base, topicArn, status: 'published', messageId });
  return { ...base, topicArn, status: 'published', messageId, request };
}

/** How a topic's messages are written, from its manifest entry. */
function topicFormat(topic: RoutingManifest['topics'][string] | undefined): { format?: TopicFormat; sms?: boolean } {
  return { ...(topic?.format && topic.format !== 'text' ? { format: topic.format } : {}), ...(topic?.sms ? { sms: true } : {}) };
}
