/**
 * Replaying archived events: plan a replay (names, ARNs, time window: pure and checked before any AWS call),
 * start it, follow it to the end, and cancel it on request.
 *
 * Design: {@link planReplay} turns what the user typed into a StartReplay request and throws a
 * {@link ReplayError} with a stable code for anything wrong with it; {@link runReplay} then starts the replay and
 * polls DescribeReplay until the state is final. Cancelling is an AbortSignal: when it fires, CancelReplay is sent
 * once and polling goes on until EventBridge reports CANCELLED (or the replay finished first). A second signal
 * (`abandonSignal`) stops waiting altogether. The EventBridge and STS clients are passed in, so tests use
 * aws-sdk-client-mock and nothing here reads the process or the network by itself.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_StartReplay.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_DescribeReplay.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CancelReplay.html
 */
import {
  CancelReplayCommand,
  DescribeReplayCommand,
  StartReplayCommand,
  type DescribeReplayCommandOutput,
  type EventBridgeClient,
  type ReplayState,
  type StartReplayCommandInput,
  type StartReplayCommandOutput,
} from '@aws-sdk/client-eventbridge';
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import { ReplayError, ReplayErrorCode } from './errors';
import {
  archiveArn,
  archiveName,
  busNameOf,
  checkAccountRegion,
  eventBusArn,
  replayName,
  ruleArn,
  type AccountRegion,
} from './names';

/** Default time between two DescribeReplay calls, in milliseconds. */
export const DEFAULT_POLL_INTERVAL_IN_MILLIS = 2000;

/** Replay states after which nothing changes any more. */
export const FINAL_REPLAY_STATES: ReadonlySet<string> = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);

/**
 * The time window of a replay: events whose time lies in `[start, end)` are replayed.
 * @example { "start": "2025-06-03T00:00:00.000Z", "end": "2025-06-04T00:00:00.000Z" }
 */
export interface ReplayWindow {
  start: Date;
  end: Date;
}

/**
 * What the project knows about its buses and rules, to check `--bus` and `--rules` before calling AWS.
 * @example { "buses": ["default", "audit"], "rules": [{ "name": "iam-root-login", "bus": "default" }] }
 */
export interface ReplayCatalog {
  /** Bus keys the project uses (`default` for the default bus). */
  buses: readonly string[];
  /** Rule names with the bus key each is on. */
  rules: ReadonlyArray<{ name: string; bus: string }>;
  /** Bus keys the project archives; when given, a bus outside it cannot be replayed (nothing was archived). */
  archivedBuses?: readonly string[];
}

/**
 * Everything a replay needs, as the user gave it.
 *
 * @example
 * { "service": "patchbay", "stage": "dev", "bus": "default", "rules": ["iam-root-login"],
 *   "from": "2025-06-03T00:00:00Z", "to": "2025-06-04T00:00:00Z",
 *   "account": "111122223333", "region": "eu-west-1" }
 */
export interface ReplayRequest extends AccountRegion {
  /** serverless.yml `service`. */
  service: string;
  /** Deployment stage, e.g. `dev`. */
  stage: string;
  /** Bus key, as the pattern files' `bus:` gives it (`default` for the default bus); names the archive. */
  bus: string;
  /** The bus's physical name or ARN (see `eventBusName`). @default the bus key */
  busName?: string;
  /** Patchbay rule names to replay to; empty or absent: every rule on the bus. */
  rules?: readonly string[];
  /** ISO 8601 start of the window, e.g. `2025-06-03T00:00:00Z` (a date alone means 00:00 UTC). */
  from: string;
  /** ISO 8601 end of the window; later than `from`, not in the future. */
  to: string;
  /** The current time (for "not in the future" and the replay name). @default new Date() */
  now?: Date;
  /** When given, `bus` and `rules` must be in it. */
  catalog?: ReplayCatalog;
  /**
   * The deployed name of a rule: the compiler's `rulePhysicalName` (passed in, so this module does not depend on
   * the compiler, which names its archives with {@link archiveName}).
   * @example (service, stage, rule) => `${service}-${stage}-${rule}`
   */
  rulePhysicalName: (service: string, stage: string, rule: string) => string;
}

