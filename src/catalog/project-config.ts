/**
 * The project config: what patchbay reads from serverless.yml (`service`, the keys of `functions`, and
 * `custom.patchbay`), validated against {@link projectConfigSchema} (`config-schema.ts`) and the semantic checks
 * of `config-checks.ts`, every problem at once.
 */
import { checkConfigSemantics } from './config-checks';
import { DEFAULT_MAX_RULES_PER_EVENT_BUS, EVENT_PATTERN_LENGTH, projectConfigSchema } from './config-schema';
import { CatalogError, CatalogIssueCode, createIssue, type CatalogIssue, type CatalogIssueInput } from './errors';
import { compileSchema, describeValue, isObject, schemaProblems } from './schema-problems';
import {
  DEFAULT_BUS,
  DEFAULT_RETRY_POLICY,
  type ArchiveConfig,
  type BusConfig,
  type BusPolicyAllow,
  type ProjectConfig,
  type RetryPolicy,
  type SchemasConfig,
  type TopicConfig,
  type TrailConfig,
} from './types';
import type { YamlSource } from './yaml-source';

export * from './config-schema';
export { loadServerlessYaml } from './serverless-yaml';

const validateProjectConfig = compileSchema(projectConfigSchema);

/** Options of {@link readProjectConfig}. */
export interface ReadProjectConfigOptions {
  /** Project-relative name of the config file, for messages. @default 'serverless.yml' */
  filePath?: string;
  /** The file's parsed source ({@link parseYamlSource}), to give each issue a line and column. */
  source?: YamlSource;
}

/**
 * Read patchbay's view of a Serverless configuration object (variables resolved or not).
 *
 * @param serverlessConfig - the parsed serverless.yml (`{ service, functions, resources, custom: { patchbay } }`)
 * @returns the typed config, defaults filled in: topics `{}`, patternsDir `patterns`, maxEventPatternLengthInChars
 *   2048, maxRulesPerEventBus 300, buses `{ default: { kind: 'default' } }`, retryPolicy 185 retries / 86,400 s.
 * @throws CatalogError with every violation at once, each pointing at `serverless.yml#/custom/patchbay/...`:
 *   `CONFIG_INVALID` / `SCHEMA_UNKNOWN_KEY` (schema), `BUS_CONFIG_INVALID`, `PARTNER_EVENT_SOURCE_INVALID`,
 *   `BUS_POLICY_OPEN`, `BUS_POLICY_NOT_ALLOWED`, `UNKNOWN_BUS`, `UNKNOWN_DEAD_LETTER_QUEUE`, `TRAIL_CONFIG_INVALID`,
 *   and the event-pattern codes for archive patterns.
 * @example
 * readProjectConfig({ service: 'patchbay', functions: { notify: { handler: 'handlers/notify.handler' } },
 *   custom: { patchbay: { topics: { security: { subscriptions: [] } } } } });
 * // { service: 'patchbay', functions: ['notify'], topics: { security: { subscriptions: [] } }, patternsDir: 'patterns',
 * //   maxEventPatternLengthInChars: 2048, maxRulesPerEventBus: 300, buses: { default: { kind: 'default' } },
 * //   retryPolicy: { maximumRetryAttempts: 185, maximumEventAgeInSeconds: 86400 } }
 */
