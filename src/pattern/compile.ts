/**
 * Compile an event pattern (parsed JSON) into match branches, validating it exactly as EventBridge does.
 *
 * Design (after aws/event-ruler's JsonRuleCompiler): a pattern is an OR of AND-branches. Each branch maps
 * a field path (keys joined with '.', so `{"a":{"b":…}}` and `{"a.b":…}` name the same field, as in
 * EventBridge) to the list of matchers of that field; the field matches when any matcher does. `$or`
 * forks the branches built so far, once per alternative. Validation walks the pattern in document order
 * and stops at the first problem, with EventBridge's reason text and the JSON pointer of the offending value.
 */
import { InvalidEventPatternError } from './errors';
import { parseCidr, ipRangeIfPossible } from './cidr';
import { parseWildcard, wildcardComplexity, MAX_WILDCARD_COMPLEXITY, WILDCARD_TOO_COMPLEX, type Wildcard } from './wildcard';
import type { Matcher } from './matchers';
import { numberText } from './number-text';

/** One field condition of a branch. */
export interface FieldCondition {
  /** Dotted path, e.g. `detail.userIdentity.type`. */
  readonly path: string;
  readonly matchers: readonly Matcher[];
}

/** AND of field conditions. */
export type Branch = readonly FieldCondition[];

const OPERATORS = ['exactly', 'prefix', 'suffix', 'equals-ignore-case', 'wildcard', 'anything-but', 'numeric', 'exists', 'cidr'] as const;


function fail(reason: string, pointer: string): never {
  throw new InvalidEventPatternError(reason, pointer);
}

