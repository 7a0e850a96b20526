/** The typed catalog: what pattern files and serverless.yml say, validated. */
import type { SeveritySpec } from '../runtime/severity';

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
 * EventBridge's retry policy of a target: how long and how often it retries a failed delivery before the event
 * goes to the target's dead-letter queue.
 *
 * @example { "maximumRetryAttempts": 185, "maximumEventAgeInSeconds": 86400 }
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-events-rule-retrypolicy.html
 */
export interface RetryPolicy {
  /** 0-185 retries. */
  maximumRetryAttempts: number;
  /** 60-86,400 seconds (1 minute to 24 hours). */
  maximumEventAgeInSeconds: number;
}

/** EventBridge's own limits of {@link RetryPolicy}. */
export const RETRY_POLICY_LIMITS = {
  maximumRetryAttempts: { min: 0, max: 185 },
  maximumEventAgeInSeconds: { min: 60, max: 86_400 },
} as const;

/**
 * The retry policy of every target that does not say otherwise: EventBridge's own defaults (185 retries over
 * 24 hours), written out so the template says what happens. Events still undelivered then go to the dead-letter
 * queue, so nothing is dropped silently. Override in `custom.patchbay.retryPolicy` or per target.
 */
export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = { maximumRetryAttempts: 185, maximumEventAgeInSeconds: 86_400 };

/** The three kinds of targets a pattern file can name: the key it is named with. */
export const TargetKind = { FUNCTION: 'function', EVENT_BUS: 'eventBus', SNS: 'sns' } as const;
/** One of the {@link TargetKind} values. */
export type TargetKind = (typeof TargetKind)[keyof typeof TargetKind];

/** What every kind of target has. */
interface TargetBase {
  /**
   * EventBridge target Id, unique within the rule (1-64 chars of `[.\-_A-Za-z0-9]`): the function key, `sns-<topic>`
   * or `bus-<bus key or bus name>`, suffixed `-2`, `-3`, ... when one rule names the same one again (file order).
   */
  id: string;
  /**
   * Logical ID of the `AWS::SQS::Queue` (under `resources.Resources`) that receives the events EventBridge could
   * not deliver to this target; absent: the project's dead-letter queue (`custom.patchbay.deadLetterQueue`, or the
   * one patchbay creates).
   */
  deadLetterQueue?: string;
}

/**
 * A Lambda function of the service, with what it should notify (the runtime's contract: DESIGN.md).
 *
 * @example
 * { "kind": "function", "id": "notify", "function": "notify", "filter": "detail.errorCode == null",
 *   "select": { "table": "detail.requestParameters.tableName" },
 *   "notify": { "topic": "security", "subject": "Table {table} deleted" },
 *   "retryPolicy": { "maximumRetryAttempts": 185, "maximumEventAgeInSeconds": 86400 } }
 */
export interface FunctionTargetDefinition extends TargetBase {
  kind: 'function';
  /** A key of serverless.yml `functions`. */
  function: string;
  /** JMESPath over the event; the event is notified only when the result is truthy. */
  filter?: string;
  /** Named JMESPath expressions over the event. */
  select?: Record<string, string>;
  notify?: { topic: string; subject?: string };
  /** The target's retry policy: its own fields over `custom.patchbay.retryPolicy` over {@link DEFAULT_RETRY_POLICY}. */
  retryPolicy: RetryPolicy;
  eventBus?: never;
  sns?: never;
  inputTransformer?: never;
}

/**
 * Another event bus, in this or another account or Region: the event is forwarded unchanged (EventBridge does
 * not allow input transformers on cross-account event bus targets, nor retry policies on event bus targets).
 *
 * @example { "kind": "eventBus", "id": "bus-central", "eventBus": "central" }
 * @example { "kind": "eventBus", "id": "bus-central", "eventBus": "arn:aws:events:us-east-1:111122223333:event-bus/central" }
 */