/**
 * A checked replay, ready to start.
 *
 * @example
 * { "replayName": "patchbay-dev-default-20250604T101500", "archiveName": "patchbay-dev-default",
 *   "busName": "default", "window": { "start": "2025-06-03T00:00:00.000Z", "end": "2025-06-04T00:00:00.000Z" },
 *   "input": { "ReplayName": "patchbay-dev-default-20250604T101500",
 *     "EventSourceArn": "arn:aws:events:eu-west-1:111122223333:archive/patchbay-dev-default",
 *     "EventStartTime": "2025-06-03T00:00:00.000Z", "EventEndTime": "2025-06-04T00:00:00.000Z",
 *     "Destination": { "Arn": "arn:aws:events:eu-west-1:111122223333:event-bus/default",
 *       "FilterArns": ["arn:aws:events:eu-west-1:111122223333:rule/patchbay-dev-iam-root-login"] } } }
 */
export interface ReplayPlan {
  replayName: string;
  archiveName: string;
  busName: string;
  window: ReplayWindow;
  /** The StartReplay request. */
  input: StartReplayCommandInput;
}

/**
 * Parse one end of a replay window: an ISO 8601 date (`2025-06-03`, meaning 00:00 UTC) or date-time with a zone
 * (`2025-06-03T09:14:27Z`, `2025-06-03T11:14+02:00`, fractions of a second allowed). A date-time without a zone
 * is refused: it would depend on the machine's time zone.
 *
 * @param field - the option name used in the message, e.g. `--from`
 * @throws ReplayError `INVALID_TIME` (with `field`) for anything else, including impossible dates like `2025-02-30`.
 * @example parseReplayTime('2025-06-03T11:14:00+02:00', '--from').toISOString() // '2025-06-03T09:14:00.000Z'
 */
export function parseReplayTime(text: string, field: string): Date {
  const match = ISO_8601.exec(text.trim());
  const invalid = (why: string) =>
    new ReplayError(
      ReplayErrorCode.INVALID_TIME,
      `${field} "${text}": ${why}; use an ISO 8601 date or date-time with a zone, e.g. 2025-06-03 or 2025-06-03T09:00:00Z`,
      { field },
    );
  if (!match) {
    const why = /^\d{4}-\d{2}-\d{2}T[\d:.]+$/.test(text.trim()) ? 'a date-time needs a zone (Z or +hh:mm)' : 'not an ISO 8601 time';
    throw invalid(why);
  }
  const [, y, mo, d, h = '00', mi = '00', s = '00', fraction = '', zone = 'Z'] = match;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number) as [number, number, number, number, number, number];
  const millis = Number(fraction.padEnd(3, '0').slice(0, 3));
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  const check = new Date(Date.UTC(year, month - 1, day));
  if (month < 1 || month > 12 || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) throw invalid('no such date');
  if (hour > 23 || minute > 59 || second > 59) throw invalid('no such time of day');
  let offsetMinutes = 0;
  if (zone !== 'Z') {
    const zoneMatch = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)!;
    const [zh, zm] = [Number(zoneMatch[2]), Number(zoneMatch[3])];
    if (zh > 23 || zm > 59) throw invalid('no such zone offset');
    offsetMinutes = (zoneMatch[1] === '-' ? -1 : 1) * (zh * 60 + zm);
  }
  return new Date(utc - offsetMinutes * 60_000);
}

const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2}))?$/;

/**
 * Parse and check a replay window: both ends ISO 8601, `from` before `to`, neither in the future.
 * @throws ReplayError `INVALID_TIME`, `EMPTY_TIME_WINDOW` (field `--to`), `TIME_IN_FUTURE` (field `--from`/`--to`).
 * @example parseReplayWindow('2025-06-03', '2025-06-04', new Date()) // { start: 2025-06-03T00:00Z, end: 2025-06-04T00:00Z }
 */
export function parseReplayWindow(from: string, to: string, now: Date = new Date()): ReplayWindow {
  const start = parseReplayTime(from, '--from');
  const end = parseReplayTime(to, '--to');
  for (const [field, time] of [['--from', start], ['--to', end]] as const) {
    if (time.getTime() > now.getTime()) {
      throw new ReplayError(
        ReplayErrorCode.TIME_IN_FUTURE,
        `${field} ${time.toISOString()} is in the future (now is ${now.toISOString()}); an archive holds only past events`,
        { field },
      );
    }
  }
  if (start.getTime() >= end.getTime()) {
    throw new ReplayError(
      ReplayErrorCode.EMPTY_TIME_WINDOW,
      `--from ${start.toISOString()} must be before --to ${end.toISOString()}`,
      { field: '--to' },
    );
  }
  return { start, end };
}

