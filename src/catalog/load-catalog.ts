/**
 * Load every pattern file of a project into typed rules, reporting every problem of the run at once.
 *
 * Design: files are found with one recursive `readdir`, then read, parsed and checked in parallel (one promise
 * per file; test-event files are read once per run even when several rules name them). Each file goes through
 * three stages: YAML (syntax and duplicate keys: a file that fails here stops here), the JSON Schema
 * (`schemas/pattern-file.schema.json`), then semantic checks that guard their own inputs, so a file with a typo
 * in one target still gets its event pattern and its other targets checked. Rule-name collisions need every file
 * and are checked last. Problems become {@link CatalogIssue}s with the file, the RFC 6901 pointer and the
 * line/column of the node; any issue makes the whole load throw one {@link CatalogError}.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import patternFileSchema from '../../schemas/pattern-file.schema.json';
import { REPLAY_NAME_FIELD, excludeReplays } from '../replay/names';
import { SchemaError } from '../schemas/errors';
import { loadSchemaFiles } from '../schemas/files';
import { CatalogError, CatalogIssueCode, createIssue, type CatalogIssue, type CatalogIssueInput } from './errors';
import { checkJmesPath } from './jmespath';
import { RULE_NAME_PATTERN, assignTargetIds, deriveRuleName, isDefaultBus, targetIdBase } from './names';
import { checkPattern } from './pattern-check';
import { EVENT_BUS_ARN_PATTERN } from './project-config';
import { readText, type ReadText } from './read-text';
import { compileSchema, describeValue, isObject, schemaProblems } from './schema-problems';
import {
  DEFAULT_BUS,
  RuleState,
  TargetKind,
  type Catalog,
  type EventSchemaFile,
  type InputTransformerDefinition,
  type ProjectConfig,
  type RetryPolicy,
  type RuleDefinition,
  type TargetDefinition,
} from './types';
import { parseYamlSource, toPointer, type SourcePosition, type YamlSource } from './yaml-source';

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
const TARGET_FIELDS: Record<TargetKind, readonly string[]> = {
  function: ['filter', 'select', 'notify', 'retryPolicy', 'deadLetterQueue'],
  eventBus: ['deadLetterQueue'],
  sns: ['inputTransformer', 'retryPolicy', 'deadLetterQueue'],
};

/** Options of {@link loadCatalog}. */
export interface LoadCatalogOptions {
  /** Project root: pattern-file paths and test-event paths are relative to it. */
  rootDir: string;
  /** Directory of pattern files, relative to rootDir. @default config.patternsDir ?? 'patterns' */
  patternsDir?: string;
  /** The project config, from {@link readProjectConfig}. */
  config: ProjectConfig;
  /** The parsed source of serverless.yml, so later stages can give its issues a line and column. */
  configSource?: YamlSource;
  /** Project-relative name of the config file. @default 'serverless.yml' */
  configFilePath?: string;
  /** How test events (`tests.match` / `tests.no-match`) are read, e.g. a cache shared with later passes. @default readText */
  readTestEvent?: ReadText;
}

const validatePatternFile = compileSchema(patternFileSchema);

/**
 * Find, parse and validate every `*.yml` / `*.yaml` file under the patterns directory (sub-folders allowed).
 *
 * Also checks what needs every file at once: rule-name collisions and EventBridge's "Rules per event bus" quota
 * (`maxRulesPerEventBus`: the error lists exactly which rules to move to which extra bus); and, when
 * `custom.patchbay.schemas` is set, loads the registry schema files under `schemas/` with `src/schemas`.
 *
 * @returns the rules sorted by name, with the config they were checked against and the registry schema files.
 * @throws CatalogError listing every problem of every file (codes in {@link CatalogIssueCode}): YAML syntax and
 *   duplicate keys, schema violations, invalid event patterns (AWS's own reason), pattern quotas, rule-name
 *   problems, unknown functions, topics, buses and dead-letter queues, target fields their kind does not support,
 *   invalid JMESPath and input transformers, unknown subject placeholders, missing or invalid test events, schedule
 *   and replay misuse, too many rules on a bus, unusable schema files.
 * @example
 * const config = readProjectConfig(await loadServerlessYaml(rootDir));
 * const { rules } = await loadCatalog({ rootDir, config });
 * rules[0]; // { name: 'dynamodb-delete-table', filePath: 'patterns/dynamodb/delete-table.yml', bus: 'default', ... }
 */
