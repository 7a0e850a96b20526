/**
 * Errors of archive replays: one base class, {@link ReplayError}, with a stable `code` and the underlying
 * `cause`. Callers and tests branch on `code`, never on the message text.
 *
 * | code | raised when | exit code of `patchbay replay` |
 * | --- | --- | --- |
 * | `INVALID_TIME` | `--from`/`--to` is not an ISO 8601 date or date-time with a zone (`Z`, `+02:00`) | 2 |
 * | `EMPTY_TIME_WINDOW` | `--from` is not before `--to` | 2 |
 * | `TIME_IN_FUTURE` | `--from` or `--to` is later than now | 2 |
 * | `INVALID_NAME` | a service, stage, bus, rule, account or region is not a valid part of an EventBridge name or ARN | 2 |
 * | `UNKNOWN_BUS` | the bus is not one the project's rules use | 2 |
 * | `UNKNOWN_RULE` | a `--rules` entry is not a rule of the project, or not on that bus | 2 |
 * | `NO_ARCHIVE` | the project's config gives the bus no archive | 2 |
 * | `ACCOUNT_UNRESOLVED` | no `--account`, and STS GetCallerIdentity failed (no credentials) | 1 |
 * | `ARCHIVE_NOT_FOUND` | StartReplay: the bus's archive does not exist (not deployed yet) | 1 |
 * | `START_FAILED` | StartReplay failed otherwise (limits, permissions, a replay of that name exists) | 1 |
 * | `DESCRIBE_FAILED` | DescribeReplay failed while following the replay | 1 |
 * | `CANCEL_FAILED` | CancelReplay failed (other than "already finished") | 1 |
 * | `REPLAY_NAME_CONFLICT` | {@link excludeReplays}: the pattern already has a `replay-name` condition of its own | - |
 */

/** Stable error codes of the replay module. */
export const ReplayErrorCode = {
  INVALID_TIME: 'INVALID_TIME',
  EMPTY_TIME_WINDOW: 'EMPTY_TIME_WINDOW',
  TIME_IN_FUTURE: 'TIME_IN_FUTURE',
  INVALID_NAME: 'INVALID_NAME',
  UNKNOWN_BUS: 'UNKNOWN_BUS',
  UNKNOWN_RULE: 'UNKNOWN_RULE',
  NO_ARCHIVE: 'NO_ARCHIVE',
  ACCOUNT_UNRESOLVED: 'ACCOUNT_UNRESOLVED',
  ARCHIVE_NOT_FOUND: 'ARCHIVE_NOT_FOUND',
  START_FAILED: 'START_FAILED',
  DESCRIBE_FAILED: 'DESCRIBE_FAILED',
  CANCEL_FAILED: 'CANCEL_FAILED',
  REPLAY_NAME_CONFLICT: 'REPLAY_NAME_CONFLICT',
} as const;

/** One of {@link ReplayErrorCode}'s values. */
export type ReplayErrorCode = (typeof ReplayErrorCode)[keyof typeof ReplayErrorCode];

/** Codes that mean the command line itself was wrong (bad times, names): `patchbay replay` exits 2 for them. */
export const REPLAY_INPUT_ERROR_CODES: ReadonlySet<ReplayErrorCode> = new Set([
  ReplayErrorCode.INVALID_TIME,
  ReplayErrorCode.EMPTY_TIME_WINDOW,
  ReplayErrorCode.TIME_IN_FUTURE,
  ReplayErrorCode.INVALID_NAME,
  ReplayErrorCode.UNKNOWN_BUS,
  ReplayErrorCode.UNKNOWN_RULE,
  ReplayErrorCode.NO_ARCHIVE,
]);

/**
 * Base class of every replay error: a stable `code`, the input it is about (`field`, e.g. `--from`) when there is
 * one, and `cause` when an AWS call failed.
 *
 * @example
 * try { planReplay(input); }
 * catch (error) { if (error instanceof ReplayError && error.code === 'TIME_IN_FUTURE') { ... } }
 */
export class ReplayError extends Error {
  /** Stable machine-readable code; see {@link ReplayErrorCode}. */
  readonly code: ReplayErrorCode;
  /** The option or input the problem is about (`--from`, `--rules`, `bus`), when there is one. */
  readonly field?: string;

  constructor(code: ReplayErrorCode, message: string, options?: { cause?: unknown; field?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ReplayError';
    this.code = code;
    if (options?.field !== undefined) this.field = options.field;
  }
}
