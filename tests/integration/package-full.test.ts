/**
 * End to end through osls: `sls package` on tests/fixtures/service-full, a service that uses every patchbay feature
 * (buses of every kind, bus policies, archives, forwarding, sns targets, retry policies and dead-letter queues,
 * replay exclusion, the schema registry, the CloudTrail trail), offline. The template is checked against the
 * CloudFormation resource specification and the security assertions; a broken copy fails with every problem.
 */
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { specProblems } from '../unit/compiler/cfn-spec';
import { securityProblems } from '../unit/compiler/security-assertions';
import { copyService, idsOf, readTemplate, repoRoot, runSls, type Run, type Template } from './package-helpers';

const fixture = path.join(repoRoot, 'tests/fixtures/service-full');

describe('Integration: sls package of the service that uses every feature', () => {
  let serviceDir: string;
  let run: Run;
  let template: Template;

  beforeAll(async () => {
    serviceDir = await copyService(fixture);
    run = await runSls(serviceDir, ['package']);
    if (run.code === 0) template = await readTemplate(serviceDir);
  });

  afterAll(async () => {
    await rm(serviceDir, { recursive: true, force: true });
  });

  it('exits 0, offline', () => {
    // Assess
    expect({ code: run.code, output: run.code === 0 ? '' : run.output }).toEqual({ code: 0, output: '' });
  });

  it("conforms to the CloudFormation resource specification, patchbay's resources and Serverless's alike", () => {
    // Assess
    expect(specProblems(template.Resources)).toEqual([]);
  });

  it('passes the security assertions: no Action "*", no Principal "*" without an organization condition, encrypted topics and queues, private encrypted buckets', () => {
    // Assess
    expect(securityProblems(template.Resources)).toEqual([]);
  });

  it('creates the custom and partner buses, with outputs', () => {
    // Assess
    expect(idsOf(template, 'AWS::Events::EventBus')).toEqual(['PatchbayBusAuth0', 'PatchbayBusCentral']);
    expect(template.Resources.PatchbayBusCentral.Properties).toEqual({ Name: 'full-test-central', Description: 'Security events of every account of the organization' });
    expect(template.Resources.PatchbayBusAuth0.Properties).toEqual({
      Name: 'aws.partner/auth0.com/example-tenant/auth0.logs',
      EventSourceName: 'aws.partner/auth0.com/example-tenant/auth0.logs',
    });
    expect(template.Outputs.PatchbayBusCentralArn.Value).toEqual({ 'Fn::GetAtt': ['PatchbayBusCentral', 'Arn'] });
  });

  it('writes one policy statement per account, organization and OU, never an open one', () => {
    // Act
    const statements = idsOf(template, 'AWS::Events::EventBusPolicy').map((id) => template.Resources[id].Properties);

    // Assess
    expect(statements.map((properties) => properties.StatementId).sort()).toEqual([
      'full-test-central-account-111122223333',
      'full-test-central-org-o-a1b2c3d4e5',
      'full-test-central-ou-ab12-11111111',
      'full-test-default-account-444455556666',
    ]);
    for (const { Statement } of statements) {
      expect(Statement.Action).toBe('events:PutEvents');
      if (Statement.Principal === '*') expect(JSON.stringify(Statement.Condition)).toMatch(/aws:PrincipalOrg(ID|Paths)/);
    }
  });

  it('archives the default, central and partner buses under the names patchbay replay uses', () => {
    // Assess
    expect(idsOf(template, 'AWS::Events::Archive').map((id) => template.Resources[id].Properties.ArchiveName)).toEqual(['full-test-auth0', 'full-test-central', 'full-test-default']);
    expect(template.Resources.PatchbayArchiveCentral.Properties.RetentionDays).toBe(0);
  });

  it('puts every rule on its bus, excludes replays where the file asks, and gives every target a dead-letter queue', () => {
    // Assess
    expect(template.Resources.PatchbayRuleCentralHighSeverity.Properties.EventBusName).toEqual({ Ref: 'PatchbayBusCentral' });
    expect(template.Resources.PatchbayRuleAuth0FailedLogin.Properties.EventBusName).toEqual({ Ref: 'PatchbayBusAuth0' });
    expect(template.Resources.PatchbayRuleOrdersCreated.Properties.EventBusName).toBe('orders');
    expect(template.Resources.PatchbayRuleIamRootLogin.Properties.EventPattern['replay-name']).toEqual([{ exists: false }]);
    expect(template.Resources.PatchbayRuleOrdersCreated.Properties.EventPattern).not.toHaveProperty('replay-name');
    for (const id of idsOf(template, 'AWS::Events::Rule')) {
      for (const target of template.Resources[id].Properties.Targets as Record<string, unknown>[]) expect(target).toHaveProperty('DeadLetterConfig');
    }
  });

  it('compiles the three target kinds of one rule: function, sns with its input transformer, eventBus with its role', () => {
    // Act
    const [fn, sns, bus] = template.Resources.PatchbayRuleIamRootLogin.Properties.Targets as Record<string, any>[];

    // Assess
    expect(fn).toEqual(expect.objectContaining({ Id: 'notify', RetryPolicy: { MaximumRetryAttempts: 24, MaximumEventAgeInSeconds: 7200 } }));
    expect(sns).toEqual(
      expect.objectContaining({
        Id: 'sns-security',
        Arn: { Ref: 'PatchbayTopicSecurity' },
        InputTransformer: {
          InputPathsMap: { ip: '$.detail.sourceIPAddress', account: '$.account' },
          InputTemplate: '"Root sign-in to <account> from <ip> (rule <aws.events.rule-name>)"',
        },
      }),
    );
    expect(bus).toEqual({
      Id: 'bus-central',
      Arn: { 'Fn::GetAtt': ['PatchbayBusCentral', 'Arn'] },
      RoleArn: { 'Fn::GetAtt': ['PatchbayForwardRoleCentral', 'Arn'] },
      DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['PatchbayDeadLetterQueue', 'Arn'] } },
    });
  });

  it('forwards to buses of other accounts and Regions with one role each, allowed events:PutEvents on that bus only', () => {
    // Act
    const roles = idsOf(template, 'AWS::IAM::Role').filter((id) => id.startsWith('PatchbayForwardRole'));
    const resourcesOf = (id: string) => template.Resources[id].Properties.Policies.flatMap((policy: any) => policy.PolicyDocument.Statement.map((statement: any) => [statement.Action, statement.Resource]));

    // Assess
    expect(roles).toEqual([expect.stringMatching(/^PatchbayForwardRoleAudit[0-9a-f]{8}$/), 'PatchbayForwardRoleCentral', 'PatchbayForwardRoleShared']);
    expect(resourcesOf('PatchbayForwardRoleShared')).toEqual([['events:PutEvents', 'arn:aws:events:eu-west-1:444455556666:event-bus/shared']]);
    expect(resourcesOf(roles[0])).toEqual([['events:PutEvents', 'arn:aws:events:us-west-2:111122223333:event-bus/audit']]);
    expect(template.Resources.PatchbayRuleGuarddutyFinding.Properties.Targets[1].DeadLetterConfig).toEqual({ Arn: { 'Fn::GetAtt': ['SecurityDeadLetterQueue', 'Arn'] } });
  });

  it('encrypts topics EventBridge publishes to with the patchbay key and lets the function role use it', () => {
    // Act
    const statements = template.Resources.IamRoleLambdaExecution.Properties.Policies[0].PolicyDocument.Statement as unknown[];

    // Assess
    expect(template.Resources.PatchbayTopicSecurity.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': ['PatchbayTopicKey', 'Arn'] });
    expect(idsOf(template, 'AWS::SNS::TopicPolicy')).toEqual(['PatchbayTopicOperationsPolicy', 'PatchbayTopicSecurityPolicy']);
    expect(statements).toContainEqual({ Effect: 'Allow', Action: ['kms:GenerateDataKey*', 'kms:Decrypt'], Resource: [{ 'Fn::GetAtt': ['PatchbayTopicKey', 'Arn'] }] });
  });

  it('creates the schema registry with one schema per file and discovery on the central bus', () => {
    // Assess
    expect(template.Resources.PatchbaySchemaRegistry.Properties.RegistryName).toBe('full-test');
    expect(idsOf(template, 'AWS::EventSchemas::Schema').map((id) => [template.Resources[id].Properties.SchemaName, template.Resources[id].Properties.Type])).toEqual([
      ['aws.signin@AWSConsoleSignInviaCloudTrail', 'JSONSchemaDraft4'],
      ['shop.orders@OrderCreated', 'OpenApi3'],
    ]);
    expect(template.Resources.PatchbaySchemaDiscovererCentral.Properties.SourceArn).toEqual({ 'Fn::GetAtt': ['PatchbayBusCentral', 'Arn'] });
  });

  it('creates the trail with its selectors and a bucket that outlives the stack', () => {
    // Assess
    expect(template.Resources.PatchbayTrail.Properties).toEqual(
      expect.objectContaining({ IsLogging: true, IsMultiRegionTrail: true, IncludeGlobalServiceEvents: true, EnableLogFileValidation: true }),
    );
    expect(template.Resources.PatchbayTrail.Properties.InsightSelectors).toHaveLength(2);
    expect(template.Resources.PatchbayTrailBucket.DeletionPolicy).toBe('Retain');
    expect(template.Resources.PatchbayTrailBucket.Properties.LifecycleConfiguration.Rules[0].ExpirationInDays).toBe(400);
  });

  it('stays far from the stack limits', () => {
    // Assess
    expect(Object.keys(template.Resources).length).toBeLessThan(100);
    expect(run.output).not.toContain('CloudFormation resources used');
  });
});

