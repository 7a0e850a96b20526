/**
 * Run the `tests:` of every rule of a catalog: each `match` event must be notified by its rule, each `no-match`
 * event must not be. "Notified" means what the deployed function does with the event: the rule's event pattern
 * matches it (EventBridge's TestEventPattern semantics, so a sample that AWS would reject as an event fails the
 * test) AND at least one of the rule's targets has no `filter` or a filter that is truthy for it (the runtime's
 * own JMESPath filter code).
 *
 * Used by `patchbay test` and by the catalog-content tests, so both judge a catalog the same way.
 */
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { Catalog, NotificationExpectation, RuleDefinition } from '../catalog';
import { readText, type ReadText } from '../catalog/read-text';
import { matchEventPattern, parseEventPattern, parseTestEvent, PatternError, type EventPattern } from '../pattern';
import { compileFilter } from '../runtime/filter';
import type { Notification } from '../runtime/notification';
import { renderTargetNotification } from '../runtime/preview';
import { compileSeverity } from '../runtime/severity';
import { createRedactor } from '../runtime/redact';
import { eventsOfDocument, readSampleText } from '../cloudtrail';
import { nextFirings, parseSchedule } from '../schedule';
import { canonicalInstant } from './time';

/** What a test expects of its event; `fires` for a schedule rule's firings. */
export type Expectation = 'match' | 'no-match' | 'fires';

/** The outcome of one target's filter for one event. */
export interface TargetFilterOutcome {
  /** Target id. */
  target: string;
  /** The filter expression; absent when the target has none (always notified). */
  filter?: string;
  /** Whether the target would be notified: `true` without a filter. */
  notified: boolean;
}

/**
 * One (rule, sample event) test.
 * @example
 * { "rule": "dynamodb-delete-table", "filePath": "patterns/dynamodb/delete-table.yml",
 *   "event": "events/dynamodb/delete-table.json", "expected": "match", "pattern": true,
 *   "targets": [{ "target": "notify", "notified": true }], "notified": true, "passed": true }
 */
export interface RuleTestResult {
  rule: string;
  /** The rule's pattern file, project-relative. */
  filePath: string;
  /** The sample event, project-relative as written in the pattern file. */
  event: string;
  expected: Expectation;
  /** Whether the rule's event pattern matches the event; absent when it could not be evaluated (see `error`). */
  pattern?: boolean;
  /** Per target, only when the pattern matched. */
  targets: TargetFilterOutcome[];
  /** Pattern matched and at least one target notified; absent when it could not be evaluated. */
  notified?: boolean;
  passed: boolean;
  /** Why the test could not be evaluated (unreadable or invalid event, a filter that fails). */
  error?: string;
  /**
   * For a match case that states what the notification says: the target checked and each difference
   * (`subject: expected "…", rendered "…"`); an empty list when everything agreed.
   */
  notification?: { target?: string; subject?: string; mismatches: string[] };
  /** For a schedule rule's `fires` test: the firings listed, and the ones the schedule gives (same count). */
  fires?: { after?: string; expected: string[]; computed: string[] };
}

/** Counts of a test run. */
export interface RuleTestSummary {
  passed: number;
  failed: number;
}

/**
 * Run every test of every rule, in catalog order (rules by name; per rule `match` then `no-match`, file order).
 *
 * @param catalog - a loaded catalog (`loadCatalog`).
 * @param rootDir - the project root the event paths are relative to.
 * @param options.readTestEvent - how sample events are read, e.g. a cache the catalog filled. @default readText
 * @returns one result per (rule, event); never throws for a bad event or filter (the result records it).
 * @example
 * const results = await runRuleTests(catalog, '/work/project');
 * summarizeRuleTests(results); // { passed: 38, failed: 0 }
 */
