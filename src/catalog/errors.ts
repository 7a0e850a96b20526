/**
 * Errors of the catalog: every problem found in the pattern files and the project config of one run,
 * collected as {@link CatalogIssue}s and thrown together as one {@link CatalogError}.
 */
import { InputIssueCode } from './input-issue-codes';

/**
 * Stable issue codes. Tests and tools match on these, never on message text.
 *
 * | code | raised when |
 * | --- | --- |
 * | `PATTERNS_DIR_NOT_FOUND` | the patterns directory does not exist |
 * | `FILE_READ_FAILED` | a pattern file could not be read |
 * | `YAML_SYNTAX` | the YAML does not parse (or is empty) |
 * | `YAML_DUPLICATE_KEY` | a mapping repeats a key |
 * | `SCHEMA_UNKNOWN_KEY` | a key the format does not define (typo) |
 * | `SCHEMA_INVALID` | a value of the wrong type, out of range, missing, or both/neither of pattern and schedule |
 * | `INVALID_EVENT_PATTERN` | EventBridge would reject the event pattern |
 * | `RULE_NAME_INVALID` | the name derived from the file path is not 1-64 chars of `[.\-_A-Za-z0-9]` |
 * | `RULE_NAME_COLLISION` | two files derive the same rule name |
 * | `FILE_EXISTS` | a pattern file to be written (`patchbay new`) is already on disk: nothing is overwritten |
 * | `UNKNOWN_FUNCTION` | a target names a function that serverless.yml does not define |
 * | `UNKNOWN_TOPIC` | `notify.topic` is not a key of `custom.patchbay.topics` |
 * | `INVALID_JMESPATH` | `filter` or a `select` value is not a valid JMESPath expression |
 * | `UNKNOWN_SUBJECT_FIELD` | a `{placeholder}` of `notify.subject` is neither a select key nor a built-in field |
 * | `TEST_EVENT_NOT_FOUND` | a file of `tests.match`/`tests.no-match` does not exist |
 * | `TEST_EVENT_INVALID` | a test event file is not a JSON object |
 * | `SCHEDULE_NOT_ON_DEFAULT_BUS` | a schedule rule names a custom bus (EventBridge runs schedules on the default bus only) |
 * | `SCHEDULE_WITH_TESTS` | a schedule rule has sample-event tests (`match`/`no-match`: it has no pattern to test; `fires` tests its schedule) |
 * | `SCHEDULE_INVALID` | a schedule expression EventBridge refuses (`rate(0 minutes)`, `rate(5 minute)`, `cron(bad)`, a five-field cron, ? in neither or both day fields, a value out of range) |
 * | `FIRES_WITHOUT_SCHEDULE` | `tests.fires` or `tests.after` on a pattern rule |
 * | `CONFIG_INVALID` | `custom.patchbay` in serverless.yml does not follow its schema |
 * | `EVENT_PATTERN_TOO_LARGE` | an event pattern (with its replay exclusion) is over the "Event pattern size" quota (`maxEventPatternLengthInChars`) |
 * | `EVENT_PATTERN_TOO_COMPLEX` | a `wildcard` keeps more matching states alive than EventBridge allows ("Rule is too complex") |
 * | `UNKNOWN_BUS` | `bus:`, an `eventBus:` target or a schema discoverer names a bus key that `custom.patchbay.buses` does not define |
 * | `BUS_CONFIG_INVALID` | a bus is not exactly one of `type: custom`, `type: partner` (with `eventSourceName`) or `existing:` |
 * | `PARTNER_EVENT_SOURCE_INVALID` | `eventSourceName` does not match `aws\.partner(/[.\-_A-Za-z0-9]+){2,}`, or the bus `name` differs from it |
 * | `BUS_POLICY_OPEN` | a bus policy asks for `*` (any AWS account) instead of accounts or an organization |
 * | `BUS_POLICY_NOT_ALLOWED` | a policy on a partner event bus (only its partner can put events on it) |
 * | `TARGET_KIND_INVALID` | a target is not exactly one of `function`, `eventBus`, `sns` |
 * | `TARGET_FIELD_NOT_ALLOWED` | a target has a field its kind does not support (`filter` on an `sns` target, `retryPolicy` or `inputTransformer` on an `eventBus` target, ...) |
 * | `EVENT_BUS_TARGET_INVALID` | an `eventBus:` target is its own rule's bus (a loop), or a partner bus |
 * | `INPUT_TRANSFORMER_INVALID` | PutTargets would refuse the `inputTransformer` (checked by `src/transform`, AWS's message quoted): a path EventBridge does not accept, a `<placeholder>` that is neither a key of `inputPathsMap` nor a reserved `aws.events.*` variable, `<aws.events.event.json>` in a string template, a JSON template that is not JSON; or a key starting with `aws.` |
 * | `EXCLUDE_REPLAYS_INVALID` | `excludeReplays` on a schedule rule, or on a pattern with its own `replay-name` condition |
 * | `UNKNOWN_DEAD_LETTER_QUEUE` | a `deadLetterQueue` is not the logical ID of an `AWS::SQS::Queue` under `resources.Resources` |
 * | `TRAIL_CONFIG_INVALID` | the trail's Insights selectors need management events it does not log, or it has more than 250 data resources |
 * | `TOO_MANY_RULES_ON_BUS` | more rules on one bus than `maxRulesPerEventBus` (EventBridge's "Rules per event bus" quota) |
 * | `EVENT_SCHEMA_INVALID` | a registry schema file under `schemas/` cannot be used (not JSON, unknown type, bad name, duplicate) |
 * | `EVENT_SCHEMA_TOO_LARGE` | a registry schema file is over 100,000 characters |
 * | `FILE_TOO_LARGE`, `FILE_NOT_TEXT`, `PATH_OUTSIDE_PROJECT`, `YAML_*`, `NUMBER_NOT_FINITE` | see `input-issue-codes.ts` |
 */
