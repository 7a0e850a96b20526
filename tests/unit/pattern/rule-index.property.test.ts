/**
 * Differential property: a RuleIndex of many patterns returns exactly the rules whose pattern
 * matchEventPattern accepts, in insertion order — for every operator, nested objects, dotted keys, `$or`,
 * arrays of objects (array consistency) and add/remove/replace sequences. Patterns and events draw keys and
 * values from one small vocabulary so that matches, near misses and shared predicates are frequent.
 */
import fc from 'fast-check';
import { parseEventPattern, matchEventPattern, RuleIndex, type EventPattern } from '../../../src/pattern';

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

// ---- vocabulary ---------------------------------------------------------------------------------------

const KEYS = ['a', 'b', 'c', 'a.b'] as const;
const STRINGS = ['x', 'X', 'xy', 'xyz', 'yx', 'y', '', 'abc', 'ABC', 'aBc', 'İ', 'i̇', 'ß', 'SS', '10.0.0.1', '10.0.0.255', '10.0.1.0', '2001:db8::1', 'a*b', 'a\\b'];
const NUMBERS = [0, -0, 1, 1.5, 10, 100, -5, 1000, 2e9];

const key = fc.constantFrom(...KEYS);
const str = fc.constantFrom(...STRINGS);
const num = fc.constantFrom(...NUMBERS);
const scalar: fc.Arbitrary<Json> = fc.oneof(
  { weight: 5, arbitrary: str },
  { weight: 3, arbitrary: num },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
);
const nonEmpty = str.filter((s) => s !== '');
const wildcardText = fc.constantFrom('x*', '*y', '*x*', 'x*y', 'xy', '*', 'a\\*b', '1*', '*.1', 'a*b*c', '*B*');
const cidr = fc.constantFrom('10.0.0.0/24', '10.0.0.0/8', '10.0.1.0/31', '2001:db8::/32', '0.0.0.0/0', '10.0.0.1/30');

// ---- patterns -----------------------------------------------------------------------------------------

const numericRange: fc.Arbitrary<unknown> = fc.oneof(
  fc.tuple(fc.constantFrom('>', '>=', '<', '<=', '='), num).map(([op, n]) => ({ numeric: [op, n] })),
  fc
    .tuple(fc.constantFrom('>', '>='), num, fc.constantFrom('<', '<='), num)
    .map(([lo, a, hi, b]) => ({ numeric: [lo, Math.min(a, b), hi, Math.max(a, b) === Math.min(a, b) ? Math.max(a, b) + 1 : Math.max(a, b)] })),
);

const matcher: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: scalar },
  { weight: 1, arbitrary: str.map((s) => ({ exactly: s })) },
  { weight: 2, arbitrary: str.map((s) => ({ prefix: s })) },
  { weight: 2, arbitrary: str.map((s) => ({ suffix: s })) },
  { weight: 1, arbitrary: str.map((s) => ({ prefix: { 'equals-ignore-case': s } })) },
  { weight: 1, arbitrary: str.map((s) => ({ suffix: { 'equals-ignore-case': s } })) },
  { weight: 2, arbitrary: str.map((s) => ({ 'equals-ignore-case': s })) },
  { weight: 2, arbitrary: fc.oneof(str, num).map((v) => ({ 'anything-but': v })) },
  { weight: 1, arbitrary: fc.oneof(fc.uniqueArray(str, { minLength: 1, maxLength: 3 }), fc.uniqueArray(num, { minLength: 1, maxLength: 3 })).map((v) => ({ 'anything-but': v })) },
  { weight: 1, arbitrary: fc.oneof(nonEmpty, fc.uniqueArray(nonEmpty, { minLength: 1, maxLength: 2 })).map((v) => ({ 'anything-but': { prefix: v } })) },
  { weight: 1, arbitrary: fc.oneof(nonEmpty, fc.uniqueArray(nonEmpty, { minLength: 1, maxLength: 2 })).map((v) => ({ 'anything-but': { suffix: v } })) },
  { weight: 1, arbitrary: fc.oneof(str, fc.uniqueArray(str, { minLength: 1, maxLength: 2 })).map((v) => ({ 'anything-but': { 'equals-ignore-case': v } })) },
  { weight: 1, arbitrary: fc.oneof(wildcardText, fc.uniqueArray(wildcardText, { minLength: 1, maxLength: 2 })).map((v) => ({ 'anything-but': { wildcard: v } })) },
  { weight: 3, arbitrary: numericRange },
  { weight: 3, arbitrary: fc.boolean().map((b) => ({ exists: b })) },
  { weight: 1, arbitrary: cidr.map((c) => ({ cidr: c })) },
  { weight: 2, arbitrary: wildcardText.map((w) => ({ wildcard: w })) },
);

const matcherList = fc.array(matcher, { minLength: 1, maxLength: 3 });

/** A pattern object: fields are matcher lists or nested objects; sometimes a `$or` of 2-3 such objects. */
const patternObject: fc.Arbitrary<Record<string, unknown>> = fc.letrec<{ obj: Record<string, unknown>; field: unknown }>((tie) => ({
  field: fc.oneof({ depthSize: 'small', maxDepth: 2 }, matcherList, tie('obj')),
  obj: fc.dictionary(key, tie('field'), { minKeys: 1, maxKeys: 3 }),
})).obj;

