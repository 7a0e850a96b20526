/**
 * Publish notifications to Amazon SNS — or, without credentials, show exactly what would be published.
 *
 * Three modes, chosen from the environment by {@link resolvePublishMode}:
 * - `aws`: credentials present (`AWS_ACCESS_KEY_ID`, `AWS_PROFILE`, `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` /
 *   `_FULL_URI`, `AWS_WEB_IDENTITY_TOKEN_FILE`; Lambda always sets `AWS_ACCESS_KEY_ID`): publish to AWS.
 * - `endpoint`: `AWS_ENDPOINT_URL_SNS` (or `AWS_ENDPOINT_URL`) set: publish there, e.g. to serverless-offline-sns
 *   or LocalStack; without credentials the client signs with `test`/`test`.
 * - `dry-run`: neither: nothing is sent; the caller logs and prints the exact Publish request under
 *   {@link DRY_RUN_LABEL}. Credentials only in `~/.aws/credentials` (no `AWS_PROFILE`) are not looked for: set
 *   `AWS_PROFILE=default` to publish with them.
 * `PATCHBAY_DRY_RUN=true|1` forces `dry-run`; `PATCHBAY_DRY_RUN=false|0` forces publishing (the SDK's default
 * credential chain then decides).
 *
 * Retries: {@link PublishRetryStrategy} (`./retry.ts`), the SDK's standard algorithm without its per-client retry
 * quota, so every Publish gets its {@link SNS_MAX_ATTEMPTS} attempts even in an outage: throttling, 5xx, resets and
 * timeouts are retried with exponential backoff and full jitter, client errors (4xx: unknown topic, access denied,
 * invalid parameter) are not; after the last attempt `publishNotification` throws `PublishError`. Nothing is
 * swallowed: the Lambda invocation fails, Lambda retries the asynchronous invocation (up to 2 more times), then sends
 * the event to the function's on-failure destination / dead-letter queue.
 *
 * Timeouts: a connection must be made within {@link SNS_TIMEOUTS}`.connectionTimeoutMs` (1 s) and a whole request
 * answered within `requestTimeoutMs` (3 s), else the attempt fails with `TimeoutError` and is retried. Worst case for
 * one Publish: 5 attempts x 3 s + at most 7.5 s of backoff = 22.5 s, below the notify function's 30 s timeout, so a
 * hung connection fails the invocation (and reaches Lambda's retries) instead of timing it out.
 * `PATCHBAY_SNS_CONNECTION_TIMEOUT_MS`, `PATCHBAY_SNS_REQUEST_TIMEOUT_MS`, `PATCHBAY_SNS_RETRY_BASE_DELAY_MS` and
 * `PATCHBAY_SNS_THROTTLING_BASE_DELAY_MS` override them (integers, milliseconds; tests use short ones).
 *
 * Well-formed requests: every string of every request is made well-formed (lone surrogates -> U+FFFD) before the SDK
 * serializes it, and the client's query serializer is reset before each request, so one bad value can neither fail
 * a Publish with `URIError` nor leak into the next request's body (see `./well-formed.ts`).
 *
 * Topic ARNs: from the function's environment (`PATCHBAY_TOPIC_ARN_<KEY>`, set by the plugin); when absent (running
 * locally), `arn:aws:sns:<AWS_REGION|AWS_DEFAULT_REGION|us-east-1>:000000000000:<topic name>`. In `endpoint` mode
 * `processEvent` creates the topic on the endpoint first ({@link ensureTopic}, CreateTopic is idempotent) and uses
 * the ARN the endpoint returns. In `aws` mode a missing variable (e.g. `sls invoke local` with credentials) is
 * logged as a warning and the local ARN is used: the Publish then fails with `PublishError`; set
 * `PATCHBAY_TOPIC_ARN_<KEY>` to the deployed topic's ARN to publish from a local run.
 *
 * @see https://docs.aws.amazon.com/sns/latest/api/API_Publish.html
 * @see https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html
 * @see https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html
 * @see https://docs.aws.amazon.com/sdk-for-javascript/v3/developer-guide/node-configuring-maxsockets.html
 */
