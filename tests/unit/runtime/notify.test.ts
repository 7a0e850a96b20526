import { CreateTopicCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { DRY_RUN_LABEL, fifoMessageIds, processEvent, type ProcessEventOptions, type RuntimeLogger } from '../../../src/runtime';
import { readEvent, readManifest } from '../../fixtures/runtime/fixtures';

const SECURITY_ARN = 'arn:aws:sns:us-east-1:123456789012:patchbay-test-security';
const AUDIT_ARN = 'arn:aws:sns:us-east-1:123456789012:patchbay-test-audit';
const AWS_ENV = { AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_REGION: 'us-east-1', PATCHBAY_TOPIC_ARN_SECURITY: SECURITY_ARN, PATCHBAY_TOPIC_ARN_AUDIT: AUDIT_ARN };

function fakeLogger(): RuntimeLogger & { [K in keyof RuntimeLogger]: jest.Mock } {
  return { debug: jest.fn(), info: jest.fn(), warn: jest.fn(), error: jest.fn() };
}

describe('Function: processEvent', () => {
  let sns: ReturnType<typeof mockClient>;
  let options: ProcessEventOptions & { logger: ReturnType<typeof fakeLogger>; print: jest.Mock };

  beforeAll(() => {
    sns = mockClient(SNSClient);
  });
  afterAll(() => sns.restore());
  beforeEach(() => {
    sns.reset();
    sns.on(PublishCommand).callsFake((input: { TopicArn: string }) => ({ MessageId: `id-for-${input.TopicArn.split(':').pop()}` }));
    options = { manifest: readManifest(), snsClient: new SNSClient({ region: 'us-east-1' }), logger: fakeLogger(), env: AWS_ENV, print: jest.fn() };
  });

  it('publishes a delivered event to its target topic and logs one line', async () => {
    // Act
    const results = await processEvent(readEvent('delivered-dynamodb-delete-table'), options);

    // Assess
    expect(results).toEqual([
      {
        rule: 'dynamodb-delete-table',
        target: 'notify',
        topic: 'security',
        topicArn: SECURITY_ARN,
        status: 'published',
        messageId: 'id-for-patchbay-test-security',
        request: expect.objectContaining({ TopicArn: SECURITY_ARN }),
      },
    ]);
    const calls = sns.commandCalls(PublishCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toEqual({
      TopicArn: SECURITY_ARN,
      Subject: 'DynamoDB table orders deleted by arn:aws:iam::123456789012:user/alice',
      Message: expect.stringContaining('\ntable: orders\nactor: arn:aws:iam::123456789012:user/alice\nsourceIp: 198.51.100.23\n---\n'),
      MessageAttributes: {
        rule: { DataType: 'String', StringValue: 'dynamodb-delete-table' },
        source: { DataType: 'String', StringValue: 'aws.dynamodb' },
        'detail-type': { DataType: 'String', StringValue: 'AWS API Call via CloudTrail' },
        account: { DataType: 'String', StringValue: '123456789012' },
        region: { DataType: 'String', StringValue: 'us-east-1' },
      },
    });
    expect(options.logger.info).toHaveBeenCalledTimes(1);
    expect(options.logger.info).toHaveBeenCalledWith('notification', {
      rule: 'dynamodb-delete-table',
      target: 'notify',
      topic: 'security',
      topicArn: SECURITY_ARN,
      status: 'published',
      messageId: 'id-for-patchbay-test-security',
    });
  });

  it('publishes to a fifo topic with MessageGroupId = rule and a deduplication ID stable across retried invocations', async () => {
    // Prepare
    const manifest = readManifest();
    manifest.topics.security = { ...manifest.topics.security!, name: 'patchbay-test-security.fifo', fifo: true };
    const fifoOptions = { ...options, manifest, env: { ...AWS_ENV, PATCHBAY_TOPIC_ARN_SECURITY: `${SECURITY_ARN}.fifo` } };
    const other = readEvent('delivered-dynamodb-delete-table');
    (other.event as Record<string, unknown>).id = 'another-event';

    // Act
    await processEvent(readEvent('delivered-dynamodb-delete-table'), fifoOptions);
    await processEvent(readEvent('delivered-dynamodb-delete-table'), fifoOptions); // Lambda's retry of the same event
    await processEvent(other, fifoOptions);

    // Assess
    const inputs = sns.commandCalls(PublishCommand).map((call) => call.args[0].input);
    expect(inputs.map((input) => input.MessageGroupId)).toEqual(['dynamodb-delete-table', 'dynamodb-delete-table', 'dynamodb-delete-table']);
    const ids = inputs.map((input) => input.MessageDeduplicationId);
    expect(ids[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(ids[1]).toBe(ids[0]);
    expect(ids[2]).not.toBe(ids[0]);
    expect(ids[0]).toBe(fifoMessageIds('dynamodb-delete-table', 'notify', '6a7e8feb-b491-4cf7-a9f1-bf3703467718').deduplicationId);
  });

  it('sends no FIFO ids to a standard topic', async () => {
    // Act
    await processEvent(readEvent('delivered-dynamodb-delete-table'), options);

    // Assess
    const input = sns.commandCalls(PublishCommand)[0]!.args[0].input;
    expect(input).not.toHaveProperty('MessageGroupId');
    expect(input).not.toHaveProperty('MessageDeduplicationId');
  });

  it('publishes a raw event to every matching rule', async () => {
    // Act
    const results = await processEvent(readEvent('dynamodb-delete-table'), options);

    // Assess
    expect(results.map((r) => [r.rule, r.target, r.topicArn, r.status])).toEqual([
      ['dynamodb-delete-table', 'notify', SECURITY_ARN, 'published'],
      ['dynamodb-table-changes', 'audit', AUDIT_ARN, 'published'],
    ]);
    expect(sns.commandCalls(PublishCommand).map((call) => call.args[0].input.TopicArn).sort()).toEqual([AUDIT_ARN, SECURITY_ARN]);
  });

  it('publishes nothing for a target whose filter is false', async () => {
    // Prepare
    const denied = { patchbay: { rule: 'dynamodb-delete-table', target: 'notify' }, event: readEvent('dynamodb-delete-table-access-denied') };

    // Act
    const results = await processEvent(denied, options);

    // Assess
    expect(results).toEqual([{ rule: 'dynamodb-delete-table', target: 'notify', topic: 'security', status: 'filtered-out' }]);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
    expect(options.logger.info).toHaveBeenCalledWith('notification', expect.objectContaining({ status: 'filtered-out' }));
  });

  it('returns [] and logs when a raw event matches no rule', async () => {
    // Act
    const results = await processEvent(readEvent('dynamodb-create-table'), options);

    // Assess
    expect(results).toEqual([]);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
    expect(options.logger.info).toHaveBeenCalledWith('no rule matched', { source: 'aws.dynamodb', 'detail-type': 'AWS API Call via CloudTrail' });
  });

  it('does not call AWS without credentials: it logs and prints the exact Publish request', async () => {
    // Prepare
    options.env = {};

    // Act
    const results = await processEvent(readEvent('delivered-dynamodb-delete-table'), options);

    // Assess
    const request = {
      TopicArn: 'arn:aws:sns:us-east-1:000000000000:patchbay-test-security',
      Subject: 'DynamoDB table orders deleted by arn:aws:iam::123456789012:user/alice',
      Message: expect.stringContaining('table: orders'),
      MessageAttributes: expect.objectContaining({ rule: { DataType: 'String', StringValue: 'dynamodb-delete-table' } }),
    };
    expect(results).toEqual([expect.objectContaining({ status: 'dry-run', request })]);
    expect(results[0]!.messageId).toBeUndefined();
    expect(sns.calls()).toHaveLength(0);
    expect(options.print).toHaveBeenCalledTimes(1);
    const printed = options.print.mock.calls[0]![0] as string;
    expect(printed.startsWith(`${DRY_RUN_LABEL}\n`)).toBe(true);
    expect(JSON.parse(printed.slice(DRY_RUN_LABEL.length + 1))).toEqual(results[0]!.request);
    expect(options.logger.info).toHaveBeenCalledWith(DRY_RUN_LABEL, expect.objectContaining({ status: 'dry-run' }));
    expect(JSON.stringify((options.logger.info as jest.Mock).mock.calls)).not.toContain('"Message"'); // printed once, not logged too
  });

  it('creates a topic with no ARN variable on a local endpoint, then publishes to the ARN it returns', async () => {
    // Prepare
    sns.on(CreateTopicCommand).resolves({ TopicArn: 'arn:aws:sns:us-east-1:000000000000:patchbay-test-security' });
    options.env = { AWS_ENDPOINT_URL_SNS: 'http://127.0.0.1:4002' };

    // Act
    const results = await processEvent(readEvent('delivered-dynamodb-delete-table'), options);

    // Assess
    expect(sns.commandCalls(CreateTopicCommand).map((call) => call.args[0].input)).toEqual([{ Name: 'patchbay-test-security' }]);
    expect(sns.commandCalls(PublishCommand)[0]!.args[0].input.TopicArn).toBe('arn:aws:sns:us-east-1:000000000000:patchbay-test-security');
    expect(results[0]).toEqual(expect.objectContaining({ status: 'published' }));
  });

  it('warns when it has credentials but no ARN variable for the topic (a local run), and still publishes', async () => {
    // Prepare
    options.env = { AWS_PROFILE: 'default' };

    // Act
    await processEvent(readEvent('delivered-dynamodb-delete-table'), options);

    // Assess
    expect(options.logger.warn).toHaveBeenCalledWith(
      'no topic ARN in the environment; publishing to a local ARN that AWS will not know',
      expect.objectContaining({ topic: 'security', arnEnv: 'PATCHBAY_TOPIC_ARN_SECURITY', topicArn: 'arn:aws:sns:us-east-1:000000000000:patchbay-test-security' }),
    );
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
  });

  it('attempts every target, then throws NotifyError listing the failures and keeping the successes', async () => {
    // Prepare
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { attempts: 5 } });
    sns.on(PublishCommand, { TopicArn: SECURITY_ARN }).rejects(throttled);

    // Act
    const outcome = processEvent(readEvent('dynamodb-delete-table'), options);

    // Assess
    await expect(outcome).rejects.toEqual(
      expect.objectContaining({
        name: 'NotifyError',
        code: 'NOTIFY_FAILED',
        errors: [
          expect.objectContaining({
            name: 'PublishError',
            code: 'PUBLISH_FAILED',
            topicArn: SECURITY_ARN,
            rule: 'dynamodb-delete-table',
            target: 'notify',
            awsErrorName: 'ThrottlingException',
            attempts: 5,
            cause: throttled,
          }),
        ],
        results: [expect.objectContaining({ rule: 'dynamodb-table-changes', status: 'published' })],
      }),
    );
    expect(sns.commandCalls(PublishCommand)).toHaveLength(2);
    expect(options.logger.error).toHaveBeenCalledWith(
      'notification failed',
      expect.objectContaining({ rule: 'dynamodb-delete-table', target: 'notify', topic: 'security', status: 'failed' }),
    );
  });

  it('fails the target whose select breaks on the event, and still notifies the others', async () => {
    // Prepare
    const manifest = readManifest();
    manifest.rules[0]!.targets[0]!.select = { n: 'abs(detail.eventName)' };
    options.manifest = manifest;

    // Act
    const outcome = processEvent(readEvent('dynamodb-delete-table'), options);

    // Assess
    await expect(outcome).rejects.toEqual(
      expect.objectContaining({
        code: 'NOTIFY_FAILED',
        errors: [expect.objectContaining({ code: 'EXPRESSION_EVALUATION_FAILED', pointer: '/rules/0/targets/0/select/n' })],
      }),
    );
    expect(sns.commandCalls(PublishCommand).map((call) => call.args[0].input.TopicArn)).toEqual([AUDIT_ARN]);
  });

  it('fails a target without notify when an event reaches it', async () => {
    // Prepare
    const manifest = readManifest();
    delete manifest.rules[0]!.targets[0]!.notify;
    options.manifest = manifest;

    // Act
    const outcome = processEvent(readEvent('delivered-dynamodb-delete-table'), options);

    // Assess
    await expect(outcome).rejects.toEqual(
      expect.objectContaining({
        code: 'NOTIFY_FAILED',
        errors: [expect.objectContaining({ code: 'INVALID_MANIFEST', issues: [expect.objectContaining({ pointer: '/rules/0/targets/0/notify' })] })],
      }),
    );
  });

  it('rejects an invalid input before publishing anything', async () => {
    // Act
    const outcome = processEvent({ Records: [] }, options);

    // Assess
    await expect(outcome).rejects.toEqual(expect.objectContaining({ name: 'InvalidInputError', code: 'INVALID_INPUT' }));
    expect(sns.calls()).toHaveLength(0);
  });

  it('refuses an input nested deeper than 1,000 levels (EventBridge never delivers one) before publishing, without exhausting the stack', async () => {
    // Prepare
    let deep: unknown = 1;
    for (let i = 0; i < 5000; i++) deep = { a: deep };
    const event = { ...readEvent('dynamodb-delete-table'), detail: { ...(readEvent('dynamodb-delete-table').detail as object), deep } };

    // Act
    const outcome = processEvent(event, options);

    // Assess
    await expect(outcome).rejects.toEqual(expect.objectContaining({ name: 'InvalidInputError', code: 'INVALID_INPUT' }));
    expect(sns.calls()).toHaveLength(0);
  });

  it('sends who acted (actor, source IP, user agent) but never the access key id or other unselected data', async () => {
    // Act
    await processEvent(readEvent('dynamodb-delete-table'), options);

    // Assess
    const sent = JSON.stringify(sns.commandCalls(PublishCommand).map((call) => call.args[0].input));
    expect(sent).not.toContain('AKIAIOSFODNN7EXAMPLE');
    expect(sent).toContain('user agent: aws-cli/2.15.30');
  });
});
