/**
 * The starter rules patchbay ships in `patterns/`, by rule name -> pattern file. Catalog-content tests check the
 * starter rules that are present: a user who deletes or adds rules never breaks them.
 */
import fs from 'node:fs';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../..');

export const STARTER_RULES: Readonly<Record<string, string>> = {
  'cis-4-1-unauthorized-api-calls': 'patterns/cis/4-1-unauthorized-api-calls.yml',
  'cis-4-10-security-group-changes': 'patterns/cis/4-10-security-group-changes.yml',
  'cis-4-11-network-acl-changes': 'patterns/cis/4-11-network-acl-changes.yml',
  'cis-4-12-network-gateway-changes': 'patterns/cis/4-12-network-gateway-changes.yml',
  'cis-4-13-route-table-changes': 'patterns/cis/4-13-route-table-changes.yml',
  'cis-4-14-vpc-changes': 'patterns/cis/4-14-vpc-changes.yml',
  'cis-4-15-organizations-changes': 'patterns/cis/4-15-organizations-changes.yml',
  'cis-4-16-security-hub-changes': 'patterns/cis/4-16-security-hub-changes.yml',
  'cis-4-2-console-sign-in-without-mfa': 'patterns/cis/4-2-console-sign-in-without-mfa.yml',
  'cis-4-3-root-account-usage': 'patterns/cis/4-3-root-account-usage.yml',
  'cis-4-4-iam-policy-changes': 'patterns/cis/4-4-iam-policy-changes.yml',
  'cis-4-5-cloudtrail-changes': 'patterns/cis/4-5-cloudtrail-changes.yml',
  'cis-4-6-console-authentication-failures': 'patterns/cis/4-6-console-authentication-failures.yml',
  'cis-4-7-kms-key-disabled-or-deletion-scheduled': 'patterns/cis/4-7-kms-key-disabled-or-deletion-scheduled.yml',
  'cis-4-8-s3-bucket-policy-changes': 'patterns/cis/4-8-s3-bucket-policy-changes.yml',
  'cis-4-9-config-changes': 'patterns/cis/4-9-config-changes.yml',
  'config-rule-non-compliant': 'patterns/config/rule-non-compliant.yml',
  'detections-access-analyzer-public-or-cross-account': 'patterns/detections/access-analyzer-public-or-cross-account.yml',
  'detections-ebs-default-encryption-disabled': 'patterns/detections/ebs-default-encryption-disabled.yml',
  'detections-guardduty-detector-disabled': 'patterns/detections/guardduty-detector-disabled.yml',
  'detections-guardduty-finding-high': 'patterns/detections/guardduty-finding-high.yml',
  'detections-guardduty-finding-medium': 'patterns/detections/guardduty-finding-medium.yml',
  'detections-health-issue': 'patterns/detections/health-issue.yml',
  'detections-iam-access-key-created': 'patterns/detections/iam-access-key-created.yml',
  'detections-iam-administrator-access-attached': 'patterns/detections/iam-administrator-access-attached.yml',
  'detections-iam-identity-provider-changed': 'patterns/detections/iam-identity-provider-changed.yml',
  'detections-iam-login-profile-changed': 'patterns/detections/iam-login-profile-changed.yml',
  'detections-lambda-function-publicly-invokable': 'patterns/detections/lambda-function-publicly-invokable.yml',
  'detections-opt-in-region-enabled': 'patterns/detections/opt-in-region-enabled.yml',
  'detections-s3-block-public-access-weakened': 'patterns/detections/s3-block-public-access-weakened.yml',
  'detections-secrets-manager-get-secret-value-burst': 'patterns/detections/secrets-manager-get-secret-value-burst.yml',
  'detections-secrets-manager-get-secret-value-by-user': 'patterns/detections/secrets-manager-get-secret-value-by-user.yml',
  'detections-security-hub-finding-critical-or-high': 'patterns/detections/security-hub-finding-critical-or-high.yml',
  'detections-snapshot-or-ami-shared': 'patterns/detections/snapshot-or-ami-shared.yml',
  'detections-vpc-flow-logs-deleted': 'patterns/detections/vpc-flow-logs-deleted.yml',
  'dynamodb-delete-table': 'patterns/dynamodb/delete-table.yml',
  'ec2-instance-stopped-or-terminated': 'patterns/ec2/instance-stopped-or-terminated.yml',
  'ec2-security-group-open-to-world': 'patterns/ec2/security-group-open-to-world.yml',
  'self-protection-cloudtrail-trail-stopped': 'patterns/self-protection/cloudtrail-trail-stopped.yml',
  'self-protection-eventbridge-bus-changed': 'patterns/self-protection/eventbridge-bus-changed.yml',
  'self-protection-eventbridge-rule-changed': 'patterns/self-protection/eventbridge-rule-changed.yml',
  'self-protection-sns-topic-changed': 'patterns/self-protection/sns-topic-changed.yml',
};

/** The starter rules whose pattern file is still in `rootDir` (default: this repository), sorted. */
export function presentStarterRules(rootDir = REPO_ROOT): string[] {
  return Object.keys(STARTER_RULES)
    .filter((name) => fs.existsSync(path.join(rootDir, STARTER_RULES[name])))
    .sort();
}
