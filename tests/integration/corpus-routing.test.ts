/**
 * Every event of the shared corpus (../shared/events-corpus: real public samples, see its SOURCES.md) routed
 * through the shipped catalog exactly as the deployed `notify` function routes it (buildManifest + processEvent,
 * dry run), against a hand-written table: which starter rules must notify each file. Files not in the table must
 * notify no starter rule. The table was written by reading the events, not by running the code.
 *
 * Only the starter rules present in patterns/ are judged (tests/support/starter-rules.ts): rules a user adds may
 * notify any corpus event, and a starter rule a user deletes drops out of the table.
 *
 * The corpus must exist (it always does in CI). Without it this suite fails, unless PATCHBAY_NO_SHARED=1 says
 * to skip it on purpose.
 */
import fs from 'node:fs';
import path from 'node:path';
import { buildManifest, type Catalog } from '../../src/catalog';
import { loadProject, targetedFunctions } from '../../src/cli/project';
import { createSnsClient, InvalidInputError, processEvent, type RoutingManifest } from '../../src/runtime';
import { presentStarterRules, STARTER_RULES } from '../support/starter-rules';

const REPO = path.resolve(__dirname, '../..');
const SHARED = path.resolve(__dirname, '../../../shared');
const CORPUS = path.join(SHARED, 'events-corpus');
const SKIP = process.env.PATCHBAY_NO_SHARED === '1';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** Fail (never skip silently) when the corpus is missing. */
function requireCorpus(): void {
  if (!fs.existsSync(CORPUS)) {
    throw new Error(
      `The shared event corpus is missing: ${CORPUS} (resolved from the repository root as ../shared/events-corpus). ` +
        'It always exists in CI. To skip this suite on purpose, set PATCHBAY_NO_SHARED=1.',
    );
  }
}

/**
 * Corpus file -> the rules that must notify it. Every other file: none.
 * Reasons are given where a near miss is the point.
 */
