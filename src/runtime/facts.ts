/**
 * What a person needs from an event at a glance: who did what to which resource, where, when, and where to click.
 * Read from the event's own fields, per kind of event:
 *
 * | event | who | what | which resource | console link |
 * | --- | --- | --- | --- | --- |
 * | `… via CloudTrail` (API call, sign-in, console action, service event) | `userIdentity` (ARN, type; `invokedBy` for services), `sourceIPAddress`, `userAgent`, MFA (`additionalEventData.MFAUsed`, else `sessionContext.attributes.mfaAuthenticated`) | `eventSource` + `eventName`, `errorCode` / `errorMessage` | `resources[].ARN`, then `requestParameters` values named `…Name`, `…Arn`, `…Id` (strings, or lists of strings) | CloudTrail event history, by `eventID` |
 * | `GuardDuty Finding` | | `type`, `title` | `resource`: instance id, access key user name, bucket names, else `resourceType` | the finding, by `id` |
 * | `Security Hub Findings - Imported` | | the first finding's `Title` | its `Resources[].Id` | the finding, by `Id` |
 * | `Config Rules Compliance Change`, `Config Configuration Item Change` | | the rule and compliance, or the change type | `resourceType` `resourceId` (or `configurationItem`) | the resource timeline |
 * | `EC2 Instance State-change Notification` | | the new `state` | `instance-id` | the instance |
 * | anything else | | `detail-type` from `source` | the envelope's `resources` | |
 *
 * Pure, and never throws for any JSON event: a field of an unexpected type is left out.
 * Console links are the consoles' own deep links (not an API AWS documents as stable); they open after sign-in to
 * the event's account and Region.
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html
 * @see https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_findings-summary.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/ref/events-structure.html
 */

import { asList, asRecord, asText, withoutUndefined } from './json';

/**
 * The facts of one event.
 * @example
 * { "summary": "DeleteTable by arn:aws:sts::111122223333:assumed-role/deployer/ci on orders",
 *   "who": { "actor": "arn:aws:sts::111122223333:assumed-role/deployer/ci", "type": "AssumedRole", "sourceIp": "198.51.100.23", "mfa": false },
 *   "what": "dynamodb.amazonaws.com DeleteTable", "resources": ["orders"],
 *   "where": "111122223333 (prod-main), eu-west-1", "when": "2025-06-03T09:14:27Z",
 *   "link": "https://eu-west-1.console.aws.amazon.com/cloudtrailv2/home?region=eu-west-1#/events/5ef1…" }
 */
export interface EventFacts {
  /** One line: what happened, by whom, to what. */
  summary: string;
  who?: { actor?: string; type?: string; sourceIp?: string; userAgent?: string; mfa?: boolean };
  /** Service and action, with the error when the call failed. */
  what: string;
  /** ARNs or names of the resources acted on, at most {@link MAX_RESOURCES}. */
  resources: string[];
  /** Account (with its alias when configured) and Region. */
  where: string;
  /** Event time, ISO 8601 UTC, as in the envelope. */
  when?: string;
  /** The event in the AWS console, where there is such a page. */
  link?: string;
}

/** At most this many resources are listed. */
export const MAX_RESOURCES = 10;

const CONSOLE_DOMAIN: Record<string, string> = { aws: 'console.aws.amazon.com', 'aws-cn': 'console.amazonaws.cn', 'aws-us-gov': 'console.amazonaws-us-gov.com' };

/**
 * Read the facts of an EventBridge event.
 * @param options.accountAliases - account id -> a name people know it by (`custom.patchbay.accountAliases`).
 * @example eventFacts(event, { accountAliases: { '111122223333': 'prod-main' } }).where; // '111122223333 (prod-main), eu-west-1'
 */