/**
 * Check a replay request and build its StartReplay input. Pure: no AWS calls.
 *
 * @returns the plan; `input.Destination.FilterArns` is absent when no rules are named (replay to every rule of the bus).
 * @throws ReplayError `INVALID_TIME`, `EMPTY_TIME_WINDOW`, `TIME_IN_FUTURE`, `INVALID_NAME`, `UNKNOWN_BUS`, `UNKNOWN_RULE`.
 * @example
 * planReplay({ service: 'patchbay', stage: 'dev', bus: 'default', rules: ['iam-root-login'],
 *   from: '2025-06-03T00:00:00Z', to: '2025-06-04T00:00:00Z', account: '111122223333', region: 'eu-west-1',
 *   rulePhysicalName }) // rulePhysicalName from src/compiler
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_StartReplay.html
 */
export function planReplay(request: ReplayRequest): ReplayPlan {
  const now = request.now ?? new Date();
  const window = parseReplayWindow(request.from, request.to, now);
  checkAccountRegion(request);
  const rules = [...new Set(request.rules ?? [])];
  if (request.catalog) checkAgainstCatalog(request.bus, rules, request.catalog);
  const archive = archiveName(request.service, request.stage, request.bus);
  const busNameOrArn = request.busName ?? request.bus;
  const busName = busNameOf(busNameOrArn);
  const name = replayName(request.service, request.stage, request.bus, now);
  const filterArns = rules.map((rule) => {
    if (rule === '') throw new ReplayError(ReplayErrorCode.INVALID_NAME, '--rules has an empty entry', { field: '--rules' });
    let physical: string;
    try {
      physical = request.rulePhysicalName(request.service, request.stage, rule);
    } catch (error) {
      throw new ReplayError(ReplayErrorCode.INVALID_NAME, `rule "${rule}" has no valid EventBridge name: ${(error as Error).message}`, {
        field: 'rule',
        cause: error,
      });
    }
    return ruleArn(request, busName, physical);
  });
  return {
    replayName: name,
    archiveName: archive,
    busName,
    window,
    input: {
      ReplayName: name,
      Description: `patchbay replay of ${archive}${rules.length ? ` to ${rules.join(', ')}` : ''}`.slice(0, 512),
      EventSourceArn: archiveArn(request, archive),
      EventStartTime: window.start,
      EventEndTime: window.end,
      Destination: { Arn: eventBusArn(request, busNameOrArn), ...(filterArns.length ? { FilterArns: filterArns } : {}) },
    },
  };
}

function checkAgainstCatalog(bus: string, rules: readonly string[], catalog: ReplayCatalog): void {
  if (!catalog.buses.includes(bus)) {
    const known = [...catalog.buses].sort().join(', ') || '(none)';
    throw new ReplayError(ReplayErrorCode.UNKNOWN_BUS, `bus "${bus}" is not a bus of this project (custom.patchbay.buses or a pattern file's bus:); known buses: ${known}`, {
      field: '--bus',
    });
  }
  const onBus = catalog.rules.filter((rule) => rule.bus === bus).map((rule) => rule.name).sort();
  for (const rule of rules) {
    const found = catalog.rules.find((candidate) => candidate.name === rule);
    if (!found) {
      throw new ReplayError(
        ReplayErrorCode.UNKNOWN_RULE,
        `rule "${rule}" is not a rule of this project; rules on bus "${bus}": ${onBus.join(', ') || '(none)'}`,
        { field: '--rules' },
      );
    }
    if (found.bus !== bus) {
      throw new ReplayError(ReplayErrorCode.UNKNOWN_RULE, `rule "${rule}" is on bus "${found.bus}", not "${bus}"`, { field: '--rules' });
    }
  }
  if (catalog.archivedBuses && !catalog.archivedBuses.includes(bus)) {
    throw new ReplayError(
      ReplayErrorCode.NO_ARCHIVE,
      `bus "${bus}" has no archive, so there is nothing to replay: add custom.patchbay.buses.${bus}.archive to serverless.yml and deploy`,
      { field: '--bus' },
    );
  }
}

/**
 * The account of the caller's credentials (STS GetCallerIdentity), for ARNs when `--account` is not given.
 * @returns e.g. `111122223333`
 * @throws ReplayError `ACCOUNT_UNRESOLVED` (cause: the STS error) when there are no usable credentials.
 * @see https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
 */
export async function resolveAccount(sts: Pick<STSClient, 'send'>): Promise<string> {
  try {
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    if (!identity.Account) throw new Error('GetCallerIdentity returned no Account');
    return identity.Account;
  } catch (error) {
    throw new ReplayError(
      ReplayErrorCode.ACCOUNT_UNRESOLVED,
      `could not find the AWS account (${describeAwsError(error)}); pass --account <12-digit id> or configure AWS credentials`,
      { cause: error },
    );
  }
}

