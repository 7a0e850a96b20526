/**
 * Delivery safety and the permissions EventBridge needs to deliver: dead-letter queues and their queue policies,
 * the topic policy and KMS key of topics EventBridge publishes to, and the IAM role of event bus targets.
 *
 * Every resource policy and key policy here admits the EventBridge service principal for exactly the rules of this
 * deployment that use the resource, from this account only ({@link sourceCondition}): their exact ARNs when the
 * policy's size allows, otherwise every rule of this service and stage on those buses (`.../rule/[<bus>/]<service>.<stage>.*`,
 * a prefix no other service or stage can produce, see `rulePhysicalName`); every role and policy names its one resource.
 *
 * Why a customer managed key: SNS topics encrypted with the AWS managed key `alias/aws/sns` cannot receive from
 * EventBridge, because that key's policy cannot be changed to let `events.amazonaws.com` generate data keys. Topics
 * with an `sns` target therefore use one key of this stack (rotation on) whose policy lets EventBridge use it;
 * functions publishing to those topics get `kms:GenerateDataKey*` and `kms:Decrypt` on it. Other topics keep
 * `alias/aws/sns`.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-account.html
 */
import { EVENTS_PRINCIPAL, getAtt, policyDocument, ref, renderedLength, sub, type CfnResource, type IamStatement } from './cfn';
import { deadLetterQueuePhysicalName, TOPIC_KEY_LOGICAL_ID, topicLogicalId } from './logical-ids';

/** 14 days, the SQS maximum: time to notice and redrive. */
export const DEAD_LETTER_RETENTION_IN_SECONDS = 1_209_600;

/** SQS queue names: at most 80 characters. */
export const QUEUE_NAME_MAX_LENGTH = 80;

/**
 * The dead-letter queue patchbay creates when serverless.yml names none: SSE-SQS (EventBridge can write to it
 * without a key policy), 14-day retention.
 * @example compileDeadLetterQueue('patchbay', 'dev') // { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'patchbay-dev-dlq', MessageRetentionPeriod: 1209600, SqsManagedSseEnabled: true } }
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sqs-queue.html
 */
export function compileDeadLetterQueue(service: string, stage: string): CfnResource {
  return {
    Type: 'AWS::SQS::Queue',
    Properties: {
      QueueName: deadLetterQueuePhysicalName(service, stage),
      MessageRetentionPeriod: DEAD_LETTER_RETENTION_IN_SECONDS,
      SqsManagedSseEnabled: true,
    },
  };
}

/** SQS: a queue policy's maximum size, in bytes. @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-policies.html */
export const QUEUE_POLICY_MAX_LENGTH = 20_480;
/** SNS: a topic policy's maximum size, in bytes. @see https://docs.aws.amazon.com/general/latest/gr/sns.html */
export const TOPIC_POLICY_MAX_LENGTH = 30_720;
/** IAM: a role trust policy's default maximum length, in characters (quota "Role trust policy length"). @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html */
export const TRUST_POLICY_MAX_LENGTH = 2_048;
/** KMS: a key policy's maximum size, in bytes. @see https://docs.aws.amazon.com/kms/latest/developerguide/resource-limits.html */
export const KEY_POLICY_MAX_LENGTH = 32_768;

/**
 * Which rules a grant to EventBridge admits: the exact ARNs of the rules that use the resource, and, for when their
 * list would not fit the policy, the ARN patterns of every rule of this service and stage on the buses they are on
 * plus the pattern those must not match (a rule on a bus whose name starts with this deployment's rule prefix).
 *
 * @example
 * { "exact": [{ "Fn::Sub": "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/patchbay.dev.iam-root-login" }],
 *   "patterns": [{ "Fn::Sub": "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/patchbay.dev.*" }],
 *   "notPatterns": [{ "Fn::Sub": "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/patchbay.dev.*\/*" }] }
 */
export interface SourceScope {
  exact: unknown[];
  patterns: unknown[];
  notPatterns: unknown[];
}

/**
 * The condition of a grant to EventBridge: `aws:SourceAccount` this account, and `aws:SourceArn` the exact rule ARNs
 * of `scope` when `build(condition)` then renders within `maxLength` (measured with the longest partition, Region and
 * account, {@link renderedLength}); otherwise `ArnLike` the scope's patterns and `ArnNotLike` its exclusions.
 * @param build - the whole policy document, given the condition (what is measured)
 * @example sourceCondition(scope, 2048, (condition) => trustPolicy(condition))
 * // { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } }, ArnEquals: { 'aws:SourceArn': [...] } }
 */
export function sourceCondition(scope: SourceScope, maxLength: number, build: (condition: IamStatement['Condition']) => unknown): NonNullable<IamStatement['Condition']> {
  const account = { 'aws:SourceAccount': ref('AWS::AccountId') };
  const exact = { StringEquals: account, ArnEquals: { 'aws:SourceArn': [...scope.exact] } };
  if (renderedLength(build(exact)) <= maxLength) return exact;
  return {
    StringEquals: account,
    ArnLike: { 'aws:SourceArn': [...scope.patterns] },
    ...(scope.notPatterns.length ? { ArnNotLike: { 'aws:SourceArn': [...scope.notPatterns] } } : {}),
  };
}

