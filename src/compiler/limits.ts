/**
 * AWS limits the compiled template must respect, checked before anything is deployed, each reported with the number
 * found and the limit: physical name lengths, archive names (48 characters, so two buses can collide once cut), bus
 * policy size (10,240 characters), and CloudFormation's 500 resources per stack and 1,000,000-byte template (the
 * limit for templates read from S3, as Serverless deploys them).
 *
 * When a stack would be too big, the error says what to do, exactly: the rules, taken in name order, that stay in
 * this stack, and the rules each extra stack takes — a copy of this service (`<service>-2`, `<service>-3`, ...)
 * whose `patternsDir` holds only those files. Each extra stack is assumed to need the same non-rule resources as
 * this one (functions, topics, roles, policies), so each takes as many rules as fit beside them.
 *
 * Warnings (never errors) when a limit is 80 % used: rules per bus, resources, template bytes.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html
 */
import { createIssue, type Catalog } from '../catalog';
import { archiveName } from '../replay/names';
import { BUS_NAME_MAX_LENGTH, busPolicyLength, busPolicyStatements, BUS_POLICY_MAX_LENGTH, type ResolvedBus } from './buses';
import { QUEUE_NAME_MAX_LENGTH } from './delivery';
import { LimitIssueCode, type LimitIssue } from './errors';
import { alarmLogicalId, deadLetterQueuePhysicalName, ruleLogicalId } from './logical-ids';
import { REGISTRY_NAME_MAX_LENGTH, registryName } from './registry';
import { TRAIL_NAME_MAX_LENGTH, trailName } from './trail';

/** CloudFormation: resources per stack. */
export const STACK_RESOURCES_MAX = 500;

/** CloudFormation: template body size read from S3, in bytes. */
export const TEMPLATE_BYTES_MAX = 1_000_000;

/** SNS topic names: at most 256 characters. */
export const TOPIC_NAME_MAX_LENGTH = 256;

/** Share of a limit from which patchbay warns. */
export const WARNING_RATIO = 0.8;

/** Where limit issues point, and how to find their line. */
export interface LimitContext {
  /** Project-relative config file. @default 'serverless.yml' */
  filePath?: string;
  locate?: Catalog['locate'];
}

function limitIssue(context: LimitContext, code: LimitIssueCode, pointer: string, found: string, allowed: string): LimitIssue {
  const filePath = context.filePath ?? 'serverless.yml';
  const position = context.locate?.(filePath, pointer);
  return createIssue({ code, filePath, pointer, line: position?.line, column: position?.column, found, allowed });
}

/**
 * Names and policies that depend on the service and stage: custom bus, topic, queue, registry and trail names,
 * archive names (unique once cut to 48 characters), bus policy sizes.
 * @returns every problem; `[]` when all fit.
 */
