/**
 * The operators of the event-pattern language, one matcher kind per operator, and how each tests a value.
 *
 * A value is one leaf of the event: a string, a number, true, false or null (never an object or array:
 * arrays are expanded element by element by the caller, objects are walked into).
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
 */
import { inIpRange, ipToHex, type IpRange } from './cidr';
import { matchWildcard, type Wildcard } from './wildcard';

export type Leaf = string | number | boolean | null;

/** One operator with its compiled operands. */
export type Matcher =
  | { readonly kind: 'exact-string'; readonly value: string }
  | { readonly kind: 'exact-number'; readonly value: number }
  | { readonly kind: 'exact-literal'; readonly value: boolean | null }
  | { readonly kind: 'exact-ip'; readonly range: IpRange }
  | { readonly kind: 'prefix'; readonly value: string; readonly ignoreCase: boolean }
  | { readonly kind: 'suffix'; readonly value: string; readonly ignoreCase: boolean }
  | { readonly kind: 'equals-ignore-case'; readonly value: string }
  | { readonly kind: 'wildcard'; readonly wildcard: Wildcard }
  | { readonly kind: 'numeric'; readonly lower?: number; readonly lowerOpen: boolean; readonly upper?: number; readonly upperOpen: boolean }
  | { readonly kind: 'cidr'; readonly range: IpRange }
  | { readonly kind: 'exists'; readonly value: boolean }
  | { readonly kind: 'anything-but'; readonly strings: ReadonlySet<string>; readonly numbers: readonly number[] }
  | { readonly kind: 'anything-but-prefix'; readonly values: readonly string[] }
  | { readonly kind: 'anything-but-suffix'; readonly values: readonly string[] }
  | { readonly kind: 'anything-but-ignore-case'; readonly values: readonly string[] }
  | { readonly kind: 'anything-but-wildcard'; readonly wildcards: readonly Wildcard[] };

/** Case-insensitive equality as EventBridge applies it (Unicode lower- and upper-case folding). */
export function equalsIgnoreCase(a: string, b: string): boolean {
  return a === b || a.toLowerCase() === b.toLowerCase() || a.toUpperCase() === b.toUpperCase();
}

function startsWithIgnoreCase(text: string, prefix: string): boolean {
  return text.length >= prefix.length && equalsIgnoreCase(text.slice(0, prefix.length), prefix);
}

function endsWithIgnoreCase(text: string, suffix: string): boolean {
  return text.length >= suffix.length && equalsIgnoreCase(text.slice(text.length - suffix.length), suffix);
}

/**
 * True when `value` satisfies `m`. `exists` matchers are decided by the caller (they concern the field's
 * presence, not a value) and return true here for any present value when `m.value` is true.
 */
export function matchValue(m: Matcher, value: Leaf): boolean {
  switch (m.kind) {
    case 'exact-string':
      return value === m.value;
    case 'exact-number':
      return typeof value === 'number' && value === m.value;
    case 'exact-literal':
      return value === m.value;
    case 'exact-ip':
    case 'cidr': {
      if (typeof value !== 'string') return false;
      const hex = ipToHex(value);
      return hex !== undefined && inIpRange(hex, m.range);
    }
    case 'prefix':
      return typeof value === 'string' && (m.ignoreCase ? startsWithIgnoreCase(value, m.value) : value.startsWith(m.value));
    case 'suffix':
      return typeof value === 'string' && (m.ignoreCase ? endsWithIgnoreCase(value, m.value) : value.endsWith(m.value));
    case 'equals-ignore-case':
      return typeof value === 'string' && equalsIgnoreCase(value, m.value);
    case 'wildcard':
      return typeof value === 'string' && matchWildcard(m.wildcard, value);
    case 'numeric':
      if (typeof value !== 'number') return false;
      if (m.lower !== undefined && (m.lowerOpen ? value <= m.lower : value < m.lower)) return false;
      if (m.upper !== undefined && (m.upperOpen ? value >= m.upper : value > m.upper)) return false;
      return true;
    case 'exists':
      return m.value;
    case 'anything-but':
      if (typeof value === 'string') return !m.strings.has(value);
      if (typeof value === 'number') return !m.numbers.includes(value);
      return true;
    case 'anything-but-prefix':
      return typeof value !== 'string' || !m.values.some((p) => value.startsWith(p));
    case 'anything-but-suffix':
      return typeof value !== 'string' || !m.values.some((s) => value.endsWith(s));
    case 'anything-but-ignore-case':
      return typeof value !== 'string' || !m.values.some((v) => equalsIgnoreCase(value, v));
    case 'anything-but-wildcard':
      return typeof value !== 'string' || !m.wildcards.some((w) => matchWildcard(w, value));
  }
}
