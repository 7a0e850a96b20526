/**
 * Every CloudFormation logical ID and physical name the compiler produces. Nothing else in the compiler builds one.
 *
 * Design: an ID derives from a name only (rule name, topic key, function key, bus name), never from a position,
 * so adding, removing or reordering pattern files never renames (and so never replaces) another resource.
 * Names become PascalCase (`iam-root-login` -> `IamRootLogin`). That is lossless for canonical names, lower-case
 * words of `[a-z][a-z0-9]*` joined by `-`: upper-case letters mark the word starts, so two canonical names never
 * share an ID. Any other name (`IAM_root.login`, `ec2-4xx`) could collide after normalisation, so it gets the
 * first 8 hex digits of its SHA-256 appended; whatever is left to chance is caught by {@link assertUniqueIds}.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/resources-section-structure.html (logical IDs: alphanumeric, at most 255 characters)
 */
import { createHash } from 'node:crypto';
import { CompilerError, CompilerErrorCode } from './errors';

/** Names whose PascalCase form is unambiguous. */
const CANONICAL_NAME = /^[a-z][a-z0-9]*(-[a-z][a-z0-9]*)*$/;

/** EventBridge rule names: at most 64 characters. @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html */
export const RULE_NAME_MAX_LENGTH = 64;

/** First `length` hex digits of the SHA-256 of `text`. */
export function shortHash(text: string, length = 8): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

/**
 * PascalCase of a name, suffixed with a short hash unless the name is canonical (see the module comment).
 * @example pascalName('iam-root-login') // 'IamRootLogin'
 * @example pascalName('IAM_root')       // 'IAMRoot' + 8 hex digits
 */
export function pascalName(name: string): string {
  const pascal = pascalWords(name);
  return CANONICAL_NAME.test(name) ? pascal : `${pascal}${shortHash(name)}`;
}

/** PascalCase of the alphanumeric words of a name, no hash (for IDs that carry their own). */
function pascalWords(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word[0].toUpperCase() + word.slice(1))
    .join('');
}

/** `AWS::Events::Rule` of a patchbay rule. @example ruleLogicalId('iam-root-login') // 'PatchbayRuleIamRootLogin' */
export function ruleLogicalId(ruleName: string): string {
  return `PatchbayRule${pascalName(ruleName)}`;
}

/** `AWS::SNS::Topic` of a topic key. @example topicLogicalId('security') // 'PatchbayTopicSecurity' */
export function topicLogicalId(topicKey: string): string {
  return `PatchbayTopic${pascalName(topicKey)}`;
}

/** Output holding a topic's ARN. @example topicArnOutputId('security') // 'PatchbayTopicSecurityArn' */
export function topicArnOutputId(topicKey: string): string {
  return `${topicLogicalId(topicKey)}Arn`;
}

/**
 * `AWS::SNS::Subscription` of a topic, named by what it subscribes (protocol and endpoint), not by its index.
 * @example subscriptionLogicalId('security', 'email', 'a@example.com') // 'PatchbayTopicSecuritySubscription' + 8 hex digits
 */
export function subscriptionLogicalId(topicKey: string, protocol: string, endpoint: unknown): string {
  return `${topicLogicalId(topicKey)}Subscription${shortHash(`${protocol}\n${stableJson(endpoint)}`)}`;
}

/**
 * `AWS::Lambda::Permission` letting EventBridge invoke one function for every rule of one bus.
 * @example permissionLogicalId('notify', 'default') // 'NotifyPatchbayInvokePermission'
 * @example permissionLogicalId('notify', 'orders')  // 'NotifyPatchbayInvokePermissionOrders'
 */
export function permissionLogicalId(functionKey: string, bus: string): string {
  return `${serverlessNormalizedName(functionKey)}PatchbayInvokePermission${bus === 'default' ? '' : pascalName(bus)}`;
}

