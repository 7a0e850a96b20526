import type { Catalog, ProjectConfig, RuleDefinition } from '../../../src/catalog';
import { CompilerError, compileCatalog, inputTemplate, snsPublishStatement } from '../../../src/compiler';
import { specProblems } from './cfn-spec';
import { expectResource, idsOfType } from './template-assertions';

const config: ProjectConfig = {
  service: 'patchbay',
  functions: ['notify', 'audit'],
  patternsDir: 'patterns',
  maxEventPatternLengthInChars: 2048,
  topics: {
    security: { displayName: 'Security alerts', subscriptions: [{ protocol: 'email', endpoint: 'sec@example.com' }] },
    operations: { subscriptions: [{ protocol: 'email', endpoint: 'ops@example.com' }, { protocol: 'https', endpoint: 'https://hooks.example.com/ops' }] },
    unused: { subscriptions: [] },
  },
};

function rule(name: string, overrides: Partial<RuleDefinition> = {}): RuleDefinition {
  return {
    name,
    filePath: `patterns/${name}.yml`,
    bus: 'default',
    state: 'ENABLED',
    pattern: { source: [`aws.${name}`] },
    targets: [{ id: 'notify', function: 'notify', notify: { topic: 'security' } }],
    tests: { match: [], noMatch: [] },
    ...overrides,
  };
}

const rootLogin = rule('iam-root-login', {
  description: 'Root signed in',
  pattern: { source: ['aws.signin'], detail: { userIdentity: { type: ['Root'] } } },
  targets: [
    { id: 'notify', function: 'notify', notify: { topic: 'security' } },
    { id: 'audit', function: 'audit', notify: { topic: 'operations' } },
    { id: 'notify-2', function: 'notify', notify: { topic: 'operations' } },
  ],
});
const tick = rule('ops-tick', { pattern: undefined, schedule: 'rate(5 minutes)', state: 'DISABLED', targets: [{ id: 'audit', function: 'audit' }] });
const orders = rule('orders-created', { bus: 'orders' });

const catalog: Catalog = { config, rules: [rootLogin, tick, orders] };
const options = { service: 'patchbay', stage: 'dev', functionLogicalIds: { notify: 'NotifyLambdaFunction', audit: 'AuditLambdaFunction' } };

