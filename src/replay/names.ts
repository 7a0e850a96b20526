/**
 * Names and ARNs of the EventBridge resources a replay involves (archive, replay, event bus, rules), and the
 * replay opt-out of a rule's event pattern. Pure functions with no imports from other modules: the compiler names
 * the archive it deploys with {@link archiveName}, so `patchbay replay` always finds what `sls deploy` created.
 *
 * | resource | name | limit |
 * | --- | --- | --- |
 * | archive | `<service>-<stage>-<bus>`, `/` of the bus -> `-`, cut to 48 characters | 1-48 of `[.\-_A-Za-z0-9]` |
 * | replay | `<archive name>-<yyyymmddThhmmss>` (UTC start time) | 1-64 of `[.\-_A-Za-z0-9]` |
 * | event bus | by `custom.patchbay.buses.<bus>`: see {@link eventBusName} (`default` for the default bus) | 1-256 of `[/.\-_A-Za-z0-9]` |
 * | rule | the compiler's `rulePhysicalName` (`<service>.<stage>.<rule>`, hashed past 64 characters) | 1-64 of `[.\-_A-Za-z0-9]` |
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_StartReplay.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CreateArchive.html
 */
import { ReplayError, ReplayErrorCode } from './errors';

/** Characters EventBridge allows in archive, replay and rule names. */
export const EVENTBRIDGE_NAME_CHARS = /^[.\-_A-Za-z0-9]+$/;

/** Longest archive name EventBridge accepts (CreateArchive `ArchiveName`), in characters. */
export const ARCHIVE_NAME_MAX_LENGTH = 48;

/** Longest replay name EventBridge accepts (StartReplay `ReplayName`), in characters. */
export const REPLAY_NAME_MAX_LENGTH = 64;

/** Longest rule name EventBridge accepts (PutRule `Name`), in characters. */
export const RULE_NAME_MAX_LENGTH = 64;

/** The name of the default event bus (`bus: default`, or `bus:` omitted, in pattern files). */
export const DEFAULT_BUS_KEY = 'default';

/**
 * The top-level field EventBridge adds to every event it replays from an archive: the replay's name.
 * Live events never have it.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-replay-archived-event.html
 */
export const REPLAY_NAME_FIELD = 'replay-name';

/** Characters EventBridge allows in event bus names. */
export const EVENT_BUS_NAME_PATTERN = /^[/.\-_A-Za-z0-9]{1,256}$/;

/**
 * The archive name of a bus: `<service>-<stage>-<bus>` (a `/` of a partner bus name becomes `-`), cut to 48
 * characters (EventBridge's limit). The compiler names the `AWS::Events::Archive` it deploys with this function.
 *
 * @param bus - the `bus:` of the pattern files (`default` for the default bus)
 * @returns e.g. `patchbay-dev-default`
 * @throws ReplayError `INVALID_NAME` when service or stage is empty or has characters outside `[.\-_A-Za-z0-9]`,
 *   or the bus is not a valid event bus name.
 * @example archiveName('patchbay', 'dev', 'default') // 'patchbay-dev-default'
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-events-archive.html
 */
export function archiveName(service: string, stage: string, bus: string): string {
  checkNamePart('service', service);
  checkNamePart('stage', stage);
  checkBusName(bus);
  return `${service}-${stage}-${bus.replace(/\//g, '-')}`.slice(0, ARCHIVE_NAME_MAX_LENGTH);
}

/**
 * Check an event bus name (1-256 characters of `[/.\-_A-Za-z0-9]`).
 * @throws ReplayError `INVALID_NAME` (field `bus`).
 */
export function checkBusName(bus: string): void {
  if (!EVENT_BUS_NAME_PATTERN.test(bus)) {
    throw new ReplayError(ReplayErrorCode.INVALID_NAME, `bus "${bus}" must be 1-256 characters of [/.-_A-Za-z0-9]`, { field: 'bus' });
  }
}

/**
 * What {@link eventBusName} reads of a bus of `custom.patchbay.buses` (the catalog's `BusConfig`).
 * @example { "kind": "custom", "name": "orders" }
 */
export interface BusNaming {
  kind?: string;
  /** A custom bus's physical name. */
  name?: string;
  /** A partner bus's event source (also its name). */
  eventSourceName?: string;
  /** The name or ARN of a bus created elsewhere. */
  existing?: string;
}

/**
 * The physical name (or, for an existing bus given by ARN, the ARN) of the bus with key `busKey`:
 * `default` for the default bus; a custom bus's `name`, else `<service>-<stage>-<key>`; a partner bus's event
 * source name; an existing bus's name or ARN. Without a bus config (a project that declares no buses) the key
 * is the name.
 *
 * @example eventBusName('patchbay', 'dev', 'audit', { kind: 'custom' }) // 'patchbay-dev-audit'
 * @example eventBusName('patchbay', 'dev', 'auth0', { kind: 'partner', eventSourceName: 'aws.partner/auth0.com/t/auth0.logs' }) // 'aws.partner/auth0.com/t/auth0.logs'
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-events-eventbus.html
 */
