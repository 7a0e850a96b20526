import path from 'node:path';
import { PassThrough } from 'node:stream';
import { CancelReplayCommand, DescribeReplayCommand, EventBridgeClient, ResourceNotFoundException, StartReplayCommand } from '@aws-sdk/client-eventbridge';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { runReplayCommand, type ReplayCommandDeps, type ReplayOptions } from '../../../src/cli/commands/replay';
import { bufferSink, type CliIo } from '../../../src/cli/io';
import { main } from '../../../src/cli/main';
import type { Project } from '../../../src/cli/project';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const eventBridge = mockClient(EventBridgeClient);
const sts = mockClient(STSClient);
const ROOT = path.resolve(__dirname, '../../fixtures/project');

beforeEach(() => {
  eventBridge.reset();
  sts.reset();
});

function testIo(): CliIo & { out: ReturnType<typeof bufferSink>; err: ReturnType<typeof bufferSink> } {
  const out = bufferSink();
  const err = bufferSink();
  return { stdout: out, stderr: err, out, err, stdin: new PassThrough(), cwd: ROOT, env: {} };
}

/**
 * A loaded project as the replay command reads it: rules with their buses, and custom.patchbay.buses (kinds,
 * names, archives). Built by hand so these tests do not depend on the shipped pattern files.
 */
const project = {
  serverless: { provider: { name: 'aws', stage: 'dev' } },
  catalog: {
    rules: [
      { name: 'signin-root-sign-in', bus: 'default' },
      { name: 'iam-policy-attached', bus: 'default' },
      { name: 'orders-placed', bus: 'orders' },
    ],
    config: {
      service: 'patchbay',
      buses: {
        default: { kind: 'default', archive: { retentionDays: 30 } },
        orders: { kind: 'custom', archive: { retentionDays: 7 } },
        audit: { kind: 'custom' },
      },
    },
  },
} as unknown as Pick<Project, 'serverless' | 'catalog'>;

const OPTIONS: ReplayOptions = {
  bus: 'default',
  from: '2025-06-03T00:00:00Z',
  to: '2025-06-04T00:00:00Z',
  region: 'eu-west-1',
  account: '111122223333',
  pollIntervalMs: 1,
};
const deps: ReplayCommandDeps = {
  // As loadProject answers: the stage and Region of the command line, else of serverless.yml (dev, us-east-1 here).
  loadProject: async (_rootDir, options) => ({ ...project, stage: options.stage ?? 'dev', region: options.region ?? 'us-east-1' }),
  now: () => new Date('2025-06-04T10:15:00Z'),
};
const run = (io: CliIo, options: Partial<ReplayOptions> = {}) => runReplayCommand({ ...OPTIONS, ...options }, io, deps);

