/**
 * Properties of matching that hold for any event: a pattern built from an event's own values matches it,
 * and changing one of those values breaks the match.
 */
import fc from 'fast-check';
import { parseEventPattern, matchEventPattern } from '../../../src/pattern';

type Scalar = string | number | boolean | null;
type Json = Scalar | Json[] | { [k: string]: Json };

const key = fc.stringMatching(/^[a-z][a-z0-9-]{0,6}$/);
const scalar: fc.Arbitrary<Scalar> = fc.oneof(fc.string({ maxLength: 8 }), fc.integer({ min: -1000, max: 1000 }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null));
/** Events without arrays: every leaf has exactly one path. */
const objectEvent: fc.Arbitrary<{ [k: string]: Json }> = fc.letrec<{ node: { [k: string]: Json } }>((tie) => ({
  node: fc.dictionary(key, fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('node')), { minKeys: 1, maxKeys: 4 }),
})).node;

function leaves(obj: { [k: string]: Json }, prefix: string[] = []): Array<[string[], Scalar]> {
  return Object.entries(obj).flatMap(([k, v]) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? leaves(v, [...prefix, k]) : [[[...prefix, k], v as Scalar] as [string[], Scalar]],
  );
}

function nest(path: string[], value: unknown): Record<string, unknown> {
  return path.reduceRight<unknown>((acc, k) => ({ [k]: acc }), value) as Record<string, unknown>;
}

const isPlain = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function merge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) {
    out[k] = isPlain(out[k]) && isPlain(v) ? merge(out[k] as Record<string, unknown>, v as Record<string, unknown>) : v;
  }
  return out;
}

/** A matcher for `value` that must accept it. */
function acceptingMatcher(value: Scalar, choice: number): unknown {
  if (typeof value === 'string') {
    return [value, { prefix: value.slice(0, choice % (value.length + 1)) }, { suffix: value.slice(value.length - (choice % (value.length + 1))) }, { 'equals-ignore-case': value.toUpperCase() === value.toLowerCase() ? value : value.toUpperCase() }, { exists: true }, { 'anything-but': `${value}~` }][choice % 6];
  }
  if (typeof value === 'number') return [value, { numeric: ['>=', value] }, { numeric: ['<=', value] }, { numeric: ['=', value] }, { 'anything-but': flipped(value) }][choice % 5];
  return [value, { exists: true }][choice % 2];
}

/** A different value of the same type, that the exact matcher for `value` must reject. */
function flipped(value: Scalar): Scalar {
  if (typeof value === 'string') return `${value}x`;
  // Halving a large value keeps it finite (doubling could overflow to Infinity, which patterns cannot compare).
  if (typeof value === 'number') return value + 1 === value ? value / 2 : value + 1;
  if (typeof value === 'boolean') return !value;
  return 'null';
}

describe('Property: matchEventPattern', () => {
  it('a pattern built from an event\'s own values matches it', () => {
    fc.assert(
      fc.property(objectEvent, fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), (event, choices) => {
        const chosen = leaves(event).slice(0, choices.length);
        const pattern = chosen.reduce<Record<string, unknown>>((acc, [path, v], i) => merge(acc, nest(path, [acceptingMatcher(v, choices[i])])), {});
        return matchEventPattern(parseEventPattern(pattern, { maxLengthInChars: 0 }), event);
      }),
      { numRuns: 500 },
    );
  });

  it('changing one matched value breaks an exact-value match', () => {
    fc.assert(
      fc.property(objectEvent, fc.nat(), (event, pick) => {
        const all = leaves(event);
        const pattern = all.reduce<Record<string, unknown>>((acc, [path, v]) => merge(acc, nest(path, [v])), {});
        const [path, value] = all[pick % all.length];
        const changed = merge(event, nest(path, flipped(value)));
        const compiled = parseEventPattern(pattern, { maxLengthInChars: 0 });
        return matchEventPattern(compiled, event) && !matchEventPattern(compiled, changed);
      }),
      { numRuns: 500 },
    );
  });

  it('wrapping a matched value in an array with other values still matches', () => {
    fc.assert(
      fc.property(objectEvent, fc.nat(), fc.array(scalar, { maxLength: 3 }), (event, pick, others) => {
        const all = leaves(event);
        const [path, value] = all[pick % all.length];
        const pattern = nest(path, [value]);
        const widened = merge(event, nest(path, [...others, value]));
        return matchEventPattern(parseEventPattern(pattern, { maxLengthInChars: 0 }), widened);
      }),
      { numRuns: 300 },
    );
  });
});
