/**
 * Load every pattern file of a project into typed rules, reporting every problem of the run at once.
 *
 * Design: files are found by walking the directory tree (one `readdir` per directory, so an unreadable folder is
 * one issue naming it and the rest is still loaded; symbolic links are followed when they stay inside the project,
 * reported otherwise, never skipped), then read, parsed and checked in parallel (one promise per file; test-event
 * files are read once per run even when several rules name them). A file is refused before parsing when it is over
 * {@link MAX_PATTERN_FILE_BYTES} or is not UTF-8 text. Each file goes through
 * three stages: YAML (syntax and duplicate keys: a file that fails here stops here), the JSON Schema
 * (`schemas/pattern-file.schema.json`), then semantic checks that guard their own inputs, so a file with a typo
 * in one target still gets its event pattern and its other targets checked. Rule-name collisions need every file
 * and are checked last. Problems become {@link CatalogIssue}s with the file, the RFC 6901 pointer and the
 * line/column of the node; any issue makes the whole load throw one {@link CatalogError}.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import patternFileSchema from '../../schemas/pattern-file.schema.json';
import { SchemaError } from '../schemas/errors';
import { loadSchemaFiles } from '../schemas/files';
import { CatalogError, CatalogIssueCode, createIssue, type CatalogIssue, type CatalogIssueInput } from './errors';
import { RULE_NAME_PATTERN, deriveRuleName } from './names';
import { MAX_PATTERN_FILE_BYTES, SourceFileError, readSourceFile, readText, type ReadText } from './read-text';
import { checkSemantics, type FileContext, type Report } from './rule-checks';
import { toRuleDefinition } from './rule-definition';
import { compileSchema, isObject, schemaProblems } from './schema-problems';
import type { Catalog, EventSchemaFile, ProjectConfig, RuleDefinition } from './types';
import { parseYamlSource, toPointer, type SourcePosition, type YamlProblem, type YamlSource } from './yaml-source';

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
  /**
   * Pattern files to load as if they were on disk, by path relative to the patterns directory (posix), e.g.
   * `{ 'iam/create-access-key.yml': 'pattern: …' }`: `patchbay new` validates a file this way before writing it. A
   * path that exists on disk is refused (`FILE_EXISTS`): an overlay never replaces a file.
   */
  unsavedPatternFiles?: Readonly<Record<string, string>>;
}

const validatePatternFile = compileSchema(structuralPatternFileSchema(patternFileSchema));

/**
 * The pattern-file schema as the loader applies it: `pattern` only has to be an object. The published schema also
 * describes the event-pattern language for editors (completion, `prefx` flagged), but the pattern itself is checked
 * by the engine, which gives EventBridge's own message (`Event pattern is not valid. Reason: …`) for exactly what
 * EventBridge rejects; a JSON Schema can only approximate that, and its wording would hide AWS's.
 */
export function structuralPatternFileSchema(schema: typeof patternFileSchema): object {
  const { eventPattern: _eventPattern, patternField: _patternField, matchValues: _matchValues, matchValue: _matchValue, operator: _operator, ...definitions } = schema.definitions;
  const { $ref: _ref, ...pattern } = schema.properties.pattern;
  return { ...schema, definitions, properties: { ...schema.properties, pattern: { ...pattern, type: 'object' } } };
}

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
  const listing = await listPatternFiles(rootDir, absolutePatternsDir, toPosix(path.relative(rootDir, absolutePatternsDir)));
  if (listing === undefined) throw new CatalogError([createIssue(patternsDirNotFound(rootDir, absolutePatternsDir))]);
  const selection = selectRuleFiles(listing.files, config.rules);
  const files: PatternFileRef[] = selection.files;
  const onDisk = new Set(files.map((file) => file.relativeToPatterns));
  const patternsFromRoot = toPosix(path.relative(rootDir, absolutePatternsDir));
  for (const [relativeToPatterns, text] of Object.entries(options.unsavedPatternFiles ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const filePath = patternsFromRoot ? `${patternsFromRoot}/${relativeToPatterns}` : relativeToPatterns;
    if (onDisk.has(relativeToPatterns)) {
      listing.issues.push(createIssue({ code: CatalogIssueCode.FILE_EXISTS, filePath, pointer: '', found: `${filePath} exists`, allowed: 'a path no pattern file has' }));
      continue;
    }
    files.push({ absolutePath: path.join(absolutePatternsDir, relativeToPatterns), relativeToPatterns, filePath, text });
  }

  const context: FileContext = { rootDir, config, testEvents: new Map(), readTestEvent: options.readTestEvent ?? readText };
  const [results, schemaResult] = await Promise.all([
    Promise.all(files.map((file) => loadPatternFile(context, file))),
    config.schemas !== undefined ? loadEventSchemas(rootDir) : Promise.resolve({ files: [], issues: [] }),
  ]);

  const sources = new Map(results.flatMap((result) => (result.source ? [[result.filePath, result.source] as const] : [])));
  const locate = (filePath: string, pointer: string): SourcePosition | undefined =>
    (filePath === configFilePath ? options.configSource : sources.get(filePath))?.locate(pointer);

  const issues = [...listing.issues, ...results.flatMap((result) => result.issues)];
  issues.push(...ruleNameCollisions(results.map((result) => ({ name: result.name, filePath: result.filePath, source: result.source }))));
  issues.push(...schemaResult.issues);
  const rules = results.flatMap((result) => (result.rule ? [result.rule] : [])).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  issues.push(...rulesPerBusIssues(rules, config, configFilePath, locate));
  if (issues.length) throw new CatalogError(issues);

  return {
    rules,
    config,
    eventSchemas: schemaResult.files,
    locate,
    ...(selection.disabled.length ? { disabled: selection.disabled } : {}),
    ...(selection.unused.length ? { unusedRuleGlobs: selection.unused } : {}),
  };
}