/** The `AWS::SQS::Queue` patchbay creates as the project's dead-letter queue when serverless.yml names none. */
export const DEAD_LETTER_QUEUE_LOGICAL_ID = 'PatchbayDeadLetterQueue';

/**
 * `AWS::SQS::QueuePolicy` letting EventBridge send undeliverable events to a dead-letter queue.
 * @param queueLogicalId - absent (or the project's queue): `PatchbayDeadLetterQueuePolicy`; a per-target queue: suffixed with its name
 * @example deadLetterQueuePolicyLogicalId() // 'PatchbayDeadLetterQueuePolicy'
 * @example deadLetterQueuePolicyLogicalId('AuditDlq') // 'PatchbayDeadLetterQueuePolicyAuditDlq' + 8 hex digits
 */
export function deadLetterQueuePolicyLogicalId(queueLogicalId?: string): string {
  return `PatchbayDeadLetterQueuePolicy${queueLogicalId === undefined ? '' : pascalName(queueLogicalId)}`;
}

/** Physical name of the dead-letter queue patchbay creates. @example deadLetterQueuePhysicalName('patchbay', 'dev') // 'patchbay-dev-dlq' */
export function deadLetterQueuePhysicalName(service: string, stage: string): string {
  return `${service}-${stage}-dlq`;
}

/** `AWS::Events::EventBus` of a bus key. @example busLogicalId('central') // 'PatchbayBusCentral' */
export function busLogicalId(busKey: string): string {
  return `PatchbayBus${pascalName(busKey)}`;
}

/**
 * Physical name of a custom bus: its configured name, else `<service>-<stage>-<key>`.
 * @example customBusPhysicalName('aggregation', 'prod', 'central') // 'aggregation-prod-central'
 */
export function customBusPhysicalName(service: string, stage: string, busKey: string, configured?: string): string {
  return configured ?? `${service}-${stage}-${busKey}`;
}

/**
 * `AWS::Events::EventBusPolicy` of one statement: named by the bus and the statement's own ID (never a position).
 * @example busPolicyLogicalId('central', 'org-o-a1b2c3d4e5') // 'PatchbayBusCentralPolicyOrgOA1b2c3d4e5'
 */
export function busPolicyLogicalId(busKey: string, statementKey: string): string {
  return `${busLogicalId(busKey)}Policy${pascalName(statementKey)}`;
}

/**
 * EventBridge statement ID of a bus policy statement: `<service>-<stage>-<bus key>-<what it allows>`, unique per
 * bus and per stack, so two stacks adding to one bus (the default bus, say) never collide, and one account allowed
 * on two buses gives two different IDs (CloudFormation identifies an `AWS::Events::EventBusPolicy` by its statement
 * ID); 1-64 characters of `[A-Za-z0-9_-]` (cut, with a hash of the full ID, when longer). The compiler checks that
 * no two statements of a template share one ({@link assertUniqueStatementIds}).
 * @example busPolicyStatementId('aggregation', 'prod', 'central', 'org-o-a1b2c3d4e5') // 'aggregation-prod-central-org-o-a1b2c3d4e5'
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-events-eventbuspolicy.html
 */
export function busPolicyStatementId(service: string, stage: string, busKey: string, statementKey: string): string {
  const full = `${service}-${stage}-${busKey}-${statementKey}`.replace(/[^A-Za-z0-9_-]/g, '-');
  return full.length <= STATEMENT_ID_MAX_LENGTH ? full : `${full.slice(0, STATEMENT_ID_MAX_LENGTH - 9)}-${shortHash(full)}`;
}

/**
 * Throw if two bus policy statements of one template share a statement ID (possible only through a hash
 * coincidence, or a bus reached under two keys).
 * @param statements - [statement ID, what it is (bus key and statement key)] pairs
 * @throws CompilerError `PATCHBAY_STATEMENT_ID_COLLISION`
 */