export interface EventBusTargetDefinition extends TargetBase {
  kind: 'eventBus';
  /** An event bus ARN, or a key of `custom.patchbay.buses` (whose `existing:` ARN may come from a stage param). */
  eventBus: string;
  function?: never;
  filter?: never;
  select?: never;
  notify?: never;
  retryPolicy?: never;
  sns?: never;
  inputTransformer?: never;
}

/**
 * EventBridge's input transformer: values picked from the event by JSON path, put into a template.
 *
 * @example { "inputPathsMap": { "bucket": "$.detail.requestParameters.bucketName" },
 *   "inputTemplate": "\"Bucket <bucket> deleted in <aws.events.rule-name>\"" }
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html
 */
export interface InputTransformerDefinition {
  /** Placeholder name -> JSON path into the event (`$.detail.x`); at most 100 entries. */
  inputPathsMap?: Record<string, string>;
  /** At most 8,192 characters; `<name>` placeholders are keys of inputPathsMap or reserved `aws.events.*` variables. */
  inputTemplate: string;
}

/**
 * An SNS topic of `custom.patchbay.topics`, published to by EventBridge itself (no function in between).
 *
 * @example { "kind": "sns", "id": "sns-security", "sns": "security",
 *   "inputTransformer": { "inputPathsMap": { "ip": "$.detail.sourceIPAddress" }, "inputTemplate": "\"Root sign-in from <ip>\"" },
 *   "retryPolicy": { "maximumRetryAttempts": 185, "maximumEventAgeInSeconds": 86400 } }
 */
export interface SnsTargetDefinition extends TargetBase {
  kind: 'sns';
  /** A key of `custom.patchbay.topics`. */
  sns: string;
  /** Absent: the whole event is published as JSON. */
  inputTransformer?: InputTransformerDefinition;
  retryPolicy: RetryPolicy;
  function?: never;
  filter?: never;
  select?: never;
  notify?: never;
  eventBus?: never;
}

/** One target of a rule: a function of the service, another event bus, or an SNS topic. */
export type TargetDefinition = FunctionTargetDefinition | EventBusTargetDefinition | SnsTargetDefinition;

/**
 * One rule, from one pattern file.
 *
 * @example
 * { "name": "dynamodb-delete-table", "filePath": "patterns/dynamodb/delete-table.yml",
 *   "description": "A DynamoDB table was deleted", "bus": "default", "state": "ENABLED",
 *   "pattern": { "source": ["aws.dynamodb"], "detail": { "eventName": ["DeleteTable"] }, "replay-name": [{ "exists": false }] },
 *   "excludeReplays": true,
 *   "targets": [{ "kind": "function", "id": "notify", "function": "notify", "notify": { "topic": "security" },
 *     "retryPolicy": { "maximumRetryAttempts": 185, "maximumEventAgeInSeconds": 86400 } }],
 *   "tests": { "match": ["events/dynamodb/delete-table.json"], "noMatch": [] } }
 */
export interface RuleDefinition {
  /** Path under the patterns directory without extension, `/` -> `-`; 1-64 chars of `[.\-_A-Za-z0-9]`. */
  name: string;
  /** Project-relative posix path of the pattern file. */
  filePath: string;
  /** At most 512 characters. */
  description?: string;
  /** Key of `custom.patchbay.buses`; `default` for the default bus. */
  bus: string;
  state: RuleState;
  /**
   * The event pattern EventBridge gets (YAML turned into JSON): as written, plus `"replay-name": [{"exists": false}]`
   * when `excludeReplays` is set. Absent for schedule rules.
   */
  pattern?: Record<string, unknown>;
  /** The pattern file asked to ignore events replayed from an archive. */
  excludeReplays?: true;
  /** `rate(...)` or `cron(...)`, absent for pattern rules. */
  schedule?: string;
  /**
   * How bad a matching event is: a level, or a JMESPath to the event's own severity mapped to a level (see the
   * runtime's severity.ts), e.g. `high` or `{ expression: detail.severity }`.
   */
  severity?: SeveritySpec;
  /** CIS / Security Hub / Sigma / ATT&CK references and links (documentation only). */
  references?: { cis?: string[]; securityHub?: string[]; sigma?: string[]; attack?: string[]; links?: string[] };
  /** 1-5 targets. */
  targets: TargetDefinition[];
  /**
   * Project-relative paths of sample events that must / must not be notified; `expectations` holds what the
   * notification of a `match` event must say, for the cases that state it.
   */
  tests: {
    match: string[];
    noMatch: string[];
    expectations?: NotificationExpectation[];
    /** Schedule rules: the firings `patchbay test` checks (`tests.fires`), after `tests.after` when given. */
    schedule?: { fires: string[]; after?: string };
  };
}

