/**
 * Load and compile a routing manifest once per cold start: parse every rule's event pattern with the pattern
 * engine, check every JMESPath expression, check every target's topic — and report every problem at once.
 *
 * @see ./manifest.ts for the manifest's shape.
 */
import { readFileSync } from 'node:fs';
import { parseEventPattern, RuleIndex, type EventPattern } from '../pattern';
import { InvalidManifestError, RuntimeError, type ManifestIssue } from './errors';
import { describeType, isRecord } from './json';
import { compileExpression } from './expression';
import { compileFilter, type CompiledFilter } from './filter';
import type { ManifestRule, ManifestTarget, RoutingManifest } from './manifest';
import { createRedactor, type RedactionConfig, type Redactor } from './redact';
import { compileSelect, escapePointerToken, type CompiledSelect } from './select';
import { compileSeverity, SEVERITY_LEVELS, type CompiledSeverity, type SeveritySpec } from './severity';

/** A target ready to run: compiled filter and select, its topic key and subject template. */
export interface CompiledTarget {
  readonly id: string;
  /** Where the target sits in the manifest (RFC 6901), e.g. `/rules/0/targets/1`. */
  readonly pointer: string;
  /** Topic key (a key of the manifest's `topics`); `undefined` when the target has no `notify`. */
  readonly topic?: string;
  /** Subject template, if the target has one. */
  readonly subject?: string;
  readonly filter: CompiledFilter;
  readonly select: CompiledSelect;
  /** The target as the manifest states it. */
  readonly definition: ManifestTarget;
}

/** A rule ready to run: its parsed pattern (absent for schedule rules) and compiled targets. */
export interface CompiledRule {
  readonly name: string;
  readonly description?: string;
  readonly pattern?: EventPattern;
  /** The rule's severity, ready to evaluate over an event. */
  readonly severity: CompiledSeverity;
  readonly targets: readonly CompiledTarget[];
  /** Target id -> target. */
  readonly targetsById: ReadonlyMap<string, CompiledTarget>;
  /** The rule as the manifest states it. */
  readonly definition: ManifestRule;
}

const COMPILED = Symbol.for('patchbay.runtime.compiledManifest');

/**
 * A routing manifest with every pattern parsed and every expression checked; build with {@link compileManifest}.
 * Raw events are routed through `index` (the pattern engine's `RuleIndex`, keyed by rule position).
 */
export interface CompiledManifest {
  readonly [COMPILED]: true;
  readonly manifest: RoutingManifest;
  /** In manifest order. */
  readonly rules: readonly CompiledRule[];
  /** Rule name -> rule. */
  readonly rulesByName: ReadonlyMap<string, CompiledRule>;
  /** Pattern rules, keyed by their position in `rules`. */
  readonly index: RuleIndex<number>;
  /** Replaces secrets in an event before anything is selected from or rendered of it. */
  readonly redactor: Redactor;
  /** Where the manifest was read from, if from a file. */
  readonly filePath?: string;
}

/** Whether `value` is a {@link CompiledManifest}. */
export function isCompiledManifest(value: unknown): value is CompiledManifest {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[COMPILED] === true;
}

/**
 * Read `patchbay-manifest.json` (UTF-8 JSON) and compile it.
 * @param filePath - e.g. `process.env.PATCHBAY_MANIFEST_PATH ?? path.join(__dirname, 'patchbay-manifest.json')`.
 * @throws InvalidManifestError (code `INVALID_MANIFEST`) when the file cannot be read or parsed, or the manifest is invalid.
 */