export function assertUniqueStatementIds(statements: Iterable<[string, string]>): void {
  const seen = new Map<string, string>();
  for (const [id, what] of statements) {
    const previous = seen.get(id);
    if (previous !== undefined) {
      throw new CompilerError(
        CompilerErrorCode.STATEMENT_ID_COLLISION,
        `Bus policy statements ${previous} and ${what} both get statement ID ${JSON.stringify(id)}: EventBridge keeps one statement per ID, so one grant would replace the other; rename a bus key`,
      );
    }
    seen.set(id, what);
  }
}

/** EventBridge's limit of a bus policy statement ID. */
export const STATEMENT_ID_MAX_LENGTH = 64;

/** `AWS::Events::Archive` of a bus key. @example archiveLogicalId('default') // 'PatchbayArchiveDefault' */
export function archiveLogicalId(busKey: string): string {
  return `PatchbayArchive${pascalName(busKey)}`;
}

/**
 * `AWS::IAM::Role` EventBridge assumes to put events on one destination bus: named by the bus key, or by the
 * bus name of an ARN plus a hash of the whole ARN.
 * @example forwardRoleLogicalId('central') // 'PatchbayForwardRoleCentral'
 */
export function forwardRoleLogicalId(eventBus: string): string {
  if (!eventBus.startsWith('arn:')) return `PatchbayForwardRole${pascalName(eventBus)}`;
  const name = eventBus.slice(eventBus.indexOf(':event-bus/') + ':event-bus/'.length);
  return `PatchbayForwardRole${pascalWords(name)}${shortHash(eventBus)}`;
}

/** `AWS::SNS::TopicPolicy` letting EventBridge publish to a topic. @example topicPolicyLogicalId('security') // 'PatchbayTopicSecurityPolicy' */
export function topicPolicyLogicalId(topicKey: string): string {
  return `${topicLogicalId(topicKey)}Policy`;
}

/** The customer managed `AWS::KMS::Key` of topics EventBridge publishes to (the AWS managed SNS key cannot admit EventBridge). */
export const TOPIC_KEY_LOGICAL_ID = 'PatchbayTopicKey';

/** `AWS::EventSchemas::Registry` of the service. */
export const SCHEMA_REGISTRY_LOGICAL_ID = 'PatchbaySchemaRegistry';

/** `AWS::EventSchemas::Schema` of a schema name. @example schemaLogicalId('orders-created') // 'PatchbaySchemaOrdersCreated' */
export function schemaLogicalId(schemaName: string): string {
  return `PatchbaySchema${pascalName(schemaName)}`;
}

/** `AWS::EventSchemas::Discoverer` of a bus key. @example discovererLogicalId('default') // 'PatchbaySchemaDiscovererDefault' */
export function discovererLogicalId(busKey: string): string {
  return `PatchbaySchemaDiscoverer${pascalName(busKey)}`;
}

/** The CloudTrail trail, its bucket and the bucket's policy. */
export const TRAIL_LOGICAL_IDS = { trail: 'PatchbayTrail', bucket: 'PatchbayTrailBucket', bucketPolicy: 'PatchbayTrailBucketPolicy' } as const;

/**
 * Serverless Framework v3's normalisation of a function key (`naming.getNormalizedFunctionName`): first letter
 * upper case, `-` -> `Dash`, `_` -> `Underscore`.
 * @example serverlessNormalizedName('send-alert_v2') // 'SendDashalertUnderscorev2'
 */
export function serverlessNormalizedName(functionKey: string): string {
  const replaced = functionKey.replace(/-/g, 'Dash').replace(/_/g, 'Underscore');
  return replaced ? `${replaced[0].toUpperCase()}${replaced.slice(1)}` : '';
}

/**
 * The logical ID Serverless gives a function's `AWS::Lambda::Function` (`naming.getLambdaLogicalId`).
 * The plugin asks Serverless's naming provider instead; this replica is for callers without one.
 * @example serverlessFunctionLogicalId('notify') // 'NotifyLambdaFunction'
 */
