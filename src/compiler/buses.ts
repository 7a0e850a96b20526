/**
 * Event buses: what each bus key of `custom.patchbay.buses` is in CloudFormation (its name, ARN, the ARNs of its
 * rules), and the resources patchbay creates for them: `AWS::Events::EventBus` (custom and partner buses), one
 * `AWS::Events::EventBusPolicy` per allowed account, organization and organizational unit, and
 * `AWS::Events::Archive`.
 *
 * Bus policies: one resource per statement, each with a statement ID made of `<service>-<stage>-<bus key>-` and what it
 * allows (`account-111122223333`, `org-o-a1b2c3d4e5`, the OU's ID `ou-ab12-11111111`): adding or removing an account touches
 * only that statement, and two stacks adding statements to one bus (the default bus, typically) never collide.
 * Every statement grants `events:PutEvents` on that bus only. `Principal: "*"` appears only with an
 * `aws:PrincipalOrgID` or `aws:PrincipalOrgPaths` condition. The whole policy must fit EventBridge's 10,240
 * characters: {@link busPolicyLength} measures it with the longest ARNs the bus could get.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-events-eventbus.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-events-eventbuspolicy.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-events-archive.html
 */
import { DEFAULT_BUS, type ArchiveConfig, type BusConfig, type BusPolicyAllow, type ProjectConfig } from '../catalog';
import { archiveName } from '../replay/names';
import { getAtt, ref, sub, type CfnOutput, type CfnResource, type IamStatement } from './cfn';
import { CompilerError, CompilerErrorCode } from './errors';
import { archiveLogicalId, busLogicalId, busPolicyLogicalId, busPolicyStatementId, customBusPhysicalName, ruleNamePrefix, rulePhysicalName } from './logical-ids';

/** EventBridge's limit of an event bus's resource policy, in characters. @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html */
export const BUS_POLICY_MAX_LENGTH = 10_240;

/** The characters of a bus name EventBridge allows. */
export const BUS_NAME_MAX_LENGTH = 256;

/** Where a bus is, in CloudFormation terms. */
export interface ResolvedBus {
  key: string;
  kind: BusConfig['kind'];
  /** Physical name: `default`, the custom bus's name, the partner event source, or the existing bus's name. */
  name: string;
  /** A rule's `EventBusName`: absent for the default bus, a `Ref` for buses of this stack, the name or ARN as given for an existing bus. */
  eventBusName?: unknown;
  /** The bus's ARN (a `Fn::GetAtt`, a `Fn::Sub` or the ARN as given). */
  arn: unknown;
  /** `Fn::Sub` text of the ARN prefix of the bus's rules: `arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/[<bus>/]`. */
  ruleArnPrefix: string;
  /** Logical ID of the `AWS::Events::EventBus` patchbay creates for it. */
  logicalId?: string;
}

const EVENT_BUS_ARN = /^arn:(aws[a-z-]*):events:([a-z0-9-]+):(\d{12}):event-bus\/(.+)$/;
const HERE = 'arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}';

/**
 * Resolve every bus of the config.
 * @example resolveBuses(config, { service: 'aggregation', stage: 'prod' }).central
 * // { key: 'central', kind: 'custom', name: 'aggregation-prod-central', eventBusName: { Ref: 'PatchbayBusCentral' },
 * //   arn: { 'Fn::GetAtt': ['PatchbayBusCentral', 'Arn'] }, ruleArnPrefix: 'arn:${AWS::Partition}:...:rule/aggregation-prod-central/', logicalId: 'PatchbayBusCentral' }
 */
export function resolveBuses(config: ProjectConfig, options: { service: string; stage: string }): Record<string, ResolvedBus> {
  const resolved: Record<string, ResolvedBus> = {};
  for (const [key, bus] of Object.entries(config.buses)) resolved[key] = resolveBus(key, bus, options);
  if (!resolved[DEFAULT_BUS]) resolved[DEFAULT_BUS] = resolveBus(DEFAULT_BUS, { kind: 'default' }, options);
  return resolved;
}

function resolveBus(key: string, bus: BusConfig, options: { service: string; stage: string }): ResolvedBus {
  switch (bus.kind) {
    case 'default':
      return { key, kind: bus.kind, name: DEFAULT_BUS, arn: sub(`${HERE}:event-bus/default`), ruleArnPrefix: `${HERE}:rule/` };
    case 'custom':
    case 'partner': {
      const logicalId = busLogicalId(key);
      const name = bus.kind === 'custom' ? customBusPhysicalName(options.service, options.stage, key, bus.name) : bus.eventSourceName;
      return { key, kind: bus.kind, name, eventBusName: ref(logicalId), arn: getAtt(logicalId, 'Arn'), ruleArnPrefix: `${HERE}:rule/${name}/`, logicalId };
    }
    case 'existing': {
      const arn = EVENT_BUS_ARN.exec(bus.existing);
      if (arn) {
        const [, partition, region, account, name] = arn;
        const prefix = name === DEFAULT_BUS ? '' : `${name}/`;
        return { key, kind: bus.kind, name, eventBusName: bus.existing, arn: bus.existing, ruleArnPrefix: `arn:${partition}:events:${region}:${account}:rule/${prefix}` };
      }
      const name = bus.existing;
      if (name === DEFAULT_BUS) return { key, kind: bus.kind, name, arn: sub(`${HERE}:event-bus/default`), ruleArnPrefix: `${HERE}:rule/` };
      return { key, kind: bus.kind, name, eventBusName: name, arn: sub(`${HERE}:event-bus/${name}`), ruleArnPrefix: `${HERE}:rule/${name}/` };
    }
  }
}

