/** Instants as the commands print and compare them: ISO 8601 in UTC, to the second when that is exact. */

/**
 * `ms` (milliseconds since the epoch) as ISO 8601 UTC, without `.000` when the milliseconds are 0: the form of
 * CloudTrail's `eventTime` and EventBridge's `time`.
 * @example isoSeconds(Date.UTC(2026, 10, 1)); // '2026-11-01T00:00:00Z'
 */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.000Z$/, 'Z');
}

/**
 * Any instant `Date.parse` reads (`2026-11-01`, `2026-11-01T12:00:00+02:00`…) in the form of {@link isoSeconds},
 * or undefined when it is not a time.
 * @example canonicalInstant('2026-11-01'); // '2026-11-01T00:00:00Z'
 */
export function canonicalInstant(value: string): string | undefined {
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : isoSeconds(ms);
}