describe('Command: patchbay replay', () => {
  it('starts a replay to the named rules, shows progress and exits 0 when COMPLETED', async () => {
    // Prepare
    const io = testIo();
    eventBridge.on(StartReplayCommand).resolves({ State: 'STARTING' });
    let call = 0;
    const answers = [
      { State: 'STARTING' },
      { State: 'RUNNING', EventLastReplayedTime: new Date('2025-06-03T06:00:00Z') },
      { State: 'RUNNING', EventLastReplayedTime: new Date('2025-06-03T18:00:00Z') },
      { State: 'COMPLETED' },
    ] as const;
    eventBridge.on(DescribeReplayCommand).callsFake(() => answers[Math.min(call++, answers.length - 1)]);

    // Act
    const code = await run(io, { rules: ['signin-root-sign-in', 'iam-policy-attached'], stage: 'prod' });

    // Assess
    expect(code).toBe(0);
    const input = eventBridge.commandCalls(StartReplayCommand)[0]!.args[0].input;
    expect(input).toMatchObject({
      ReplayName: 'patchbay-prod-default-20250604T101500',
      EventSourceArn: 'arn:aws:events:eu-west-1:111122223333:archive/patchbay-prod-default',
      EventStartTime: new Date('2025-06-03T00:00:00Z'),
      EventEndTime: new Date('2025-06-04T00:00:00Z'),
      Destination: {
        Arn: 'arn:aws:events:eu-west-1:111122223333:event-bus/default',
        FilterArns: [
          'arn:aws:events:eu-west-1:111122223333:rule/patchbay.prod.signin-root-sign-in',
          'arn:aws:events:eu-west-1:111122223333:rule/patchbay.prod.iam-policy-attached',
        ],
      },
    });
    expect(io.err.text().split('\n').filter(Boolean)).toEqual([
      'STARTING     0%  last replayed event: -',
      'RUNNING     25%  last replayed event: 2025-06-03T06:00:00.000Z',
      'RUNNING     75%  last replayed event: 2025-06-03T18:00:00.000Z',
      'COMPLETED  100%  last replayed event: 2025-06-03T18:00:00.000Z',
    ]);
    expect(io.out.text()).toContain('rules:  signin-root-sign-in, iam-policy-attached');
    expect(io.out.text()).toContain('Replay patchbay-prod-default-20250604T101500 COMPLETED');
  });

  it('exits 1 with the StateReason when the replay FAILED', async () => {
    // Prepare
    const io = testIo();
    eventBridge.on(StartReplayCommand).resolves({ State: 'STARTING' });
    eventBridge.on(DescribeReplayCommand).resolves({ State: 'FAILED', StateReason: 'Archive is being deleted' });

    // Act
    const code = await run(io);

    // Assess
    expect(code).toBe(1);
    expect(io.err.text()).toContain('replay patchbay-dev-default-20250604T101500 FAILED: Archive is being deleted');
  });

  it('cancels the replay on SIGINT, waits for CANCELLED and exits 130', async () => {
    // Prepare
    const io = testIo();
    const listenersBefore = process.listenerCount('SIGINT');
    eventBridge.on(StartReplayCommand).resolves({ State: 'STARTING' });
    eventBridge.on(CancelReplayCommand).resolves({ State: 'CANCELLING' });
    let call = 0;
    eventBridge.on(DescribeReplayCommand).callsFake(() => {
      call += 1;
      if (call === 2) process.emit('SIGINT');
      if (eventBridge.commandCalls(CancelReplayCommand).length === 0) return { State: 'RUNNING' };
      return call < 6 ? { State: 'CANCELLING' } : { State: 'CANCELLED', EventLastReplayedTime: new Date('2025-06-03T01:00:00Z') };
    });

    // Act
    const code = await run(io);

    // Assess
    expect(code).toBe(130);
    expect(eventBridge.commandCalls(CancelReplayCommand)).toHaveLength(1);
    expect(io.err.text()).toContain('Cancelling replay patchbay-dev-default-');
    expect(io.err.text()).toContain('CANCELLING');
    expect(io.out.text()).toMatch(/CANCELLED after events up to 2025-06-03T01:00:00.000Z/);
    expect(process.listenerCount('SIGINT')).toBe(listenersBefore);
  });

  it('finds the account with STS GetCallerIdentity when --account is not given', async () => {
    // Prepare
    const io = testIo();
    sts.on(GetCallerIdentityCommand).resolves({ Account: '444455556666' });
    eventBridge.on(StartReplayCommand).resolves({ State: 'STARTING' });
    eventBridge.on(DescribeReplayCommand).resolves({ State: 'COMPLETED' });

    // Act
    const code = await run(io, { account: undefined });

    // Assess
    expect(code).toBe(0);
    expect(eventBridge.commandCalls(StartReplayCommand)[0]!.args[0].input.EventSourceArn).toBe('arn:aws:events:eu-west-1:444455556666:archive/patchbay-dev-default');
    expect(eventBridge.commandCalls(StartReplayCommand)[0]!.args[0].input.Destination).toEqual({ Arn: 'arn:aws:events:eu-west-1:444455556666:event-bus/default' });
  });

  it('tells to deploy the archive first when it does not exist (exit 1)', async () => {
    // Prepare
    const io = testIo();
    eventBridge.on(StartReplayCommand).rejects(new ResourceNotFoundException({ message: 'Archive patchbay-dev-default does not exist.', $metadata: {} }));

    // Act
    const code = await run(io);

    // Assess
    expect(code).toBe(1);
    expect(io.err.text()).toMatch(/deploy the archive first.*\[ARCHIVE_NOT_FOUND\]/);
  });

  it('replays a custom bus onto its physical name, to rules with the bus in their ARN', async () => {
    // Prepare
    const io = testIo();
    eventBridge.on(StartReplayCommand).resolves({ State: 'STARTING' });
    eventBridge.on(DescribeReplayCommand).resolves({ State: 'COMPLETED' });

    // Act
    const code = await run(io, { bus: 'orders', rules: ['orders-placed'] });

    // Assess
    expect(code).toBe(0);
    expect(eventBridge.commandCalls(StartReplayCommand)[0]!.args[0].input).toMatchObject({
      EventSourceArn: 'arn:aws:events:eu-west-1:111122223333:archive/patchbay-dev-orders',
      Destination: {
        Arn: 'arn:aws:events:eu-west-1:111122223333:event-bus/patchbay-dev-orders',
        FilterArns: ['arn:aws:events:eu-west-1:111122223333:rule/patchbay-dev-orders/patchbay.dev.orders-placed'],
      },
    });
  });

  it.each([
    [{ bus: 'audit' }, 'NO_ARCHIVE'],
    [{ bus: 'nope' }, 'UNKNOWN_BUS'],
    [{ rules: ['orders-placed'] }, 'UNKNOWN_RULE'],
    [{ to: '2025-06-05T00:00:00Z' }, 'TIME_IN_FUTURE'],
  ])('exits 2 without calling AWS for %j (%s)', async (options, errorCode) => {
    // Prepare
    const io = testIo();

    // Act
    const code = await run(io, options);

    // Assess
    expect(code).toBe(2);
    expect(io.err.text()).toContain(`[${errorCode}]`);
    expect(eventBridge.calls()).toHaveLength(0);
  });
});

