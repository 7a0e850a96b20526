/**
 * `patchbay new --from <event>`: the pattern file a reviewer would write for one sample event. The pattern keeps
 * the envelope's `source` and `detail-type` and the detail fields that tell this kind of event apart from its
 * neighbours, by detail-type:
 *
 * | detail-type | detail fields matched | selected |
 * | --- | --- | --- |
 * | `AWS API Call via CloudTrail` | `eventSource`, `eventName`, `errorCode` (`[{exists: false}]` for a successful call, else its code) | actor, source IP, the first `…Name`/`…Arn`/`…Id` request parameter, error code |
 * | `AWS Console Sign In via CloudTrail` | `eventSource`, `eventName`, `userIdentity.type` when `Root`, `responseElements.ConsoleLogin` | actor, source IP, MFA used |
 * | `AWS Console Action via CloudTrail`, `AWS Service Event via CloudTrail` | `eventSource`, `eventName` | actor or service, source IP |
 * | `Config Rules Compliance Change` | `configRuleName`, `newEvaluationResult.complianceType` | resource type and id |
 * | `EC2 Instance State-change Notification` | `state` | instance id |
 * | `GuardDuty Finding` | `type` | severity, resource type |
 * | anything else | (none: source and detail-type only) | |
 *
 * Pure: no file system; `src/cli/commands/new.ts` reads the event, validates the result with the project's own
 * loader and tests, and writes it.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html
 */

import { selectFields } from '../runtime/select';
import { isRecord } from '../runtime/json';

/** What to put in the file besides the event. */
export interface NewRuleOptions {
  /** The sample event's path, project-relative posix (the first `match` test). */
  eventPath: string;
  /** Function key of the target. */
  functionKey: string;
  /** Topic key the function notifies. */
  topic: string;
  /** A sibling sample event, project-relative, that the pattern must not match (the first `no-match` test). */
  noMatch?: string;
  /** Path of the schema from the pattern file's folder, for the `yaml-language-server` line. */
  schemaPath?: string;
}

/** A derived rule: its pattern, selected fields and subject. */
export interface DerivedRule {
  /** `area/rule`: the file is `<patternsDir>/<area>/<rule>.yml`. */
  suggestedName: string;
  description: string;
  pattern: Record<string, unknown>;
  select: Record<string, string>;
  subject: string;
}

const CLOUDTRAIL_DETAIL_TYPES = new Set(['AWS API Call via CloudTrail', 'AWS Console Sign In via CloudTrail', 'AWS Console Action via CloudTrail', 'AWS Service Event via CloudTrail']);

/** Error of {@link deriveRule}: the input is not an EventBridge event. */
export class NewRuleError extends Error {
  override readonly name = 'NewRuleError';
  constructor(
    message: string,
    readonly code: 'NEW_RULE_NOT_AN_EVENT' | 'NEW_RULE_NAME_INVALID' | 'NEW_RULE_TARGET_UNKNOWN' | 'NEW_RULE_EXISTS' | 'NEW_RULE_INVALID',
  ) {
    super(message);
  }
}

/**
 * The pattern, selects and subject for one EventBridge event (see the table above).
 * @throws NewRuleError `NEW_RULE_NOT_AN_EVENT` when `event` has no string `source` and `detail-type` (a CloudTrail
 *   log record, say), naming what it found.
 * @example
 * deriveRule({ source: 'aws.dynamodb', 'detail-type': 'AWS API Call via CloudTrail',
 *   detail: { eventSource: 'dynamodb.amazonaws.com', eventName: 'DeleteBackup' } }).pattern;
 * // { source: ['aws.dynamodb'], 'detail-type': ['AWS API Call via CloudTrail'],
 * //   detail: { eventSource: ['dynamodb.amazonaws.com'], eventName: ['DeleteBackup'], errorCode: [{ exists: false }] } }
 */