export const CatalogIssueCode = {
  PATTERNS_DIR_NOT_FOUND: 'PATTERNS_DIR_NOT_FOUND',
  FILE_READ_FAILED: 'FILE_READ_FAILED',
  FILE_EXISTS: 'FILE_EXISTS',
  YAML_SYNTAX: 'YAML_SYNTAX',
  YAML_DUPLICATE_KEY: 'YAML_DUPLICATE_KEY',
  SCHEMA_UNKNOWN_KEY: 'SCHEMA_UNKNOWN_KEY',
  SCHEMA_INVALID: 'SCHEMA_INVALID',
  INVALID_EVENT_PATTERN: 'INVALID_EVENT_PATTERN',
  RULE_NAME_INVALID: 'RULE_NAME_INVALID',
  RULE_NAME_COLLISION: 'RULE_NAME_COLLISION',
  UNKNOWN_FUNCTION: 'UNKNOWN_FUNCTION',
  UNKNOWN_TOPIC: 'UNKNOWN_TOPIC',
  INVALID_JMESPATH: 'INVALID_JMESPATH',
  UNKNOWN_SUBJECT_FIELD: 'UNKNOWN_SUBJECT_FIELD',
  TEST_EVENT_NOT_FOUND: 'TEST_EVENT_NOT_FOUND',
  TEST_EVENT_INVALID: 'TEST_EVENT_INVALID',
  SCHEDULE_NOT_ON_DEFAULT_BUS: 'SCHEDULE_NOT_ON_DEFAULT_BUS',
  SCHEDULE_WITH_TESTS: 'SCHEDULE_WITH_TESTS',
  SCHEDULE_INVALID: 'SCHEDULE_INVALID',
  FIRES_WITHOUT_SCHEDULE: 'FIRES_WITHOUT_SCHEDULE',
  CONFIG_INVALID: 'CONFIG_INVALID',
  EVENT_PATTERN_TOO_LARGE: 'EVENT_PATTERN_TOO_LARGE',
  EVENT_PATTERN_TOO_COMPLEX: 'EVENT_PATTERN_TOO_COMPLEX',
  UNKNOWN_BUS: 'UNKNOWN_BUS',
  BUS_CONFIG_INVALID: 'BUS_CONFIG_INVALID',
  PARTNER_EVENT_SOURCE_INVALID: 'PARTNER_EVENT_SOURCE_INVALID',
  BUS_POLICY_OPEN: 'BUS_POLICY_OPEN',
  BUS_POLICY_NOT_ALLOWED: 'BUS_POLICY_NOT_ALLOWED',
  TARGET_KIND_INVALID: 'TARGET_KIND_INVALID',
  TARGET_FIELD_NOT_ALLOWED: 'TARGET_FIELD_NOT_ALLOWED',
  EVENT_BUS_TARGET_INVALID: 'EVENT_BUS_TARGET_INVALID',
  INPUT_TRANSFORMER_INVALID: 'INPUT_TRANSFORMER_INVALID',
  EXCLUDE_REPLAYS_INVALID: 'EXCLUDE_REPLAYS_INVALID',
  UNKNOWN_DEAD_LETTER_QUEUE: 'UNKNOWN_DEAD_LETTER_QUEUE',
  TRAIL_CONFIG_INVALID: 'TRAIL_CONFIG_INVALID',
  TOO_MANY_RULES_ON_BUS: 'TOO_MANY_RULES_ON_BUS',
  EVENT_SCHEMA_INVALID: 'EVENT_SCHEMA_INVALID',
  EVENT_SCHEMA_TOO_LARGE: 'EVENT_SCHEMA_TOO_LARGE',
  ...InputIssueCode,
} as const;

/** One of the {@link CatalogIssueCode} values. */
export type CatalogIssueCode = (typeof CatalogIssueCode)[keyof typeof CatalogIssueCode];

