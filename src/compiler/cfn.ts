/** CloudFormation shapes and the few intrinsic-function helpers the compiler uses. */

/** A CloudFormation resource. @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/resources-section-structure.html */
export interface CfnResource {
  Type: string;
  Properties: Record<string, unknown>;
  DependsOn?: string | string[];
  /** @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-deletionpolicy.html */
  DeletionPolicy?: 'Delete' | 'Retain' | 'RetainExceptOnCreate' | 'Snapshot';
  UpdateReplacePolicy?: 'Delete' | 'Retain' | 'Snapshot';
}

/** A CloudFormation output. @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/outputs-section-structure.html */
export interface CfnOutput {
  Description?: string;
  Value: unknown;
}

/** An IAM policy statement. @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_statement.html */
export interface IamStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: unknown;
  Action: string | string[];
  /** Absent in trust policies. */
  Resource?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/** `{ Ref: id }`. */
export function ref(logicalId: string): { Ref: string } {
  return { Ref: logicalId };
}

/** `{ "Fn::GetAtt": [id, attribute] }`. */
export function getAtt(logicalId: string, attribute: string): { 'Fn::GetAtt': [string, string] } {
  return { 'Fn::GetAtt': [logicalId, attribute] };
}

/** `{ "Fn::Sub": text }`. */
export function sub(text: string): { 'Fn::Sub': string } {
  return { 'Fn::Sub': text };
}

/** An IAM policy document (version 2012-10-17). */
export function policyDocument(statements: IamStatement[]): { Version: '2012-10-17'; Statement: IamStatement[] } {
  return { Version: '2012-10-17', Statement: statements };
}

/** The service principal of EventBridge. */
export const EVENTS_PRINCIPAL = { Service: 'events.amazonaws.com' } as const;

/** The longest values of the pseudo parameters, to measure a policy before deployment resolves them. */
const LONGEST_PSEUDO_PARAMETERS: Record<string, string> = { 'AWS::Partition': 'aws-iso-b', 'AWS::Region': 'ap-southeast-99', 'AWS::AccountId': '123456789012', 'AWS::URLSuffix': 'amazonaws.com.cn' };

/** What `Ref` and `Fn::GetAtt` count for when measured: the length of a long ARN. */
const INTRINSIC_VALUE_LENGTH = 128;

/**
 * Characters of a value as JSON once CloudFormation has resolved it, at most: `Fn::Sub` texts with the longest
 * pseudo-parameter values, other intrinsic functions as a 128-character string.
 * @example renderedLength({ 'Fn::Sub': 'arn:${AWS::Partition}:sns' }) // 19: '"arn:aws-iso-b:sns"'
 */
export function renderedLength(value: unknown): number {
  return JSON.stringify(resolveForLength(value)).length;
}

function resolveForLength(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(resolveForLength);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1) {
    const [[key, argument]] = entries;
    if (key === 'Fn::Sub' && typeof argument === 'string') return argument.replace(/\$\{([^}]+)\}/g, (_whole, name: string) => LONGEST_PSEUDO_PARAMETERS[name] ?? 'x'.repeat(INTRINSIC_VALUE_LENGTH));
    if (key === 'Ref' && typeof argument === 'string' && LONGEST_PSEUDO_PARAMETERS[argument]) return LONGEST_PSEUDO_PARAMETERS[argument];
    if (key === 'Ref' || key.startsWith('Fn::')) return 'x'.repeat(INTRINSIC_VALUE_LENGTH);
  }
  return Object.fromEntries(entries.map(([key, item]) => [key, resolveForLength(item)]));
}