export function deriveRule(event: unknown): DerivedRule {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) throw new NewRuleError(`the event is ${describe(event)}; an EventBridge event is a JSON object`, 'NEW_RULE_NOT_AN_EVENT');
  const e = event as Record<string, unknown>;
  const source = e.source;
  const detailType = e['detail-type'];
  if (typeof source !== 'string' || typeof detailType !== 'string') {
    const record = typeof e.eventSource === 'string' && typeof e.eventName === 'string';
    throw new NewRuleError(
      `${record ? 'a CloudTrail log record' : 'an object'} without string "source" and "detail-type"; an EventBridge event (the envelope EventBridge delivers, e.g. from the CloudTrail console's event history "view event" or from events/)`,
      'NEW_RULE_NOT_AN_EVENT',
    );
  }
  const detail = isRecord(e.detail) ? e.detail : {};
  const area = areaOf(source);
  const pattern: Record<string, unknown> = { source: [source], 'detail-type': [detailType] };
  const detailPattern: Record<string, unknown> = {};
  const select: Record<string, string> = {};
  let subject = `${detailType} from ${source} in {account} {region}`;
  let rule = kebab(detailType);
  let description = `${detailType} events from ${source}.`;

  if (CLOUDTRAIL_DETAIL_TYPES.has(detailType) && typeof detail.eventName === 'string') {
    const eventName = detail.eventName;
    if (typeof detail.eventSource === 'string') detailPattern.eventSource = [detail.eventSource];
    detailPattern.eventName = [eventName];
    rule = kebab(eventName);
    const identity = isRecord(detail.userIdentity) ? detail.userIdentity : {};
    if (detailType === 'AWS API Call via CloudTrail') {
      const errorCode = detail.errorCode;
      if (typeof errorCode === 'string') {
        detailPattern.errorCode = [errorCode];
        select.errorCode = 'detail.errorCode';
        rule = `${rule}-${kebab(errorCode)}`;
      } else detailPattern.errorCode = [{ exists: false }];
    }
    if (detailType === 'AWS Console Sign In via CloudTrail') {
      if (identity.type === 'Root') detailPattern.userIdentity = { type: ['Root'] };
      const outcome = isRecord(detail.responseElements) ? detail.responseElements.ConsoleLogin : undefined;
      if (typeof outcome === 'string') {
        detailPattern.responseElements = { ConsoleLogin: [outcome] };
        rule = `${identity.type === 'Root' ? 'root-' : ''}${rule}-${kebab(outcome)}`;
      }
    }
    if (detailType === 'AWS Service Event via CloudTrail') select.service = 'detail.userIdentity.invokedBy';
    else select.actor = 'detail.userIdentity.arn';
    select.sourceIp = 'detail.sourceIPAddress';
    if (detailType === 'AWS Console Sign In via CloudTrail') select.mfaUsed = 'detail.additionalEventData.MFAUsed';
    const resource = resourceParameter(detail.requestParameters);
    if (resource !== undefined) select.resource = `detail.requestParameters.${jmesKey(resource)}`;
    const who = select.actor !== undefined ? ' by {actor}' : '';
    const failed = typeof detail.errorCode === 'string' ? ' failed ({errorCode})' : '';
    subject = `${eventName}${resource !== undefined ? ' {resource}' : ''}${failed}${who} in {account} {region}`;
    description = `${eventName} on ${typeof detail.eventSource === 'string' ? detail.eventSource : source}${typeof detail.errorCode === 'string' ? ` failing with ${detail.errorCode}` : detailType === 'AWS API Call via CloudTrail' ? ' (successful calls)' : ''}.`;
  } else if (detailType === 'Config Rules Compliance Change') {
    if (typeof detail.configRuleName === 'string') detailPattern.configRuleName = [detail.configRuleName];
    const compliance = isRecord(detail.newEvaluationResult) ? detail.newEvaluationResult.complianceType : undefined;
    if (typeof compliance === 'string') detailPattern.newEvaluationResult = { complianceType: [compliance] };
    select.resourceType = 'detail.resourceType';
    select.resource = 'detail.resourceId';
    subject = `Config rule ${typeof detail.configRuleName === 'string' ? detail.configRuleName : '{detail-type}'}: {resourceType} {resource}${typeof compliance === 'string' ? ` ${compliance}` : ''} in {account} {region}`;
    rule = typeof compliance === 'string' ? kebab(compliance) : rule;
    description = `AWS Config rule ${String(detail.configRuleName ?? '')} evaluations${typeof compliance === 'string' ? ` that turn ${compliance}` : ''}.`;
  } else if (detailType === 'EC2 Instance State-change Notification' && typeof detail.state === 'string') {
    detailPattern.state = [detail.state];
    select.instance = 'detail."instance-id"';
    subject = `EC2 instance {instance} ${detail.state} in {account} {region}`;
    rule = `instance-${kebab(detail.state)}`;
    description = `EC2 instances entering the ${detail.state} state.`;
  } else if (detailType === 'GuardDuty Finding' && typeof detail.type === 'string') {
    detailPattern.type = [detail.type];
    select.severity = 'detail.severity';
    select.resourceType = 'detail.resource.resourceType';
    subject = `GuardDuty ${detail.type} (severity {severity}) in {account} {region}`;
    rule = kebab(detail.type.split(/[:/]/)[0] ?? 'finding');
    description = `GuardDuty findings of type ${detail.type}.`;
  }
  if (Object.keys(detailPattern).length > 0) pattern.detail = detailPattern;
  // Only fields this event has (a select that is null on the sample is the SELECT_ALWAYS_NULL warning), and a
  // subject that names only those.
  const values = selectFields(select, event);
  const kept = Object.fromEntries(Object.entries(select).filter(([key]) => values[key] !== null));
  const shownSubject = subject
    .replace(/ by \{(\w+)\}| \{(\w+)\}| \((\w+) \{(\w+)\}\)| failed \(\{(\w+)\}\)/g, (whole: string, ...keys: (string | undefined)[]) => {
      const key = keys.slice(0, 5).find((k) => k !== undefined && k in select);
      return key === undefined || key in kept ? whole : '';
    });
  return { suggestedName: `${area}/${rule}`.slice(0, 60), description, pattern, select: kept, subject: shownSubject };
}

