/**
 * End to end against a real local SNS endpoint: a separate Node process runs serverless-offline-sns's SNSServer
 * (tests/integration/support/local-sns.mjs) on 127.0.0.1; an HTTP subscriber runs in this process on 127.0.0.1.
 * The real AWS SDK creates the topics and subscriptions; processEvent / the notify handler publish through
 * `AWS_ENDPOINT_URL_SNS`; the subscriber must receive SNS Notification envelopes carrying our Subject and Message.
 * Nothing leaves 127.0.0.1.
 */
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@aws-lambda-powertools/logger';
import { CreateTopicCommand, SubscribeCommand, type SNSClient } from '@aws-sdk/client-sns';
import { createNotifyHandler } from '../../handlers/notify';
import { createSnsClient, processEvent, type RuntimeEnv } from '../../src/runtime';
import { lambdaContext, readEvent, readManifest } from '../fixtures/runtime/fixtures';
import { STARTUP_TIMEOUT_MS, Subscriber, startLocalSns, stopChild, type LocalSns } from './support/local-sns-process';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/** A 127.0.0.1 port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = http.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('Integration: SNS Publish to a local endpoint (serverless-offline-sns)', () => {
  let localSns: LocalSns;
  const subscriber = new Subscriber();
  let subscriberUrl: string;
  let env: RuntimeEnv;
  let client: SNSClient;

  /** CreateTopic (idempotent) and subscribe `<subscriber>/<topic name>` over HTTP. */
  async function subscribe(topicName: string): Promise<string> {
    const { TopicArn } = await client.send(new CreateTopicCommand({ Name: topicName }));
    await client.send(new SubscribeCommand({ TopicArn, Protocol: 'http', Endpoint: `${subscriberUrl}/${topicName}` }));
    return TopicArn!;
  }

  beforeAll(async () => {
    [localSns, subscriberUrl] = await Promise.all([startLocalSns(), subscriber.start()]);
    env = { AWS_ENDPOINT_URL_SNS: localSns.endpoint, AWS_REGION: 'us-east-1' };
    client = createSnsClient(env);
  }, STARTUP_TIMEOUT_MS + 5_000);

  afterAll(async () => {
    client?.destroy();
    await Promise.all([localSns ? stopChild(localSns.child) : undefined, subscriber.stop()]);
  });

  it('delivers the notification of a delivered event, with our Subject, Message and attributes', async () => {
    // Prepare
    const topicArn = await subscribe('patchbay-test-security');
    const runEnv = { ...env, PATCHBAY_TOPIC_ARN_SECURITY: topicArn };

    // Act
    const results = await processEvent(readEvent('delivered-dynamodb-delete-table'), { manifest: readManifest(), snsClient: client, env: runEnv });

    // Assess
    expect(results).toEqual([
      expect.objectContaining({ rule: 'dynamodb-delete-table', target: 'notify', topicArn, status: 'published', messageId: expect.any(String) }),
    ]);
    const delivery = await subscriber.waitFor((d) => d.body.MessageId === results[0]!.messageId);
    expect(delivery.path).toBe('/patchbay-test-security');
    expect(delivery.body).toEqual(
      expect.objectContaining({
        Type: 'Notification',
        TopicArn: topicArn,
        Subject: 'DynamoDB table orders deleted by arn:aws:iam::123456789012:user/alice',
        Message: results[0]!.request!.Message,
        MessageAttributes: {
          rule: { Type: 'String', Value: 'dynamodb-delete-table' },
          source: { Type: 'String', Value: 'aws.dynamodb' },
          'detail-type': { Type: 'String', Value: 'AWS API Call via CloudTrail' },
          account: { Type: 'String', Value: '123456789012' },
          region: { Type: 'String', Value: 'us-east-1' },
        },
      }),
    );
    expect(delivery.body.Message).toContain('table: orders\n');
    expect(delivery.body.Message).not.toContain('AKIAIOSFODNN7EXAMPLE');
  });

  it('routes a raw event through the handler to every matching rule, creating topics that have no ARN variable', async () => {
    // Prepare
    await Promise.all([subscribe('patchbay-test-security'), subscribe('patchbay-test-audit')]);
    const handler = createNotifyHandler({
      manifest: readManifest(),
      snsClient: client,
      logger: new Logger({ serviceName: 'patchbay-test', logLevel: 'SILENT' }),
      env, // no PATCHBAY_TOPIC_ARN_*: the runtime creates (finds) the topics on the endpoint
    });

    // Act
    const results = await handler(readEvent('dynamodb-delete-table'), lambdaContext());

    // Assess
    expect(results.map((r) => [r.rule, r.status])).toEqual([
      ['dynamodb-delete-table', 'published'],
      ['dynamodb-table-changes', 'published'],
    ]);
    const [security, audit] = await Promise.all(results.map((r) => subscriber.waitFor((d) => d.body.MessageId === r.messageId)));
    expect(security!.body).toEqual(expect.objectContaining({ Type: 'Notification', TopicArn: 'arn:aws:sns:us-east-1:000000000000:patchbay-test-security' }));
    expect(audit!.body).toEqual(
      expect.objectContaining({
        Type: 'Notification',
        TopicArn: 'arn:aws:sns:us-east-1:000000000000:patchbay-test-audit',
        Subject: '[dynamodb-table-changes] AWS API Call via CloudTrail from aws.dynamodb',
      }),
    );
    expect(JSON.parse((audit!.body.Message as string).split('\n---\n')[1]!)).toEqual({ table: 'orders', operation: 'DeleteTable', error: null });
  });

  it('throws NotifyError with a PublishError after the SDK retries when the endpoint is down', async () => {
    // Prepare
    const downEnv = { AWS_ENDPOINT_URL_SNS: `http://127.0.0.1:${await closedPort()}`, AWS_REGION: 'us-east-1', PATCHBAY_TOPIC_ARN_SECURITY: 'arn:aws:sns:us-east-1:000000000000:patchbay-test-security' };
    const downClient = createSnsClient(downEnv);

    // Act
    const outcome = processEvent(readEvent('delivered-dynamodb-delete-table'), { manifest: readManifest(), snsClient: downClient, env: downEnv });

    // Assess
    await expect(outcome).rejects.toEqual(
      expect.objectContaining({
        name: 'NotifyError',
        code: 'NOTIFY_FAILED',
        errors: [expect.objectContaining({ name: 'PublishError', code: 'PUBLISH_FAILED', rule: 'dynamodb-delete-table', attempts: 5 })],
      }),
    );
    downClient.destroy();
  }, 30_000);
});