/**
 * The pattern files that are rules of this project (`custom.patchbay.rules`, globs with picomatch over the path
 * under the patterns directory without extension), the ones left out, and the globs that match no file.
 * @example selectRuleFiles(files, { disable: ['cis/**'] }).disabled; // ['patterns/cis/root-usage.yml', …]
 */
function selectRuleFiles(files: readonly PatternFileRef[], rules: ProjectConfig['rules']): { files: PatternFileRef[]; disabled: string[]; unused: { pointer: string; glob: string }[] } {
  if (!rules) return { files: [...files], disabled: [], unused: [] };
  const name = (file: PatternFileRef) => file.relativeToPatterns.replace(/\.ya?ml$/, '');
  const compile = (globs: string[] | undefined, key: string) => (globs ?? []).map((glob, index) => ({ glob, pointer: `/custom/patchbay/rules/${key}/${index}`, test: picomatch(glob, { dot: true }), used: false }));
  const enable = compile(rules.enable, 'enable');
  const disable = compile(rules.disable, 'disable');
  const matches = (list: typeof enable, file: PatternFileRef) => {
    let any = false;
    for (const entry of list) if (entry.test(name(file))) any = entry.used = true;
    return any;
  };
  const kept: PatternFileRef[] = [];
  const disabled: string[] = [];
  for (const file of files) {
    const enabled = rules.enable === undefined || matches(enable, file);
    const off = matches(disable, file);
    if (enabled && !off) kept.push(file);
    else disabled.push(file.filePath);
  }
  const unused = [...enable, ...disable].filter((entry) => !entry.used).map(({ pointer, glob }) => ({ pointer, glob }));
  return { files: kept, disabled, unused };
}

interface PatternFileRef {
  /** Absolute path. */
  absolutePath: string;
  /** Relative to the patterns directory, posix. */
  relativeToPatterns: string;
  /** Relative to the project root, posix. */
  filePath: string;
  /** The file's text when it is not read from disk (`unsavedPatternFiles`). */
  text?: string;
}

interface FileResult {
  name: string;
  filePath: string;
  rule?: RuleDefinition;
  source?: YamlSource;
  issues: CatalogIssue[];
}

/**
 * Every `*.yml` / `*.yaml` file under the patterns directory, sorted by path, and what could not be listed: an
 * unreadable directory, a symbolic link that leads outside the project, a broken or looping link, a `.yml` that is
 * not a regular file (a named pipe would block the read). `undefined` when the directory itself does not exist.
 */