function ptr(base: string, key: string | number): string {
  return `${base}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

/** Jackson's getText() of a JSON value, as EventBridge quotes it in some reasons. */
function tokenText(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return '[';
  if (typeof v === 'object') return '{';
  return String(v);
}

/**
 * EventBridge compares numbers as doubles: one that overflows (`1e400`) is refused where it would be compared
 * (numeric ranges, anything-but), as `Cannot compare number : <the number as written>`. Exact matches accept it.
 */
function needFinite(container: object, key: string | number, value: number, pointer: string): void {
  if (!Number.isFinite(value)) fail(`Cannot compare number : ${numberText(container, key, value)}`, pointer);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Options of {@link compilePattern}. */
export interface CompileOptions {
  /**
   * Skip the wildcard complexity check (`Rule is too complex …`), for patterns validated before, e.g. by
   * `sls package`; every other check still runs.
   * @default false
   */
  readonly trusted?: boolean;
}

/**
 * Compile a parsed pattern.
 * @throws InvalidEventPatternError with EventBridge's reason and the pointer of the problem.
 */
export function compilePattern(pattern: unknown, options: CompileOptions = {}): Branch[] {
  if (!isPlainObject(pattern)) fail('Filter is not an object', '');
  const context: Context = { checkComplexity: options.trusted !== true };
  let branches: Map<string, FieldCondition>[] = [];
  branches = compileObject(context, pattern, '', [], branches, false);
  return branches.map((b) => [...b.values()]);
}

/** What every step of one compilation needs to know. */
interface Context {
  readonly checkComplexity: boolean;
}

function compileObject(
  context: Context,
  obj: Record<string, unknown>,
  pointer: string,
  path: string[],
  branches: Map<string, FieldCondition>[],
  insideOr: boolean,
): Map<string, FieldCondition>[] {
  const keys = Object.keys(obj);
  if (keys.length === 0) fail('Empty objects are not allowed', pointer);
  for (const key of keys) {
    const value = obj[key];
    const at = ptr(pointer, key);
    if (key === '$or') {
      branches = compileOr(context, value, at, path, branches);
      continue;
    }
    if (insideOr && (OPERATORS as readonly string[]).includes(key)) {
      fail(`${key} is Ruler reserved fieldName which cannot be used inside $or.`, at);
    }
    if (isPlainObject(value)) {
      branches = compileObject(context, value, at, [...path, key], branches, insideOr);
    } else if (Array.isArray(value)) {
      const matchers = compileMatchList(context, value, at);
      const field: FieldCondition = { path: [...path, key].join('.'), matchers };
      if (branches.length === 0) branches = [new Map()];
      for (const b of branches) b.set(field.path, field);
    } else {
      fail(`"${key}" must be an object or an array`, at);
    }
  }
  return branches;
}

function compileOr(context: Context, value: unknown, pointer: string, path: string[], branches: Map<string, FieldCondition>[]): Map<string, FieldCondition>[] {
  if (!Array.isArray(value)) fail('It must be an Array followed with $or.', pointer);
  const out: Map<string, FieldCondition>[] = [];
  value.forEach((alt, i) => {
    if (!isPlainObject(alt)) fail('Only JSON object is allowed in array of $or relationship.', ptr(pointer, i));
    let forked = branches.map((b) => new Map(b));
    if (forked.length === 0) forked = [new Map()];
    out.push(...compileObject(context, alt, ptr(pointer, i), path, forked, true));
  });
  if (value.length < 2) fail('There must have at least 2 Objects in $or relationship.', pointer);
  return out;
}

function compileMatchList(context: Context, list: unknown[], pointer: string): Matcher[] {
  const out: Matcher[] = [];
  list.forEach((item, i) => {
    const at = ptr(pointer, i);
    if (isPlainObject(item)) out.push(compileMatchExpression(context, item, at));
    else if (Array.isArray(item)) fail('Match value must be String, number, true, false, or null', at);
    else if (typeof item === 'string') {
      const ip = ipRangeIfPossible(item);
      out.push(ip ? { kind: 'exact-ip', range: ip } : { kind: 'exact-string', value: item });
    } else if (typeof item === 'number') out.push({ kind: 'exact-number', value: item });
    else out.push({ kind: 'exact-literal', value: item as boolean | null });
  });
  if (out.length === 0) fail('Empty arrays are not allowed', pointer);
  return out;
}

function onlyKey(expr: Record<string, unknown>, pointer: string, reason = 'Only one key allowed in match expression'): void {
  const keys = Object.keys(expr);
  if (keys.length > 1) fail(reason, ptr(pointer, keys[1]));
}

function compileMatchExpression(context: Context, expr: Record<string, unknown>, pointer: string): Matcher {
  const keys = Object.keys(expr);
  if (keys.length === 0) fail('Match expression name not found', pointer);
  const op = keys[0];
  const value = expr[op];
  const at = ptr(pointer, op);
  switch (op) {
    case 'exactly':
      if (typeof value !== 'string') fail('exact match pattern must be a string', at);
      onlyKey(expr, pointer);
      return { kind: 'exact-string', value };
    case 'prefix':
    case 'suffix': {
      if (isPlainObject(value)) {
        const m = compileAffixIgnoreCase(op, value, at);
        onlyKey(expr, pointer);
        return m;
      }
      if (typeof value !== 'string') fail(`${op} match pattern must be a string`, at);
      onlyKey(expr, pointer);
      return { kind: op, value, ignoreCase: false };
    }
    case 'numeric': {
      if (!Array.isArray(value)) fail('Value of numeric must be an array.', at);
      const m = compileNumeric(value, at);
      onlyKey(expr, pointer, 'Too many elements in numeric expression');
      return m;
    }
    case 'anything-but': {
      const m = compileAnythingBut(context, value, at, expr);
      onlyKey(expr, pointer, 'Too many elements in numeric expression');
      return m;
    }
    case 'exists':
      if (typeof value !== 'boolean') fail('exists match pattern must be either true or false.', at);
      onlyKey(expr, pointer);
      return { kind: 'exists', value };
    case 'cidr': {
      // EventBridge's own wording for a non-string CIDR says "prefix": reproduced as recorded from AWS.
      if (typeof value !== 'string') fail('prefix match pattern must be a string', at);
      let range;
      try {
        range = parseCidr(value);
      } catch (e) {
        fail((e as Error).message, at);
      }
      onlyKey(expr, pointer);
      return { kind: 'cidr', range };
    }
    case 'equals-ignore-case':
      if (typeof value !== 'string') fail('equals-ignore-case match pattern must be a string', at);
      onlyKey(expr, pointer);
      return { kind: 'equals-ignore-case', value };
    case 'wildcard': {
      if (typeof value !== 'string') fail('wildcard match pattern must be a string', at);
      const wildcard = checkedWildcard(context, value, at);
      onlyKey(expr, pointer);
      return { kind: 'wildcard', wildcard };
    }
    default:
      fail(`Unrecognized match type ${op}`, at);
  }
}

function checkedWildcard(context: Context, value: string, pointer: string): Wildcard {
  let w: Wildcard;
  try {
    w = parseWildcard(value);
  } catch (e) {
    fail((e as Error).message, pointer);
  }
  if (context.checkComplexity && w.segments.length > 1 && wildcardComplexity(w, MAX_WILDCARD_COMPLEXITY + 1) > MAX_WILDCARD_COMPLEXITY) {
    fail(WILDCARD_TOO_COMPLEX, pointer);
  }
  return w;
}

function compileAffixIgnoreCase(op: 'prefix' | 'suffix', obj: Record<string, unknown>, pointer: string): Matcher {
  const keys = Object.keys(obj);
  const Op = op === 'prefix' ? 'Prefix' : 'Suffix';
  if (keys.length === 0) fail(`${Op} expression name not found`, pointer);
  if (keys[0] !== 'equals-ignore-case') fail(`Unsupported ${op} pattern: ${keys[0]}`, ptr(pointer, keys[0]));
  const value = obj[keys[0]];
  if (typeof value !== 'string') fail('equals-ignore-case match pattern must be a string', ptr(pointer, keys[0]));
  onlyKey(obj, pointer);
  return { kind: op, value, ignoreCase: true };
}

function compileNumeric(terms: unknown[], pointer: string): Matcher {
  const at = (i: number) => ptr(pointer, i);
  const isNum = (v: unknown): v is number => typeof v === 'number';
  const first = terms[0];
  if (typeof first !== 'string') fail(`Invalid member in numeric match: ${terms.length === 0 ? ']' : tokenText(first)}`, at(0));
  const v1 = terms[1];
  const needNumber = (name: string) => {
    if (!isNum(v1)) fail(`Value of ${name} must be numeric`, at(1));
    needFinite(terms, 1, v1, at(1));
  };
  switch (first) {
    case '=':
      needNumber('equals');
      if (terms.length > 2) fail('Too many elements in numeric expression', at(2));
      return { kind: 'numeric', lower: v1 as number, lowerOpen: false, upper: v1 as number, upperOpen: false };
    case '<=':
    case '<':
      needNumber(first);
      if (terms.length > 2) fail('Too many elements in numeric expression', at(2));
      return { kind: 'numeric', upper: v1 as number, upperOpen: first === '<', lowerOpen: false };
    case '>=':
    case '>': {
      needNumber(first);
      const lower = v1 as number;
      const lowerOpen = first === '>';
      if (terms.length === 2) return { kind: 'numeric', lower, lowerOpen, upperOpen: false };
      const op2 = terms[2];
      if (typeof op2 !== 'string') fail(`Bad value in numeric range: ${tokenText(op2)}`, at(2));
      if (op2 !== '<' && op2 !== '<=') fail(`Bad numeric range operator: ${op2}`, at(2));
      if (!isNum(terms[3])) fail(`Value of ${op2} must be numeric`, at(3));
      needFinite(terms, 3, terms[3], at(3));
      if (terms.length > 4) fail('Too many terms in numeric range expression', at(4));
      const upper = terms[3] as number;
      if (lower >= upper) fail('Bottom must be less than top', at(3));
      return { kind: 'numeric', lower, lowerOpen, upper, upperOpen: op2 === '<' };
    }
    default:
      fail(`Unrecognized numeric range operator: ${first}`, at(0));
  }
}

type AnythingButKind = 'plain' | 'equals-ignore-case' | 'prefix' | 'suffix' | 'wildcard';

function compileAnythingBut(context: Context, value: unknown, pointer: string, container: object): Matcher {
  let kind: AnythingButKind = 'plain';
  let operand = value;
  let at = pointer;
  if (isPlainObject(value)) {
    const keys = Object.keys(value);
    if (keys.length === 0) fail('Anything-But expression name not found', pointer);
    const op = keys[0];
    if (op !== 'equals-ignore-case' && op !== 'prefix' && op !== 'suffix' && op !== 'wildcard') {
      fail(`Unsupported anything-but pattern: ${op}`, ptr(pointer, op));
    }
    kind = op;
    operand = value[op];
    at = ptr(pointer, op);
    if (keys.length > 1 && (Array.isArray(operand) || typeof operand === 'string' || typeof operand === 'number')) {
      fail('Too many elements in numeric expression', ptr(pointer, keys[1]));
    }
  }
  if (!Array.isArray(operand) && typeof operand !== 'string' && typeof operand !== 'number') {
    fail('Value of anything-but must be an array or single string/number value.', at);
  }
  if (kind === 'plain') {
    const items = Array.isArray(operand) ? operand : [operand];
    const strings = new Set<string>();
    const numbers: number[] = [];
    items.forEach((item, i) => {
      if (typeof item === 'string') strings.add(item);
      else if (typeof item === 'number') {
        if (Array.isArray(operand)) needFinite(operand, i, item, ptr(at, i));
        else needFinite(container, 'anything-but', item, at);
        numbers.push(item);
      }
      else fail('Inside anything but list, start|null|boolean is not supported.', Array.isArray(operand) ? ptr(at, i) : at);
    });
    if (Array.isArray(operand) && (strings.size > 0) === (numbers.length > 0)) {
      fail('Inside anything but list, either all values are number or string, mixed type is not supported', at);
    }
    return { kind: 'anything-but', strings, numbers };
  }
  const items = Array.isArray(operand) ? operand : [operand];
  const values: string[] = [];
  items.forEach((item, i) => {
    const itemAt = Array.isArray(operand) ? ptr(at, i) : at;
    if (typeof item !== 'string') {
      if (kind === 'equals-ignore-case') fail('Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.', itemAt);
      if (kind === 'wildcard') fail('wildcard match pattern must be a string', itemAt);
      fail('prefix/suffix match pattern must be a string', itemAt);
    }
    if ((kind === 'prefix' || kind === 'suffix') && item === '') fail('Null prefix/suffix not allowed', itemAt);
    values.push(item);
  });
  switch (kind) {
    case 'equals-ignore-case':
      return { kind: 'anything-but-ignore-case', values };
    case 'prefix':
      return { kind: 'anything-but-prefix', values };
    case 'suffix':
      return { kind: 'anything-but-suffix', values };
    case 'wildcard':
      return { kind: 'anything-but-wildcard', wildcards: values.map((v, i) => checkedWildcard(context, v, Array.isArray(operand) ? ptr(at, i) : at)) };
  }
}

