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
  fifoMessageIds,
  formatDryRun,
  hasAwsCredentials,
  publishNotification,
  resolvePublishMode,
  resolveTopicArn,
  PublishRetryStrategy,
  SNS_TIMEOUTS,
  maxTotalBackoffMs,
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
  it('uses the quota-free PublishRetryStrategy with 5 attempts and the region', async () => {
    // Act
    const client = createSnsClient({ AWS_REGION: 'eu-central-1' });

    // Assess
    expect(SNS_MAX_ATTEMPTS).toBe(5);
    await expect(client.config.maxAttempts()).resolves.toBe(5);
    const strategy = await client.config.retryStrategy();
    expect(strategy).toBeInstanceOf(PublishRetryStrategy);
    expect(strategy).toEqual(expect.objectContaining({ maxAttempts: 5, baseDelayMs: 100, throttlingBaseDelayMs: 500 }));
    await expect(client.config.region()).resolves.toBe('eu-central-1');
    client.destroy();
  });

  it('keeps the worst case of one Publish (attempts x request timeout + backoff) well below the 30 s function timeout', () => {
    // Act
    const worstCaseMs = SNS_MAX_ATTEMPTS * SNS_TIMEOUTS.requestTimeoutMs + maxTotalBackoffMs();

    // Assess
    expect(SNS_TIMEOUTS).toEqual({ connectionTimeoutMs: 1_000, requestTimeoutMs: 3_000 });
    expect(worstCaseMs).toBe(22_500);
    expect(worstCaseMs).toBeLessThan(30_000 * 0.8);
  });

  it.each([
    ['PATCHBAY_SNS_REQUEST_TIMEOUT_MS', 'abc'],
    ['PATCHBAY_SNS_REQUEST_TIMEOUT_MS', '0'],
    ['PATCHBAY_SNS_CONNECTION_TIMEOUT_MS', '1.5'],
    ['PATCHBAY_SNS_RETRY_BASE_DELAY_MS', '-1'],
    ['PATCHBAY_SNS_THROTTLING_BASE_DELAY_MS', '60001'],
  ])('refuses %s=%s with INVALID_CONFIGURATION', (variable, value) => {
    // Act
    const create = () => createSnsClient({ [variable]: value });

    // Assess
    expect(create).toThrow(expect.objectContaining({ name: 'InvalidConfigurationError', code: 'INVALID_CONFIGURATION', variable }));
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

describe('Function: createSnsClient (real SDK, requests recorded by a 127.0.0.1 server)', () => {
  /** What the server answers next: a Publish response, a 500, or nothing at all (a hung connection). */
  let behaviour: 'ok' | 'error-500' | 'hang' = 'ok';
  let bodies: string[] = [];
  let server: http.Server;
  let endpoint: string;
  const clients: SNSClient[] = [];
  const client = (env: Record<string, string> = {}) => {
    const created = createSnsClient({ AWS_ENDPOINT_URL_SNS: endpoint, PATCHBAY_SNS_RETRY_BASE_DELAY_MS: '1', ...env });
    clients.push(created);
    return created;
  };
  const params = (body: string) => new URLSearchParams(body);

  beforeAll(async () => {
    server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        bodies.push(Buffer.concat(chunks).toString('utf8'));
        if (behaviour === 'hang') return; // never answer
        if (behaviour === 'error-500') {
          response.writeHead(500, { 'content-type': 'text/xml' });
          response.end('<ErrorResponse><Error><Type>Receiver</Type><Code>InternalError</Code><Message>simulated</Message></Error><RequestId>r</RequestId></ErrorResponse>');
          return;
        }
        response.writeHead(200, { 'content-type': 'text/xml' });
        response.end(`<PublishResponse><PublishResult><MessageId>m-${bodies.length}</MessageId></PublishResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></PublishResponse>`);
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const created of clients) created.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  beforeEach(() => {
    behaviour = 'ok';
    bodies = [];
  });

  it('publishes lone surrogates in subject, message and attributes as U+FFFD, and the next request is clean', async () => {
    // Prepare
    const lone = JSON.parse('"a\\ud800b\\udfffc"') as string;
    const sns = client();
    const bad: Notification = { subject: `S ${lone}`, message: `M ${lone}`, messageAttributes: { source: { DataType: 'String', StringValue: lone } } };

    // Act
    const first = await publishNotification(sns, TOPIC_ARN, bad);
    const second = await publishNotification(sns, TOPIC_ARN, notification);

    // Assess
    expect(first.messageId).toBe('m-1');
    expect(first.request).toEqual(expect.objectContaining({ Subject: 'S a\uFFFDb\uFFFDc', Message: 'M a\uFFFDb\uFFFDc' }));
    expect(params(bodies[0]!).getAll('Message')).toEqual(['M a\uFFFDb\uFFFDc']);
    expect(params(bodies[0]!).get('MessageAttributes.entry.1.Value.StringValue')).toBe('a\uFFFDb\uFFFDc');
    expect(params(bodies[1]!).getAll('Message')).toEqual([notification.message]);
    expect(params(bodies[1]!).getAll('Subject')).toEqual([notification.subject]);
    expect(second.messageId).toBe('m-2');
  });

  it('makes any command input well-formed, not only what publishNotification builds', async () => {
    // Prepare
    const sns = client();

    // Act
    await sns.send(new PublishCommand({ TopicArn: TOPIC_ARN, Message: JSON.parse('"\\udc00 raw"') as string }));

    // Assess
    expect(params(bodies[0]!).getAll('Message')).toEqual(['\uFFFD raw']);
  });

  it('never lets a request that failed while being serialized prefix the next request', async () => {
    // Prepare: a value whose conversion to text throws half-way through the serializer's body
    class Unprintable {
      toString(): string {
        throw new Error('cannot print');
      }
    }
    const sns = client();

    // Act
    const failed = sns.send(new PublishCommand({ TopicArn: TOPIC_ARN, Subject: 'first', Message: new Unprintable() as unknown as string }));
    await expect(failed).rejects.toThrow('cannot print');
    await publishNotification(sns, TOPIC_ARN, notification);

    // Assess
    expect(bodies).toHaveLength(1);
    expect(bodies[0]!.startsWith('Action=Publish&Version=2010-03-31&')).toBe(true);
    expect(params(bodies[0]!).getAll('Subject')).toEqual([notification.subject]);
    expect(params(bodies[0]!).getAll('Message')).toEqual([notification.message]);
  });

  it('gives every publish its 5 attempts in a long outage (no retry quota running dry)', async () => {
    // Prepare: 40 publishes x 4 retries = 160 retries, far beyond the standard strategy's quota (500 / 14 = 35)
    behaviour = 'error-500';
    const sns = client();

    // Act
    const outcomes = await Promise.allSettled(Array.from({ length: 40 }, () => publishNotification(sns, TOPIC_ARN, notification)));

    // Assess
    const attempts = outcomes.map((outcome) => (outcome.status === 'rejected' ? (outcome.reason as { attempts?: number }).attempts : 0));
    expect(attempts).toEqual(Array.from({ length: 40 }, () => 5));
    expect(bodies).toHaveLength(200);
  });

  it('fails a hung request with TimeoutError after its request timeout, on each of the 5 attempts', async () => {
    // Prepare
    behaviour = 'hang';
    const sns = client({ PATCHBAY_SNS_REQUEST_TIMEOUT_MS: '50' });

    // Act
    const publish = publishNotification(sns, TOPIC_ARN, notification);

    // Assess
    await expect(publish).rejects.toEqual(expect.objectContaining({ name: 'PublishError', awsErrorName: 'TimeoutError', attempts: 5 }));
    expect(bodies).toHaveLength(5);
  }, 10_000); // without a request timeout the publish would wait forever

});

describe('Class: PublishRetryStrategy', () => {
  const info = (errorType: 'TRANSIENT' | 'THROTTLING' | 'SERVER_ERROR' | 'CLIENT_ERROR', retryAfterHint?: Date) => ({ errorType, retryAfterHint });

  it('retries transient and throttling errors with full-jitter exponential backoff, up to maxAttempts', async () => {
    // Prepare
    const strategy = new PublishRetryStrategy({ random: () => 0.5 });
    let token = await strategy.acquireInitialRetryToken();

    // Act
    const delays: number[] = [];
    for (let retry = 0; retry < 4; retry += 1) {
      token = await strategy.refreshRetryTokenForRetry(token, info(retry % 2 ? 'THROTTLING' : 'TRANSIENT'));
      delays.push(token.getRetryDelay());
    }

    // Assess
    expect(delays).toEqual([50, 500, 200, 2000]); // 0.5 x 100, 0.5 x 500 x 2, 0.5 x 100 x 4, 0.5 x 500 x 8
    expect(token.getRetryCount()).toBe(4);
    await expect(strategy.refreshRetryTokenForRetry(token, info('TRANSIENT'))).rejects.toThrow('5 attempts made');
  });

  it.each(['CLIENT_ERROR', 'SERVER_ERROR'] as const)('does not retry %s', async (errorType) => {
    // Prepare
    const strategy = new PublishRetryStrategy();

    // Act
    const refresh = strategy.refreshRetryTokenForRetry(await strategy.acquireInitialRetryToken(), info(errorType));

    // Assess
    await expect(refresh).rejects.toThrow(`not retried: ${errorType}`);
  });

  it('never runs out: the 1,000th failing request still gets all its retries', async () => {
    // Prepare
    const strategy = new PublishRetryStrategy({ random: () => 0 });

    // Act
    let retries = 0;
    for (let request = 0; request < 1000; request += 1) {
      let token = await strategy.acquireInitialRetryToken();
      for (;;) {
        try {
          token = await strategy.refreshRetryTokenForRetry(token, info('TRANSIENT'));
          retries += 1;
        } catch {
          break;
        }
      }
    }

    // Assess
    expect(retries).toBe(4000);
  });

  it('honours a Retry-After hint up to maxDelayMs', async () => {
    // Prepare
    const strategy = new PublishRetryStrategy({ random: () => 0 });

    // Act
    const token = await strategy.refreshRetryTokenForRetry(await strategy.acquireInitialRetryToken(), info('THROTTLING', new Date(Date.now() + 60_000)));

    // Assess
    expect(token.getRetryDelay()).toBe(5_000);
  });

  it('refuses options out of range', () => {
    // Act
    const create = () => new PublishRetryStrategy({ maxAttempts: 0 });

    // Assess
    expect(create).toThrow(new RangeError('PublishRetryStrategy: maxAttempts must be an integer from 1 to 10, found 0'));
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

  it('creates a .fifo name as a FIFO topic without content-based deduplication', async () => {
    // Prepare
    sns.on(CreateTopicCommand).resolves({ TopicArn: 'arn:aws:sns:us-east-1:000000000000:patchbay-test-audit.fifo' });

    // Act
    await ensureTopic(new SNSClient({ region: 'us-east-1' }), 'patchbay-test-audit.fifo');

    // Assess
    expect(sns.commandCalls(CreateTopicCommand)[0]!.args[0].input).toEqual({
      Name: 'patchbay-test-audit.fifo',
      Attributes: { FifoTopic: 'true', ContentBasedDeduplication: 'false' },
    });
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

describe('Function: fifoMessageIds', () => {
  it('gives one deduplication ID per (rule, target, event id): 64 hex characters, the rule as group', () => {
    // Act
    const ids = [
      fifoMessageIds('r', 't', 'e-1'),
      fifoMessageIds('r', 't', 'e-1'),
      fifoMessageIds('r', 't', 'e-2'),
      fifoMessageIds('r', 't-2', 'e-1'),
      fifoMessageIds('r-2', 't', 'e-1'),
    ];

    // Assess
    expect(ids[0]).toEqual({ groupId: 'r', deduplicationId: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(ids[1]).toEqual(ids[0]);
    expect(new Set(ids.map((id) => id.deduplicationId)).size).toBe(4);
  });

  it('hashes the content when the event has no id', () => {
    // Act
    const [a, b, c] = [fifoMessageIds('r', 't', undefined, 'x'), fifoMessageIds('r', 't', undefined, 'x'), fifoMessageIds('r', 't', undefined, 'y')];

    // Assess
    expect(a).toEqual(b);
    expect(a.deduplicationId).not.toBe(c.deduplicationId);
  });

  it('puts the ids into the Publish request', () => {
    // Act
    const request = createPublishRequest(TOPIC_ARN, notification, { groupId: 'g', deduplicationId: 'd' });

    // Assess
    expect(request).toEqual(expect.objectContaining({ MessageGroupId: 'g', MessageDeduplicationId: 'd' }));
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