export async function runRuleTests(catalog: Catalog, rootDir: string, options: { readTestEvent?: ReadText } = {}): Promise<RuleTestResult[]> {
  const events = new Map<string, Promise<LoadedEvent>>();
  // What the notification of a match case says is checked on the event as the function renders it: secrets redacted.
  const redactor = createRedactor(catalog.config.redact);
  const load = (file: string): Promise<LoadedEvent> => {
    let pending = events.get(file);
    if (!pending) {
      pending = loadTestEvent(options.readTestEvent ?? readText, rootDir, file);
      events.set(file, pending);
    }
    return pending;
  };
  // Start every read now (at most 64 files open at once) so the loop below does not wait for them one by one.
  for (const rule of catalog.rules) for (const file of [...rule.tests.match, ...rule.tests.noMatch]) void load(file);
  const results: RuleTestResult[] = [];
  for (const rule of catalog.rules) {
    if (rule.schedule !== undefined && rule.tests.schedule) {
      results.push(evaluateFiresTest(rule, rule.schedule, rule.tests.schedule));
      continue;
    }
    const cases: Array<[string, Expectation]> = [
      ...rule.tests.match.map((file): [string, Expectation] => [file, 'match']),
      ...rule.tests.noMatch.map((file): [string, Expectation] => [file, 'no-match']),
    ];
    if (cases.length === 0) continue;
    let pattern: EventPattern | undefined;
    let patternError: string | undefined;
    try {
      if (!rule.pattern) throw new Error('the rule has no event pattern (a schedule rule cannot have sample-event tests)');
      pattern = parseEventPattern(rule.pattern, { maxLengthInChars: catalog.config.maxEventPatternLengthInChars });
    } catch (error) {
      patternError = describeError(error);
    }
    for (const [file, expected] of cases) {
      const base = { rule: rule.name, filePath: rule.filePath, event: file, expected, targets: [] };
      if (!pattern) {
        results.push({ ...base, passed: false, error: patternError });
        continue;
      }
      const loaded = await load(file);
      if ('error' in loaded) {
        results.push({ ...base, passed: false, error: loaded.error });
        continue;
      }
      // A CloudTrail log file is one case per record (`file#/Records/<index>`), each judged alone.
      for (const { label, event } of loaded.events) {
        const result = evaluateRuleTest(rule, pattern, event, { ...base, event: label });
        const expectation = expected === 'match' ? rule.tests.expectations?.find((e) => e.event === file) : undefined;
        results.push(expectation && result.passed ? checkNotification(rule, expectation, redactor.redact(event), result, catalog.config.accountAliases) : result);
      }
    }
  }
  return results;
}

/**
 * A schedule rule's `fires` test: with `after`, the listed instants must be exactly the next firings after it;
 * without, they must be consecutive firings (a cron: the next ones after the first; a rate: one period apart).
 */
function evaluateFiresTest(rule: RuleDefinition, expression: string, test: { fires: string[]; after?: string }): RuleTestResult {
  const base = { rule: rule.name, filePath: rule.filePath, event: expression, expected: 'fires' as const, targets: [] };
  try {
    const schedule = parseSchedule(expression);
    const expected = test.fires.map((t) => canonicalInstant(t) ?? t);
    let computed: string[];
    if (test.after !== undefined) computed = nextFirings(schedule, test.after, expected.length);
    else if (schedule.kind === 'rate') computed = expected.length ? [expected[0], ...nextFirings(schedule, expected[0], expected.length - 1)] : [];
    else computed = nextFirings(schedule, new Date(Date.parse(expected[0]) - 1000), expected.length);
    const fires = { ...(test.after !== undefined ? { after: test.after } : {}), expected, computed };
    return { ...base, fires, passed: isDeepStrictEqual(expected, computed) };
  } catch (error) {
    return { ...base, passed: false, error: describeError(error) };
  }
}

/** Passed and failed counts. */
export function summarizeRuleTests(results: readonly RuleTestResult[]): RuleTestSummary {
  const passed = results.filter((result) => result.passed).length;
  return { passed, failed: results.length - passed };
}

/**
 * Explain a result in one line, e.g. `expected match, but the filter of target notify is false`.
 * @example describeRuleTest(result); // 'expected no-match, but the event is notified (pattern matched; target notify has no filter)'
 */
export function describeRuleTest(result: RuleTestResult): string {
  if (result.error !== undefined) return `error: ${result.error}`;
  if (result.fires) {
    const { expected, computed, after } = result.fires;
    if (result.passed) return `fires ${expected.length === 1 ? 'at' : `${expected.length} times:`} ${expected.join(', ')}`;
    const first = expected.findIndex((t, i) => t !== computed[i]);
    return `expected firing ${first + 1} at ${expected[first]}, but the schedule fires ${computed[first] ? `at ${computed[first]}` : 'no more'}${after ? ` (after ${after})` : ''}; its firings: ${computed.join(', ') || 'none'}`;
  }
  if (result.notification?.mismatches.length) return `notified, but the notification differs: ${result.notification.mismatches.join('; ')}`;
  const notifiedBy = result.targets.filter((t) => t.notified).map((t) => (t.filter ? `target ${t.target}'s filter is true` : `target ${t.target} has no filter`));
  if (result.expected === 'match') {
    if (result.passed) return `notified (pattern matched; ${notifiedBy.join(', ')})`;
    if (!result.pattern) return 'expected match, but the event pattern does not match';
    return `expected match, but no target notifies (${result.targets.map((t) => `target ${t.target}'s filter is false`).join(', ')})`;
  }
  if (result.passed) return result.pattern ? 'not notified (pattern matched, every filter is false)' : 'not notified (pattern does not match)';
  return `expected no-match, but the event is notified (pattern matched; ${notifiedBy.join(', ')})`;
}

type LoadedEvent = { events: Array<{ label: string; event: Record<string, unknown> }> } | { error: string };