async function listPatternFiles(
  rootDir: string,
  absoluteDir: string,
  dirFromRoot: string,
): Promise<{ files: PatternFileRef[]; issues: CatalogIssue[] } | undefined> {
  try {
    if (!(await fs.stat(absoluteDir)).isDirectory()) return undefined;
  } catch (error) {
    if (isErrno(error, 'ENOENT', 'ENOTDIR')) return undefined;
    const filePath = dirFromRoot || '.';
    return { files: [], issues: [createIssue({ code: CatalogIssueCode.FILE_READ_FAILED, filePath, pointer: '', found: `the directory ${filePath} cannot be read (${describeFsError(error)})`, allowed: 'a readable directory of pattern files' })] };
  }
  const realRoot = await fs.realpath(rootDir).catch(() => path.resolve(rootDir));
  const files: PatternFileRef[] = [];
  const issues: CatalogIssue[] = [];
  const display = (relativeToPatterns: string): string => (dirFromRoot ? `${dirFromRoot}/${relativeToPatterns}` : relativeToPatterns);
  const problem = (relativeToPatterns: string, code: CatalogIssueCode, found: string, allowed: string): void =>
    void issues.push(createIssue({ code, filePath: display(relativeToPatterns), pointer: '', found, allowed }));
  const isPatternName = (name: string): boolean => /\.ya?ml$/i.test(name);

  const walk = async (directory: string, relative: string, ancestors: readonly string[]): Promise<void> => {
    let entries;
    try {
      entries = await fs.readdir(directory, { withFileTypes: true });
    } catch (error) {
      const shown = relative ? display(relative) : dirFromRoot || '.';
      issues.push(createIssue({ code: CatalogIssueCode.FILE_READ_FAILED, filePath: shown, pointer: '', found: `the directory ${shown} cannot be read (${describeFsError(error)})`, allowed: 'a readable directory: its pattern files would be missing from the stack' }));
      return;
    }
    await Promise.all(
      entries.map(async (entry) => {
        const absolutePath = path.join(directory, entry.name);
        const relativeToPatterns = relative ? `${relative}/${entry.name}` : entry.name;
        if (entry.isDirectory()) return walk(absolutePath, relativeToPatterns, [...ancestors, path.join(realAncestor(ancestors), entry.name)]);
        if (entry.isFile()) {
          if (isPatternName(entry.name)) files.push({ absolutePath, relativeToPatterns, filePath: display(relativeToPatterns) });
          return;
        }
        if (!entry.isSymbolicLink()) {
          if (isPatternName(entry.name)) problem(relativeToPatterns, CatalogIssueCode.FILE_READ_FAILED, `${display(relativeToPatterns)} is not a regular file (a named pipe, socket or device)`, 'a regular YAML file');
          return;
        }
        // A symbolic link: follow it when its target is inside the project, report it otherwise.
        let target: string;
        let stats;
        try {
          target = await fs.realpath(absolutePath);
          stats = await fs.stat(target);
        } catch (error) {
          if (isPatternName(entry.name) || isErrno(error, 'ELOOP')) {
            const why = isErrno(error, 'ELOOP') ? 'a symbolic link that loops' : isErrno(error, 'ENOENT') ? 'a symbolic link to a file that does not exist' : `a symbolic link that cannot be followed (${describeFsError(error)})`;
            problem(relativeToPatterns, CatalogIssueCode.FILE_READ_FAILED, why, 'a link to a pattern file inside the project, or the file itself');
          }
          return;
        }
        if (!stats.isDirectory() && !isPatternName(entry.name)) return;
        if (!isInside(realRoot, target)) {
          problem(
            relativeToPatterns,
            CatalogIssueCode.PATH_OUTSIDE_PROJECT,
            `a symbolic link to ${stats.isDirectory() ? 'a directory' : 'a file'} outside the project directory`,
            'links that stay inside the project (the project is what is reviewed and deployed): copy the file in, or link to a copy inside the project',
          );
          return;
        }
        if (stats.isDirectory()) {
          if (ancestors.includes(target)) {
            problem(relativeToPatterns, CatalogIssueCode.FILE_READ_FAILED, 'a symbolic link to a directory that contains it (a loop)', 'links that do not lead back to their own directory');
            return;
          }
          return walk(absolutePath, relativeToPatterns, [...ancestors, target]);
        }
        if (!stats.isFile()) {
          problem(relativeToPatterns, CatalogIssueCode.FILE_READ_FAILED, `${display(relativeToPatterns)} links to something that is not a regular file`, 'a regular YAML file');
          return;
        }
        files.push({ absolutePath, relativeToPatterns, filePath: display(relativeToPatterns) });
      }),
    );
  };
  const realDir = await fs.realpath(absoluteDir).catch(() => absoluteDir);
  await walk(absoluteDir, '', [realDir]);
  files.sort((a, b) => (a.filePath < b.filePath ? -1 : a.filePath > b.filePath ? 1 : 0));
  return { files, issues };
}

/** The real path of the innermost directory being walked. */
function realAncestor(ancestors: readonly string[]): string {
  return ancestors[ancestors.length - 1];
}

/** Whether `target` (a real path) is `root` or inside it. */
function isInside(root: string, target: string): boolean {
  const relative = path.relative(root, target);
  return relative === '' || (!relative.startsWith(`..${path.sep}`) && relative !== '..' && !path.isAbsolute(relative));
}

function isErrno(error: unknown, ...codes: string[]): boolean {
  return codes.includes((error as NodeJS.ErrnoException)?.code ?? '');
}

