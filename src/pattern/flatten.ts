/**
 * Event flattening: the leaves of an event keyed by dotted path, each with the array elements it lies in.
 *
 * `{"a":[{"b":1},{"b":2,"c":3}]}` gives `a.b -> [1 @ {A0:0}, 2 @ {A0:1}]`, `a.c -> [3 @ {A0:1}]`. A pattern
 * that names both `a.b` and `a.c` may only combine leaves whose array positions agree (here `2` and `3`),
 * which is how EventBridge keeps "fields of one array element are matched together".
 */
import { MAX_NESTING_DEPTH } from './depth';
import { InvalidEventError } from './errors';
import type { Leaf } from './matchers';

/** Array positions of a leaf: pairs of (array id, element index), outermost first; empty outside arrays. */
export type ArrayTrail = readonly number[];

/** One leaf of the event. */
export interface FlatLeaf {
  readonly value: Leaf;
  readonly trail: ArrayTrail;
}

const EMPTY: ArrayTrail = [];

/**
 * Collect the leaves of `event` under dotted paths. When `wanted` is given, only paths that are, or lead
 * to, one of its members are walked (the rest of the event is skipped).
 * @throws InvalidEventError when a walked object or array is nested deeper than MAX_NESTING_DEPTH (1,000).
 */
export function flattenEvent(event: unknown, wanted?: ReadonlySet<string>): Map<string, FlatLeaf[]> {
  const out = new Map<string, FlatLeaf[]>();
  let nextArrayId = 0;
  const add = (path: string, value: Leaf, trail: ArrayTrail) => {
    const list = out.get(path);
    if (list) list.push({ value, trail });
    else out.set(path, [{ value, trail }]);
  };
  // `root` is separate from `path`: an empty key ("") is a field like any other, not the event itself.
  // `depth`: objects and arrays around `value`.
  const walk = (value: unknown, path: string, trail: ArrayTrail, root: boolean, depth: number): void => {
    if (value !== null && typeof value === 'object' && depth >= MAX_NESTING_DEPTH) throw eventTooDeep();
    if (Array.isArray(value)) {
      const id = nextArrayId++;
      for (let i = 0; i < value.length; i++) walk(value[i], path, [...trail, id, i], root, depth + 1);
      return;
    }
    if (value !== null && typeof value === 'object') {
      for (const key of Object.keys(value)) {
        const child = root ? key : `${path}.${key}`;
        if (wanted && !wanted.has(child)) continue;
        walk((value as Record<string, unknown>)[key], child, trail, false, depth + 1);
      }
      return;
    }
    if (!root) add(path, value as Leaf, trail);
  };
  walk(event, '', EMPTY, true, 0);
  return out;
}

/** The error of an event nested deeper than MAX_NESTING_DEPTH where it is read. */
export function eventTooDeep(): InvalidEventError {
  return new InvalidEventError(`the event nests objects and arrays deeper than ${MAX_NESTING_DEPTH} levels`);
}

/** Every dotted path and every prefix of one, for `flattenEvent`'s `wanted` argument. */
export function pathPrefixes(paths: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (const p of paths) {
    let i = p.indexOf('.');
    while (i >= 0) {
      out.add(p.slice(0, i));
      i = p.indexOf('.', i + 1);
    }
    out.add(p);
  }
  return out;
}

/** True when two trails never place their leaves in different elements of the same array. */
export function trailsAgree(a: ArrayTrail, b: ArrayTrail): boolean {
  if (a.length === 0 || b.length === 0) return true;
  for (let i = 0; i < a.length; i += 2) {
    for (let j = 0; j < b.length; j += 2) {
      if (a[i] === b[j] && a[i + 1] !== b[j + 1]) return false;
    }
  }
  return true;
}
