/**
 * Who the compiled grants admit: EventBridge is let into Lambda functions, topics, queues, the topic key and forward
 * roles for exactly this service and stage's rules that use them. Each grant is evaluated the way IAM does
 * (`ArnLike` / `ArnEquals` / `ArnNotLike` on `aws:SourceArn`, all operators of a condition at once) against the
 * rule ARNs of this deployment and of its look-alikes: another stage (`dev-eu`), a longer service name
 * (`patchbay-dev`), the same rule on another bus.
 */
import { readProjectConfig, type Catalog, type RuleDefinition, type TargetDefinition } from '../../../src/catalog';
import { CompilerError, assertUniqueStatementIds, compileCatalog, rulePhysicalName, type CfnResource } from '../../../src/compiler';
import { idsOfType } from './template-assertions';

const where = { 'AWS::Partition': 'aws', 'AWS::Region': 'us-east-1', 'AWS::AccountId': '111122223333' } as Record<string, string>;
const retryPolicy = { maximumRetryAttempts: 185, maximumEventAgeInSeconds: 86400 };

/** A value of the template as deployed in `where`. */
function resolve(value: unknown): string {
  if (typeof value === 'string') return value;
  const sub = (value as { 'Fn::Sub'?: string })['Fn::Sub'];
  if (typeof sub === 'string') return sub.replace(/\$\{([^}]+)\}/g, (_whole, name: string) => where[name]);
  if ((value as { Ref?: string }).Ref === 'AWS::AccountId') return where['AWS::AccountId'];
  throw new Error(`cannot resolve ${JSON.stringify(value)}`);
}