import {
  CreateTopicCommand,
  PublishCommand,
  SNSClient,
  type MessageAttributeValue,
  type ServiceInputTypes,
  type ServiceOutputTypes,
  type SNSClientConfig,
} from '@aws-sdk/client-sns';
import { createHash } from 'node:crypto';
import type { Pluggable } from '@smithy/types';
import { InvalidConfigurationError, PublishError } from './errors';
import { topicArnEnv, type RoutingManifest } from './manifest';
import type { Notification } from './notification';
import { PUBLISH_RETRY_DEFAULTS, PublishRetryStrategy } from './retry';
import { toWellFormedDeep } from './well-formed';

/** Attempts per Publish (1 + 4 retries) with {@link PublishRetryStrategy}. */
export const SNS_MAX_ATTEMPTS = PUBLISH_RETRY_DEFAULTS.maxAttempts;

/**
 * Timeouts of the SNS client's HTTP handler, in milliseconds (see the module comment for the budget).
 * @see https://docs.aws.amazon.com/sdk-for-javascript/v3/developer-guide/node-configuring-maxsockets.html
 */
export const SNS_TIMEOUTS = {
  /** Time to establish the TCP (and TLS) connection. */
  connectionTimeoutMs: 1_000,
  /** Time for the whole request, sending to the end of the response. */
  requestTimeoutMs: 3_000,
} as const;

/** Environment variables that tune the client (integers, milliseconds), and their ranges. */
export const SNS_CLIENT_ENV = {
  PATCHBAY_SNS_CONNECTION_TIMEOUT_MS: { min: 1, max: 60_000 },
  PATCHBAY_SNS_REQUEST_TIMEOUT_MS: { min: 1, max: 60_000 },
  PATCHBAY_SNS_RETRY_BASE_DELAY_MS: { min: 0, max: 60_000 },
  PATCHBAY_SNS_THROTTLING_BASE_DELAY_MS: { min: 0, max: 60_000 },
} as const;

/** The account id of dry-run / local topic ARNs. */
export const LOCAL_ACCOUNT_ID = '000000000000';

/** The label of a dry-run log line and printout. */
export const DRY_RUN_LABEL = 'DRY RUN — no AWS credentials, not published: SNS Publish request';

/** How notifications leave the function; see the module comment. */
export type PublishMode = 'aws' | 'endpoint' | 'dry-run';

/** Environment variables read here (a subset of `process.env`). */
export type RuntimeEnv = Record<string, string | undefined>;

/**
 * The exact SNS Publish request.
 * @example
 * { "TopicArn": "arn:aws:sns:us-east-1:123456789012:patchbay-dev-security",
 *   "Subject": "DynamoDB table orders deleted",
 *   "Message": "A DynamoDB table was deleted\n...",
 *   "MessageAttributes": { "rule": { "DataType": "String", "StringValue": "dynamodb-delete-table" } } }
 */
export interface PublishRequest {
  TopicArn: string;
  Subject: string;
  Message: string;
  /** `json` when `Message` holds one body per protocol (a text topic with SMS subscribers). */
  MessageStructure?: 'json';
  MessageAttributes: Record<string, MessageAttributeValue>;
  /** FIFO topics only: the rule name (ordering is per rule). */
  MessageGroupId?: string;
  /** FIFO topics only: see {@link fifoMessageIds}. */
  MessageDeduplicationId?: string;
}

/** What a Publish to a FIFO topic carries besides the notification. */
export interface FifoMessageIds {
  groupId: string;
  deduplicationId: string;
}

/**
 * The FIFO ids of one notification: group = the rule name; deduplication ID = SHA-256 (hex, 64 characters) of
 * rule, target and event id. Every attempt and every retried invocation for the same (rule, target, event) gets
 * the same ID, so SNS keeps one message per ID within its 5-minute deduplication window; two events, or two
 * targets of one event, never share one. An event without an id (a hand-made raw event) has none to offer: the
 * message's content is hashed instead.
 * @example fifoMessageIds('iam-root-login', 'notify', '6a7e8feb-...').groupId; // 'iam-root-login'
 * @see https://docs.aws.amazon.com/sns/latest/dg/fifo-message-dedup.html
 */
