import { checkJmesPath } from '../../../src/catalog';

describe('Function: checkJmesPath (cached)', () => {
  it('gives a repeated expression the same answer as its first check', () => {
    // Act
    const first = checkJmesPath('detail.[');
    const again = checkJmesPath('detail.[');

    // Assess
    expect(first).toEqual({ reason: expect.stringContaining('parse error at column 8'), position: 8 });
    expect(again).toEqual(first);
    expect(checkJmesPath('detail.errorCode == null')).toBeUndefined();
    expect(checkJmesPath('detail.errorCode == null')).toBeUndefined();
  });

  it('hands each caller its own problem object', () => {
    // Prepare
    const first = checkJmesPath('unknown_function(detail)')!;

    // Act
    first.reason = 'changed by a caller';

    // Assess
    expect(checkJmesPath('unknown_function(detail)')!.reason).not.toBe('changed by a caller');
  });
});
