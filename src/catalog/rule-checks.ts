/**
 * The semantic checks of one pattern file: what the JSON Schema cannot say (buses, functions, topics, targets and
 * their fields, JMESPath, input transformers, subject placeholders, test-event files). Each check guards its own
 * inputs, so a file with a typo in one target still gets its event pattern and its other targets checked; every
 * problem is reported through a {@link Report} with its RFC 6901 pointer.
 */
import path from 'node:path';
import { REPLAY_NAME_FIELD, excludeReplays } from '../replay/names';
import { CatalogIssueCode, type CatalogIssueInput } from './errors';
import { checkJmesPath } from './jmespath';
import { assignTargetIds, isDefaultBus, targetIdBase } from './names';
import { checkPattern } from './pattern-check';
import { EVENT_BUS_ARN_PATTERN } from './config-schema';
import type { ReadText } from './read-text';
import { describeJsonSyntaxError, testEventPathProblem } from './test-event-path';
import { describeValue, isObject } from './schema-problems';
import { DEFAULT_BUS, TargetKind, type ProjectConfig } from './types';
import { toPointer } from './yaml-source';
import { parseJsonPath, validateTargetInput } from '../transform';
import { parseSchedule, ScheduleError } from '../schedule';
import { eventsOfDocument, readSampleText } from '../cloudtrail';

/** Fields every notification subject may name besides the target's select keys. */
export const BUILT_IN_SUBJECT_FIELDS = ['rule', 'source', 'detail-type', 'account', 'region', 'time', 'id'] as const;

/** Variables EventBridge fills in any input template. @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html */
export const RESERVED_INPUT_VARIABLES = [
  'aws.events.rule-arn',
  'aws.events.rule-name',
  'aws.events.event.ingestion-time',
  'aws.events.event',
  'aws.events.event.json',
] as const;

/** The fields each target kind may have besides its kind key. */
export const TARGET_FIELDS: Record<TargetKind, readonly string[]> = {
  function: ['filter', 'select', 'notify', 'retryPolicy', 'deadLetterQueue'],
  eventBus: ['deadLetterQueue'],
  sns: ['inputTransformer', 'retryPolicy', 'deadLetterQueue'],
};

/** What the checks of one run share. */
export interface FileContext {
  rootDir: string;
  config: ProjectConfig;
  /** Project-relative test-event path -> its check, shared by every file of the run. */
  testEvents: Map<string, Promise<Pick<CatalogIssueInput, 'code' | 'found' | 'allowed'> | undefined>>;
  readTestEvent: ReadText;
}

/** Record an issue at a pointer; `offset`: a character inside the scalar there (e.g. a JMESPath error position). */
export type Report = (input: Omit<CatalogIssueInput, 'filePath' | 'line' | 'column'>, atKey?: boolean, offset?: number) => void;

/**
 * Check what the schema cannot: the bus, the pattern (EventBridge's validation and quotas), schedule misuse, every
 * target, and that every test event exists and is a JSON object.
 */
