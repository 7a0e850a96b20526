/**
 * The project config: what patchbay reads from serverless.yml (`service`, the keys of `functions`, and
 * `custom.patchbay`), validated against {@link projectConfigSchema}.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { CatalogError, CatalogIssueCode, createIssue, type CatalogIssue, type CatalogIssueInput } from './errors';
import { checkPattern } from './pattern-check';
import { compileSchema, describeValue, isObject, schemaProblems } from './schema-problems';
import {
  ALL_DATA_RESOURCES,
  DEFAULT_BUS,
  DEFAULT_RETRY_POLICY,
  INSIGHT_TYPES,
  RETRY_POLICY_LIMITS,
  type ArchiveConfig,
  type BusConfig,
  type BusPolicyAllow,
  type ProjectConfig,
  type RetryPolicy,
  type SchemasConfig,
  type TopicConfig,
  type TrailConfig,
} from './types';
import { parseYamlSource, toPointer, type YamlSource } from './yaml-source';

/** SNS subscription protocols. @see https://docs.aws.amazon.com/sns/latest/api/API_Subscribe.html */
export const SUBSCRIPTION_PROTOCOLS = ['email', 'email-json', 'http', 'https', 'sqs', 'lambda', 'sms', 'application', 'firehose'] as const;

/** Default and maximum of EventBridge's "Event pattern size" quota, in characters. @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html */
export const EVENT_PATTERN_LENGTH = { default: 2048, max: 4096 } as const;

/** Bus keys (`custom.patchbay.buses.<key>`, `bus:` of pattern files): also part of archive names. */
export const BUS_KEY_PATTERN = '^[A-Za-z0-9_-]{1,64}$';

/** Partner event source names (and so partner event bus names). @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-saas.html */
export const PARTNER_EVENT_SOURCE_PATTERN = /^aws\.partner(\/[.\-_A-Za-z0-9]+){2,}$/;

/** Event bus ARNs: `arn:<partition>:events:<region>:<account>:event-bus/<name>`. */
export const EVENT_BUS_ARN_PATTERN = /^arn:aws[a-z-]*:events:[a-z0-9-]+:\d{12}:event-bus\/[/.\-_A-Za-z0-9]{1,256}$/;

/** Event bus names (custom buses: no `/`; partner buses: the event source name). */
export const EVENT_BUS_NAME_PATTERN = /^[/.\-_A-Za-z0-9]{1,256}$/;

/** EventBridge's "Rules per event bus" quota, by default. @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html */
export const DEFAULT_MAX_RULES_PER_EVENT_BUS = 300;

/** CloudTrail allows at most 250 data resources across a trail's event selectors. @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/WhatIsCloudTrail-Limits.html */
export const TRAIL_DATA_RESOURCES_MAX = 250;

const retryPolicySchema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  description: "EventBridge's retry policy: how long and how often a failed delivery is retried before the event goes to the dead-letter queue.",
  properties: {
    maximumRetryAttempts: {
      type: 'integer',
      minimum: RETRY_POLICY_LIMITS.maximumRetryAttempts.min,
      maximum: RETRY_POLICY_LIMITS.maximumRetryAttempts.max,
      description: 'Retries, 0-185. Default 185 (EventBridge\'s own default).',
    },
    maximumEventAgeInSeconds: {
      type: 'integer',
      minimum: RETRY_POLICY_LIMITS.maximumEventAgeInSeconds.min,
      maximum: RETRY_POLICY_LIMITS.maximumEventAgeInSeconds.max,
      description: 'Seconds an event may wait for delivery, 60-86,400. Default 86,400 (24 hours, EventBridge\'s own default).',
    },
  },
} as const;

const archiveSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['retentionDays'],
  description: 'Archive the events of this bus for replay (AWS::Events::Archive, named <service>-<stage>-<bus key>, at most 48 characters).',
  properties: {
    retentionDays: { type: 'integer', minimum: 0, description: 'Days to keep archived events; 0 keeps them forever.' },
    pattern: { type: 'object', description: 'Archive only the events matching this event pattern (EventBridge syntax). Default: every event.' },
    description: { type: 'string', maxLength: 512, description: 'Archive description.' },
  },
} as const;

const policySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['allow'],
  description: "The bus's resource policy: who may put events on it (events:PutEvents on this bus only).",
  properties: {
    allow: {
      type: 'object',
      additionalProperties: false,
      minProperties: 1,
      description: 'Accounts, an organization and organizational units allowed to put events on the bus. Never "*".',
      properties: {
        accounts: {
          type: 'array',
          minItems: 1,
          uniqueItems: true,
          description: '12-digit AWS account IDs.',
          items: { type: 'string', pattern: '^\\d{12}$' },
        },
        organization: {
          type: 'string',
          pattern: '^o-[a-z0-9]{10,32}$',
          description: 'An AWS Organizations ID (o-...): every account of the organization (aws:PrincipalOrgID).',
        },
        organizationalUnits: {
          type: 'array',
          minItems: 1,
          uniqueItems: true,
          description: 'Organization paths (o-.../r-.../ou-...): every account in these organizational units and below (aws:PrincipalOrgPaths).',
          items: { type: 'string', pattern: '^o-[a-z0-9]{10,32}/r-[0-9a-z]{4,32}(/ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})+/?$' },
        },
      },
    },
  },
} as const;

const busSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'An event bus: type custom (created), type partner (created for a partner event source), or existing (created elsewhere).',
  properties: {
    type: { enum: ['custom', 'partner'], description: 'custom: patchbay creates the bus; partner: patchbay creates the bus of a partner event source.' },
    name: { type: 'string', pattern: '^[/.\\-_A-Za-z0-9]{1,256}$', description: 'Bus name. Custom buses: default <service>-<stage>-<key>. Partner buses: must equal eventSourceName.' },
    description: { type: 'string', maxLength: 512, description: 'Custom bus description.' },
    eventSourceName: { type: 'string', minLength: 1, description: 'type partner: the partner event source, e.g. aws.partner/auth0.com/<tenant>/auth0.logs.' },
    existing: { type: 'string', minLength: 1, description: 'The name or ARN of a bus created elsewhere (nothing is created).' },
    policy: policySchema,
    archive: archiveSchema,
  },
} as const;

/**
 * JSON Schema (draft-07) of `custom.patchbay`; {@link readProjectConfig} validates with it, then checks what a schema
 * cannot say (bus kinds, partner names, open policies, unknown bus keys, trail consistency) with specific codes.
 *
 * @example
 * custom:
 *   patchbay:
 *     patternsDir: patterns
 *     topics:
 *       security:
 *         displayName: Security alerts
 *         subscriptions:
 *           - { protocol: email, endpoint: security@example.com }
 *     buses:
 *       default: { archive: { retentionDays: 30 } }
 *       central: { type: custom, policy: { allow: { organization: o-a1b2c3d4e5 } } }
 *     retryPolicy: { maximumRetryAttempts: 24, maximumEventAgeInSeconds: 3600 }
 */
