import { RULE_NAME_PATTERN, assignTargetIds, checkJmesPath, deriveRuleName, topicPhysicalName } from '../../../src/catalog';

describe('Function: deriveRuleName', () => {
  it.each([
    ['iam/root-login.yml', 'iam-root-login'],
    ['a/b/c.yaml', 'a-b-c'],
    ['top.yml', 'top'],
    ['v1.2/x.YML', 'v1.2-x'],
  ])('%s -> %s', (relativePath, name) => {
    expect(deriveRuleName(relativePath)).toBe(name);
    expect(RULE_NAME_PATTERN.test(name)).toBe(true);
  });

  it('leaves invalid names for the pattern to reject', () => {
    expect(RULE_NAME_PATTERN.test(deriveRuleName('root login.yml'))).toBe(false);
    expect(RULE_NAME_PATTERN.test('x'.repeat(65))).toBe(false);
  });
});

describe('Function: assignTargetIds', () => {
  it('suffixes repeated functions in order and keeps ids within 64 chars', () => {
    expect(assignTargetIds(['notify', 'audit', 'notify', 'notify'])).toEqual(['notify', 'audit', 'notify-2', 'notify-3']);
    const long = 'f'.repeat(64);
    const ids = assignTargetIds([long, long]);
    expect(ids[0]).toBe(long);
    expect(ids[1]).toHaveLength(64);
    expect(ids[1].endsWith('-2')).toBe(true);
  });
});

describe('Function: topicPhysicalName', () => {
  it('is <service>-<stage>-<key>', () => {
    expect(topicPhysicalName('patchbay', 'dev', 'security')).toBe('patchbay-dev-security');
  });
});

describe('Function: checkJmesPath', () => {
  it.each(['detail.errorCode == null', "powertools_json(detail.body).user", 'length(detail.items) > `0`'])('accepts %s', (expression) => {
    expect(checkJmesPath(expression)).toBeUndefined();
  });

  it.each([
    ['detail.[', 8],
    ['foo bar', 4],
  ])('rejects the syntax error in %s at offset %d', (expression, position) => {
    expect(checkJmesPath(expression)).toEqual({ reason: expect.stringContaining('parse error'), position });
  });

  it.each(['nosuch(detail)', 'length(a, b)', ''])('rejects %j (unknown function, arity, empty)', (expression) => {
    expect(checkJmesPath(expression)).toEqual(expect.objectContaining({ reason: expect.any(String) }));
  });
});
