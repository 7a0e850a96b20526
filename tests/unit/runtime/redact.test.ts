/**
 * Secrets never leave the function: planted in real CloudTrail samples of the corpus, they appear in no byte that
 * leaves processEvent (SNS Publish requests, every log line, the dry-run printout), even when a rule selects them.
 */
import fs from 'node:fs';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { processEvent, type RoutingManifest, type RuntimeLogger } from '../../../src/runtime';
import { createRedactor, REDACTED } from '../../../src/runtime/redact';
import { sharedPath } from '../../support/shared';

const corpus = (file: string) => JSON.parse(fs.readFileSync(sharedPath('events-corpus', file), 'utf8')) as Record<string, any>;

const SECRETS = ['PLANTED-password-1', 'PLANTED-session-token-2', 'PLANTED-secret-key-3', 'PLANTED-secret-string-4', 'PLANTED-private-key-5', 'PLANTED-user-data-6', 'PLANTED-new-password-7'];

/** A CreateRole call (real corpus event) and a console sign-in, with secrets where such calls carry them. */
function plantedEvents(): Record<string, any>[] {
  const createRole = corpus('cloudtrail-api-call/iam-createrole-iamuser.json');
  createRole.detail.requestParameters = { ...createRole.detail.requestParameters, password: SECRETS[0], userData: SECRETS[5], nested: [{ PrivateKey: SECRETS[4] }] };
  createRole.detail.responseElements = { ...(createRole.detail.responseElements ?? {}), credentials: { sessionToken: SECRETS[1], accessKeyId: 'ASIAINSIDECREDENTIALS' }, accessKey: { accessKeyId: 'AKIAEXAMPLEKEEPME', secretAccessKey: SECRETS[2] } };
  const signIn = corpus('console-signin/docs-eb-root-success.json');
  signIn.detail.requestParameters = { SecretString: SECRETS[3], newPassword: SECRETS[6] };
  return [createRole, signIn];
}

function manifest(): RoutingManifest {
  return {
    version: 1,
    service: 'patchbay',
    stage: 'test',
    function: 'notify',
    redact: { keys: ['userData'] },
    rules: [
      {
        name: 'everything',
        bus: 'default',
        pattern: { source: ['aws.iam', 'aws.signin'] },
        // A careless rule that selects the whole request and response: the secrets still stay in.
        targets: [{ id: 'notify', function: 'notify', select: { request: 'detail.requestParameters', response: 'detail.responseElements', password: 'detail.requestParameters.password' }, notify: { topic: 'security', subject: 'x {password}' } }],
      },
    ],
    topics: { security: { arnEnv: 'PATCHBAY_TOPIC_ARN_SECURITY', name: 'patchbay-test-security' } },
  };
}

function recordingLogger(lines: string[]): RuntimeLogger {
  const log = (message: string, ...extra: unknown[]) => void lines.push(JSON.stringify([message, ...extra], (_k, v: unknown) => (v instanceof Error ? { message: v.message, stack: v.stack } : v)));
  return { debug: log, info: log, warn: log, error: log };
}

describe('Redaction: what leaves the notify function', () => {
  const sns = mockClient(SNSClient);
  afterAll(() => sns.restore());
  beforeEach(() => {
    sns.reset();
    sns.on(PublishCommand).resolves({ MessageId: 'm' });
  });

  it.each([
    ['published', { AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_REGION: 'us-east-1', PATCHBAY_TOPIC_ARN_SECURITY: 'arn:aws:sns:us-east-1:123456789012:t' }],
    ['dry run', { PATCHBAY_DRY_RUN: 'true', AWS_REGION: 'us-east-1' }],
  ])('carries no planted secret in any byte (%s: SNS requests, log lines, printout)', async (_mode, env) => {
    // Prepare
    const lines: string[] = [];
    const printed: string[] = [];

    // Act
    const results = [];
    for (const event of plantedEvents()) results.push(...(await processEvent(event, { manifest: manifest(), snsClient: new SNSClient({ region: 'us-east-1' }), logger: recordingLogger(lines), env, print: (text) => void printed.push(text) })));

    // Assess
    const leaving = [JSON.stringify(sns.commandCalls(PublishCommand).map((call) => call.args[0].input)), ...lines, ...printed, JSON.stringify(results)].join('\n');
    expect(results).toHaveLength(2);
    expect(leaving.length).toBeGreaterThan(1000);
    for (const secret of SECRETS) expect(leaving).not.toContain(secret);
    expect(leaving).toContain(REDACTED);
    expect(leaving).toContain('AKIAEXAMPLEKEEPME'); // an access key id is not a secret, and helps the reader
    expect(leaving).not.toContain('ASIAINSIDECREDENTIALS'); // STS credentials go whole
  });
});

describe('Function: createRedactor', () => {
  it('replaces default secret keys anywhere, configured keys and paths, and leaves the input as it was', () => {
    // Prepare
    const event = { detail: { requestParameters: { password: 'p', userPassword: 'q', secretId: 'keep', list: [{ clientSecret: 's' }] }, other: { tags: 't' } } };
    const before = JSON.stringify(event);

    // Act
    const out = createRedactor({ paths: ['detail.other.tags'] }).redact(event);

    // Assess
    expect(out).toEqual({ detail: { requestParameters: { password: REDACTED, userPassword: REDACTED, secretId: 'keep', list: [{ clientSecret: REDACTED }] }, other: { tags: REDACTED } } });
    expect(JSON.stringify(event)).toBe(before);
  });

  it('returns the very same object when there is nothing to redact', () => {
    const event = { detail: { a: [1, { b: 'c' }] } };
    expect(createRedactor().redact(event)).toBe(event);
  });
});