export function eventBusName(service: string, stage: string, busKey: string, bus?: BusNaming): string {
  if (busKey === DEFAULT_BUS_KEY || bus === undefined) return busKey;
  switch (bus.kind) {
    case 'custom':
      return bus.name ?? `${service}-${stage}-${busKey}`;
    case 'partner':
      return bus.eventSourceName ?? busKey;
    case 'existing':
      return bus.existing ?? busKey;
    default:
      return busKey;
  }
}

/**
 * Check a rule's physical name (1-64 characters of `[.\-_A-Za-z0-9]`).
 * @throws ReplayError `INVALID_NAME` (field `rule`).
 */
export function checkRuleName(name: string): void {
  if (!EVENTBRIDGE_NAME_CHARS.test(name) || name.length > RULE_NAME_MAX_LENGTH) {
    throw new ReplayError(ReplayErrorCode.INVALID_NAME, `rule name "${name}" must be 1-${RULE_NAME_MAX_LENGTH} characters of [.-_A-Za-z0-9]`, {
      field: 'rule',
    });
  }
}

/**
 * The name of a replay started at `startedAt`: `<archive name>-<yyyymmddThhmmss>` (UTC). At most 64 characters,
 * since the archive name is at most 48 and the suffix 16. Two replays of one archive started in the same second
 * get the same name: StartReplay then fails with `ResourceAlreadyExistsException`.
 *
 * @example replayName('patchbay', 'dev', 'default', new Date('2025-06-03T09:14:27Z')) // 'patchbay-dev-default-20250603T091427'
 * @throws ReplayError `INVALID_NAME` (see {@link archiveName}).
 */
export function replayName(service: string, stage: string, bus: string, startedAt: Date): string {
  return `${archiveName(service, stage, bus)}-${formatReplayTimestamp(startedAt)}`;
}

/**
 * `yyyymmddThhmmss` in UTC, the suffix of {@link replayName}.
 * @example formatReplayTimestamp(new Date('2025-06-03T09:14:27.512Z')) // '20250603T091427'
 */
export function formatReplayTimestamp(date: Date): string {
  return date.toISOString().slice(0, 19).replace(/[-:]/g, '');
}

/**
 * The ARN partition of a region: `aws-cn` for `cn-*`, `aws-us-gov` for `us-gov-*`, else `aws`.
 * @example partitionOf('eu-west-1') // 'aws'
 */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** Where the resources live. */
export interface AccountRegion {
  /** 12-digit AWS account id, e.g. `111122223333`. */
  account: string;
  /** e.g. `eu-west-1`. */
  region: string;
}

/**
 * ARN of an event bus; a bus given by ARN is returned as it is.
 * @example eventBusArn({ account: '111122223333', region: 'eu-west-1' }, 'default')
 * // 'arn:aws:events:eu-west-1:111122223333:event-bus/default'
 */
export function eventBusArn(where: AccountRegion, busName: string): string {
  if (busName.startsWith('arn:')) return busName;
  checkBusName(busName);
  return `${eventsArnPrefix(where)}:event-bus/${busName}`;
}

/**
 * The name of a bus given by name or ARN.
 * @throws ReplayError `INVALID_NAME` (field `bus`) when an ARN has no `:event-bus/` part.
 * @example busNameOf('arn:aws:events:us-east-1:111122223333:event-bus/central') // 'central'
 */
export function busNameOf(busNameOrArn: string): string {
  if (!busNameOrArn.startsWith('arn:')) return busNameOrArn;
  const index = busNameOrArn.indexOf(':event-bus/');
  if (index < 0) throw new ReplayError(ReplayErrorCode.INVALID_NAME, `"${busNameOrArn}" is not an event bus ARN`, { field: 'bus' });
  return busNameOrArn.slice(index + ':event-bus/'.length);
}

/**
 * ARN of an archive (StartReplay `EventSourceArn`).
 * @example archiveArn({ account: '111122223333', region: 'eu-west-1' }, 'patchbay-dev-default')
 * // 'arn:aws:events:eu-west-1:111122223333:archive/patchbay-dev-default'
 */
export function archiveArn(where: AccountRegion, name: string): string {
  return `${eventsArnPrefix(where)}:archive/${name}`;
}

/**
 * ARN of a rule: `rule/<rule>` on the default bus, `rule/<bus name>/<rule>` on a custom bus.
 * @param busName - the bus's name (or ARN)
 * @param rulePhysical - the rule's deployed name (the compiler's `rulePhysicalName`)
 * @throws ReplayError `INVALID_NAME` for an invalid bus or rule name, account or region.
 * @example ruleArn({ account: '111122223333', region: 'eu-west-1' }, 'audit', 'patchbay-dev-iam-root-login')
 * // 'arn:aws:events:eu-west-1:111122223333:rule/audit/patchbay-dev-iam-root-login'
 */
