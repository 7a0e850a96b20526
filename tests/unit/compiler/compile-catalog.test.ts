import path from 'node:path';
import { loadCatalog, loadServerlessYaml, readProjectConfig, type Catalog, type ProjectConfig, type RuleDefinition, type TargetDefinition } from '../../../src/catalog';
import { CompilerError, compileCatalog, inputTemplate, publishStatements, snsPublishStatement } from '../../../src/compiler';
import { archiveName } from '../../../src/replay/names';
import { specProblems } from './cfn-spec';
import { securityProblems } from './security-assertions';
import { expectResource, idsOfType } from './template-assertions';

const retryPolicy = { maximumRetryAttempts: 185, maximumEventAgeInSeconds: 86400 };

function projectConfig(patchbay: Record<string, unknown> = {}, resources: Record<string, unknown> = {}): ProjectConfig {
  return readProjectConfig({
    service: 'patchbay',
    functions: { notify: {}, audit: {} },
    resources: { Resources: resources },
    custom: {
      patchbay: {
        topics: {
          security: { displayName: 'Security alerts', subscriptions: [{ protocol: 'email', endpoint: 'sec@example.com' }] },
          operations: { subscriptions: [{ protocol: 'email', endpoint: 'ops@example.com' }, { protocol: 'https', endpoint: 'https://hooks.example.com/ops' }] },
          unused: { subscriptions: [] },
        },
        buses: { orders: { existing: 'orders' } },
        ...patchbay,
      },
    },
  });
}

const config = projectConfig();

function fn(id: string, functionKey = id, extra: Partial<Extract<TargetDefinition, { kind: 'function' }>> = {}): TargetDefinition {
  return { kind: 'function', id, function: functionKey, retryPolicy, ...extra };
}

function rule(name: string, overrides: Partial<RuleDefinition> = {}): RuleDefinition {
  return {
    name,
    filePath: `patterns/${name}.yml`,
    bus: 'default',
    state: 'ENABLED',
    pattern: { source: [`aws.${name}`] },
    targets: [fn('notify', 'notify', { notify: { topic: 'security' } })],
    tests: { match: [], noMatch: [] },
    ...overrides,
  };
}

const rootLogin = rule('iam-root-login', {
  description: 'Root signed in',
  pattern: { source: ['aws.signin'], detail: { userIdentity: { type: ['Root'] } } },
  targets: [fn('notify', 'notify', { notify: { topic: 'security' } }), fn('audit', 'audit', { notify: { topic: 'operations' } }), fn('notify-2', 'notify', { notify: { topic: 'operations' } })],
});
const tick = rule('ops-tick', { pattern: undefined, schedule: 'rate(5 minutes)', state: 'DISABLED', targets: [fn('audit')] });
const orders = rule('orders-created', { bus: 'orders' });

const catalog: Catalog = { config, rules: [rootLogin, tick, orders] };
const options = { service: 'patchbay', stage: 'dev', functionLogicalIds: { notify: 'NotifyLambdaFunction', audit: 'AuditLambdaFunction' } };

/** The exact ARN of a rule of this deployment (patchbay, dev), as the compiler writes it. */
function thisRuleArn(ruleName: string, busPath = ''): { 'Fn::Sub': string } {
  return { 'Fn::Sub': `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:rule/${busPath}patchbay.dev.${ruleName}` };
}

