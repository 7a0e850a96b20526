/**
 * The JSON paths EventBridge accepts in `InputPath` and `InputPathsMap`, and how it reads them from an event.
 *
 * EventBridge evaluates a subset of JSONPath (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html):
 * `$`, then `.name` segments (alphanumeric characters, dashes, underscores, forward slashes and any other character
 * but `.`, `[`, `]`, quotes and white space), `.*` wildcards, and `[N]` / `[*]` array indices. A path without the
 * leading `$`, with a quoted bracket (`$.detail['key']`), a deep scan (`$..x`) or a trailing dot is refused at
 * PutTargets with `InputPath for target <id> is invalid.` (measured against PutTargets in us-east-1, 2026-09-07,
 * as recorded by the cdk-preflight project). No JSONPath library accepts exactly this subset, so this is a small
 * exact reader: parse once, then walk the event.
 *
 * Reading follows Jayway JsonPath (the Java library the semantics match): a definite path (no wildcard) yields
 * the value or nothing (a missing key, an index out of range, a property of a non-object); a path with a wildcard
 * yields the array of every match, possibly empty.
 */

/** One step of a parsed path. */
export type PathSegment = { kind: 'property'; name: string } | { kind: 'index'; index: number } | { kind: 'wildcard' };

/** Maximum length of a path, in characters (PutTargets' `InputPath` and `InputPathsMap` value limit). */
export const MAX_PATH_LENGTH = 256;

const NAME = /^[^.[\]\s'"*]+/;

/**
 * Parse an EventBridge JSON path.
 * @returns its segments (`[]` for `$`), or `undefined` when EventBridge refuses the path.
 * @example parseJsonPath('$.detail.items[0].id') // [{property detail}, {property items}, {index 0}, {property id}]
 * @example parseJsonPath("$.detail['id']") // undefined
 */
export function parseJsonPath(path: string): PathSegment[] | undefined {
  if (path.length > MAX_PATH_LENGTH || !path.startsWith('$')) return undefined;
  const segments: PathSegment[] = [];
  let rest = path.slice(1);
  while (rest.length > 0) {
    if (rest.startsWith('.')) {
      rest = rest.slice(1);
      if (rest.startsWith('*')) {
        segments.push({ kind: 'wildcard' });
        rest = rest.slice(1);
        continue;
      }
      const name = NAME.exec(rest);
      if (!name) return undefined;
      segments.push({ kind: 'property', name: name[0] });
      rest = rest.slice(name[0].length);
    } else if (rest.startsWith('[')) {
      const index = /^\[(\*|-?\d+)\]/.exec(rest);
      if (!index) return undefined;
      segments.push(index[1] === '*' ? { kind: 'wildcard' } : { kind: 'index', index: Number(index[1]) });
      rest = rest.slice(index[0].length);
    } else {
      return undefined;
    }
  }
  return segments;
}

/** What a path reads from an event: the value, or nothing. */
export type PathValue = { found: true; value: unknown } | { found: false };

/**
 * Read a parsed path from a JSON value (an event).
 * @example readJsonPath({ detail: { a: [1, 2] } }, parseJsonPath('$.detail.a[1]')!) // { found: true, value: 2 }
 */
export function readJsonPath(root: unknown, segments: readonly PathSegment[]): PathValue {
  const definite = !segments.some((segment) => segment.kind === 'wildcard');
  let current: unknown[] = [root];
  for (const segment of segments) {
    const next: unknown[] = [];
    for (const value of current) {
      if (segment.kind === 'property') {
        if (isPlainObject(value) && Object.hasOwn(value, segment.name)) next.push(value[segment.name]);
      } else if (segment.kind === 'index') {
        if (Array.isArray(value)) {
          const at = segment.index < 0 ? value.length + segment.index : segment.index;
          if (at >= 0 && at < value.length) next.push(value[at]);
        }
      } else if (Array.isArray(value)) {
        next.push(...value);
      } else if (isPlainObject(value)) {
        next.push(...Object.values(value));
      }
    }
    current = next;
  }
  if (!definite) return { found: true, value: current };
  return current.length === 1 ? { found: true, value: current[0] } : { found: false };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