/**
 * What a `match` test case says subscribers receive: the case `{ event, subject?, fields?, allFields?, attributes? }`
 * of `tests.match` in a pattern file.
 *
 * @example { "event": "events/signin/console-login-root-success.json", "index": 0,
 *   "subject": "Root signed in to 111122223333", "fields": { "ip": "203.0.113.10" }, "attributes": { "rule": "signin-root-sign-in" } }
 */
export interface NotificationExpectation {
  /** Project-relative path of the sample event (also in `tests.match`). */
  event: string;
  /** Position in `tests.match`, for pointers (`/tests/match/<index>`). */
  index: number;
  /** The function target whose notification is checked; default: the first function target that notifies. */
  target?: string;
  /** The exact rendered subject. */
  subject?: string;
  /** Selected fields that must have these values (others may exist). */
  fields?: Record<string, unknown>;
  /** The selected fields, exactly. */
  allFields?: Record<string, unknown>;
  /** Message attributes that must have these string values. */
  attributes?: Record<string, string>;
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
  /**
   * A FIFO topic (`<service>-<stage>-<key>.fifo`, ContentBasedDeduplication off): the notify function publishes
   * with a deduplication ID from rule + target + event id, so SNS drops the duplicates of retried publishes
   * within its 5-minute deduplication window. FIFO topics deliver to SQS queues only.
   * @see https://docs.aws.amazon.com/sns/latest/dg/fifo-message-dedup.html
   */
  fifo?: boolean;
  /**
   * How messages are written: `text` (default: readable, for e-mail), `chat` (the custom notification JSON that
   * Amazon Q Developer in chat applications renders in Slack and Microsoft Teams), `json` (a stable document for
   * machines, e.g. an SQS queue feeding a ticket system). See the runtime's formats.ts.
   */
  format?: 'text' | 'chat' | 'json';
  subscriptions: SubscriptionConfig[];
}

/**
 * An archive of a bus's events, for replay.
 * @example { "retentionDays": 30, "pattern": { "source": ["aws.signin"] } }
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-events-archive.html
 */
export interface ArchiveConfig {
  /** Days to keep events; 0 keeps them forever. */
  retentionDays: number;
  /** Archive only the events that match this event pattern; absent: every event of the bus. */
  pattern?: Record<string, unknown>;
  /** At most 512 characters. */
  description?: string;
}

/**
 * Who may put events on a bus (its resource-based policy): one `AWS::Events::EventBusPolicy` per account,
 * organization and organizational unit, each granting `events:PutEvents` on that bus only.
 *
 * @example { "accounts": ["111122223333"], "organization": "o-a1b2c3d4e5",
 *   "organizationalUnits": ["o-a1b2c3d4e5/r-ab12/ou-ab12-11111111"] }
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-bus-perms.html
 */
export interface BusPolicyAllow {
  /** 12-digit account IDs. */
  accounts: string[];
  /** An organization ID (`o-` + 10-32 characters): `Principal: "*"` with an `aws:PrincipalOrgID` condition. */
  organization?: string;
  /** Organization paths (`o-.../r-.../ou-...`): `Principal: "*"` with an `aws:PrincipalOrgPaths` condition. */
  organizationalUnits: string[];
}