/**
 * The pattern file's text: the schema line, description, pattern, one function target that notifies `topic`, and
 * the tests (the event as `match`, the sibling as `no-match`), in the layout of the starter rules.
 * @example renderPatternFile(deriveRule(event), { eventPath: 'events/dynamodb/delete-backup.json', functionKey: 'notify', topic: 'security' })
 */
export function renderPatternFile(rule: DerivedRule, options: NewRuleOptions): string {
  const lines: string[] = [];
  if (options.schemaPath) lines.push(`# yaml-language-server: $schema=${options.schemaPath}`);
  lines.push(`# Written by patchbay new from ${options.eventPath}: review the pattern, select and subject.`);
  lines.push(`description: ${scalar(rule.description)}`);
  lines.push('pattern:');
  lines.push(...block(rule.pattern, 1));
  lines.push('targets:');
  lines.push(`  - function: ${scalar(options.functionKey)}`);
  if (Object.keys(rule.select).length > 0) {
    lines.push('    select:');
    for (const [key, expression] of Object.entries(rule.select)) lines.push(`      ${key}: ${scalar(expression)}`);
  }
  lines.push('    notify:');
  lines.push(`      topic: ${scalar(options.topic)}`);
  lines.push(`      subject: ${JSON.stringify(rule.subject)}`);
  lines.push('tests:');
  lines.push('  match:');
  lines.push(`    - ${scalar(options.eventPath)}`);
  if (options.noMatch !== undefined) {
    lines.push('  no-match:');
    lines.push(`    - ${scalar(options.noMatch)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** YAML block lines for a pattern object: nested objects indented, match lists as flow sequences. */
function block(value: Record<string, unknown>, depth: number): string[] {
  const indent = '  '.repeat(depth);
  return Object.entries(value).flatMap(([key, child]) =>
    Array.isArray(child) ? [`${indent}${scalar(key)}: [${child.map(flow).join(', ')}]`] : [`${indent}${scalar(key)}:`, ...block(child as Record<string, unknown>, depth + 1)],
  );
}

function flow(value: unknown): string {
  if (isRecord(value)) return `{ ${Object.entries(value).map(([k, v]) => `${scalar(k)}: ${flow(v)}`).join(', ')} }`;
  return scalar(value);
}

/** A YAML scalar: plain when YAML reads it back as the same string, else JSON's double-quoted form (valid YAML). */
function scalar(value: unknown): string {
  if (typeof value !== 'string') return JSON.stringify(value);
  const plain = /^[A-Za-z_][A-Za-z0-9 ._\/@()-]*$/.test(value) && !/ $/.test(value) && !/^(true|false|null|yes|no|on|off|y|n|~)$/i.test(value);
  return plain ? value : JSON.stringify(value);
}

/** The first request parameter that names the resource acted on (`…Name`, `…Arn`, `…Id`, or `name`/`arn`/`id`). */
function resourceParameter(parameters: unknown): string | undefined {
  if (!isRecord(parameters)) return undefined;
  return Object.keys(parameters).find((key) => typeof parameters[key] === 'string' && /(^|[a-z])(name|arn|id)$/i.test(key));
}

/** A key as a JMESPath identifier: bare when it can be, quoted otherwise. */
function jmesKey(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? key : JSON.stringify(key);
}

/** `aws.dynamodb` -> `dynamodb`; `aws.partner/auth0.com/…` -> `auth0`; `com.example.orders` -> `orders`. */
function areaOf(source: string): string {
  if (source.startsWith('aws.partner/')) return kebab(source.split('/')[1]?.split('.')[0] ?? 'partner') || 'partner';
  if (source.startsWith('aws.')) return kebab(source.slice(4)) || 'aws';
  return kebab(source.split('.').at(-1) ?? source) || 'custom';
}

/** `DeleteTable` -> `delete-table`; `AWS API Call via CloudTrail` -> `aws-api-call-via-cloudtrail`. */
export function kebab(text: string): string {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}


function describe(value: unknown): string {
  return Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`;
}