export function readProjectConfig(serverlessConfig: unknown, options: ReadProjectConfigOptions = {}): ProjectConfig {
  const filePath = options.filePath ?? 'serverless.yml';
  const issues: CatalogIssue[] = [];
  const report = (input: Omit<CatalogIssueInput, 'filePath' | 'line' | 'column'>, atKey = false): void => {
    const position = options.source?.locate(input.pointer, { key: atKey });
    issues.push(createIssue({ ...input, filePath, line: position?.line, column: position?.column }));
  };
  const config = isObject(serverlessConfig) ? serverlessConfig : {};
  if (!isObject(serverlessConfig)) {
    report({ code: CatalogIssueCode.CONFIG_INVALID, pointer: '', found: describeValue(serverlessConfig), allowed: 'an object' });
  }

  const rawService = isObject(config.service) ? config.service.name : config.service;
  if (typeof rawService !== 'string' || rawService === '') {
    report({ code: CatalogIssueCode.CONFIG_INVALID, pointer: '/service', found: describeValue(rawService), allowed: 'a service name (a string)' });
  }
  const functions = isObject(config.functions) ? Object.keys(config.functions) : [];
  const queues = readQueues(config.resources);

  const custom = isObject(config.custom) ? config.custom : {};
  const patchbay = custom.patchbay === undefined ? {} : custom.patchbay;
  const semantic: CatalogIssueInput[] = isObject(patchbay) ? checkConfigSemantics(patchbay, queues) : [];
  const semanticPointers = new Set(semantic.map((issue) => issue.pointer));
  for (const problem of schemaProblems(validateProjectConfig, patchbay, CatalogIssueCode.CONFIG_INVALID)) {
    const pointer = `/custom/patchbay${problem.pointer}`;
    // A specific check said it better (e.g. BUS_POLICY_OPEN for "*" rather than "does not match ^\d{12}$").
    if (semanticPointers.has(pointer)) continue;
    report({ code: problem.code, pointer, found: problem.found, allowed: problem.allowed }, problem.atKey);
  }
  for (const issue of semantic) report(issue, issue.code === CatalogIssueCode.BUS_CONFIG_INVALID && issue.pointer.split('/').length === 5);
  if (issues.length) throw new CatalogError(issues);

  return toProjectConfig(rawService as string, functions, queues, patchbay as RawPatchbay);
}

/** `custom.patchbay` as the schema allows it. */
interface RawBus {
  type?: 'custom' | 'partner';
  name?: string;
  description?: string;
  eventSourceName?: string;
  existing?: string;
  policy?: { allow: Partial<BusPolicyAllow> };
  archive?: ArchiveConfig;
}
interface RawPatchbay {
  patternsDir?: string;
  topics?: Record<string, Partial<TopicConfig>>;
  deadLetterQueue?: string;
  maxEventPatternLengthInChars?: number;
  maxRulesPerEventBus?: number;
  suppressWarnings?: string[];
  accountAliases?: Record<string, string>;
  alarms?: false | { topic?: string };
  rules?: { enable?: string[]; disable?: string[] };
  redact?: { keys?: string[]; paths?: string[] };
  retryPolicy?: Partial<RetryPolicy>;
  buses?: Record<string, RawBus>;
  schemas?: Partial<SchemasConfig>;
  trail?: {
    trailName?: string;
    expirationInDays?: number;
    managementEvents?: { readWriteType?: TrailConfig['readWriteType'] };
    dataEvents?: Partial<TrailConfig['dataEvents']>;
    insightSelectors?: TrailConfig['insightSelectors'];
  };
}

