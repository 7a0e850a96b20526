/**
 * What EventBridge itself delivers to the targets no function handles, for `patchbay route`: `sns` targets (the
 * topic's subscribers receive the target input, through the input transformer engine of `src/transform`) and
 * `eventBus` targets (the event, forwarded unchanged, and what the receiving bus's rules of this project do with
 * it; a forward from a bus that received the event by forwarding is dropped, as EventBridge routes one hop only:
 * the compiler's `MULTI_HOP_FORWARDING` check). Every target also gets its retry policy and dead-letter queue.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-account.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html
 */
import { DEFAULT_BUS, RuleState, type Catalog, type RuleDefinition, type TargetDefinition } from '../catalog';
import { DEAD_LETTER_QUEUE_LOGICAL_ID, resolveBuses, rulePhysicalName, type ResolvedBus } from '../compiler';
import { testEventPattern } from '../pattern';
import { transformInput, validateTargetInput, type TargetInput } from '../transform';

/** How EventBridge retries a target and where it sends what it cannot deliver. */
export interface TargetDeliveryPolicy {
  /** Absent for event bus targets: EventBridge has none for them. */
  retryPolicy?: { maximumRetryAttempts: number; maximumEventAgeInSeconds: number };
  /** Logical ID of the SQS dead-letter queue. */
  deadLetterQueue: string;
}

/** What one `sns` target's subscribers receive. */
export interface SnsDelivery extends TargetDeliveryPolicy {
  kind: 'sns';
  rule: string;
  target: string;
  topic: string;
  /** `delivered`: `message` is the exact SNS message text; `not-delivered`: the input yields nothing; `refused`: PutTargets refuses the input. */
  status: 'delivered' | 'not-delivered' | 'refused';
  message?: string;
  reason?: string;
}

/** What one `eventBus` target forwards. */
export interface EventBusDelivery extends TargetDeliveryPolicy {
  kind: 'eventBus';
  rule: string;
  target: string;
  /** The bus key or ARN the pattern file names, and the receiving bus's name (or ARN). */
  eventBus: string;
  receivingBus: string;
  /** `forwarded`: `event` arrives on `receivingBus`; `dropped`: EventBridge does not forward it (`reason`). */
  status: 'forwarded' | 'dropped';
  event?: unknown;
  reason?: string;
  /** The receiving bus's rules of this project that match the forwarded event (one hop further, nothing is forwarded). */
  receivedBy?: Array<{ rule: string; targets: string[] }>;
}

export type EventBridgeDelivery = SnsDelivery | EventBusDelivery;

/** Options: which rules and targets, and where the project is deployed. */
export interface EventBridgeRoutingOptions {
  stage: string;
  region: string;
  /** Only this rule. The event is put on each rule's own bus (where the sample event is put). */
  rule?: string;
  /** A schedule rule that fires: it delivers `event` (its Scheduled Event) without a pattern to match. */
  scheduledRule?: string;
}

/** The retry policy and dead-letter queue of a target, as compiled. */
export function targetDeliveryPolicy(catalog: Catalog, target: TargetDefinition): TargetDeliveryPolicy {
  const deadLetterQueue = target.deadLetterQueue ?? catalog.config.deadLetterQueue ?? DEAD_LETTER_QUEUE_LOGICAL_ID;
  return target.kind === 'eventBus' ? { deadLetterQueue } : { retryPolicy: { ...target.retryPolicy }, deadLetterQueue };
}

/** Whether a rule matches an event put on its bus (enabled pattern rules only). */
export function ruleMatches(rule: RuleDefinition, event: unknown): boolean {
  if (rule.pattern === undefined || rule.state === RuleState.DISABLED) return false;
  try {
    return testEventPattern(rule.pattern, event as object);
  } catch {
    return false;
  }
}

/**
 * The `sns` and `eventBus` deliveries of every rule matching `event` (put on each rule's own bus).
 * @example routeEventBridgeTargets(catalog, event, { stage: 'dev', region: 'us-east-1' })
 *   // [{ kind: 'sns', rule: 'iam-root-login', target: 'sns-security', status: 'delivered', message: '"Root sign-in …"', … }, …]
 */