export function fifoMessageIds(rule: string, target: string, eventId: unknown, content = ''): FifoMessageIds {
  const identity = typeof eventId === 'string' && eventId !== '' ? ['event', eventId] : ['content', content];
  const deduplicationId = createHash('sha256').update(JSON.stringify([rule, target, ...identity])).digest('hex');
  return { groupId: rule, deduplicationId };
}

const CREDENTIAL_VARIABLES = [
  'AWS_ACCESS_KEY_ID',
  'AWS_PROFILE',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
] as const;

/** Whether the environment names AWS credentials (see the module comment for the variables). */
export function hasAwsCredentials(env: RuntimeEnv = process.env): boolean {
  return CREDENTIAL_VARIABLES.some((name) => Boolean(env[name]));
}

/** `AWS_ENDPOINT_URL_SNS`, else `AWS_ENDPOINT_URL`, else `undefined`. */
export function snsEndpoint(env: RuntimeEnv = process.env): string | undefined {
  return env.AWS_ENDPOINT_URL_SNS || env.AWS_ENDPOINT_URL || undefined;
}

/**
 * Decide how to publish: `endpoint` when an SNS endpoint is configured, `aws` when credentials are, else `dry-run`;
 * `PATCHBAY_DRY_RUN` overrides.
 * @example resolvePublishMode({}); // 'dry-run'
 * @example resolvePublishMode({ AWS_ENDPOINT_URL_SNS: 'http://127.0.0.1:4002' }); // 'endpoint'
 */
export function resolvePublishMode(env: RuntimeEnv = process.env): PublishMode {
  const forced = env.PATCHBAY_DRY_RUN?.trim().toLowerCase();
  if (forced === 'true' || forced === '1') return 'dry-run';
  if (snsEndpoint(env)) return 'endpoint';
  if (hasAwsCredentials(env) || forced === 'false' || forced === '0') return 'aws';
  return 'dry-run';
}

/** `AWS_REGION`, else `AWS_DEFAULT_REGION`, else `us-east-1`. */
export function resolveRegion(env: RuntimeEnv = process.env): string {
  return env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1';
}

/**
 * Create the SNS client for this environment: region from {@link resolveRegion}, {@link PublishRetryStrategy} with
 * {@link SNS_MAX_ATTEMPTS} attempts, connection and request timeouts ({@link SNS_TIMEOUTS}, or the
 * {@link SNS_CLIENT_ENV} variables), well-formed requests ({@link wellFormedRequests}), and in `endpoint` mode the
 * endpoint plus `test`/`test` credentials unless the environment names credentials. `config` overrides any of it
 * (tests pass a `requestHandler`).
 * @throws InvalidConfigurationError (code `INVALID_CONFIGURATION`) when a `PATCHBAY_SNS_*` variable is not an
 *   integer in its range.
 * @example const client = createSnsClient(process.env);
 */
export function createSnsClient(env: RuntimeEnv = process.env, config: SNSClientConfig = {}): SNSClient {
  const endpoint = snsEndpoint(env);
  const local: SNSClientConfig = endpoint
    ? {
        endpoint,
        ...(hasAwsCredentials(env) ? {} : { credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }),
      }
    : {};
  const tuning = readClientTuning(env);
  const client = new SNSClient({
    region: resolveRegion(env),
    maxAttempts: SNS_MAX_ATTEMPTS,
    retryStrategy: new PublishRetryStrategy({
      maxAttempts: SNS_MAX_ATTEMPTS,
      baseDelayMs: tuning.PATCHBAY_SNS_RETRY_BASE_DELAY_MS ?? PUBLISH_RETRY_DEFAULTS.baseDelayMs,
      throttlingBaseDelayMs: tuning.PATCHBAY_SNS_THROTTLING_BASE_DELAY_MS ?? PUBLISH_RETRY_DEFAULTS.throttlingBaseDelayMs,
    }),
    requestHandler: {
      connectionTimeout: tuning.PATCHBAY_SNS_CONNECTION_TIMEOUT_MS ?? SNS_TIMEOUTS.connectionTimeoutMs,
      requestTimeout: tuning.PATCHBAY_SNS_REQUEST_TIMEOUT_MS ?? SNS_TIMEOUTS.requestTimeoutMs,
      // Without this the SDK only logs a warning when requestTimeout passes, and the request keeps waiting.
      throwOnRequestTimeout: true,
    },
    ...local,
    ...config,
  });
  client.middlewareStack.use(wellFormedRequests(client));
  return client;
}

