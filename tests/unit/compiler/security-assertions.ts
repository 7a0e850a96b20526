/**
 * Security assertions over a CloudFormation template, whoever generated its resources:
 * - no statement allows `Action: "*"` (nor `*` in an action list);
 * - no Allow statement has `Principal: "*"` (or `{ AWS: "*" }`) without an `aws:PrincipalOrgID` or
 *   `aws:PrincipalOrgPaths` condition;
 * - every SNS topic is encrypted (`KmsMasterKeyId`), every SQS queue too (SSE-SQS or KMS);
 * - every S3 bucket is encrypted and blocks public access (all four settings).
 * Statements are found in every property named `PolicyDocument`, `KeyPolicy`, `AssumeRolePolicyDocument`, and in
 * `AWS::Events::EventBusPolicy` `Statement`s.
 */
type Resource = { Type: string; Properties?: Record<string, unknown> };
type Statement = { Effect?: string; Principal?: unknown; Action?: unknown; Condition?: Record<string, Record<string, unknown>> };

const ORG_CONDITION_KEYS = ['aws:PrincipalOrgID', 'aws:PrincipalOrgPaths'];

/** Every problem, as `<logical id>: <problem>`; `[]` when the template passes. */
export function securityProblems(resources: Record<string, Resource>): string[] {
  const problems: string[] = [];
  for (const [id, resource] of Object.entries(resources)) {
    for (const statement of statementsOf(resource)) {
      const actions = Array.isArray(statement.Action) ? statement.Action : [statement.Action];
      if (actions.includes('*')) problems.push(`${id}: a statement allows Action "*"`);
      if (statement.Effect === 'Allow' && isOpenPrincipal(statement.Principal)) {
        const keys = Object.values(statement.Condition ?? {}).flatMap((condition) => Object.keys(condition));
        if (!keys.some((key) => ORG_CONDITION_KEYS.includes(key))) problems.push(`${id}: Principal "*" without an organization condition`);
      }
    }
    const properties = resource.Properties ?? {};
    if (resource.Type === 'AWS::SNS::Topic' && properties.KmsMasterKeyId === undefined) problems.push(`${id}: topic not encrypted`);
    if (resource.Type === 'AWS::SQS::Queue' && properties.SqsManagedSseEnabled !== true && properties.KmsMasterKeyId === undefined) {
      problems.push(`${id}: queue not encrypted`);
    }
    if (resource.Type === 'AWS::S3::Bucket') {
      if (properties.BucketEncryption === undefined) problems.push(`${id}: bucket not encrypted`);
      const block = (properties.PublicAccessBlockConfiguration ?? {}) as Record<string, unknown>;
      for (const setting of ['BlockPublicAcls', 'BlockPublicPolicy', 'IgnorePublicAcls', 'RestrictPublicBuckets']) {
        if (block[setting] !== true) problems.push(`${id}: bucket without ${setting}`);
      }
    }
  }
  return problems;
}

function statementsOf(resource: Resource): Statement[] {
  const properties = resource.Properties ?? {};
  const found: Statement[] = [];
  if (resource.Type === 'AWS::Events::EventBusPolicy') {
    if (properties.Statement) found.push(properties.Statement as Statement);
    if (properties.Principal !== undefined) found.push({ Effect: 'Allow', Principal: properties.Principal, Action: properties.Action, Condition: properties.Condition as Statement['Condition'] });
  }
  const visit = (value: unknown, key?: string): void => {
    if (Array.isArray(value)) return value.forEach((item) => visit(item));
    if (value === null || typeof value !== 'object') return;
    if (key !== undefined && ['PolicyDocument', 'KeyPolicy', 'AssumeRolePolicyDocument'].includes(key)) {
      const statements = (value as { Statement?: unknown }).Statement;
      found.push(...((Array.isArray(statements) ? statements : statements ? [statements] : []) as Statement[]));
    }
    for (const [childKey, child] of Object.entries(value)) visit(child, childKey);
  };
  visit(properties);
  return found;
}

function isOpenPrincipal(principal: unknown): boolean {
  if (principal === '*') return true;
  if (principal !== null && typeof principal === 'object') {
    const aws = (principal as { AWS?: unknown }).AWS;
    return aws === '*' || (Array.isArray(aws) && aws.includes('*'));
  }
  return false;
}