/**
 * Start a planned replay (StartReplay).
 * @throws ReplayError `ARCHIVE_NOT_FOUND` when EventBridge answers ResourceNotFoundException (deploy the archive
 *   first), `START_FAILED` for any other failure (cause: the SDK error).
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_StartReplay.html
 */
export async function startReplay(client: Pick<EventBridgeClient, 'send'>, plan: ReplayPlan): Promise<StartReplayCommandOutput> {
  try {
    return await client.send(new StartReplayCommand(plan.input));
  } catch (error) {
    const name = (error as { name?: string })?.name;
    if (name === 'ResourceNotFoundException') {
      throw new ReplayError(
        ReplayErrorCode.ARCHIVE_NOT_FOUND,
        `archive "${plan.archiveName}" (${plan.input.EventSourceArn}) or its bus or rules do not exist: deploy the archive first ` +
          `(sls deploy for this stage and region), then replay (${describeAwsError(error)})`,
        { cause: error },
      );
    }
    const hint =
      name === 'ResourceAlreadyExistsException'
        ? '; a replay of that name exists: wait a second and try again'
        : name === 'LimitExceededException'
          ? '; too many replays are running in this account and region: wait for one to finish'
          : '';
    throw new ReplayError(ReplayErrorCode.START_FAILED, `StartReplay ${plan.replayName} failed: ${describeAwsError(error)}${hint}`, {
      cause: error,
    });
  }
}

/**
 * Ask EventBridge to cancel a replay (CancelReplay). A replay that already finished (IllegalStatusException) is
 * not an error: the function returns `false` then, `true` when the cancellation was accepted.
 * @throws ReplayError `CANCEL_FAILED` for any other failure.
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CancelReplay.html
 */
export async function cancelReplay(client: Pick<EventBridgeClient, 'send'>, name: string): Promise<boolean> {
  try {
    await client.send(new CancelReplayCommand({ ReplayName: name }));
    return true;
  } catch (error) {
    if ((error as { name?: string })?.name === 'IllegalStatusException') return false;
    throw new ReplayError(ReplayErrorCode.CANCEL_FAILED, `CancelReplay ${name} failed: ${describeAwsError(error)}`, { cause: error });
  }
}

/**
 * How far a replay is through its window, from 0 to 1: `EventLastReplayedTime` relative to the window (1 once
 * COMPLETED, 0 before the first event is replayed).
 * @example replayProgress({ State: 'RUNNING', EventLastReplayedTime: new Date('2025-06-03T12:00:00Z') }, window) // 0.5 for a 2025-06-03 day window
 */
export function replayProgress(description: Pick<DescribeReplayCommandOutput, 'State' | 'EventLastReplayedTime'>, window: ReplayWindow): number {
  if (description.State === 'COMPLETED') return 1;
  const last = description.EventLastReplayedTime;
  if (!last) return 0;
  const span = window.end.getTime() - window.start.getTime();
  if (span <= 0) return 0;
  return Math.min(1, Math.max(0, (new Date(last).getTime() - window.start.getTime()) / span));
}

/** Options of {@link followReplay} and {@link runReplay}. */
export interface FollowReplayOptions {
  /** Time between two DescribeReplay calls, in milliseconds. @default 2000 */
  pollIntervalInMillis?: number;
  /** Called with every DescribeReplay answer, in order. */
  onUpdate?: (description: DescribeReplayCommandOutput) => void;
  /** When it fires, CancelReplay is sent (once) and following goes on until the replay is final. */
  signal?: AbortSignal;
  /** When it fires, stop waiting at once (the replay goes on, or goes on cancelling, in AWS). */
  abandonSignal?: AbortSignal;
  /** Called once when CancelReplay has been sent. */
  onCancelRequested?: (accepted: boolean) => void;
}

/**
 * How a followed replay ended.
 * @example { "replayName": "patchbay-dev-default-20250604T101500", "state": "CANCELLED", "cancelledByUs": true, "abandoned": false }
 */
export interface ReplayOutcome {
  replayName: string;
  /** The last state seen: COMPLETED, FAILED or CANCELLED, or a running state when abandoned. */
  state: ReplayState | string;
  /** DescribeReplay `StateReason` (why it failed), when given. */
  stateReason?: string;
  /** Whether CancelReplay was sent by this run. */
  cancelledByUs: boolean;
  /** Whether following stopped before the replay was final (see `abandonSignal`). */
  abandoned: boolean;
  /** The last DescribeReplay answer. */
  last?: DescribeReplayCommandOutput;
}

