/**
 * What only the deployment can tell: checks that need the stack's Region (and account, when known), the bus each
 * rule is on and the whole catalog at once. Errors stop the compile; warnings are reported and do not.
 *
 * | code | severity | raised when |
 * | --- | --- | --- |
 * | `FOREIGN_BUS` | error | a bus in another account or Region (`existing:` an ARN) is a rule's bus, has a policy or an archive, or is a schema discoverer's source: only a forwarding target (`eventBus:`) can be elsewhere |
 * | `BUS_NAME_RESERVED` | error | a bus's name starts with `<service>.<stage>.`, the prefix of this deployment's rule names, which the Lambda permission's `SourceArn` pattern would then also match on that bus |
 * | `RULE_STATE_NOT_ALLOWED` | error | `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS` on a schedule or on a partner bus's rule (EventBridge refuses both) |
 * | `SNS_TARGET_FIFO_TOPIC` | error | an `sns:` target names a FIFO topic: publishes to it need a MessageGroupId and a deduplication ID, which only the notify function sets |
 * | `MULTI_HOP_FORWARDING` | warning | a rule forwards to another bus from a bus that receives forwarded events (a forwarding target of this stack, or a bus whose policy admits other accounts): EventBridge does not route events received from a sender bus to a third bus |
 * | `GLOBAL_SERVICE_EVENTS_REGION` | warning | a rule of the default bus matches events of IAM, STS, AWS sign-in or Organizations in a Region other than us-east-1, where those events never arrive |
 * | `CLOUDTRAIL_TRAIL_REQUIRED` | warning | rules of the default bus match `AWS API Call via CloudTrail` and `custom.patchbay.trail` is not set: the events arrive only while a trail (this stack's or an organization trail) is logging; one warning at `/custom/patchbay` listing the rules |
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-account.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event.html
 */
import { createIssue, DEFAULT_BUS, RuleState, type Catalog, type IssueSeverity } from '../catalog';
import type { ResolvedBus } from './buses';
import { DeploymentIssueCode, type CompilerIssue } from './errors';
import { ruleNamePrefix } from './logical-ids';

/** Where the stack is deployed. */
export interface DeploymentTarget {
  service: string;
  stage: string;
  /** The stack's Region (`provider.region`), e.g. `us-east-1`; absent: not compared. */
  region?: string;
  /** The stack's 12-digit account, when known (it is not, offline); absent: not compared. */
  account?: string;
}

/** Where issues point: the config file and the catalog's source positions. */
export interface CheckContext {
  /** @default 'serverless.yml' */
  filePath?: string;
  locate?: Catalog['locate'];
}

/** The Region whose buses receive the events of global services. */
export const GLOBAL_SERVICES_REGION = 'us-east-1';

/** Event sources (and their CloudTrail `eventSource`) of global services: their events reach us-east-1 only. */
export const GLOBAL_SERVICE_SOURCES: Readonly<Record<string, string>> = {
  'aws.iam': 'iam.amazonaws.com',
  'aws.sts': 'sts.amazonaws.com',
  'aws.signin': 'signin.amazonaws.com',
  'aws.organizations': 'organizations.amazonaws.com',
};

/** The detail-type of CloudTrail management (API call) events. */
export const CLOUDTRAIL_API_CALL = 'AWS API Call via CloudTrail';

const CONSOLE_SIGN_IN = 'AWS Console Sign In via CloudTrail';
const EVENT_BUS_ARN = /^arn:aws[a-z-]*:events:([a-z0-9-]+):(\d{12}):event-bus\/.+$/;

/**
 * Check a catalog against where it is deployed.
 * @returns every problem, errors and warnings (`severity`), each pointing at the pattern file or serverless.yml node.
 * @example
 * checkDeployment(catalog, buses, { service: 'patchbay', stage: 'dev', region: 'us-east-1' })
 * // [{ code: 'FOREIGN_BUS', severity: 'error', filePath: 'patterns/shared/x.yml', pointer: '/bus', line: 2, column: 6, ... }]
 */
