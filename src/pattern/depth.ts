/**
 * The nesting limit of JSON documents: patterns and events may nest objects and arrays at most
 * {@link MAX_NESTING_DEPTH} deep, as EventBridge's JSON parser (Jackson) allows.
 *
 * Jackson (2.15 and later) refuses a document whose nesting exceeds 1,000 with `Document nesting depth (1001)
 * exceeds the maximum allowed (1000, from \`StreamReadConstraints.getMaxNestingDepth()\`)`; aws/event-ruler,
 * EventBridge's engine, built with Jackson 2.22 (../shared/bench/event-ruler), gives exactly that for a pattern
 * and for an event. Counting: the outermost object is depth 1, and every object or array inside adds one, so
 * `{"a":[1]}` is 2 deep. Without this limit, deep documents exhausted the stack (`Maximum call stack size
 * exceeded`): patterns 3,859 deep, `$or` 2,000 deep, events 4,689 deep.
 * @see https://javadoc.io/doc/com.fasterxml.jackson.core/jackson-core/latest/com/fasterxml/jackson/core/StreamReadConstraints.html
 */

/** Deepest nesting of objects and arrays in a pattern or an event (Jackson's default `maxNestingDepth`). */
export const MAX_NESTING_DEPTH = 1000;

/** Jackson's reason for a document nested `depth` deep, beyond {@link MAX_NESTING_DEPTH}. */
export function nestingDepthReason(depth: number): string {
  return `Document nesting depth (${depth}) exceeds the maximum allowed (${MAX_NESTING_DEPTH}, from \`StreamReadConstraints.getMaxNestingDepth()\`)`;
}

/**
 * The first container (in document order) nested deeper than `max`, as an RFC 6901 pointer; `undefined`
 * when `value` nests at most `max` deep. Iterative, so any depth (or a cyclic object graph) is safe; it stops
 * at the first container beyond the limit.
 * @example findTooDeep({ a: [[1]] }, 2); // '/a/0'
 */
export function findTooDeep(value: unknown, max = MAX_NESTING_DEPTH): string | undefined {
  // Depth-first, children in document order; each entry keeps its parent's entry to rebuild the pointer.
  interface Entry {
    readonly value: unknown;
    readonly depth: number;
    readonly parent: Entry | undefined;
    readonly key: string;
  }
  const stack: Entry[] = [{ value, depth: 1, parent: undefined, key: '' }];
  while (stack.length > 0) {
    const entry = stack.pop()!;
    const v = entry.value;
    if (v === null || typeof v !== 'object') continue;
    if (entry.depth > max) return pointerOf(entry);
    const keys = Array.isArray(v) ? v.map((_, i) => String(i)) : Object.keys(v);
    for (let i = keys.length - 1; i >= 0; i--) {
      const child = (v as Record<string, unknown>)[keys[i]];
      if (child !== null && typeof child === 'object') stack.push({ value: child, depth: entry.depth + 1, parent: entry, key: keys[i] });
    }
  }
  return undefined;

  function pointerOf(entry: Entry): string {
    const tokens: string[] = [];
    for (let e: Entry | undefined = entry; e?.parent !== undefined; e = e.parent) tokens.push(e.key.replace(/~/g, '~0').replace(/\//g, '~1'));
    return tokens.reverse().map((t) => `/${t}`).join('');
  }
}

/**
 * Whether JSON text nests objects and arrays deeper than `max`, by one scan of its characters (strings skipped,
 * escapes honoured); text shorter than `2 * max` characters, or with at most `max` opening brackets (counted
 * natively first), never does, and is not scanned. For event text that is
 * then matched lazily (the routing index reads only the paths rules name), so an event EventBridge's parser would
 * refuse as a whole is refused here too.
 * @example textNestsDeeperThan('[[1]]', 1); // true
 */
export function textNestsDeeperThan(text: string, max = MAX_NESTING_DEPTH): boolean {
  if (text.length <= 2 * max) return false;
  // Nesting deeper than max needs more than max opening brackets: count them with native indexOf jumps first
  // (a CloudTrail event has about a hundred), and scan character by character only beyond that.
  let opens = 0;
  for (let i = text.indexOf('{'); i !== -1 && opens <= max; i = text.indexOf('{', i + 1)) opens++;
  for (let i = text.indexOf('['); i !== -1 && opens <= max; i = text.indexOf('[', i + 1)) opens++;
  if (opens <= max) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}
