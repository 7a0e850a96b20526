/**
 * The 182 event-pattern cases recorded against real AWS (../shared/conformance): every match, no-match,
 * rejection reason and invalid event must come out as AWS answered.
 */
import { testEventPattern, InvalidEventPatternError, InvalidEventError } from '../../../src/pattern';
import { eventText, eventTextWithEnvelope, loadConformanceCases, patternText } from '../../support/conformance';

const cases = loadConformanceCases();

describe('Conformance: EventBridge TestEventPattern as recorded against AWS', () => {
  it('has all 182 recorded cases', () => {
    expect(cases).toHaveLength(182);
  });

  it.each(cases.filter((c) => c.expected === 'match' || c.expected === 'no-match').map((c) => [c.id, c] as const))(
    '%s',
    (_id, c) => {
      // Act
      const result = testEventPattern(patternText(c), eventTextWithEnvelope(c));
      // Assess
      expect(result).toBe(c.expected === 'match');
    },
  );

  it.each(cases.filter((c) => c.expected === 'invalid-pattern').map((c) => [c.id, c] as const))('%s is rejected with AWS reason', (_id, c) => {
    // Act
    const act = () => testEventPattern(patternText(c), eventTextWithEnvelope(c));
    // Assess
    expect(act).toThrow(InvalidEventPatternError);
    expect(act).toThrow(expect.objectContaining({ code: c.error_code, message: c.error }));
  });

  it.each(cases.filter((c) => c.expected === 'invalid-event').map((c) => [c.id, c] as const))('%s: the event is rejected', (_id, c) => {
    const act = () => testEventPattern(patternText(c), eventText(c));
    expect(act).toThrow(InvalidEventError);
    expect(act).toThrow(expect.objectContaining({ code: 'ValidationException', message: c.error }));
  });
});