/**
 * One problem in one file.
 *
 * @example
 * {
 *   "code": "INVALID_EVENT_PATTERN",
 *   "filePath": "patterns/iam/root-login.yml",
 *   "pointer": "/pattern/detail/userIdentity/type/0/prefix",
 *   "line": 7, "column": 21,
 *   "found": "Event pattern is not valid. Reason: prefix match pattern must be a string",
 *   "message": "patterns/iam/root-login.yml:7:21: /pattern/detail/userIdentity/type/0/prefix: Event pattern is not valid. Reason: prefix match pattern must be a string [INVALID_EVENT_PATTERN]"
 * }
 */
export interface CatalogIssue<Code extends string = CatalogIssueCode> {
  code: Code;
  /** Project-relative, posix separators (`patterns/iam/root-login.yml`, `serverless.yml`). */
  filePath: string;
  /** RFC 6901 pointer into the file's document; `''` for the whole file. */
  pointer: string;
  /** 1-based line of the node the pointer names, when the source position is known. */
  line?: number;
  /** 1-based column of that node. */
  column?: number;
  /** What was found, e.g. `unknown key "notfy"`. */
  found?: string;
  /** What is allowed instead, e.g. `allowed keys: function, filter, select, notify`. */
  allowed?: string;
  /** `error` (the default) fails the run; a `warning` is reported and does not. */
  severity?: IssueSeverity;
  /** The issue as one terminal line: `<filePath>:<line>:<column>: <pointer>: <found>; <allowed> [CODE]` (see {@link formatIssueLine}). */
  message: string;
}

/** The fields of an issue before its message is rendered. */
export type CatalogIssueInput<Code extends string = CatalogIssueCode> = Omit<CatalogIssue<Code>, 'message'>;

/** How bad a problem is: an `error` fails the run, a `warning` is reported and does not. */
export type IssueSeverity = 'error' | 'warning';

/**
 * Render an issue as one terminal line that terminals, editors and CI annotations link to its source:
 * `file:line:column: <pointer>: <found>; <allowed> [CODE]` (`file: …` when the position is unknown), with `warning: `
 * before the pointer for warnings. `patchbay test`, `sls package` and every other command print problems this way.
 * @example
 * formatIssueLine({ code: 'INVALID_EVENT_PATTERN', filePath: 'patterns/iam/bad.yml', pointer: '/pattern/source/0/prefix', line: 2, column: 22,
 *   found: 'Event pattern is not valid. Reason: prefix match pattern must be a string' });
 * // 'patterns/iam/bad.yml:2:22: /pattern/source/0/prefix: Event pattern is not valid. Reason: prefix match pattern must be a string [INVALID_EVENT_PATTERN]'
 */
export function formatIssueLine(issue: CatalogIssueInput<string>, severity: IssueSeverity = issue.severity ?? 'error'): string {
  const where = issue.line !== undefined ? `${issue.filePath}:${issue.line}:${issue.column ?? 1}` : issue.filePath;
  const what = [issue.found, issue.allowed].filter((part) => part !== undefined && part !== '').join('; ') || 'invalid';
  return `${where}: ${severity === 'warning' ? 'warning: ' : ''}${issue.pointer ? `${issue.pointer}: ` : ''}${what} [${issue.code}]`;
}

/** Build a {@link CatalogIssue} with its rendered message (the compiler builds its own issues, of its own codes, with it too). */
export function createIssue<Code extends string = CatalogIssueCode>(input: CatalogIssueInput<Code>): CatalogIssue<Code> {
  const issue: CatalogIssue<Code> = { ...input, message: formatIssueLine(input) };
  for (const key of Object.keys(issue) as (keyof CatalogIssue<Code>)[]) {
    if (issue[key] === undefined) delete issue[key];
  }
  return issue;
}

/**
 * Every problem of a catalog load (or of the project config), thrown at once.
 * `code` is always `PATCHBAY_INVALID_CATALOG`; `issues` is sorted by file, then line, then pointer.
 *
 * @example
 * try { await loadCatalog({ rootDir, config }); }
 * catch (error) {
 *   if (error instanceof CatalogError) for (const issue of error.issues) console.error(issue.message);
 * }
 */
export class CatalogError extends Error {
  readonly code = 'PATCHBAY_INVALID_CATALOG';
  readonly issues: CatalogIssue[];

  constructor(issues: CatalogIssue[], options?: { cause?: unknown }) {
    const sorted = sortIssues(issues);
    const count = sorted.length === 1 ? '1 problem' : `${sorted.length} problems`;
    super(`Invalid patchbay catalog (${count}):\n${sorted.map((issue) => issue.message).join('\n')}`, options);
    this.name = 'CatalogError';
    this.issues = sorted;
  }
}

/** Stable order: file, then line (issues without a position first), then pointer, then code. */
export function sortIssues<Code extends string>(issues: readonly CatalogIssue<Code>[]): CatalogIssue<Code>[] {
  return [...issues].sort(
    (a, b) =>
      compare(a.filePath, b.filePath) ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.column ?? 0) - (b.column ?? 0) ||
      compare(a.pointer, b.pointer) ||
      compare(a.code, b.code),
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
