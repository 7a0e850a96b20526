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
  // CloudTrail: StopLogging / DeleteTrail succeeded (no errorCode) on trails that are not patchbay's (CIS 4.5).
  'cloudtrail-api-call/cloudtrail-stoplogging-console-iamuser.json': ['cis-4-5-cloudtrail-changes'],
  'cloudtrail-records/stratus-cloudtrail-stoplogging.json': ['cis-4-5-cloudtrail-changes'],
  'cloudtrail-records/stratus-cloudtrail-deletetrail.json': ['cis-4-5-cloudtrail-changes'],
  // UpdateTrail failed with TrailNotFoundException: nothing changed; not a refusal either (CIS 4.1 takes AccessDenied*
  // and *UnauthorizedOperation only).
  'cloudtrail-records/cloudtrail-updatetrail-error-trailnotfound.json': [],

  // Security group ingress: a successful AuthorizeSecurityGroupIngress is a CIS 4.10 change, unless it opens SSH, RDP
  // or all traffic to a /0 network: then ec2-security-group-open-to-world reports it instead. 0.0.0.0/0 and ::/0 on
  // TCP port 55 only: open-to-world's pattern matches, its port filter does not, so 4.10 notifies.
  'cloudtrail-api-call/ec2-authorizesecuritygroupingress-0.0.0.0-0-port55.json': ['cis-4-10-security-group-changes'],
  // Flat CidrIp form, TCP 22; the anonymizer wrote 0.0.0.0/0 as "208.236.235.254/0", which is still a /0 network.
  'cloudtrail-records/stratus-ec2-authorizesecuritygroupingress-port22.json': ['ec2-security-group-open-to-world'],
  // RunInstances refused with Client.UnauthorizedOperation: CIS 4.1.
  'cloudtrail-records/stratus-ec2-runinstances-unauthorizedoperation.json': ['cis-4-1-unauthorized-api-calls'],
  // LeaveOrganization refused (AccessDenied): a refusal (4.1), not an Organizations change (4.15 takes successes).
  'cloudtrail-records/stratus-organizations-leaveorganization-accessdenied.json': ['cis-4-1-unauthorized-api-calls'],

  // IAM (CIS 4.4): AttachRolePolicy / PutRolePolicy / DetachRolePolicy succeeded.
  'cloudtrail-api-call/iam-attachrolepolicy-assumedrole.json': ['cis-4-4-iam-policy-changes'],
  'cloudtrail-api-call/iam-putrolepolicy-iamuser.json': ['cis-4-4-iam-policy-changes'],
  'cloudtrail-api-call/iam-detachrolepolicy-iamuser.json': ['cis-4-4-iam-policy-changes'],
  // AttachUserPolicy / AttachRolePolicy of arn:aws:iam::aws:policy/AdministratorAccess: 4.4's filter leaves them to the
  // AdministratorAccess detection.
  'cloudtrail-records/stratus-iam-attachuserpolicy-admin.json': ['detections-iam-administrator-access-attached'],
  'cloudtrail-records/stratus-iam-attachrolepolicy.json': ['detections-iam-administrator-access-attached'],
  // CreateRole, CreateUser, DeleteRolePermissionsBoundary: not in the benchmark's list of policy calls.
  'cloudtrail-api-call/iam-createrole-iamuser.json': [],

  // Console sign-in: failures of IAM users (4.6, whatever the error message); the root user's sign-ins, successful
  // or failed (4.3); IAM users' successes without MFA (4.2).
  'cloudtrail-records/consolelogin-iamuser-failure.json': ['cis-4-6-console-authentication-failures'],
  'cloudtrail-records/consolelogin-iamuser-failure-iam-guide.json': ['cis-4-6-console-authentication-failures'],
  'cloudtrail-records/consolelogin-root-failure.json': ['cis-4-3-root-account-usage'],
  'cloudtrail-records/consolelogin-root-success.json': ['cis-4-3-root-account-usage'],
  'console-signin/docs-eb-root-success.json': ['cis-4-3-root-account-usage'],
  'cloudtrail-records/consolelogin-iamuser-success.json': ['cis-4-2-console-sign-in-without-mfa'],
  'cloudtrail-records/stratus-consolelogin-iamuser-nomfa.json': ['cis-4-2-console-sign-in-without-mfa'],
  // CreateBucket by the root user (no invokedBy): root usage.
  'cloudtrail-api-call/s3-createbucket-root-docs-eb.json': ['cis-4-3-root-account-usage'],

  'cloudtrail-records/dynamodb-deletetable-assumedrole.json': ['dynamodb-delete-table'],
  'cloudtrail-records/kms-schedulekeydeletion.json': ['cis-4-7-kms-key-disabled-or-deletion-scheduled'],
  // "KMS CMK Deletion" is the deletion itself, at the end of the waiting period, not the ScheduleKeyDeletion call.
  'other-aws/kms-cmk-deletion.json': [],
  'cloudtrail-records/s3-putbucketacl.json': ['cis-4-8-s3-bucket-policy-changes'],

  // EC2 state changes: stopped and terminated notify; pending and running do not.
  'ec2-state-change/docs-eb-stopped-no-version.json': ['ec2-instance-stopped-or-terminated'],
  'ec2-state-change/docs-eb-terminated.json': ['ec2-instance-stopped-or-terminated'],
  'ec2-state-change/docs-eb-pending-no-version.json': [],
  'ec2-state-change/docs-lambda-running.json': [],

  // AWS Config: NON_COMPLIANT results notify, COMPLIANT and configuration-item changes do not.
  'config/nzism-compliance-change-noncompliant-loggroup-retention.json': ['config-rule-non-compliant'],
  'config/realcapture-compliance-change-noncompliant-s3-requiredtags.json': ['config-rule-non-compliant'],
  'config/nzism-compliance-change-compliant-lambda-public-access.json': [],

  // ModifyImageAttribute adding launchPermission group "all": the AMI is public. CreateImage: not a sharing call.
  'cloudtrail-api-call/ec2-modifyimageattribute-public-ami.json': ['detections-snapshot-or-ami-shared'],
  'cloudtrail-api-call/ec2-createimage.json': [],

  // GuardDuty sample findings, severity 5, not archived: medium (4 to 6.9).
  'guardduty/custodian-ec2-c2-dns-sample.json': ['detections-guardduty-finding-medium'],
  'guardduty/custodian-iamuser-torcaller-sample.json': ['detections-guardduty-finding-medium'],
  // Security Hub: INFORMATIONAL and MEDIUM findings, a custom action and insight results: none is a CRITICAL/HIGH
  // imported finding.
  'securityhub/asr-findings-imported-afsbp-ec2.7.json': [],
  'securityhub/asr-findings-imported-cis-1.4.json': [],
  'securityhub/custodian-custom-action-guardduty-consolelogin.json': [],
  'securityhub/custodian-insight-results.json': [],
  // Access Analyzer: an ACTIVE finding, bucket readable by account 999988887777 (cross-account, not public).
  'other-aws/access-analyzer-finding.json': ['detections-access-analyzer-public-or-cross-account'],
  // AWS Health: a scheduled change (instance retirement) and an account notification, not issues.
  'health/custodian-ec2-retirement-scheduled.json': [],
  'health/docs-ec2-odcr-underutilization.json': [],
  // CloudTrail Insights on autoscaling and SSM calls: the burst rule takes Secrets Manager insights only.
  'cloudtrail-records/insight-start-apicallrate.json': [],
  'cloudtrail-records/insight-start-ssm-updateinstanceinformation.json': [],

  // An ECS event whose detail has an eventName: only rules without a source would match it (4.1 and 4.3 have none,
  // but require detail-type AWS API Call via CloudTrail / Console Sign In).
  'other-aws/ecs-service-action-steady-state-has-eventName.json': [],
};

