import { buildManifest, readProjectConfig, type Catalog } from '../../../src/catalog';

const retryPolicy = { maximumRetryAttempts: 185, maximumEventAgeInSeconds: 86400 };

const catalog: Catalog = {
  config: readProjectConfig({ service: 'patchbay', functions: { notify: {}, audit: {} } }),
  rules: [
    {
      name: 'iam-root-login',
      filePath: 'patterns/iam/root-login.yml',
      description: 'Root signed in',
      bus: 'default',
      state: 'ENABLED',
      pattern: { source: ['aws.signin'] },
      targets: [
        { kind: 'function', id: 'notify', function: 'notify', select: { ip: 'detail.sourceIPAddress' }, notify: { topic: 'security', subject: 'Root from {ip}' }, retryPolicy },
        { kind: 'function', id: 'audit', function: 'audit', notify: { topic: 'audit-log' }, retryPolicy, deadLetterQueue: 'AuditQueue' },
        { kind: 'function', id: 'notify-2', function: 'notify', filter: 'detail.x', notify: { topic: 'operations' }, retryPolicy },
        { kind: 'sns', id: 'sns-security', sns: 'security', retryPolicy },
        { kind: 'eventBus', id: 'bus-central', eventBus: 'central' },
      ],
      tests: { match: ['events/a.json'], noMatch: [] },
    },
    {
      name: 'ops-tick',
      filePath: 'patterns/ops/tick.yml',
      bus: 'default',
      state: 'DISABLED',
      schedule: 'rate(1 hour)',
      targets: [{ kind: 'function', id: 'audit', function: 'audit', retryPolicy }],
      tests: { match: [], noMatch: [] },
    },
  ],
};

describe('Function: buildManifest', () => {
  it("keeps only the function's rules and targets, and the topics they notify (never sns or eventBus targets, retry policies or queues)", () => {
    // Act
    const manifest = buildManifest(catalog, { service: 'patchbay', stage: 'prod', functionName: 'notify' });

    // Assess
    expect(manifest).toEqual({
      version: 1,
      service: 'patchbay',
      stage: 'prod',
      function: 'notify',
      rules: [
        {
          name: 'iam-root-login',
          description: 'Root signed in',
          bus: 'default',
          pattern: { source: ['aws.signin'] },
          targets: [
            { id: 'notify', function: 'notify', select: { ip: 'detail.sourceIPAddress' }, notify: { topic: 'security', subject: 'Root from {ip}' } },
            { id: 'notify-2', function: 'notify', filter: 'detail.x', notify: { topic: 'operations' } },
          ],
        },
      ],
      topics: {
        operations: { arnEnv: 'PATCHBAY_TOPIC_ARN_OPERATIONS', name: 'patchbay-prod-operations' },
        security: { arnEnv: 'PATCHBAY_TOPIC_ARN_SECURITY', name: 'patchbay-prod-security' },
      },
    });
  });

  it('includes schedule rules and maps topic keys to env names', () => {
    // Act
    const manifest = buildManifest(catalog, { service: 'svc', stage: 'dev', functionName: 'audit' });

    // Assess
    expect(manifest.rules.map((rule) => [rule.name, rule.schedule, rule.targets.map((target) => target.id)])).toEqual([
      ['iam-root-login', undefined, ['audit']],
      ['ops-tick', 'rate(1 hour)', ['audit']],
    ]);
    expect(manifest.topics).toEqual({ 'audit-log': { arnEnv: 'PATCHBAY_TOPIC_ARN_AUDIT_LOG', name: 'svc-dev-audit-log' } });
  });

  it('names a fifo topic <name>.fifo and marks it fifo, so the handler sets the deduplication ID', () => {
    // Prepare
    const config = readProjectConfig({
      service: 'svc',
      functions: { notify: {}, audit: {} },
      custom: { patchbay: { topics: { 'audit-log': { fifo: true, subscriptions: [{ protocol: 'sqs', endpoint: 'arn:aws:sqs:us-east-1:123456789012:a.fifo' }] } } } },
    });

    // Act
    const manifest = buildManifest({ ...catalog, config }, { service: 'svc', stage: 'dev', functionName: 'audit' });

    // Assess
    expect(manifest.topics).toEqual({ 'audit-log': { arnEnv: 'PATCHBAY_TOPIC_ARN_AUDIT_LOG', name: 'svc-dev-audit-log.fifo', fifo: true } });
  });

  it('gives a function no rule targets an empty manifest', () => {
    // Act
    const manifest = buildManifest(catalog, { service: 'svc', stage: 'dev', functionName: 'other' });

    // Assess
    expect(manifest).toEqual({ version: 1, service: 'svc', stage: 'dev', function: 'other', rules: [], topics: {} });
  });
});

describe('Function: buildManifest (severity and account aliases)', () => {
  it('carries the rule severity and the project account aliases to the function, which renders them', async () => {
    // Prepare
    const { compileManifest } = await import('../../../src/runtime/load');
    const withSeverity: Catalog = {
      config: readProjectConfig({ service: 'patchbay', functions: { notify: {} }, custom: { patchbay: { accountAliases: { '111122223333': 'prod-main' } } } }),
      rules: [{ ...catalog.rules[0]!, severity: { expression: 'detail.severity', default: 'medium' } }],
    };

    // Act
    const manifest = buildManifest(withSeverity, { service: 'patchbay', stage: 'prod', functionName: 'notify' });
    const compiled = compileManifest(manifest);

    // Assess
    expect(manifest.rules[0]!.severity).toEqual({ expression: 'detail.severity', default: 'medium' });
    expect(manifest.accountAliases).toEqual({ '111122223333': 'prod-main' });
    expect(compiled.rules[0]!.severity.evaluate({ detail: { severity: 9.5 } })).toBe('critical');
    expect(compiled.rules[0]!.severity.evaluate({ detail: {} })).toBe('medium');
  });

  it('refuses a manifest severity that is neither a level nor an expression, naming its pointer', async () => {
    // Prepare
    const { compileManifest } = await import('../../../src/runtime/load');
    const manifest = buildManifest(catalog, { service: 'patchbay', stage: 'prod', functionName: 'notify' });
    (manifest.rules[0] as unknown as Record<string, unknown>).severity = 'urgent';

    // Act + Assess
    expect(() => compileManifest(manifest)).toThrow(/\/rules\/0\/severity/);
  });
});

describe('Function: buildManifest (topic formats)', () => {
  it('gives each topic its format and marks topics with SMS subscribers', () => {
    // Prepare
    const formats: Catalog = {
      config: readProjectConfig({
        service: 'patchbay',
        functions: { notify: {} },
        custom: { patchbay: { topics: { security: { format: 'chat', subscriptions: [] }, operations: { subscriptions: [{ protocol: 'sms', endpoint: '+15555550100' }] }, 'audit-log': { format: 'json', subscriptions: [] } } } },
      }),
      rules: [catalog.rules[0]!],
    };

    // Act
    const manifest = buildManifest(formats, { service: 'patchbay', stage: 'prod', functionName: 'notify' });

    // Assess
    expect(manifest.topics.security).toEqual(expect.objectContaining({ format: 'chat' }));
    expect(manifest.topics.operations).toEqual(expect.objectContaining({ sms: true }));
    expect(manifest.topics.operations!.format).toBeUndefined();
  });
});
