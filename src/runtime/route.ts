/**
 * Route a handler input to the (rule, target) pairs it is for.
 *
 * Two inputs are accepted:
 * - a `DeliveredEvent` — what patchbay's rules deliver through their input transformer:
 *   `{ "patchbay": { "rule": "dynamodb-delete-table", "target": "notify", "ruleArnName": "..." }, "event": { ... } }`.
 *   It routes to exactly that one (rule, target), but only after `checkDelivery` (./delivery.ts) confirmed that
 *   the rule could have delivered it: a complete EventBridge envelope, matching the rule's pattern (a schedule
 *   rule: a Scheduled Event); else `InvalidDeliveryError`. A rule or target the manifest does not know is an
 *   `UnknownRuleError`.
 * - a raw EventBridge event (`sls invoke local -p events/...json`, a test, another rule without a transformer):
 *   `{ "source": "aws.dynamodb", "detail-type": "AWS API Call via CloudTrail", "detail": { ... }, ... }`.
 *   It is matched against every pattern rule of the manifest, as EventBridge would (the pattern engine's
 *   `RuleIndex`), and routes to every target of every matching rule, in manifest order. The rule's `bus` is not
 *   considered (a raw event does not say which bus it came from). Schedule rules never match raw events: their
 *   events arrive as `DeliveredEvent`s.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/ref/overiew-event-structure.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html
 */
import { checkDelivery } from './delivery';
import { InvalidInputError, UnknownRuleError } from './errors';
import { describeType, isRecord } from './json';
import { compileManifest, type CompiledManifest, type CompiledRule, type CompiledTarget } from './load';
import type { DeliveredEvent, RoutingManifest } from './manifest';

/**
 * An EventBridge event (the envelope fields patchbay reads; any others are kept).
 * @example
 * { "version": "0", "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718", "detail-type": "AWS API Call via CloudTrail",
 *   "source": "aws.dynamodb", "account": "123456789012", "time": "2024-05-01T12:00:00Z", "region": "us-east-1",
 *   "resources": [], "detail": { "eventName": "DeleteTable", ... } }
 * @see https://docs.aws.amazon.com/eventbridge/latest/ref/overiew-event-structure.html
 */
export interface EventBridgeEvent {
  source: string;
  'detail-type': string;
  version?: string;
  id?: string;
  account?: string;
  time?: string;
  region?: string;
  resources?: string[];
  detail?: unknown;
  [field: string]: unknown;
}

/** What an input is: see {@link classifyInput}. */
export type ClassifiedInput =
  | { kind: 'delivered'; delivered: DeliveredEvent; event: Record<string, unknown> }
  | { kind: 'event'; event: EventBridgeEvent };

/** One (rule, target) an input is for, with the event to notify about. */
export interface Route {
  rule: CompiledRule;
  target: CompiledTarget;
  /** The EventBridge event (for a delivered event: its `event`). */
  event: Record<string, unknown>;
  /** `delivered` (named by the input) or `matched` (a raw event matched the rule's pattern). */
  via: 'delivered' | 'matched';
}

/**
 * Tell a `DeliveredEvent` from a raw EventBridge event, checking the shape.
 * @throws InvalidInputError (code `INVALID_INPUT`, with the `pointer` of the problem) for anything else.
 * @example classifyInput({ source: 'aws.dynamodb', 'detail-type': 'AWS API Call via CloudTrail' }).kind; // 'event'
 */
export function classifyInput(input: unknown): ClassifiedInput {
  if (!isRecord(input)) {
    throw new InvalidInputError(
      `expected a patchbay delivered event ({ patchbay: { rule, target }, event }) or an EventBridge event (with source and detail-type), found ${describeType(input)}`,
    );
  }
  if (input.patchbay !== undefined) {
    const { patchbay, event } = input;
    if (!isRecord(patchbay)) throw new InvalidInputError(`expected an object, found ${describeType(patchbay)}`, '/patchbay');
    if (typeof patchbay.rule !== 'string' || !patchbay.rule) throw new InvalidInputError('expected the rule name (a non-empty string)', '/patchbay/rule');
    if (typeof patchbay.target !== 'string' || !patchbay.target) throw new InvalidInputError('expected the target id (a non-empty string)', '/patchbay/target');
    if (!isRecord(event)) throw new InvalidInputError(`expected the EventBridge event (an object), found ${describeType(event)}`, '/event');
    return { kind: 'delivered', delivered: input as unknown as DeliveredEvent, event };
  }
  if (input.source !== undefined || input['detail-type'] !== undefined) {
    if (typeof input.source !== 'string') throw new InvalidInputError(`expected a string, found ${describeType(input.source)}`, '/source');
    if (typeof input['detail-type'] !== 'string') throw new InvalidInputError(`expected a string, found ${describeType(input['detail-type'])}`, '/detail-type');
    return { kind: 'event', event: input as EventBridgeEvent };
  }
  const keys = Object.keys(input).slice(0, 10).join(', ');
  throw new InvalidInputError(
    `expected a patchbay delivered event ({ patchbay: { rule, target }, event }) or an EventBridge event (with source and detail-type), found an object with keys: ${keys || '(none)'}`,
  );
}

/**
 * Find the (rule, target) pairs an input is for. A plain `RoutingManifest` is compiled on first use (`compileManifest`, cached).
 *
 * @param manifest - the function's routing manifest, compiled or not.
 * @param input - a `DeliveredEvent` or a raw EventBridge event.
 * @returns one route for a delivered event; zero or more for a raw event.
 * @throws InvalidInputError when the input is neither.
 * @throws UnknownRuleError (code `UNKNOWN_RULE`) when a delivered event names a rule or target not in the manifest.
 * @throws InvalidDeliveryError (code `INVALID_DELIVERY`) when a delivered event is incomplete or does not match its rule.
 * @throws InvalidManifestError when a plain manifest does not compile.
 * @example
 * routeEvent(manifest, { patchbay: { rule: 'dynamodb-delete-table', target: 'notify' }, event })
 *   .map((route) => [route.rule.name, route.target.id]); // [['dynamodb-delete-table', 'notify']]
 */
export function routeEvent(manifest: RoutingManifest | CompiledManifest, input: unknown): Route[] {
  const compiled = compileManifest(manifest);
  const classified = classifyInput(input);
  if (classified.kind === 'delivered') {
    const { rule: ruleName, target: targetId } = classified.delivered.patchbay;
    const rule = compiled.rulesByName.get(ruleName);
    if (!rule) throw new UnknownRuleError(ruleName);
    const target = rule.targetsById.get(targetId);
    if (!target) throw new UnknownRuleError(ruleName, targetId);
    checkDelivery(rule, target, classified.event);
    return [{ rule, target, event: classified.event, via: 'delivered' }];
  }
  const positions = compiled.index.match(classified.event).sort((a, b) => a - b);
  const routes: Route[] = [];
  for (const position of positions) {
    const rule = compiled.rules[position];
    if (!rule) continue;
    for (const target of rule.targets) routes.push({ rule, target, event: classified.event, via: 'matched' });
  }
  return routes;
}
