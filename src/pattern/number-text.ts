/**
 * The source spelling of numbers JavaScript cannot hold (`1e400` parses to `Infinity`), so that a pattern rejected
 * for one quotes it as EventBridge does: `Cannot compare number : 1e400` (Jackson keeps the token's text).
 *
 * Design: numbers are primitives, so a spelling is kept against the array or object that holds the number and the
 * key it sits at, in a `WeakMap` (no leak: it goes with the parsed value). The pattern's JSON reader records every
 * non-finite number it reads; other readers (the catalog's YAML reader) may record theirs. Without a record the
 * spelling is JavaScript's (`Infinity`, `-Infinity`, `NaN`).
 */
const spellings = new WeakMap<object, Map<string, string>>();

/**
 * Remember how the number at `container[key]` was written.
 * @example recordNumberText(terms, 1, '1e400') // terms = ['>', Infinity]
 */
export function recordNumberText(container: object, key: string | number, text: string): void {
  let byKey = spellings.get(container);
  if (!byKey) {
    byKey = new Map();
    spellings.set(container, byKey);
  }
  byKey.set(String(key), text);
}

/** How the number at `container[key]` was written, when recorded; else `String(value)`. */
export function numberText(container: object, key: string | number, value: number): string {
  return spellings.get(container)?.get(String(key)) ?? String(value);
}