function toProjectConfig(service: string, functions: string[], queues: string[] | undefined, section: RawPatchbay): ProjectConfig {
  const topics: Record<string, TopicConfig> = {};
  for (const [key, topic] of Object.entries(section.topics ?? {})) {
    topics[key] = {
      ...(topic.displayName !== undefined ? { displayName: topic.displayName } : {}),
      ...(topic.fifo === true ? { fifo: true } : {}),
      ...(topic.format !== undefined && topic.format !== 'text' ? { format: topic.format } : {}),
      subscriptions: (topic.subscriptions ?? []).map((subscription) => ({ protocol: subscription.protocol, endpoint: subscription.endpoint })),
    };
  }
  const buses: Record<string, BusConfig> = { [DEFAULT_BUS]: { kind: 'default' } };
  for (const [key, raw] of Object.entries(section.buses ?? {})) buses[key] = toBusConfig(key, raw);
  const config: ProjectConfig = {
    service,
    topics,
    functions,
    patternsDir: section.patternsDir ?? 'patterns',
    ...(section.deadLetterQueue !== undefined ? { deadLetterQueue: section.deadLetterQueue } : {}),
    ...(queues !== undefined ? { queues } : {}),
    maxEventPatternLengthInChars: section.maxEventPatternLengthInChars ?? EVENT_PATTERN_LENGTH.default,
    maxRulesPerEventBus: section.maxRulesPerEventBus ?? DEFAULT_MAX_RULES_PER_EVENT_BUS,
    alarms:
      section.alarms === false
        ? { enabled: false }
        : { enabled: true, ...((section.alarms?.topic ?? (Object.hasOwn(topics, 'operations') ? 'operations' : undefined)) !== undefined ? { topic: section.alarms?.topic ?? 'operations' } : {}) },
    ...(section.suppressWarnings?.length ? { suppressWarnings: [...section.suppressWarnings] } : {}),
    ...(section.accountAliases && Object.keys(section.accountAliases).length ? { accountAliases: { ...section.accountAliases } } : {}),
    ...(section.rules && (section.rules.enable || section.rules.disable?.length) ? { rules: { ...(section.rules.enable ? { enable: [...section.rules.enable] } : {}), ...(section.rules.disable?.length ? { disable: [...section.rules.disable] } : {}) } } : {}),
    ...(section.redact && (section.redact.keys?.length || section.redact.paths?.length) ? { redact: { ...(section.redact.keys?.length ? { keys: [...section.redact.keys] } : {}), ...(section.redact.paths?.length ? { paths: [...section.redact.paths] } : {}) } } : {}),
    buses,
    retryPolicy: { ...DEFAULT_RETRY_POLICY, ...section.retryPolicy },
  };
  if (section.schemas !== undefined) {
    const schemas = section.schemas;
    config.schemas = {
      ...(schemas.registryName !== undefined ? { registryName: schemas.registryName } : {}),
      ...(schemas.description !== undefined ? { description: schemas.description } : {}),
      discoverers: [...(schemas.discoverers ?? [])],
      crossAccount: schemas.crossAccount ?? true,
    };
  }
  if (section.trail !== undefined) {
    const trail = section.trail;
    config.trail = {
      ...(trail.trailName !== undefined ? { trailName: trail.trailName } : {}),
      expirationInDays: trail.expirationInDays ?? 365,
      readWriteType: trail.managementEvents?.readWriteType ?? 'All',
      dataEvents: { s3Objects: [...(trail.dataEvents?.s3Objects ?? [])], lambdaFunctions: [...(trail.dataEvents?.lambdaFunctions ?? [])] },
      insightSelectors: [...(trail.insightSelectors ?? [])],
    };
  }
  return config;
}

function toBusConfig(key: string, raw: RawBus): BusConfig {
  const base = {
    ...(raw.archive !== undefined ? { archive: { ...raw.archive } } : {}),
    ...(raw.policy !== undefined
      ? {
          policy: {
            allow: {
              accounts: [...(raw.policy.allow.accounts ?? [])],
              ...(raw.policy.allow.organization !== undefined ? { organization: raw.policy.allow.organization } : {}),
              organizationalUnits: [...(raw.policy.allow.organizationalUnits ?? [])],
            },
          },
        }
      : {}),
  };
  if (key === DEFAULT_BUS) return { kind: 'default', ...base };
  if (raw.existing !== undefined) return { kind: 'existing', existing: raw.existing, ...base };
  if (raw.type === 'partner') return { kind: 'partner', eventSourceName: raw.eventSourceName!, ...base };
  return {
    kind: 'custom',
    ...(raw.name !== undefined ? { name: raw.name } : {}),
    ...(raw.description !== undefined ? { description: raw.description } : {}),
    ...base,
  };
}

/** Logical IDs of the `AWS::SQS::Queue` resources of serverless.yml `resources.Resources`; undefined when unreadable. */
function readQueues(resources: unknown): string[] | undefined {
  if (resources === undefined) return [];
  if (!isObject(resources)) return undefined;
  if (resources.Resources === undefined) return [];
  if (!isObject(resources.Resources)) return undefined;
  return Object.entries(resources.Resources)
    .filter(([, resource]) => isObject(resource) && resource.Type === 'AWS::SQS::Queue')
    .map(([id]) => id)
    .sort();
}