export const projectConfigSchema = {
  type: 'object',
  description: 'patchbay: EventBridge pattern files compiled to rules whose targets notify SNS topics or forward to other buses.',
  additionalProperties: false,
  properties: {
    patternsDir: {
      type: 'string',
      minLength: 1,
      description: "Directory of pattern files, relative to the service directory. Default: 'patterns'.",
    },
    topics: {
      type: 'object',
      description: 'SNS topics the rules notify, by key (notify.topic and sns: in pattern files). Each becomes an encrypted topic named <service>-<stage>-<key>.',
      propertyNames: { pattern: '^[A-Za-z0-9_-]+$', maxLength: 64 },
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        properties: {
          displayName: { type: 'string', maxLength: 100, description: 'SNS DisplayName (sender name of email and SMS notifications).' },
          subscriptions: {
            type: 'array',
            description: 'Subscriptions created with the topic.',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['protocol', 'endpoint'],
              properties: {
                protocol: { enum: [...SUBSCRIPTION_PROTOCOLS], description: 'SNS protocol.' },
                endpoint: {
                  description: 'an address, URL or ARN (a string), or a CloudFormation intrinsic function object',
                  anyOf: [{ type: 'string', minLength: 1 }, { type: 'object' }],
                },
              },
            },
          },
        },
      },
    },
    deadLetterQueue: {
      type: 'string',
      pattern: '^[A-Za-z0-9]{1,255}$',
      description:
        'Logical ID of an AWS::SQS::Queue under resources.Resources that receives events EventBridge could not deliver to a target after its retries. Default: a queue patchbay creates (SSE-SQS, 14 days).',
    },
    maxEventPatternLengthInChars: {
      type: 'integer',
      minimum: 1,
      maximum: EVENT_PATTERN_LENGTH.max,
      description: "Your account's EventBridge 'Event pattern size' quota: 2048 characters by default, adjustable up to 4096.",
    },
    maxRulesPerEventBus: {
      type: 'integer',
      minimum: 1,
      description: "Your account's EventBridge 'Rules per event bus' quota: 300 by default, adjustable.",
    },
    retryPolicy: retryPolicySchema,
    buses: {
      type: 'object',
      description: "Event buses by key (bus: in pattern files). 'default' is the account's default event bus (archive and policy only).",
      propertyNames: { pattern: BUS_KEY_PATTERN, maxLength: 64 },
      properties: {
        default: {
          type: 'object',
          additionalProperties: false,
          description: "The account's default event bus: only an archive and a policy can be added.",
          properties: { policy: policySchema, archive: archiveSchema },
        },
      },
      additionalProperties: busSchema,
    },
    schemas: {
      type: 'object',
      additionalProperties: false,
      description: 'An EventBridge schema registry with one schema per file under schemas/ (not *.schema.json), and optional schema discovery.',
      properties: {
        registryName: { type: 'string', pattern: '^[.\\-_A-Za-z0-9]{1,64}$', description: 'Registry name. Default: <service>-<stage>.' },
        description: { type: 'string', maxLength: 256, description: 'Registry description.' },
        discoverers: {
          type: 'array',
          uniqueItems: true,
          description: 'Bus keys to run schema discovery on (one AWS::EventSchemas::Discoverer each).',
          items: { type: 'string', pattern: BUS_KEY_PATTERN },
        },
        crossAccount: { type: 'boolean', description: 'Discover schemas of events sent from other accounts too. Default: true.' },
      },
    },
    trail: {
      type: 'object',
      additionalProperties: false,
      description:
        'A CloudTrail trail (multi-Region, global service events, log file validation) with its encrypted, private S3 bucket: "AWS API Call via CloudTrail" events need one.',
      properties: {
        trailName: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{2,127}$', description: 'Trail name, 3-128 characters. Default: <service>-<stage>.' },
        expirationInDays: { type: 'integer', minimum: 1, maximum: 36500, description: 'Days the bucket keeps log files. Default: 365.' },
        managementEvents: {
          type: 'object',
          additionalProperties: false,
          description: 'Which management events to log.',
          properties: { readWriteType: { enum: ['All', 'ReadOnly', 'WriteOnly'], description: 'Default: All.' } },
        },
        dataEvents: {
          type: 'object',
          additionalProperties: false,
          description: 'Data events (billed per event): S3 object-level API calls and Lambda invocations.',
          properties: {
            s3Objects: {
              type: 'array',
              uniqueItems: true,
              description: "'all' (every bucket), or bucket/prefix ARNs such as arn:aws:s3:::example-bucket/ or arn:aws:s3:::example-bucket/logs/.",
              items: { type: 'string', pattern: '^(all|arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/.*)$' },
            },
            lambdaFunctions: {
              type: 'array',
              uniqueItems: true,
              description: "'all' (every function), or function ARNs.",
              items: { type: 'string', pattern: '^(all|arn:aws[a-z-]*:lambda:[a-z0-9-]+:\\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9$_-]+)?)$' },
            },
          },
        },
        insightSelectors: {
          type: 'array',
          uniqueItems: true,
          description: 'CloudTrail Insights: unusual API call rates (needs write management events) and error rates.',
          items: { enum: [...INSIGHT_TYPES] },
        },
      },
    },
  },
} as const;

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

/**
 * What the schema cannot say about `custom.patchbay`. Guards its own inputs: runs on any shape, reports only what
 * it can check.
 */