export async function checkSemantics(context: FileContext, document: Record<string, unknown>, report: Report): Promise<void> {
  const { config } = context;
  const busKeys = Object.keys(config.buses);
  const bus = typeof document.bus === 'string' ? document.bus : DEFAULT_BUS;

  if (typeof document.bus === 'string' && !Object.hasOwn(config.buses, document.bus)) {
    report({
      code: CatalogIssueCode.UNKNOWN_BUS,
      pointer: '/bus',
      found: `bus ${JSON.stringify(document.bus)}`,
      allowed: `a key of custom.patchbay.buses (${busKeys.join(', ')}); a bus created elsewhere needs buses.${document.bus}: { existing: <name or ARN> }`,
    });
  }

  if (isObject(document.pattern)) {
    checkRulePattern(document.pattern, document.excludeReplays === true, config, report);
  }

  if (isObject(document.severity) && typeof document.severity.expression === 'string' && document.severity.expression !== '') {
    const problem = checkJmesPath(document.severity.expression);
    if (problem) {
      report(
        { code: CatalogIssueCode.INVALID_JMESPATH, pointer: '/severity/expression', found: problem.reason, allowed: 'a JMESPath expression (https://jmespath.org/specification.html)' },
        false,
        problem.position,
      );
    }
  }

  if (typeof document.schedule === 'string') {
    if (typeof document.bus === 'string' && !isDefaultBus(document.bus)) {
      report({
        code: CatalogIssueCode.SCHEDULE_NOT_ON_DEFAULT_BUS,
        pointer: '/bus',
        found: `schedule on bus ${JSON.stringify(document.bus)}`,
        allowed: `schedules run on the default bus only: remove bus or set it to "${DEFAULT_BUS}"`,
      });
    }
    try {
      parseSchedule(document.schedule);
    } catch (error) {
      if (!(error instanceof ScheduleError)) throw error;
      report({
        code: CatalogIssueCode.SCHEDULE_INVALID,
        pointer: '/schedule',
        found: error.message,
        allowed: 'rate(value unit) with a positive whole value and minute/minutes, hour/hours, day/days (singular for 1), or cron(minutes hours day-of-month month day-of-week year) with ? in exactly one of the day fields',
      });
    }
    const tests = isObject(document.tests) ? document.tests : undefined;
    const eventTests = tests ? ['match', 'no-match'].filter((key) => tests[key] !== undefined) : [];
    if (eventTests.length) {
      report({
        code: CatalogIssueCode.SCHEDULE_WITH_TESTS,
        pointer: `/tests/${eventTests[0]}`,
        found: 'sample-event tests on a schedule rule',
        allowed: 'tests: { fires: [...] } (its next firings) on a schedule rule; match and no-match on pattern rules',
      }, true);
    }
    if (document.excludeReplays === true) {
      report({
        code: CatalogIssueCode.EXCLUDE_REPLAYS_INVALID,
        pointer: '/excludeReplays',
        found: 'excludeReplays on a schedule rule',
        allowed: 'pattern rules only (replays never trigger schedules): remove excludeReplays',
      }, true);
    }
  } else if (isObject(document.tests) && (document.tests.fires !== undefined || document.tests.after !== undefined)) {
    report({
      code: CatalogIssueCode.FIRES_WITHOUT_SCHEDULE,
      pointer: document.tests.fires !== undefined ? '/tests/fires' : '/tests/after',
      found: 'schedule tests (fires/after) on a pattern rule',
      allowed: 'fires and after on schedule rules only; match and no-match on pattern rules',
    }, true);
  }

  if (Array.isArray(document.targets)) {
    const targets = document.targets;
    const ids = assignTargetIds(targets.map((target) => targetIdBase(isObject(target) ? (target as { function?: string; sns?: string; eventBus?: string }) : {})));
    targets.forEach((target, index) => {
      if (isObject(target)) checkTarget(config, target, bus, `/targets/${index}`, report, ids[index]);
    });
  }

  if (isObject(document.tests)) {
    const checks: Promise<void>[] = [];
    for (const key of ['match', 'no-match']) {
      const list = document.tests[key];
      if (!Array.isArray(list)) continue;
      list.forEach((entry, index) => {
        // A match case is a path, or { event: path, subject?, fields?, ... } (what the notification must say).
        const eventPath = isObject(entry) ? entry.event : entry;
        if (typeof eventPath !== 'string' || eventPath === '') return;
        const pointer = toPointer(isObject(entry) ? ['tests', key, index, 'event'] : ['tests', key, index]);
        checks.push(
          checkTestEvent(context, eventPath).then((problem) => {
            if (problem) report({ ...problem, pointer });
          }),
        );
        if (isObject(entry) && typeof entry.target === 'string' && Array.isArray(document.targets)) {
          checkExpectationTarget(document.targets, entry.target, toPointer(['tests', key, index, 'target']), report);
        }
      });
    }
    await Promise.all(checks);
  }
}

/** The `target` of a match case must be the id of one of the rule's function targets. */
function checkExpectationTarget(targets: unknown[], id: string, pointer: string, report: Report): void {
  const ids = assignTargetIds(targets.map((target) => targetIdBase(isObject(target) ? (target as { function?: string; sns?: string; eventBus?: string }) : {})));
  const functionIds = ids.filter((_, index) => isObject(targets[index]) && typeof (targets[index] as Record<string, unknown>).function === 'string');
  if (functionIds.includes(id)) return;
  report({
    code: CatalogIssueCode.SCHEMA_INVALID,
    pointer,
    found: `target ${JSON.stringify(id)}`,
    allowed: functionIds.length ? `the id of a function target of this rule: ${functionIds.join(', ')}` : 'the id of a function target (this rule has none: only function targets render notifications)',
  });
}