/** IAM's ArnLike: `*` any run of characters (`/` included), `?` one character, whole value. */
function arnLike(pattern: string, arn: string): boolean {
  const regex = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${regex}$`).test(arn);
}

const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

/** Whether a statement's condition admits EventBridge calling for the rule `arn` from `account`. */
function admits(condition: Record<string, Record<string, unknown>> | undefined, arn: string, account = where['AWS::AccountId']): boolean {
  if (!condition) return true;
  return Object.entries(condition).every(([operator, keys]) =>
    Object.entries(keys).every(([key, values]) => {
      const actual = key === 'aws:SourceArn' ? arn : key === 'aws:SourceAccount' ? account : undefined;
      if (actual === undefined) throw new Error(`unexpected condition key ${key}`);
      const patterns = list(values).map(resolve);
      switch (operator) {
        case 'ArnEquals':
        case 'StringEquals':
          return patterns.includes(actual);
        case 'ArnLike':
          return patterns.some((pattern) => arnLike(pattern, actual));
        case 'ArnNotLike':
          return !patterns.some((pattern) => arnLike(pattern, actual));
        default:
          throw new Error(`unexpected operator ${operator}`);
      }
    }),
  );
}

/** The ARN of rule `name` of a service and stage on a bus (`''` for the default bus) in `where`. */
function arnOf(service: string, stage: string, name: string, bus = ''): string {
  return `arn:aws:events:us-east-1:111122223333:rule/${bus ? `${bus}/` : ''}${rulePhysicalName(service, stage, name)}`;
}

type Grant = { what: string; admits: (arn: string, account?: string) => boolean };

/** Every grant to EventBridge in the resources. */
function grants(resources: Record<string, CfnResource>): Grant[] {
  const found: Grant[] = [];
  for (const [id, resource] of Object.entries(resources)) {
    const properties = resource.Properties as Record<string, any>;
    if (resource.Type === 'AWS::Lambda::Permission') {
      found.push({ what: id, admits: (arn, account = where['AWS::AccountId']) => arnLike(resolve(properties.SourceArn), arn) && resolve(properties.SourceAccount) === account });
      continue;
    }
    const document = properties.PolicyDocument ?? properties.KeyPolicy ?? properties.AssumeRolePolicyDocument;
    if (!document) continue;
    for (const statement of document.Statement as { Principal?: { Service?: string }; Condition?: Record<string, Record<string, unknown>> }[]) {
      if (statement.Principal?.Service !== 'events.amazonaws.com') continue;
      found.push({ what: id, admits: (arn, account) => admits(statement.Condition, arn, account) });
    }
  }
  return found;
}

function fn(id: string): TargetDefinition {
  return { kind: 'function', id, function: id, retryPolicy, notify: { topic: 'security' } };
}

function rule(name: string, targets: TargetDefinition[], bus = 'default'): RuleDefinition {
  return { name, filePath: `patterns/${name}.yml`, bus, state: 'ENABLED', pattern: { source: ['aws.signin'] }, targets, tests: { match: [], noMatch: [] } };
}

const config = readProjectConfig({
  service: 'patchbay',
  functions: { notify: {} },
  custom: { patchbay: { topics: { security: { subscriptions: [] } }, buses: { orders: { type: 'custom' }, central: { type: 'custom' } } } },
});
const options = { service: 'patchbay', stage: 'dev', functionLogicalIds: { notify: 'NotifyLambdaFunction' } };
const targets: TargetDefinition[] = [fn('notify'), { kind: 'sns', id: 'sns-security', sns: 'security', retryPolicy }, { kind: 'eventBus', id: 'bus-central', eventBus: 'central' }];
const catalog: Catalog = { config, rules: [rule('root-login', targets), rule('order-placed', targets, 'orders')] };
const resources = compileCatalog(catalog, options).resources;

describe('Function: compileCatalog (grants to EventBridge)', () => {
  const all = grants(resources);

  it('grants through a permission, the topic policy, the key, the queue policy and the forward role', () => {
    // Assess
    expect(new Set(all.map((grant) => resources[grant.what].Type))).toEqual(
      new Set(['AWS::Lambda::Permission', 'AWS::SNS::TopicPolicy', 'AWS::KMS::Key', 'AWS::SQS::QueuePolicy', 'AWS::IAM::Role']),
    );
  });

  it.each([
    ['root-login on the default bus', arnOf('patchbay', 'dev', 'root-login'), 'NotifyPatchbayInvokePermissionOrders'],
    ['order-placed on its bus', arnOf('patchbay', 'dev', 'order-placed', 'patchbay-dev-orders'), 'NotifyPatchbayInvokePermission'],
  ])('admits this deployment: %s (in every grant but the permission of the other bus)', (_what, arn, otherBusPermission) => {
    // Act
    const refused = all.filter((grant) => !grant.admits(arn)).map((grant) => grant.what);

    // Assess
    expect(refused).toEqual([otherBusPermission]);
  });

  it.each([
    ['another stage (dev-eu)', arnOf('patchbay', 'dev-eu', 'root-login')],
    ['another stage (dev-eu) on its own bus', arnOf('patchbay', 'dev-eu', 'order-placed', 'patchbay-dev-orders')],
    ['a longer service name (patchbay-dev, stage eu)', arnOf('patchbay-dev', 'eu', 'root-login')],
    ['a service named patchbay-dev-root (stage login)', `arn:aws:events:us-east-1:111122223333:rule/patchbay-dev-root-login`],
    ['the same rule name on another bus', arnOf('patchbay', 'dev', 'root-login', 'other')],
    ['another rule of this deployment on a bus named like its rules', arnOf('patchbay', 'dev', 'x', 'patchbay.dev.x')],
    ['this rule from another account', 'arn:aws:events:us-east-1:444455556666:rule/patchbay.dev.root-login'],
  ])('refuses %s in every grant', (what, arn) => {
    // Act
    const account = arn.includes('444455556666') ? '444455556666' : undefined;
    const admitted = all.filter((grant) => grant.admits(arn, account)).map((grant) => grant.what);

    // Assess: a Lambda permission can only name one ARN pattern; buses named like this deployment's rules are
    // refused by the compiler, which covers the case the permission's pattern cannot tell apart.
    expect(admitted).toEqual(what.startsWith('another rule of this deployment') ? ['NotifyPatchbayInvokePermission'] : []);
  });

  it('names exact rule ARNs in resource policies: a rule of this deployment that does not use the resource is not admitted', () => {
    // Prepare
    const narrow = compileCatalog({ config, rules: [rule('root-login', [fn('notify')]), rule('order-placed', [{ kind: 'sns', id: 'sns-security', sns: 'security', retryPolicy }])] }, options).resources;

    // Act
    const topic = grants(narrow).find((grant) => grant.what === 'PatchbayTopicSecurityPolicy')!;

    // Assess
    expect(topic.admits(arnOf('patchbay', 'dev', 'order-placed'))).toBe(true);
    expect(topic.admits(arnOf('patchbay', 'dev', 'root-login'))).toBe(false);
  });

  it('falls back to the deployment prefix, still refusing look-alikes, when exact ARNs would overflow a trust policy', () => {
    // Prepare: 40 forwarding rules: their ARNs are more than the 2,048 characters of a role trust policy.
    const many = Array.from({ length: 40 }, (_, index) => rule(`forward-${String(index).padStart(2, '0')}`, [{ kind: 'eventBus', id: 'bus-central', eventBus: 'central' }]));
    const compiled = compileCatalog({ config, rules: many }, options).resources;

    // Act
    const trust = compiled.PatchbayForwardRoleCentral.Properties.AssumeRolePolicyDocument as { Statement: { Condition: Record<string, unknown> }[] };
    const grant = grants(compiled).find((candidate) => candidate.what === 'PatchbayForwardRoleCentral')!;

    // Assess
    expect(Object.keys(trust.Statement[0].Condition).sort()).toEqual(['ArnLike', 'ArnNotLike', 'StringEquals']);
    expect(JSON.stringify(trust).length).toBeLessThan(2048);
    expect(grant.admits(arnOf('patchbay', 'dev', 'forward-39'))).toBe(true);
    for (const arn of [arnOf('patchbay', 'dev-eu', 'forward-01'), arnOf('patchbay-dev', 'eu', 'forward-01'), arnOf('patchbay', 'dev', 'forward-01', 'other'), arnOf('patchbay', 'dev', 'x', 'patchbay.dev.x')]) {
      expect([arn, grant.admits(arn)]).toEqual([arn, false]);
    }
  });

  it('lets EventBridge use the topic key only for these rules, from this account (confused-deputy conditions)', () => {
    // Act
    const key = resources.PatchbayTopicKey.Properties.KeyPolicy as { Statement: { Sid: string; Condition?: Record<string, Record<string, unknown>> }[] };
    const statement = key.Statement.find((candidate) => candidate.Sid === 'EventBridgePublishesToEncryptedTopics')!;

    // Assess
    expect(statement.Condition).toEqual({
      StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
      ArnEquals: {
        'aws:SourceArn': [
          { 'Fn::Sub': 'arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/patchbay-dev-orders/patchbay.dev.order-placed' },
          { 'Fn::Sub': 'arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/patchbay.dev.root-login' },
        ],
      },
    });
  });
});

describe('Function: compileCatalog (bus policy statement IDs)', () => {
  it('gives one account allowed on two buses two statement IDs, each within 64 characters', () => {
    // Prepare
    const twoBuses = readProjectConfig({
      service: 'patchbay',
      functions: {},
      custom: { patchbay: { buses: { default: { policy: { allow: { accounts: ['111122223333'] } } }, central: { type: 'custom', policy: { allow: { accounts: ['111122223333'] } } } } } },
    });

    // Act
    const compiled = compileCatalog({ config: twoBuses, rules: [] }, { service: 'patchbay', stage: 'dev' }).resources;
    const ids = idsOfType(compiled, 'AWS::Events::EventBusPolicy').map((id) => compiled[id].Properties.StatementId as string);

    // Assess
    expect(ids.sort()).toEqual(['patchbay-dev-central-account-111122223333', 'patchbay-dev-default-account-111122223333']);
  });

  it('cuts long statement IDs to 64 characters with a hash, still one per bus', () => {
    // Prepare
    const long = 'b'.repeat(60);
    const twoBuses = readProjectConfig({
      service: 'patchbay',
      functions: {},
      custom: { patchbay: { buses: { [`${long}1`]: { type: 'custom', name: 'one', policy: { allow: { accounts: ['111122223333'] } } }, [`${long}2`]: { type: 'custom', name: 'two', policy: { allow: { accounts: ['111122223333'] } } } } } },
    });

    // Act
    const compiled = compileCatalog({ config: twoBuses, rules: [] }, { service: 'patchbay', stage: 'dev' }).resources;
    const ids = idsOfType(compiled, 'AWS::Events::EventBusPolicy').map((id) => compiled[id].Properties.StatementId as string);

    // Assess
    expect(new Set(ids).size).toBe(2);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
  });

  it('refuses two statements with one ID', () => {
    // Act
    const error = (() => {
      try {
        assertUniqueStatementIds([
          ['patchbay-dev-x-account-1', 'x/account-1'],
          ['patchbay-dev-x-account-1', 'x-account/1'],
        ]);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();

    // Assess
    expect(error).toBeInstanceOf(CompilerError);
    expect(error).toEqual(expect.objectContaining({ code: 'PATCHBAY_STATEMENT_ID_COLLISION' }));
  });
});