describe('Integration: sls package of a broken copy of the full service', () => {
  let serviceDir: string;
  let run: Run;

  beforeAll(async () => {
    serviceDir = await copyService(fixture);
    await writeFile(
      path.join(serviceDir, 'patterns/iam/bad.yml'),
      'bus: centrl\npattern: { source: [aws.iam] }\ntargets:\n  - eventBus: central\n    inputTransformer: { inputTemplate: \'"x"\' }\n  - sns: security\n    filter: detail.x\n',
    );
    run = await runSls(serviceDir, ['package', '--param', 'securityEmail=*']);
  });

  afterAll(async () => {
    await rm(serviceDir, { recursive: true, force: true });
  });

  it('reports every problem at once with file, pointer, line and column, and writes nothing', () => {
    // Assess
    expect(run.code).not.toBe(0);
    expect(run.output).toContain('Invalid patchbay catalog (3 problems)');
    expect(run.output).toContain(': /bus: bus "centrl"; a key of custom.patchbay.buses (default, central, auth0, shared, orders)');
    expect(run.output).toMatch(/patterns\/iam\/bad\.yml:5:5: \/targets\/0\/inputTransformer: inputTransformer on an eventBus target; .*cross-account.* \[TARGET_FIELD_NOT_ALLOWED\]/);
    expect(run.output).toMatch(/patterns\/iam\/bad\.yml:7:5: \/targets\/1\/filter: filter on an sns target; .* \[TARGET_FIELD_NOT_ALLOWED\]/);
    expect(existsSync(path.join(serviceDir, '.serverless'))).toBe(false);
  });
});

describe('Integration: sls package with bad custom.patchbay settings', () => {
  let serviceDir: string;
  let run: Run;

  beforeAll(async () => {
    serviceDir = await copyService(fixture);
    const file = path.join(serviceDir, 'serverless.yml');
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace("accounts: ['444455556666']", "accounts: ['*']").replace('maximumRetryAttempts: 24', 'maximumRetryAttempts: 200'));
    run = await runSls(serviceDir, ['package']);
  });

  afterAll(async () => {
    await rm(serviceDir, { recursive: true, force: true });
  });

  it('reports each with its code, pointer, line and column in serverless.yml, refuses the open policy, and writes nothing', () => {
    // Assess
    expect(run.code).not.toBe(0);
    expect(run.output).toContain('Invalid patchbay catalog (2 problems)');
    expect(run.output).toContain('serverless.yml:23:29: /custom/patchbay/retryPolicy/maximumRetryAttempts: 200; a number from 0 to 185 [CONFIG_INVALID]');
    expect(run.output).toContain('/custom/patchbay/buses/default/policy/allow/accounts/0: accounts entry "*": any AWS account could put events on this bus');
    expect(existsSync(path.join(serviceDir, '.serverless'))).toBe(false);
  });
});
