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
import { checkEventPattern } from '../pattern';
import patternFileSchema from '../../schemas/pattern-file.schema.json';
import { CatalogError, CatalogIssueCode, createIssue, type CatalogIssue, type CatalogIssueInput } from './errors';
import { checkJmesPath } from './jmespath';
import { RULE_NAME_PATTERN, assignTargetIds, deriveRuleName, isDefaultBus } from './names';
import { readText } from './read-text';
import { compileSchema, describeValue, schemaProblems } from './schema-problems';
import { DEFAULT_BUS, RuleState, type Catalog, type ProjectConfig, type RuleDefinition, type TargetDefinition } from './types';
import { parseYamlSource, toPointer } from './yaml-source';

/** Fields every notification subject may name besides the target's select keys. */
export const BUILT_IN_SUBJECT_FIELDS = ['rule', 'source', 'detail-type', 'account', 'region', 'time', 'id'] as const;

/** Options of {@link loadCatalog}. */
export interface LoadCatalogOptions {
  /** Project root: pattern-file paths and test-event paths are relative to it. */
  rootDir: string;
  /** Directory of pattern files, relative to rootDir. @default config.patternsDir ?? 'patterns' */
  patternsDir?: string;
  /** The project config, from {@link readProjectConfig}. */
  config: ProjectConfig;
}

const validatePatternFile = compileSchema(patternFileSchema);

/**
 * Find, parse and validate every `*.yml` / `*.yaml` file under the patterns directory (sub-folders allowed).
 *
 * @returns the rules sorted by name, with the config they were checked against.
 * @throws CatalogError listing every problem of every file (codes in {@link CatalogIssueCode}): YAML syntax and
 *   duplicate keys, schema violations, invalid event patterns (AWS's own reason), rule-name problems, unknown
 *   functions and topics, invalid JMESPath, unknown subject placeholders, missing or invalid test events,
 *   schedule misuse.
 * @example
 * const config = readProjectConfig(await loadServerlessYaml(rootDir));
 * const { rules } = await loadCatalog({ rootDir, config });
 * rules[0]; // { name: 'dynamodb-delete-table', filePath: 'patterns/dynamodb/delete-table.yml', bus: 'default', ... }
 */
export async function loadCatalog(options: LoadCatalogOptions): Promise<Catalog> {
  const { rootDir, config } = options;
  const patternsDir = options.patternsDir ?? config.patternsDir ?? 'patterns';
  const absolutePatternsDir = path.resolve(rootDir, patternsDir);
  const files = await listPatternFiles(absolutePatternsDir, toPosix(path.relative(rootDir, absolutePatternsDir)));
  if (files === undefined) throw new CatalogError([createIssue(patternsDirNotFound(rootDir, absolutePatternsDir))]);

  const context: FileContext = { rootDir, config, testEvents: new Map() };
  const results = await Promise.all(files.map((file) => loadPatternFile(context, file)));

  const issues = results.flatMap((result) => result.issues);
  issues.push(...ruleNameCollisions(results.map((result) => ({ name: result.name, filePath: result.filePath }))));
  if (issues.length) throw new CatalogError(issues);

  const rules = results.map((result) => result.rule as RuleDefinition).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { rules, config };
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
}

interface FileResult {
  name: string;
  filePath: string;
  rule?: RuleDefinition;
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

  const report: Report = (input, atKey = false, offset) => {
    const position = source.locate(input.pointer, { key: atKey, offset });
    issues.push(createIssue({ ...input, filePath, line: position?.line, column: position?.column }));
  };

  const document = source.value;
  if (document === null || document === undefined) {
    issues.push(createIssue({ code: CatalogIssueCode.YAML_SYNTAX, filePath, pointer: '', found: 'an empty file', allowed: 'a pattern file (description, pattern or schedule, targets, tests)' }));
    return result;
  }
  for (const problem of schemaProblems(validatePatternFile, document)) {
    report({ code: problem.code, pointer: problem.pointer, found: problem.found, allowed: problem.allowed }, problem.atKey);
  }
  if (!isObject(document)) return result;