/** What every bus may have. */
interface BusBase {
  /** Archive the bus's events (an `AWS::Events::Archive` named by the replay module's `archiveName`). */
  archive?: ArchiveConfig;
  /** Let other accounts put events on the bus. */
  policy?: { allow: BusPolicyAllow };
}

/**
 * One bus of `custom.patchbay.buses`, by kind. The key `default` is always the account's default event bus.
 *
 * @example { "kind": "custom", "policy": { "allow": { "organization": "o-a1b2c3d4e5", "accounts": [], "organizationalUnits": [] } }, "archive": { "retentionDays": 30 } }
 * @example { "kind": "partner", "eventSourceName": "aws.partner/auth0.com/example-tenant/auth0.logs" }
 * @example { "kind": "existing", "existing": "arn:aws:events:us-east-1:111122223333:event-bus/central" }
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-events-eventbus.html
 */
export type BusConfig =
  | (BusBase & { kind: 'default' })
  | (BusBase & {
      kind: 'custom';
      /** Physical name. @default `<service>-<stage>-<key>` */
      name?: string;
      /** At most 512 characters. */
      description?: string;
    })
  | (BusBase & {
      kind: 'partner';
      /** The partner event source, e.g. `aws.partner/auth0.com/<tenant>/auth0.logs`; also the bus's name. */
      eventSourceName: string;
    })
  | (BusBase & {
      kind: 'existing';
      /** The name or ARN of a bus created elsewhere. */
      existing: string;
    });

/**
 * The EventBridge schema registry of the service.
 * @example { "registryName": "patchbay-dev", "description": "Events patchbay routes", "discoverers": ["default"], "crossAccount": true }
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-eventschemas-registry.html
 */
export interface SchemasConfig {
  /** Registry name. @default `<service>-<stage>` */
  registryName?: string;
  description?: string;
  /** Bus keys to run schema discovery on (one `AWS::EventSchemas::Discoverer` each). */
  discoverers: string[];
  /** Discover schemas of events from other accounts too. @default true */
  crossAccount: boolean;
}

/** CloudTrail Insights types. @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-insights-events-with-cloudtrail.html */
export const INSIGHT_TYPES = ['ApiCallRateInsight', 'ApiErrorRateInsight'] as const;
/** One of {@link INSIGHT_TYPES}. */
export type InsightType = (typeof INSIGHT_TYPES)[number];

/** The `all` of a data-event selector: every S3 object or every Lambda function of the account. */
export const ALL_DATA_RESOURCES = 'all';

/**
 * An optional CloudTrail trail: "AWS API Call via CloudTrail" events reach EventBridge only from accounts with a
 * trail that is logging.
 *
 * @example
 * { "expirationInDays": 365, "readWriteType": "All",
 *   "dataEvents": { "s3Objects": ["arn:aws:s3:::example-bucket/"], "lambdaFunctions": ["all"] },
 *   "insightSelectors": ["ApiCallRateInsight", "ApiErrorRateInsight"] }
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudtrail-trail.html
 */
export interface TrailConfig {
  /** 3-128 characters. @default `<service>-<stage>` */
  trailName?: string;
  /** Days the log bucket keeps log files (S3 lifecycle expiration). @default 365 */
  expirationInDays: number;
  /** Which management events to log. @default 'All' */
  readWriteType: 'All' | 'ReadOnly' | 'WriteOnly';
  /** Data events: S3 object-level and Lambda invoke API calls; `all` for every bucket/function, or ARNs. */
  dataEvents: { s3Objects: string[]; lambdaFunctions: string[] };
  insightSelectors: InsightType[];
}