const pattern: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: patternObject },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.option(patternObject, { nil: undefined }), fc.array(patternObject, { minLength: 2, maxLength: 3 }))
      .map(([base, alternatives]) => ({ ...(base ?? {}), $or: alternatives })),
  },
);

/** Parsed, or undefined when EventBridge would reject the generated pattern (rare: e.g. $or inside keys). */
function tryParse(p: unknown): EventPattern | undefined {
  try {
    return parseEventPattern(p as object, { maxLengthInChars: 0 });
  } catch {
    return undefined;
  }
}

const validPatterns = (maxLength: number) =>
  fc.array(pattern, { minLength: 1, maxLength }).map((ps) => ps.map(tryParse).filter((p): p is EventPattern => p !== undefined));

// ---- events -------------------------------------------------------------------------------------------

const event: fc.Arbitrary<Json> = fc.letrec<{ obj: Json; value: Json }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', maxDepth: 3 },
    { weight: 6, arbitrary: scalar },
    { weight: 3, arbitrary: tie('obj') },
    { weight: 2, arbitrary: fc.array(scalar, { maxLength: 3 }) },
    { weight: 2, arbitrary: fc.array(tie('obj'), { maxLength: 3 }) },
    { weight: 1, arbitrary: fc.array(fc.array(tie('value'), { maxLength: 2 }), { maxLength: 2 }) },
  ),
  obj: fc.dictionary(key, tie('value'), { minKeys: 0, maxKeys: 4 }),
})).obj;

// ---- helpers ------------------------------------------------------------------------------------------

function expected(rules: ReadonlyArray<readonly [number, EventPattern]>, e: Json): number[] {
  return rules.filter(([, p]) => matchEventPattern(p, e)).map(([id]) => id);
}

describe('Property: RuleIndex agrees with matchEventPattern', () => {
  it('on every event, for any set of patterns', () => {
    fc.assert(
      fc.property(validPatterns(8), fc.array(event, { minLength: 1, maxLength: 4 }), (patterns, events) => {
        // Prepare
        const index = new RuleIndex<number>();
        patterns.forEach((p, id) => index.add(id, p));
        const rules = patterns.map((p, id) => [id, p] as const);
        // Act + Assess
        for (const e of events) expect(index.match(e)).toEqual(expected(rules, e));
      }),
      { numRuns: 4000 },
    );
  });

  it('with enough rules that keys are re-chosen (more than 64 rules)', () => {
    fc.assert(
      fc.property(fc.array(pattern, { minLength: 70, maxLength: 140 }), fc.array(event, { minLength: 5, maxLength: 10 }), (raw, events) => {
        const patterns = raw.map(tryParse).filter((p): p is EventPattern => p !== undefined);
        const index = new RuleIndex<number>();
        patterns.forEach((p, id) => index.add(id, p));
        const rules = patterns.map((p, id) => [id, p] as const);
        for (const e of events) expect(index.match(e)).toEqual(expected(rules, e));
      }),
      { numRuns: 150 },
    );
  });

  it('through any sequence of add, replace and remove', () => {
    // A small pool of simple patterns per run, so that rules share predicates and keys, and match often.
    const simplePattern = fc.dictionary(fc.constantFrom('a', 'b'), matcherList, { minKeys: 1, maxKeys: 2 });
    const pool = fc.array(fc.oneof(simplePattern, pattern), { minLength: 1, maxLength: 4 });
    const op = fc.oneof(
      { weight: 4, arbitrary: fc.tuple(fc.constant('add' as const), fc.nat({ max: 7 }), fc.nat()) },
      { weight: 2, arbitrary: fc.tuple(fc.constant('remove' as const), fc.nat({ max: 7 })) },
      { weight: 3, arbitrary: fc.tuple(fc.constant('match' as const), event) },
    );
    fc.assert(
      fc.property(pool, fc.array(op, { minLength: 1, maxLength: 40 }), (rawPool, ops) => {
        const patterns = rawPool.map(tryParse);
        const index = new RuleIndex<string>();
        // The model: a Map keeps insertion order, and a replaced key keeps its place, as the index must.
        const model = new Map<string, EventPattern>();
        for (const o of ops) {
          if (o[0] === 'add') {
            const p = patterns[o[2] % patterns.length];
            if (p === undefined) continue;
            index.add(`r${o[1]}`, p);
            model.set(`r${o[1]}`, p);
          } else if (o[0] === 'remove') {
            expect(index.remove(`r${o[1]}`)).toBe(model.delete(`r${o[1]}`));
          } else {
            const want = [...model].filter(([, p]) => matchEventPattern(p, o[1])).map(([id]) => id);
            expect(index.match(o[1])).toEqual(want);
          }
          expect(index.size).toBe(model.size);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('matchJson equals match of the parsed text', () => {
    fc.assert(
      fc.property(validPatterns(6), event, (patterns, e) => {
        const index = new RuleIndex<number>();
        patterns.forEach((p, id) => index.add(id, p));
        expect(index.matchJson(JSON.stringify(e))).toEqual(index.match(e));
      }),
      { numRuns: 500 },
    );
  });
});
