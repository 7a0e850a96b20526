import {
  CancelReplayCommand,
  DescribeReplayCommand,
  EventBridgeClient,
  ResourceNotFoundException,
  StartReplayCommand,
  type DescribeReplayCommandOutput,
} from '@aws-sdk/client-eventbridge';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { rulePhysicalName } from '../../../src/compiler';
import {
  followReplay,
  parseReplayTime,
  parseReplayWindow,
  planReplay,
  replayExitCode,
  replayProgress,
  resolveAccount,
  runReplay,
  type ReplayRequest,
} from '../../../src/replay';

const NOW = new Date('2025-06-04T10:15:00Z');
const request: ReplayRequest = {
  service: 'patchbay',
  stage: 'dev',
  bus: 'default',
  rules: ['iam-root-login', 'dynamodb-delete-table'],
  from: '2025-06-03T00:00:00Z',
  to: '2025-06-04T00:00:00Z',
  account: '111122223333',
  region: 'eu-west-1',
  now: NOW,
  rulePhysicalName,
};

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const eventBridge = mockClient(EventBridgeClient);
const sts = mockClient(STSClient);
const client = new EventBridgeClient({ region: 'eu-west-1' });

beforeEach(() => {
  eventBridge.reset();
  sts.reset();
});

/** DescribeReplay answers one per call, the last one repeated. */
function describeSequence(...answers: Partial<DescribeReplayCommandOutput>[]): void {
  let call = 0;
  eventBridge.on(DescribeReplayCommand).callsFake(() => answers[Math.min(call++, answers.length - 1)]);
}

