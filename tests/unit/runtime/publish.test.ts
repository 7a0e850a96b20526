import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateTopicCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import {
  DRY_RUN_LABEL,
  SNS_MAX_ATTEMPTS,
  createPublishRequest,
  createSnsClient,
  ensureTopic,
  formatDryRun,
  hasAwsCredentials,
  publishNotification,
  resolvePublishMode,
  resolveTopicArn,
  type Notification,
} from '../../../src/runtime';
import { readManifest } from '../../fixtures/runtime/fixtures';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:patchbay-test-security';
const notification: Notification = {
  subject: 'DynamoDB table orders deleted',
  message: 'A DynamoDB table was deleted\n---\n{}',
  messageAttributes: { rule: { DataType: 'String', StringValue: 'dynamodb-delete-table' } },
};

describe('Function: resolvePublishMode', () => {
  it.each([
    [{}, 'dry-run'],
    [{ AWS_REGION: 'us-east-1', AWS_SECRET_ACCESS_KEY: 'x' }, 'dry-run'],
    [{ AWS_ACCESS_KEY_ID: '' }, 'dry-run'],
    [{ AWS_ACCESS_KEY_ID: 'AKIA...' }, 'aws'],
    [{ AWS_PROFILE: 'default' }, 'aws'],
    [{ AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials/x' }, 'aws'],
    [{ AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://169.254.170.23/v1/credentials' }, 'aws'],
    [{ AWS_WEB_IDENTITY_TOKEN_FILE: '/var/run/secrets/token' }, 'aws'],
    [{ AWS_ENDPOINT_URL_SNS: 'http://127.0.0.1:4002' }, 'endpoint'],
    [{ AWS_ENDPOINT_URL: 'http://127.0.0.1:4566' }, 'endpoint'],
    [{ AWS_ENDPOINT_URL_SNS: 'http://127.0.0.1:4002', AWS_ACCESS_KEY_ID: 'AKIA...' }, 'endpoint'],
    [{ PATCHBAY_DRY_RUN: 'true', AWS_ACCESS_KEY_ID: 'AKIA...' }, 'dry-run'],
    [{ PATCHBAY_DRY_RUN: '1', AWS_ENDPOINT_URL_SNS: 'http://127.0.0.1:4002' }, 'dry-run'],
    [{ PATCHBAY_DRY_RUN: 'false' }, 'aws'],
  ])('%j -> %s', (env, expected) => {
    // Act
    const mode = resolvePublishMode(env);

    // Assess
    expect(mode).toBe(expected);
  });

  it('reads process.env by default', () => {
    // Prepare
    const saved = process.env.PATCHBAY_DRY_RUN;
    process.env.PATCHBAY_DRY_RUN = 'true';

    // Act
    const mode = resolvePublishMode();

    // Assess
    expect(mode).toBe('dry-run');
    if (saved === undefined) delete process.env.PATCHBAY_DRY_RUN;
    else process.env.PATCHBAY_DRY_RUN = saved;
  });
});

describe('Function: hasAwsCredentials', () => {
  it('ignores a secret key without a key id', () => {
    // Act
    const found = hasAwsCredentials({ AWS_SECRET_ACCESS_KEY: 'secret' });

    // Assess
    expect(found).toBe(false);
  });
});

describe('Function: resolveTopicArn', () => {
  it("takes the ARN from the topic's environment variable", () => {
    // Act
    const resolved = resolveTopicArn(readManifest(), 'security', { PATCHBAY_TOPIC_ARN_SECURITY: TOPIC_ARN });

    // Assess
    expect(resolved).toEqual({ topicArn: TOPIC_ARN, fromEnv: true, topicName: 'patchbay-test-security' });
  });

  it.each([
    [{}, 'arn:aws:sns:us-east-1:000000000000:patchbay-test-audit'],
    [{ AWS_REGION: 'eu-west-1' }, 'arn:aws:sns:eu-west-1:000000000000:patchbay-test-audit'],
    [{ AWS_DEFAULT_REGION: 'ap-southeast-2' }, 'arn:aws:sns:ap-southeast-2:000000000000:patchbay-test-audit'],
  ])('builds a local ARN from the topic name without the variable (%j)', (env, expected) => {
    // Act
    const resolved = resolveTopicArn(readManifest(), 'audit', env);

    // Assess
    expect(resolved).toEqual({ topicArn: expected, fromEnv: false, topicName: 'patchbay-test-audit' });
  });
});

describe('Function: createSnsClient', () => {
  it('uses the standard retry strategy with 5 attempts and the region', async () => {
    // Act
    const client = createSnsClient({ AWS_REGION: 'eu-central-1' });

    // Assess
    expect(SNS_MAX_ATTEMPTS).toBe(5);
    await expect(client.config.maxAttempts()).resolves.toBe(5);
    expect(client.config.retryMode).toBe('standard');
    await expect(client.config.retryStrategy()).resolves.toEqual(expect.objectContaining({ mode: 'standard' }));
    await expect(client.config.region()).resolves.toBe('eu-central-1');
    client.destroy();
  });

  it('points at a local endpoint with test/test credentials', async () => {
    // Act
    const client = createSnsClient({ AWS_ENDPOINT_URL_SNS: 'http://127.0.0.1:4002' });

    // Assess
    const endpoint = await client.config.endpoint!();
    expect(`${endpoint.protocol}//${endpoint.hostname}:${endpoint.port}`).toBe('http://127.0.0.1:4002');
    await expect(client.config.credentials()).resolves.toEqual(expect.objectContaining({ accessKeyId: 'test', secretAccessKey: 'test' }));
    client.destroy();
  });
});

describe('Function: publishNotification', () => {
  let sns: ReturnType<typeof mockClient>;
  beforeAll(() => {
    sns = mockClient(SNSClient);
  });
  afterEach(() => sns.reset());
  afterAll(() => sns.restore());

  it('sends one PublishCommand with the topic, subject, message and attributes', async () => {
    // Prepare
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const client = new SNSClient({ region: 'us-east-1' });

    // Act
    const result = await publishNotification(client, TOPIC_ARN, notification, { rule: 'r', target: 't' });

    // Assess
    const request = {
      TopicArn: TOPIC_ARN,
      Subject: notification.subject,
      Message: notification.message,
      MessageAttributes: notification.messageAttributes,
    };
    expect(result).toEqual({ messageId: 'm-1', request });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
    expect(sns.commandCalls(PublishCommand)[0]!.args[0].input).toEqual(request);
  });

  it('throws PublishError carrying the SDK error, the topic, the rule and the target', async () => {
    // Prepare
    const cause = Object.assign(new Error('Topic does not exist'), { name: 'NotFoundException', $metadata: { attempts: 1 } });
    sns.on(PublishCommand).rejects(cause);

    // Act
    const publish = publishNotification(new SNSClient({ region: 'us-east-1' }), TOPIC_ARN, notification, { rule: 'r', target: 't' });

    // Assess
    await expect(publish).rejects.toEqual(
      expect.objectContaining({
        name: 'PublishError',
        code: 'PUBLISH_FAILED',
        topicArn: TOPIC_ARN,
        rule: 'r',
        target: 't',
        awsErrorName: 'NotFoundException',
        attempts: 1,
        cause,
        message: `SNS Publish to ${TOPIC_ARN} (rule r, target t) failed after 1 attempt: NotFoundException: Topic does not exist`,
      }),
    );
  });
});

describe('Function: publishNotification (real SDK retries against a failing 127.0.0.1 endpoint)', () => {
  let server: http.Server;
  let endpoint: string;
  let status = 500;
  let code = 'InternalError';
  let requests = 0;

  beforeAll(async () => {
    server = http.createServer((request, response) => {
      requests += 1;
      request.resume();
      request.on('end', () => {
        response.writeHead(status, { 'content-type': 'text/xml' });
        response.end(
          `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>${code}</Code><Message>simulated</Message></Error><RequestId>r-${requests}</RequestId></ErrorResponse>`,
        );
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  beforeEach(() => {
    requests = 0;
  });

  it('retries a 5xx error 5 times in all, then throws PublishError', async () => {
    // Prepare
    status = 500;
    code = 'InternalError';
    const client = createSnsClient({ AWS_ENDPOINT_URL_SNS: endpoint });

    // Act
    const publish = publishNotification(client, TOPIC_ARN, notification);

    // Assess
    await expect(publish).rejects.toEqual(expect.objectContaining({ name: 'PublishError', code: 'PUBLISH_FAILED', attempts: 5, awsErrorName: 'InternalErrorException' }));
    expect(requests).toBe(5);
    client.destroy();
  });

  it('does not retry a client error', async () => {
    // Prepare
    status = 404;
    code = 'NotFound';
    const client = createSnsClient({ AWS_ENDPOINT_URL_SNS: endpoint });

    // Act
    const publish = publishNotification(client, TOPIC_ARN, notification);

    // Assess
    await expect(publish).rejects.toEqual(expect.objectContaining({ name: 'PublishError', attempts: 1, awsErrorName: 'NotFoundException' }));
    expect(requests).toBe(1);
    client.destroy();
  });
});

describe('Function: ensureTopic', () => {
  let sns: ReturnType<typeof mockClient>;
  beforeAll(() => {
    sns = mockClient(SNSClient);
  });
  afterEach(() => sns.reset());
  afterAll(() => sns.restore());

  it('creates a topic once per client and name', async () => {
    // Prepare
    sns.on(CreateTopicCommand).resolves({ TopicArn: 'arn:aws:sns:us-east-1:000000000000:patchbay-test-ops' });
    const client = new SNSClient({ region: 'us-east-1' });

    // Act
    const arns = await Promise.all([ensureTopic(client, 'patchbay-test-ops'), ensureTopic(client, 'patchbay-test-ops')]);

    // Assess
    expect(arns).toEqual(['arn:aws:sns:us-east-1:000000000000:patchbay-test-ops', 'arn:aws:sns:us-east-1:000000000000:patchbay-test-ops']);
    expect(sns.commandCalls(CreateTopicCommand)).toHaveLength(1);
    expect(sns.commandCalls(CreateTopicCommand)[0]!.args[0].input).toEqual({ Name: 'patchbay-test-ops' });
  });

  it('does not cache a failure', async () => {
    // Prepare
    sns.on(CreateTopicCommand).rejectsOnce(new Error('connection refused')).resolves({ TopicArn: 'arn:aws:sns:us-east-1:000000000000:t' });
    const client = new SNSClient({ region: 'us-east-1' });

    // Act
    const first = ensureTopic(client, 't', { rule: 'r', target: 'x' });

    // Assess
    await expect(first).rejects.toEqual(expect.objectContaining({ name: 'PublishError', code: 'PUBLISH_FAILED', rule: 'r', target: 'x' }));
    await expect(ensureTopic(client, 't')).resolves.toBe('arn:aws:sns:us-east-1:000000000000:t');
  });
});

describe('Function: formatDryRun', () => {
  it('labels the exact Publish request', () => {
    // Prepare
    const request = createPublishRequest(TOPIC_ARN, notification);

    // Act
    const text = formatDryRun(request);

    // Assess
    expect(DRY_RUN_LABEL).toBe('DRY RUN — no AWS credentials, not published: SNS Publish request');
    expect(text.split('\n')[0]).toBe(DRY_RUN_LABEL);
    expect(JSON.parse(text.slice(DRY_RUN_LABEL.length + 1))).toEqual({
      TopicArn: TOPIC_ARN,
      Subject: notification.subject,
      Message: notification.message,
      MessageAttributes: notification.messageAttributes,
    });
  });
});
