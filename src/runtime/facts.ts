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
  const detail = object(event.detail);
  const detailType = text(event['detail-type']) ?? '';
  const source = text(event.source) ?? '';
  const region = text(event.region);
  const account = text(event.account);
  const alias = account !== undefined ? options.accountAliases?.[account] : undefined;
  const where = [account !== undefined ? `${account}${alias ? ` (${alias})` : ''}` : undefined, region].filter(Boolean).join(', ') || '-';
  const when = text(event.time);
  const console = (pathAndFragment: string) => (region ? `https://${region}.${consoleDomain(region)}/${pathAndFragment.replace(/\{region\}/g, encodeURIComponent(region))}` : undefined);

  if (detailType.endsWith(' via CloudTrail') && text(detail.eventName) !== undefined) {
    const identity = object(detail.userIdentity);
    const actor = text(identity.arn) ?? (text(identity.type) === 'AWSService' ? text(identity.invokedBy) : undefined) ?? text(identity.principalId);
    const mfa = mfaOf(detail, identity);
    const who = compact({ actor, type: text(identity.type), sourceIp: text(detail.sourceIPAddress), userAgent: text(detail.userAgent), mfa });
    const eventName = text(detail.eventName)!;
    const errorCode = text(detail.errorCode);
    const outcome = text(object(detail.responseElements).ConsoleLogin);
    const what = `${text(detail.eventSource) ?? source} ${eventName}${errorCode ? `, failed: ${errorCode}${text(detail.errorMessage) ? ` (${text(detail.errorMessage)})` : ''}` : outcome ? `, ${outcome}` : ''}`;
    const resources = unique([...arnsOf(detail.resources), ...namedParameters(detail.requestParameters)]);
    const eventId = text(detail.eventID);
    const summary = `${eventName}${errorCode ? ` failed (${errorCode})` : outcome ? ` ${outcome}` : ''}${actor ? ` by ${actor}` : ''}${resources[0] !== undefined ? ` on ${resources[0]}` : ''}`;
    return { summary, ...(who ? { who } : {}), what, resources, where, ...(when ? { when } : {}), ...(eventId ? withLink(console(`cloudtrailv2/home?region={region}#/events/${encodeURIComponent(eventId)}`)) : {}) };
  }
  if (detailType === 'GuardDuty Finding') {
    const resource = object(detail.resource);
    const resources = unique([
      text(object(resource.instanceDetails).instanceId),
      text(object(resource.accessKeyDetails).userName),
      ...list(resource.s3BucketDetails).map((bucket) => text(object(bucket).name)),
      text(object(resource.eksClusterDetails).name),
    ]);
    if (resources.length === 0 && text(resource.resourceType)) resources.push(text(resource.resourceType)!);
    const type = text(detail.type) ?? detailType;
    const id = text(detail.id);
    return {
      summary: `GuardDuty ${type}${resources[0] ? ` on ${resources[0]}` : ''}`,
      what: `${type}${text(detail.title) ? `: ${text(detail.title)}` : ''}`,
      resources,
      where,
      ...(when ? { when } : {}),
      ...(id ? withLink(console(`guardduty/home?region={region}#/findings?macros=current&fId=${encodeURIComponent(id)}`)) : {}),
    };
  }
  if (detailType === 'Security Hub Findings - Imported') {
    const finding = object(list(detail.findings)[0]);
    const title = text(finding.Title) ?? detailType;
    const resources = unique(list(finding.Resources).map((r) => text(object(r).Id)));
    const id = text(finding.Id);
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
    const item = object(detail.configurationItem);
    const resourceType = text(detail.resourceType) ?? text(item.resourceType);
    const resourceId = text(detail.resourceId) ?? text(item.resourceId);
    const compliance = text(object(detail.newEvaluationResult).complianceType);
    const rule = text(detail.configRuleName);
    const what = detailType === 'Config Rules Compliance Change' ? `Config rule ${rule ?? '-'}: ${compliance ?? '-'}` : `Config ${text(detail.configurationItemDiff && object(detail.configurationItemDiff).changeType) ?? 'change'}`;
    const resources = unique([text(item.ARN), resourceId && resourceType ? `${resourceType} ${resourceId}` : resourceId]);
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
    const instance = text(detail['instance-id']);
    const state = text(detail.state) ?? '-';
    return {
      summary: `EC2 instance ${instance ?? '-'} ${state}`,
      what: `EC2 instance state: ${state}`,
      resources: instance ? [instance] : [],
      where,
      ...(when ? { when } : {}),
      ...(instance ? withLink(console(`ec2/home?region={region}#InstanceDetails:instanceId=${encodeURIComponent(instance)}`)) : {}),
    };
  }
  const resources = unique(list(event.resources).map(text));
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
  const used = text(object(detail.additionalEventData).MFAUsed);
  if (used !== undefined) return used.toLowerCase() === 'yes';
  const authenticated = text(object(object(identity.sessionContext).attributes).mfaAuthenticated);
  return authenticated === undefined ? undefined : authenticated === 'true';
}

/** `resources: [{ "ARN": … }]` of a CloudTrail record. */
function arnsOf(resources: unknown): (string | undefined)[] {
  return list(resources).map((r) => text(object(r).ARN));
}

/** Request parameters whose names say they identify a resource (`tableName`, `roleArn`, `instanceIds`, `bucketName`). */
function namedParameters(parameters: unknown): (string | undefined)[] {
  const out: (string | undefined)[] = [];
  for (const [key, value] of Object.entries(object(parameters))) {
    if (!/(^|[a-z])(name|arn|id|ids|names|arns)$/i.test(key)) continue;
    if (typeof value === 'string') out.push(value);
    else if (Array.isArray(value)) out.push(...value.map(text));
    else if (Array.isArray(object(value).items)) out.push(...list(object(value).items).map((item) => text(object(item).instanceId) ?? text(object(item).groupId)));
  }
  return out;
}

function unique(values: (string | undefined)[]): string[] {
  return [...new Set(values.filter((v): v is string => v !== undefined && v !== ''))].slice(0, MAX_RESOURCES);
}

function compact<T extends Record<string, unknown>>(value: T): Partial<T> | undefined {
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  return entries.length ? (Object.fromEntries(entries) as Partial<T>) : undefined;
}

function object(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