/**
 * The `AWS::SQS::QueuePolicy` that lets EventBridge send the events it could not deliver to a dead-letter queue,
 * for the rules whose targets use the queue only.
 * @param scope - those rules ({@link SourceScope})
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html
 */
export function compileDeadLetterQueuePolicy(queueLogicalId: string, scope: SourceScope): CfnResource {
  const document = (condition: IamStatement['Condition']) =>
    policyDocument([
      { Sid: 'PatchbayRulesDeadLetter', Effect: 'Allow', Principal: EVENTS_PRINCIPAL, Action: 'sqs:SendMessage', Resource: getAtt(queueLogicalId, 'Arn'), Condition: condition },
    ]);
  return { Type: 'AWS::SQS::QueuePolicy', Properties: { Queues: [ref(queueLogicalId)], PolicyDocument: document(sourceCondition(scope, QUEUE_POLICY_MAX_LENGTH, document)) } };
}

/**
 * The customer managed key of topics EventBridge publishes to: rotation on; the account administers it (IAM
 * policies then grant its use); EventBridge may generate data keys and decrypt with it, for the rules of `scope`
 * from this account only (`aws:SourceAccount`, `aws:SourceArn`: the confused-deputy guidance).
 * @param scope - the rules with `sns` targets on the topics this key encrypts
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-kms-key.html
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
 */
export function compileTopicKey(service: string, stage: string, scope: SourceScope): CfnResource {
  const document = (condition: IamStatement['Condition']) =>
    policyDocument([
      {
        Sid: 'AccountAdministersKey',
        Effect: 'Allow',
        Principal: { AWS: sub('arn:${AWS::Partition}:iam::${AWS::AccountId}:root') },
        Action: 'kms:*',
        Resource: '*',
      },
      {
        Sid: 'EventBridgePublishesToEncryptedTopics',
        Effect: 'Allow',
        Principal: EVENTS_PRINCIPAL,
        Action: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        Resource: '*',
        Condition: condition,
      },
    ]);
  return {
    Type: 'AWS::KMS::Key',
    Properties: {
      Description: `patchbay ${service}-${stage}: SNS topics that EventBridge publishes to`,
      EnableKeyRotation: true,
      KeyPolicy: document(sourceCondition(scope, KEY_POLICY_MAX_LENGTH, document)),
    },
  };
}

/**
 * The `AWS::SNS::TopicPolicy` letting EventBridge publish to a topic, for the rules of `scope` only.
 * @param scope - the rules with an `sns` target on this topic
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sns-topicpolicy.html
 */
export function compileTopicPolicy(topicKey: string, scope: SourceScope): CfnResource {
  const topicId = topicLogicalId(topicKey);
  const document = (condition: IamStatement['Condition']) =>
    policyDocument([{ Sid: 'PatchbayRulesPublish', Effect: 'Allow', Principal: EVENTS_PRINCIPAL, Action: 'sns:Publish', Resource: ref(topicId), Condition: condition }]);
  return { Type: 'AWS::SNS::TopicPolicy', Properties: { Topics: [ref(topicId)], PolicyDocument: document(sourceCondition(scope, TOPIC_POLICY_MAX_LENGTH, document)) } };
}

/**
 * The role EventBridge assumes to put events on one destination bus (another account's, another Region's, or a bus
 * of this stack): trusted by EventBridge for the rules of `scope` in this account only, allowed `events:PutEvents`
 * on that bus only. The trust names rule ARNs as text (`Fn::Sub`), not `Fn::GetAtt`: the rules refer to the role.
 * @param destinationArn - the destination bus ARN (a string or an intrinsic function)
 * @param scope - the rules that forward there
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-account.html
 */
export function compileForwardRole(destination: string, destinationArn: unknown, scope: SourceScope, service: string, stage: string): CfnResource {
  const document = (condition: IamStatement['Condition']) => policyDocument([{ Effect: 'Allow', Principal: EVENTS_PRINCIPAL, Action: 'sts:AssumeRole', Condition: condition }]);
  return {
    Type: 'AWS::IAM::Role',
    Properties: {
      Description: `EventBridge forwards events of ${service}-${stage} rules to ${destination}`.slice(0, 1000),
      AssumeRolePolicyDocument: document(sourceCondition(scope, TRUST_POLICY_MAX_LENGTH, document)),
      Policies: [{ PolicyName: 'put-events', PolicyDocument: policyDocument([{ Effect: 'Allow', Action: 'events:PutEvents', Resource: destinationArn }]) }],
    },
  };
}

/**
 * The IAM statement letting a function publish to topics encrypted with the patchbay topic key.
 * @example topicKeyStatement() // { Effect: 'Allow', Action: ['kms:GenerateDataKey*', 'kms:Decrypt'], Resource: [{ 'Fn::GetAtt': ['PatchbayTopicKey', 'Arn'] }] }
 */
export function topicKeyStatement(): IamStatement {
  return { Effect: 'Allow', Action: ['kms:GenerateDataKey*', 'kms:Decrypt'], Resource: [getAtt(TOPIC_KEY_LOGICAL_ID, 'Arn')] };
}
