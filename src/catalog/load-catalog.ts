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
import { SchemaError } from '../schemas/errors';
import { loadSchemaFiles } from '../schemas/files';
import { CatalogError, CatalogIssueCode, createIssue, type CatalogIssue, type CatalogIssueInput } from './errors';
import { RULE_NAME_PATTERN, deriveRuleName } from './names';
import { readText, type ReadText } from './read-text';
import { checkSemantics, type FileContext, type Report } from './rule-checks';
import { toRuleDefinition } from './rule-definition';
import { compileSchema, isObject, schemaProblems } from './schema-problems';
import type { Catalog, EventSchemaFile, ProjectConfig, RuleDefinition } from './types';
import { parseYamlSource, toPointer, type SourcePosition, type YamlSource } from './yaml-source';

export { BUILT_IN_SUBJECT_FIELDS, RESERVED_INPUT_VARIABLES } from './rule-checks';

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
