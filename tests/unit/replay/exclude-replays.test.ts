import { matchEventPattern, parseEventPattern } from '../../../src/pattern';
import { excludeReplays, REPLAY_NAME_FIELD } from '../../../src/replay';
import liveEvent from '../../fixtures/project/events/iam/attach-role-policy.json';

const replayed = { ...liveEvent, [REPLAY_NAME_FIELD]: 'patchbay-dev-default-20250603T091427' };
const matches = (pattern: Record<string, unknown>, event: unknown) => matchEventPattern(parseEventPattern(pattern), event);

describe('Function: excludeReplays', () => {
  it('adds "replay-name": [{"exists": false}] at the top level without changing the input', () => {
    // Prepare
    const pattern = { source: ['aws.iam'] };

    // Act
    const result = excludeReplays(pattern);

    // Assess
    expect(result).toEqual({ source: ['aws.iam'], 'replay-name': [{ exists: false }] });
    expect(pattern).toEqual({ source: ['aws.iam'] });
  });

  it('still matches live events and no longer matches replayed ones (pattern engine)', () => {
    // Prepare
    const pattern = { source: ['aws.iam'], 'detail-type': ['AWS API Call via CloudTrail'], detail: { eventName: ['AttachRolePolicy'] } };

    // Act
    const optedOut = excludeReplays(pattern);

    // Assess
    expect(matches(pattern, liveEvent)).toBe(true);
    expect(matches(pattern, replayed)).toBe(true);
    expect(matches(optedOut, liveEvent)).toBe(true);
    expect(matches(optedOut, replayed)).toBe(false);
  });

  it('holds in every branch of a top-level $or', () => {
    // Prepare
    const pattern = {
      $or: [{ source: ['aws.iam'] }, { 'detail-type': ['AWS API Call via CloudTrail'], detail: { eventSource: ['iam.amazonaws.com'] } }],
    };
    const onlySecondBranch = { ...liveEvent, source: 'custom.other' };
    const onlySecondBranchReplayed = { ...onlySecondBranch, [REPLAY_NAME_FIELD]: 'r' };

    // Act
    const optedOut = excludeReplays(pattern);

    // Assess
    expect(matches(optedOut, liveEvent)).toBe(true);
    expect(matches(optedOut, onlySecondBranch)).toBe(true);
    expect(matches(optedOut, replayed)).toBe(false);
    expect(matches(optedOut, onlySecondBranchReplayed)).toBe(false);
    expect(parseEventPattern(optedOut).branches.every((branch) => branch.some((field) => field.path === REPLAY_NAME_FIELD))).toBe(true);
  });

  it('is idempotent', () => {
    const once = excludeReplays({ source: ['aws.iam'] });
    expect(excludeReplays(once)).toEqual(once);
  });

  it.each([
    [{ source: ['a'], 'replay-name': [{ prefix: 'x' }] }, '/replay-name'],
    [{ $or: [{ source: ['a'] }, { 'replay-name': [{ exists: true }] }] }, '/$or/1/replay-name'],
    [{ $or: [{ $or: [{ 'replay-name': ['x'] }, { source: ['b'] }] }, { source: ['a'] }] }, '/$or/0/$or/0/replay-name'],
  ])('refuses a pattern with its own replay-name condition: %j', (pattern, pointer) => {
    expect(() => excludeReplays(pattern)).toThrow(expect.objectContaining({ code: 'REPLAY_NAME_CONFLICT', field: pointer }));
  });
});
