/**
 * The starter rules patchbay ships in `patterns/`, by rule name -> pattern file. Catalog-content tests check the
 * starter rules that are present: a user who deletes or adds rules never breaks them.
 */
import fs from 'node:fs';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../..');

export const STARTER_RULES: Readonly<Record<string, string>> = {
  'cloudtrail-trail-changed': 'patterns/cloudtrail/trail-changed.yml',
  'config-rule-non-compliant': 'patterns/config/rule-non-compliant.yml',
  'dynamodb-delete-table': 'patterns/dynamodb/delete-table.yml',
  'ec2-instance-stopped-or-terminated': 'patterns/ec2/instance-stopped-or-terminated.yml',
  'ec2-security-group-open-to-world': 'patterns/ec2/security-group-open-to-world.yml',
  'iam-policy-attached': 'patterns/iam/policy-attached.yml',
  'kms-key-deletion-scheduled': 'patterns/kms/key-deletion-scheduled.yml',
  's3-bucket-permissions-changed': 'patterns/s3/bucket-permissions-changed.yml',
  'signin-failed-sign-in': 'patterns/signin/failed-sign-in.yml',
  'signin-root-sign-in': 'patterns/signin/root-sign-in.yml',
};

/** The starter rules whose pattern file is still in `rootDir` (default: this repository), sorted. */
export function presentStarterRules(rootDir = REPO_ROOT): string[] {
  return Object.keys(STARTER_RULES)
    .filter((name) => fs.existsSync(path.join(rootDir, STARTER_RULES[name])))
    .sort();
}