describe('Command: patchbay replay (command line, shipped project)', () => {
  const BASE = ['--bus', 'default', '--from', '2025-06-03T00:00:00Z', '--to', '2025-06-04T00:00:00Z', '--region', 'eu-west-1'];
  const runMain = (io: CliIo, ...args: string[]) => main(['node', 'patchbay', 'replay', ...BASE, ...args], io);

  it.each([
    [['--from', 'yesterday'], 'INVALID_TIME'],
    [['--to', '2999-01-01T00:00:00Z'], 'TIME_IN_FUTURE'],
    [['--from', '2025-06-05T00:00:00Z', '--to', '2025-06-04T00:00:00Z'], 'EMPTY_TIME_WINDOW'],
    [['--bus', 'audit'], 'UNKNOWN_BUS'],
    [['--rules', 'signin-root-sign-in,nope'], 'UNKNOWN_RULE'],
    [['--account', '12345'], 'INVALID_NAME'],
  ])('exits 2 without calling AWS for %j (%s)', async (args, errorCode) => {
    // Prepare
    const io = testIo();

    // Act
    const code = await runMain(io, '--account', '111122223333', ...args);

    // Assess
    expect(code).toBe(2);
    expect(io.err.text()).toContain(`[${errorCode}]`);
    expect(eventBridge.calls()).toHaveLength(0);
  });

  it('refuses a poll interval that is not a whole number of milliseconds (usage error, exit 2)', async () => {
    const io = testIo();
    expect(await runMain(io, '--account', '111122223333', '--poll-interval-ms', '0')).toBe(2);
    expect(io.err.text()).toContain('must be a whole number of milliseconds');
    expect(eventBridge.calls()).toHaveLength(0);
  });
});

describe('Command: patchbay replay (serverless.yml resolved as sls package resolves it)', () => {
  const WINDOW = ['--from', '2025-06-03T00:00:00Z', '--to', '2025-06-04T00:00:00Z', '--account', '111122223333', '--poll-interval-ms', '1'];
  const runIn = (dir: string, ...args: string[]) => {
    const io = testIo();
    return main(['node', 'patchbay', 'replay', '--root', path.resolve(__dirname, '../../..', dir), ...WINDOW, ...args], io).then((code) => ({ code, io }));
  };
  beforeEach(() => {
    eventBridge.on(StartReplayCommand).resolves({ State: 'STARTING' });
    eventBridge.on(DescribeReplayCommand).resolves({ State: 'COMPLETED' });
  });

  it('replays the archive of the stage serverless.yml resolves to (${opt:stage, "test"}) when --stage is left out', async () => {
    // Act
    const { code } = await runIn('tests/fixtures/service-full', '--bus', 'default');

    // Assess
    expect(code).toBe(0);
    expect(eventBridge.commandCalls(StartReplayCommand)[0]!.args[0].input.EventSourceArn).toBe('arn:aws:events:us-east-1:111122223333:archive/full-test-default');
  });

  it('resolves ${param:role} and ${self:custom.roles.${param:role}...} of the aggregation example from --param, as sls does', async () => {
    // Act
    const { code } = await runIn('examples/aggregation', '--stage', 'prod', '--param', 'role=central', '--bus', 'central');

    // Assess
    expect(code).toBe(0);
    expect(eventBridge.commandCalls(StartReplayCommand)[0]!.args[0].input).toEqual(
      expect.objectContaining({
        EventSourceArn: 'arn:aws:events:us-east-1:111122223333:archive/aggregation-prod-central',
        Destination: expect.objectContaining({ Arn: 'arn:aws:events:us-east-1:111122223333:event-bus/aggregation-prod-central' }),
      }),
    );
  });

  it('says which variable cannot be resolved, where, when a --param is missing (exit 2, nothing started)', async () => {
    // Act
    const { code, io } = await runIn('examples/aggregation', '--stage', 'prod', '--bus', 'central');

    // Assess
    expect(code).toBe(2);
    expect(io.err.text()).toMatch(/serverless\.yml:\d+:\d+: \/custom\/patchbay\/patternsDir: Cannot resolve variable at "custom\.patchbay\.patternsDir": Value not found at "param" source.*\[CONFIG_INVALID\]/);
    expect(eventBridge.commandCalls(StartReplayCommand)).toHaveLength(0);
  });
});