/** The pattern as EventBridge gets it (replay exclusion added), checked against EventBridge and the pattern quotas. */
function checkRulePattern(pattern: Record<string, unknown>, exclude: boolean, config: ProjectConfig, report: Report): void {
  let effective = pattern;
  if (exclude) {
    try {
      effective = excludeReplays(pattern);
    } catch (error) {
      const field = (error as { field?: string }).field ?? `/${REPLAY_NAME_FIELD}`;
      report({
        code: CatalogIssueCode.EXCLUDE_REPLAYS_INVALID,
        pointer: `/pattern${field}`,
        found: `the pattern has its own "${REPLAY_NAME_FIELD}" condition, which excludeReplays would contradict`,
        allowed: `remove either excludeReplays or the "${REPLAY_NAME_FIELD}" condition`,
      });
      return;
    }
  }
  const problem = checkPattern(effective, config.maxEventPatternLengthInChars);
  if (!problem) return;
  const withExclusion = exclude && problem.code === CatalogIssueCode.EVENT_PATTERN_TOO_LARGE ? ' (with its replay exclusion)' : '';
  report({ code: problem.code, pointer: `/pattern${problem.pointer}`, found: `${problem.found}${withExclusion}`, allowed: problem.allowed });
}

function checkTarget(config: ProjectConfig, target: Record<string, unknown>, ruleBus: string, at: string, report: Report, targetId: string): void {
  const kinds = Object.values(TargetKind).filter((kind) => target[kind] !== undefined);
  if (kinds.length !== 1) {
    report({
      code: CatalogIssueCode.TARGET_KIND_INVALID,
      pointer: at,
      found: kinds.length ? `both ${kinds.join(' and ')}` : 'a target naming neither function, eventBus nor sns',
      allowed: 'exactly one of function (a function of serverless.yml), eventBus (a bus key or event bus ARN) or sns (a topic key)',
    });
  }
  const kind = kinds.length === 1 ? kinds[0] : undefined;
  if (kind !== undefined) {
    for (const field of Object.keys(target)) {
      if (field === kind || TARGET_FIELDS[kind].includes(field) || !ALL_TARGET_FIELDS.has(field)) continue;
      report({ code: CatalogIssueCode.TARGET_FIELD_NOT_ALLOWED, pointer: `${at}/${field}`, found: `${field} on ${article(kind)} target`, allowed: targetFieldHelp(kind, field) }, true);
    }
  }

  if (typeof target.function === 'string' && !config.functions.includes(target.function)) {
    report({
      code: CatalogIssueCode.UNKNOWN_FUNCTION,
      pointer: `${at}/function`,
      found: `function ${JSON.stringify(target.function)}`,
      allowed: config.functions.length ? `a function of serverless.yml: ${config.functions.join(', ')}` : 'a function of serverless.yml (it defines none)',
    });
  }
  if (typeof target.sns === 'string') checkTopicKey(config, target.sns, `${at}/sns`, report);
  if (typeof target.eventBus === 'string') checkEventBusTarget(config, target.eventBus, ruleBus, `${at}/eventBus`, report);
  if (typeof target.deadLetterQueue === 'string' && config.queues !== undefined && !config.queues.includes(target.deadLetterQueue)) {
    report({
      code: CatalogIssueCode.UNKNOWN_DEAD_LETTER_QUEUE,
      pointer: `${at}/deadLetterQueue`,
      found: `queue ${JSON.stringify(target.deadLetterQueue)}`,
      allowed: config.queues.length
        ? `the logical ID of an AWS::SQS::Queue under resources.Resources: ${config.queues.join(', ')}`
        : 'the logical ID of an AWS::SQS::Queue under resources.Resources (it declares none)',
    });
  }
  if (isObject(target.inputTransformer)) checkInputTransformer(target.inputTransformer, `${at}/inputTransformer`, report, targetId);

  const expressions: [string, unknown][] = [[`${at}/filter`, target.filter]];
  if (isObject(target.select)) {
    for (const [key, expression] of Object.entries(target.select)) expressions.push([`${at}/select${toPointer([key])}`, expression]);
  }
  for (const [pointer, expression] of expressions) {
    if (typeof expression !== 'string' || expression === '') continue;
    const problem = checkJmesPath(expression);
    if (problem) {
      report(
        { code: CatalogIssueCode.INVALID_JMESPATH, pointer, found: problem.reason, allowed: 'a JMESPath expression (https://jmespath.org/specification.html)' },
        false,
        problem.position,
      );
    }
  }

  if (!isObject(target.notify)) return;
  const { topic, subject } = target.notify;
  if (typeof topic === 'string') checkTopicKey(config, topic, `${at}/notify/topic`, report);
  if (typeof subject === 'string') {
    const selectKeys = isObject(target.select) ? Object.keys(target.select) : [];
    const known = new Set<string>([...selectKeys, ...BUILT_IN_SUBJECT_FIELDS]);
    const unknown = [...subject.matchAll(/\{([^{}]*)\}/g)].map((match) => match[1]).filter((field) => !known.has(field));
    if (unknown.length) {
      report({
        code: CatalogIssueCode.UNKNOWN_SUBJECT_FIELD,
        pointer: `${at}/notify/subject`,
        found: `${unknown.length === 1 ? 'placeholder' : 'placeholders'} ${[...new Set(unknown)].map((field) => `{${field}}`).join(', ')}`,
        allowed: `${selectKeys.length ? `a select key (${selectKeys.join(', ')}) or ` : ''}one of ${BUILT_IN_SUBJECT_FIELDS.join(', ')}`,
      });
    }
  }
}