export function serverlessFunctionLogicalId(functionKey: string): string {
  return `${serverlessNormalizedName(functionKey)}LambdaFunction`;
}

/**
 * Physical name of a rule: `<service>.<stage>.<rule>`; when that exceeds 64 characters, the rule part is cut and
 * `-<8 hex digits of the full name's SHA-256>` appended, so the `<service>.<stage>.` prefix is always kept.
 *
 * Why dots: Serverless service names (`^[a-zA-Z][0-9a-zA-Z-]+$`) and stages (`^[A-Za-z0-9-]+$`) cannot contain
 * one, so the prefix names exactly one service and stage. A `-` would not: `<service>-<stage>-*` also matches the
 * rules of stage `<stage>-eu`, and of a service named `<service>-<stage>`. Grants that cannot list exact rule ARNs
 * (the Lambda permission, and policies too large for the list) rely on this prefix.
 *
 * @throws CompilerError `PATCHBAY_RULE_NAME_PREFIX_TOO_LONG` when the prefix leaves no room (service + stage > 53 chars).
 * @example rulePhysicalName('patchbay', 'dev', 'iam-root-login') // 'patchbay.dev.iam-root-login'
 */
export function rulePhysicalName(service: string, stage: string, ruleName: string): string {
  const prefix = ruleNamePrefix(service, stage);
  const full = `${prefix}${ruleName}`;
  if (full.length <= RULE_NAME_MAX_LENGTH) return full;
  const room = RULE_NAME_MAX_LENGTH - prefix.length - 9;
  if (room < 1) {
    throw new CompilerError(
      CompilerErrorCode.RULE_NAME_PREFIX_TOO_LONG,
      `Rule names start with "${prefix}" (${prefix.length} characters), which leaves no room for rule ${JSON.stringify(ruleName)} within EventBridge's ${RULE_NAME_MAX_LENGTH} characters: shorten the service or stage name`,
    );
  }
  return `${prefix}${ruleName.slice(0, room)}-${shortHash(full)}`;
}

/** The prefix every rule name of a deployment starts with, and no other service or stage's: `<service>.<stage>.`. */
export function ruleNamePrefix(service: string, stage: string): string {
  return `${service}.${stage}.`;
}

/**
 * Throw if two different names map to one logical ID.
 * @param ids - [logical ID, the name it came from] pairs
 * @throws CompilerError `PATCHBAY_LOGICAL_ID_COLLISION`
 */
export function assertUniqueIds(ids: Iterable<[string, string]>): void {
  const seen = new Map<string, string>();
  for (const [id, name] of ids) {
    const previous = seen.get(id);
    if (previous !== undefined && previous !== name) {
      throw new CompilerError(
        CompilerErrorCode.LOGICAL_ID_COLLISION,
        `${JSON.stringify(previous)} and ${JSON.stringify(name)} both map to logical ID ${id}: rename one of them`,
      );
    }
    seen.set(id, name);
  }
}

/** JSON with object keys sorted, so equal values hash equally. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${stableJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * `AWS::CloudWatch::Alarm` of a dead-letter queue, a rule, or a function's errors / throttles (see alarms.ts).
 * @example alarmLogicalId('rule', 'iam-root-login') // 'PatchbayAlarmRuleIamRootLogin'
 * @example alarmLogicalId('errors', 'notify') // 'NotifyPatchbayAlarmErrors'
 */
export function alarmLogicalId(kind: 'queue' | 'rule' | 'errors' | 'throttles', name: string): string {
  if (kind === 'queue') return `PatchbayAlarmDlq${name}`; // a logical ID already: alphanumeric
  if (kind === 'rule') return `PatchbayAlarmRule${pascalName(name)}`;
  return `${serverlessNormalizedName(name)}PatchbayAlarm${kind === 'errors' ? 'Errors' : 'Throttles'}`;
}
