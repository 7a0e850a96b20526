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