/**
 * What patchbay needs from serverless.yml.
 *
 * @example
 * { "service": "patchbay", "functions": ["notify"], "patternsDir": "patterns",
 *   "topics": { "security": { "displayName": "Security alerts",
 *     "subscriptions": [{ "protocol": "email", "endpoint": "security@example.com" }] } },
 *   "buses": { "default": { "kind": "default", "archive": { "retentionDays": 30 } } },
 *   "retryPolicy": { "maximumRetryAttempts": 185, "maximumEventAgeInSeconds": 86400 },
 *   "maxEventPatternLengthInChars": 2048, "maxRulesPerEventBus": 300 }
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
   * could not deliver to a target after its retries. Absent: patchbay creates one (`PatchbayDeadLetterQueue`).
   */
  deadLetterQueue?: string;
  /**
   * Logical IDs of the `AWS::SQS::Queue` resources under serverless.yml `resources.Resources`, to check
   * dead-letter queue names; absent when that section could not be read (then nothing is checked).
   */
  queues?: string[];
  /** EventBridge's "Event pattern size" quota: 2048 by default, adjustable up to 4096. @default 2048 */
  maxEventPatternLengthInChars: number;
  /** EventBridge's "Rules per event bus" quota: 300 by default, adjustable. @default 300 */
  maxRulesPerEventBus: number;
  /** Warning codes the project accepts: reported as suppressed, not printed (`custom.patchbay.suppressWarnings`). */
  suppressWarnings?: string[];
  /** Account id -> the name people know it by, shown in notifications (`custom.patchbay.accountAliases`). */
  accountAliases?: Record<string, string>;
  /**
   * CloudWatch alarms on dead-letter queues, rules' failed invocations and the targeted functions' errors and
   * throttles (`custom.patchbay.alarms`; `false` turns them off). `topic`: the topic key they notify (default
   * `operations` when defined; none: alarms without actions).
   */
  alarms: { enabled: boolean; topic?: string };
  /**
   * Which pattern files are rules of this project (`custom.patchbay.rules`): globs over the path under the patterns
   * directory without extension (`cis/**`, `detections/guardduty-*`). With `enable`, only matching files; minus
   * those matching `disable`. Absent: every file.
   */
  rules?: { enable?: string[]; disable?: string[] };
  /** Key names and event paths redacted from notifications besides the defaults (`custom.patchbay.redact`). */
  redact?: { keys?: string[]; paths?: string[] };
  /** Bus key -> bus; always has `default`. */
  buses: Record<string, BusConfig>;
  /** The retry policy of targets that do not set their own: `custom.patchbay.retryPolicy` over {@link DEFAULT_RETRY_POLICY}. */
  retryPolicy: RetryPolicy;
  /** The schema registry; absent: none. */
  schemas?: SchemasConfig;
  /** The CloudTrail trail; absent: none. */
  trail?: TrailConfig;
}

/** A registry schema file of the project (`src/schemas` loads them): one `AWS::EventSchemas::Schema` each. */
export interface EventSchemaFile {
  /** Registry schema name. */
  name: string;
  type: 'OpenApi3' | 'JSONSchemaDraft4';
  /** Compact JSON, at most 100,000 characters. */
  content: string;
  /** Project-relative posix path. */
  filePath: string;
}

/**
 * A loaded, validated catalog.
 * @example { "rules": [ { "name": "iam-root-login", ... } ], "config": { "service": "patchbay", ... }, "eventSchemas": [] }
 */
export interface Catalog {
  /** Sorted by name. */
  rules: RuleDefinition[];
  config: ProjectConfig;
  /** Registry schema files under `schemas/` (read only when `custom.patchbay.schemas` is set). @default [] */
  eventSchemas?: EventSchemaFile[];
  /**
   * The 1-based source position of a node of a project file (`serverless.yml` or a pattern file), when known:
   * lets later stages (the compiler) report issues with a line and column.
   */
  locate?: (filePath: string, pointer: string) => { line: number; column: number } | undefined;
  /** Pattern files left out by `custom.patchbay.rules` (project-relative paths): neither loaded, tested nor deployed. */
  disabled?: string[];
  /** Globs of `custom.patchbay.rules` that no pattern file matches (a typo, or a rule renamed): pointer and glob. */
  unusedRuleGlobs?: { pointer: string; glob: string }[];
}
