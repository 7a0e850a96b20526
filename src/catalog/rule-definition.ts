/**
 * Turn a validated pattern-file document into its typed {@link RuleDefinition}: target ids assigned, retry policies
 * resolved (target over project over EventBridge's defaults), the replay exclusion applied to the pattern.
 */
import { excludeReplays } from '../replay/names';
import type { SeverityLevel, SeveritySpec } from '../runtime/severity';
import { assignTargetIds, targetIdBase } from './names';
import { isObject } from './schema-problems';
import {
  DEFAULT_BUS,
  RuleState,
  type InputTransformerDefinition,
  type NotificationExpectation,
  type ProjectConfig,
  type RetryPolicy,
  type RuleDefinition,
  type TargetDefinition,
} from './types';

/**
 * The typed rule of a pattern file that passed every check.
 * @example toRuleDefinition('dynamodb-delete-table', 'patterns/dynamodb/delete-table.yml', document, config).targets[0].id; // 'notify'
 */
export function toRuleDefinition(name: string, filePath: string, document: Record<string, unknown>, config: ProjectConfig): RuleDefinition {
  const rawTargets = document.targets as Record<string, unknown>[];
  const ids = assignTargetIds(rawTargets.map((target) => targetIdBase(target as { function?: string; sns?: string; eventBus?: string })));
  const targets: TargetDefinition[] = rawTargets.map((target, index) => toTargetDefinition(target, ids[index], config));
  const tests = isObject(document.tests) ? document.tests : {};
  const rule: RuleDefinition = {
    name,
    filePath,
    bus: typeof document.bus === 'string' ? document.bus : DEFAULT_BUS,
    state: (document.state as RuleState | undefined) ?? RuleState.ENABLED,
    targets,
    tests: testsOf(tests),
  };
  if (typeof document.description === 'string') rule.description = document.description;
  if (isObject(document.pattern)) rule.pattern = document.excludeReplays === true ? excludeReplays(document.pattern) : document.pattern;
  if (document.excludeReplays === true && isObject(document.pattern)) rule.excludeReplays = true;
  if (typeof document.schedule === 'string') rule.schedule = document.schedule;
  if (typeof document.severity === 'string') rule.severity = document.severity as SeverityLevel;
  else if (isObject(document.severity)) rule.severity = { ...(document.severity as Exclude<SeveritySpec, string>) };
  if (isObject(document.references)) rule.references = JSON.parse(JSON.stringify(document.references)) as RuleDefinition['references'];
  return rule;
}

function toTargetDefinition(target: Record<string, unknown>, id: string, config: ProjectConfig): TargetDefinition {
  const deadLetterQueue = typeof target.deadLetterQueue === 'string' ? { deadLetterQueue: target.deadLetterQueue } : {};
  const retryPolicy: RetryPolicy = { ...config.retryPolicy, ...(isObject(target.retryPolicy) ? (target.retryPolicy as Partial<RetryPolicy>) : {}) };
  if (typeof target.eventBus === 'string') return { kind: 'eventBus', id, eventBus: target.eventBus, ...deadLetterQueue };
  if (typeof target.sns === 'string') {
    const transformer = isObject(target.inputTransformer) ? (target.inputTransformer as unknown as InputTransformerDefinition) : undefined;
    return {
      kind: 'sns',
      id,
      sns: target.sns,
      ...(transformer
        ? { inputTransformer: { ...(transformer.inputPathsMap ? { inputPathsMap: { ...transformer.inputPathsMap } } : {}), inputTemplate: transformer.inputTemplate } }
        : {}),
      retryPolicy,
      ...deadLetterQueue,
    };
  }
  const definition: TargetDefinition = { kind: 'function', id, function: target.function as string, retryPolicy, ...deadLetterQueue };
  if (typeof target.filter === 'string') definition.filter = target.filter;
  if (isObject(target.select)) definition.select = { ...(target.select as Record<string, string>) };
  if (isObject(target.notify)) {
    const notify = target.notify as { topic: string; subject?: string };
    definition.notify = { topic: notify.topic, ...(notify.subject !== undefined ? { subject: notify.subject } : {}) };
  }
  return definition;
}


/** `tests` of a pattern file: match entries are paths or cases `{ event, subject?, fields?, allFields?, attributes?, target? }`. */
function testsOf(tests: Record<string, unknown>): RuleDefinition['tests'] {
  const entries = Array.isArray(tests.match) ? (tests.match as unknown[]) : [];
  const match: string[] = [];
  const expectations: NotificationExpectation[] = [];
  entries.forEach((entry, index) => {
    if (typeof entry === 'string') return void match.push(entry);
    const item = entry as Record<string, unknown>;
    const event = item.event as string;
    match.push(event);
    const expectation: NotificationExpectation = { event, index };
    for (const key of ['target', 'subject', 'fields', 'allFields', 'attributes'] as const) {
      if (item[key] !== undefined) (expectation as unknown as Record<string, unknown>)[key] = item[key];
    }
    expectations.push(expectation);
  });
  const noMatch = [...((tests['no-match'] as string[] | undefined) ?? [])];
  const schedule = Array.isArray(tests.fires) ? { fires: [...(tests.fires as string[])], ...(typeof tests.after === 'string' ? { after: tests.after } : {}) } : undefined;
  return { match, noMatch, ...(expectations.length ? { expectations } : {}), ...(schedule ? { schedule } : {}) };
}
