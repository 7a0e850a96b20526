/**
 * Check a delivered event against the rule that supposedly delivered it, before anything is published.
 *
 * The function trusts nothing in its input (docs/runtime.md, trust model): anyone allowed to invoke it could send
 * `{"patchbay":{"rule":"iam-policy-attached","target":"notify"},"event":{}}`. So a `DeliveredEvent` is accepted
 * only when
 * 1. its `event` is a complete EventBridge event: `version`, `id`, `detail-type`, `source`, `account` (12 digits),
 *    `time` (RFC 3339, UTC), `region`, `resources` (strings) and `detail` (an object) — every event EventBridge
 *    delivers has them;
 * 2. it matches the rule's event pattern (the one compiled at cold start from the routing manifest, replay
 *    exclusion included), or, for a schedule rule, it is a `Scheduled Event` from `aws.events`.
 * Otherwise `InvalidDeliveryError` (code `INVALID_DELIVERY`) is thrown: the invocation fails, Lambda retries it
 * and then hands it to the on-failure destination, where the forged or corrupt input can be inspected.
 *
 * This proves the event *could* have come from the rule, not that it did: an invoker can still forge an event
 * that matches the pattern. Who may invoke the function is what keeps forgeries out (see docs/runtime.md).
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/ref/overiew-event-structure.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-run-lambda-schedule.html
 */
import { matchEventPattern } from '../pattern';
import { InvalidDeliveryError } from './errors';
import { describeType, isRecord } from './json';
import type { CompiledRule, CompiledTarget } from './load';

/** `source` and `detail-type` of the events a schedule rule delivers. */
export const SCHEDULED_EVENT = { source: 'aws.events', 'detail-type': 'Scheduled Event' } as const;

const ACCOUNT_ID = /^\d{12}$/;
const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/**
 * What is wrong with an EventBridge event's envelope, or `undefined` when it is complete.
 * @returns `{ pointer, message }`, the pointer relative to the event (e.g. `/account`).
 * @example checkEventEnvelope({}); // { pointer: '/version', message: 'expected a string, found undefined' }
 */
export function checkEventEnvelope(event: Record<string, unknown>): { pointer: string; message: string } | undefined {
  for (const field of ['version', 'id', 'detail-type', 'source', 'region'] as const) {
    const value = event[field];
    if (typeof value !== 'string') return { pointer: `/${field}`, message: `expected a string, found ${describeType(value)}` };
    if (field !== 'detail-type' && value === '') return { pointer: `/${field}`, message: 'expected a non-empty string' };
  }
  if (typeof event.account !== 'string' || !ACCOUNT_ID.test(event.account)) {
    return { pointer: '/account', message: `expected a 12-digit AWS account id, found ${preview(event.account)}` };
  }
  if (typeof event.time !== 'string' || !RFC3339_UTC.test(event.time) || Number.isNaN(Date.parse(event.time))) {
    return { pointer: '/time', message: `expected an RFC 3339 UTC time like 2024-05-01T12:00:00Z, found ${preview(event.time)}` };
  }
  if (!Array.isArray(event.resources)) return { pointer: '/resources', message: `expected an array of ARNs, found ${describeType(event.resources)}` };
  const notString = event.resources.findIndex((resource) => typeof resource !== 'string');
  if (notString >= 0) return { pointer: `/resources/${notString}`, message: `expected a string, found ${describeType(event.resources[notString])}` };
  if (!isRecord(event.detail)) return { pointer: '/detail', message: `expected an object, found ${describeType(event.detail)}` };
  return undefined;
}

/**
 * Refuse a delivered event its rule could not have delivered; see the module comment.
 * @throws InvalidDeliveryError (code `INVALID_DELIVERY`, `pointer` into the input: `/event/<field>` for an
 *   incomplete envelope, `/event` for an event that does not match the pattern, `/event/source` for a schedule
 *   rule's event that is not a Scheduled Event).
 * @example checkDelivery(rule, target, { ...event, source: 'aws.iam' }); // throws for a rule on aws.dynamodb
 */
export function checkDelivery(rule: CompiledRule, target: CompiledTarget, event: Record<string, unknown>): void {
  const refuse = (pointer: string, reason: string): never => {
    throw new InvalidDeliveryError({ rule: rule.name, target: target.id, pointer }, reason);
  };
  const envelope = checkEventEnvelope(event);
  if (envelope) refuse(`/event${envelope.pointer}`, `not a complete EventBridge event: ${envelope.message}`);
  if (rule.pattern) {
    if (!matchEventPattern(rule.pattern, event)) {
      refuse('/event', `the event (source ${preview(event.source)}, detail-type ${preview(event['detail-type'])}) does not match the rule's event pattern, so the rule cannot have delivered it`);
    }
    return;
  }
  if (event.source !== SCHEDULED_EVENT.source || event['detail-type'] !== SCHEDULED_EVENT['detail-type']) {
    refuse('/event/source', `a schedule rule delivers only ${SCHEDULED_EVENT['detail-type']} events from ${SCHEDULED_EVENT.source}, found source ${preview(event.source)}, detail-type ${preview(event['detail-type'])}`);
  }
}

/** A short JSON preview of a value for a message (at most 80 characters). */
function preview(value: unknown): string {
  const text = value === undefined ? 'undefined' : (JSON.stringify(value) ?? String(value));
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
