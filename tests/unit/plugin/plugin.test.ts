import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import PatchbayPlugin from '../../../src/plugin';
import type { Serverless, ServerlessFunction, ServerlessLog, ServerlessOptions } from '../../../src/plugin/serverless-types';

const fixture = path.resolve(__dirname, '../../fixtures/service');

class FakeServerlessError extends Error {
  constructor(message: string, readonly code?: string) {
    super(message);
  }
}

interface Fake {
  serverless: Serverless;
  options: ServerlessOptions;
  log: ServerlessLog & { warnings: string[] };
  schemas: object[];
}

function fakeServerless(serviceDir: string, functions: Record<string, ServerlessFunction>, custom: Record<string, unknown>): Fake {
  const schemas: object[] = [];
  const warnings: string[] = [];
  const log = Object.assign(() => undefined, {
    error: () => undefined,
    warning: (message: string) => void warnings.push(message),
    notice: () => undefined,
    info: () => undefined,
    verbose: () => undefined,
    warnings,
  }) as ServerlessLog & { warnings: string[] };
  const serverless: Serverless = {
    serviceDir,
    service: {
      service: 'fixture',
      custom,
      functions,
      resources: { Resources: { NotifyDeadLetterQueue: { Type: 'AWS::SQS::Queue' } } },
      provider: {
        name: 'aws',
        runtime: 'nodejs22.x',
        compiledCloudFormationTemplate: {
          Resources: {
            IamRoleLambdaExecution: { Type: 'AWS::IAM::Role', Properties: { Policies: [{ PolicyDocument: { Statement: [{ Effect: 'Allow', Action: ['logs:PutLogEvents'], Resource: ['*'] }] } }] } },
          },
        },
      },
      getAllFunctions: () => Object.keys(functions),
      getFunction: (name: string) => functions[name],
    },
    getProvider: () => ({
      getStage: () => 'test',
      getRegion: () => 'us-east-1',
      naming: { getLambdaLogicalId: (key: string) => `${key[0].toUpperCase()}${key.slice(1)}LambdaFunction`, getRoleLogicalId: () => 'IamRoleLambdaExecution' },
    }),
    configSchemaHandler: { defineCustomProperties: (schema: object) => void schemas.push(schema) },
    classes: { Error: FakeServerlessError },
  };
  return { serverless, options: {}, log, schemas };
}

const topics = {
  security: { displayName: 'Security alerts', subscriptions: [{ protocol: 'email', endpoint: 'sec@example.com' }] },
  operations: { subscriptions: [] },
};