describe('Function: compileCatalog', () => {
  const compiled = compileCatalog(catalog, options);
  const { resources } = compiled;

  it('conforms to the CloudFormation resource specification (types, property names, required properties)', () => {
    // Prepare
    const withDlq = compileCatalog({ config: { ...config, deadLetterQueue: 'NotifyDeadLetterQueue' }, rules: [rootLogin, tick, orders] }, options);

    // Act + Assess
    expect(specProblems(withDlq.resources)).toEqual([]);
    expect(specProblems({ X: { Type: 'AWS::SNS::Topic', Properties: { KmsMasterKeyID: 'alias/aws/sns' } } })).toEqual([expect.stringContaining('X.KmsMasterKeyID: unknown property')]);
    expect(specProblems({ X: { Type: 'AWS::Lambda::Permission', Properties: { Action: 'lambda:InvokeFunction', FunctionName: 'f' } } })).toEqual(['X.Principal: required property missing']);
  });

  describe('rules', () => {
    it('compiles a pattern rule with its name, description, pattern, state and Lambda targets', () => {
      // Assess
      expectResource(resources, 'PatchbayRuleIamRootLogin', 'AWS::Events::Rule', {
        Name: 'patchbay-dev-iam-root-login',
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
      const delivered = JSON.parse(template.replace('<aws.events.rule-name>', '"patchbay-dev-iam-root-login"').replace('<aws.events.event.json>', '{"source":"aws.signin"}'));

      // Assess
      expect(template).toBe('{"patchbay":{"rule":"iam-root-login","target":"notify","ruleArnName":<aws.events.rule-name>},"event":<aws.events.event.json>}');
      expect(target.InputTransformer).not.toHaveProperty('InputPathsMap');
      expect(delivered).toEqual({ patchbay: { rule: 'iam-root-login', target: 'notify', ruleArnName: 'patchbay-dev-iam-root-login' }, event: { source: 'aws.signin' } });
    });

    it('compiles a schedule rule with ScheduleExpression and a default description', () => {
      // Assess
      expectResource(resources, 'PatchbayRuleOpsTick', 'AWS::Events::Rule', {
        Name: 'patchbay-dev-ops-tick',
        Description: 'patchbay rule from patterns/ops-tick.yml',
        ScheduleExpression: 'rate(5 minutes)',
        State: 'DISABLED',
      });
      expect(resources.PatchbayRuleOpsTick.Properties).not.toHaveProperty('EventPattern');
    });

    it('names the bus of a custom-bus rule', () => {
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
      expect(name).toMatch(/^patchbay-dev-very-long-x+-[0-9a-f]{8}$/);
    });

    it('adds the dead-letter queue to every target and lets EventBridge write to it', () => {
      // Act
      const withDlq = compileCatalog({ config: { ...config, deadLetterQueue: 'NotifyDeadLetterQueue' }, rules: [rootLogin, orders] }, options).resources;

      // Assess
      for (const target of withDlq.PatchbayRuleIamRootLogin.Properties.Targets as unknown[]) {
        expect(target).toEqual(expect.objectContaining({ DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['NotifyDeadLetterQueue', 'Arn'] } } }));
      }
      expectResource(withDlq, 'PatchbayDeadLetterQueuePolicy', 'AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: 'NotifyDeadLetterQueue' }],
        PolicyDocument: {
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'events.amazonaws.com' },
              Action: 'sqs:SendMessage',
              Condition: {
                ArnLike: {
                  'aws:SourceArn': [
                    { 'Fn::Sub': 'arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/patchbay-dev-*' },
                    { 'Fn::Sub': 'arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/orders/patchbay-dev-*' },
                  ],
                },
              },
            },
          ],
        },
      });
      expect(idsOfType(resources, 'AWS::SQS::QueuePolicy')).toEqual([]);
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
        SourceArn: { 'Fn::Sub': 'arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/patchbay-dev-*' },
        SourceAccount: { Ref: 'AWS::AccountId' },
      });
      expectResource(resources, 'NotifyPatchbayInvokePermissionOrders', 'AWS::Lambda::Permission', {
        SourceArn: { 'Fn::Sub': 'arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/orders/patchbay-dev-*' },
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
      ['a topic missing from the config', options, { config, rules: [rule('x', { targets: [{ id: 'notify', function: 'notify', notify: { topic: 'nope' } }] })] }, 'PATCHBAY_UNKNOWN_TOPIC'],
      ['a service and stage too long for rule names', { ...options, service: 's'.repeat(50), stage: 'production' }, { config, rules: [rule(`r${'x'.repeat(30)}`)] }, 'PATCHBAY_RULE_NAME_PREFIX_TOO_LONG'],
    ])('throws for %s', (_name, compileOptions, input, code) => {
      // Act
      const error = (() => {
        try {
          compileCatalog(input as Catalog, compileOptions);
        } catch (thrown) {
          return thrown;
        }
        return undefined;
      })();

      // Assess
      expect(error).toBeInstanceOf(CompilerError);
      expect(error).toEqual(expect.objectContaining({ name: 'CompilerError', code }));
    });

    it('defaults function logical IDs to Serverless naming', () => {
      // Act
      const defaulted = compileCatalog({ config, rules: [rule('a', { targets: [{ id: 'send-alert', function: 'send-alert' }] })] }, { service: 'patchbay', stage: 'dev' });

      // Assess
      expectResource(defaulted.resources, 'PatchbayRuleA', 'AWS::Events::Rule', { Targets: [{ Arn: { 'Fn::GetAtt': ['SendDashalertLambdaFunction', 'Arn'] } }] });
    });
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