export function checkNameLimits(
  catalog: Catalog,
  buses: Record<string, ResolvedBus>,
  options: { service: string; stage: string; createsDeadLetterQueue: boolean },
  context: LimitContext = {},
): LimitIssue[] {
  const { service, stage } = options;
  const { config } = catalog;
  const issues: LimitIssue[] = [];
  const tooLong = (pointer: string, what: string, name: string, max: number): void => {
    if (name.length > max) {
      issues.push(limitIssue(context, LimitIssueCode.NAME_TOO_LONG, pointer, `${what} ${JSON.stringify(name)} is ${name.length} characters`, `at most ${max}: shorten the service, stage or key`));
    }
  };
  for (const bus of Object.values(buses)) {
    if (bus.kind === 'custom') tooLong(`/custom/patchbay/buses/${bus.key}`, 'event bus name', bus.name, BUS_NAME_MAX_LENGTH);
  }
  for (const key of Object.keys(config.topics)) tooLong(`/custom/patchbay/topics/${key}`, 'topic name', `${service}-${stage}-${key}`, TOPIC_NAME_MAX_LENGTH);
  if (options.createsDeadLetterQueue) tooLong('/service', 'dead-letter queue name', deadLetterQueuePhysicalName(service, stage), QUEUE_NAME_MAX_LENGTH);
  if (config.schemas) tooLong('/custom/patchbay/schemas', 'schema registry name', registryName(config.schemas, service, stage), REGISTRY_NAME_MAX_LENGTH);
  if (config.trail) tooLong('/custom/patchbay/trail', 'trail name', trailName(config.trail, service, stage), TRAIL_NAME_MAX_LENGTH);

  const archives = new Map<string, string>();
  for (const [key, bus] of Object.entries(config.buses)) {
    if (!bus.archive) continue;
    const name = archiveName(service, stage, key);
    const other = archives.get(name);
    if (other !== undefined) {
      issues.push(
        limitIssue(
          context,
          LimitIssueCode.ARCHIVE_NAME_COLLISION,
          `/custom/patchbay/buses/${key}/archive`,
          `the archives of buses "${other}" and "${key}" would both be named ${JSON.stringify(name)} (archive names are cut to 48 characters)`,
          'bus keys that differ within the first 48 characters of <service>-<stage>-<key>',
        ),
      );
    } else archives.set(name, key);
  }

  for (const [key, bus] of Object.entries(config.buses)) {
    if (!bus.policy || !buses[key]) continue;
    const statements = busPolicyStatements(buses[key], bus.policy.allow, service, stage);
    const length = busPolicyLength(buses[key].name, statements);
    if (length > BUS_POLICY_MAX_LENGTH) {
      issues.push(
        limitIssue(
          context,
          LimitIssueCode.BUS_POLICY_TOO_LARGE,
          `/custom/patchbay/buses/${key}/policy`,
          `the policy of bus "${key}" would be up to ${length} characters (${statements.length} statements)`,
          `at most ${BUS_POLICY_MAX_LENGTH} (EventBridge): allow an organization or organizational units instead of many accounts`,
        ),
      );
    }
  }
  return issues;
}

/** What {@link checkStackLimits} measures. */
export interface StackUsage {
  /** Logical ID -> resource: the whole template as known (patchbay's and everyone else's resources). */
  resources: Record<string, unknown>;
  /** Resources not in `resources` yet (what Serverless will add, estimated before it compiles them). @default 0 */
  extraResources?: number;
  /** Size of the whole template in bytes (JSON, as deployed). */
  templateBytes: number;
  /** Bytes not counted in `templateBytes` yet (estimate of what Serverless will add). @default 0 */
  extraBytes?: number;
}

/**
 * Check resources per stack and template size; when either is exceeded, plan the split.
 * @returns `issues` (`TOO_MANY_RESOURCES`, `TEMPLATE_TOO_LARGE`, each with the plan) and `warnings` (80 % used).
 * @example
 * checkStackLimits(catalog, { resources: template.Resources, templateBytes: JSON.stringify(template).length }, { service: 'patchbay' })
 * // { issues: [], warnings: ['patchbay: 412 of 500 CloudFormation resources used (82%) ...'] }
 */