  await checkSemantics(context, document, report);
  if (issues.length === 0) result.rule = toRuleDefinition(name, filePath, document);
  return result;
}

/** Record an issue at a pointer; `offset`: a character inside the scalar there (e.g. a JMESPath error position). */
type Report = (input: Omit<CatalogIssueInput, 'filePath' | 'line' | 'column'>, atKey?: boolean, offset?: number) => void;

async function checkSemantics(context: FileContext, document: Record<string, unknown>, report: Report): Promise<void> {
  const { config } = context;

  if (isObject(document.pattern)) {
    const problem = checkEventPattern(document.pattern, { maxLengthInChars: config.maxEventPatternLengthInChars });
    if (problem) {
      report({ code: CatalogIssueCode.INVALID_EVENT_PATTERN, pointer: `/pattern${problem.pointer}`, found: problem.message });
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
    if (document.tests !== undefined) {
      report({
        code: CatalogIssueCode.SCHEDULE_WITH_TESTS,
        pointer: '/tests',
        found: 'sample-event tests on a schedule rule',
        allowed: 'tests only on pattern rules: remove tests',
      }, true);
    }
  }

  if (Array.isArray(document.targets)) {
    document.targets.forEach((target, index) => {
      if (isObject(target)) checkTarget(config, target, `/targets/${index}`, report);
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

function checkTarget(config: ProjectConfig, target: Record<string, unknown>, at: string, report: Report): void {
  if (typeof target.function === 'string' && !config.functions.includes(target.function)) {
    report({
      code: CatalogIssueCode.UNKNOWN_FUNCTION,
      pointer: `${at}/function`,
      found: `function ${JSON.stringify(target.function)}`,
      allowed: config.functions.length ? `a function of serverless.yml: ${config.functions.join(', ')}` : 'a function of serverless.yml (it defines none)',
    });
  }

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
  if (typeof topic === 'string' && !Object.hasOwn(config.topics, topic)) {
    const topics = Object.keys(config.topics);
    report({
      code: CatalogIssueCode.UNKNOWN_TOPIC,
      pointer: `${at}/notify/topic`,
      found: `topic ${JSON.stringify(topic)}`,
      allowed: topics.length ? `a topic of custom.patchbay.topics: ${topics.join(', ')}` : 'a topic of custom.patchbay.topics (it defines none)',
    });
  }
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

function checkTestEvent(context: FileContext, eventPath: string): Promise<Pick<CatalogIssueInput, 'code' | 'found' | 'allowed'> | undefined> {
  let check = context.testEvents.get(eventPath);
  if (!check) {
    check = readTestEvent(path.resolve(context.rootDir, eventPath), eventPath);
    context.testEvents.set(eventPath, check);
  }
  return check;
}

async function readTestEvent(absolutePath: string, eventPath: string): Promise<Pick<CatalogIssueInput, 'code' | 'found' | 'allowed'> | undefined> {
  let text: string;
  try {
    text = await readText(absolutePath);
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

function toRuleDefinition(name: string, filePath: string, document: Record<string, unknown>): RuleDefinition {
  const rawTargets = document.targets as Record<string, unknown>[];
  const ids = assignTargetIds(rawTargets.map((target) => target.function as string));
  const targets: TargetDefinition[] = rawTargets.map((target, index) => {
    const definition: TargetDefinition = { id: ids[index], function: target.function as string };
    if (typeof target.filter === 'string') definition.filter = target.filter;
    if (isObject(target.select)) definition.select = { ...(target.select as Record<string, string>) };
    if (isObject(target.notify)) {
      const notify = target.notify as { topic: string; subject?: string };
      definition.notify = { topic: notify.topic, ...(notify.subject !== undefined ? { subject: notify.subject } : {}) };
    }
    return definition;
  });
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
  if (isObject(document.pattern)) rule.pattern = document.pattern;
  if (typeof document.schedule === 'string') rule.schedule = document.schedule;
  return rule;
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

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