describe('Function: parseReplayTime', () => {
  it.each([
    ['2025-06-03T09:14:27Z', '2025-06-03T09:14:27.000Z'],
    ['2025-06-03T09:14Z', '2025-06-03T09:14:00.000Z'],
    ['2025-06-03T11:14:27.5+02:00', '2025-06-03T09:14:27.500Z'],
    ['2025-06-03T04:14:27-0500', '2025-06-03T09:14:27.000Z'],
    ['2025-06-03', '2025-06-03T00:00:00.000Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
  ])('parses %s', (text, iso) => {
    expect(parseReplayTime(text, '--from').toISOString()).toBe(iso);
  });

  it.each(['yesterday', '2025-06-03T09:14:27', '2025-02-30', '2025-13-01T00:00:00Z', '2025-06-03T24:00:00Z', '1717400000', '2025-06-03 09:14:27Z', ''])(
    'rejects %j with INVALID_TIME',
    (text) => {
      expect(() => parseReplayTime(text, '--to')).toThrow(expect.objectContaining({ name: 'ReplayError', code: 'INVALID_TIME', field: '--to' }));
    },
  );

  it('tells that a date-time needs a zone', () => {
    expect(() => parseReplayTime('2025-06-03T09:14:27', '--from')).toThrow('--from "2025-06-03T09:14:27": a date-time needs a zone (Z or +hh:mm)');
  });
});

describe('Function: parseReplayWindow', () => {
  it.each([
    ['2025-06-04T00:00:00Z', '2025-06-03T00:00:00Z', 'EMPTY_TIME_WINDOW', '--to'],
    ['2025-06-03T00:00:00Z', '2025-06-03T00:00:00Z', 'EMPTY_TIME_WINDOW', '--to'],
    ['2025-06-03T00:00:00Z', '2025-06-05T00:00:00Z', 'TIME_IN_FUTURE', '--to'],
    ['2025-06-05T00:00:00Z', '2025-06-06T00:00:00Z', 'TIME_IN_FUTURE', '--from'],
    ['soon', '2025-06-03T00:00:00Z', 'INVALID_TIME', '--from'],
  ])('from %s to %s fails with %s on %s', (from, to, code, field) => {
    expect(() => parseReplayWindow(from, to, NOW)).toThrow(expect.objectContaining({ code, field }));
  });

  it('accepts a window that ends now', () => {
    expect(parseReplayWindow('2025-06-04', NOW.toISOString(), NOW).end).toEqual(NOW);
  });
});

describe('Function: planReplay', () => {
  it('builds the StartReplay request: name, archive ARN, bus ARN and rule filter ARNs', () => {
    // Act
    const plan = planReplay(request);

    // Assess
    expect(plan.replayName).toBe('patchbay-dev-default-20250604T101500');
    expect(plan.input).toEqual({
      ReplayName: 'patchbay-dev-default-20250604T101500',
      Description: expect.any(String),
      EventSourceArn: 'arn:aws:events:eu-west-1:111122223333:archive/patchbay-dev-default',
      EventStartTime: new Date('2025-06-03T00:00:00Z'),
      EventEndTime: new Date('2025-06-04T00:00:00Z'),
      Destination: {
        Arn: 'arn:aws:events:eu-west-1:111122223333:event-bus/default',
        FilterArns: [
          'arn:aws:events:eu-west-1:111122223333:rule/patchbay.dev.iam-root-login',
          'arn:aws:events:eu-west-1:111122223333:rule/patchbay.dev.dynamodb-delete-table',
        ],
      },
    });
  });

  it('uses rule/<bus>/<rule> ARNs on a custom bus, and no filter when no rules are named', () => {
    expect(planReplay({ ...request, bus: 'audit', rules: ['a'] }).input.Destination).toEqual({
      Arn: 'arn:aws:events:eu-west-1:111122223333:event-bus/audit',
      FilterArns: ['arn:aws:events:eu-west-1:111122223333:rule/audit/patchbay.dev.a'],
    });
    expect(planReplay({ ...request, rules: [] }).input.Destination).toEqual({ Arn: 'arn:aws:events:eu-west-1:111122223333:event-bus/default' });
  });

  const catalog = { buses: ['default', 'audit'], rules: [{ name: 'iam-root-login', bus: 'default' }, { name: 'dynamodb-delete-table', bus: 'default' }, { name: 'x', bus: 'audit' }] };

  it.each([
    [{ bus: 'nope' }, 'UNKNOWN_BUS', '--bus'],
    [{ rules: ['iam-root-login', 'typo'] }, 'UNKNOWN_RULE', '--rules'],
    [{ rules: ['x'] }, 'UNKNOWN_RULE', '--rules'],
    [{ rules: ['bad name'], catalog: undefined }, 'INVALID_NAME', 'rule'],
    [{ rules: [''], catalog: undefined }, 'INVALID_NAME', '--rules'],
    [{ account: '12' }, 'INVALID_NAME', 'account'],
    [{ from: 'then' }, 'INVALID_TIME', '--from'],
  ])('with %j fails with %s', (change, code, field) => {
    expect(() => planReplay({ ...request, catalog, ...change })).toThrow(expect.objectContaining({ code, field }));
  });

  it('uses the compiler\'s physical rule names, hashed past 64 characters', () => {
    // Prepare
    const long = 'a-very-long-rule-name-that-does-not-fit-within-sixty-four-chars';

    // Act
    const [arn] = planReplay({ ...request, rules: [long] }).input.Destination!.FilterArns!;

    // Assess
    expect(arn).toBe(`arn:aws:events:eu-west-1:111122223333:rule/${rulePhysicalName('patchbay', 'dev', long)}`);
    expect(arn!.split('/').pop()!.length).toBeLessThanOrEqual(64);
  });

  it('turns a rule name the compiler cannot make into INVALID_NAME with the cause', () => {
    // Prepare
    const cause = new Error('prefix too long');

    // Act / Assess
    expect(() => planReplay({ ...request, rulePhysicalName: () => { throw cause; } })).toThrow(
      expect.objectContaining({ code: 'INVALID_NAME', field: 'rule', cause }),
    );
  });

  it('names the known rules of the bus when a rule is unknown', () => {
    expect(() => planReplay({ ...request, catalog, rules: ['typo'] })).toThrow('rules on bus "default": dynamodb-delete-table, iam-root-login');
  });
});

describe('Function: replayProgress', () => {
  const window = { start: new Date('2025-06-03T00:00:00Z'), end: new Date('2025-06-04T00:00:00Z') };

  it.each([
    [{ State: 'STARTING' }, 0],
    [{ State: 'RUNNING', EventLastReplayedTime: new Date('2025-06-03T06:00:00Z') }, 0.25],
    [{ State: 'RUNNING', EventLastReplayedTime: new Date('2025-06-05T00:00:00Z') }, 1],
    [{ State: 'COMPLETED' }, 1],
  ] as const)('%j is %d', (description, fraction) => {
    expect(replayProgress(description, window)).toBe(fraction);
  });
});

describe('Function: runReplay', () => {
  it('starts the replay and follows it to COMPLETED', async () => {
    // Prepare
    eventBridge.on(StartReplayCommand).resolves({ State: 'STARTING', ReplayArn: 'arn:replay' });
    describeSequence({ State: 'STARTING' }, { State: 'RUNNING', EventLastReplayedTime: new Date('2025-06-03T12:00:00Z') }, { State: 'COMPLETED' });
    const states: string[] = [];

    // Act
    const outcome = await runReplay(client, planReplay(request), { pollIntervalInMillis: 1, onUpdate: (d) => states.push(d.State!) });

    // Assess
    expect(eventBridge.commandCalls(StartReplayCommand)[0]!.args[0].input).toEqual(planReplay(request).input);
    expect(states).toEqual(['STARTING', 'RUNNING', 'COMPLETED']);
    expect(eventBridge.commandCalls(DescribeReplayCommand).every((call) => call.args[0].input.ReplayName === 'patchbay-dev-default-20250604T101500')).toBe(true);
    expect(outcome).toMatchObject({ state: 'COMPLETED', cancelledByUs: false, abandoned: false });
    expect(replayExitCode(outcome)).toBe(0);
  });

  it('reports FAILED with its StateReason (exit 1)', async () => {
    // Prepare
    eventBridge.on(StartReplayCommand).resolves({ State: 'STARTING' });
    describeSequence({ State: 'RUNNING' }, { State: 'FAILED', StateReason: 'Destination bus does not exist' });

    // Act
    const outcome = await runReplay(client, planReplay(request), { pollIntervalInMillis: 1 });

    // Assess
    expect(outcome).toMatchObject({ state: 'FAILED', stateReason: 'Destination bus does not exist' });
    expect(replayExitCode(outcome)).toBe(1);
    expect(eventBridge.commandCalls(CancelReplayCommand)).toHaveLength(0);
  });

  it('cancels when the signal fires, cutting the poll wait short, and waits for CANCELLED (exit 130)', async () => {
    // Prepare
    const controller = new AbortController();
    eventBridge.on(StartReplayCommand).resolves({ State: 'STARTING' });
    eventBridge.on(CancelReplayCommand).resolves({ State: 'CANCELLING' });
    eventBridge.on(DescribeReplayCommand).callsFake(() =>
      eventBridge.commandCalls(CancelReplayCommand).length === 0 ? { State: 'RUNNING' } : { State: 'CANCELLED' },
    );
    const cancelled: boolean[] = [];
    setTimeout(() => controller.abort(), 20);

    // Act
    const outcome = await runReplay(client, planReplay(request), {
      pollIntervalInMillis: 60_000, // only the abort can end this wait in time
      signal: controller.signal,
      onCancelRequested: (accepted) => cancelled.push(accepted),
    });

    // Assess
    expect(eventBridge.commandCalls(CancelReplayCommand)).toHaveLength(1);
    expect(eventBridge.commandCalls(CancelReplayCommand)[0]!.args[0].input).toEqual({ ReplayName: 'patchbay-dev-default-20250604T101500' });
    expect(cancelled).toEqual([true]);
    expect(outcome).toMatchObject({ state: 'CANCELLED', cancelledByUs: true });
    expect(replayExitCode(outcome)).toBe(130);
  }, 10_000);

  it('sends CancelReplay once and polls through CANCELLING', async () => {
    // Prepare
    const controller = new AbortController();
    eventBridge.on(CancelReplayCommand).resolves({ State: 'CANCELLING' });
    describeSequence({ State: 'RUNNING' }, { State: 'CANCELLING' }, { State: 'CANCELLING' }, { State: 'CANCELLING' }, { State: 'CANCELLED' });
    const states: string[] = [];

    // Act
    const outcome = await followReplay(client, 'r', {
      pollIntervalInMillis: 1,
      signal: controller.signal,
      onUpdate: (d) => {
        states.push(d.State!);
        controller.abort();
      },
    });

    // Assess
    expect(states).toEqual(['RUNNING', 'CANCELLING', 'CANCELLING', 'CANCELLING', 'CANCELLED']);
    expect(eventBridge.commandCalls(CancelReplayCommand)).toHaveLength(1);
    expect(outcome).toMatchObject({ state: 'CANCELLED', cancelledByUs: true });
  });

  it('reports a replay cancelled by someone else as exit 1', async () => {
    describeSequence({ State: 'CANCELLED' });
    const outcome = await followReplay(client, 'r', { pollIntervalInMillis: 1 });
    expect(outcome).toMatchObject({ state: 'CANCELLED', cancelledByUs: false });
    expect(replayExitCode(outcome)).toBe(1);
  });

  it('keeps following when the replay finished before CancelReplay arrived', async () => {
    // Prepare
    const controller = new AbortController();
    controller.abort();
    eventBridge.on(StartReplayCommand).resolves({ State: 'STARTING' });
    eventBridge.on(CancelReplayCommand).rejects(Object.assign(new Error('Replay is not running'), { name: 'IllegalStatusException' }));
    describeSequence({ State: 'COMPLETED' });

    // Act
    const outcome = await runReplay(client, planReplay(request), { pollIntervalInMillis: 1, signal: controller.signal });

    // Assess
    expect(outcome).toMatchObject({ state: 'COMPLETED', cancelledByUs: true });
    expect(replayExitCode(outcome)).toBe(0);
  });

  it('maps a missing archive to ARCHIVE_NOT_FOUND, telling to deploy the archive first', async () => {
    // Prepare
    const cause = new ResourceNotFoundException({ message: 'Archive patchbay-dev-default does not exist.', $metadata: {} });
    eventBridge.on(StartReplayCommand).rejects(cause);

    // Act
    const result = runReplay(client, planReplay(request), { pollIntervalInMillis: 1 });

    // Assess
    await expect(result).rejects.toMatchObject({ name: 'ReplayError', code: 'ARCHIVE_NOT_FOUND', cause });
    await expect(result).rejects.toThrow(/deploy the archive first/);
    expect(eventBridge.commandCalls(DescribeReplayCommand)).toHaveLength(0);
  });

  it('maps other StartReplay failures to START_FAILED', async () => {
    eventBridge.on(StartReplayCommand).rejects(Object.assign(new Error('Too many'), { name: 'LimitExceededException' }));
    await expect(runReplay(client, planReplay(request))).rejects.toMatchObject({ code: 'START_FAILED', message: expect.stringContaining('too many replays') });
  });

  it('maps DescribeReplay failures to DESCRIBE_FAILED', async () => {
    eventBridge.on(DescribeReplayCommand).rejects(new Error('boom'));
    await expect(followReplay(client, 'r', { pollIntervalInMillis: 1 })).rejects.toMatchObject({ code: 'DESCRIBE_FAILED' });
  });

  it('stops waiting when the abandon signal fires (exit 130)', async () => {
    // Prepare
    const abandon = new AbortController();
    describeSequence({ State: 'RUNNING' });
    setTimeout(() => abandon.abort(), 20);

    // Act
    const outcome = await followReplay(client, 'r', { pollIntervalInMillis: 60_000, abandonSignal: abandon.signal });

    // Assess
    expect(outcome).toMatchObject({ state: 'RUNNING', abandoned: true });
    expect(replayExitCode(outcome)).toBe(130);
  }, 10_000);
});

describe('Function: resolveAccount', () => {
  it('returns the caller account', async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: '444455556666' });
    await expect(resolveAccount(new STSClient({}))).resolves.toBe('444455556666');
  });

  it('fails with ACCOUNT_UNRESOLVED and the cause when STS fails', async () => {
    const cause = Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
    sts.on(GetCallerIdentityCommand).rejects(cause);
    await expect(resolveAccount(new STSClient({}))).rejects.toMatchObject({ code: 'ACCOUNT_UNRESOLVED', cause, message: expect.stringContaining('--account') });
  });
});