const ALL_TARGET_FIELDS = new Set(Object.values(TARGET_FIELDS).flat());

function targetFieldHelp(kind: TargetKind, field: string): string {
  if (kind === TargetKind.EVENT_BUS && field === 'inputTransformer') {
    return 'no inputTransformer on an eventBus target: EventBridge refuses input transformers on cross-account event bus targets, so patchbay forwards events unchanged';
  }
  if (kind === TargetKind.EVENT_BUS && field === 'retryPolicy') {
    return 'no retryPolicy on an eventBus target: EventBridge has no retry policy for event bus targets (the dead-letter queue still applies)';
  }
  if (kind === TargetKind.FUNCTION && field === 'inputTransformer') {
    return "no inputTransformer on a function target: patchbay's own input transformer wraps the event for the runtime; use select and notify.subject";
  }
  return `${kind} targets allow ${TARGET_FIELDS[kind].join(', ')}; ${field} is for ${Object.entries(TARGET_FIELDS)
    .filter(([, fields]) => fields.includes(field))
    .map(([other]) => `${other} targets`)
    .join(' and ')}`;
}

function article(kind: string): string {
  return /^([aeiou]|sns)/.test(kind) ? `an ${kind}` : `a ${kind}`;
}

function checkTopicKey(config: ProjectConfig, topic: string, pointer: string, report: Report): void {
  if (Object.hasOwn(config.topics, topic)) return;
  const topics = Object.keys(config.topics);
  report({
    code: CatalogIssueCode.UNKNOWN_TOPIC,
    pointer,
    found: `topic ${JSON.stringify(topic)}`,
    allowed: topics.length ? `a topic of custom.patchbay.topics: ${topics.join(', ')}` : 'a topic of custom.patchbay.topics (it defines none)',
  });
}

function checkEventBusTarget(config: ProjectConfig, eventBus: string, ruleBus: string, pointer: string, report: Report): void {
  if (eventBus.startsWith('arn:')) {
    if (!EVENT_BUS_ARN_PATTERN.test(eventBus)) {
      report({ code: CatalogIssueCode.EVENT_BUS_TARGET_INVALID, pointer, found: describeValue(eventBus), allowed: 'an event bus ARN: arn:<partition>:events:<region>:<account>:event-bus/<name>' });
    }
    return;
  }
  const bus = config.buses[eventBus];
  if (bus === undefined) {
    report({
      code: CatalogIssueCode.UNKNOWN_BUS,
      pointer,
      found: `bus ${JSON.stringify(eventBus)}`,
      allowed: `a key of custom.patchbay.buses (${Object.keys(config.buses).join(', ')}) or an event bus ARN`,
    });
  } else if (eventBus === ruleBus) {
    report({ code: CatalogIssueCode.EVENT_BUS_TARGET_INVALID, pointer, found: `the rule's own bus ${JSON.stringify(eventBus)}`, allowed: 'another bus: forwarding a bus to itself loops' });
  } else if (bus.kind === 'partner') {
    report({ code: CatalogIssueCode.EVENT_BUS_TARGET_INVALID, pointer, found: `partner bus ${JSON.stringify(eventBus)}`, allowed: 'a custom or default bus: only its partner puts events on a partner bus' });
  }
}

/**
 * An `sns` target's input transformer, checked by the transformer engine exactly as PutTargets checks it (AWS's
 * message is the issue's `found`), each problem at its own pointer: a path at its key, everything about the
 * template (unknown placeholder, `<aws.events.event.json>` in a string template, a JSON template that is not JSON)
 * at `inputTemplate`.
 */