async function loadTestEvent(read: ReadText, rootDir: string, file: string): Promise<LoadedEvent> {
  let text: string;
  try {
    text = await readSampleText(path.resolve(rootDir, file), read);
  } catch (error) {
    return { error: `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? describeError(error)}` };
  }
  try {
    // CloudTrail input (a record, or a log file's Records) becomes the events EventBridge delivers for it.
    const events: Array<{ label: string; event: Record<string, unknown> }> = [];
    for (const item of eventsOfDocument(parseTestEventOrDocument(text), file)) {
      if ('error' in item) throw new Error(`${item.label}: ${item.error}`);
      events.push({ label: item.label, event: parseTestEvent(item.event as object) });
    }
    return { events };
  } catch (error) {
    return { error: `${file}: ${describeError(error)}` };
  }
}

/** The parsed JSON of a sample; text that is not JSON throws parseTestEvent's error ("the event is not JSON: …"). */
function parseTestEventOrDocument(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return parseTestEvent(text);
  }
}

function evaluateRuleTest(
  rule: RuleDefinition,
  pattern: EventPattern,
  event: Record<string, unknown>,
  base: Omit<RuleTestResult, 'passed'>,
): RuleTestResult {
  const matched = matchEventPattern(pattern, event);
  const targets: TargetFilterOutcome[] = [];
  if (matched) {
    for (const target of rule.targets) {
      try {
        targets.push({ target: target.id, filter: target.filter, notified: compileFilter(target.filter).test(event) });
      } catch (error) {
        return { ...base, pattern: matched, targets, passed: false, error: `filter of target ${target.id}: ${describeError(error)}` };
      }
    }
  }
  const notified = matched && targets.some((t) => t.notified);
  return { ...base, pattern: matched, targets, notified, passed: notified === (base.expected === 'match') };
}

/**
 * Check what a notified match event's notification says against its case: render it exactly as the notify
 * function does (select, subject template, SNS sanitising, attributes) for the named or first notifying target.
 */
function checkNotification(rule: RuleDefinition, expectation: NotificationExpectation, event: Record<string, unknown>, result: RuleTestResult, accountAliases?: Record<string, string>): RuleTestResult {
  const notifying = rule.targets.filter(
    (target) => target.kind === 'function' && target.notify !== undefined && result.targets.some((outcome) => outcome.target === target.id && outcome.notified),
  );
  const target = expectation.target !== undefined ? rule.targets.find((candidate) => candidate.id === expectation.target) : notifying[0];
  const mismatches: string[] = [];
  if (!target || target.kind !== 'function' || !notifying.includes(target)) {
    mismatches.push(expectation.target !== undefined ? `target ${expectation.target} does not notify this event` : 'no function target with notify.topic notifies this event');
    return { ...result, passed: false, notification: { mismatches } };
  }
  let fields: Record<string, unknown>;
  let notification: Notification;
  try {
    ({ notification, fields } = renderTargetNotification({
      rule: { name: rule.name, description: rule.description },
      severity: compileSeverity(rule.severity),
      select: target.select,
      subject: target.notify?.subject,
      event,
      ...(accountAliases ? { accountAliases } : {}),
    }));
  } catch (error) {
    return { ...result, passed: false, error: `notification of target ${target.id}: ${describeError(error)}` };
  }
  if (expectation.subject !== undefined && expectation.subject !== notification.subject) {
    mismatches.push(`subject: expected ${JSON.stringify(expectation.subject)}, rendered ${JSON.stringify(notification.subject)}`);
  }
  for (const [name, value] of Object.entries(expectation.fields ?? {})) {
    if (!Object.hasOwn(fields, name)) mismatches.push(`field ${name}: not selected (select has ${Object.keys(fields).join(', ') || 'nothing'})`);
    else if (!isDeepStrictEqual(fields[name], value)) mismatches.push(`field ${name}: expected ${JSON.stringify(value)}, selected ${JSON.stringify(fields[name])}`);
  }
  if (expectation.allFields !== undefined && !isDeepStrictEqual(fields, expectation.allFields)) {
    mismatches.push(`allFields: expected ${JSON.stringify(expectation.allFields)}, selected ${JSON.stringify(fields)}`);
  }
  for (const [name, value] of Object.entries(expectation.attributes ?? {})) {
    const actual = notification.messageAttributes[name]?.StringValue;
    if (actual !== value) mismatches.push(`attribute ${name}: expected ${JSON.stringify(value)}, rendered ${actual === undefined ? '(none)' : JSON.stringify(actual)}`);
  }
  return { ...result, passed: mismatches.length === 0, notification: { target: target.id, subject: notification.subject, mismatches } };
}

function describeError(error: unknown): string {
  if (error instanceof PatternError) {
    const detail = (error as PatternError & { detail?: string }).detail;
    return `${error.code}: ${error.message}${detail ? ` (${detail})` : ''}`;
  }
  return error instanceof Error ? error.message : String(error);
}
