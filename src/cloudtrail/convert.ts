/**
 * CloudTrail record -> the event EventBridge delivers for it ("AWS API Call via CloudTrail" and its siblings).
 *
 * Mapping (checked against the real envelopes in events-corpus/cloudtrail-api-call, console-signin and
 * cloudtrail-service-event, and the EventBridge reference):
 * - `detail-type` by `eventType`: AwsApiCall -> `AWS API Call via CloudTrail`, AwsConsoleSignIn (also the
 *   `AwsConsoleSignin` spelling of the IAM guide) -> `AWS Console Sign In via CloudTrail`, AwsConsoleAction ->
 *   `AWS Console Action via CloudTrail`, AwsServiceEvent -> `AWS Service Event via CloudTrail`,
 *   AwsCloudTrailInsight -> `AWS Insight via CloudTrail`. A record without `eventType` (abbreviated documentation
 *   examples) is taken as an API call.
 * - `source`: `aws.<prefix>` of `eventSource` `<prefix>.amazonaws.com`, except the services whose EventBridge
 *   source differs ({@link SOURCE_EXCEPTIONS}, from the EventBridge events table). Insight records carry the
 *   service in `insightDetails.eventSource` (assumption: no recorded Insight envelope was available).
 * - `time` = `eventTime` (EventBridge stamps its own receive time, usually a few seconds later: 3 s in a real
 *   capture of the corpus; the record has nothing closer), `region` = `awsRegion`, `account` = `recipientAccountId` (else `userIdentity.accountId`),
 *   `resources` = [], `version` = "0", `id` = a UUID-shaped SHA-256 digest of `eventID` (of the record text when it
 *   has none), so a rerun gives the same ids; `detail` = the record, unchanged.
 * No AWS SDK imports: pure functions.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/ref/events.html
 */
import { createHash } from 'node:crypto';

/** detail-type by CloudTrail `eventType`. */
export const DETAIL_TYPES = {
  AwsApiCall: 'AWS API Call via CloudTrail',
  AwsConsoleSignIn: 'AWS Console Sign In via CloudTrail',
  AwsConsoleSignin: 'AWS Console Sign In via CloudTrail',
  AwsConsoleAction: 'AWS Console Action via CloudTrail',
  AwsServiceEvent: 'AWS Service Event via CloudTrail',
  AwsCloudTrailInsight: 'AWS Insight via CloudTrail',
} as const;

/**
 * CloudTrail event sources whose EventBridge `source` is not `aws.<prefix>`.
 * @see https://docs.aws.amazon.com/eventbridge/latest/ref/events.html (Event source / CloudTrail event source columns)
 */
export const SOURCE_EXCEPTIONS: Readonly<Record<string, string>> = {
  'monitoring.amazonaws.com': 'aws.cloudwatch',
  'email.amazonaws.com': 'aws.ses',
};

/**
 * Services CloudTrail logs as global: EventBridge receives their events in us-east-1 only.
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-concepts.html#cloudtrail-concepts-global-service-events
 */
export const GLOBAL_EVENT_SOURCES: ReadonlySet<string> = new Set([
  'iam.amazonaws.com',
  'sts.amazonaws.com',
  'signin.amazonaws.com',
  'organizations.amazonaws.com',
  'cloudfront.amazonaws.com',
  'route53.amazonaws.com',
]);

/** Region where EventBridge receives the events of global services. */
export const GLOBAL_SERVICE_REGION = 'us-east-1';

/** An EventBridge event made from a CloudTrail record. */
export interface CloudTrailEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

/** What decides which rules a converted event can reach (see {@link reachesRuleState}). */
export interface DeliveryFacts {
  /** A read-only management event: only rules with state ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS get it. */
  readOnlyManagement: boolean;
  /** A data event (`eventCategory: Data`): delivered only where a trail logs data events. */
  dataEvent: boolean;
  /** A global service's event recorded outside us-east-1: EventBridge does not deliver it there. */
  globalElsewhere: boolean;
}

export type ConversionResult = { event: CloudTrailEvent; facts: DeliveryFacts } | { skipped: string };

/**
 * The EventBridge `source` of a CloudTrail `eventSource`.
 * @example sourceOf('dynamodb.amazonaws.com'); // 'aws.dynamodb'
 */