/**
 * The ARN pattern of every rule of this deployment on one bus (Lambda and resource policies compare it with ArnLike).
 * The prefix `<service>.<stage>.` belongs to this service and stage alone (see `rulePhysicalName`); on the default
 * bus the pattern would also match rules of a bus named `<service>.<stage>.…` (ArnLike's `*` matches `/`), which
 * {@link ruleArnExclusion} excludes where a condition can say so.
 * @example ruleArnPattern(defaultBus, 'patchbay', 'dev') // { 'Fn::Sub': 'arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/patchbay.dev.*' }
 */
export function ruleArnPattern(bus: Pick<ResolvedBus, 'ruleArnPrefix'>, service: string, stage: string): { 'Fn::Sub': string } {
  return sub(`${bus.ruleArnPrefix}${ruleNamePrefix(service, stage)}*`);
}

/**
 * The ARN pattern of rules on buses whose name starts with this deployment's rule prefix: what a grant written with
 * {@link ruleArnPattern} must exclude (`ArnNotLike`), so it admits rules of this deployment's buses only.
 * @example ruleArnExclusion('patchbay', 'dev') // { 'Fn::Sub': 'arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/patchbay.dev.*\/*' }
 */
export function ruleArnExclusion(service: string, stage: string): { 'Fn::Sub': string } {
  return sub(`${HERE}:rule/${ruleNamePrefix(service, stage)}*/*`);
}

/**
 * The exact ARN of one rule of this deployment (text, not `Fn::GetAtt`, so a policy the rule depends on can name it).
 * @example ruleArn(central, 'aggregation', 'prod', 'root-activity')
 * // { 'Fn::Sub': 'arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/aggregation-prod-central/aggregation.prod.root-activity' }
 */
export function ruleArn(bus: Pick<ResolvedBus, 'ruleArnPrefix'>, service: string, stage: string, ruleName: string): { 'Fn::Sub': string } {
  return sub(`${bus.ruleArnPrefix}${rulePhysicalName(service, stage, ruleName)}`);
}

/** Look a bus key up. @throws CompilerError `PATCHBAY_UNKNOWN_BUS`. */
export function busOf(buses: Record<string, ResolvedBus>, key: string, usedBy: string): ResolvedBus {
  const bus = buses[key];
  if (!bus) throw new CompilerError(CompilerErrorCode.UNKNOWN_BUS, `${usedBy} names bus ${JSON.stringify(key)}, which custom.patchbay.buses does not define`);
  return bus;
}

/**
 * The `AWS::Events::EventBus` of a custom or partner bus (none for the default bus or an existing one), with outputs
 * for its name and ARN.
 * @example compileBus(central, { kind: 'custom' }) // { resources: { PatchbayBusCentral: { Type: 'AWS::Events::EventBus', Properties: { Name: 'aggregation-prod-central' } } }, outputs: {...} }
 */
export function compileBus(bus: ResolvedBus, config: BusConfig): { resources: Record<string, CfnResource>; outputs: Record<string, CfnOutput> } {
  if (!bus.logicalId) return { resources: {}, outputs: {} };
  const properties: Record<string, unknown> = { Name: bus.name };
  if (config.kind === 'partner') properties.EventSourceName = config.eventSourceName;
  if (config.kind === 'custom' && config.description !== undefined) properties.Description = config.description;
  return {
    resources: { [bus.logicalId]: { Type: 'AWS::Events::EventBus', Properties: properties } },
    outputs: {
      [`${bus.logicalId}Name`]: { Description: `Name of the patchbay event bus "${bus.key}"`, Value: ref(bus.logicalId) },
      [`${bus.logicalId}Arn`]: { Description: `ARN of the patchbay event bus "${bus.key}"`, Value: getAtt(bus.logicalId, 'Arn') },
    },
  };
}

/** One statement of a bus policy, with its stable key and statement ID. */
export interface BusPolicyStatement {
  /** What it allows: `account-<account id>`, `org-<organization id>` or the OU's ID (`ou-...`). */
  key: string;
  statementId: string;
  /** The IAM statement (without Sid: CloudFormation sets it from StatementId). */
  statement: IamStatement;
}