function checkConfigSemantics(patchbay: Record<string, unknown>, queues: string[] | undefined): CatalogIssueInput[] {
  const issues: CatalogIssueInput[] = [];
  const at = (...segments: (string | number)[]): string => `/custom/patchbay${toPointer(segments)}`;
  const add = (input: Omit<CatalogIssueInput, 'filePath'>): void => void issues.push({ ...input, filePath: '' });
  const buses = isObject(patchbay.buses) ? patchbay.buses : {};
  const maxLength = typeof patchbay.maxEventPatternLengthInChars === 'number' ? patchbay.maxEventPatternLengthInChars : EVENT_PATTERN_LENGTH.default;

  for (const [key, bus] of Object.entries(buses)) {
    if (!isObject(bus)) continue;
    if (key !== DEFAULT_BUS) checkBusKind(key, bus, at, add);
    checkPolicy(key, bus, at, add);
    if (isObject(bus.archive) && isObject(bus.archive.pattern)) {
      const problem = checkPattern(bus.archive.pattern, maxLength);
      if (problem) add({ code: problem.code, pointer: `${at('buses', key, 'archive', 'pattern')}${problem.pointer}`, found: problem.found, allowed: problem.allowed });
    }
  }

  const knownBuses = [DEFAULT_BUS, ...Object.keys(buses).filter((key) => key !== DEFAULT_BUS)];
  if (isObject(patchbay.schemas) && Array.isArray(patchbay.schemas.discoverers)) {
    patchbay.schemas.discoverers.forEach((key, index) => {
      if (typeof key === 'string' && !knownBuses.includes(key)) {
        add({ code: CatalogIssueCode.UNKNOWN_BUS, pointer: at('schemas', 'discoverers', index), found: `bus ${JSON.stringify(key)}`, allowed: `a bus key: ${knownBuses.join(', ')}` });
      }
    });
  }

  if (typeof patchbay.deadLetterQueue === 'string' && queues !== undefined && !queues.includes(patchbay.deadLetterQueue)) {
    add({
      code: CatalogIssueCode.UNKNOWN_DEAD_LETTER_QUEUE,
      pointer: at('deadLetterQueue'),
      found: `queue ${JSON.stringify(patchbay.deadLetterQueue)}`,
      allowed: queues.length ? `the logical ID of an AWS::SQS::Queue under resources.Resources: ${queues.join(', ')}` : 'the logical ID of an AWS::SQS::Queue under resources.Resources (it declares none); or remove it and patchbay creates one',
    });
  }

  if (isObject(patchbay.trail)) checkTrail(patchbay.trail, at, add);
  return issues;
}

type At = (...segments: (string | number)[]) => string;
type Add = (input: Omit<CatalogIssueInput, 'filePath'>) => void;

