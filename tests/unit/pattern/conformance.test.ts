/**
 * The 182 event-pattern cases recorded against real AWS (../shared/conformance): every match, no-match,
 * rejection reason and invalid event must come out as AWS answered.
 */
import { readFileSync } from 'node:fs';
import { testEventPattern, InvalidEventPatternError, InvalidEventError } from '../../../src/pattern';
import { sharedPath } from '../../support/shared';

interface ConformanceCase {
  id: string;
  pattern: unknown;
  event: unknown;
  expected: 'match' | 'no-match' | 'invalid-pattern' | 'invalid-event';
  error?: string;
  error_code?: string;
  pattern_json?: string;
  event_json?: string;
}

const cases: ConformanceCase[] = JSON.parse(readFileSync(sharedPath('conformance', 'eventbridge-patterns.json'), 'utf8'));

/** The exact text AWS was sent, where the parsed value alone loses information. */
function patternInput(c: ConformanceCase): string {
  return c.pattern_json ?? (typeof c.pattern === 'string' ? c.pattern : JSON.stringify(c.pattern));
}
function eventInput(c: ConformanceCase): string {
  return c.event_json ?? (typeof c.event === 'string' ? c.event : JSON.stringify(c.event));
}

/** PutEvents cases hold only source, detail-type and detail: EventBridge adds the rest of the envelope. */
function withEnvelope(c: ConformanceCase): string {
  const text = eventInput(c);
  if (c.expected === 'invalid-event' || typeof c.event !== 'object' || c.event === null) return text;
  const event = JSON.parse(text);
  return JSON.stringify({ id: 'e1', account: '123456789012', time: '2024-01-01T00:00:00Z', region: 'us-east-1', ...event });
}

describe('Conformance: EventBridge TestEventPattern as recorded against AWS', () => {
  it('has all 182 recorded cases', () => {
    expect(cases).toHaveLength(182);
  });

  it.each(cases.filter((c) => c.expected === 'match' || c.expected === 'no-match').map((c) => [c.id, c] as const))(
    '%s',
    (_id, c) => {
      // Act
      const result = testEventPattern(patternInput(c), withEnvelope(c));
      // Assess
      expect(result).toBe(c.expected === 'match');
    },
  );

  it.each(cases.filter((c) => c.expected === 'invalid-pattern').map((c) => [c.id, c] as const))('%s is rejected with AWS reason', (_id, c) => {
    // Act
    const act = () => testEventPattern(patternInput(c), withEnvelope(c));
    // Assess
    expect(act).toThrow(InvalidEventPatternError);
    expect(act).toThrow(expect.objectContaining({ code: c.error_code, message: c.error }));
  });

  it.each(cases.filter((c) => c.expected === 'invalid-event').map((c) => [c.id, c] as const))('%s: the event is rejected', (_id, c) => {
    const act = () => testEventPattern(patternInput(c), eventInput(c));
    expect(act).toThrow(InvalidEventError);
    expect(act).toThrow(expect.objectContaining({ code: 'ValidationException', message: c.error }));
  });
});
