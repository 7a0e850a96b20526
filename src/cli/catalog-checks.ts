/**
 * Checks a reviewer wants on any catalog, beyond each rule's own `match` / `no-match` cases: things that are valid
 * for EventBridge and the compiler, but almost always a mistake in a pattern file or a sample event. `patchbay test`
 * reports them as named warnings, with file, pointer, line and column, and does not fail on them (unless `--strict`).
 *
 * | code | raised when |
 * | --- | --- |
 * | `SELECT_ALWAYS_NULL` | a `select` expression is null on every `match` sample event of its rule (a typo such as `detail.instanceId` for `detail.instance-id` is otherwise silent) |
 * | `SUBJECT_FIELD_EMPTY` | a `{placeholder}` of `notify.subject` renders as `null` for a `match` sample event |
 * | `RULE_WITHOUT_TESTS` | a pattern rule has no `match` sample event (nothing shows that it ever fires) |
 * | `SAMPLE_EVENT_UNUSED` | a JSON file under `events/` is not named by any rule test |
 * | `SAMPLE_EVENT_ID_DUPLICATE` | two sample events share an `id` (EventBridge gives every event its own) |
 * | `RULE_GLOB_UNUSED` | a glob of `custom.patchbay.rules` matches no pattern file (a typo, or a renamed rule) |
 * | `CLOUDTRAIL_ENVELOPE_MISMATCH` | a `… via CloudTrail` sample's `region` or `account` differs from the record's `awsRegion` or `recipientAccountId`, which EventBridge copies into the envelope, or its `time` is before `eventTime` or more than 5 minutes after it (EventBridge stamps its receive time) |
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/ref/events-structure.html
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { BUILT_IN_SUBJECT_FIELDS, createIssue, escapePointerSegment, type CatalogIssue, type Catalog, type RuleDefinition } from '../catalog';
import { readText as defaultReadText, type ReadText } from '../catalog/read-text';
import { parseYamlSource, type YamlSource } from '../catalog/yaml-source';
import { compileSelect } from '../runtime/select';

/** Stable codes of the catalog warnings; tools match on these. */
export const CatalogWarningCode = {
  SELECT_ALWAYS_NULL: 'SELECT_ALWAYS_NULL',
  SUBJECT_FIELD_EMPTY: 'SUBJECT_FIELD_EMPTY',
  RULE_WITHOUT_TESTS: 'RULE_WITHOUT_TESTS',
  SAMPLE_EVENT_UNUSED: 'SAMPLE_EVENT_UNUSED',
  SAMPLE_EVENT_ID_DUPLICATE: 'SAMPLE_EVENT_ID_DUPLICATE',
  CLOUDTRAIL_ENVELOPE_MISMATCH: 'CLOUDTRAIL_ENVELOPE_MISMATCH',
  RULE_GLOB_UNUSED: 'RULE_GLOB_UNUSED',
} as const;

/** One of the {@link CatalogWarningCode} values. */
export type CatalogWarningCode = (typeof CatalogWarningCode)[keyof typeof CatalogWarningCode];

/** Where sample events live, relative to the project root. */
export const SAMPLE_EVENTS_DIR = 'events';

/** Envelope fields EventBridge copies from a CloudTrail record: envelope key -> `detail` key. */
const CLOUDTRAIL_ENVELOPE: Record<string, string> = { time: 'eventTime', region: 'awsRegion', account: 'recipientAccountId' };

/** Envelope fields a subject may name (see the runtime's notification); a placeholder of these is never "empty". */
const ENVELOPE_FIELDS = new Set<string>(BUILT_IN_SUBJECT_FIELDS);

/**
 * Run every catalog check.
 *
 * @param catalog - the loaded (valid) catalog
 * @param rootDir - the project root: sample events are read from `<rootDir>/events/**.json`
 * @returns warnings sorted by file and position, each with `severity: "warning"`, e.g.
 *   `{ "code": "SELECT_ALWAYS_NULL", "filePath": "patterns/ec2/stopped.yml", "pointer": "/targets/0/select/instance",
 *      "line": 9, "column": 17, "severity": "warning", "found": "detail.instanceId is null on every match event (events/ec2/stopped.json)", … }`
 * @throws nothing for unreadable or invalid sample events: those are the rule tests' errors, reported there.
 */