function checkInputTransformer(transformer: Record<string, unknown>, at: string, report: Report, targetId: string): void {
  const map = isObject(transformer.inputPathsMap) ? transformer.inputPathsMap : {};
  const paths: Record<string, string> = {};
  let pathsValid = true;
  for (const [key, value] of Object.entries(map)) {
    const pointer = `${at}/inputPathsMap${toPointer([key])}`;
    if ((RESERVED_INPUT_VARIABLES as readonly string[]).includes(key) || /^aws\./i.test(key)) {
      report({ code: CatalogIssueCode.INPUT_TRANSFORMER_INVALID, pointer, found: `key ${JSON.stringify(key)}`, allowed: 'a name not starting with "aws." (reserved for EventBridge variables)' }, true);
      pathsValid = false;
      continue;
    }
    if (typeof value !== 'string' || !value.startsWith('$')) {
      // Not a JSON path at all: the schema reports it.
      pathsValid = false;
      continue;
    }
    const problem = validateTargetInput({ InputTransformer: { InputPathsMap: { [key]: value }, InputTemplate: '""' } }, targetId);
    if (problem || !parseJsonPath(value)) {
      pathsValid = false;
      report({
        code: CatalogIssueCode.INPUT_TRANSFORMER_INVALID,
        pointer,
        found: `path ${JSON.stringify(value)}, which PutTargets refuses: "${problem ?? `InputPath for target ${targetId} is invalid.`}"`,
        allowed: 'a JSON path from $ in dot notation, with [N] or [*] array indices and * wildcards, e.g. $.detail.requestParameters.bucketName (no quoted brackets, no ..)',
      }, problem?.startsWith('1 validation error') ?? false);
      continue;
    }
    paths[key] = value;
  }
  if (typeof transformer.inputTemplate !== 'string' || !pathsValid) return;
  const problem = validateTargetInput({ InputTransformer: { InputPathsMap: paths, InputTemplate: transformer.inputTemplate } }, targetId);
  // Limits of the request model (100 paths, 8,192 characters) are the schema's to report.
  if (!problem || problem.startsWith('1 validation error')) return;
  const keys = Object.keys(map);
  const unknownPlaceholder = / contains invalid placeholder /.test(problem);
  report({
    code: CatalogIssueCode.INPUT_TRANSFORMER_INVALID,
    pointer: `${at}/inputTemplate`,
    found: `a template PutTargets refuses: "${problem}"`,
    allowed: unknownPlaceholder
      ? `placeholders that are ${keys.length ? `a key of inputPathsMap (${keys.join(', ')}) or ` : ''}one of ${RESERVED_INPUT_VARIABLES.join(', ')}`
      : / valid only for JSON template/.test(problem)
        ? 'aws.events.event.json only as a value in a JSON template (one starting with {), e.g. {"event": <aws.events.event.json>}'
        : 'a string template (text, e.g. "Table <table> deleted"), or a JSON template (starting with {) that is JSON once each placeholder stands for a value (<name> bare, or inside a string)',
  });
}

function checkTestEvent(context: FileContext, eventPath: string): Promise<Pick<CatalogIssueInput, 'code' | 'found' | 'allowed'> | undefined> {
  let check = context.testEvents.get(eventPath);
  if (!check) {
    check = testEventPathProblem(context.rootDir, eventPath).then((outside) => outside ?? readTestEvent(context.readTestEvent, path.resolve(context.rootDir, eventPath), eventPath));
    context.testEvents.set(eventPath, check);
  }
  return check;
}

async function readTestEvent(read: ReadText, absolutePath: string, eventPath: string): Promise<Pick<CatalogIssueInput, 'code' | 'found' | 'allowed'> | undefined> {
  let text: string;
  try {
    text = await readSampleText(absolutePath, read);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') {
      return { code: CatalogIssueCode.TEST_EVENT_NOT_FOUND, found: `no file ${eventPath}`, allowed: 'the project-relative path of a JSON event file' };
    }
    return { code: CatalogIssueCode.TEST_EVENT_NOT_FOUND, found: `${eventPath} cannot be read: ${(error as Error).message}`, allowed: 'a readable JSON event file' };
  }
  let event: unknown;
  try {
    event = JSON.parse(text);
  } catch {
    return { code: CatalogIssueCode.TEST_EVENT_INVALID, found: `${eventPath} is ${describeJsonSyntaxError(text)}`, allowed: 'a JSON object (an EventBridge event)' };
  }
  if (!isObject(event)) {
    return { code: CatalogIssueCode.TEST_EVENT_INVALID, found: `${eventPath} holds ${describeValue(event)}`, allowed: 'a JSON object (an EventBridge event)' };
  }
  const unconvertible = eventsOfDocument(event, eventPath).find((item) => 'error' in item);
  if (unconvertible && 'error' in unconvertible) {
    return { code: CatalogIssueCode.TEST_EVENT_INVALID, found: `${unconvertible.label}: ${unconvertible.error}`, allowed: 'an EventBridge event, a CloudTrail record, or a CloudTrail log file ({"Records": [...]}, plain or gzipped) whose records all have eventSource, eventTime, awsRegion and an account' };
  }
  return undefined;
}