export function eventFacts(event: Record<string, unknown>, options: { accountAliases?: Readonly<Record<string, string>> } = {}): EventFacts {
  const detail = asRecord(event.detail);
  const detailType = asText(event['detail-type']) ?? '';
  const source = asText(event.source) ?? '';
  const region = asText(event.region);
  const account = asText(event.account);
  const alias = account !== undefined ? options.accountAliases?.[account] : undefined;
  const where = [account !== undefined ? `${account}${alias ? ` (${alias})` : ''}` : undefined, region].filter(Boolean).join(', ') || '-';
  const when = asText(event.time);
  const console = (pathAndFragment: string) => (region ? `https://${region}.${consoleDomain(region)}/${pathAndFragment.replace(/\{region\}/g, encodeURIComponent(region))}` : undefined);

  if (detailType.endsWith(' via CloudTrail') && asText(detail.eventName) !== undefined) {
    const identity = asRecord(detail.userIdentity);
    const actor = asText(identity.arn) ?? (asText(identity.type) === 'AWSService' ? asText(identity.invokedBy) : undefined) ?? asText(identity.principalId);
    const mfa = mfaOf(detail, identity);
    const who = compact({ actor, type: asText(identity.type), sourceIp: asText(detail.sourceIPAddress), userAgent: asText(detail.userAgent), mfa });
    const eventName = asText(detail.eventName)!;
    const errorCode = asText(detail.errorCode);
    const outcome = asText(asRecord(detail.responseElements).ConsoleLogin);
    const what = `${asText(detail.eventSource) ?? source} ${eventName}${errorCode ? `, failed: ${errorCode}${asText(detail.errorMessage) ? ` (${asText(detail.errorMessage)})` : ''}` : outcome ? `, ${outcome}` : ''}`;
    const resources = unique([...arnsOf(detail.resources), ...namedParameters(detail.requestParameters)]);
    const eventId = asText(detail.eventID);
    const summary = `${eventName}${errorCode ? ` failed (${errorCode})` : outcome ? ` ${outcome}` : ''}${actor ? ` by ${actor}` : ''}${resources[0] !== undefined ? ` on ${resources[0]}` : ''}`;
    return { summary, ...(who ? { who } : {}), what, resources, where, ...(when ? { when } : {}), ...(eventId ? withLink(console(`cloudtrailv2/home?region={region}#/events/${encodeURIComponent(eventId)}`)) : {}) };
  }
  if (detailType === 'GuardDuty Finding') {
    const resource = asRecord(detail.resource);
    const resources = unique([
      asText(asRecord(resource.instanceDetails).instanceId),
      asText(asRecord(resource.accessKeyDetails).userName),
      ...asList(resource.s3BucketDetails).map((bucket) => asText(asRecord(bucket).name)),
      asText(asRecord(resource.eksClusterDetails).name),
    ]);
    if (resources.length === 0 && asText(resource.resourceType)) resources.push(asText(resource.resourceType)!);
    const type = asText(detail.type) ?? detailType;
    const id = asText(detail.id);
    return {
      summary: `GuardDuty ${type}${resources[0] ? ` on ${resources[0]}` : ''}`,
      what: `${type}${asText(detail.title) ? `: ${asText(detail.title)}` : ''}`,
      resources,
      where,
      ...(when ? { when } : {}),
      ...(id ? withLink(console(`guardduty/home?region={region}#/findings?macros=current&fId=${encodeURIComponent(id)}`)) : {}),
    };
  }
  if (detailType === 'Security Hub Findings - Imported') {
    const finding = asRecord(asList(detail.findings)[0]);
    const title = asText(finding.Title) ?? detailType;
    const resources = unique(asList(finding.Resources).map((r) => asText(asRecord(r).Id)));
    const id = asText(finding.Id);
    return {
      summary: `Security Hub: ${title}${resources[0] ? ` on ${resources[0]}` : ''}`,
      what: title,
      resources,
      where,
      ...(when ? { when } : {}),
      ...(id ? withLink(console(`securityhub/home?region={region}#/findings?search=Id%3D%255Coperator%255C%253AEQUALS%255C%253A${encodeURIComponent(encodeURIComponent(id))}`)) : {}),
    };
  }
  if (detailType === 'Config Rules Compliance Change' || detailType === 'Config Configuration Item Change') {
    const item = asRecord(detail.configurationItem);
    const resourceType = asText(detail.resourceType) ?? asText(item.resourceType);
    const resourceId = asText(detail.resourceId) ?? asText(item.resourceId);
    const compliance = asText(asRecord(detail.newEvaluationResult).complianceType);
    const rule = asText(detail.configRuleName);
    const what = detailType === 'Config Rules Compliance Change' ? `Config rule ${rule ?? '-'}: ${compliance ?? '-'}` : `Config ${asText(detail.configurationItemDiff && asRecord(detail.configurationItemDiff).changeType) ?? 'change'}`;
    const resources = unique([asText(item.ARN), resourceId && resourceType ? `${resourceType} ${resourceId}` : resourceId]);
    return {
      summary: `${what}${resources[0] ? ` on ${resources.at(-1)}` : ''}`,
      what,
      resources,
      where,
      ...(when ? { when } : {}),
      ...(resourceId && resourceType ? withLink(console(`config/home?region={region}#/resources/timeline?resourceId=${encodeURIComponent(resourceId)}&resourceType=${encodeURIComponent(resourceType)}`)) : {}),
    };
  }
  if (detailType === 'EC2 Instance State-change Notification') {
    const instance = asText(detail['instance-id']);
    const state = asText(detail.state) ?? '-';
    return {
      summary: `EC2 instance ${instance ?? '-'} ${state}`,
      what: `EC2 instance state: ${state}`,
      resources: instance ? [instance] : [],
      where,
      ...(when ? { when } : {}),
      ...(instance ? withLink(console(`ec2/home?region={region}#InstanceDetails:instanceId=${encodeURIComponent(instance)}`)) : {}),
    };
  }
  const resources = unique(asList(event.resources).map(asText));
  return { summary: `${detailType || 'event'} from ${source || '-'}`, what: `${detailType || '-'} from ${source || '-'}`, resources, where, ...(when ? { when } : {}) };
}