function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('Function: compileCatalog', () => {
  const compiled = compileCatalog(catalog, options);
  const { resources } = compiled;

  it('conforms to the CloudFormation resource specification (types, property names, required properties)', () => {
    // Prepare
    const withDlq = compileCatalog({ config: { ...config, deadLetterQueue: 'NotifyDeadLetterQueue' }, rules: [rootLogin, tick, orders] }, options);

    // Act + Assess
    expect(specProblems(resources)).toEqual([]);
    expect(specProblems(withDlq.resources)).toEqual([]);
    expect(specProblems({ X: { Type: 'AWS::SNS::Topic', Properties: { KmsMasterKeyID: 'alias/aws/sns' } } })).toEqual([expect.stringContaining('X.KmsMasterKeyID: unknown property')]);
    expect(specProblems({ X: { Type: 'AWS::Lambda::Permission', Properties: { Action: 'lambda:InvokeFunction', FunctionName: 'f' } } })).toEqual(['X.Principal: required property missing']);
  });

  describe('rules', () => {
    it('compiles a pattern rule with its name, description, pattern, state and Lambda targets', () => {
      // Assess
      expectResource(resources, 'PatchbayRuleIamRootLogin', 'AWS::Events::Rule', {
        Name: 'patchbay.dev.iam-root-login',
        Description: 'Root signed in',
        EventPattern: { source: ['aws.signin'], detail: { userIdentity: { type: ['Root'] } } },
        State: 'ENABLED',
        Targets: [
          { Id: 'notify', Arn: { 'Fn::GetAtt': ['NotifyLambdaFunction', 'Arn'] } },
          { Id: 'audit', Arn: { 'Fn::GetAtt': ['AuditLambdaFunction', 'Arn'] } },
          { Id: 'notify-2', Arn: { 'Fn::GetAtt': ['NotifyLambdaFunction', 'Arn'] } },
        ],
      });
      const properties = resources.PatchbayRuleIamRootLogin.Properties;
      expect(properties).not.toHaveProperty('EventBusName');
      expect(properties).not.toHaveProperty('ScheduleExpression');
    });

    it('wraps the event for the runtime with an input transformer that is valid JSON once filled', () => {
      // Prepare
      const [target] = resources.PatchbayRuleIamRootLogin.Properties.Targets as { InputTransformer: { InputTemplate: string; InputPathsMap?: unknown } }[];
      const template = target.InputTransformer.InputTemplate;

      // Act
      const delivered = JSON.parse(template.replace('<aws.events.rule-name>', '"patchbay.dev.iam-root-login"').replace('<aws.events.event.json>', '{"source":"aws.signin"}'));

      // Assess
      expect(template).toBe('{"patchbay":{"rule":"iam-root-login","target":"notify","ruleArnName":<aws.events.rule-name>},"event":<aws.events.event.json>}');
      expect(target.InputTransformer).not.toHaveProperty('InputPathsMap');
      expect(delivered).toEqual({ patchbay: { rule: 'iam-root-login', target: 'notify', ruleArnName: 'patchbay.dev.iam-root-login' }, event: { source: 'aws.signin' } });
    });

    it('compiles a schedule rule with ScheduleExpression and a default description', () => {
      // Assess
      expectResource(resources, 'PatchbayRuleOpsTick', 'AWS::Events::Rule', {
        Name: 'patchbay.dev.ops-tick',
        Description: 'patchbay rule from patterns/ops-tick.yml',
        ScheduleExpression: 'rate(5 minutes)',
        State: 'DISABLED',
      });
      expect(resources.PatchbayRuleOpsTick.Properties).not.toHaveProperty('EventPattern');
    });

    it('names the bus of a rule on an existing bus', () => {
      // Assess
      expectResource(resources, 'PatchbayRuleOrdersCreated', 'AWS::Events::Rule', { EventBusName: 'orders' });
    });

    it('hashes and truncates physical names over 64 characters, keeping the <service>-<stage>- prefix', () => {
      // Prepare
      const longName = `very-long-${'x'.repeat(60)}`;

      // Act
      const name = compileCatalog({ config, rules: [rule(longName)] }, options).resources[`PatchbayRuleVeryLong${'X'.repeat(1)}${'x'.repeat(59)}`]?.Properties.Name as string;

      // Assess
      expect(name).toHaveLength(64);
      expect(name).toMatch(/^patchbay\.dev\.very-long-x+-[0-9a-f]{8}$/);
    });
  });

  describe('targets: retry policy and dead-letter queue on every target', () => {
    it("gives function targets the rule target's retry policy (EventBridge's defaults unless overridden)", () => {
      // Prepare
      const tuned = rule('tuned', { targets: [fn('notify', 'notify', { retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 600 } })] });

      // Act
      const tunedResources = compileCatalog({ config, rules: [tuned] }, options).resources;

      // Assess
      expectResource(resources, 'PatchbayRuleIamRootLogin', 'AWS::Events::Rule', {
        Targets: [{ RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 } }, {}, {}],
      });
      expectResource(tunedResources, 'PatchbayRuleTuned', 'AWS::Events::Rule', { Targets: [{ RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 600 } }] });
    });

    it('creates the dead-letter queue (SSE-SQS, 14 days) when serverless.yml names none, and lets only these rules write to it', () => {
      // Assess
      for (const target of resources.PatchbayRuleIamRootLogin.Properties.Targets as unknown[]) {
        expect(target).toEqual(expect.objectContaining({ DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['PatchbayDeadLetterQueue', 'Arn'] } } }));
      }
      expectResource(resources, 'PatchbayDeadLetterQueue', 'AWS::SQS::Queue', { QueueName: 'patchbay-dev-dlq', MessageRetentionPeriod: 1209600, SqsManagedSseEnabled: true });
      expectResource(resources, 'PatchbayDeadLetterQueuePolicy', 'AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: 'PatchbayDeadLetterQueue' }],
        PolicyDocument: {
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'events.amazonaws.com' },
              Action: 'sqs:SendMessage',
              Condition: {
                StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
                ArnEquals: { 'aws:SourceArn': [thisRuleArn('iam-root-login'), thisRuleArn('ops-tick'), thisRuleArn('orders-created', 'orders/')] },
              },
            },
          ],
        },
      });
      expect(compiled.outputs.PatchbayDeadLetterQueueArn).toBeDefined();
    });

    it("uses serverless.yml's queue instead, and a target's own queue over both, each with its policy", () => {
      // Prepare
      const own = rule('own-queue', { targets: [fn('notify', 'notify', { deadLetterQueue: 'AuditQueue' }), fn('audit')] });

      // Act
      const withQueues = compileCatalog({ config: { ...config, deadLetterQueue: 'NotifyDeadLetterQueue' }, rules: [own, orders] }, options).resources;

      // Assess
      expect(withQueues).not.toHaveProperty('PatchbayDeadLetterQueue');
      expectResource(withQueues, 'PatchbayRuleOwnQueue', 'AWS::Events::Rule', {
        Targets: [{ DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['AuditQueue', 'Arn'] } } }, { DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['NotifyDeadLetterQueue', 'Arn'] } } }],
      });
      expect(idsOfType(withQueues, 'AWS::SQS::QueuePolicy').sort()).toEqual(['PatchbayDeadLetterQueuePolicy', expect.stringMatching(/^PatchbayDeadLetterQueuePolicyAuditQueue[0-9a-f]{8}$/)].sort());
      const auditPolicy = withQueues[idsOfType(withQueues, 'AWS::SQS::QueuePolicy').find((id) => id.includes('AuditQueue'))!];
      expect(JSON.stringify(auditPolicy.Properties)).not.toContain('rule/orders/');
    });
  });

  describe('sns targets', () => {
    const alert = rule('s3-bucket-deleted', {
      targets: [
        {
          kind: 'sns',
          id: 'sns-security',
          sns: 'security',
          inputTransformer: { inputPathsMap: { bucket: '$.detail.requestParameters.bucketName' }, inputTemplate: '"Bucket <bucket> deleted (<aws.events.rule-name>)"' },
          retryPolicy: { maximumRetryAttempts: 10, maximumEventAgeInSeconds: 3600 },
        },
      ],
    });
    const snsResources = compileCatalog({ config, rules: [alert, orders] }, options).resources;

    it('targets the topic with its input transformer, retry policy and dead-letter queue', () => {
      // Assess
      expectResource(snsResources, 'PatchbayRuleS3BucketDeleted', 'AWS::Events::Rule', {
        Targets: [
          {
            Id: 'sns-security',
            Arn: { Ref: 'PatchbayTopicSecurity' },
            InputTransformer: { InputPathsMap: { bucket: '$.detail.requestParameters.bucketName' }, InputTemplate: '"Bucket <bucket> deleted (<aws.events.rule-name>)"' },
            RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 3600 },
            DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['PatchbayDeadLetterQueue', 'Arn'] } },
          },
        ],
      });
    });

    it('encrypts that topic with a customer managed key EventBridge may use, and lets only these rules publish', () => {
      // Assess
      expectResource(snsResources, 'PatchbayTopicSecurity', 'AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': ['PatchbayTopicKey', 'Arn'] } });
      expectResource(snsResources, 'PatchbayTopicOperations', 'AWS::SNS::Topic', { KmsMasterKeyId: 'alias/aws/sns' });
      expectResource(snsResources, 'PatchbayTopicKey', 'AWS::KMS::Key', {
        EnableKeyRotation: true,
        KeyPolicy: { Statement: [{ Sid: 'AccountAdministersKey' }, { Principal: { Service: 'events.amazonaws.com' }, Action: ['kms:GenerateDataKey*', 'kms:Decrypt'] }] },
      });
      expectResource(snsResources, 'PatchbayTopicSecurityPolicy', 'AWS::SNS::TopicPolicy', {
        Topics: [{ Ref: 'PatchbayTopicSecurity' }],
        PolicyDocument: {
          Statement: [
            {
              Principal: { Service: 'events.amazonaws.com' },
              Action: 'sns:Publish',
              Resource: { Ref: 'PatchbayTopicSecurity' },
              Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } }, ArnEquals: { 'aws:SourceArn': [thisRuleArn('s3-bucket-deleted')] } },
            },
          ],
        },
      });
      expect(idsOfType(snsResources, 'AWS::SNS::TopicPolicy')).toEqual(['PatchbayTopicSecurityPolicy']);
    });

    it('adds the key to what a function needs to publish to such a topic', () => {
      // Act
      const { keyEncryptedTopics } = compileCatalog({ config, rules: [alert] }, options);

      // Assess
      expect(keyEncryptedTopics).toEqual(['security']);
      expect(publishStatements(['operations'], keyEncryptedTopics)).toEqual([snsPublishStatement(['operations'])]);
      expect(publishStatements(['operations', 'security'], keyEncryptedTopics)).toEqual([
        snsPublishStatement(['operations', 'security']),
        { Effect: 'Allow', Action: ['kms:GenerateDataKey*', 'kms:Decrypt'], Resource: [{ 'Fn::GetAtt': ['PatchbayTopicKey', 'Arn'] }] },
      ]);
      expect(publishStatements([], keyEncryptedTopics)).toEqual([]);
    });

    it('creates no key when no rule publishes to a topic directly', () => {
      // Assess
      expect(idsOfType(resources, 'AWS::KMS::Key')).toEqual([]);
      expect(compiled.keyEncryptedTopics).toEqual([]);
    });
  });

  describe('eventBus targets', () => {
    const forwardConfig = projectConfig({
      buses: {
        central: { existing: 'arn:aws:events:us-east-1:111122223333:event-bus/aggregation-prod-central' },
        local: { type: 'custom' },
      },
    });
    const forward = rule('guardduty-finding', {
      targets: [
        { kind: 'eventBus', id: 'bus-central', eventBus: 'central' },
        { kind: 'eventBus', id: 'bus-audit', eventBus: 'arn:aws:events:us-west-2:444455556666:event-bus/audit' },
        { kind: 'eventBus', id: 'bus-local', eventBus: 'local' },
      ],
    });
    const forwardResources = compileCatalog({ config: forwardConfig, rules: [forward] }, options).resources;

    it('forwards unchanged, with a role and a dead-letter queue, without input transformer or retry policy', () => {
      // Act
      const targets = forwardResources.PatchbayRuleGuarddutyFinding.Properties.Targets as Record<string, unknown>[];

      // Assess
      expect(targets[0]).toEqual({
        Id: 'bus-central',
        Arn: 'arn:aws:events:us-east-1:111122223333:event-bus/aggregation-prod-central',
        RoleArn: { 'Fn::GetAtt': ['PatchbayForwardRoleCentral', 'Arn'] },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['PatchbayDeadLetterQueue', 'Arn'] } },
      });
      expect(targets[1]).toEqual(expect.objectContaining({ Arn: 'arn:aws:events:us-west-2:444455556666:event-bus/audit', RoleArn: { 'Fn::GetAtt': [expect.stringMatching(/^PatchbayForwardRoleAudit[0-9a-f]{8}$/), 'Arn'] } }));
      expect(targets[2]).toEqual(expect.objectContaining({ Arn: { 'Fn::GetAtt': ['PatchbayBusLocal', 'Arn'] } }));
      for (const target of targets) {
        expect(target).not.toHaveProperty('InputTransformer');
        expect(target).not.toHaveProperty('RetryPolicy');
      }
    });

    it('gives EventBridge one least-privilege role per destination: events:PutEvents on that bus only, trusted for these rules', () => {
      // Assess
      expect(idsOfType(forwardResources, 'AWS::IAM::Role')).toHaveLength(3);
      expectResource(forwardResources, 'PatchbayForwardRoleCentral', 'AWS::IAM::Role', {
        AssumeRolePolicyDocument: {
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'events.amazonaws.com' },
              Action: 'sts:AssumeRole',
              Condition: {
                StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
                ArnEquals: { 'aws:SourceArn': [thisRuleArn('guardduty-finding')] },
              },
            },
          ],
        },
        Policies: [
          {
            PolicyName: 'put-events',
            PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'events:PutEvents', Resource: 'arn:aws:events:us-east-1:111122223333:event-bus/aggregation-prod-central' }] },
          },
        ],
      });
      expect(forwardResources.PatchbayForwardRoleCentral.Properties.Policies).toHaveLength(1);
    });

    it('needs no Lambda permission for a rule without function targets', () => {
      // Assess
      expect(idsOfType(forwardResources, 'AWS::Lambda::Permission')).toEqual([]);
    });
  });

  describe('buses', () => {
    const busConfig = projectConfig({
      buses: {
        default: { archive: { retentionDays: 7 }, policy: { allow: { accounts: ['444455556666'] } } },
        central: {
          type: 'custom',
          description: 'Organization events',
          policy: { allow: { organization: 'o-a1b2c3d4e5', organizationalUnits: ['o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/'], accounts: ['111122223333', '444455556666'] } },
          archive: { retentionDays: 0, pattern: { source: ['aws.guardduty'] } },
        },
        named: { type: 'custom', name: 'org-events' },
        auth0: { type: 'partner', eventSourceName: 'aws.partner/auth0.com/example-tenant/auth0.logs', archive: { retentionDays: 30 } },
        shared: { existing: 'arn:aws:events:eu-west-1:444455556666:event-bus/shared' },
      },
    });
    const onCentral = rule('central-finding', { bus: 'central' });
    const onAuth0 = rule('auth0-failed-login', { bus: 'auth0' });
    const onNamed = rule('named-event', { bus: 'named' });
    const onShared = rule('shared-event', { bus: 'shared' });
    const busCompiled = compileCatalog({ config: busConfig, rules: [onCentral, onAuth0, onNamed, onShared] }, options);
    const busResources = busCompiled.resources;

    it('creates custom buses named <service>-<stage>-<key> (or as configured) and partner buses named after their event source', () => {
      // Assess
      expectResource(busResources, 'PatchbayBusCentral', 'AWS::Events::EventBus', { Name: 'patchbay-dev-central', Description: 'Organization events' });
      expectResource(busResources, 'PatchbayBusNamed', 'AWS::Events::EventBus', { Name: 'org-events' });
      expectResource(busResources, 'PatchbayBusAuth0', 'AWS::Events::EventBus', {
        Name: 'aws.partner/auth0.com/example-tenant/auth0.logs',
        EventSourceName: 'aws.partner/auth0.com/example-tenant/auth0.logs',
      });
      expect(idsOfType(busResources, 'AWS::Events::EventBus').sort()).toEqual(['PatchbayBusAuth0', 'PatchbayBusCentral', 'PatchbayBusNamed']);
      expect(busCompiled.outputs.PatchbayBusCentralArn).toEqual(expect.objectContaining({ Value: { 'Fn::GetAtt': ['PatchbayBusCentral', 'Arn'] } }));
    });

    it("puts rules on their bus (a Ref for the stack's buses, the ARN for an existing one) and permissions match the bus's rule ARNs", () => {
      // Assess
      expectResource(busResources, 'PatchbayRuleCentralFinding', 'AWS::Events::Rule', { EventBusName: { Ref: 'PatchbayBusCentral' } });
      expectResource(busResources, 'PatchbayRuleAuth0FailedLogin', 'AWS::Events::Rule', { EventBusName: { Ref: 'PatchbayBusAuth0' } });
      expectResource(busResources, 'PatchbayRuleSharedEvent', 'AWS::Events::Rule', { EventBusName: 'arn:aws:events:eu-west-1:444455556666:event-bus/shared' });
      expectResource(busResources, 'NotifyPatchbayInvokePermissionCentral', 'AWS::Lambda::Permission', {
        SourceArn: { 'Fn::Sub': 'arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/patchbay-dev-central/patchbay.dev.*' },
      });
      expectResource(busResources, 'NotifyPatchbayInvokePermissionAuth0', 'AWS::Lambda::Permission', {
        SourceArn: { 'Fn::Sub': 'arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/aws.partner/auth0.com/example-tenant/auth0.logs/patchbay.dev.*' },
      });
      expectResource(busResources, 'NotifyPatchbayInvokePermissionShared', 'AWS::Lambda::Permission', {
        SourceArn: { 'Fn::Sub': 'arn:aws:events:eu-west-1:444455556666:rule/shared/patchbay.dev.*' },
      });
    });

    it('writes one bus policy resource per account, organization and organizational unit, each events:PutEvents on that bus only', () => {
      // Act
      const policies = idsOfType(busResources, 'AWS::Events::EventBusPolicy').map((id) => busResources[id].Properties);

      // Assess
      expect(policies).toHaveLength(5);
      expect(policies).toEqual(
        expect.arrayContaining([
          {
            EventBusName: { Ref: 'PatchbayBusCentral' },
            StatementId: 'patchbay-dev-central-account-111122223333',
            Statement: {
              Effect: 'Allow',
              Principal: { AWS: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::111122223333:root' } },
              Action: 'events:PutEvents',
              Resource: { 'Fn::GetAtt': ['PatchbayBusCentral', 'Arn'] },
            },
          },
          {
            EventBusName: { Ref: 'PatchbayBusCentral' },
            StatementId: 'patchbay-dev-central-org-o-a1b2c3d4e5',
            Statement: {
              Effect: 'Allow',
              Principal: '*',
              Action: 'events:PutEvents',
              Resource: { 'Fn::GetAtt': ['PatchbayBusCentral', 'Arn'] },
              Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
            },
          },
          {
            EventBusName: { Ref: 'PatchbayBusCentral' },
            StatementId: 'patchbay-dev-central-ou-ab12-11111111',
            Statement: {
              Effect: 'Allow',
              Principal: '*',
              Action: 'events:PutEvents',
              Resource: { 'Fn::GetAtt': ['PatchbayBusCentral', 'Arn'] },
              Condition: { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': ['o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*'] } },
            },
          },
          expect.objectContaining({ EventBusName: 'default', StatementId: 'patchbay-dev-default-account-444455556666' }),
        ]),
      );
      expect(securityProblems(busResources)).toEqual([]);
    });

    it('keeps statement IDs and logical IDs when accounts are added, removed or reordered', () => {
      // Prepare
      const ids = (accounts: string[]): Record<string, unknown> => {
        const changed = projectConfig({ buses: { central: { type: 'custom', policy: { allow: { accounts } } } } });
        const out = compileCatalog({ config: changed, rules: [] }, options).resources;
        return Object.fromEntries(idsOfType(out, 'AWS::Events::EventBusPolicy').map((id) => [id, out[id].Properties.StatementId]));
      };

      // Act
      const before = ids(['111122223333', '444455556666']);
      const after = ids(['777788889999', '444455556666']);

      // Assess
      const kept = Object.entries(before).find(([, sid]) => sid === 'patchbay-dev-central-account-444455556666')!;
      expect(after[kept[0]]).toBe(kept[1]);
      expect(Object.keys(after)).toHaveLength(2);
    });

    it("archives a bus's events under the replay module's archive name, 0 days meaning forever", () => {
      // Assess
      expectResource(busResources, 'PatchbayArchiveDefault', 'AWS::Events::Archive', {
        ArchiveName: archiveName('patchbay', 'dev', 'default'),
        SourceArn: { 'Fn::Sub': 'arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/default' },
        RetentionDays: 7,
      });
      expectResource(busResources, 'PatchbayArchiveCentral', 'AWS::Events::Archive', {
        ArchiveName: 'patchbay-dev-central',
        SourceArn: { 'Fn::GetAtt': ['PatchbayBusCentral', 'Arn'] },
        RetentionDays: 0,
        EventPattern: { source: ['aws.guardduty'] },
      });
      expectResource(busResources, 'PatchbayArchiveAuth0', 'AWS::Events::Archive', { ArchiveName: 'patchbay-dev-auth0', RetentionDays: 30 });
    });

    it('conforms to the resource specification', () => {
      // Assess
      expect(specProblems(busResources)).toEqual([]);
    });
  });

  describe('schema registry', () => {
    const schemaConfig = projectConfig({ schemas: { discoverers: ['default'], crossAccount: false, description: 'Our events' } });
    const eventSchemas = [
      { name: 'shop.orders@OrderCreated', type: 'OpenApi3' as const, content: '{"openapi":"3.0.0","info":{"title":"x","version":"1"},"paths":{}}', filePath: 'schemas/shop.orders@OrderCreated.json' },
    ];
    const registryResources = compileCatalog({ config: schemaConfig, rules: [], eventSchemas }, options).resources;

    it('creates the registry, one schema per file and a discoverer per listed bus', () => {
      // Assess
      expectResource(registryResources, 'PatchbaySchemaRegistry', 'AWS::EventSchemas::Registry', { RegistryName: 'patchbay-dev', Description: 'Our events' });
      const [schemaId] = idsOfType(registryResources, 'AWS::EventSchemas::Schema');
      expect(schemaId).toMatch(/^PatchbaySchemaShopOrdersOrderCreated[0-9a-f]{8}$/);
      expectResource(registryResources, schemaId, 'AWS::EventSchemas::Schema', {
        RegistryName: { 'Fn::GetAtt': ['PatchbaySchemaRegistry', 'RegistryName'] },
        SchemaName: 'shop.orders@OrderCreated',
        Type: 'OpenApi3',
        Content: eventSchemas[0].content,
      });
      expectResource(registryResources, 'PatchbaySchemaDiscovererDefault', 'AWS::EventSchemas::Discoverer', {
        SourceArn: { 'Fn::Sub': 'arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/default' },
        CrossAccount: false,
      });
      expect(specProblems(registryResources)).toEqual([]);
    });
  });

  describe('CloudTrail trail', () => {
    const trailConfig = projectConfig({
      trail: {
        expirationInDays: 90,
        managementEvents: { readWriteType: 'WriteOnly' },
        dataEvents: { s3Objects: ['arn:aws:s3:::example-bucket/'], lambdaFunctions: ['all'] },
        insightSelectors: ['ApiCallRateInsight', 'ApiErrorRateInsight'],
      },
    });
    const trailResources = compileCatalog({ config: trailConfig, rules: [] }, options).resources;

    it('creates a multi-Region trail with global events, log file validation, event and Insights selectors', () => {
      // Assess
      expectResource(trailResources, 'PatchbayTrail', 'AWS::CloudTrail::Trail', {
        TrailName: 'patchbay-dev',
        S3BucketName: { Ref: 'PatchbayTrailBucket' },
        IsLogging: true,
        IsMultiRegionTrail: true,
        IncludeGlobalServiceEvents: true,
        EnableLogFileValidation: true,
        EventSelectors: [
          {
            ReadWriteType: 'WriteOnly',
            IncludeManagementEvents: true,
            DataResources: [
              { Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::example-bucket/'] },
              { Type: 'AWS::Lambda::Function', Values: [{ 'Fn::Sub': 'arn:${AWS::Partition}:lambda' }] },
            ],
          },
        ],
        InsightSelectors: [{ InsightType: 'ApiCallRateInsight' }, { InsightType: 'ApiErrorRateInsight' }],
      });
      expect(trailResources.PatchbayTrail.DependsOn).toBe('PatchbayTrailBucketPolicy');
    });

    it('keeps logs in an encrypted, private bucket that expires them, written only by this trail', () => {
      // Assess
      expectResource(trailResources, 'PatchbayTrailBucket', 'AWS::S3::Bucket', {
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        LifecycleConfiguration: { Rules: [{ Status: 'Enabled', ExpirationInDays: 90 }] },
      });
      expect(trailResources.PatchbayTrailBucket.DeletionPolicy).toBe('Retain');
      const trailArn = { 'Fn::Sub': 'arn:${AWS::Partition}:cloudtrail:${AWS::Region}:${AWS::AccountId}:trail/patchbay-dev' };
      expectResource(trailResources, 'PatchbayTrailBucketPolicy', 'AWS::S3::BucketPolicy', {
        Bucket: { Ref: 'PatchbayTrailBucket' },
        PolicyDocument: {
          Statement: [
            { Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:GetBucketAcl', Condition: { StringEquals: { 'aws:SourceArn': trailArn } } },
            { Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:PutObject', Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': trailArn } } },
            { Effect: 'Deny', Principal: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
          ],
        },
      });
      expect(specProblems(trailResources)).toEqual([]);
      expect(securityProblems(trailResources)).toEqual([]);
    });
  });

  describe('permissions', () => {
    it('creates one permission per function and bus, not one per rule', () => {
      // Assess
      expect(idsOfType(resources, 'AWS::Lambda::Permission').sort()).toEqual(
        ['AuditPatchbayInvokePermission', 'NotifyPatchbayInvokePermission', 'NotifyPatchbayInvokePermissionOrders'].sort(),
      );
      expectResource(resources, 'NotifyPatchbayInvokePermission', 'AWS::Lambda::Permission', {
        FunctionName: { 'Fn::GetAtt': ['NotifyLambdaFunction', 'Arn'] },
        Action: 'lambda:InvokeFunction',
        Principal: 'events.amazonaws.com',
        SourceArn: { 'Fn::Sub': 'arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/patchbay.dev.*' },
        SourceAccount: { Ref: 'AWS::AccountId' },
      });
      expectResource(resources, 'NotifyPatchbayInvokePermissionOrders', 'AWS::Lambda::Permission', {
        SourceArn: { 'Fn::Sub': 'arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/orders/patchbay.dev.*' },
      });
    });

    it('keeps one permission when many rules target the same function', () => {
      // Act
      const many = compileCatalog({ config, rules: ['a', 'b', 'c', 'd'].map((name) => rule(name)) }, options).resources;

      // Assess
      expect(idsOfType(many, 'AWS::Lambda::Permission')).toEqual(['NotifyPatchbayInvokePermission']);
      expect(idsOfType(many, 'AWS::Events::Rule')).toHaveLength(4);
    });
  });

  describe('topics', () => {
    it('creates every configured topic, encrypted with the AWS-managed SNS key', () => {
      // Assess
      expect(idsOfType(resources, 'AWS::SNS::Topic').sort()).toEqual(['PatchbayTopicOperations', 'PatchbayTopicSecurity', 'PatchbayTopicUnused']);
      expectResource(resources, 'PatchbayTopicSecurity', 'AWS::SNS::Topic', {
        TopicName: 'patchbay-dev-security',
        DisplayName: 'Security alerts',
        KmsMasterKeyId: 'alias/aws/sns',
      });
      expect(resources.PatchbayTopicOperations.Properties).not.toHaveProperty('DisplayName');
      expect(compiled.outputs.PatchbayTopicSecurityArn).toEqual(expect.objectContaining({ Value: { Ref: 'PatchbayTopicSecurity' } }));
    });

    it('creates one subscription per subscription of a topic', () => {
      // Act
      const subscriptions = idsOfType(resources, 'AWS::SNS::Subscription').map((id) => resources[id].Properties);

      // Assess
      expect(subscriptions).toEqual(
        expect.arrayContaining([
          { TopicArn: { Ref: 'PatchbayTopicSecurity' }, Protocol: 'email', Endpoint: 'sec@example.com' },
          { TopicArn: { Ref: 'PatchbayTopicOperations' }, Protocol: 'email', Endpoint: 'ops@example.com' },
          { TopicArn: { Ref: 'PatchbayTopicOperations' }, Protocol: 'https', Endpoint: 'https://hooks.example.com/ops' },
        ]),
      );
      expect(subscriptions).toHaveLength(3);
    });

    it('compiles a fifo topic to <name>.fifo with FifoTopic and ContentBasedDeduplication off', () => {
      // Prepare
      const fifoConfig = projectConfig({ topics: { audit: { fifo: true, subscriptions: [{ protocol: 'sqs', endpoint: 'arn:aws:sqs:us-east-1:123456789012:audit.fifo' }] } } });
      const fifoRule = rule('x', { targets: [fn('notify', 'notify', { notify: { topic: 'audit' } })] });

      // Act
      const fifo = compileCatalog({ config: fifoConfig, rules: [fifoRule] }, options);

      // Assess
      expectResource(fifo.resources, 'PatchbayTopicAudit', 'AWS::SNS::Topic', {
        TopicName: 'patchbay-dev-audit.fifo',
        FifoTopic: true,
        ContentBasedDeduplication: false,
        KmsMasterKeyId: 'alias/aws/sns',
      });
      expect(resources.PatchbayTopicSecurity.Properties).not.toHaveProperty('FifoTopic');
      expect(specProblems(fifo.resources)).toEqual([]);
    });
  });

  describe('functions', () => {
    it('gives each function the ARNs of exactly the topics its targets notify', () => {
      // Assess
      expect(compiled.functionEnvironment).toEqual({
        audit: { PATCHBAY_TOPIC_ARN_OPERATIONS: { Ref: 'PatchbayTopicOperations' } },
        notify: { PATCHBAY_TOPIC_ARN_OPERATIONS: { Ref: 'PatchbayTopicOperations' }, PATCHBAY_TOPIC_ARN_SECURITY: { Ref: 'PatchbayTopicSecurity' } },
      });
      expect(compiled.functionPublishTopics).toEqual({ audit: ['operations'], notify: ['operations', 'security'] });
    });

    it('allows sns:Publish on the named topics only (least privilege, no unused topic)', () => {
      // Act
      const statement = snsPublishStatement(compiled.functionPublishTopics.notify);

      // Assess
      expect(statement).toEqual({ Effect: 'Allow', Action: ['sns:Publish'], Resource: [{ Ref: 'PatchbayTopicOperations' }, { Ref: 'PatchbayTopicSecurity' }] });
      expect(JSON.stringify(statement)).not.toContain('Unused');
      expect(JSON.stringify(statement)).not.toContain('*');
    });
  });

  describe('logical-ID stability', () => {
    it('never renames a resource when files are added, removed or reordered', () => {
      // Prepare
      const before = compileCatalog({ config, rules: [rootLogin, tick] }, options).resources;

      // Act
      const after = compileCatalog({ config, rules: [rule('aaa-first'), tick, rule('zzz-last'), rootLogin] }, options).resources;
      const removed = compileCatalog({ config, rules: [tick] }, options).resources;

      // Assess
      for (const id of Object.keys(before)) {
        if (id === 'NotifyPatchbayInvokePermission' || id.startsWith('PatchbayTopic') || id.startsWith('PatchbayRule')) {
          expect(after[id]).toBeDefined();
        }
      }
      expect(after.PatchbayRuleIamRootLogin).toEqual(before.PatchbayRuleIamRootLogin);
      expect(removed.PatchbayRuleOpsTick).toEqual(before.PatchbayRuleOpsTick);
      expect(after.NotifyPatchbayInvokePermission).toEqual(before.NotifyPatchbayInvokePermission);
    });

    it('keeps subscription IDs when subscriptions are reordered', () => {
      // Prepare
      const reordered: ProjectConfig = {
        ...config,
        topics: { ...config.topics, operations: { subscriptions: [...config.topics.operations.subscriptions].reverse() } },
      };

      // Act
      const a = idsOfType(compileCatalog(catalog, options).resources, 'AWS::SNS::Subscription').sort();
      const b = idsOfType(compileCatalog({ ...catalog, config: reordered }, options).resources, 'AWS::SNS::Subscription').sort();

      // Assess
      expect(b).toEqual(a);
    });
  });

  describe('errors', () => {
    it.each([
      ['a target function without a logical ID', { ...options, functionLogicalIds: { notify: 'NotifyLambdaFunction' } }, catalog, 'PATCHBAY_UNKNOWN_FUNCTION'],
      ['a topic missing from the config', options, { config, rules: [rule('x', { targets: [fn('notify', 'notify', { notify: { topic: 'nope' } })] })] }, 'PATCHBAY_UNKNOWN_TOPIC'],
      ['an sns topic missing from the config', options, { config, rules: [rule('x', { targets: [{ kind: 'sns', id: 'sns-nope', sns: 'nope', retryPolicy }] })] }, 'PATCHBAY_UNKNOWN_TOPIC'],
      ['a bus missing from the config', options, { config, rules: [rule('x', { bus: 'nowhere' })] }, 'PATCHBAY_UNKNOWN_BUS'],
      ['a service and stage too long for rule names', { ...options, service: 's'.repeat(50), stage: 'production' }, { config, rules: [rule(`r${'x'.repeat(30)}`)] }, 'PATCHBAY_RULE_NAME_PREFIX_TOO_LONG'],
    ])('throws for %s', (_name, compileOptions, input, code) => {
      // Act
      const error = thrown(() => compileCatalog(input as Catalog, compileOptions));

      // Assess
      expect(error).toBeInstanceOf(CompilerError);
      expect(error).toEqual(expect.objectContaining({ name: 'CompilerError', code }));
    });

    it('defaults function logical IDs to Serverless naming', () => {
      // Act
      const defaulted = compileCatalog({ config, rules: [rule('a', { targets: [fn('send-alert')] })] }, { service: 'patchbay', stage: 'dev' });

      // Assess
      expectResource(defaulted.resources, 'PatchbayRuleA', 'AWS::Events::Rule', { Targets: [{ Arn: { 'Fn::GetAtt': ['SendDashalertLambdaFunction', 'Arn'] } }] });
    });
  });
});

describe('Function: compileCatalog on tests/fixtures/service-full (every feature)', () => {
  const rootDir = path.resolve(__dirname, '../../fixtures/service-full');
  let full: ReturnType<typeof compileCatalog>;

  beforeAll(async () => {
    const fullConfig = readProjectConfig(await loadServerlessYaml(rootDir));
    full = compileCatalog(await loadCatalog({ rootDir, config: fullConfig }), { service: 'full', stage: 'test' });
  });

  it('conforms to the CloudFormation resource specification', () => {
    // Assess
    expect(specProblems(full.resources)).toEqual([]);
  });

  it('passes the security assertions: no Action "*", no open Principal, every topic and queue encrypted, buckets private', () => {
    // Assess
    expect(securityProblems(full.resources)).toEqual([]);
  });

  it('creates every kind of resource the issue lists', () => {
    // Assess
    const types = new Set(Object.values(full.resources).map((resource) => resource.Type));
    expect([...types].sort()).toEqual(
      [
        'AWS::CloudTrail::Trail',
        'AWS::CloudWatch::Alarm',
        'AWS::EventSchemas::Discoverer',
        'AWS::EventSchemas::Registry',
        'AWS::EventSchemas::Schema',
        'AWS::Events::Archive',
        'AWS::Events::EventBus',
        'AWS::Events::EventBusPolicy',
        'AWS::Events::Rule',
        'AWS::IAM::Role',
        'AWS::KMS::Key',
        'AWS::Lambda::Permission',
        'AWS::S3::Bucket',
        'AWS::S3::BucketPolicy',
        'AWS::SNS::Subscription',
        'AWS::SNS::Topic',
        'AWS::SNS::TopicPolicy',
        'AWS::SQS::Queue',
        'AWS::SQS::QueuePolicy',
      ].sort(),
    );
  });
});

describe('Function: compileCatalog (alarms on alerting itself)', () => {
  const rootDir = path.resolve(__dirname, '../../fixtures/service-full');
  const compileWith = async (alarms: unknown) => {
    const raw = await loadServerlessYaml(rootDir);
    const patchbay = (raw.custom as { patchbay: Record<string, unknown> }).patchbay;
    const config = readProjectConfig({ ...raw, custom: { ...(raw.custom as object), patchbay: { ...patchbay, ...(alarms === undefined ? {} : { alarms }) } } });
    const catalog = await loadCatalog({ rootDir, config });
    return { catalog, compiled: compileCatalog(catalog, { service: 'full', stage: 'test' }) };
  };
  const alarmsOf = (resources: Record<string, { Type: string; Properties: Record<string, unknown> }>) =>
    Object.fromEntries(Object.entries(resources).filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm'));

  it('by default: one per dead-letter queue, per rule (FailedInvocations, by bus) and per function (Errors, Throttles), notifying the operations topic', async () => {
    // Act
    const { catalog, compiled } = await compileWith(undefined);
    const alarms = alarmsOf(compiled.resources);

    // Assess
    expect(specProblems(alarms)).toEqual([]);
    for (const rule of catalog.rules) expect(Object.keys(alarms)).toContain(`PatchbayAlarmRule${rule.name.split(/[^A-Za-z0-9]+/).map((w) => w[0]!.toUpperCase() + w.slice(1)).join('')}`);
    expect(Object.keys(alarms)).toEqual(expect.arrayContaining(['PatchbayAlarmDlqPatchbayDeadLetterQueue', 'NotifyPatchbayAlarmErrors', 'NotifyPatchbayAlarmThrottles']));
    expect(Object.values(alarms).every((alarm) => JSON.stringify(alarm.Properties.AlarmActions) === JSON.stringify([{ Ref: 'PatchbayTopicOperations' }]))).toBe(true);
    expect(alarms.PatchbayAlarmDlqPatchbayDeadLetterQueue!.Properties).toEqual(
      expect.objectContaining({ Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible', Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['PatchbayDeadLetterQueue', 'QueueName'] } }], Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'notBreaching' }),
    );
    const onCustomBus = catalog.rules.find((rule) => rule.bus !== 'default')!;
    const customAlarm = Object.values(alarms).find((alarm) => JSON.stringify(alarm.Properties.Dimensions).includes(`full.test.${onCustomBus.name}`))!;
    expect((customAlarm.Properties.Dimensions as { Name: string }[]).map((d) => d.Name)).toEqual(['EventBusName', 'RuleName']);
  });

  it('turns off with alarms: false, and takes another topic with alarms.topic', async () => {
    // Act
    const off = await compileWith(false);
    const security = await compileWith({ topic: 'security' });

    // Assess
    expect(alarmsOf(off.compiled.resources)).toEqual({});
    expect(Object.values(alarmsOf(security.compiled.resources)).every((alarm) => JSON.stringify(alarm.Properties.AlarmActions) === JSON.stringify([{ Ref: 'PatchbayTopicSecurity' }]))).toBe(true);
  });

  it('refuses an alarms.topic that is not a topic, with its pointer', () => {
    // Act
    const issues = (() => {
      try {
        readProjectConfig({ service: 's', custom: { patchbay: { topics: { security: { subscriptions: [] } }, alarms: { topic: 'pager' } } } });
      } catch (error) {
        return (error as { issues: { code: string; pointer: string }[] }).issues;
      }
      return [];
    })();

    // Assess
    expect(issues.map(({ code, pointer }) => ({ code, pointer }))).toEqual([{ code: 'UNKNOWN_TOPIC', pointer: '/custom/patchbay/alarms/topic' }]);
  });
});

describe('Function: securityProblems (the assertions themselves)', () => {
  it.each([
    ['Action "*"', { X: { Type: 'AWS::IAM::Role', Properties: { Policies: [{ PolicyDocument: { Statement: [{ Effect: 'Allow', Action: '*', Resource: 'x' }] } }] } } }, 'X: a statement allows Action "*"'],
    ['an open bus policy', { X: { Type: 'AWS::Events::EventBusPolicy', Properties: { StatementId: 's', Statement: { Effect: 'Allow', Principal: '*', Action: 'events:PutEvents' } } } }, 'X: Principal "*" without an organization condition'],
    ['an open legacy bus policy', { X: { Type: 'AWS::Events::EventBusPolicy', Properties: { StatementId: 's', Action: 'events:PutEvents', Principal: '*' } } }, 'X: Principal "*" without an organization condition'],
    ['an unencrypted topic', { X: { Type: 'AWS::SNS::Topic', Properties: {} } }, 'X: topic not encrypted'],
    ['an unencrypted queue', { X: { Type: 'AWS::SQS::Queue', Properties: {} } }, 'X: queue not encrypted'],
    ['a public bucket', { X: { Type: 'AWS::S3::Bucket', Properties: { BucketEncryption: {} } } }, 'X: bucket without BlockPublicAcls'],
  ])('catches %s', (_name, template, problem) => {
    // Act + Assess
    expect(securityProblems(template as never)).toContain(problem);
  });
});

describe('Function: inputTemplate', () => {
  it('escapes names so the template stays JSON', () => {
    // Act
    const template = inputTemplate('a.b_c-d', 'notify-2');

    // Assess
    expect(JSON.parse(template.replace('<aws.events.rule-name>', '"n"').replace('<aws.events.event.json>', '{}'))).toEqual({
      patchbay: { rule: 'a.b_c-d', target: 'notify-2', ruleArnName: 'n' },
      event: {},
    });
  });
});