export function checkStackLimits(catalog: Catalog, usage: StackUsage, options: { service: string }, context: LimitContext = {}): { issues: LimitIssue[]; warnings: string[] } {
  // A rule moves to another stack with what is its own: the rule and its FailedInvocations alarm.
  const rules = catalog.rules.map((rule) => {
    const own = [ruleLogicalId(rule.name), alarmLogicalId('rule', rule.name)].filter((id) => usage.resources[id] !== undefined);
    return { rule, count: own.length, bytes: own.reduce((sum, id) => sum + JSON.stringify({ [id]: usage.resources[id] }).length - 1, 0) };
  });
  const present = rules.filter(({ rule }) => usage.resources[ruleLogicalId(rule.name)] !== undefined);
  const total = Object.keys(usage.resources).length + (usage.extraResources ?? 0);
  const bytes = usage.templateBytes + (usage.extraBytes ?? 0);
  const fixedCount = total - present.reduce((sum, { count }) => sum + count, 0);
  const fixedBytes = bytes - present.reduce((sum, { bytes: ruleBytes }) => sum + ruleBytes, 0);

  const warnings: string[] = [];
  if (total >= STACK_RESOURCES_MAX * WARNING_RATIO && total <= STACK_RESOURCES_MAX) {
    warnings.push(`patchbay: ${total} of ${STACK_RESOURCES_MAX} CloudFormation resources used (${Math.round((total / STACK_RESOURCES_MAX) * 100)}%): ${present.length} rules, ${fixedCount} other resources`);
  }
  if (bytes >= TEMPLATE_BYTES_MAX * WARNING_RATIO && bytes <= TEMPLATE_BYTES_MAX) {
    warnings.push(`patchbay: the template is ${bytes} of ${TEMPLATE_BYTES_MAX} bytes (${Math.round((bytes / TEMPLATE_BYTES_MAX) * 100)}%)`);
  }
  const overCount = total > STACK_RESOURCES_MAX;
  const overBytes = bytes > TEMPLATE_BYTES_MAX;
  if (!overCount && !overBytes) return { issues: [], warnings };

  const plan = planStacks(present, { count: STACK_RESOURCES_MAX - fixedCount, bytes: TEMPLATE_BYTES_MAX - fixedBytes }, options.service);
  const issues: LimitIssue[] = [];
  const ruleResources = present.reduce((sum, { count }) => sum + count, 0);
  const breakdown = `${present.length} rules${ruleResources !== present.length ? ` (${ruleResources} resources with their alarms)` : ''} and ${fixedCount} other resources (patchbay's topics, buses, policies, queues, alarms; Serverless's functions, log groups, role; resources.Resources)`;
  if (overCount) {
    issues.push(limitIssue(context, LimitIssueCode.TOO_MANY_RESOURCES, '/custom/patchbay', `${total} resources in one stack: ${breakdown}`, `at most ${STACK_RESOURCES_MAX} per CloudFormation stack. ${plan}`));
  }
  if (overBytes) {
    issues.push(limitIssue(context, LimitIssueCode.TEMPLATE_TOO_LARGE, '/custom/patchbay', `a template of ${bytes} bytes`, `at most ${TEMPLATE_BYTES_MAX} bytes (CloudFormation, template in S3). ${plan}`));
  }
  return { issues, warnings };
}

function planStacks(rules: { rule: { name: string; filePath: string }; count: number; bytes: number }[], room: { count: number; bytes: number }, service: string): string {
  if (room.count < 1 || room.bytes < 1) {
    return 'The resources other than rules alone do not fit one stack: move functions or resources.Resources to another service first.';
  }
  const stacks: (typeof rules)[] = [];
  let current: typeof rules = [];
  let bytes = 0;
  let count = 0;
  for (const entry of rules) {
    if (current.length > 0 && (count + entry.count > room.count || bytes + entry.bytes > room.bytes)) {
      stacks.push(current);
      current = [];
      bytes = 0;
      count = 0;
    }
    current.push(entry);
    bytes += entry.bytes;
    count += entry.count;
  }
  if (current.length) stacks.push(current);
  const describe = (stack: typeof rules): string => stack.map(({ rule }) => rule.filePath).join(', ');
  const [first, ...others] = stacks;
  return (
    `Split the rules (in name order) into ${stacks.length} stacks: keep ${first.length} in this one (${first[0].rule.name} ... ${first[first.length - 1].rule.name}); ` +
    others
      .map((stack, index) => `stack ${index + 2}: a copy of this service named ${service}-${index + 2} whose patternsDir holds only ${stack.length} files: ${describe(stack)}`)
      .join('; ') +
    '. See docs/buses-and-governance.md, "Quotas".'
  );
}

/** Warnings for buses with at least 80 % of `maxRulesPerEventBus` rules (the catalog already rejected more). */
export function rulesPerBusWarnings(catalog: Catalog): string[] {
  const counts = new Map<string, number>();
  for (const rule of catalog.rules) counts.set(rule.bus, (counts.get(rule.bus) ?? 0) + 1);
  const limit = catalog.config.maxRulesPerEventBus;
  return [...counts]
    .filter(([, count]) => count >= limit * WARNING_RATIO && count <= limit)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([bus, count]) => `patchbay: ${count} of ${limit} rules on bus "${bus}" (EventBridge quota "Rules per event bus"; rules of other stacks on that bus count too)`);
}