export function loadManifest(filePath: string): CompiledManifest {
  let text: string;
  try {
    text = readFileSync(filePath, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : `cannot read the file (${String(error)})`;
    throw new InvalidManifestError([{ pointer: '', message: reason, cause: error }], filePath);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InvalidManifestError([{ pointer: '', message: `not valid JSON: ${(error as Error).message}`, cause: error }], filePath);
  }
  return compileManifest(json, filePath);
}

/**
 * Check a routing manifest and compile it: event patterns parsed once with `parseEventPattern`, put into a
 * `RuleIndex`; filters and selects compiled; topics checked. A compiled manifest is returned unchanged, and a
 * manifest object compiled before is not compiled again (cached by identity: do not mutate it afterwards).
 *
 * @param manifest - the parsed `patchbay-manifest.json`; see `RoutingManifest`.
 * @param filePath - for error messages.
 * @throws InvalidManifestError listing every issue (`issues[].pointer` is an RFC 6901 pointer into the manifest).
 * @example
 * const compiled = compileManifest(JSON.parse(readFileSync('patchbay-manifest.json', 'utf8')));
 */
export function compileManifest(manifest: unknown, filePath?: string): CompiledManifest {
  if (isCompiledManifest(manifest)) return manifest;
  const cached = isRecord(manifest) ? compiledByManifest.get(manifest) : undefined;
  if (cached) return cached;
  const compiled = compileManifestOnce(manifest, filePath);
  compiledByManifest.set(manifest as object, compiled);
  return compiled;
}

const compiledByManifest = new WeakMap<object, CompiledManifest>();

function compileManifestOnce(manifest: unknown, filePath?: string): CompiledManifest {
  const issues: ManifestIssue[] = [];
  const issue = (pointer: string, message: string, cause?: unknown) => issues.push({ pointer, message, cause });

  if (!isRecord(manifest)) {
    throw new InvalidManifestError([{ pointer: '', message: `expected an object, found ${describeType(manifest)}` }], filePath);
  }
  if (manifest.version !== 1) issue('/version', `expected 1, found ${JSON.stringify(manifest.version)}`);
  const topics = isRecord(manifest.topics) ? manifest.topics : {};
  if (!isRecord(manifest.topics)) issue('/topics', `expected an object, found ${describeType(manifest.topics)}`);
  for (const [key, topic] of Object.entries(topics)) {
    const at = `/topics/${escapePointerToken(key)}`;
    if (!isRecord(topic)) issue(at, `expected an object, found ${describeType(topic)}`);
    else {
      if (typeof topic.arnEnv !== 'string' || !topic.arnEnv) issue(`${at}/arnEnv`, 'expected a non-empty string');
      if (typeof topic.name !== 'string' || !topic.name) issue(`${at}/name`, 'expected a non-empty string');
      if (topic.fifo !== undefined && typeof topic.fifo !== 'boolean') issue(`${at}/fifo`, `expected a boolean, found ${describeType(topic.fifo)}`);
      else if (topic.fifo === true && typeof topic.name === 'string' && !topic.name.endsWith('.fifo')) {
        issue(`${at}/name`, `a FIFO topic's name must end in .fifo, found ${JSON.stringify(topic.name)}`);
      }
      if (topic.format !== undefined && !['text', 'chat', 'json'].includes(topic.format as string)) issue(`${at}/format`, `expected text, chat or json, found ${JSON.stringify(topic.format)}`);
      if (topic.sms !== undefined && topic.sms !== true) issue(`${at}/sms`, `expected true, found ${JSON.stringify(topic.sms)}`);
    }
  }

  const rules: CompiledRule[] = [];
  const rulesByName = new Map<string, CompiledRule>();
  const index = new RuleIndex<number>();
  const rawRules = Array.isArray(manifest.rules) ? manifest.rules : [];
  if (!Array.isArray(manifest.rules)) issue('/rules', `expected an array, found ${describeType(manifest.rules)}`);

  rawRules.forEach((rule: unknown, ruleIndex: number) => {
    const at = `/rules/${ruleIndex}`;
    if (!isRecord(rule)) return issue(at, `expected an object, found ${describeType(rule)}`);
    const name = rule.name;
    if (typeof name !== 'string' || !name) return issue(`${at}/name`, 'expected a non-empty string');
    if (rulesByName.has(name)) issue(`${at}/name`, `duplicate rule name ${JSON.stringify(name)}`);

    let pattern: EventPattern | undefined;
    if (rule.pattern !== undefined) {
      try {
        // Deployed: `sls package` validated the pattern and AWS accepted its size. `trusted` skips the wildcard
        // complexity check, whose cost at cold start would grow with every long wildcard.
        pattern = parseEventPattern(rule.pattern as object, { maxLengthInChars: 0, trusted: true });
      } catch (error) {
        const pointer = (error as { pointer?: unknown }).pointer;
        issue(`${at}/pattern${typeof pointer === 'string' ? pointer : ''}`, (error as Error).message, error);
      }
    } else if (typeof rule.schedule !== 'string' || !rule.schedule) {
      issue(at, 'a rule needs a pattern or a schedule');
    }

    const targets: CompiledTarget[] = [];
    const targetsById = new Map<string, CompiledTarget>();
    const rawTargets = Array.isArray(rule.targets) ? rule.targets : [];
    if (!Array.isArray(rule.targets)) issue(`${at}/targets`, `expected an array, found ${describeType(rule.targets)}`);
    rawTargets.forEach((target: unknown, targetIndex: number) => {
      const compiled = compileTarget(target, `${at}/targets/${targetIndex}`, topics, issues);
      if (!compiled) return;
      if (targetsById.has(compiled.id)) return issue(`${at}/targets/${targetIndex}/id`, `duplicate target id ${JSON.stringify(compiled.id)}`);
      targets.push(compiled);
      targetsById.set(compiled.id, compiled);
    });

    const compiledRule: CompiledRule = {
      name,
      description: typeof rule.description === 'string' ? rule.description : undefined,
      pattern,
      severity: compileRuleSeverity(rule.severity, `${at}/severity`, issues),
      targets,
      targetsById,
      definition: rule as unknown as ManifestRule,
    };
    if (!rulesByName.has(name)) {
      rulesByName.set(name, compiledRule);
      if (pattern) index.add(rules.length, pattern);
      rules.push(compiledRule);
    }
  });

  const redact = manifest.redact as RedactionConfig | undefined;
  const stringList = (v: unknown) => v === undefined || (Array.isArray(v) && v.every((item) => typeof item === 'string' && item !== ''));
  if (redact !== undefined && (!isRecord(redact) || !stringList(redact.keys) || !stringList(redact.paths))) {
    issue('/redact', `expected { keys?: string[], paths?: string[] }, found ${JSON.stringify(redact)}`);
  }
  if (issues.length > 0) throw new InvalidManifestError(issues, filePath);
  return { [COMPILED]: true, manifest: manifest as unknown as RoutingManifest, rules, rulesByName, index, redactor: createRedactor(redact), filePath };
}

function compileTarget(
  target: unknown,
  at: string,
  topics: Record<string, unknown>,
  issues: ManifestIssue[],
): CompiledTarget | undefined {
  const issue = (pointer: string, message: string, cause?: unknown) => void issues.push({ pointer, message, cause });
  if (!isRecord(target)) return issue(at, `expected an object, found ${describeType(target)}`);
  const before = issues.length;
  const id = target.id;
  if (typeof id !== 'string' || !id) issue(`${at}/id`, 'expected a non-empty string');

  let filter: CompiledFilter | undefined;
  if (target.filter !== undefined && typeof target.filter !== 'string') {
    issue(`${at}/filter`, `expected a string, found ${describeType(target.filter)}`);
  } else {
    filter = attempt(() => compileFilter(target.filter as string | undefined, `${at}/filter`), issue);
  }

  let select: CompiledSelect | undefined;
  if (target.select !== undefined && !isRecord(target.select)) {
    issue(`${at}/select`, `expected an object of JMESPath expressions, found ${describeType(target.select)}`);
  } else {
    // Check each expression so that every invalid one is reported, then compile the whole (cached, cannot fail).
    const selectMap = (target.select ?? {}) as Record<string, unknown>;
    let valid = true;
    for (const [name, expression] of Object.entries(selectMap)) {
      const pointer = `${at}/select/${escapePointerToken(name)}`;
      if (typeof expression !== 'string') {
        valid = false;
        issue(pointer, `expected a JMESPath expression string, found ${describeType(expression)}`);
      } else if (attempt(() => compileExpression(expression, pointer), issue) === undefined) {
        valid = false;
      }
    }
    if (valid) select = compileSelect(selectMap as Record<string, string>, `${at}/select`);
  }

  // A target without `notify` is valid (the pattern-file schema allows it) but cannot be notified: processEvent
  // fails that one target (so the event reaches the DLQ) instead of failing every rule at cold start.
  const notify = target.notify;
  let topic: string | undefined;
  let subject: string | undefined;
  if (notify !== undefined && !isRecord(notify)) {
    issue(`${at}/notify`, `expected an object, found ${describeType(notify)}`);
  } else if (notify !== undefined) {
    if (typeof notify.topic !== 'string' || !notify.topic) issue(`${at}/notify/topic`, 'expected a non-empty string');
    else if (!Object.hasOwn(topics, notify.topic)) {
      issue(`${at}/notify/topic`, `unknown topic ${JSON.stringify(notify.topic)}; the manifest's topics are: ${Object.keys(topics).join(', ') || '(none)'}`);
    } else topic = notify.topic;
    if (notify.subject !== undefined && typeof notify.subject !== 'string') {
      issue(`${at}/notify/subject`, `expected a string, found ${describeType(notify.subject)}`);
    } else subject = notify.subject as string | undefined;
  }

  if (issues.length !== before || typeof id !== 'string' || !filter || !select) return undefined;
  return { id, pointer: at, topic, subject, filter, select, definition: target as unknown as ManifestTarget };
}

/** Run a compile step; a `RuntimeError` becomes an issue at its pointer. */
function attempt<T>(step: () => T, issue: (pointer: string, message: string, cause?: unknown) => void): T | undefined {
  try {
    return step();
  } catch (error) {
    if (!(error instanceof RuntimeError)) throw error;
    issue((error as { pointer?: string }).pointer ?? '', error.message, error);
    return undefined;
  }
}

/** A rule's `severity` from the manifest: a level, or `{ expression, levels?, default? }`; problems go to `issues`. */
function compileRuleSeverity(value: unknown, at: string, issues: { pointer: string; message: string }[]): CompiledSeverity {
  const none = compileSeverity(undefined);
  if (value === undefined) return none;
  const isLevel = (v: unknown) => typeof v === 'string' && (SEVERITY_LEVELS as readonly string[]).includes(v);
  if (isLevel(value)) return compileSeverity(value as SeveritySpec);
  const spec = value as { expression?: unknown; levels?: unknown; default?: unknown };
  if (typeof value !== 'object' || value === null || typeof spec.expression !== 'string' || (spec.default !== undefined && !isLevel(spec.default))) {
    issues.push({ pointer: at, message: `expected one of ${SEVERITY_LEVELS.join(', ')} or { expression, levels?, default? }, found ${JSON.stringify(value)}` });
    return none;
  }
  try {
    return compileSeverity(value as SeveritySpec, at);
  } catch (error) {
    issues.push({ pointer: `${at}/expression`, message: (error as Error).message });
    return none;
  }
}
