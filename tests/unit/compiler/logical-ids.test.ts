import {
  CompilerError,
  assertUniqueIds,
  pascalName,
  permissionLogicalId,
  ruleLogicalId,
  rulePhysicalName,
  serverlessFunctionLogicalId,
  subscriptionLogicalId,
  topicLogicalId,
} from '../../../src/compiler';

describe('Module: logical-ids', () => {
  it.each([
    ['iam-root-login', 'PatchbayRuleIamRootLogin'],
    ['ec2-instance-stopped', 'PatchbayRuleEc2InstanceStopped'],
    ['s3', 'PatchbayRuleS3'],
  ])('derives %s -> %s without a hash for canonical names', (name, id) => {
    expect(ruleLogicalId(name)).toBe(id);
  });

  it.each([
    ['iam-root-login', 'iam.root_login'],
    ['iam-root-login', 'Iam-Root-Login'],
    ['a1b', 'a-1b'],
    ['iamroot-login', 'iamRoot-login'],
  ])('keeps %s and %s apart although they normalise alike', (a, b) => {
    expect(ruleLogicalId(a)).not.toBe(ruleLogicalId(b));
    expect(ruleLogicalId(b)).toMatch(/^PatchbayRule[A-Za-z0-9]+[0-9a-f]{8}$/);
  });

  it('is alphanumeric, deterministic and at most 255 characters', () => {
    const name = `Weird.Name_${'x'.repeat(50)}`;
    expect(ruleLogicalId(name)).toBe(ruleLogicalId(name));
    expect(ruleLogicalId(name)).toMatch(/^[A-Za-z0-9]{1,255}$/);
    expect(pascalName('a-b')).toBe('AB');
  });

  it('names topics, subscriptions and permissions from their own names', () => {
    expect(topicLogicalId('security')).toBe('PatchbayTopicSecurity');
    expect(subscriptionLogicalId('security', 'email', 'a@example.com')).toMatch(/^PatchbayTopicSecuritySubscription[0-9a-f]{8}$/);
    expect(subscriptionLogicalId('security', 'sqs', { 'Fn::GetAtt': ['Q', 'Arn'] })).toBe(subscriptionLogicalId('security', 'sqs', { 'Fn::GetAtt': ['Q', 'Arn'] }));
    expect(permissionLogicalId('notify', 'default')).toBe('NotifyPatchbayInvokePermission');
    expect(permissionLogicalId('send_alert', 'orders')).toBe('SendUnderscorealertPatchbayInvokePermissionOrders');
  });

  it('replicates Serverless function logical IDs', () => {
    expect(serverlessFunctionLogicalId('notify')).toBe('NotifyLambdaFunction');
    expect(serverlessFunctionLogicalId('send-alert_v2')).toBe('SendDashalertUnderscorev2LambdaFunction');
  });

  it('keeps physical rule names within 64 characters', () => {
    expect(rulePhysicalName('patchbay', 'dev', 'iam-root-login')).toBe('patchbay.dev.iam-root-login');
    const long = rulePhysicalName('patchbay', 'dev', 'r'.repeat(64));
    expect(long).toHaveLength(64);
    expect(long.startsWith('patchbay.dev.rrr')).toBe(true);
    expect(rulePhysicalName('patchbay', 'dev', 'r'.repeat(64))).not.toBe(rulePhysicalName('patchbay', 'dev', `${'r'.repeat(63)}s`));
  });

  it('detects a collision between different names', () => {
    expect(() => assertUniqueIds([['A', 'a'], ['A', 'b']])).toThrow(CompilerError);
    expect(() => assertUniqueIds([['A', 'a'], ['B', 'b']])).not.toThrow();
  });
});
