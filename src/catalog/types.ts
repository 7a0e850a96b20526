/** The typed catalog: what pattern files and serverless.yml say, validated. */

/** Rule states EventBridge accepts. @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-events-rule.html#cfn-events-rule-state */
export const RuleState = {
  ENABLED: 'ENABLED',
  DISABLED: 'DISABLED',
  ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
} as const;
/** One of the {@link RuleState} values. */
export type RuleState = (typeof RuleState)[keyof typeof RuleState];

/** The name of the default event bus (`bus:` omitted). */
export const DEFAULT_BUS = 'default';

/**
 * One target of a rule: a Lambda function of the service, with what it should notify.
 *
 * @example
 * { "id": "notify", "function": "notify", "filter": "detail.errorCode == null",
 *   "select": { "table": "detail.requestParameters.tableName" },
 *   "notify": { "topic": "security", "subject": "Table {table} deleted" } }
 */
export interface TargetDefinition {
  /**
   * EventBridge target Id, unique within the rule (1-64 chars): the function key, suffixed `-2`, `-3`, ...
   * when one rule targets the same function more than once (in file order).
   */
  id: string;
  /** A key of serverless.yml `functions`. */
  function: string;
  /** JMESPath over the event; the event is notified only when the result is truthy. */
  filter?: string;
  /** Named JMESPath expressions over the event. */
  select?: Record<string, string>;
  notify?: { topic: string; subject?: string };
}

/**
 * One rule, from one pattern file.
 *
 * @example
 * { "name": "dynamodb-delete-table", "filePath": "patterns/dynamodb/delete-table.yml",
 *   "description": "A DynamoDB table was deleted", "bus": "default", "state": "ENABLED",
 *   "pattern": { "source": ["aws.dynamodb"], "detail": { "eventName": ["DeleteTable"] } },
 *   "targets": [{ "id": "notify", "function": "notify", "notify": { "topic": "security" } }],
 *   "tests": { "match": ["events/dynamodb/delete-table.json"], "noMatch": [] } }
 */
export interface RuleDefinition {
  /** Path under the patterns directory without extension, `/` -> `-`; 1-64 chars of `[.\-_A-Za-z0-9]`. */
  name: string;
  /** Project-relative posix path of the pattern file. */
  filePath: string;
  /** At most 512 characters. */
  description?: string;
  /** Event bus name; `default` for the default bus. */
  bus: string;
  state: RuleState;
  /** The event pattern as written (YAML turned into JSON), absent for schedule rules. */
  pattern?: Record<string, unknown>;
  /** `rate(...)` or `cron(...)`, absent for pattern rules. */
  schedule?: string;
  /** 1-5 targets. */
  targets: TargetDefinition[];
  /** Project-relative paths of sample events that must / must not match. */
  tests: { match: string[]; noMatch: string[] };
}

/** An SNS subscription of a topic. @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sns-subscription.html */
export interface SubscriptionConfig {
  /** `email`, `email-json`, `http`, `https`, `sqs`, `lambda`, `sms`, `application` or `firehose`. */
  protocol: string;
  /** An address/URL/ARN, or a CloudFormation intrinsic function object such as `{ "Fn::GetAtt": [Queue, Arn] }`. */
  endpoint: string | Record<string, unknown>;
}

/** A topic of `custom.patchbay.topics`. */
export interface TopicConfig {
  /** SNS DisplayName (used as the sender name of email/SMS), at most 100 characters. */
  displayName?: string;
  subscriptions: SubscriptionConfig[];
}

/**
 * What patchbay needs from serverless.yml.
 *
 * @example
 * { "service": "patchbay", "functions": ["notify"], "patternsDir": "patterns",
 *   "topics": { "security": { "displayName": "Security alerts",
 *     "subscriptions": [{ "protocol": "email", "endpoint": "security@example.com" }] } },
 *   "maxEventPatternLengthInChars": 2048 }
 */
export interface ProjectConfig {
  service: string;
  /** Topic key -> topic. Keys are `[A-Za-z0-9_-]`, 1-64 chars. */
  topics: Record<string, TopicConfig>;
  /** Keys of serverless.yml `functions`. */
  functions: string[];
  /** Directory of pattern files, relative to the project root. @default 'patterns' */
  patternsDir: string;
  /**
   * Logical ID of an `AWS::SQS::Queue` (declared under `resources.Resources`) that receives events EventBridge
   * could not deliver to a target after its retries. Absent: no target dead-letter queue.
   */
  deadLetterQueue?: string;
  /** EventBridge's "Event pattern size" quota: 2048 by default, adjustable up to 4096. @default 2048 */
  maxEventPatternLengthInChars: number;
}

/**
 * A loaded, validated catalog.
 * @example { "rules": [ { "name": "iam-root-login", ... } ], "config": { "service": "patchbay", ... } }
 */
export interface Catalog {
  /** Sorted by name. */
  rules: RuleDefinition[];
  config: ProjectConfig;
}