/** `EACCES: permission denied` from `EACCES: permission denied, scandir '/abs/path'`: the code and reason, no path. */
function describeFsError(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException;
  const reason = String(message ?? error).split(', ')[0];
  return code && !reason.startsWith(code) ? `${code}: ${reason}` : reason;
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
    text = file.text ?? (await readSourceFile(file.absolutePath));
  } catch (error) {
    if (error instanceof SourceFileError) {
      const tooLarge = error.code === 'FILE_TOO_LARGE';
      issues.push(
        createIssue({
          code: tooLarge ? CatalogIssueCode.FILE_TOO_LARGE : CatalogIssueCode.FILE_NOT_TEXT,
          filePath,
          pointer: '',
          line: error.line,
          column: error.column,
          found: tooLarge ? `a pattern file of ${error.found}` : error.found,
          allowed: tooLarge
            ? `at most ${MAX_PATTERN_FILE_BYTES.toLocaleString('en-US')} bytes (1 MiB) per pattern file: one rule per file`
            : 'UTF-8 text without NUL or other control characters (tab, line feed and carriage return are fine)',
        }),
      );
    } else {
      issues.push(createIssue({ code: CatalogIssueCode.FILE_READ_FAILED, filePath, pointer: '', found: `${filePath} cannot be read (${describeFsError(error)})`, allowed: 'a readable YAML file' }));
    }
    return result;
  }

  const source = parseYamlSource(text, { strictTags: true });
  if (source.errors.length) {
    issues.push(...yamlIssues(source.errors, filePath));
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
  // A number JSON cannot carry reads as null to the schema ("null; an integer"): NUMBER_NOT_FINITE says it better.
  const nonFinitePointers = new Set(source.nonFiniteNumbers.map((number) => number.pointer));
  for (const problem of schemaProblems(validatePatternFile, document)) {
    if (semanticPointers.has(problem.pointer) || nonFinitePointers.has(problem.pointer)) continue;
    report({ code: problem.code, pointer: problem.pointer, found: problem.found, allowed: problem.allowed }, problem.atKey);
  }
  for (const args of semantic) report(...args);
  // Last, so that at the same pointer the engine's or the schema's message stands (`Cannot compare number : 1e400`).
  for (const number of source.nonFiniteNumbers) {
    if (issues.some((issue) => issue.pointer === number.pointer)) continue;
    issues.push(
      createIssue({
        code: CatalogIssueCode.NUMBER_NOT_FINITE,
        filePath,
        pointer: number.pointer,
        line: number.position.line,
        column: number.position.column,
        found: `the number ${number.text}, which JSON cannot represent (the template would say null)`,
        allowed: 'a finite number, between -1.7976931348623157e308 and 1.7976931348623157e308',
      }),
    );
  }
  if (issues.length === 0 && isObject(document)) result.rule = toRuleDefinition(name, filePath, document, context.config);
  return result;
}

/**
 * YAML problems of one file as catalog issues (pattern files and serverless.yml): duplicate keys, tags, alias bombs
 * and second documents have their own codes, the rest is `YAML_SYNTAX`; each with its line and column.
 */
export function yamlIssues(problems: readonly YamlProblem[], filePath: string): CatalogIssue[] {
  return problems.map((problem) => {
    const input = { filePath, pointer: problem.pointer ?? '', line: problem.position?.line, column: problem.position?.column };
    switch (problem.code) {
      case 'DUPLICATE_KEY':
        return createIssue({ ...input, code: CatalogIssueCode.YAML_DUPLICATE_KEY, found: 'a key that appears twice in the same mapping', allowed: 'each key once per mapping' });
      case 'TAG_NOT_ALLOWED':
        return createIssue({ ...input, code: CatalogIssueCode.YAML_TAG_NOT_ALLOWED, found: problem.message, allowed: problem.allowed });
      case 'ALIAS_LIMIT':
        return createIssue({ ...input, code: CatalogIssueCode.YAML_ALIAS_LIMIT, found: problem.message, allowed: problem.allowed });
      case 'MULTIPLE_DOCS':
        return createIssue({ ...input, code: CatalogIssueCode.YAML_MULTIPLE_DOCUMENTS, found: problem.message, allowed: problem.allowed });
      default:
        return createIssue({ ...input, code: CatalogIssueCode.YAML_SYNTAX, found: problem.message, allowed: problem.allowed ?? 'valid YAML' });
    }
  });
}

/** Two files, one rule name: an issue in each file, at the start of its document (line 1 when it did not parse). */
function ruleNameCollisions(files: { name: string; filePath: string; source?: YamlSource }[]): CatalogIssue[] {
  const byName = new Map<string, string[]>();
  const positions = new Map(files.map(({ filePath, source }) => [filePath, source?.locate('') ?? { line: 1, column: 1 }]));
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
          ...positions.get(filePath),
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