function readClientTuning(env: RuntimeEnv): Partial<Record<keyof typeof SNS_CLIENT_ENV, number>> {
  const tuning: Partial<Record<keyof typeof SNS_CLIENT_ENV, number>> = {};
  for (const [name, range] of Object.entries(SNS_CLIENT_ENV) as [keyof typeof SNS_CLIENT_ENV, { min: number; max: number }][]) {
    const text = env[name]?.trim();
    if (!text) continue;
    const value = Number(text);
    if (!/^\d+$/.test(text) || value < range.min || value > range.max) {
      throw new InvalidConfigurationError(name, `expected an integer number of milliseconds from ${range.min} to ${range.max}, found ${JSON.stringify(env[name])}`);
    }
    tuning[name] = value;
  }
  return tuning;
}

interface QuerySerializer {
  buffer?: string;
  flush(): string;
}

/**
 * Client plugin: (1) an `initialize` middleware that makes every string of every command's input well-formed
 * (`toWellFormedDeep`: lone surrogates -> U+FFFD), so the query serializer's `encodeURIComponent` never throws
 * `URIError`; (2) a `serialize` middleware, before the SDK's serializer, that throws away whatever a failed
 * serialization left in the client's shared query serializer (`AwsQueryProtocol.serializer`), so a failed request
 * can never prefix the next one's body (`Message=&Message=…`). Both are no-ops on healthy requests.
 * @example client.middlewareStack.use(wellFormedRequests(client));
 */
export function wellFormedRequests(client: SNSClient): Pluggable<ServiceInputTypes, ServiceOutputTypes> {
  const serializer = (): QuerySerializer | undefined => {
    const candidate = (client.config as { protocol?: { serializer?: unknown } }).protocol?.serializer as QuerySerializer | undefined;
    return candidate && typeof candidate.flush === 'function' ? candidate : undefined;
  };
  const discardLeftovers = () => {
    const current = serializer();
    if (current && current.buffer !== undefined) current.flush();
  };
  return {
    applyToStack(stack) {
      stack.add(
        (next) => async (args) => next({ ...args, input: toWellFormedDeep(args.input) }),
        { step: 'initialize', name: 'patchbayWellFormedInput', override: true },
      );
      stack.add(
        (next) => async (args) => {
          discardLeftovers();
          try {
            return await next(args);
          } catch (error) {
            discardLeftovers();
            throw error;
          }
        },
        { step: 'serialize', priority: 'high', name: 'patchbayResetQuerySerializer', override: true },
      );
    },
  };
}

/**
 * Where a topic's ARN comes from: the function's environment variable (`topics[key].arnEnv`, normally
 * `PATCHBAY_TOPIC_ARN_<KEY>`), else a local ARN built from the manifest's topic name.
 * @example
 * resolveTopicArn(manifest, 'security', {}); // { topicArn: 'arn:aws:sns:us-east-1:000000000000:patchbay-dev-security', fromEnv: false }
 */
export function resolveTopicArn(
  manifest: Pick<RoutingManifest, 'topics'>,
  topicKey: string,
  env: RuntimeEnv = process.env,
): { topicArn: string; fromEnv: boolean; topicName: string } {
  const topic = manifest.topics[topicKey];
  const topicName = topic?.name ?? topicKey;
  const fromEnv = env[topic?.arnEnv ?? topicArnEnv(topicKey)] || env[topicArnEnv(topicKey)];
  if (fromEnv) return { topicArn: fromEnv, fromEnv: true, topicName };
  return { topicArn: `arn:aws:sns:${resolveRegion(env)}:${LOCAL_ACCOUNT_ID}:${topicName}`, fromEnv: false, topicName };
}