export function sourceOf(eventSource: string): string {
  const exception = SOURCE_EXCEPTIONS[eventSource];
  if (exception) return exception;
  return `aws.${eventSource.endsWith('.amazonaws.com') ? eventSource.slice(0, -'.amazonaws.com'.length) : eventSource}`;
}

/** A UUID-shaped, deterministic id from a seed (SHA-256, version nibble 5-like). */
export function eventIdOf(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/**
 * Convert one CloudTrail record to the event EventBridge delivers for it, or say why it cannot become one.
 * @param record - one element of a log file's `Records`, or a single record file's object.
 * @returns `{ event, facts }`, or `{ skipped: reason }` (no eventSource, no eventTime, no region or account,
 *   an unknown eventType, not an object). Never throws.
 * @example
 * convertCloudTrailRecord({ eventType: 'AwsApiCall', eventSource: 'kms.amazonaws.com', eventTime: '2026-01-01T00:00:00Z',
 *   awsRegion: 'eu-west-1', recipientAccountId: '111122223333', eventID: 'e1', eventName: 'ScheduleKeyDeletion' });
 * // { event: { version: '0', id: '…', 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.kms', … }, facts: {…} }
 */
export function convertCloudTrailRecord(record: unknown): ConversionResult {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) return { skipped: 'not a JSON object' };
  const r = record as Record<string, unknown>;
  const eventType = text(r.eventType) ?? 'AwsApiCall';
  const detailType = (DETAIL_TYPES as Record<string, string>)[eventType];
  if (!detailType) return { skipped: `unknown eventType ${JSON.stringify(r.eventType)}` };
  const insight = r.insightDetails as Record<string, unknown> | null | undefined;
  const eventSource = text(r.eventSource) ?? (eventType === 'AwsCloudTrailInsight' ? text(insight?.eventSource) : undefined);
  if (!eventSource) return { skipped: 'no eventSource' };
  const time = text(r.eventTime);
  if (!time) return { skipped: 'no eventTime' };
  const region = text(r.awsRegion);
  if (!region) return { skipped: 'no awsRegion' };
  const identity = r.userIdentity as Record<string, unknown> | null | undefined;
  const account = text(r.recipientAccountId) ?? text(identity?.accountId);
  if (!account) return { skipped: 'no recipientAccountId (nor userIdentity.accountId)' };
  const eventID = text(r.eventID);
  const event: CloudTrailEvent = {
    version: '0',
    id: eventIdOf(eventID ?? JSON.stringify(record)),
    'detail-type': detailType,
    source: sourceOf(eventSource),
    account,
    time,
    region,
    resources: [],
    detail: r,
  };
  const category = text(r.eventCategory);
  const facts: DeliveryFacts = {
    readOnlyManagement: r.readOnly === true && category !== 'Data' && r.managementEvent !== false,
    dataEvent: category === 'Data' || r.managementEvent === false,
    globalElsewhere: GLOBAL_EVENT_SOURCES.has(eventSource) && region !== GLOBAL_SERVICE_REGION,
  };
  return { event, facts };
}

/** Options of {@link reachesRuleState}. */
export interface DeliveryAssumptions {
  /** Whether a trail logs data events (then they reach rules as management events do). @default true */
  dataEventsLogged?: boolean;
}

/**
 * Whether EventBridge delivers the event to a rule in this state: DISABLED rules get nothing; read-only
 * management events reach only ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS rules; data events only where a trail
 * logs them (assumed by default: the records come from such a trail); global services' events only in us-east-1.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html#eb-service-event-cloudtrail-management
 */
export function reachesRuleState(facts: DeliveryFacts, state: string, assumptions: DeliveryAssumptions = {}): boolean {
  if (state === 'DISABLED') return false;
  if (facts.globalElsewhere) return false;
  if (facts.dataEvent && assumptions.dataEventsLogged === false) return false;
  if (facts.readOnlyManagement && state !== 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS') return false;
  return true;
}

/**
 * Whether a parsed JSON document looks like CloudTrail input: a log file (`{"Records": [...]}`) or a single record
 * (has `eventVersion` and `eventSource`/`eventType`, no EventBridge `detail-type`).
 */
export function isCloudTrailDocument(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  if (Array.isArray(v.Records)) return true;
  return !('detail-type' in v) && typeof v.eventVersion === 'string' && ('eventSource' in v || 'eventType' in v);
}
