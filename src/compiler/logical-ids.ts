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
  const pascal = name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word[0].toUpperCase() + word.slice(1))
    .join('');
  return CANONICAL_NAME.test(name) ? pascal : `${pascal}${shortHash(name)}`;
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

/** `AWS::SQS::QueuePolicy` letting EventBridge send undeliverable events to the dead-letter queue. */
export function deadLetterQueuePolicyLogicalId(): string {
  return 'PatchbayDeadLetterQueuePolicy';
}

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
 * Physical name of a rule: `<service>-<stage>-<rule>`; when that exceeds 64 characters, the rule part is cut and
 * `-<8 hex digits of the full name's SHA-256>` appended, so the `<service>-<stage>-` prefix (which the Lambda
 * permission's `SourceArn` wildcard relies on) is always kept.
 *
 * @throws CompilerError `PATCHBAY_RULE_NAME_PREFIX_TOO_LONG` when the prefix leaves no room (service + stage > 53 chars).
 * @example rulePhysicalName('patchbay', 'dev', 'iam-root-login') // 'patchbay-dev-iam-root-login'
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

/** The prefix every rule name of a deployment starts with: `<service>-<stage>-`. */
export function ruleNamePrefix(service: string, stage: string): string {
  return `${service}-${stage}-`;
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