/**
 * The Publish request for a notification, every string well-formed (lone surrogates -> U+FFFD); with `fifo`, also
 * `MessageGroupId` and `MessageDeduplicationId`.
 */
export function createPublishRequest(topicArn: string, notification: Notification, fifo?: FifoMessageIds): PublishRequest {
  return toWellFormedDeep({
    TopicArn: topicArn,
    Subject: notification.subject,
    Message: notification.message,
    ...(notification.messageStructure ? { MessageStructure: notification.messageStructure } : {}),
    MessageAttributes: notification.messageAttributes,
    ...(fifo ? { MessageGroupId: fifo.groupId, MessageDeduplicationId: fifo.deduplicationId } : {}),
  });
}

/**
 * Publish one notification with SNS Publish (retried by the client's retry strategy).
 *
 * @param client - an `SNSClient`, normally from {@link createSnsClient}.
 * @param topicArn - e.g. `arn:aws:sns:us-east-1:123456789012:patchbay-dev-security`.
 * @param context - rule and target, carried by a `PublishError`; `fifo` for a FIFO topic ({@link fifoMessageIds}).
 * @returns the SNS message id and the request sent.
 * @throws PublishError (code `PUBLISH_FAILED`) once the SDK gives up; `cause` is the SDK error, `attempts` the
 *   number of requests made.
 * @see https://docs.aws.amazon.com/sns/latest/api/API_Publish.html
 */
export async function publishNotification(
  client: SNSClient,
  topicArn: string,
  notification: Notification,
  context: { rule?: string; target?: string; fifo?: FifoMessageIds } = {},
): Promise<{ messageId?: string; request: PublishRequest }> {
  const request = createPublishRequest(topicArn, notification, context.fifo);
  try {
    const output = await client.send(new PublishCommand(request));
    return { messageId: output.MessageId, request };
  } catch (error) {
    throw new PublishError({ topicArn, rule: context.rule, target: context.target }, { cause: error });
  }
}

const createdTopics = new WeakMap<SNSClient, Map<string, Promise<string>>>();

/**
 * Create a topic (idempotent: an existing topic's ARN is returned) once per client and name; used in `endpoint`
 * mode when the function's environment has no ARN for the topic. A failed attempt is not cached. A name ending in
 * `.fifo` creates a FIFO topic without content-based deduplication, as the compiler does.
 * @returns the topic ARN the endpoint reports.
 * @throws PublishError when CreateTopic fails.
 * @see https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html
 */
export function ensureTopic(
  client: SNSClient,
  topicName: string,
  context: { rule?: string; target?: string } = {},
): Promise<string> {
  let byName = createdTopics.get(client);
  if (!byName) {
    byName = new Map();
    createdTopics.set(client, byName);
  }
  let pending = byName.get(topicName);
  if (!pending) {
    const cache = byName;
    pending = client
      .send(
        new CreateTopicCommand({
          Name: topicName,
          ...(topicName.endsWith('.fifo') ? { Attributes: { FifoTopic: 'true', ContentBasedDeduplication: 'false' } } : {}),
        }),
      )
      .then((output) => {
        if (!output.TopicArn) throw new Error('CreateTopic returned no TopicArn');
        return output.TopicArn;
      })
      .catch((error: unknown) => {
        cache.delete(topicName);
        throw new PublishError({ topicArn: `(CreateTopic ${topicName})`, ...context }, { cause: error });
      });
    byName.set(topicName, pending);
  }
  return pending;
}

/**
 * The dry-run printout: the label, then the request as pretty JSON.
 * @example formatDryRun(request); // 'DRY RUN — no AWS credentials, not published: SNS Publish request\n{\n  "TopicArn": ...'
 */
export function formatDryRun(request: PublishRequest): string {
  return `${DRY_RUN_LABEL}\n${JSON.stringify(request, null, 2)}`;
}
