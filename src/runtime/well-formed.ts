/**
 * Well-formed strings for the wire: every lone UTF-16 surrogate (a high surrogate not followed by a low one, or a
 * low one not preceded by a high one) becomes U+FFFD, the replacement character.
 *
 * Why: events are JSON, and JSON may carry lone surrogates (`"\ud800"`); EventBridge delivers them unchanged.
 * The SDK's query serializer (SNS Publish is an awsQuery call) encodes each value with `encodeURIComponent`,
 * which throws `URIError: URI malformed` on a lone surrogate — and leaves its half-written body in the client's
 * shared serializer, so the *next* request on that client starts with `Message=&Message=…`. Making every string
 * well-formed before it reaches the SDK removes the cause; `resetQuerySerializerMiddleware` in `publish.ts` removes
 * the consequence for any other serializer failure.
 *
 * @see https://tc39.es/ecma262/#sec-string.prototype.towellformed
 * @see https://developer.mozilla.org/en-US/docs/Web/JavaScript/Reference/Global_Objects/String/toWellFormed
 */

// Node 20 has String.prototype.isWellFormed/toWellFormed (ES2024); the project's TypeScript lib is ES2022.
type Es2024String = string & { isWellFormed(): boolean; toWellFormed(): string };

/**
 * The string with every lone surrogate replaced by U+FFFD; a well-formed string is returned as it is.
 * @example toWellFormedString('a\uD800b'); // 'a\uFFFDb'
 */
export function toWellFormedString(text: string): string {
  const value = text as Es2024String;
  return value.isWellFormed() ? text : value.toWellFormed();
}

/** Whether the string has no lone surrogate. @example isWellFormedString('\uD83D\uDE00'); // true */
export function isWellFormedString(text: string): boolean {
  return (text as Es2024String).isWellFormed();
}

/**
 * A copy of a JSON-like value with every string — object keys included — made well-formed
 * ({@link toWellFormedString}). Plain objects and arrays are copied; other objects (Dates, Uint8Arrays, class
 * instances) and primitives are kept as they are. The input is never changed; a value without lone surrogates
 * comes back unchanged (the same object).
 * @example toWellFormedDeep({ Subject: 'x\uDC00', MessageAttributes: { a: { StringValue: '\uD800' } } });
 * // { Subject: 'x\uFFFD', MessageAttributes: { a: { StringValue: '\uFFFD' } } }
 */
export function toWellFormedDeep<T>(value: T): T {
  return wellFormed(value, 0) as T;
}

/** Deeper than this, values are kept as they are (SNS requests are a few levels deep). */
const MAX_DEPTH = 64;

function wellFormed(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return toWellFormedString(value);
  if (depth >= MAX_DEPTH || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item, index) => {
      const clean = wellFormed(item, depth + 1);
      if (clean !== item) (copy ??= [...value])[index] = clean;
    });
    return copy ?? value;
  }
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) return value;
  let changed = false;
  const entries = Object.entries(value).map(([key, item]) => {
    const cleanKey = toWellFormedString(key);
    const clean = wellFormed(item, depth + 1);
    if (cleanKey !== key || clean !== item) changed = true;
    return [cleanKey, clean] as const;
  });
  return changed ? Object.fromEntries(entries) : value;
}