export function ruleArn(where: AccountRegion, busName: string, rulePhysical: string): string {
  const name = busNameOf(busName);
  checkBusName(name);
  checkRuleName(rulePhysical);
  const path = name === DEFAULT_BUS_KEY ? rulePhysical : `${name}/${rulePhysical}`;
  return `${eventsArnPrefix(where)}:rule/${path}`;
}

/**
 * A rule's event pattern that no longer matches replayed events: adds `"replay-name": [{ "exists": false }]`
 * at the top level (EventBridge sets `replay-name` on every replayed event, never on live ones). Top-level fields
 * AND with a top-level `$or`, so the condition holds in every branch. The input is not changed.
 *
 * @param pattern - an event pattern as parsed JSON, e.g. `{ "source": ["aws.iam"] }`
 * @returns e.g. `{ "source": ["aws.iam"], "replay-name": [{ "exists": false }] }`; the same content if the pattern
 *   already has exactly that condition.
 * @throws ReplayError `REPLAY_NAME_CONFLICT` when the pattern (or a `$or` branch) has another `replay-name` condition.
 * @example
 * excludeReplays({ "$or": [{ "source": ["a"] }, { "source": ["b"] }] })
 * // { "$or": [{ "source": ["a"] }, { "source": ["b"] }], "replay-name": [{ "exists": false }] }
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-replay-archived-event.html
 */
export function excludeReplays<P extends Record<string, unknown>>(pattern: P): P & { 'replay-name': [{ exists: false }] } {
  const existing = pattern[REPLAY_NAME_FIELD];
  if (existing !== undefined && !isExistsFalse(existing)) {
    throw new ReplayError(
      ReplayErrorCode.REPLAY_NAME_CONFLICT,
      `the pattern has its own "${REPLAY_NAME_FIELD}" condition (${JSON.stringify(existing)}); excluding replays would replace it`,
      { field: `/${REPLAY_NAME_FIELD}` },
    );
  }
  const branchPointer = findReplayNameInOr(pattern[OR_KEY], `/${OR_KEY}`);
  if (branchPointer !== undefined) {
    throw new ReplayError(
      ReplayErrorCode.REPLAY_NAME_CONFLICT,
      `the pattern has a "${REPLAY_NAME_FIELD}" condition in a $or branch (${branchPointer}); excluding replays would contradict it`,
      { field: branchPointer },
    );
  }
  const { [REPLAY_NAME_FIELD]: _dropped, ...rest } = pattern;
  return { ...rest, [REPLAY_NAME_FIELD]: [{ exists: false }] } as unknown as P & { 'replay-name': [{ exists: false }] };
}

const OR_KEY = '$or';

function isExistsFalse(value: unknown): boolean {
  return JSON.stringify(value) === JSON.stringify([{ exists: false }]);
}

/** The pointer of a `replay-name` key inside (nested) top-level `$or` branches, if any. */
function findReplayNameInOr(branches: unknown, pointer: string): string | undefined {
  if (!Array.isArray(branches)) return undefined;
  for (const [index, branch] of branches.entries()) {
    if (typeof branch !== 'object' || branch === null || Array.isArray(branch)) continue;
    const record = branch as Record<string, unknown>;
    if (REPLAY_NAME_FIELD in record) return `${pointer}/${index}/${REPLAY_NAME_FIELD}`;
    const nested = findReplayNameInOr(record[OR_KEY], `${pointer}/${index}/${OR_KEY}`);
    if (nested !== undefined) return nested;
  }
  return undefined;
}

function eventsArnPrefix(where: AccountRegion): string {
  checkAccountRegion(where);
  return `arn:${partitionOf(where.region)}:events:${where.region}:${where.account}`;
}

/** A 12-digit account id. */
export const ACCOUNT_ID_PATTERN = /^\d{12}$/;

/** An AWS region name such as `eu-west-1`, `us-gov-west-1`, `cn-north-1`. */
export const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/**
 * Check an account id and a region.
 * @throws ReplayError `INVALID_NAME` (field `account` or `region`).
 */
export function checkAccountRegion(where: AccountRegion): void {
  if (!ACCOUNT_ID_PATTERN.test(where.account)) {
    throw new ReplayError(ReplayErrorCode.INVALID_NAME, `account "${where.account}" is not a 12-digit AWS account id`, { field: 'account' });
  }
  if (!REGION_PATTERN.test(where.region)) {
    throw new ReplayError(ReplayErrorCode.INVALID_NAME, `region "${where.region}" is not an AWS region name such as eu-west-1`, { field: 'region' });
  }
}

function checkNamePart(field: string, value: string): void {
  if (!EVENTBRIDGE_NAME_CHARS.test(value)) {
    throw new ReplayError(
      ReplayErrorCode.INVALID_NAME,
      `${field} "${value}" must be 1 or more characters of [.-_A-Za-z0-9] to form EventBridge names`,
      { field },
    );
  }
}
