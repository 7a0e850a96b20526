/**
 * Predicates of the routing index: how a condition is tested against leaves when it must be evaluated, its
 * canonical signature (equal signatures, equal behaviour: one shared predicate), and the estimate of how
 * often it holds that key choice uses.
 */
import type { FieldCondition } from '../compile';
import { matchValue, type Leaf, type Matcher } from '../matchers';
import { isNumericEquality, type PathIndex } from './path-index';

/** How an evaluated predicate tests a leaf value. */
export const Test = { ONE: 0, SET: 1, ANY: 2, GENERIC: 3 } as const;
export type Test = (typeof Test)[keyof typeof Test];

/** A condition compiled for evaluation against leaves. */
export interface Check {
  readonly test: Test;
  readonly one: Leaf | undefined;
  readonly set: ReadonlySet<Leaf> | undefined;
  readonly matchers: readonly Matcher[];
  /** True when the condition holds for an absent field (it has `exists: false`). */
  readonly absenceOk: boolean;
}

/** The value a matcher accepts when it accepts exactly one JSON value (compared with `===`). */
function singleValueOf(m: Matcher): { value: Leaf } | undefined {
  switch (m.kind) {
    case 'exact-string':
    case 'exact-number':
    case 'exact-literal':
      return { value: m.value };
    case 'numeric':
      return isNumericEquality(m) ? { value: m.lower } : undefined;
    case 'wildcard':
      return m.wildcard.segments.length === 1 ? { value: m.wildcard.segments[0] } : undefined;
    default:
      return undefined;
  }
}

/** Compile a condition's matchers for {@link testLeaf}. */
export function compileCheck(matchers: readonly Matcher[]): Check {
  const absenceOk = matchers.some((m) => m.kind === 'exists' && !m.value);
  const base = { matchers, absenceOk, one: undefined, set: undefined };
  if (matchers.some((m) => m.kind === 'exists' && m.value)) return { ...base, test: Test.ANY };
  const values = matchers.map(singleValueOf);
  if (values.length > 0 && values.every((v) => v !== undefined)) {
    const distinct = new Set(values.map((v) => v!.value));
    if (distinct.size === 1) return { ...base, test: Test.ONE, one: values[0]!.value };
    return { ...base, test: Test.SET, set: distinct };
  }
  return { ...base, test: Test.GENERIC };
}

/** Does one leaf value satisfy the condition? (`exists` decided as in match.ts: true for a present leaf when `exists: true`.) */
export function testLeaf(check: Check, value: Leaf): boolean {
  switch (check.test) {
    case Test.ONE:
      return value === check.one;
    case Test.SET:
      return check.set!.has(value);
    case Test.ANY:
      return true;
    default: {
      const matchers = check.matchers;
      for (let i = 0; i < matchers.length; i++) {
        const m = matchers[i];
        if (m.kind === 'exists' ? m.value : matchValue(m, value)) return true;
      }
      return false;
    }
  }
}

/** A canonical text for a matcher: equal texts, equal behaviour. */
export function matcherSignature(m: Matcher): string {
  switch (m.kind) {
    case 'exact-string':
    case 'equals-ignore-case':
      return `${m.kind}:${JSON.stringify(m.value)}`;
    case 'exact-number':
    case 'exact-literal':
      return `${m.kind}:${String(m.value)}`;
    case 'exact-ip':
    case 'cidr':
      return `ip:${m.range.bottom}-${m.range.top}`;
    case 'prefix':
    case 'suffix':
      return `${m.kind}:${m.ignoreCase ? 'i' : 'c'}:${JSON.stringify(m.value)}`;
    case 'wildcard':
      return `wildcard:${JSON.stringify(m.wildcard.segments)}`;
    case 'numeric':
      return `numeric:${m.lower ?? ''}${m.lowerOpen ? '(' : '['}${m.upper ?? ''}${m.upperOpen ? ')' : ']'}`;
    case 'exists':
      return `exists:${m.value}`;
    case 'anything-but':
      return `anything-but:${JSON.stringify([...m.strings].sort())}:${JSON.stringify([...m.numbers].sort((a, b) => a - b))}`;
    case 'anything-but-prefix':
    case 'anything-but-suffix':
    case 'anything-but-ignore-case':
      return `${m.kind}:${JSON.stringify(m.values)}`;
    case 'anything-but-wildcard':
      return `${m.kind}:${JSON.stringify(m.wildcards.map((w) => w.segments))}`;
  }
}

/** Path and sorted distinct matcher signatures: conditions with equal signatures are one predicate. */
export function conditionSignature(c: FieldCondition): string {
  return `${c.path}\u0000${[...new Set(c.matchers.map(matcherSignature))].sort().join('\u0001')}`;
}

/** Estimated share of events for which matcher `m` accepts the value of the path indexed by `index`. */
export function matcherShare(m: Matcher, index: PathIndex): number {
  const exactShare = 1 / (index.distinctValues + 1);
  switch (m.kind) {
    case 'exact-string':
    case 'exact-number':
    case 'exact-literal':
    case 'exact-ip':
      return exactShare;
    case 'equals-ignore-case':
      return 2 * exactShare;
    case 'prefix':
    case 'suffix':
      return index.affixShare(m.value, m.kind === 'suffix', m.ignoreCase);
    case 'wildcard': {
      const segments = m.wildcard.segments;
      if (segments.length === 1) return exactShare;
      const head = segments[0];
      const tail = segments[segments.length - 1];
      // Found through the literal head or tail, then confirmed: slightly worse than an exact affix.
      if (head !== '') return 1.2 * index.affixShare(head, false, false);
      if (tail !== '') return 1.2 * index.affixShare(tail, true, false);
      return 1.2;
    }
    case 'numeric':
      return isNumericEquality(m) ? exactShare : 0.5;
    case 'cidr':
      return 0.5;
    default:
      return 1;
  }
}
