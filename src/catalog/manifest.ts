/** The routing manifest of one function, built from the catalog (see src/runtime/manifest.ts for the contract). */
import { topicArnEnv, type ManifestRule, type ManifestTopic, type RoutingManifest } from '../runtime/manifest';
import { topicPhysicalName } from './names';
import type { Catalog, FunctionTargetDefinition } from './types';

/** Options of {@link buildManifest}. */
export interface BuildManifestOptions {
  service: string;
  stage: string;
  /** The serverless.yml function key the manifest is for. */
  functionName: string;
}

/**
 * Build the routing manifest of one function: the rules that target it (with only its targets), and the topics
 * those targets notify, with the environment variable that holds each topic's ARN.
 *
 * @returns e.g.
 * { "version": 1, "service": "patchbay", "stage": "dev", "function": "notify",
 *   "rules": [{ "name": "iam-root-login", "bus": "default", "pattern": {...},
 *     "targets": [{ "id": "notify", "function": "notify", "notify": { "topic": "security" } }] }],
 *   "topics": { "security": { "arnEnv": "PATCHBAY_TOPIC_ARN_SECURITY", "name": "patchbay-dev-security" } } }
 * A function no rule targets gets an empty `rules` and `topics`. Targets of other kinds (`eventBus`, `sns`) never
 * appear: EventBridge delivers to them without a function. Retry policies and dead-letter queues stay out too.
 */
export function buildManifest(catalog: Catalog, options: BuildManifestOptions): RoutingManifest {
  const { service, stage, functionName } = options;
  const rules: ManifestRule[] = [];
  const topics: Record<string, ManifestTopic> = {};
  for (const rule of catalog.rules) {
    // Only function targets reach the runtime: eventBus and sns targets are EventBridge's business alone.
    const targets = rule.targets.filter((target): target is FunctionTargetDefinition => target.kind === 'function' && target.function === functionName);
    if (targets.length === 0) continue;
    const manifestRule: ManifestRule = {
      name: rule.name,
      ...(rule.description !== undefined ? { description: rule.description } : {}),
      bus: rule.bus,
      ...(rule.pattern !== undefined ? { pattern: rule.pattern } : {}),
      ...(rule.schedule !== undefined ? { schedule: rule.schedule } : {}),
      ...(rule.severity !== undefined ? { severity: rule.severity } : {}),
      targets: targets.map((target) => ({
        id: target.id,
        function: target.function,
        ...(target.filter !== undefined ? { filter: target.filter } : {}),
        ...(target.select !== undefined ? { select: { ...target.select } } : {}),
        ...(target.notify !== undefined ? { notify: { ...target.notify } } : {}),
      })),
    };
    rules.push(manifestRule);
    for (const target of targets) {
      const key = target.notify?.topic;
      if (key !== undefined && !topics[key]) {
        const fifo = catalog.config.topics[key]?.fifo === true;
        const topic = catalog.config.topics[key];
        const sms = topic?.subscriptions.some((subscription) => subscription.protocol === 'sms') === true;
        topics[key] = {
          arnEnv: topicArnEnv(key),
          name: topicPhysicalName(service, stage, key, { fifo }),
          ...(fifo ? { fifo: true } : {}),
          ...(topic?.format !== undefined && topic.format !== 'text' ? { format: topic.format } : {}),
          ...(sms ? { sms: true as const } : {}),
        };
      }
    }
  }
  const sortedTopics = Object.fromEntries(Object.entries(topics).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const aliases = catalog.config.accountAliases;
  const redact = catalog.config.redact;
  return {
    version: 1,
    service,
    stage,
    function: functionName,
    rules,
    topics: sortedTopics,
    ...(aliases && Object.keys(aliases).length ? { accountAliases: { ...aliases } } : {}),
    ...(redact ? { redact: { ...(redact.keys ? { keys: [...redact.keys] } : {}), ...(redact.paths ? { paths: [...redact.paths] } : {}) } } : {}),
  };
}
