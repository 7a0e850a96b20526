import {
  archiveArn,
  archiveName,
  busNameOf,
  eventBusArn,
  eventBusName,
  formatReplayTimestamp,
  partitionOf,
  replayName,
  ruleArn,
  ReplayError,
} from '../../../src/replay';

const where = { account: '111122223333', region: 'eu-west-1' };

describe('Function: archiveName', () => {
  it('joins service, stage and bus', () => {
    expect(archiveName('patchbay', 'dev', 'default')).toBe('patchbay-dev-default');
  });

  it('cuts the name to 48 characters', () => {
    // Prepare
    const service = 's'.repeat(40);

    // Act
    const name = archiveName(service, 'prod', 'audit');

    // Assess
    expect(name).toHaveLength(48);
    expect(name).toBe(`${service}-prod-au`);
  });

  it('turns the / of a partner bus name into -', () => {
    expect(archiveName('patchbay', 'dev', 'aws.partner/example.com/123')).toBe('patchbay-dev-aws.partner-example.com-123');
  });

  it.each([
    ['service', '', 'dev', 'default'],
    ['stage', 'patchbay', 'my stage', 'default'],
    ['bus', 'patchbay', 'dev', 'a b'],
  ])('rejects an invalid %s with INVALID_NAME', (field, service, stage, bus) => {
    expect(() => archiveName(service, stage, bus)).toThrow(expect.objectContaining({ name: 'ReplayError', code: 'INVALID_NAME', field }));
  });
});

describe('Function: replayName', () => {
  it('appends the UTC start time to the archive name', () => {
    expect(replayName('patchbay', 'dev', 'default', new Date('2025-06-03T09:14:27.512Z'))).toBe('patchbay-dev-default-20250603T091427');
  });

  it('stays within 64 characters of [.\\-_A-Za-z0-9] however long the parts are', () => {
    const name = replayName('s'.repeat(100), 'stage.with_dots', 'bus-key', new Date('2025-12-31T23:59:59Z'));
    expect(name.length).toBeLessThanOrEqual(64);
    expect(name).toMatch(/^[.\-_A-Za-z0-9]{1,64}$/);
    expect(name.endsWith('-20251231T235959')).toBe(true);
  });

  it('formats timestamps as yyyymmddThhmmss', () => {
    expect(formatReplayTimestamp(new Date('2025-01-02T03:04:05Z'))).toBe('20250102T030405');
  });
});

describe('Function: ARNs', () => {
  it('builds bus, archive and rule ARNs', () => {
    expect(eventBusArn(where, 'default')).toBe('arn:aws:events:eu-west-1:111122223333:event-bus/default');
    expect(archiveArn(where, 'patchbay-dev-default')).toBe('arn:aws:events:eu-west-1:111122223333:archive/patchbay-dev-default');
  });

  it('puts the bus name in the ARN of a rule on a custom bus only', () => {
    expect(ruleArn(where, 'default', 'patchbay-dev-x')).toBe('arn:aws:events:eu-west-1:111122223333:rule/patchbay-dev-x');
    expect(ruleArn(where, 'audit', 'patchbay-dev-x')).toBe('arn:aws:events:eu-west-1:111122223333:rule/audit/patchbay-dev-x');
  });

  it('refuses rule names EventBridge would not accept', () => {
    expect(() => ruleArn(where, 'default', 'r'.repeat(65))).toThrow(expect.objectContaining({ code: 'INVALID_NAME', field: 'rule' }));
    expect(() => ruleArn(where, 'default', 'a rule')).toThrow(expect.objectContaining({ code: 'INVALID_NAME', field: 'rule' }));
  });

  it('uses the partition of the region', () => {
    expect(partitionOf('cn-north-1')).toBe('aws-cn');
    expect(partitionOf('us-gov-west-1')).toBe('aws-us-gov');
    expect(eventBusArn({ account: '111122223333', region: 'cn-north-1' }, 'default')).toMatch(/^arn:aws-cn:events:/);
  });

  it.each([
    [{ account: '1234', region: 'eu-west-1' }, 'account'],
    [{ account: '111122223333', region: 'Europe' }, 'region'],
  ])('rejects %j with INVALID_NAME', (bad, field) => {
    let caught: unknown;
    try {
      eventBusArn(bad, 'default');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ReplayError);
    expect(caught).toMatchObject({ code: 'INVALID_NAME', field });
  });
});

describe('Function: eventBusName', () => {
  it.each([
    ['default', undefined, 'default'],
    ['default', { kind: 'default' }, 'default'],
    ['orders', undefined, 'orders'],
    ['orders', { kind: 'custom' }, 'patchbay-dev-orders'],
    ['orders', { kind: 'custom', name: 'shop-orders' }, 'shop-orders'],
    ['auth0', { kind: 'partner', eventSourceName: 'aws.partner/auth0.com/t/auth0.logs' }, 'aws.partner/auth0.com/t/auth0.logs'],
    ['central', { kind: 'existing', existing: 'arn:aws:events:eu-west-1:111122223333:event-bus/central' }, 'arn:aws:events:eu-west-1:111122223333:event-bus/central'],
  ])('bus %s with %j is %s', (key, config, name) => {
    expect(eventBusName('patchbay', 'dev', key, config)).toBe(name);
  });

  it('takes the name out of a bus ARN, and uses an ARN as it is', () => {
    const arn = 'arn:aws:events:eu-west-1:111122223333:event-bus/central';
    expect(busNameOf(arn)).toBe('central');
    expect(eventBusArn(where, arn)).toBe(arn);
    expect(ruleArn(where, arn, 'patchbay-dev-x')).toBe('arn:aws:events:eu-west-1:111122223333:rule/central/patchbay-dev-x');
    expect(() => busNameOf('arn:aws:sns:eu-west-1:111122223333:topic')).toThrow(expect.objectContaining({ code: 'INVALID_NAME' }));
  });
});