export async function loadCatalog(options: LoadCatalogOptions): Promise<Catalog> {
  const { rootDir, config } = options;
  const configFilePath = options.configFilePath ?? 'serverless.yml';
  const patternsDir = options.patternsDir ?? config.patternsDir ?? 'patterns';
  const absolutePatternsDir = path.resolve(rootDir, patternsDir);
  const files = await listPatternFiles(absolutePatternsDir, toPosix(path.relative(rootDir, absolutePatternsDir)));
  if (files === undefined) throw new CatalogError([createIssue(patternsDirNotFound(rootDir, absolutePatternsDir))]);

  const context: FileContext = { rootDir, config, testEvents: new Map(), readTestEvent: options.readTestEvent ?? readText };
  const [results, schemaResult] = await Promise.all([
    Promise.all(files.map((file) => loadPatternFile(context, file))),
    config.schemas !== undefined ? loadEventSchemas(rootDir) : Promise.resolve({ files: [], issues: [] }),
  ]);

  const sources = new Map(results.flatMap((result) => (result.source ? [[result.filePath, result.source] as const] : [])));
  const locate = (filePath: string, pointer: string): SourcePosition | undefined =>
    (filePath === configFilePath ? options.configSource : sources.get(filePath))?.locate(pointer);

  const issues = results.flatMap((result) => result.issues);
  issues.push(...ruleNameCollisions(results.map((result) => ({ name: result.name, filePath: result.filePath }))));
  issues.push(...schemaResult.issues);
  const rules = results.flatMap((result) => (result.rule ? [result.rule] : [])).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  issues.push(...rulesPerBusIssues(rules, config, configFilePath, locate));
  if (issues.length) throw new CatalogError(issues);

  return { rules, config, eventSchemas: schemaResult.files, locate };
}

interface PatternFileRef {
  /** Absolute path. */
  absolutePath: string;
  /** Relative to the patterns directory, posix. */
  relativeToPatterns: string;
  /** Relative to the project root, posix. */
  filePath: string;
}

interface FileContext {
  rootDir: string;
  config: ProjectConfig;
  /** Project-relative test-event path -> its check, shared by every file of the run. */
  testEvents: Map<string, Promise<Pick<CatalogIssueInput, 'code' | 'found' | 'allowed'> | undefined>>;
  readTestEvent: ReadText;
}

interface FileResult {
  name: string;
  filePath: string;
  rule?: RuleDefinition;
  source?: YamlSource;
  issues: CatalogIssue[];
}

