import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CatalogError, loadServerlessYaml, readProjectConfig, type CatalogIssue } from '../../../src/catalog';

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
      service: 'patchbay',
      functions: ['notify'],
      patternsDir: 'patterns',
      maxEventPatternLengthInChars: 2048,
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
    expect(config).toEqual({ service: 'svc', functions: [], topics: {}, patternsDir: 'patterns', maxEventPatternLengthInChars: 2048 });
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
      'serverless.yml#/custom/patchbay/topic: unknown key "topic"; allowed keys: patternsDir, topics, deadLetterQueue, maxEventPatternLengthInChars',
    );
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
