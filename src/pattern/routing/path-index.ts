/**
 * The index of one field path: given a leaf value, the predicates (distinct conditions on this path, shared
 * by every rule that states them) that accept it.
 *
 * Exact values sit in one map keyed by the JSON value itself, so `"1"`, `1` and `true` stay apart (a
 * `numeric` `=` and a star-less `wildcard` are exact values too); prefixes and suffixes in character tries;
 * `equals-ignore-case` under its lower- and upper-cased forms, case-insensitive prefixes/suffixes the same
 * way per length; `numeric` ranges and `cidr` blocks (and IP literals) in interval indexes over sorted
 * boundaries; `exists: true` under "present". A `wildcard` with stars is found through its literal head
 * (prefix trie) or tail (suffix trie), or when it has neither, through a list offered every string leaf:
 * such a hit is a candidate that the caller confirms. A plain `anything-but` is indexed by exclusion: its
 * excluded values map to it, and the caller counts those hits against the number of leaves. Predicates
 * with `exists: false`, or with `anything-but` on prefixes, suffixes, case-folded values or wildcards (or
 * several operators beside one), are not indexed: the caller evaluates them on demand.
 *
 * The path also keeps statistics for choosing keys: how many conditions name each exact value here.
 */
import { ipToHex } from '../cidr';
import type { FieldCondition } from '../compile';
import type { Leaf, Matcher } from '../matchers';
import { IntervalIndex } from './interval-index';
import { StringTrie } from './string-trie';

/** How the index answers for a predicate. */
export const PredicateKind = {
  /** Every matcher is indexed exactly: a hit means the predicate holds, no hit that it does not. */
  EXACT: 0,
  /** Indexed, but some hits are candidates only (wildcards with stars): no hit means false. */
  FILTER: 1,
  /** Holds exactly when the path has a leaf (`exists: true`). */
  PRESENT: 2,
  /** Not indexed (`exists: false`, `anything-but` with prefix/suffix/…): evaluated on demand. */
  LAZY: 3,
  /**
   * One plain `anything-but` (strings or numbers), indexed by exclusion: each excluded value maps to it. It
   * holds when the path has a leaf that it does not exclude, i.e. when fewer of the leaves hit it than
   * there are leaves.
   */
  EXCLUDE: 4,
} as const;
export type PredicateKind = (typeof PredicateKind)[keyof typeof PredicateKind];

/** How the index treats a condition with these matchers. */
export function predicateKind(matchers: readonly Matcher[]): PredicateKind {
  if (matchers.some((m) => m.kind === 'exists' && !m.value)) return PredicateKind.LAZY;
  // exists:true accepts any leaf, whatever the other matchers say.
  if (matchers.some((m) => m.kind === 'exists')) return PredicateKind.PRESENT;
  if (matchers.length === 1 && matchers[0].kind === 'anything-but') return PredicateKind.EXCLUDE;
  let filter = false;
  for (const m of matchers) {
    if (m.kind.startsWith('anything-but')) return PredicateKind.LAZY;
    if (m.kind === 'wildcard' && m.wildcard.segments.length > 1) filter = true;
  }
  return filter ? PredicateKind.FILTER : PredicateKind.EXACT;
}

interface AffixMaps {
  readonly lower: Map<string, number[]>;
  readonly upper: Map<string, number[]>;
}

const compareNumbers = (a: number, b: number) => a - b;
const compareStrings = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function pushTo<K>(map: Map<K, number[]>, key: K, value: number): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

function removeFrom<K>(map: Map<K, number[]>, key: K, value: number): void {
  const list = map.get(key);
  if (list === undefined) return;
  const at = list.indexOf(value);
  if (at < 0) return;
  list[at] = list[list.length - 1];
  list.pop();
  if (list.length === 0) map.delete(key);
}

function removeFromList(list: number[], value: number): void {
  const at = list.indexOf(value);
  if (at < 0) return;
  list[at] = list[list.length - 1];
  list.pop();
}