/**
 * Starter rules no corpus event notifies, and why: the corpus has no real sample of the call or finding. Their
 * tests use our own samples in events/, written from the documented shapes (see each rule's tests).
 */
const WITHOUT_CORPUS_EVENT: Record<string, string> = {
  'cis-4-9-config-changes': 'no StopConfigurationRecorder / DeleteDeliveryChannel record in the corpus',
  'cis-4-11-network-acl-changes': 'no network ACL call in the corpus',
  'cis-4-12-network-gateway-changes': 'no internet or customer gateway call in the corpus',
  'cis-4-13-route-table-changes': 'no route or route table call in the corpus',
  'cis-4-14-vpc-changes': 'no VPC or peering call in the corpus',
  'cis-4-15-organizations-changes': "the corpus's only Organizations record, LeaveOrganization, was refused (CIS 4.1)",
  'cis-4-16-security-hub-changes': 'no Security Hub configuration call in the corpus',
  'self-protection-eventbridge-rule-changed': 'no EventBridge API call in the corpus',
  'self-protection-eventbridge-bus-changed': 'no EventBridge API call in the corpus',
  'self-protection-sns-topic-changed': 'no SNS API call in the corpus',
  'self-protection-cloudtrail-trail-stopped': "the corpus's trails are not patchbay's (stratus-red-team-*, test-trail)",
  'detections-guardduty-detector-disabled': 'no GuardDuty API call in the corpus',
  'detections-vpc-flow-logs-deleted': 'no DeleteFlowLogs record in the corpus',
  'detections-s3-block-public-access-weakened': 'no S3 Block Public Access call in the corpus',
  'detections-ebs-default-encryption-disabled': 'no DisableEbsEncryptionByDefault record in the corpus',
  'detections-iam-access-key-created': 'no CreateAccessKey record in the corpus',
  'detections-iam-login-profile-changed': 'no CreateLoginProfile / UpdateLoginProfile record in the corpus',
  'detections-iam-identity-provider-changed': 'no SAML or OIDC provider call in the corpus',
  'detections-opt-in-region-enabled': 'no EnableRegion record in the corpus',
  'detections-lambda-function-publicly-invokable': 'no Lambda API call in the corpus',
  'detections-secrets-manager-get-secret-value-burst': "the corpus's Insights events are about autoscaling and SSM",
  'detections-secrets-manager-get-secret-value-by-user': 'no Secrets Manager call in the corpus',
  'detections-guardduty-finding-high': "the corpus's GuardDuty findings are severity 5 (medium)",
  'detections-security-hub-finding-critical-or-high': "the corpus's imported findings are INFORMATIONAL and MEDIUM",
  'detections-health-issue': "the corpus's Health events are a scheduled change and an account notification",
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

  it('has every starter rule notified by at least one real corpus event, but those listed without one', () => {
    // Assess
    const covered = new Set(Object.values(EXPECTED).flat());
    expect(Object.keys(STARTER_RULES).filter((name) => !covered.has(name) && !(name in WITHOUT_CORPUS_EVENT))).toEqual([]);
    expect(Object.keys(WITHOUT_CORPUS_EVENT).filter((name) => covered.has(name) || !(name in STARTER_RULES))).toEqual([]);
    expect(catalog.rules.map((rule) => rule.name).filter((name) => present.has(name)).sort()).toEqual([...present].sort());
  });
});