export function checkDeployment(catalog: Catalog, buses: Record<string, ResolvedBus>, target: DeploymentTarget, context: CheckContext = {}): CompilerIssue[] {
  const configFile = context.filePath ?? 'serverless.yml';
  const issues: CompilerIssue[] = [];
  const report = (severity: IssueSeverity, code: DeploymentIssueCode, filePath: string, pointer: string, found: string, allowed: string): void => {
    const position = context.locate?.(filePath, pointer);
    issues.push(createIssue({ code, severity, filePath, pointer, line: position?.line, column: position?.column, found, allowed }));
  };
  const { config } = catalog;

  // Buses elsewhere: only a forwarding target.
  const elsewhere = new Map<string, string>();
  for (const [key, bus] of Object.entries(config.buses)) {
    if (bus.kind !== 'existing') continue;
    const arn = EVENT_BUS_ARN.exec(bus.existing);
    if (!arn) continue;
    const [, region, account] = arn;
    const mismatches = [
      ...(target.account !== undefined && account !== target.account ? [`account ${account} (this stack: ${target.account})`] : []),
      ...(target.region !== undefined && region !== target.region ? [`Region ${region} (this stack: ${target.region})`] : []),
    ];
    if (mismatches.length) elsewhere.set(key, `bus "${key}" (${bus.existing}) is in ${mismatches.join(' and ')}`);
  }
  const allowedElsewhere = (key: string): string =>
    `a bus of this stack's account and Region; a bus elsewhere can only be a forwarding target (eventBus: ${key}): forward to it from a bus here`;
  for (const rule of catalog.rules) {
    const mismatch = elsewhere.get(rule.bus);
    if (mismatch) report('error', DeploymentIssueCode.FOREIGN_BUS, rule.filePath, '/bus', `${mismatch}: rules can only be created on a bus of their own account and Region`, allowedElsewhere(rule.bus));
  }
  for (const [key, bus] of Object.entries(config.buses)) {
    const mismatch = elsewhere.get(key);
    if (!mismatch) continue;
    if (bus.policy) report('error', DeploymentIssueCode.FOREIGN_BUS, configFile, `/custom/patchbay/buses/${key}/policy`, `${mismatch}: its policy belongs to its own account`, 'no policy here: set it in the stack of the account and Region that owns the bus');
    if (bus.archive) report('error', DeploymentIssueCode.FOREIGN_BUS, configFile, `/custom/patchbay/buses/${key}/archive`, `${mismatch}: an archive is created in the bus's own account and Region`, 'no archive here: archive it in the stack that owns the bus');
  }
  config.schemas?.discoverers.forEach((key, index) => {
    const mismatch = elsewhere.get(key);
    if (mismatch) report('error', DeploymentIssueCode.FOREIGN_BUS, configFile, `/custom/patchbay/schemas/discoverers/${index}`, `${mismatch}: a discoverer runs in the bus's own account and Region`, 'a bus of this stack\'s account and Region');
  });

  // Bus names that would share this deployment's rule prefix.
  const prefix = ruleNamePrefix(target.service, target.stage);
  for (const [key, bus] of Object.entries(config.buses)) {
    const name = buses[key]?.name;
    if (bus.kind === 'default' || name === undefined || !name.startsWith(prefix)) continue;
    const field = bus.kind === 'existing' ? 'existing' : bus.kind === 'custom' ? 'name' : 'eventSourceName';
    report('error', DeploymentIssueCode.BUS_NAME_RESERVED, configFile, `/custom/patchbay/buses/${key}/${field}`, `bus name ${JSON.stringify(name)} starts with ${JSON.stringify(prefix)}, the prefix of this deployment's rule names`, `a name not starting with ${JSON.stringify(prefix)}: the Lambda permission admits rules named ${prefix}* and cannot tell such a bus apart`);
  }

  // ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS: pattern rules of non-partner buses only.
  for (const rule of catalog.rules) {
    if (rule.state !== RuleState.ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS) continue;
    const bus = config.buses[rule.bus];
    const partner = bus?.kind === 'partner' || (bus?.kind === 'existing' && /(^|\/)aws\.partner\//.test(bus.existing));
    if (rule.schedule !== undefined || partner) {
      report(
        'error',
        DeploymentIssueCode.RULE_STATE_NOT_ALLOWED,
        rule.filePath,
        '/state',
        `state ${rule.state} on ${rule.schedule !== undefined ? 'a schedule rule' : `a rule of partner bus "${rule.bus}"`}`,
        'ENABLED or DISABLED: EventBridge accepts ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS only on event-pattern rules of the default and custom buses',
      );
    }
  }

  // FIFO topics need the MessageGroupId and deduplication ID only the notify function sets.
  for (const rule of catalog.rules) {
    rule.targets.forEach((t, index) => {
      if (t.kind !== 'sns' || !config.topics[t.sns]?.fifo) return;
      report(
        'error',
        DeploymentIssueCode.SNS_TARGET_FIFO_TOPIC,
        rule.filePath,
        `/targets/${index}/sns`,
        `sns: ${JSON.stringify(t.sns)}, a FIFO topic (custom.patchbay.topics.${t.sns}.fifo): EventBridge's publishes to it would lack the MessageGroupId and deduplication ID`,
        'a standard topic, or a function target that notifies the FIFO topic (notify: { topic: ' + t.sns + ' }): the notify function sets both',
      );
    });
  }

  // Forwarding from a bus that receives forwarded events.
  const receivers = new Map<string, string>();
  for (const rule of catalog.rules) {
    for (const t of rule.targets) if (t.kind === 'eventBus' && !t.eventBus.startsWith('arn:') && t.eventBus !== rule.bus) receivers.set(t.eventBus, `rule ${rule.name} forwards to it`);
  }
  for (const [key, bus] of Object.entries(config.buses)) {
    if (!bus.policy || receivers.has(key)) continue;
    const { accounts, organization, organizationalUnits } = bus.policy.allow;
    if (accounts.length || organization !== undefined || organizationalUnits.length) receivers.set(key, 'its policy lets other accounts send to it');
  }
  for (const rule of catalog.rules) {
    const why = receivers.get(rule.bus);
    if (!why) continue;
    rule.targets.forEach((t, index) => {
      if (t.kind !== 'eventBus') return;
      report(
        'warning',
        DeploymentIssueCode.MULTI_HOP_FORWARDING,
        rule.filePath,
        `/targets/${index}/eventBus`,
        `rule ${rule.name} forwards events of bus "${rule.bus}" to ${JSON.stringify(t.eventBus)}, and bus "${rule.bus}" receives forwarded events (${why}): EventBridge can't route events received from a sender event bus to a third event bus, so those are not delivered`,
        'forward from the first bus straight to every destination (one rule, or one target, per destination); see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-account.html',
      );
    });
  }

  // Events that arrive only in us-east-1, or only with a trail.
  const cloudTrailRules: string[] = [];
  for (const rule of catalog.rules) {
    if (rule.bus !== DEFAULT_BUS || rule.pattern === undefined) continue;
    const branches = patternBranches(rule.pattern);
    const globalSources = new Set<string>();
    let apiCalls = false;
    for (const branch of branches) {
      const sources = strings(branch.source);
      const detailTypes = strings(branch['detail-type']);
      const eventSources = strings(isObject(branch.detail) ? branch.detail.eventSource : undefined);
      for (const source of sources) if (GLOBAL_SERVICE_SOURCES[source]) globalSources.add(source);
      for (const [source, eventSource] of Object.entries(GLOBAL_SERVICE_SOURCES)) if (eventSources.includes(eventSource)) globalSources.add(source);
      if (detailTypes.includes(CONSOLE_SIGN_IN)) globalSources.add('aws.signin');
      if (detailTypes.includes(CLOUDTRAIL_API_CALL)) apiCalls = true;
    }
    if (globalSources.size && target.region !== undefined && target.region !== GLOBAL_SERVICES_REGION) {
      report(
        'warning',
        DeploymentIssueCode.GLOBAL_SERVICE_EVENTS_REGION,
        rule.filePath,
        '/pattern',
        `rule ${rule.name} matches events of ${[...globalSources].sort().join(', ')} and is deployed to ${target.region}: events of global services (IAM, STS global endpoint, AWS sign-in, Organizations) are delivered to the default bus of ${GLOBAL_SERVICES_REGION} only`,
        `deploy this rule to ${GLOBAL_SERVICES_REGION}, or forward those events from there to this Region`,
      );
    }
    if (apiCalls && config.trail === undefined) cloudTrailRules.push(rule.filePath);
  }
  if (cloudTrailRules.length) {
    // One warning for the project (not one per rule): the remedy, a trail, is one too.
    const count = cloudTrailRules.length === 1 ? '1 rule matches' : `${cloudTrailRules.length} rules match`;
    report(
      'warning',
      DeploymentIssueCode.CLOUDTRAIL_TRAIL_REQUIRED,
      configFile,
      '/custom/patchbay',
      `${count} "${CLOUDTRAIL_API_CALL}" events (${cloudTrailRules.join(', ')}) and custom.patchbay.trail is not set: EventBridge receives those events only from a CloudTrail trail that is logging`,
      'set custom.patchbay.trail, or make sure a trail logs this account and Region (an organization trail does)',
    );
  }
  return issues;
}

/** The AND-branches of a pattern: its `$or` alternatives, flattened (top level only: where source and detail-type are). */
function patternBranches(pattern: Record<string, unknown>): Record<string, unknown>[] {
  const { $or, ...rest } = pattern;
  if (!Array.isArray($or)) return [pattern];
  return $or.flatMap((branch) => (isObject(branch) ? patternBranches({ ...rest, ...branch }) : [rest]));
}

/** The plain strings of a pattern field's list (exact matches; `prefix`/`wildcard` objects are not looked into). */
function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