/** True for a `numeric` matcher that accepts exactly one number (`["=", x]`): it is indexed as an exact value. */
export function isNumericEquality(m: Matcher): m is Extract<Matcher, { kind: 'numeric' }> & { lower: number } {
  return m.kind === 'numeric' && m.lower !== undefined && m.lower === m.upper && !m.lowerOpen && !m.upperOpen;
}

/** Per-path index; see the file comment. */
export class PathIndex {
  /** Exact JSON values (`exact-string`, `exact-number`, `exact-literal`, `numeric =`, star-less `wildcard`). */
  private readonly exact = new Map<Leaf, number[]>();
  private readonly ignoreCaseLower = new Map<string, number[]>();
  private readonly ignoreCaseUpper = new Map<string, number[]>();
  private readonly prefixes = new StringTrie(false);
  private readonly suffixes = new StringTrie(true);
  /** Case-insensitive prefixes and suffixes, by length. */
  private readonly prefixesIgnoreCase = new Map<number, AffixMaps>();
  private readonly suffixesIgnoreCase = new Map<number, AffixMaps>();
  private readonly numeric = new IntervalIndex<number>(compareNumbers);
  private readonly ipv4 = new IntervalIndex<string>(compareStrings);
  private readonly ipv6 = new IntervalIndex<string>(compareStrings);
  /** Wildcards without a literal head or tail: candidates for every string leaf. */
  private readonly anyString: number[] = [];
  /** PRESENT predicates: they hold whenever the path has a leaf. */
  readonly presence: number[] = [];
  /** EXCLUDE predicates by excluded value. */
  readonly excluded = new Map<Leaf, number[]>();
  /** Registered predicates; the index can be dropped at 0 (with no statistics left). */
  private entries = 0;
  /** Exact values named by any condition on this path (keyed or not), with reference counts. */
  private readonly vocabulary = new Map<Leaf, number>();
  /** Conditions on this path (keyed or not). */
  conditionCount = 0;
  private stringIndexes = 0;
  private ipIndexes = 0;

  constructor(
    readonly path: string,
    /** Small integer naming the path while it is indexed. */
    readonly id: number,
  ) {}

  /** True when nothing is registered and no statistics are held. */
  get isEmpty(): boolean {
    return this.entries === 0 && this.conditionCount === 0;
  }

  // ---- statistics -------------------------------------------------------------------------------------

  /** Count a condition on this path in the statistics. */
  noteCondition(condition: FieldCondition, delta: 1 | -1): void {
    this.conditionCount += delta;
    for (const m of condition.matchers) {
      const value = exactValueOf(m);
      if (value === undefined) continue;
      const n = (this.vocabulary.get(value) ?? 0) + delta;
      if (n <= 0) this.vocabulary.delete(value);
      else this.vocabulary.set(value, n);
    }
  }

  /** Number of distinct exact values named on this path. */
  get distinctValues(): number {
    return this.vocabulary.size;
  }

  /** Estimated share of events whose value starts (ends) with `text`, from the exact values named here. */
  affixShare(text: string, suffix: boolean, ignoreCase: boolean): number {
    if (text === '') return 1;
    let seen = 0;
    let hits = 0;
    const probe = ignoreCase ? text.toLowerCase() : text;
    for (const v of this.vocabulary.keys()) {
      if (typeof v !== 'string') continue;
      const s = ignoreCase ? v.toLowerCase() : v;
      if (suffix ? s.endsWith(probe) : s.startsWith(probe)) hits++;
      if (++seen >= 512) break;
    }
    return (hits + 1) / (seen + 2);
  }

  // ---- predicates -------------------------------------------------------------------------------------

  /**
   * Register predicate `id` (a condition on this path) in the index.
   * @returns how the index answers for it (see {@link PredicateKind}).
   */
  register(id: number, matchers: readonly Matcher[]): PredicateKind {
    const kind = predicateKind(matchers);
    if (kind === PredicateKind.LAZY) return kind;
    this.entries++;
    if (kind === PredicateKind.PRESENT) this.presence.push(id);
    else if (kind === PredicateKind.EXCLUDE) for (const v of excludedValues(matchers[0])) pushTo(this.excluded, v, id);
    else for (const m of matchers) this.addMatcher(m, id);
    return kind;
  }