function checkBusKind(key: string, bus: Record<string, unknown>, at: At, add: Add): void {
  const kinds = ['type', 'existing'].filter((field) => bus[field] !== undefined);
  if (kinds.length !== 1) {
    add({
      code: CatalogIssueCode.BUS_CONFIG_INVALID,
      pointer: at('buses', key),
      found: kinds.length ? 'both type and existing' : 'neither type nor existing',
      allowed: 'exactly one of type: custom, type: partner (with eventSourceName), or existing: <name or ARN>',
    });
    return;
  }
  const notFor = (fields: string[], kind: string): void => {
    for (const field of fields) {
      if (bus[field] !== undefined) {
        add({ code: CatalogIssueCode.BUS_CONFIG_INVALID, pointer: at('buses', key, field), found: `${field} on ${kind}`, allowed: `no ${field} on ${kind}` });
      }
    }
  };
  if (bus.existing !== undefined) {
    notFor(['name', 'description', 'eventSourceName'], 'an existing bus');
    if (typeof bus.existing === 'string' && !EVENT_BUS_ARN_PATTERN.test(bus.existing) && !EVENT_BUS_NAME_PATTERN.test(bus.existing)) {
      add({
        code: CatalogIssueCode.BUS_CONFIG_INVALID,
        pointer: at('buses', key, 'existing'),
        found: describeValue(bus.existing),
        allowed: 'an event bus name (1-256 characters of [/.-_A-Za-z0-9]) or ARN (arn:aws:events:<region>:<account>:event-bus/<name>)',
      });
    }
    return;
  }
  if (bus.type === 'custom') {
    notFor(['eventSourceName'], 'a custom bus');
    if (typeof bus.name === 'string' && (bus.name.includes('/') || bus.name.startsWith('aws.'))) {
      add({ code: CatalogIssueCode.BUS_CONFIG_INVALID, pointer: at('buses', key, 'name'), found: describeValue(bus.name), allowed: 'a custom bus name: no "/", not starting with "aws."' });
    }
  }
  if (bus.type === 'partner') {
    notFor(['description'], 'a partner bus');
    if (bus.eventSourceName === undefined) {
      add({ code: CatalogIssueCode.PARTNER_EVENT_SOURCE_INVALID, pointer: at('buses', key), found: 'a partner bus without eventSourceName', allowed: 'eventSourceName: aws.partner/<partner>/<...>' });
    } else if (typeof bus.eventSourceName === 'string' && !PARTNER_EVENT_SOURCE_PATTERN.test(bus.eventSourceName)) {
      add({
        code: CatalogIssueCode.PARTNER_EVENT_SOURCE_INVALID,
        pointer: at('buses', key, 'eventSourceName'),
        found: describeValue(bus.eventSourceName),
        allowed: `a partner event source name matching ${PARTNER_EVENT_SOURCE_PATTERN.source}, e.g. aws.partner/auth0.com/example-tenant/auth0.logs`,
      });
    }
    if (typeof bus.name === 'string' && bus.name !== bus.eventSourceName) {
      add({
        code: CatalogIssueCode.PARTNER_EVENT_SOURCE_INVALID,
        pointer: at('buses', key, 'name'),
        found: `name ${JSON.stringify(bus.name)}`,
        allowed: `a partner event bus is named after its event source: remove name or set it to ${JSON.stringify(bus.eventSourceName)}`,
      });
    }
  }
}

function checkPolicy(key: string, bus: Record<string, unknown>, at: At, add: Add): void {
  if (!isObject(bus.policy)) return;
  if (bus.type === 'partner' && bus.existing === undefined) {
    add({
      code: CatalogIssueCode.BUS_POLICY_NOT_ALLOWED,
      pointer: at('buses', key, 'policy'),
      found: 'a policy on a partner event bus',
      allowed: 'no policy: only its partner event source puts events on a partner bus; forward them to a custom bus to share them',
    });
  }
  const allow = isObject(bus.policy.allow) ? bus.policy.allow : {};
  const open = (value: unknown): boolean => typeof value === 'string' && value.trim().startsWith('*');
  const openFound = (pointer: string, what: string): void =>
    add({
      code: CatalogIssueCode.BUS_POLICY_OPEN,
      pointer,
      found: `${what} "*": any AWS account could put events on this bus`,
      allowed: 'name 12-digit accounts, an organization (o-...) or organizational units; patchbay never emits an open Principal "*"',
    });
  for (const field of ['accounts', 'organizationalUnits'] as const) {
    const list = allow[field];
    if (open(list)) openFound(at('buses', key, 'policy', 'allow', field), field);
    if (Array.isArray(list)) list.forEach((item, index) => open(item) && openFound(at('buses', key, 'policy', 'allow', field, index), `${field} entry`));
  }
  if (open(allow.organization)) openFound(at('buses', key, 'policy', 'allow', 'organization'), 'organization');
  for (const field of ['principal', 'principals', 'Principal']) {
    if (allow[field] !== undefined && (open(allow[field]) || (Array.isArray(allow[field]) && (allow[field] as unknown[]).some(open)))) {
      openFound(at('buses', key, 'policy', 'allow', field), field);
    }
  }
  const organization = typeof allow.organization === 'string' ? allow.organization : undefined;
  if (organization !== undefined && Array.isArray(allow.organizationalUnits)) {
    allow.organizationalUnits.forEach((path, index) => {
      if (typeof path === 'string' && /^o-/.test(path) && !path.startsWith(`${organization}/`)) {
        add({
          code: CatalogIssueCode.CONFIG_INVALID,
          pointer: at('buses', key, 'policy', 'allow', 'organizationalUnits', index),
          found: `organizational unit path ${JSON.stringify(path)} of another organization than ${organization}`,
          allowed: `a path starting with ${organization}/`,
        });
      }
    });
  }
}

