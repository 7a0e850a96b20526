/**
 * Operations see every failure of alerting itself: CloudWatch alarms, compiled by default
 * (`custom.patchbay.alarms: false` turns them off), notifying a topic of the project (`alarms.topic`; default the
 * `operations` topic when there is one):
 *
 * | alarm | metric | fires when |
 * | --- | --- | --- |
 * | `PatchbayAlarmDlq<Queue>` | `AWS/SQS` `ApproximateNumberOfMessagesVisible` of each dead-letter / on-failure queue | a message is waiting (maximum > 0 over 5 minutes) |
 * | `PatchbayAlarmFailed<Rule>` | `AWS/Events` `FailedInvocations` of each rule (`RuleName`, and `EventBusName` off the default bus) | EventBridge could not deliver to a target (sum > 0) |
 * | `PatchbayAlarmErrors<Function>`, `PatchbayAlarmThrottles<Function>` | `AWS/Lambda` `Errors` / `Throttles` of each targeted function | the notify function failed or was throttled (sum > 0) |
 *
 * Missing data is not breaching (a quiet queue or rule is healthy). Each alarm is one resource: 300 rules give
 * 300 rule alarms, counted in the stack's 500-resource limit like everything else.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudwatch-alarm.html
 */
import type { CfnResource } from './cfn';
import { getAtt, ref } from './cfn';

/** Seconds each alarm's metric is aggregated over. */
export const ALARM_PERIOD_IN_SECONDS = 300;

/** What an alarm watches. */
interface AlarmInput {
  /** AlarmName: `<service>-<stage>-<what>`, at most 255 characters. */
  name: string;
  description: string;
  namespace: string;
  metricName: string;
  dimensions: { Name: string; Value: unknown }[];
  statistic: 'Maximum' | 'Sum';
  /** Logical ID of the topic notified, if any. */
  topicLogicalId?: string;
}

/**
 * One `AWS::CloudWatch::Alarm`: the metric above 0 in one 5-minute period, missing data not breaching, the topic
 * notified on alarm and on recovery.
 * @example compileAlarm({ name: 'patchbay-dev-dlq', description: '…', namespace: 'AWS/SQS', metricName: 'ApproximateNumberOfMessagesVisible', dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['PatchbayDeadLetterQueue', 'QueueName'] } }], statistic: 'Maximum', topicLogicalId: 'PatchbayTopicOperations' })
 */
export function compileAlarm(input: AlarmInput): CfnResource {
  const actions = input.topicLogicalId ? { AlarmActions: [ref(input.topicLogicalId)], OKActions: [ref(input.topicLogicalId)] } : {};
  return {
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      AlarmName: input.name.slice(0, 255),
      AlarmDescription: input.description.slice(0, 1024),
      Namespace: input.namespace,
      MetricName: input.metricName,
      Dimensions: input.dimensions,
      Statistic: input.statistic,
      Period: ALARM_PERIOD_IN_SECONDS,
      EvaluationPeriods: 1,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      ...actions,
    },
  };
}

/** The alarm of a dead-letter or on-failure queue (a logical ID of the template). */
export function queueAlarm(queueLogicalId: string, name: string, topicLogicalId?: string): CfnResource {
  return compileAlarm({
    name,
    description: `Events or notifications could not be delivered and wait in queue ${queueLogicalId}: read them, fix the cause, redrive them.`,
    namespace: 'AWS/SQS',
    metricName: 'ApproximateNumberOfMessagesVisible',
    dimensions: [{ Name: 'QueueName', Value: getAtt(queueLogicalId, 'QueueName') }],
    statistic: 'Maximum',
    ...(topicLogicalId ? { topicLogicalId } : {}),
  });
}

/** The alarm of one rule's failed target invocations. `busName`: absent on the default bus. */
export function ruleAlarm(rulePhysicalName: string, busName: unknown, name: string, topicLogicalId?: string): CfnResource {
  return compileAlarm({
    name,
    description: `EventBridge could not deliver events of rule ${rulePhysicalName} to a target (after its retry policy; they went to its dead-letter queue).`,
    namespace: 'AWS/Events',
    metricName: 'FailedInvocations',
    dimensions: [...(busName !== undefined ? [{ Name: 'EventBusName', Value: busName }] : []), { Name: 'RuleName', Value: rulePhysicalName }],
    statistic: 'Sum',
    ...(topicLogicalId ? { topicLogicalId } : {}),
  });
}

/** The alarms of one function: `Errors` and `Throttles`. */
export function functionAlarms(functionLogicalId: string, functionKey: string, namePrefix: string, topicLogicalId?: string): { errors: CfnResource; throttles: CfnResource } {
  const common = { namespace: 'AWS/Lambda', dimensions: [{ Name: 'FunctionName', Value: ref(functionLogicalId) }], statistic: 'Sum' as const, ...(topicLogicalId ? { topicLogicalId } : {}) };
  return {
    errors: compileAlarm({ ...common, name: `${namePrefix}-errors`, description: `Function ${functionKey} failed: a notification may be late (Lambda retries, then the on-failure destination).`, metricName: 'Errors' }),
    throttles: compileAlarm({ ...common, name: `${namePrefix}-throttles`, description: `Function ${functionKey} was throttled: notifications are delayed.`, metricName: 'Throttles' }),
  };
}