  /** Undo `register` with the same arguments. */
  unregister(id: number, matchers: readonly Matcher[]): void {
    const kind = predicateKind(matchers);
    if (kind === PredicateKind.LAZY) return;
    this.entries--;
    if (kind === PredicateKind.PRESENT) removeFromList(this.presence, id);
    else if (kind === PredicateKind.EXCLUDE) for (const v of excludedValues(matchers[0])) removeFrom(this.excluded, v, id);
    else for (const m of matchers) this.removeMatcher(m, id);
  }

  /** Registers one matcher of an EXACT or FILTER predicate. */
  private addMatcher(m: Matcher, slot: number): void {
    switch (m.kind) {
      case 'exact-string':
      case 'exact-number':
      case 'exact-literal':
        pushTo(this.exact, m.value, slot);
        return;
      case 'numeric':
        if (isNumericEquality(m)) pushTo(this.exact, m.lower, slot);
        else this.numeric.add(m, slot);
        return;
      case 'exact-ip':
      case 'cidr':
        this.ipIndexes++;
        (m.range.bottom.length === 8 ? this.ipv4 : this.ipv6).add({ lower: m.range.bottom, lowerOpen: false, upper: m.range.top, upperOpen: false }, slot);
        return;
      case 'prefix':
      case 'suffix':
        this.stringIndexes++;
        if (!m.ignoreCase) (m.kind === 'prefix' ? this.prefixes : this.suffixes).add(m.value, slot);
        else {
          const maps = this.affixMaps(m.kind === 'suffix', m.value.length, true)!;
          pushTo(maps.lower, m.value.toLowerCase(), slot);
          pushTo(maps.upper, m.value.toUpperCase(), slot);
        }
        return;
      case 'equals-ignore-case':
        this.stringIndexes++;
        pushTo(this.ignoreCaseLower, m.value.toLowerCase(), slot);
        pushTo(this.ignoreCaseUpper, m.value.toUpperCase(), slot);
        return;
      case 'wildcard': {
        const segments = m.wildcard.segments;
        if (segments.length === 1) {
          pushTo(this.exact, segments[0], slot);
          return;
        }
        this.stringIndexes++;
        const head = segments[0];
        const tail = segments[segments.length - 1];
        if (head !== '') this.prefixes.add(head, slot);
        else if (tail !== '') this.suffixes.add(tail, slot);
        else this.anyString.push(slot);
        return;
      }
      default:
        throw new Error(`internal: ${m.kind} is not indexed by value`);
    }
  }

  private removeMatcher(m: Matcher, slot: number): void {
    switch (m.kind) {
      case 'exact-string':
      case 'exact-number':
      case 'exact-literal':
        removeFrom(this.exact, m.value, slot);
        return;
      case 'numeric':
        if (isNumericEquality(m)) removeFrom(this.exact, m.lower, slot);
        else this.numeric.remove(m, slot);
        return;
      case 'exact-ip':
      case 'cidr':
        this.ipIndexes--;
        (m.range.bottom.length === 8 ? this.ipv4 : this.ipv6).remove({ lower: m.range.bottom, lowerOpen: false, upper: m.range.top, upperOpen: false }, slot);
        return;
      case 'prefix':
      case 'suffix':
        this.stringIndexes--;
        if (!m.ignoreCase) (m.kind === 'prefix' ? this.prefixes : this.suffixes).remove(m.value, slot);
        else {
          const suffix = m.kind === 'suffix';
          const maps = this.affixMaps(suffix, m.value.length, false);
          if (maps === undefined) return;
          removeFrom(maps.lower, m.value.toLowerCase(), slot);
          removeFrom(maps.upper, m.value.toUpperCase(), slot);
          if (maps.lower.size === 0 && maps.upper.size === 0) (suffix ? this.suffixesIgnoreCase : this.prefixesIgnoreCase).delete(m.value.length);
        }
        return;
      case 'equals-ignore-case':
        this.stringIndexes--;
        removeFrom(this.ignoreCaseLower, m.value.toLowerCase(), slot);
        removeFrom(this.ignoreCaseUpper, m.value.toUpperCase(), slot);
        return;
      case 'wildcard': {
        const segments = m.wildcard.segments;
        if (segments.length === 1) {
          removeFrom(this.exact, segments[0], slot);
          return;
        }
        this.stringIndexes--;
        const head = segments[0];
        const tail = segments[segments.length - 1];
        if (head !== '') this.prefixes.remove(head, slot);
        else if (tail !== '') this.suffixes.remove(tail, slot);
        else removeFromList(this.anyString, slot);
        return;
      }
      default:
        return;
    }
  }

