import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CatalogError, loadServerlessYaml, parseYamlSource, projectConfigSchema, readProjectConfig, type CatalogIssue } from '../../../src/catalog';

const configFixtures = path.resolve(__dirname, '../../fixtures/catalog/config-invalid');
const defaults = {
  patternsDir: 'patterns',
  maxEventPatternLengthInChars: 2048,
  maxRulesPerEventBus: 300,
  buses: { default: { kind: 'default' } },
  retryPolicy: { maximumRetryAttempts: 185, maximumEventAgeInSeconds: 86400 },
  alarms: { enabled: true },
};

function issuesOf(serverlessConfig: unknown): CatalogIssue[] {
  try {
    readProjectConfig(serverlessConfig);
  } catch (error) {
    if (error instanceof CatalogError) return error.issues;
    throw error;
  }
  throw new Error('expected the config to be rejected');
}

describe('Function: readProjectConfig', () => {
  it('reads service, function keys and topics, with defaults', () => {
    // Act
    const config = readProjectConfig({
      service: 'patchbay',
      functions: { notify: { handler: 'handlers/notify.handler' } },
      custom: {
        patchbay: {
          topics: {
            security: { displayName: 'Security alerts', subscriptions: [{ protocol: 'email', endpoint: 'sec@example.com' }] },
            queue: { subscriptions: [{ protocol: 'sqs', endpoint: { 'Fn::GetAtt': ['Queue', 'Arn'] } }] },
          },
        },
      },
    });

    // Assess
    expect(config).toEqual({
      ...defaults,
      service: 'patchbay',
      functions: ['notify'],
      queues: [],
      topics: {
        security: { displayName: 'Security alerts', subscriptions: [{ protocol: 'email', endpoint: 'sec@example.com' }] },
        queue: { subscriptions: [{ protocol: 'sqs', endpoint: { 'Fn::GetAtt': ['Queue', 'Arn'] } }] },
      },
    });
  });

  it('accepts the object form of service and a missing custom.patchbay', () => {
    // Act
    const config = readProjectConfig({ service: { name: 'svc' } });

    // Assess
    expect(config).toEqual({ ...defaults, service: 'svc', functions: [], queues: [], topics: {} });
  });

  it('reports every violation with a pointer into serverless.yml', () => {
    // Act
    const issues = issuesOf({
      functions: {},
      custom: {
        patchbay: {
          topic: {},
          maxEventPatternLengthInChars: 5000,
          topics: { 'bad key': {}, ok: { subscriptions: [{ protocol: 'pigeon', endpoint: '' }] } },
        },
      },
    });

    // Assess
    expect(issues.map(({ code, filePath, pointer }) => ({ code, filePath, pointer }))).toEqual([
      { code: 'CONFIG_INVALID', filePath: 'serverless.yml', pointer: '/custom/patchbay/maxEventPatternLengthInChars' },
      { code: 'SCHEMA_UNKNOWN_KEY', filePath: 'serverless.yml', pointer: '/custom/patchbay/topic' },
      { code: 'CONFIG_INVALID', filePath: 'serverless.yml', pointer: '/custom/patchbay/topics/bad key' },
      { code: 'CONFIG_INVALID', filePath: 'serverless.yml', pointer: '/custom/patchbay/topics/ok/subscriptions/0/endpoint' },
      { code: 'CONFIG_INVALID', filePath: 'serverless.yml', pointer: '/custom/patchbay/topics/ok/subscriptions/0/protocol' },
      { code: 'CONFIG_INVALID', filePath: 'serverless.yml', pointer: '/service' },
    ]);
    expect(issues.find((issue) => issue.pointer === '/custom/patchbay/topic')?.message).toBe(
      `serverless.yml: /custom/patchbay/topic: unknown key "topic"; allowed keys: ${Object.keys(projectConfigSchema.properties).join(', ')} [SCHEMA_UNKNOWN_KEY]`,
    );
  });

  it('reads buses of every kind, policies, archives, the retry policy, schemas, the trail and the queues of resources', () => {
    // Act
    const config = readProjectConfig({
      service: 'hub',
      functions: {},
      resources: { Resources: { AuditQueue: { Type: 'AWS::SQS::Queue' }, Bucket: { Type: 'AWS::S3::Bucket' } } },
      custom: {
        patchbay: {
          maxRulesPerEventBus: 500,
          retryPolicy: { maximumEventAgeInSeconds: 3600 },
          buses: {
            default: { archive: { retentionDays: 0 } },
            central: {
              type: 'custom',
              description: 'Organization events',
              policy: { allow: { organization: 'o-a1b2c3d4e5', accounts: ['111122223333'], organizationalUnits: ['o-a1b2c3d4e5/r-ab12/ou-ab12-11111111'] } },
              archive: { retentionDays: 30, pattern: { source: ['aws.guardduty'] } },
            },
            auth0: { type: 'partner', eventSourceName: 'aws.partner/auth0.com/example-tenant/auth0.logs' },
            shared: { existing: 'arn:aws:events:eu-west-1:444455556666:event-bus/shared' },
          },
          schemas: { discoverers: ['central'] },
          trail: { managementEvents: { readWriteType: 'WriteOnly' }, dataEvents: { lambdaFunctions: ['all'] }, insightSelectors: ['ApiCallRateInsight'] },
        },
      },
    });

    // Assess
    expect(config).toEqual(
      expect.objectContaining({
        queues: ['AuditQueue'],
        maxRulesPerEventBus: 500,
        retryPolicy: { maximumRetryAttempts: 185, maximumEventAgeInSeconds: 3600 },
        buses: {
          default: { kind: 'default', archive: { retentionDays: 0 } },
          central: {
            kind: 'custom',
            description: 'Organization events',
            policy: { allow: { organization: 'o-a1b2c3d4e5', accounts: ['111122223333'], organizationalUnits: ['o-a1b2c3d4e5/r-ab12/ou-ab12-11111111'] } },
            archive: { retentionDays: 30, pattern: { source: ['aws.guardduty'] } },
          },
          auth0: { kind: 'partner', eventSourceName: 'aws.partner/auth0.com/example-tenant/auth0.logs' },
          shared: { kind: 'existing', existing: 'arn:aws:events:eu-west-1:444455556666:event-bus/shared' },
        },
        schemas: { discoverers: ['central'], crossAccount: true },
        trail: {
          expirationInDays: 365,
          readWriteType: 'WriteOnly',
          dataEvents: { s3Objects: [], lambdaFunctions: ['all'] },
          insightSelectors: ['ApiCallRateInsight'],
        },
      }),
    );
  });

  it('does not check dead-letter queues when resources cannot be read (an unresolved variable)', () => {
    // Act
    const config = readProjectConfig({ service: 'svc', resources: '${file(resources.yml)}', custom: { patchbay: { deadLetterQueue: 'Anything' } } });

    // Assess
    expect(config.queues).toBeUndefined();
    expect(config.deadLetterQueue).toBe('Anything');
  });

  describe('bad configs (tests/fixtures/catalog/config-invalid/<case>: serverless.yml and expected.json)', () => {
    const cases = readdirSync(configFixtures).sort();

    it('has a case for every config problem the docs promise', () => {
      // Assess
      expect(cases).toEqual(
        expect.arrayContaining([
          'bus-neither-type-nor-existing',
          'bus-type-and-existing',
          'partner-bad-event-source',
          'partner-name-mismatch',
          'policy-open-account',
          'policy-open-organization',
          'policy-on-partner-bus',
          'archive-invalid-pattern',
          'retry-policy-out-of-range',
          'discoverer-unknown-bus',
          'trail-insights-read-only',
          'trail-too-many-data-resources',
          'unknown-dead-letter-queue',
        ]),
      );
    });

    it.each(cases)('%s', (name) => {
      // Prepare
      const source = parseYamlSource(readFileSync(path.join(configFixtures, name, 'serverless.yml'), 'utf8'));
      const expected = JSON.parse(readFileSync(path.join(configFixtures, name, 'expected.json'), 'utf8')) as { issues: Partial<CatalogIssue>[] };

      // Act
      const issues = (() => {
        try {
          readProjectConfig(source.value, { source });
        } catch (error) {
          if (error instanceof CatalogError) return error.issues;
          throw error;
        }
        return [];
      })();

      // Assess
      expect(
        issues.map(({ code, filePath, pointer, line, column, message }, index) => ({
          code,
          filePath,
          pointer,
          line,
          column,
          ...(expected.issues[index]?.message !== undefined ? { message } : {}),
        })),
      ).toEqual(expected.issues);
    });
  });
});

