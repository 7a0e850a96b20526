/**
 * Delivery safety and the permissions EventBridge needs to deliver: dead-letter queues and their queue policies,
 * the topic policy and KMS key of topics EventBridge publishes to, and the IAM role of event bus targets.
 *
 * Every resource policy here admits the EventBridge service principal for this deployment's rules only
 * (`aws:SourceArn` ArnLike `.../rule/[<bus>/]<service>-<stage>-*`); every role and policy names its one resource.
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
import { EVENTS_PRINCIPAL, getAtt, policyDocument, ref, sub, type CfnResource, type IamStatement } from './cfn';
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

/**
 * The `AWS::SQS::QueuePolicy` that lets EventBridge send the events it could not deliver to a dead-letter queue,
 * for this deployment's rules only.
 * @param ruleArnPatterns - the ArnLike patterns of the rules whose targets use the queue, one per bus
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html
 */
export function compileDeadLetterQueuePolicy(queueLogicalId: string, ruleArnPatterns: readonly unknown[]): CfnResource {
  return {
    Type: 'AWS::SQS::QueuePolicy',
    Properties: {
      Queues: [ref(queueLogicalId)],
      PolicyDocument: policyDocument([
        {
          Sid: 'PatchbayRulesDeadLetter',
          Effect: 'Allow',
          Principal: EVENTS_PRINCIPAL,
          Action: 'sqs:SendMessage',
          Resource: getAtt(queueLogicalId, 'Arn'),
          Condition: { ArnLike: { 'aws:SourceArn': [...ruleArnPatterns] } },
        },
      ]),
    },
  };
}

/**
 * The customer managed key of topics EventBridge publishes to: rotation on; the account administers it (IAM
 * policies then grant its use), EventBridge may generate data keys and decrypt with it.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-kms-key.html
 */
export function compileTopicKey(service: string, stage: string): CfnResource {
  return {
    Type: 'AWS::KMS::Key',
    Properties: {
      Description: `patchbay ${service}-${stage}: SNS topics that EventBridge publishes to`,
      EnableKeyRotation: true,
      KeyPolicy: policyDocument([
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
        },
      ]),
    },
  };
}

/**
 * The `AWS::SNS::TopicPolicy` letting EventBridge publish to a topic for this deployment's rules only.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sns-topicpolicy.html
 */
export function compileTopicPolicy(topicKey: string, ruleArnPatterns: readonly unknown[]): CfnResource {
  const topicId = topicLogicalId(topicKey);
  return {
    Type: 'AWS::SNS::TopicPolicy',
    Properties: {
      Topics: [ref(topicId)],
      PolicyDocument: policyDocument([
        {
          Sid: 'PatchbayRulesPublish',
          Effect: 'Allow',
          Principal: EVENTS_PRINCIPAL,
          Action: 'sns:Publish',
          Resource: ref(topicId),
          Condition: { ArnLike: { 'aws:SourceArn': [...ruleArnPatterns] } },
        },
      ]),
    },
  };
}

/**
 * The role EventBridge assumes to put events on one destination bus (another account's, another Region's, or a bus
 * of this stack): trusted by EventBridge for this account's patchbay rules only, allowed `events:PutEvents` on that
 * bus only.
 * @param destinationArn - the destination bus ARN (a string or an intrinsic function)
 * @param ruleArnPatterns - the ArnLike patterns of the rules that forward there
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-account.html
 */
export function compileForwardRole(destination: string, destinationArn: unknown, ruleArnPatterns: readonly unknown[], service: string, stage: string): CfnResource {
  return {
    Type: 'AWS::IAM::Role',
    Properties: {
      Description: `EventBridge forwards events of ${service}-${stage} rules to ${destination}`.slice(0, 1000),
      AssumeRolePolicyDocument: policyDocument([
        {
          Effect: 'Allow',
          Principal: EVENTS_PRINCIPAL,
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'aws:SourceAccount': ref('AWS::AccountId') }, ArnLike: { 'aws:SourceArn': [...ruleArnPatterns] } },
        },
      ]),
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