/**
 * The statements of a bus policy: one per account (`Principal: {AWS: arn:...:iam::<id>:root}`), one for the
 * organization (`Principal: "*"` + `aws:PrincipalOrgID`), one per organizational unit (`Principal: "*"` +
 * `aws:PrincipalOrgPaths`), each `events:PutEvents` on this bus only.
 * @example busPolicyStatements(central, { accounts: [], organization: 'o-a1b2c3d4e5', organizationalUnits: [] }, 'aggregation', 'prod')
 * // [{ key: 'org-o-a1b2c3d4e5', statementId: 'aggregation-prod-central-org-o-a1b2c3d4e5', statement: { Effect: 'Allow', Principal: '*',
 * //   Action: 'events:PutEvents', Resource: {...}, Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } } } }]
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-bus-perms.html
 */
export function busPolicyStatements(bus: ResolvedBus, allow: BusPolicyAllow, service: string, stage: string): BusPolicyStatement[] {
  const statements: BusPolicyStatement[] = [];
  const add = (key: string, principal: unknown, condition?: IamStatement['Condition']): void => {
    statements.push({
      key,
      statementId: busPolicyStatementId(service, stage, bus.key, key),
      statement: { Effect: 'Allow', Principal: principal, Action: 'events:PutEvents', Resource: bus.arn, ...(condition ? { Condition: condition } : {}) },
    });
  };
  for (const account of allow.accounts) add(`account-${account}`, { AWS: sub(`arn:\${AWS::Partition}:iam::${account}:root`) });
  if (allow.organization !== undefined) add(`org-${allow.organization}`, '*', { StringEquals: { 'aws:PrincipalOrgID': allow.organization } });
  for (const path of allow.organizationalUnits) {
    const trimmed = path.replace(/\/+$/, '');
    add(trimmed.slice(trimmed.lastIndexOf('/') + 1), '*', { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': [`${trimmed}/*`] } });
  }
  return statements;
}

/**
 * One `AWS::Events::EventBusPolicy` per statement.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-events-eventbuspolicy.html
 */
export function compileBusPolicies(bus: ResolvedBus, statements: readonly BusPolicyStatement[]): Record<string, CfnResource> {
  const resources: Record<string, CfnResource> = {};
  for (const { key, statementId, statement } of statements) {
    resources[busPolicyLogicalId(bus.key, key)] = {
      Type: 'AWS::Events::EventBusPolicy',
      Properties: { EventBusName: bus.logicalId ? ref(bus.logicalId) : bus.name, StatementId: statementId, Statement: statement },
      ...(bus.logicalId ? { DependsOn: bus.logicalId } : {}),
    };
  }
  return resources;
}

/**
 * Characters of the bus's whole resource policy as EventBridge stores it, measured with the longest partition,
 * Region and account the bus could be deployed to (the template's ARNs are resolved only at deployment).
 * @example busPolicyLength('central', statements) // 312
 */
export function busPolicyLength(busName: string, statements: readonly BusPolicyStatement[]): number {
  const arn = `arn:aws-iso-b:events:ap-southeast-99:123456789012:event-bus/${busName}`;
  const rendered = statements.map(({ statementId, statement }) => ({
    Sid: statementId,
    ...statement,
    Principal: typeof statement.Principal === 'string' ? statement.Principal : { AWS: 'arn:aws-iso-b:iam::123456789012:root' },
    Resource: arn,
  }));
  return JSON.stringify({ Version: '2012-10-17', Statement: rendered }).length;
}

/**
 * The `AWS::Events::Archive` of a bus: named by the replay module's `archiveName` (`<service>-<stage>-<bus key>`,
 * at most 48 characters), so `patchbay replay` finds it.
 * @example compileArchive(defaultBus, { retentionDays: 30 }, 'patchbay', 'dev')
 * // { Type: 'AWS::Events::Archive', Properties: { ArchiveName: 'patchbay-dev-default', SourceArn: {...}, RetentionDays: 30, Description: '...' } }
 * @throws ReplayError `INVALID_NAME` when the service or stage has characters EventBridge names cannot have.
 */
export function compileArchive(bus: ResolvedBus, archive: ArchiveConfig, service: string, stage: string): { id: string; resource: CfnResource } {
  const properties: Record<string, unknown> = {
    ArchiveName: archiveName(service, stage, bus.key),
    SourceArn: bus.arn,
    Description: archive.description ?? `patchbay: events of bus "${bus.key}" (${service}-${stage})`,
    RetentionDays: archive.retentionDays,
  };
  if (archive.pattern !== undefined) properties.EventPattern = archive.pattern;
  return { id: archiveLogicalId(bus.key), resource: { Type: 'AWS::Events::Archive', Properties: properties } };
}