async function listPatternFiles(absoluteDir: string, dirFromRoot: string): Promise<PatternFileRef[] | undefined> {
  let entries;
  try {
    entries = await fs.readdir(absoluteDir, { recursive: true, withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw error;
  }
  return entries
    .filter((entry) => entry.isFile() && /\.ya?ml$/i.test(entry.name))
    .map((entry) => {
      const absolutePath = path.join(entry.parentPath, entry.name);
      const relativeToPatterns = toPosix(path.relative(absoluteDir, absolutePath));
      return { absolutePath, relativeToPatterns, filePath: dirFromRoot ? `${dirFromRoot}/${relativeToPatterns}` : relativeToPatterns };
    })
    .sort((a, b) => (a.filePath < b.filePath ? -1 : a.filePath > b.filePath ? 1 : 0));
}

async function loadPatternFile(context: FileContext, file: PatternFileRef): Promise<FileResult> {
  const { filePath } = file;
  const name = deriveRuleName(file.relativeToPatterns);
  const issues: CatalogIssue[] = [];
  const result: FileResult = { name, filePath, issues };
  if (!RULE_NAME_PATTERN.test(name)) {
    issues.push(
      createIssue({
        code: CatalogIssueCode.RULE_NAME_INVALID,
        filePath,
        pointer: '',
        found: `rule name ${JSON.stringify(name)} (${name.length} characters)`,
        allowed: '1-64 characters of [.-_A-Za-z0-9]: rename the file or its folders',
      }),
    );
  }

  let text: string;
  try {
    text = await readText(file.absolutePath);
  } catch (error) {
    issues.push(createIssue({ code: CatalogIssueCode.FILE_READ_FAILED, filePath, pointer: '', found: String(error) }));
    return result;
  }

  const source = parseYamlSource(text);
  if (source.errors.length) {
    for (const problem of source.errors) {
      const duplicate = problem.code === 'DUPLICATE_KEY';
      issues.push(
        createIssue({
          code: duplicate ? CatalogIssueCode.YAML_DUPLICATE_KEY : CatalogIssueCode.YAML_SYNTAX,
          filePath,
          pointer: '',
          line: problem.position?.line,
          column: problem.position?.column,
          found: duplicate ? 'a key that appears twice in the same mapping' : problem.message,
          allowed: duplicate ? 'each key once per mapping' : 'valid YAML',
        }),
      );
    }
    return result;
  }

  result.source = source;
  const report: Report = (input, atKey = false, offset) => {
    const position = source.locate(input.pointer, { key: atKey, offset });
    issues.push(createIssue({ ...input, filePath, line: position?.line, column: position?.column }));
  };

  const document = source.value;
  if (document === null || document === undefined) {
    issues.push(createIssue({ code: CatalogIssueCode.YAML_SYNTAX, filePath, pointer: '', found: 'an empty file', allowed: 'a pattern file (description, pattern or schedule, targets, tests)' }));
    return result;
  }
  // Semantic checks run first so that, at the same pointer, their specific code replaces the schema's generic one
  // (a target naming no kind, or two: TARGET_KIND_INVALID rather than "must match exactly one schema in oneOf").
  const semantic: Parameters<Report>[] = [];
  if (isObject(document)) await checkSemantics(context, document, (...args) => void semantic.push(args));
  const semanticPointers = new Set(semantic.map(([input]) => input.pointer));
  for (const problem of schemaProblems(validatePatternFile, document)) {
    if (semanticPointers.has(problem.pointer)) continue;
    report({ code: problem.code, pointer: problem.pointer, found: problem.found, allowed: problem.allowed }, problem.atKey);
  }
  for (const args of semantic) report(...args);
  if (issues.length === 0 && isObject(document)) result.rule = toRuleDefinition(name, filePath, document, context.config);
  return result;
}

/** Record an issue at a pointer; `offset`: a character inside the scalar there (e.g. a JMESPath error position). */
type Report = (input: Omit<CatalogIssueInput, 'filePath' | 'line' | 'column'>, atKey?: boolean, offset?: number) => void;

async function checkSemantics(context: FileContext, document: Record<string, unknown>, report: Report): Promise<void> {
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

  if (typeof document.schedule === 'string') {
    if (typeof document.bus === 'string' && !isDefaultBus(document.bus)) {
      report({
        code: CatalogIssueCode.SCHEDULE_NOT_ON_DEFAULT_BUS,
        pointer: '/bus',
        found: `schedule on bus ${JSON.stringify(document.bus)}`,
        allowed: `schedules run on the default bus only: remove bus or set it to "${DEFAULT_BUS}"`,
      });
    }
    if (document.tests !== undefined) {
      report({
        code: CatalogIssueCode.SCHEDULE_WITH_TESTS,
        pointer: '/tests',
        found: 'sample-event tests on a schedule rule',
        allowed: 'tests only on pattern rules: remove tests',
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
  }

  if (Array.isArray(document.targets)) {
    document.targets.forEach((target, index) => {
      if (isObject(target)) checkTarget(config, target, bus, `/targets/${index}`, report);
    });
  }

  if (isObject(document.tests)) {
    const checks: Promise<void>[] = [];
    for (const key of ['match', 'no-match']) {
      const list = document.tests[key];
      if (!Array.isArray(list)) continue;
      list.forEach((eventPath, index) => {
        if (typeof eventPath !== 'string' || eventPath === '') return;
        checks.push(
          checkTestEvent(context, eventPath).then((problem) => {
            if (problem) report({ ...problem, pointer: toPointer(['tests', key, index]) });
          }),
        );
      });
    }
    await Promise.all(checks);
  }
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

function checkTarget(config: ProjectConfig, target: Record<string, unknown>, ruleBus: string, at: string, report: Report): void {
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
  if (isObject(target.inputTransformer)) checkInputTransformer(target.inputTransformer, `${at}/inputTransformer`, report);

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

/** Placeholders of an input template: `<name>`, names of `[A-Za-z0-9_.-]`. */
const PLACEHOLDER = /<([A-Za-z0-9_.-]+)>/g;

/** JSON paths EventBridge accepts in InputPathsMap: `$` then dot-separated names. */
const INPUT_PATH = /^\$(\.[^.\s[\]]+)*$/;

function checkInputTransformer(transformer: Record<string, unknown>, at: string, report: Report): void {
  const map = isObject(transformer.inputPathsMap) ? transformer.inputPathsMap : {};
  for (const [key, value] of Object.entries(map)) {
    if (typeof value === 'string' && value.startsWith('$') && !INPUT_PATH.test(value)) {
      report({
        code: CatalogIssueCode.INPUT_TRANSFORMER_INVALID,
        pointer: `${at}/inputPathsMap${toPointer([key])}`,
        found: `path ${JSON.stringify(value)}`,
        allowed: 'a JSON path in dot notation, e.g. $.detail.requestParameters.bucketName (no brackets)',
      });
    }
    if ((RESERVED_INPUT_VARIABLES as readonly string[]).includes(key) || /^aws\./i.test(key)) {
      report({ code: CatalogIssueCode.INPUT_TRANSFORMER_INVALID, pointer: `${at}/inputPathsMap${toPointer([key])}`, found: `key ${JSON.stringify(key)}`, allowed: 'a name not starting with "aws." (reserved for EventBridge variables)' }, true);
    }
  }
  if (typeof transformer.inputTemplate !== 'string') return;
  const known = new Set<string>([...Object.keys(map), ...RESERVED_INPUT_VARIABLES]);
  const unknown = [...new Set([...transformer.inputTemplate.matchAll(PLACEHOLDER)].map((match) => match[1]).filter((name) => !known.has(name)))];
  if (unknown.length) {
    const keys = Object.keys(map);
    report({
      code: CatalogIssueCode.INPUT_TRANSFORMER_INVALID,
      pointer: `${at}/inputTemplate`,
      found: `${unknown.length === 1 ? 'placeholder' : 'placeholders'} ${unknown.map((name) => `<${name}>`).join(', ')}`,
      allowed: `${keys.length ? `a key of inputPathsMap (${keys.join(', ')}) or ` : ''}one of ${RESERVED_INPUT_VARIABLES.join(', ')}`,
    });
  }
}

function checkTestEvent(context: FileContext, eventPath: string): Promise<Pick<CatalogIssueInput, 'code' | 'found' | 'allowed'> | undefined> {
  let check = context.testEvents.get(eventPath);
  if (!check) {
    check = readTestEvent(context.readTestEvent, path.resolve(context.rootDir, eventPath), eventPath);
    context.testEvents.set(eventPath, check);
  }
  return check;
}

async function readTestEvent(read: ReadText, absolutePath: string, eventPath: string): Promise<Pick<CatalogIssueInput, 'code' | 'found' | 'allowed'> | undefined> {
  let text: string;
  try {
    text = await read(absolutePath);
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
  } catch (error) {
    return { code: CatalogIssueCode.TEST_EVENT_INVALID, found: `${eventPath} is not JSON: ${(error as Error).message}`, allowed: 'a JSON object (an EventBridge event)' };
  }
  if (!isObject(event)) {
    return { code: CatalogIssueCode.TEST_EVENT_INVALID, found: `${eventPath} holds ${describeValue(event)}`, allowed: 'a JSON object (an EventBridge event)' };
  }
  return undefined;
}

function ruleNameCollisions(files: { name: string; filePath: string }[]): CatalogIssue[] {
  const byName = new Map<string, string[]>();
  for (const { name, filePath } of files) byName.set(name, [...(byName.get(name) ?? []), filePath]);
  const issues: CatalogIssue[] = [];
  for (const [name, filePaths] of byName) {
    if (filePaths.length < 2) continue;
    for (const filePath of filePaths) {
      const others = filePaths.filter((other) => other !== filePath);
      issues.push(
        createIssue({
          code: CatalogIssueCode.RULE_NAME_COLLISION,
          filePath,
          pointer: '',
          found: `rule name ${JSON.stringify(name)} is also the name of ${others.join(', ')}`,
          allowed: 'one file per rule name: rename or move one of the files',
        }),
      );
    }
  }
  return issues;
}

function toRuleDefinition(name: string, filePath: string, document: Record<string, unknown>, config: ProjectConfig): RuleDefinition {
  const rawTargets = document.targets as Record<string, unknown>[];
  const ids = assignTargetIds(rawTargets.map((target) => targetIdBase(target as { function?: string; sns?: string; eventBus?: string })));
  const targets: TargetDefinition[] = rawTargets.map((target, index) => toTargetDefinition(target, ids[index], config));
  const tests = isObject(document.tests) ? document.tests : {};
  const rule: RuleDefinition = {
    name,
    filePath,
    bus: typeof document.bus === 'string' ? document.bus : DEFAULT_BUS,
    state: (document.state as RuleState | undefined) ?? RuleState.ENABLED,
    targets,
    tests: { match: [...((tests.match as string[] | undefined) ?? [])], noMatch: [...((tests['no-match'] as string[] | undefined) ?? [])] },
  };
  if (typeof document.description === 'string') rule.description = document.description;
  if (isObject(document.pattern)) rule.pattern = document.excludeReplays === true ? excludeReplays(document.pattern) : document.pattern;
  if (document.excludeReplays === true && isObject(document.pattern)) rule.excludeReplays = true;
  if (typeof document.schedule === 'string') rule.schedule = document.schedule;
  return rule;
}

function toTargetDefinition(target: Record<string, unknown>, id: string, config: ProjectConfig): TargetDefinition {
  const deadLetterQueue = typeof target.deadLetterQueue === 'string' ? { deadLetterQueue: target.deadLetterQueue } : {};
  const retryPolicy: RetryPolicy = { ...config.retryPolicy, ...(isObject(target.retryPolicy) ? (target.retryPolicy as Partial<RetryPolicy>) : {}) };
  if (typeof target.eventBus === 'string') return { kind: 'eventBus', id, eventBus: target.eventBus, ...deadLetterQueue };
  if (typeof target.sns === 'string') {
    const transformer = isObject(target.inputTransformer) ? (target.inputTransformer as unknown as InputTransformerDefinition) : undefined;
    return {
      kind: 'sns',
      id,
      sns: target.sns,
      ...(transformer
        ? { inputTransformer: { ...(transformer.inputPathsMap ? { inputPathsMap: { ...transformer.inputPathsMap } } : {}), inputTemplate: transformer.inputTemplate } }
        : {}),
      retryPolicy,
      ...deadLetterQueue,
    };
  }
  const definition: TargetDefinition = { kind: 'function', id, function: target.function as string, retryPolicy, ...deadLetterQueue };
  if (typeof target.filter === 'string') definition.filter = target.filter;
  if (isObject(target.select)) definition.select = { ...(target.select as Record<string, string>) };
  if (isObject(target.notify)) {
    const notify = target.notify as { topic: string; subject?: string };
    definition.notify = { topic: notify.topic, ...(notify.subject !== undefined ? { subject: notify.subject } : {}) };
  }
  return definition;
}

/**
 * EventBridge's "Rules per event bus" quota: one issue per bus with more rules than `maxRulesPerEventBus`, with the
 * plan: the first rules by name stay, the rest go, in name order, to extra buses `<bus>-2`, `<bus>-3`, ... of the
 * same size.
 */
function rulesPerBusIssues(
  rules: readonly RuleDefinition[],
  config: ProjectConfig,
  filePath: string,
  locate: (filePath: string, pointer: string) => SourcePosition | undefined,
): CatalogIssue[] {
  const byBus = new Map<string, RuleDefinition[]>();
  for (const rule of rules) byBus.set(rule.bus, [...(byBus.get(rule.bus) ?? []), rule]);
  const limit = config.maxRulesPerEventBus;
  const issues: CatalogIssue[] = [];
  for (const [bus, busRules] of [...byBus].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (busRules.length <= limit) continue;
    const chunks: RuleDefinition[][] = [];
    for (let start = limit; start < busRules.length; start += limit) chunks.push(busRules.slice(start, start + limit));
    const plan = chunks
      .map((chunk, index) => `bus "${bus}-${index + 2}" (${chunk.length === 1 ? '1 rule' : `${chunk.length} rules`}): ${chunk.map((rule) => rule.filePath).join(', ')}`)
      .join('; ');
    const pointer = `/custom/patchbay/buses${toPointer([bus])}`;
    const position = locate(filePath, pointer);
    issues.push(
      createIssue({
        code: CatalogIssueCode.TOO_MANY_RULES_ON_BUS,
        filePath,
        pointer,
        line: position?.line,
        column: position?.column,
        found: `${busRules.length} rules on bus "${bus}"`,
        allowed:
          `at most ${limit} per event bus (EventBridge quota "Rules per event bus", custom.patchbay.maxRulesPerEventBus; rules other stacks put on the bus count too). ` +
          `Either raise the quota and maxRulesPerEventBus, or keep the first ${limit} rules by name on "${bus}" (up to ${busRules[limit - 1].filePath}) and move the others to new custom buses ` +
          `(declare each under custom.patchbay.buses, set bus: in the files, forward their events with an eventBus target): ${plan}`,
      }),
    );
  }
  return issues;
}

/** The registry schema files (`src/schemas`), their problems as catalog issues. */
async function loadEventSchemas(rootDir: string): Promise<{ files: EventSchemaFile[]; issues: CatalogIssue[] }> {
  try {
    const files = await loadSchemaFiles(rootDir);
    return { files: files.map(({ name, type, content, filePath }) => ({ name, type, content, filePath })), issues: [] };
  } catch (error) {
    if (!(error instanceof SchemaError)) throw error;
    const schemaIssues = error.issues.length ? error.issues : [{ code: error.code, filePath: error.filePath ?? 'schemas', pointer: '', message: error.message }];
    return {
      files: [],
      issues: schemaIssues.map((issue) =>
        createIssue({
          code: issue.code === 'SCHEMA_TOO_LARGE' ? CatalogIssueCode.EVENT_SCHEMA_TOO_LARGE : CatalogIssueCode.EVENT_SCHEMA_INVALID,
          filePath: issue.filePath,
          pointer: issue.pointer,
          found: `${issue.message.replace(`${issue.filePath}#${issue.pointer}: `, '')} [${issue.code}]`,
          allowed: 'an OpenAPI 3 or JSON Schema draft-04 event schema of at most 100,000 characters (files named *.schema.json are not registry schemas)',
        }),
      ),
    };
  }
}

function patternsDirNotFound(rootDir: string, absolutePatternsDir: string): CatalogIssueInput {
  const relative = toPosix(path.relative(rootDir, absolutePatternsDir)) || '.';
  return {
    code: CatalogIssueCode.PATTERNS_DIR_NOT_FOUND,
    filePath: relative,
    pointer: '',
    found: `no directory ${relative}`,
    allowed: 'a directory of pattern files (custom.patchbay.patternsDir, default "patterns")',
  };
}

function toPosix(value: string): string {
  return value.split(path.sep).join('/');
}
