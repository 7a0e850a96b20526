/**
 * The AWS-recorded event-pattern cases of ../shared/conformance, read in place, and the exact texts to send.
 */
import { readFileSync } from 'node:fs';
import { sharedPath } from './shared';

/** One recorded case (see ../shared/conformance/README.md). */
export interface ConformanceCase {
  id: string;
  pattern: unknown;
  event: unknown;
  expected: 'match' | 'no-match' | 'invalid-pattern' | 'invalid-event';
  error?: string;
  error_code?: string;
  pattern_json?: string;
  event_json?: string;
}

/** All recorded cases. */
export function loadConformanceCases(): ConformanceCase[] {
  return JSON.parse(readFileSync(sharedPath('conformance', 'eventbridge-patterns.json'), 'utf8'));
}

/** The pattern as the exact text AWS was sent (the parsed value alone loses float literals and repeated keys). */
export function patternText(c: ConformanceCase): string {
  return c.pattern_json ?? (typeof c.pattern === 'string' ? c.pattern : JSON.stringify(c.pattern));
}

/** The event as the exact text AWS was sent. */
export function eventText(c: ConformanceCase): string {
  return c.event_json ?? (typeof c.event === 'string' ? c.event : JSON.stringify(c.event));
}

/**
 * The event as TestEventPattern needs it: PutEvents cases hold only source, detail-type and detail, and
 * EventBridge adds the rest of the envelope (these patterns do not reference it).
 */
export function eventTextWithEnvelope(c: ConformanceCase): string {
  const text = eventText(c);
  if (c.expected === 'invalid-event' || typeof c.event !== 'object' || c.event === null || 'id' in c.event) return text;
  return JSON.stringify({ id: 'e1', account: '123456789012', time: '2024-01-01T00:00:00Z', region: 'us-east-1', ...JSON.parse(text) });
}