const EXPECTED: Record<string, string[]> = {
  // CloudTrail: StopLogging / DeleteTrail succeeded (no errorCode).
  'cloudtrail-api-call/cloudtrail-stoplogging-console-iamuser.json': ['cloudtrail-trail-changed'],
  'cloudtrail-records/stratus-cloudtrail-stoplogging.json': ['cloudtrail-trail-changed'],
  'cloudtrail-records/stratus-cloudtrail-deletetrail.json': ['cloudtrail-trail-changed'],
  // UpdateTrail failed with TrailNotFoundException: nothing changed, the rule excludes failed calls.
  'cloudtrail-records/cloudtrail-updatetrail-error-trailnotfound.json': [],

  // Security group ingress: 0.0.0.0/0 and ::/0 on TCP port 55 only: the pattern matches, the port filter does not.
  'cloudtrail-api-call/ec2-authorizesecuritygroupingress-0.0.0.0-0-port55.json': [],
  // Flat CidrIp form, TCP 22; the anonymizer wrote 0.0.0.0/0 as "208.236.235.254/0", which is still a /0 network.
  'cloudtrail-records/stratus-ec2-authorizesecuritygroupingress-port22.json': ['ec2-security-group-open-to-world'],

  // IAM: AttachRolePolicy / AttachUserPolicy / PutRolePolicy succeeded.
  'cloudtrail-api-call/iam-attachrolepolicy-assumedrole.json': ['iam-policy-attached'],
  'cloudtrail-api-call/iam-putrolepolicy-iamuser.json': ['iam-policy-attached'],
  'cloudtrail-records/stratus-iam-attachrolepolicy.json': ['iam-policy-attached'],
  'cloudtrail-records/stratus-iam-attachuserpolicy-admin.json': ['iam-policy-attached'],
  // DetachRolePolicy, CreateRole, CreateUser, DeleteRolePermissionsBoundary: not an attachment.
  'cloudtrail-api-call/iam-detachrolepolicy-iamuser.json': [],

  // Console sign-in: failures (IAM user or root) and successful root sign-ins. IAM-user successes: nothing.
  'cloudtrail-records/consolelogin-iamuser-failure.json': ['signin-failed-sign-in'],
  'cloudtrail-records/consolelogin-iamuser-failure-iam-guide.json': ['signin-failed-sign-in'],
  'cloudtrail-records/consolelogin-root-failure.json': ['signin-failed-sign-in'],
  'cloudtrail-records/consolelogin-root-success.json': ['signin-root-sign-in'],
  'console-signin/docs-eb-root-success.json': ['signin-root-sign-in'],
  'cloudtrail-records/consolelogin-iamuser-success.json': [],
  'cloudtrail-records/stratus-consolelogin-iamuser-nomfa.json': [],

  'cloudtrail-records/dynamodb-deletetable-assumedrole.json': ['dynamodb-delete-table'],
  'cloudtrail-records/kms-schedulekeydeletion.json': ['kms-key-deletion-scheduled'],
  // "KMS CMK Deletion" is the deletion itself, at the end of the waiting period, not the ScheduleKeyDeletion call.
  'other-aws/kms-cmk-deletion.json': [],
  'cloudtrail-records/s3-putbucketacl.json': ['s3-bucket-permissions-changed'],

  // EC2 state changes: stopped and terminated notify; pending and running do not.
  'ec2-state-change/docs-eb-stopped-no-version.json': ['ec2-instance-stopped-or-terminated'],
  'ec2-state-change/docs-eb-terminated.json': ['ec2-instance-stopped-or-terminated'],
  'ec2-state-change/docs-eb-pending-no-version.json': [],
  'ec2-state-change/docs-lambda-running.json': [],

  // AWS Config: NON_COMPLIANT results notify, COMPLIANT and configuration-item changes do not.
  'config/nzism-compliance-change-noncompliant-loggroup-retention.json': ['config-rule-non-compliant'],
  'config/realcapture-compliance-change-noncompliant-s3-requiredtags.json': ['config-rule-non-compliant'],
  'config/nzism-compliance-change-compliant-lambda-public-access.json': [],

  // An ECS event whose detail has an eventName: only rules without a source would match it.
  'other-aws/ecs-service-action-steady-state-has-eventName.json': [],
};

/** Files the runtime rejects as input (not an EventBridge event: detail-type is an array). */
const REJECTED = new Set([
  'nonconforming/auth0-detailtype-array-serverless-patterns.json',
  'nonconforming/shopify-detailtype-array-serverless-patterns.json',
]);

/**
 * Every *.json event of the corpus, corpus-relative, sorted. `cloudtrail-log-files/` holds whole CloudTrail log
 * files (`{"Records": [...]}`, some malformed on purpose), not events: the CloudTrail converter's tests read them.
 */