/**
 * Poll DescribeReplay until the replay is COMPLETED, FAILED or CANCELLED; cancel it when `signal` fires.
 * @throws ReplayError `DESCRIBE_FAILED` or `CANCEL_FAILED` (cause: the SDK error).
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_DescribeReplay.html
 */
export async function followReplay(
  client: Pick<EventBridgeClient, 'send'>,
  name: string,
  options: FollowReplayOptions = {},
): Promise<ReplayOutcome> {
  const interval = options.pollIntervalInMillis ?? DEFAULT_POLL_INTERVAL_IN_MILLIS;
  let cancelledByUs = false;
  let last: DescribeReplayCommandOutput | undefined;
  const outcome = (abandoned: boolean): ReplayOutcome => ({
    replayName: name,
    state: last?.State ?? 'STARTING',
    ...(last?.StateReason ? { stateReason: last.StateReason } : {}),
    cancelledByUs,
    abandoned,
    ...(last ? { last } : {}),
  });
  for (;;) {
    if (options.abandonSignal?.aborted) return outcome(true);
    if (options.signal?.aborted && !cancelledByUs) {
      cancelledByUs = true;
      const accepted = await cancelReplay(client, name);
      options.onCancelRequested?.(accepted);
    }
    try {
      last = await client.send(new DescribeReplayCommand({ ReplayName: name }));
    } catch (error) {
      throw new ReplayError(ReplayErrorCode.DESCRIBE_FAILED, `DescribeReplay ${name} failed: ${describeAwsError(error)}`, { cause: error });
    }
    options.onUpdate?.(last);
    if (last.State && FINAL_REPLAY_STATES.has(last.State)) return outcome(false);
    await sleep(interval, cancelledByUs ? [options.abandonSignal] : [options.signal, options.abandonSignal]);
  }
}

/**
 * Start a planned replay and follow it to the end (see {@link startReplay} and {@link followReplay}). If `signal`
 * fired while StartReplay was in flight, the replay is cancelled as soon as it exists.
 * @throws ReplayError `ARCHIVE_NOT_FOUND`, `START_FAILED`, `DESCRIBE_FAILED`, `CANCEL_FAILED`.
 * @example
 * const outcome = await runReplay(new EventBridgeClient({ region }), planReplay(request), { onUpdate: console.log });
 * process.exitCode = replayExitCode(outcome);
 */
export async function runReplay(
  client: Pick<EventBridgeClient, 'send'>,
  plan: ReplayPlan,
  options: FollowReplayOptions = {},
): Promise<ReplayOutcome> {
  await startReplay(client, plan);
  return followReplay(client, plan.replayName, options);
}

/** Exit codes of `patchbay replay`. */
export const ReplayExit = {
  COMPLETED: 0,
  FAILED: 1,
  /** Bad input (times, names): nothing was started. */
  USAGE: 2,
  /** Cancelled by us (Ctrl-C), or stopped waiting after a second Ctrl-C; 128 + SIGINT. */
  INTERRUPTED: 130,
} as const;

/**
 * The exit code of a followed replay: 0 COMPLETED, 130 cancelled by us (or abandoned), 1 otherwise (FAILED, or
 * CANCELLED by someone else).
 * @example replayExitCode({ replayName: 'x', state: 'CANCELLED', cancelledByUs: true, abandoned: false }) // 130
 */
export function replayExitCode(outcome: ReplayOutcome): number {
  if (outcome.abandoned) return ReplayExit.INTERRUPTED;
  if (outcome.state === 'COMPLETED') return ReplayExit.COMPLETED;
  if (outcome.state === 'CANCELLED' && outcome.cancelledByUs) return ReplayExit.INTERRUPTED;
  return ReplayExit.FAILED;
}

/** `Name: message` of an SDK error (or the text of anything else). */
function describeAwsError(error: unknown): string {
  if (error instanceof Error) return error.name && error.name !== 'Error' ? `${error.name}: ${error.message}` : error.message;
  return String(error);
}

/** Wait `millis`, or less if one of `signals` fires. */
function sleep(millis: number, signals: ReadonlyArray<AbortSignal | undefined>): Promise<void> {
  const live = signals.filter((signal): signal is AbortSignal => signal !== undefined);
  if (live.some((signal) => signal.aborted)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      for (const signal of live) signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, millis);
    for (const signal of live) signal.addEventListener('abort', done, { once: true });
  });
}