function checkTrail(trail: Record<string, unknown>, at: At, add: Add): void {
  const readWriteType = isObject(trail.managementEvents) ? trail.managementEvents.readWriteType : undefined;
  if (Array.isArray(trail.insightSelectors) && readWriteType === 'ReadOnly') {
    const index = trail.insightSelectors.indexOf('ApiCallRateInsight');
    if (index >= 0) {
      add({
        code: CatalogIssueCode.TRAIL_CONFIG_INVALID,
        pointer: at('trail', 'insightSelectors', index),
        found: 'ApiCallRateInsight on a trail that logs read-only management events',
        allowed: 'ApiCallRateInsight analyses write management events: set managementEvents.readWriteType to All or WriteOnly',
      });
    }
  }
  if (isObject(trail.dataEvents)) {
    const count = ['s3Objects', 'lambdaFunctions'].reduce((sum, field) => sum + (Array.isArray((trail.dataEvents as Record<string, unknown>)[field]) ? ((trail.dataEvents as Record<string, unknown[]>)[field]).length : 0), 0);
    if (count > TRAIL_DATA_RESOURCES_MAX) {
      add({
        code: CatalogIssueCode.TRAIL_CONFIG_INVALID,
        pointer: at('trail', 'dataEvents'),
        found: `${count} data resources`,
        allowed: `at most ${TRAIL_DATA_RESOURCES_MAX} across a trail's event selectors (CloudTrail quota): use bucket prefixes or "all"`,
      });
    }
    for (const field of ['s3Objects', 'lambdaFunctions']) {
      const list = (trail.dataEvents as Record<string, unknown>)[field];
      if (Array.isArray(list) && list.includes(ALL_DATA_RESOURCES) && list.length > 1) {
        add({ code: CatalogIssueCode.TRAIL_CONFIG_INVALID, pointer: at('trail', 'dataEvents', field), found: `"all" with ${list.length - 1} more entries`, allowed: '"all" alone, or a list of ARNs' });
      }
    }
  }
}

/**
 * Read `serverless.yml` (or `serverless.yaml`) of a project as plain data, without resolving Serverless
 * variables: `${sls:stage}`, `${param:x, 'default'}` stay as written, which is enough to know the keys of
 * `functions` and `custom.patchbay.topics`. CloudFormation short-form tags (`!Ref`, `!Sub`) become plain values.
 *
 * @param rootDir - the project root
 * @returns the document, e.g. `{ service: 'patchbay', functions: { notify: {...} }, custom: {...} }`
 * @throws CatalogError (`FILE_READ_FAILED`, `YAML_SYNTAX`, `YAML_DUPLICATE_KEY`) when there is no such file or it does not parse.
 */
export async function loadServerlessYaml(rootDir: string): Promise<Record<string, unknown>> {
  for (const name of ['serverless.yml', 'serverless.yaml']) {
    let text: string;
    try {
      text = await fs.readFile(path.join(rootDir, name), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw new CatalogError([createIssue({ code: CatalogIssueCode.FILE_READ_FAILED, filePath: name, pointer: '', found: String(error) })], { cause: error });
    }
    const source = parseYamlSource(text);
    if (source.errors.length) {
      throw new CatalogError(
        source.errors.map((problem) =>
          createIssue({
            code: problem.code === 'DUPLICATE_KEY' ? CatalogIssueCode.YAML_DUPLICATE_KEY : CatalogIssueCode.YAML_SYNTAX,
            filePath: name,
            pointer: '',
            line: problem.position?.line,
            column: problem.position?.column,
            found: problem.message,
          }),
        ),
      );
    }
    return isObject(source.value) ? source.value : {};
  }
  throw new CatalogError([
    createIssue({ code: CatalogIssueCode.FILE_READ_FAILED, filePath: 'serverless.yml', pointer: '', found: `no serverless.yml or serverless.yaml in ${rootDir}` }),
  ]);
}