/** The console domain of the Region's partition. */
function consoleDomain(region: string): string {
  if (region.startsWith('cn-')) return CONSOLE_DOMAIN['aws-cn']!;
  if (region.startsWith('us-gov-')) return CONSOLE_DOMAIN['aws-us-gov']!;
  return CONSOLE_DOMAIN.aws!;
}

function withLink(link: string | undefined): { link?: string } {
  return link ? { link } : {};
}

/** MFA of a CloudTrail record: sign-ins say `MFAUsed: Yes|No`; sessions `mfaAuthenticated: "true"|"false"`. */
function mfaOf(detail: Record<string, unknown>, identity: Record<string, unknown>): boolean | undefined {
  const used = asText(asRecord(detail.additionalEventData).MFAUsed);
  if (used !== undefined) return used.toLowerCase() === 'yes';
  const authenticated = asText(asRecord(asRecord(identity.sessionContext).attributes).mfaAuthenticated);
  return authenticated === undefined ? undefined : authenticated === 'true';
}

/** `resources: [{ "ARN": … }]` of a CloudTrail record. */
function arnsOf(resources: unknown): (string | undefined)[] {
  return asList(resources).map((r) => asText(asRecord(r).ARN));
}

/** Request parameters whose names say they identify a resource (`tableName`, `roleArn`, `instanceIds`, `bucketName`). */
function namedParameters(parameters: unknown): (string | undefined)[] {
  const out: (string | undefined)[] = [];
  for (const [key, value] of Object.entries(asRecord(parameters))) {
    if (!/(^|[a-z])(name|arn|id|ids|names|arns)$/i.test(key)) continue;
    if (typeof value === 'string') out.push(value);
    else if (Array.isArray(value)) out.push(...value.map(asText));
    else if (Array.isArray(asRecord(value).items)) out.push(...asList(asRecord(value).items).map((item) => asText(asRecord(item).instanceId) ?? asText(asRecord(item).groupId)));
  }
  return out;
}

function unique(values: (string | undefined)[]): string[] {
  return [...new Set(values.filter((v): v is string => v !== undefined && v !== ''))].slice(0, MAX_RESOURCES);
}

/** `value` without its undefined fields; `undefined` when none is left. */
function compact<T extends Record<string, unknown>>(value: T): Partial<T> | undefined {
  const kept = withoutUndefined(value);
  return Object.keys(kept).length ? kept : undefined;
}