export async function checkCatalog(catalog: Catalog, rootDir: string, options: { readTestEvent?: ReadText } = {}): Promise<CatalogIssue<CatalogWarningCode>[]> {
  const read = options.readTestEvent ?? defaultReadText;
  const events = new Map<string, Record<string, unknown> | undefined>();
  const eventOf = async (file: string): Promise<Record<string, unknown> | undefined> => {
    if (!events.has(file)) events.set(file, await readEvent(read, path.join(rootDir, file)));
    return events.get(file);
  };
  const warnings: CatalogIssue<CatalogWarningCode>[] = [];
  for (const rule of catalog.rules) warnings.push(...(await checkRule(rule, rootDir, eventOf)));

  // custom.patchbay.rules globs that leave out nothing.
  for (const { pointer, glob } of catalog.unusedRuleGlobs ?? []) {
    warnings.push(warning({ code: 'RULE_GLOB_UNUSED', filePath: 'serverless.yml', pointer, ...(catalog.locate?.('serverless.yml', pointer) ?? {}), found: `${JSON.stringify(glob)} matches no pattern file`, allowed: 'a glob over the path under patternsDir without extension, e.g. cis/** or detections/guardduty-finding' }));
  }

  const samples = await listSampleEvents(rootDir);
  const used = new Set(catalog.rules.flatMap((rule) => [...rule.tests.match, ...rule.tests.noMatch]));
  // Samples of rules left out by custom.patchbay.rules are still theirs: not "unused".
  const disabledTexts = await Promise.all((catalog.disabled ?? []).map((file) => fs.readFile(path.join(rootDir, file), 'utf8').catch(() => '')));
  for (const file of samples) if (disabledTexts.some((text) => text.includes(file))) used.add(file);
  const ids = new Map<string, string>();
  for (const file of samples) {
    if (!used.has(file)) {
      warnings.push(warning({ code: 'SAMPLE_EVENT_UNUSED', filePath: file, pointer: '', found: 'a sample event no rule test names', allowed: 'name it in a rule\'s tests.match or tests.no-match, or delete it' }));
    }
    const event = await eventOf(file);
    if (!event) continue;
    if (typeof event.id === 'string') {
      const first = ids.get(event.id);
      if (first !== undefined) {
        warnings.push(warning({ code: 'SAMPLE_EVENT_ID_DUPLICATE', filePath: file, pointer: '/id', found: `id ${JSON.stringify(event.id)} is also the id of ${first}`, allowed: 'a distinct id per event, as EventBridge gives' }));
      } else ids.set(event.id, file);
    }
    warnings.push(...checkCloudTrailEnvelope(file, event));
  }
  return warnings;
}

async function checkRule(
  rule: RuleDefinition,
  rootDir: string,
  eventOf: (file: string) => Promise<Record<string, unknown> | undefined>,
): Promise<CatalogIssue<CatalogWarningCode>[]> {
  const warnings: CatalogIssue<CatalogWarningCode>[] = [];
  let source: YamlSource | undefined;
  const at = async (pointer: string): Promise<{ line?: number; column?: number }> => {
    source ??= parseYamlSource(await fs.readFile(path.join(rootDir, rule.filePath), 'utf8').catch(() => ''));
    return source.locate(pointer) ?? {};
  };
  if (rule.pattern !== undefined && rule.tests.match.length === 0) {
    const document = (source ??= parseYamlSource(await fs.readFile(path.join(rootDir, rule.filePath), 'utf8').catch(() => ''))).value;
    const hasTests = typeof document === 'object' && document !== null && Object.hasOwn(document, 'tests');
    warnings.push(warning({ code: 'RULE_WITHOUT_TESTS', filePath: rule.filePath, pointer: hasTests ? '/tests' : '', ...(hasTests ? await at('/tests') : {}), found: `rule ${rule.name} has no match sample event`, allowed: 'tests.match: [events/<area>/<event>.json] (one event it must notify)' }));
  }
  const matchEvents: Array<{ file: string; event: Record<string, unknown> }> = [];
  for (const file of rule.tests.match) {
    const event = await eventOf(file);
    if (event) matchEvents.push({ file, event });
  }
  if (matchEvents.length === 0) return warnings;
  for (const [index, target] of rule.targets.entries()) {
    if (target.kind !== 'function' || target.select === undefined) continue;
    let fieldsPerEvent: Array<Record<string, unknown>>;
    try {
      const select = compileSelect(target.select);
      fieldsPerEvent = matchEvents.map(({ event }) => select.evaluate(event));
    } catch {
      continue; // an expression that fails on an event is the rule tests' error
    }
    const alwaysNull = new Set<string>();
    for (const [key, expression] of Object.entries(target.select)) {
      if (fieldsPerEvent.every((fields) => fields[key] === null || fields[key] === undefined)) {
        alwaysNull.add(key);
        const pointer = `/targets/${index}/select/${escapePointerSegment(key)}`;
        warnings.push(warning({
          code: 'SELECT_ALWAYS_NULL', filePath: rule.filePath, pointer, ...(await at(pointer)),
          found: `${expression} is null on every match event (${matchEvents.map(({ file }) => file).join(', ')})`,
          allowed: 'an expression that finds a value (quote keys with dashes: detail."instance-id")',
        }));
      }
    }
    const subject = target.notify?.subject;
    if (subject === undefined) continue;
    for (const [, name] of subject.matchAll(/\{([^{}]*)\}/g)) {
      if (alwaysNull.has(name) || ENVELOPE_FIELDS.has(name) || !Object.hasOwn(target.select, name)) continue;
      const empty = matchEvents.filter((_, i) => fieldsPerEvent[i][name] === null || fieldsPerEvent[i][name] === undefined).map(({ file }) => file);
      if (empty.length === 0) continue;
      const pointer = `/targets/${index}/notify/subject`;
      warnings.push(warning({
        code: 'SUBJECT_FIELD_EMPTY', filePath: rule.filePath, pointer, ...(await at(pointer)),
        found: `{${name}} renders as null for ${empty.join(', ')}`,
        allowed: 'a placeholder whose select finds a value in every match event',
      }));
    }
  }
  return warnings;
}