describe('Function: loadServerlessYaml', () => {
  let rootDir: string;
  beforeEach(async () => {
    rootDir = await mkdtemp(path.join(os.tmpdir(), 'patchbay-sls-'));
  });
  afterEach(async () => {
    await rm(rootDir, { recursive: true, force: true });
  });

  it('reads serverless.yml without resolving variables, tolerating CloudFormation tags', async () => {
    // Prepare
    await writeFile(
      path.join(rootDir, 'serverless.yml'),
      [
        'service: demo',
        'provider: { name: aws, stage: "${opt:stage, \'dev\'}" }',
        'functions:',
        '  notify: { handler: handlers/notify.handler }',
        'custom:',
        '  patchbay:',
        '    topics:',
        '      security:',
        "        subscriptions: [{ protocol: email, endpoint: \"${param:securityEmail, 'a@example.com'}\" }]",
        'resources:',
        '  Resources:',
        '    Q: { Type: AWS::SQS::Queue, Properties: { QueueName: !Sub "${AWS::StackName}-q" } }',
      ].join('\n'),
    );

    // Act
    const config = readProjectConfig(await loadServerlessYaml(rootDir));

    // Assess
    expect(config.functions).toEqual(['notify']);
    expect(config.topics.security.subscriptions[0].endpoint).toBe("${param:securityEmail, 'a@example.com'}");
  });

  it('falls back to serverless.yaml', async () => {
    // Prepare
    await writeFile(path.join(rootDir, 'serverless.yaml'), 'service: other\n');

    // Act
    const config = await loadServerlessYaml(rootDir);

    // Assess
    expect(config).toEqual({ service: 'other' });
  });

  it('throws a CatalogError with a position for broken YAML, and for a missing file', async () => {
    // Prepare
    await writeFile(path.join(rootDir, 'serverless.yml'), 'service: a\nservice: b\n');

    // Act
    const broken = await loadServerlessYaml(rootDir).catch((error: unknown) => error);
    await rm(path.join(rootDir, 'serverless.yml'));
    const missing = await loadServerlessYaml(rootDir).catch((error: unknown) => error);

    // Assess
    expect((broken as CatalogError).issues).toEqual([
      expect.objectContaining({ code: 'YAML_DUPLICATE_KEY', filePath: 'serverless.yml', line: 2, column: 1 }),
    ]);
    expect((missing as CatalogError).issues).toEqual([expect.objectContaining({ code: 'FILE_READ_FAILED', filePath: 'serverless.yml' })]);
  });
});

describe('Function: readProjectConfig on unresolved Serverless variables', () => {
  it('says a value is a variable the CLI cannot resolve, rather than just the wrong type', () => {
    // Act
    const issues = issuesOf({ service: 'svc', custom: { patchbay: { buses: '${self:custom.roles.${param:role}.buses}' } } });

    // Assess
    expect(issues.map((issue) => issue.message)).toEqual([
      'serverless.yml: /custom/patchbay/buses: "${self:custom.roles.${param:role}.buses}" (a Serverless variable, not resolved outside sls); an object [CONFIG_INVALID]',
    ]);
  });
});