describe('Class: PatchbayPlugin', () => {
  let serviceDir: string;
  beforeEach(async () => {
    serviceDir = await mkdtemp(path.join(os.tmpdir(), 'patchbay-plugin-'));
    await cp(fixture, serviceDir, { recursive: true, filter: (source) => !source.includes(`${path.sep}.serverless`) });
  });
  afterEach(async () => {
    await rm(serviceDir, { recursive: true, force: true });
  });

  function create(functions: Record<string, ServerlessFunction> = { notify: { handler: 'handlers/notify.handler' } }, custom: Record<string, unknown> = { patchbay: { topics, deadLetterQueue: 'NotifyDeadLetterQueue' } }) {
    const fake = fakeServerless(serviceDir, functions, custom);
    const plugin = new PatchbayPlugin(fake.serverless, fake.options, { log: fake.log });
    return { ...fake, plugin, functions };
  }

  it('declares custom.patchbay to Serverless and reads no config in the constructor', () => {
    // Act
    const { plugin, schemas } = create({}, { patchbay: { topics: 'not even an object' } });

    // Assess: an object only, so osls lets patchbay report every problem itself, with codes and positions
    expect(schemas).toEqual([{ properties: { patchbay: { type: 'object', description: expect.stringContaining('validated by the patchbay plugin') } } }]);
    expect(Object.keys(plugin.hooks).sort()).toEqual(
      [
        'before:aws:package:finalize:saveServiceState',
        'before:deploy:function:packageFunction',
        'before:invoke:local:invoke',
        'before:package:cleanup',
        'before:package:createDeploymentArtifacts',
        'before:package:initialize',
        'after:package:finalize',
        'error',
        'package:compileEvents',
      ].sort(),
    );
  });

  describe('the previous .serverless/ output', () => {
    const previous = () => path.join(serviceDir, '.serverless', 'cloudformation-template-update-stack.json');
    beforeEach(async () => {
      await mkdir(path.dirname(previous()), { recursive: true });
      await writeFile(previous(), '{"previous":true}');
    });

    it('stays untouched when the catalog is invalid: validation runs before package:cleanup', async () => {
      // Prepare
      await writeFile(path.join(serviceDir, 'patterns/bad.yml'), 'pattern: { source: [{ prefix: 1 }] }\ntargets: [{ function: notify }]\n');
      const { plugin } = create();

      // Act
      const error = await Promise.resolve(plugin.hooks['before:package:cleanup']()).catch((thrown: unknown) => thrown);

      // Assess
      expect(error).toEqual(expect.objectContaining({ code: 'PATCHBAY_INVALID_CATALOG' }));
      expect(await readFile(previous(), 'utf8')).toBe('{"previous":true}');
    });

    it('is put back when the package fails after the cleanup, in place of the partial output', async () => {
      // Prepare
      const { plugin } = create();
      await plugin.hooks['before:package:cleanup']();
      await rm(path.join(serviceDir, '.serverless'), { recursive: true, force: true }); // what package:cleanup does
      await mkdir(path.join(serviceDir, '.serverless', 'build'), { recursive: true });
      await writeFile(path.join(serviceDir, '.serverless', 'build', 'partial.js'), '');

      // Act
      await plugin.hooks.error();

      // Assess
      expect(await readFile(previous(), 'utf8')).toBe('{"previous":true}');
      expect(existsSync(path.join(serviceDir, '.serverless', 'build', 'partial.js'))).toBe(false);
    });

    it('is deleted once the new package is complete, and a later error keeps the new output', async () => {
      // Prepare
      const { plugin } = create();
      await plugin.hooks['before:package:cleanup']();
      await mkdir(path.join(serviceDir, '.serverless'), { recursive: true });
      await writeFile(previous(), '{"new":true}');

      // Act
      await plugin.hooks['after:package:finalize']();
      await plugin.hooks.error();

      // Assess
      expect(await readFile(previous(), 'utf8')).toBe('{"new":true}');
    });
  });

  it('turns catalog problems into a Serverless error with the same code, listing every issue', async () => {
    // Prepare
    await writeFile(path.join(serviceDir, 'patterns/bad.yml'), 'pattern:\n  source: [{ prefix: 1 }]\ntargets: [{ function: nope }]\n');
    const { plugin } = create();

    // Act
    const error = await Promise.resolve(plugin.hooks['before:package:initialize']()).catch((thrown: unknown) => thrown);

    // Assess
    expect(error).toBeInstanceOf(FakeServerlessError);
    expect(error).toEqual(expect.objectContaining({ code: 'PATCHBAY_INVALID_CATALOG' }));
    expect((error as Error).message).toContain('patterns/bad.yml:2:22: /pattern/source/0/prefix');
    expect((error as Error).message).toContain(': /targets/0/function');
  });

  it('turns config problems into a Serverless error pointing into serverless.yml, with the line and column of the file', async () => {
    // Prepare
    const { plugin } = create(undefined, { patchbay: { topics: { security: { subscriptions: [{ protocol: 'pigeon', endpoint: 'x' }] } } } });

    // Act
    const error = await Promise.resolve(plugin.hooks['before:package:initialize']()).catch((thrown: unknown) => thrown);

    // Assess
    expect(error).toEqual(expect.objectContaining({ code: 'PATCHBAY_INVALID_CATALOG' }));
    expect((error as Error).message).toMatch(/serverless\.yml:23:23: \/custom\/patchbay\/topics\/security\/subscriptions\/0\/protocol: "pigeon"; .* \[CONFIG_INVALID\]/);
  });

  it('requires the dead-letter queue to be an SQS queue of the service, reported with every other problem', async () => {
    // Prepare
    await writeFile(path.join(serviceDir, 'patterns/bad.yml'), 'pattern: { source: [x] }\ntargets: [{ function: nope }]\n');
    const { plugin } = create(undefined, { patchbay: { topics, deadLetterQueue: 'Missing' } });

    // Act
    const error = await Promise.resolve(plugin.hooks['before:package:initialize']()).catch((thrown: unknown) => thrown);

    // Assess
    expect(error).toEqual(expect.objectContaining({ code: 'PATCHBAY_INVALID_CATALOG' }));
    expect((error as Error).message).toContain(': /custom/patchbay/deadLetterQueue: queue "Missing"; the logical ID of an AWS::SQS::Queue under resources.Resources: NotifyDeadLetterQueue');
  });

  it('fails with the limit and a positioned issue when a name would be too long for AWS', async () => {
    // Prepare
    const { plugin, serverless } = create(undefined, { patchbay: { topics, trail: { trailName: undefined } } });
    serverless.service.service = 'x'.repeat(130);

    // Act
    const error = await Promise.resolve(plugin.hooks['before:package:initialize']()).catch((thrown: unknown) => thrown);

    // Assess
    expect(error).toEqual(expect.objectContaining({ code: 'PATCHBAY_LIMITS_EXCEEDED' }));
    expect((error as Error).message).toContain(`: /custom/patchbay/trail: trail name "${'x'.repeat(130)}-test" is 135 characters; at most 128`);
  });

  it('bundles, zips, sets the artifact and the topic env vars, then merges resources and the publish statement', async () => {
    // Prepare
    const { plugin, serverless, functions } = create();

    // Act
    await plugin.hooks['before:package:initialize']();
    await plugin.hooks['before:package:createDeploymentArtifacts']();
    await plugin.hooks['package:compileEvents']();

    // Assess
    expect(functions.notify.package?.artifact).toBe(path.join(serviceDir, '.serverless/notify.zip'));
    expect(existsSync(functions.notify.package!.artifact!)).toBe(true);
    expect(functions.notify.environment).toEqual({
      PATCHBAY_TOPIC_ARN_OPERATIONS: { Ref: 'PatchbayTopicOperations' },
      PATCHBAY_TOPIC_ARN_SECURITY: { Ref: 'PatchbayTopicSecurity' },
    });
    const manifest = JSON.parse(await readFile(path.join(serviceDir, '.serverless/build/notify/handlers/patchbay-manifest.json'), 'utf8'));
    expect(manifest).toEqual(expect.objectContaining({ function: 'notify', stage: 'test', service: 'fixture' }));
    const { Resources } = serverless.service.provider.compiledCloudFormationTemplate;
    expect(Object.keys(Resources)).toEqual(
      expect.arrayContaining(['PatchbayRuleIamRootLogin', 'PatchbayRuleEc2InstanceStopped', 'NotifyPatchbayInvokePermission', 'PatchbayTopicSecurity', 'PatchbayDeadLetterQueuePolicy']),
    );
    const statements = (Resources.IamRoleLambdaExecution.Properties as { Policies: { PolicyDocument: { Statement: unknown[] } }[] }).Policies[0].PolicyDocument.Statement;
    expect(statements).toContainEqual({ Effect: 'Allow', Action: ['sns:Publish'], Resource: [{ Ref: 'PatchbayTopicOperations' }, { Ref: 'PatchbayTopicSecurity' }] });
  });

  it('lets the role use the topic key when a topic it publishes to is also an sns target', async () => {
    // Prepare
    await writeFile(path.join(serviceDir, 'patterns/direct.yml'), 'pattern: { source: [aws.kms] }\ntargets: [{ sns: security }]\n');
    const { plugin, serverless } = create();

    // Act
    await plugin.hooks['before:package:initialize']();
    await plugin.hooks['package:compileEvents']();

    // Assess
    const { Resources } = serverless.service.provider.compiledCloudFormationTemplate;
    const statements = (Resources.IamRoleLambdaExecution.Properties as { Policies: { PolicyDocument: { Statement: unknown[] } }[] }).Policies[0].PolicyDocument.Statement;
    expect(statements).toContainEqual({ Effect: 'Allow', Action: ['kms:GenerateDataKey*', 'kms:Decrypt'], Resource: [{ 'Fn::GetAtt': ['PatchbayTopicKey', 'Arn'] }] });
    expect(Resources.PatchbayTopicSecurityPolicy.Type).toBe('AWS::SNS::TopicPolicy');
  });

  it('checks the final template against the 500-resource limit before it is saved, with the split plan', async () => {
    // Prepare
    const { plugin, serverless } = create();
    await plugin.hooks['before:package:initialize']();
    await plugin.hooks['package:compileEvents']();
    const { Resources } = serverless.service.provider.compiledCloudFormationTemplate;
    // 2 rules with their 2 alarms, 8 more of patchbay (permission, queue policy, queue and function alarms, ...): 488 others make 501.
    const present = Object.keys(Resources).length;
    for (let index = 0; index < 501 - present; index++) Resources[`Other${index}`] = { Type: 'AWS::SNS::Topic', Properties: {} };

    // Act
    const error = (() => {
      try {
        plugin.hooks['before:aws:package:finalize:saveServiceState']();
      } catch (thrown) {
        return thrown;
      }
      return undefined;
    })();

    // Assess
    expect(error).toEqual(expect.objectContaining({ code: 'PATCHBAY_LIMITS_EXCEEDED' }));
    expect((error as Error).message).toContain('501 resources in one stack: 2 rules (4 resources with their alarms) and 497 other resources');
    expect((error as Error).message).toContain('stack 2: a copy of this service named fixture-2 whose patternsDir holds only');
  });

  it('counts the deployment bucket Serverless creates (option null or without a name) in the early stack estimate', async () => {
    // Prepare: the smallest number of extra resources at which the estimate refuses with Serverless's own bucket
    const refuses = async (deploymentBucket: unknown, extra: number) => {
      const { plugin, serverless } = create();
      serverless.service.provider.deploymentBucket = deploymentBucket;
      for (let index = 0; index < extra; index++) serverless.service.resources!.Resources![`Extra${index}`] = { Type: 'AWS::SNS::Topic' };
      return Promise.resolve().then(() => plugin.hooks['before:package:initialize']()).then(() => false, (error: { code?: string }) => error.code === 'PATCHBAY_LIMITS_EXCEEDED');
    };
    let extra = 480;
    while (!(await refuses(null, extra))) extra++;

    // Act / Assess: a named bucket is not created by Serverless, so two fewer resources are estimated
    expect(await refuses(undefined, extra)).toBe(true);
    expect(await refuses({ blockPublicAccess: true }, extra)).toBe(true);
    expect(await refuses({ name: 'my-deployments' }, extra)).toBe(false);
    expect(await refuses('my-deployments', extra + 1)).toBe(false);
    expect(await refuses({ name: 'my-deployments' }, extra + 2)).toBe(true);
  });

  it('logs the limits that are nearly reached', async () => {
    // Prepare
    const { plugin, log } = create(undefined, { patchbay: { topics, deadLetterQueue: 'NotifyDeadLetterQueue', maxRulesPerEventBus: 2 } });

    // Act
    await plugin.hooks['before:package:initialize']();

    // Assess
    expect(log.warnings).toEqual([expect.stringContaining('2 of 2 rules on bus "default"')]);
  });

  it('logs the deployment warnings, except those whose codes custom.patchbay.suppressWarnings lists', async () => {
    // Prepare: a CloudTrail API-call rule and no trail
    await mkdir(path.join(serviceDir, 'patterns/dynamodb'), { recursive: true });
    await writeFile(
      path.join(serviceDir, 'patterns/dynamodb/delete-table.yml'),
      'pattern:\n  source: [aws.dynamodb]\n  detail-type: [AWS API Call via CloudTrail]\n  detail: { eventName: [DeleteTable] }\ntargets:\n  - function: notify\n    notify: { topic: security }\n',
    );
    const plain = create();
    const quiet = create(undefined, { patchbay: { topics, deadLetterQueue: 'NotifyDeadLetterQueue', suppressWarnings: ['CLOUDTRAIL_TRAIL_REQUIRED'] } });

    // Act
    await plain.plugin.hooks['before:package:initialize']();
    await quiet.plugin.hooks['before:package:initialize']();

    // Assess
    expect(plain.log.warnings).toEqual([expect.stringMatching(/\/custom\/patchbay: .*\[CLOUDTRAIL_TRAIL_REQUIRED\]$/)]);
    expect(quiet.log.warnings).toEqual([]);
  });

  it('warns instead of touching a function that has its own role', async () => {
    // Prepare
    const { plugin, serverless, log } = create({ notify: { handler: 'handlers/notify.handler', role: 'arn:aws:iam::123456789012:role/custom' } });

    // Act
    await plugin.hooks['before:package:initialize']();
    await plugin.hooks['package:compileEvents']();

    // Assess
    const role = serverless.service.provider.compiledCloudFormationTemplate.Resources.IamRoleLambdaExecution.Properties as { Policies: { PolicyDocument: { Statement: unknown[] } }[] };
    expect(JSON.stringify(role.Policies)).not.toContain('sns:Publish');
    expect(log.warnings).toEqual([expect.stringContaining('grant it sns:Publish on fixture-test-operations, fixture-test-security')]);
  });

  it('refuses to overwrite a resource already in the template', async () => {
    // Prepare
    const { plugin, serverless } = create();
    serverless.service.provider.compiledCloudFormationTemplate.Resources.PatchbayTopicSecurity = { Type: 'AWS::SNS::Topic' };

    // Act
    await plugin.hooks['before:package:initialize']();
    const error = (() => {
      try {
        plugin.hooks['package:compileEvents']();
      } catch (thrown) {
        return thrown;
      }
      return undefined;
    })();

    // Assess
    expect(error).toEqual(expect.objectContaining({ code: 'PATCHBAY_RESOURCE_CONFLICT' }));
  });

  it('points invoke local at the bundle of the invoked function, without zipping or Ref env vars', async () => {
    // Prepare
    const { plugin, options, functions } = create({ notify: { handler: 'handlers/notify.handler' }, other: { handler: 'handlers/missing.handler' } });
    options.function = 'notify';

    // Act
    await plugin.hooks['before:invoke:local:invoke']();

    // Assess
    expect(options.extraServicePath).toBe(path.join('.serverless', 'build', 'notify'));
    expect(existsSync(path.join(serviceDir, '.serverless/build/notify/handlers/notify.js'))).toBe(true);
    expect(existsSync(path.join(serviceDir, '.serverless/notify.zip'))).toBe(false);
    expect(functions.notify.environment).toBeUndefined();
    expect(functions.notify.package).toBeUndefined();
  });

  it('reports a missing handler file with a stable code', async () => {
    // Prepare
    const { plugin } = create({ notify: { handler: 'handlers/nope.handler' } });

    // Act
    await plugin.hooks['before:package:initialize']();
    const error = await Promise.resolve(plugin.hooks['before:package:createDeploymentArtifacts']()).catch((thrown: unknown) => thrown);

    // Assess
    expect(error).toEqual(expect.objectContaining({ code: 'PATCHBAY_HANDLER_NOT_FOUND' }));
  });
});