function listCorpus(): string[] {
  return fs
    .readdirSync(CORPUS, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.json') && !file.startsWith(`cloudtrail-log-files${path.sep}`))
    .map((file) => file.split(path.sep).join('/'))
    .sort();
}

/**
 * A bare CloudTrail record (cloudtrail-records/) as EventBridge would deliver it: source `aws.<service>` from its
 * eventSource, detail-type `AWS Console Sign In via CloudTrail` for signin.amazonaws.com, `AWS API Call via
 * CloudTrail` otherwise (`AWS Insight via CloudTrail` from aws.cloudtrail for Insights records, which have no
 * eventSource).
 */
function wrapCloudTrailRecord(record: Record<string, unknown>): Record<string, unknown> {
  const eventSource = typeof record.eventSource === 'string' ? record.eventSource : undefined;
  const service = eventSource ? eventSource.replace(/\.amazonaws\.com$/, '') : 'cloudtrail';
  const detailType =
    record.eventType === 'AwsCloudTrailInsight'
      ? 'AWS Insight via CloudTrail'
      : eventSource === 'signin.amazonaws.com'
        ? 'AWS Console Sign In via CloudTrail'
        : 'AWS API Call via CloudTrail';
  const identity = (record.userIdentity ?? {}) as Record<string, unknown>;
  return {
    version: '0',
    id: typeof record.eventID === 'string' ? record.eventID : '00000000-0000-4000-8000-000000000000',
    'detail-type': detailType,
    source: `aws.${service}`,
    account: record.recipientAccountId ?? identity.accountId ?? '000000000000',
    time: record.eventTime ?? '1970-01-01T00:00:00Z',
    region: record.awsRegion ?? 'us-east-1',
    resources: [],
    detail: record,
  };
}

function loadCorpusEvent(file: string): unknown {
  const json = JSON.parse(fs.readFileSync(path.join(CORPUS, file), 'utf8')) as Record<string, unknown>;
  return file.startsWith('cloudtrail-records/') ? wrapCloudTrailRecord(json) : json;
}

/** The rules that notify for `event` (pattern matched and the target's filter passed), over every function. */
async function notifiedRules(event: unknown, manifests: readonly RoutingManifest[]): Promise<string[]> {
  const env = { PATCHBAY_DRY_RUN: 'true', AWS_REGION: 'us-east-1' };
  const snsClient = createSnsClient(env);
  try {
    const rules = new Set<string>();
    for (const manifest of manifests) {
      const results = await processEvent(event, { manifest, snsClient, env, print: () => {} });
      for (const result of results) if (result.status !== 'filtered-out') rules.add(result.rule);
    }
    return [...rules].sort();
  } finally {
    snsClient.destroy();
  }
}

const suite = SKIP ? describe.skip : describe;

const present = new Set(presentStarterRules());

suite('Corpus routing through the starter rules present in the shipped catalog', () => {
  let catalog: Catalog;
  let manifests: RoutingManifest[];

  beforeAll(async () => {
    ({ catalog } = await loadProject(REPO));
    manifests = targetedFunctions(catalog).map((functionName) =>
      buildManifest(catalog, { service: catalog.config.service, stage: 'test', functionName }),
    );
  });

  it('finds the shared event corpus', () => {
    // Assess
    requireCorpus();
    expect(listCorpus().length).toBeGreaterThanOrEqual(70);
  });

  it('names only corpus files and starter rules in the expectation table', () => {
    // Prepare
    requireCorpus();
    const files = new Set(listCorpus());
    const rules = new Set(Object.keys(STARTER_RULES));

    // Assess
    expect(Object.keys(EXPECTED).filter((file) => !files.has(file))).toEqual([]);
    expect([...REJECTED].filter((file) => !files.has(file))).toEqual([]);
    expect([...new Set(Object.values(EXPECTED).flat())].filter((rule) => !rules.has(rule))).toEqual([]);
  });

  it('notifies exactly the expected rules for every corpus file', async () => {
    // Prepare
    requireCorpus();
    const files = listCorpus();

    // Act
    const actual: Record<string, string[] | 'rejected'> = {};
    for (const file of files) {
      try {
        actual[file] = (await notifiedRules(loadCorpusEvent(file), manifests)).filter((rule) => present.has(rule));
      } catch (error) {
        if (!(error instanceof InvalidInputError)) throw error;
        actual[file] = 'rejected';
      }
    }

    // Assess
    const expected = Object.fromEntries(
      files.map((file) => [file, REJECTED.has(file) ? 'rejected' : [...(EXPECTED[file] ?? [])].filter((rule) => present.has(rule)).sort()]),
    );
    expect(actual).toEqual(expected);
  });

  it('has every starter rule notified by at least one real corpus event', () => {
    // Assess
    const covered = new Set(Object.values(EXPECTED).flat());
    expect(Object.keys(STARTER_RULES).filter((name) => !covered.has(name))).toEqual([]);
    expect(catalog.rules.map((rule) => rule.name).filter((name) => present.has(name)).sort()).toEqual([...present].sort());
  });
});