  private affixMaps(suffix: boolean, length: number, create: boolean): AffixMaps | undefined {
    const byLength = suffix ? this.suffixesIgnoreCase : this.prefixesIgnoreCase;
    let maps = byLength.get(length);
    if (maps === undefined && create) {
      maps = { lower: new Map(), upper: new Map() };
      byLength.set(length, maps);
    }
    return maps;
  }

  // ---- lookup ----------------------------------------------------------------------------------------

  /** Push onto `out` the lists of predicates that accept `value` (or, for FILTER predicates, may). PRESENT ones: see `presence`. */
  collect(value: Leaf, out: number[][]): void {
    const exact = this.exact.get(value);
    if (exact !== undefined) out.push(exact);
    if (typeof value === 'string') {
      if (this.stringIndexes > 0) this.collectString(value, out);
      if (this.ipIndexes > 0) {
        const hex = ipToHex(value);
        if (hex !== undefined) (hex.length === 8 ? this.ipv4 : this.ipv6).stab(hex, out);
      }
    } else if (typeof value === 'number') {
      if (this.numeric.size > 0) this.numeric.stab(value, out);
    }
  }

  private collectString(value: string, out: number[][]): void {
    if (this.prefixes.size > 0) this.prefixes.collect(value, out);
    if (this.suffixes.size > 0) this.suffixes.collect(value, out);
    if (this.ignoreCaseLower.size > 0) {
      const lower = this.ignoreCaseLower.get(value.toLowerCase());
      if (lower !== undefined) out.push(lower);
      const upper = this.ignoreCaseUpper.get(value.toUpperCase());
      if (upper !== undefined) out.push(upper);
    }
    if (this.prefixesIgnoreCase.size > 0) collectAffixIgnoreCase(this.prefixesIgnoreCase, value, false, out);
    if (this.suffixesIgnoreCase.size > 0) collectAffixIgnoreCase(this.suffixesIgnoreCase, value, true, out);
    if (this.anyString.length > 0) out.push(this.anyString);
  }
}

function collectAffixIgnoreCase(byLength: Map<number, AffixMaps>, value: string, suffix: boolean, out: number[][]): void {
  for (const [length, maps] of byLength) {
    if (length > value.length) continue;
    const part = suffix ? value.slice(value.length - length) : value.slice(0, length);
    const lower = maps.lower.get(part.toLowerCase());
    if (lower !== undefined) out.push(lower);
    const upper = maps.upper.get(part.toUpperCase());
    if (upper !== undefined) out.push(upper);
  }
}

/** The distinct values a plain anything-but excludes (strings and numbers stay apart as map keys). */
function excludedValues(m: Matcher): Leaf[] {
  if (m.kind !== 'anything-but') return [];
  return [...new Set<Leaf>([...m.strings, ...m.numbers])];
}

/** The exact JSON value a matcher names, for the statistics (undefined for non-exact operators). */
function exactValueOf(m: Matcher): Leaf | undefined {
  switch (m.kind) {
    case 'exact-string':
    case 'exact-number':
    case 'exact-literal':
      return m.value;
    case 'exact-ip':
      return m.range.bottom;
    case 'numeric':
      return isNumericEquality(m) ? m.lower : undefined;
    default:
      return undefined;
  }
}
