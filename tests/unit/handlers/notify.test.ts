import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { createNotifyHandler, handler, manifestPath } from '../../../handlers/notify';
import { createSnsClient } from '../../../src/runtime';
import { fixturePath, lambdaContext, readEvent, readManifest } from '../../fixtures/runtime/fixtures';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const SECURITY_ARN = 'arn:aws:sns:eu-west-1:123456789012:patchbay-test-security';
const AUDIT_ARN = 'arn:aws:sns:eu-west-1:123456789012:patchbay-test-audit';
const ENV = { AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_REGION: 'eu-west-1', PATCHBAY_TOPIC_ARN_SECURITY: SECURITY_ARN, PATCHBAY_TOPIC_ARN_AUDIT: AUDIT_ARN };

/** Powertools log lines written during `run`, parsed. */
async function captureLogs<T>(run: () => Promise<T>): Promise<{ result?: T; error?: unknown; logs: Array<Record<string, unknown>> }> {
  const lines: string[] = [];
  const capture = (chunk: string | Uint8Array) => {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  };
  const out = jest.spyOn(process.stdout, 'write').mockImplementation(capture);
  const err = jest.spyOn(process.stderr, 'write').mockImplementation(capture);
  try {
    return { result: await run(), logs: lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
  } catch (error) {
    return { error, logs: lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe('Function: createNotifyHandler', () => {
  let sns: ReturnType<typeof mockClient>;
  const logger = new Logger({ serviceName: 'patchbay-test' });

  beforeAll(() => {
    sns = mockClient(SNSClient);
  });
  afterAll(() => sns.restore());
  beforeEach(() => {
    sns.reset();
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  });

  function notifyHandler(env: Record<string, string> = ENV) {
    return createNotifyHandler({ manifest: readManifest(), snsClient: new SNSClient({ region: 'eu-west-1' }), logger, env });
  }

  it('publishes a delivered event with the right TopicArn, Subject and MessageAttributes', async () => {
    // Prepare
    const handle = notifyHandler();

    // Act
    const { result, logs } = await captureLogs(() => handle(readEvent('delivered-dynamodb-delete-table'), lambdaContext()));

    // Assess
    expect(result).toEqual([expect.objectContaining({ rule: 'dynamodb-delete-table', target: 'notify', status: 'published', messageId: 'm-1' })]);
    const calls = sns.commandCalls(PublishCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toEqual(
      expect.objectContaining({
        TopicArn: SECURITY_ARN,
        Subject: 'DynamoDB table orders deleted by arn:aws:iam::123456789012:user/alice',
        MessageAttributes: {
          rule: { DataType: 'String', StringValue: 'dynamodb-delete-table' },
          source: { DataType: 'String', StringValue: 'aws.dynamodb' },
          'detail-type': { DataType: 'String', StringValue: 'AWS API Call via CloudTrail' },
          account: { DataType: 'String', StringValue: '123456789012' },
          region: { DataType: 'String', StringValue: 'us-east-1' },
        },
      }),
    );
    expect(logs).toEqual([
      expect.objectContaining({
        level: 'INFO',
        message: 'notification',
        service: 'patchbay-test',
        function_name: 'patchbay-test-notify',
        function_request_id: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
        rule: 'dynamodb-delete-table',
        target: 'notify',
        topic: 'security',
        topicArn: SECURITY_ARN,
        status: 'published',
        messageId: 'm-1',
      }),
    ]);
  });

  it('publishes nothing for a filtered-out event', async () => {
    // Prepare
    const handle = notifyHandler();
    const denied = { patchbay: { rule: 'dynamodb-delete-table', target: 'notify' }, event: readEvent('dynamodb-delete-table-access-denied') };

    // Act
    const { result, logs } = await captureLogs(() => handle(denied, lambdaContext()));

    // Assess
    expect(result).toEqual([{ rule: 'dynamodb-delete-table', target: 'notify', topic: 'security', status: 'filtered-out' }]);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
    expect(logs).toEqual([expect.objectContaining({ message: 'notification', status: 'filtered-out' })]);
  });

  it('throws when a publish fails after the SDK retries: nothing is swallowed', async () => {
    // Prepare
    const handle = notifyHandler();
    sns.on(PublishCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { attempts: 5 } }));

    // Act
    const { error, logs } = await captureLogs(() => handle(readEvent('delivered-dynamodb-delete-table'), lambdaContext()));

    // Assess
    expect(error).toEqual(
      expect.objectContaining({
        name: 'NotifyError',
        code: 'NOTIFY_FAILED',
        errors: [expect.objectContaining({ name: 'PublishError', code: 'PUBLISH_FAILED', awsErrorName: 'ThrottlingException', attempts: 5 })],
      }),
    );
    expect(logs.map((line) => [line.level, line.message, line.code])).toEqual([
      ['ERROR', 'notification failed', undefined],
      ['ERROR', 'invocation failed', 'NOTIFY_FAILED'],
    ]);
  });

  it('counts each outcome as a CloudWatch metric (embedded metric format) by rule and topic, published, filtered out and failed', async () => {
    // Prepare: Powertools Metrics prints EMF lines on standard output at the end of the invocation
    const saved = { ...process.env };
    delete process.env.POWERTOOLS_METRICS_DISABLED;
    delete process.env.POWERTOOLS_DEV;
    const metrics = new Metrics({ namespace: 'patchbay-test', serviceName: 'patchbay-test' });
    const handle = createNotifyHandler({ manifest: readManifest(), snsClient: new SNSClient({ region: 'eu-west-1' }), logger, env: ENV, metrics });
    const denied = { patchbay: { rule: 'dynamodb-delete-table', target: 'notify' }, event: readEvent('dynamodb-delete-table-access-denied') };

    // Act
    const published = await captureLogs(() => handle(readEvent('delivered-dynamodb-delete-table'), lambdaContext()));
    const filtered = await captureLogs(() => handle(denied, lambdaContext()));
    sns.on(PublishCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { attempts: 5 } }));
    const failed = await captureLogs(() => handle(readEvent('delivered-dynamodb-delete-table'), lambdaContext()));
    process.env = saved;

    // Assess
    const emf = (logs: Array<Record<string, unknown>>) =>
      logs.filter((line) => line._aws !== undefined).flatMap((line) => ((line._aws as { CloudWatchMetrics: { Metrics: { Name: string }[] }[] }).CloudWatchMetrics[0]!.Metrics.map((m) => ({ name: m.Name, rule: line.rule, topic: line.topic, value: line[m.Name] }))));
    expect(emf(published.logs)).toEqual(expect.arrayContaining([{ name: 'NotificationsPublished', rule: 'dynamodb-delete-table', topic: 'security', value: 1 }]));
    expect(emf(filtered.logs)).toEqual(expect.arrayContaining([{ name: 'NotificationsFilteredOut', rule: 'dynamodb-delete-table', topic: 'security', value: 1 }]));
    expect(emf(failed.logs)).toEqual(expect.arrayContaining([{ name: 'NotificationsFailed', rule: 'dynamodb-delete-table', topic: 'security', value: 1 }]));
    expect(failed.error).toEqual(expect.objectContaining({ code: 'NOTIFY_FAILED' }));
  });

  it('refuses a forged delivery (known rule and target, empty event): it throws INVALID_DELIVERY and publishes nothing', async () => {
    // Prepare
    const handle = notifyHandler();
    const forged = { patchbay: { rule: 'signin-root-login', target: 'notify' }, event: {} };

    // Act
    const { error, logs } = await captureLogs(() => handle(forged, lambdaContext()));

    // Assess
    expect(error).toEqual(expect.objectContaining({ name: 'InvalidDeliveryError', code: 'INVALID_DELIVERY', rule: 'signin-root-login', pointer: '/event/version' }));
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
    expect(logs.map((line) => [line.level, line.message, line.code])).toEqual([['ERROR', 'invocation failed', 'INVALID_DELIVERY']]);
  });

  it('refuses a delivered event for a rule whose pattern it does not match', async () => {
    // Prepare
    const handle = notifyHandler();
    const forged = { patchbay: { rule: 'signin-root-login', target: 'notify' }, event: readEvent('dynamodb-delete-table') };

    // Act
    const { error } = await captureLogs(() => handle(forged, lambdaContext()));

    // Assess
    expect(error).toEqual(expect.objectContaining({ code: 'INVALID_DELIVERY', pointer: '/event' }));
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });

  it('rejects an input that is neither a delivered nor an EventBridge event, before publishing', async () => {
    // Prepare
    const handle = notifyHandler();

    // Act
    const { error } = await captureLogs(() => handle({ hello: 'world' }, lambdaContext()));

    // Assess
    expect(error).toEqual(expect.objectContaining({ name: 'InvalidInputError', code: 'INVALID_INPUT' }));
    expect(sns.calls()).toHaveLength(0);
  });

  it('loads a manifest given as a function once', async () => {
    // Prepare
    const load = jest.fn(readManifest);
    const handle = createNotifyHandler({ manifest: load, snsClient: new SNSClient({ region: 'eu-west-1' }), logger, env: ENV });

    // Act
    await captureLogs(async () => {
      await handle(readEvent('delivered-dynamodb-delete-table'), lambdaContext());
      await handle(readEvent('signin-root-login'), lambdaContext());
    });

    // Assess
    expect(load).toHaveBeenCalledTimes(1);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(2);
  });
});

describe('Function: createNotifyHandler (real SDK retry configuration)', () => {
  let server: http.Server;
  let requests = 0;

  beforeAll(async () => {
    server = http.createServer((request, response) => {
      requests += 1;
      request.resume();
      request.on('end', () => {
        response.writeHead(503, { 'content-type': 'text/xml' });
        response.end(
          '<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Receiver</Type><Code>ServiceUnavailable</Code><Message>down</Message></Error><RequestId>r</RequestId></ErrorResponse>',
        );
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('retries a failing Publish 5 times in all (createSnsClient), then the handler throws', async () => {
    // Prepare
    const env = {
      AWS_ENDPOINT_URL_SNS: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      AWS_REGION: 'eu-west-1',
      PATCHBAY_TOPIC_ARN_SECURITY: SECURITY_ARN,
    };
    const snsClient = createSnsClient(env);
    const handle = createNotifyHandler({ manifest: readManifest(), snsClient, logger: new Logger({ logLevel: 'SILENT' }), env });

    // Act
    const outcome = handle(readEvent('delivered-dynamodb-delete-table'), lambdaContext());

    // Assess
    await expect(outcome).rejects.toEqual(
      expect.objectContaining({ code: 'NOTIFY_FAILED', errors: [expect.objectContaining({ code: 'PUBLISH_FAILED', attempts: 5 })] }),
    );
    expect(requests).toBe(5);
    snsClient.destroy();
  }, 20_000);
});

describe('Function: handler', () => {
  let sns: ReturnType<typeof mockClient>;
  const saved = { ...process.env };

  beforeAll(() => {
    sns = mockClient(SNSClient);
  });
  afterAll(() => sns.restore());
  afterEach(() => {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
  });

  it('finds the manifest next to the handler unless PATCHBAY_MANIFEST_PATH says otherwise', () => {
    // Act
    const byDefault = manifestPath({});
    const configured = manifestPath({ PATCHBAY_MANIFEST_PATH: '/opt/manifest.json' });

    // Assess
    expect(byDefault).toMatch(/handlers[\\/]patchbay-manifest\.json$/);
    expect(configured).toBe('/opt/manifest.json');
  });

  it('loads the manifest from PATCHBAY_MANIFEST_PATH and publishes with the environment of the function', async () => {
    // Prepare
    sns.on(PublishCommand).resolves({ MessageId: 'm-default' });
    Object.assign(process.env, { ...ENV, PATCHBAY_MANIFEST_PATH: fixturePath('manifest.json'), POWERTOOLS_LOG_LEVEL: 'SILENT' });

    // Act
    const { result } = await captureLogs(() => handler(readEvent('signin-root-login'), lambdaContext()));

    // Assess
    expect(result).toEqual([expect.objectContaining({ rule: 'signin-root-login', status: 'published', messageId: 'm-default', topicArn: SECURITY_ARN })]);
    expect(sns.commandCalls(PublishCommand)[0]!.args[0].input).toEqual(
      expect.objectContaining({ TopicArn: SECURITY_ARN, Subject: 'Root console sign-in from 203.0.113.77 in 123456789012 (MFA: Yes)' }),
    );
  });
});
