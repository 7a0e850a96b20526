/**
 * End to end through osls: `sls package` (and `sls invoke local`) on tests/fixtures/service, offline.
 * The fixture is copied to a temp dir with node_modules symlinked; its plugin.js loads this repo's plugin
 * through PATCHBAY_PLUGIN. No AWS credentials: osls packages without any.
 */
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import yauzl from 'yauzl';
import { specProblems } from '../unit/compiler/cfn-spec';
import { securityProblems } from '../unit/compiler/security-assertions';
import { copyService, readTemplate, repoRoot, runSls, type Run, type Template } from './package-helpers';

const fixture = path.join(repoRoot, 'tests/fixtures/service');

function copyFixture(): Promise<string> {
  return copyService(fixture);
}

function readZip(zipPath: string): Promise<Map<string, string>> {
  return new Promise((resolve, reject) => {
    yauzl.open(zipPath, { lazyEntries: true }, (openError, zip) => {
      if (openError || !zip) return reject(openError);
      const files = new Map<string, string>();
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError || !stream) return reject(streamError);
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('end', () => {
            files.set(entry.fileName, Buffer.concat(chunks).toString('utf8'));
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(files));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

describe('Integration: sls package with the patchbay plugin', () => {
  let serviceDir: string;
  let run: Run;
  let template: Template;

  beforeAll(async () => {
    serviceDir = await copyFixture();
    run = await runSls(serviceDir, ['package']);
    if (run.code === 0) template = await readTemplate(serviceDir);
  });

  afterAll(async () => {
    await rm(serviceDir, { recursive: true, force: true });
  });

  it('exits 0', () => {
    expect({ code: run.code, output: run.code === 0 ? '' : run.output }).toEqual({ code: 0, output: '' });
  });

  it('adds one rule per pattern file, each with a Lambda target and an input transformer', () => {
    // Act
    const rule = template.Resources.PatchbayRuleIamRootLogin;

    // Assess
    expect(Object.values(template.Resources).filter((resource) => resource.Type === 'AWS::Events::Rule')).toHaveLength(2);
    expect(rule.Properties).toEqual(
      expect.objectContaining({
        Name: 'fixture.test.iam-root-login',
        State: 'ENABLED',
        EventPattern: { source: ['aws.signin'], 'detail-type': ['AWS Console Sign In via CloudTrail'], detail: { userIdentity: { type: ['Root'] } } },
      }),
    );
    expect(rule.Properties.Targets).toEqual([
      {
        Id: 'notify',
        Arn: { 'Fn::GetAtt': ['NotifyLambdaFunction', 'Arn'] },
        InputTransformer: {
          InputTemplate: '{"patchbay":{"rule":"iam-root-login","target":"notify","ruleArnName":<aws.events.rule-name>},"event":<aws.events.event.json>}',
        },
        RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['NotifyDeadLetterQueue', 'Arn'] } },
      },
    ]);
    expect(template.Resources.NotifyLambdaFunction.Type).toBe('AWS::Lambda::Function');
  });

  it("conforms to the CloudFormation resource specification, patchbay's resources and Serverless's alike", () => {
    // Assess
    expect(specProblems(template.Resources)).toEqual([]);
  });

  it('passes the security assertions (no Action "*", no open Principal, encrypted topics and queues, private buckets)', () => {
    // Assess
    expect(securityProblems(template.Resources)).toEqual([]);
  });

  it('adds one invoke permission for the function', () => {
    // Act
    const permissions = Object.values(template.Resources).filter((resource) => resource.Type === 'AWS::Lambda::Permission');

    // Assess
    expect(permissions).toEqual([
      {
        Type: 'AWS::Lambda::Permission',
        Properties: {
          FunctionName: { 'Fn::GetAtt': ['NotifyLambdaFunction', 'Arn'] },
          Action: 'lambda:InvokeFunction',
          Principal: 'events.amazonaws.com',
          SourceArn: { 'Fn::Sub': 'arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/fixture.test.*' },
          SourceAccount: { Ref: 'AWS::AccountId' },
        },
      },
    ]);
  });

  it('adds encrypted topics, the subscription with its resolved param default, and the topic env vars', () => {
    // Assess
    expect(template.Resources.PatchbayTopicSecurity.Properties).toEqual({
      TopicName: 'fixture-test-security',
      DisplayName: 'Security alerts',
      KmsMasterKeyId: 'alias/aws/sns',
    });
    const subscriptions = Object.values(template.Resources).filter((resource) => resource.Type === 'AWS::SNS::Subscription');
    expect(subscriptions.map((resource) => resource.Properties)).toEqual([
      { TopicArn: { Ref: 'PatchbayTopicSecurity' }, Protocol: 'email', Endpoint: 'security@example.com' },
    ]);
    expect(template.Resources.NotifyLambdaFunction.Properties.Environment.Variables).toEqual(
      expect.objectContaining({ PATCHBAY_TOPIC_ARN_SECURITY: { Ref: 'PatchbayTopicSecurity' }, PATCHBAY_TOPIC_ARN_OPERATIONS: { Ref: 'PatchbayTopicOperations' } }),
    );
  });

  it('lets the role publish to the named topics only', () => {
    // Act
    const statements = template.Resources.IamRoleLambdaExecution.Properties.Policies[0].PolicyDocument.Statement as { Action: unknown; Resource: unknown }[];
    const publish = statements.filter((statement) => JSON.stringify(statement.Action).includes('sns:'));

    // Assess
    expect(publish).toEqual([{ Effect: 'Allow', Action: ['sns:Publish'], Resource: [{ Ref: 'PatchbayTopicOperations' }, { Ref: 'PatchbayTopicSecurity' }] }]);
  });

  it('lets EventBridge write undeliverable events to the dead-letter queue', () => {
    // Assess
    expect(template.Resources.PatchbayDeadLetterQueuePolicy.Properties.Queues).toEqual([{ Ref: 'NotifyDeadLetterQueue' }]);
  });

  it('packages only the bundle and its manifest, with @aws-sdk external', async () => {
    // Prepare
    const artifact = template.Resources.NotifyLambdaFunction.Properties.Code.S3Key as string;

    // Act
    const files = await readZip(path.join(serviceDir, '.serverless', path.basename(artifact)));

    // Assess
    expect([...files.keys()].sort()).toEqual(['handlers/notify.js', 'handlers/patchbay-manifest.json']);
    expect(files.get('handlers/notify.js')).toContain('require("@aws-sdk/client-sns")');
    // The library code is bundled in (minified, names kept for errors and logs).
    expect(files.get('handlers/notify.js')).toContain('"describeDelivery"');
    expect(files.get('handlers/notify.js')!.split('\n').length).toBeLessThan(5);
    expect(JSON.parse(files.get('handlers/patchbay-manifest.json')!)).toEqual(
      expect.objectContaining({
        version: 1,
        service: 'fixture',
        stage: 'test',
        function: 'notify',
        rules: [expect.objectContaining({ name: 'ec2-instance-stopped' }), expect.objectContaining({ name: 'iam-root-login' })],
        topics: {
          operations: { arnEnv: 'PATCHBAY_TOPIC_ARN_OPERATIONS', name: 'fixture-test-operations' },
          security: { arnEnv: 'PATCHBAY_TOPIC_ARN_SECURITY', name: 'fixture-test-security' },
        },
      }),
    );
  });

  it('runs the bundled handler with its manifest through sls invoke local', async () => {
    // Act
    const invoke = await runSls(serviceDir, ['invoke', 'local', '-f', 'notify', '-p', 'events/delivered-root-login.json']);

    // Assess
    expect(invoke.code).toBe(0);
    const result = JSON.parse(invoke.output.slice(invoke.output.indexOf('{'), invoke.output.lastIndexOf('}') + 1));
    expect(result).toEqual({
      function: 'notify',
      rules: ['ec2-instance-stopped', 'iam-root-login'],
      topics: ['operations', 'security'],
      sdk: 'function',
      summary: 'iam-root-login/notify: aws.signin AWS Console Sign In via CloudTrail',
    });
  });
});

describe('Integration: sls package with an invalid pattern file', () => {
  let serviceDir: string;
  let run: Run;

  beforeAll(async () => {
    serviceDir = await copyFixture();
    await writeFile(path.join(serviceDir, 'patterns/iam/bad.yml'), 'pattern:\n  source: [{ prefix: 123 }]\ntargets:\n  - function: notifier\n');
    run = await runSls(serviceDir, ['package']);
  });

  afterAll(async () => {
    await rm(serviceDir, { recursive: true, force: true });
  });

  it('exits non-zero with every issue: file, pointer, AWS reason, position', () => {
    // Assess
    expect(run.code).not.toBe(0);
    expect(run.output).toContain('Invalid patchbay catalog (2 problems)');
    expect(run.output).toContain(
      'patterns/iam/bad.yml:2:22: /pattern/source/0/prefix: Event pattern is not valid. Reason: prefix match pattern must be a string [INVALID_EVENT_PATTERN]',
    );
    expect(run.output).toContain(': /targets/0/function: function "notifier"');
  });

  it('writes no template (nor anything else) under .serverless', () => {
    // Assess
    expect(existsSync(path.join(serviceDir, '.serverless/cloudformation-template-update-stack.json'))).toBe(false);
    expect(existsSync(path.join(serviceDir, '.serverless'))).toBe(false);
  });
});

describe('Integration: a failing sls package leaves the previous .serverless/ output as it was', () => {
  let serviceDir: string;
  let template: string;

  beforeAll(async () => {
    serviceDir = await copyFixture();
    const first = await runSls(serviceDir, ['package']);
    expect(first.code).toBe(0);
    template = await readFile(path.join(serviceDir, '.serverless/cloudformation-template-update-stack.json'), 'utf8');
  });

  afterAll(async () => {
    await rm(serviceDir, { recursive: true, force: true });
  });

  it('when a pattern file is invalid (refused before Serverless cleans up)', async () => {
    // Prepare
    await writeFile(path.join(serviceDir, 'patterns/iam/bad.yml'), 'pattern: { source: [{ prefix: 123 }] }\ntargets: [{ function: notify }]\n');

    // Act
    const run = await runSls(serviceDir, ['package']);
    await rm(path.join(serviceDir, 'patterns/iam/bad.yml'));

    // Assess
    expect(run.code).not.toBe(0);
    expect(run.output).toMatch(/^patterns\/iam\/bad\.yml:1:31: \/pattern\/source\/0\/prefix: Event pattern is not valid\. .*\[INVALID_EVENT_PATTERN\]$/m);
    expect(await readFile(path.join(serviceDir, '.serverless/cloudformation-template-update-stack.json'), 'utf8')).toBe(template);
    expect(existsSync(path.join(serviceDir, '.serverless/notify.zip'))).toBe(true);
  });

  it('when a handler does not bundle (after the cleanup: the previous output is put back)', async () => {
    // Prepare
    const handler = path.join(serviceDir, 'handlers/notify.ts');
    const source = await readFile(handler, 'utf8');
    await writeFile(handler, `${source}\nexport const broken = ;\n`);

    // Act
    const run = await runSls(serviceDir, ['package']);
    await writeFile(handler, source);

    // Assess
    expect(run.code).not.toBe(0);
    expect(run.output).toContain('Bundling function "notify" (handlers/notify.ts) failed');
    expect(run.output).toContain('the previous .serverless/ output is back in place');
    expect(await readFile(path.join(serviceDir, '.serverless/cloudformation-template-update-stack.json'), 'utf8')).toBe(template);
    expect(existsSync(path.join(serviceDir, '.serverless/build'))).toBe(true);
  });
});