/** How long after `eventTime` EventBridge may stamp a CloudTrail event's `time` (3 s in a real capture of the corpus). */
const CLOUDTRAIL_RECEIVE_LAG_MS = 5 * 60_000;

function receivedSoonAfter(time: unknown, eventTime: unknown): boolean {
  const lag = Date.parse(String(time)) - Date.parse(String(eventTime));
  return lag >= 0 && lag <= CLOUDTRAIL_RECEIVE_LAG_MS;
}

function checkCloudTrailEnvelope(file: string, event: Record<string, unknown>): CatalogIssue<CatalogWarningCode>[] {
  const detail = event.detail as Record<string, unknown> | undefined;
  if (!String(event['detail-type']).endsWith('via CloudTrail') || typeof detail !== 'object' || detail === null) return [];
  const issues: CatalogIssue<CatalogWarningCode>[] = [];
  for (const [envelope, record] of Object.entries(CLOUDTRAIL_ENVELOPE)) {
    if (detail[record] === undefined || event[envelope] === detail[record]) continue;
    if (envelope === 'time' && receivedSoonAfter(event.time, detail.eventTime)) continue;
    issues.push(warning({
      code: 'CLOUDTRAIL_ENVELOPE_MISMATCH', filePath: file, pointer: `/${envelope}`,
      found: `${envelope} ${JSON.stringify(event[envelope])} but detail.${record} ${JSON.stringify(detail[record])}`,
      allowed: envelope === 'time'
        ? `detail.eventTime or up to ${CLOUDTRAIL_RECEIVE_LAG_MS / 60_000} minutes after it: EventBridge stamps time when it receives the record`
        : `the same value: EventBridge copies detail.${record} into ${envelope}`,
    }));
  }
  return issues;
}

/** Every `*.json` under `<rootDir>/events`, project-relative with posix separators, sorted; `[]` without the folder. */
export async function listSampleEvents(rootDir: string): Promise<string[]> {
  const dir = path.join(rootDir, SAMPLE_EVENTS_DIR);
  let entries: string[];
  try {
    entries = await fs.readdir(dir, { recursive: true });
  } catch {
    return [];
  }
  return entries
    .filter((entry) => entry.endsWith('.json'))
    .map((entry) => `${SAMPLE_EVENTS_DIR}/${entry.split(path.sep).join('/')}`)
    .sort();
}

async function readEvent(read: ReadText, file: string): Promise<Record<string, unknown> | undefined> {
  try {
    const value: unknown = JSON.parse(await read(file));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function warning(input: Omit<CatalogIssue<CatalogWarningCode>, 'message' | 'severity'>): CatalogIssue<CatalogWarningCode> {
  return createIssue<CatalogWarningCode>({ ...input, severity: 'warning' });
}