export function routeEventBridgeTargets(catalog: Catalog, event: unknown, options: EventBridgeRoutingOptions): EventBridgeDelivery[] {
  const service = catalog.config.service;
  const buses = resolveBuses(catalog.config, { service, stage: options.stage });
  const receivers = forwardReceivers(catalog);
  const deliveries: EventBridgeDelivery[] = [];
  for (const rule of catalog.rules) {
    if (options.rule !== undefined && rule.name !== options.rule) continue;
    const fires = options.scheduledRule === rule.name && rule.schedule !== undefined && rule.state !== RuleState.DISABLED;
    if (!fires && !ruleMatches(rule, event)) continue;
    for (const target of rule.targets) {
      if (target.kind === 'sns') deliveries.push(snsDelivery(catalog, rule, target, event, buses, options));
      else if (target.kind === 'eventBus') deliveries.push(eventBusDelivery(catalog, rule, target, event, buses, receivers));
    }
  }
  return deliveries;
}

function snsDelivery(catalog: Catalog, rule: RuleDefinition, target: Extract<TargetDefinition, { kind: 'sns' }>, event: unknown, buses: Record<string, ResolvedBus>, options: EventBridgeRoutingOptions): SnsDelivery {
  const base = { kind: 'sns' as const, rule: rule.name, target: target.id, topic: target.sns, ...targetDeliveryPolicy(catalog, target) };
  const input: TargetInput = target.inputTransformer
    ? { InputTransformer: { ...(target.inputTransformer.inputPathsMap ? { InputPathsMap: target.inputTransformer.inputPathsMap } : {}), InputTemplate: target.inputTransformer.inputTemplate } }
    : {};
  const refused = validateTargetInput(input, target.id);
  if (refused) return { ...base, status: 'refused', reason: refused };
  const envelope = event as { account?: string; region?: string; time?: string };
  const busName = buses[rule.bus]?.name ?? rule.bus;
  const ruleName = rulePhysicalName(catalog.config.service, options.stage, rule.name);
  const outcome = transformInput(event, input, {
    'rule-name': ruleName,
    'event-bus-name': busName,
    'rule-arn': `arn:aws:events:${options.region}:${envelope.account ?? '123456789012'}:rule/${rule.bus === DEFAULT_BUS ? '' : `${busName}/`}${ruleName}`,
    ...(typeof envelope.time === 'string' ? { 'ingestion-time': envelope.time } : {}),
  });
  return outcome.delivered ? { ...base, status: 'delivered', message: outcome.text } : { ...base, status: 'not-delivered', reason: outcome.reason };
}

function eventBusDelivery(
  catalog: Catalog,
  rule: RuleDefinition,
  target: Extract<TargetDefinition, { kind: 'eventBus' }>,
  event: unknown,
  buses: Record<string, ResolvedBus>,
  receivers: Map<string, string>,
): EventBusDelivery {
  const receivingBus = target.eventBus.startsWith('arn:') ? target.eventBus : (buses[target.eventBus]?.name ?? target.eventBus);
  const base = { kind: 'eventBus' as const, rule: rule.name, target: target.id, eventBus: target.eventBus, receivingBus, ...targetDeliveryPolicy(catalog, target) };
  const receivedBy = target.eventBus.startsWith('arn:')
    ? undefined
    : catalog.rules
        .filter((other) => other.bus === target.eventBus && ruleMatches(other, event))
        .map((other) => ({
          rule: other.name,
          targets: other.targets.map((t) =>
            t.kind === 'eventBus' ? `${t.id} (dropped: events that ${target.eventBus} received by forwarding are not forwarded again)` : t.id,
          ),
        }));
  const why = receivers.get(rule.bus);
  return {
    ...base,
    status: 'forwarded',
    event,
    ...(why ? { reason: `forwarded when the event was put on bus ${rule.bus}; had it reached ${rule.bus} by forwarding (${why}), EventBridge would drop it (one hop only)` } : {}),
    ...(receivedBy ? { receivedBy } : {}),
  };
}

/** Buses that receive forwarded events, and why (the compiler's MULTI_HOP_FORWARDING reasoning). */
function forwardReceivers(catalog: Catalog): Map<string, string> {
  const receivers = new Map<string, string>();
  for (const rule of catalog.rules) {
    for (const t of rule.targets) if (t.kind === 'eventBus' && !t.eventBus.startsWith('arn:') && t.eventBus !== rule.bus) receivers.set(t.eventBus, `rule ${rule.name} forwards to it`);
  }
  for (const [key, bus] of Object.entries(catalog.config.buses)) {
    if (!bus.policy || receivers.has(key)) continue;
    const { accounts, organization, organizationalUnits } = bus.policy.allow;
    if (accounts.length || organization !== undefined || organizationalUnits.length) receivers.set(key, 'its policy lets other accounts send to it');
  }
  return receivers;
}
