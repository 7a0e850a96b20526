/** Small helpers for checking parsed JSON. */

/** A plain object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What a value is, for messages: `nothing`, `null`, `an array`, `an object`, `a string`, ... */
export function describeType(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `${typeof value === 'object' ? 'an' : 'a'} ${typeof value}`;
}

/** A non-empty string, else `undefined`: for optional event fields. @example asText('') // undefined */
export function asText(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A plain object, else `{}`: for walking optional event fields. @example asRecord(null).x // undefined */
export function asRecord(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

/** An array, else `[]`. */
export function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** The object without its `undefined` values. @example withoutUndefined({ a: 1, b: undefined }) // { a: 1 } */
export function withoutUndefined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
