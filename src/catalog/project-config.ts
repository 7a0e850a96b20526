/**
 * The project config: what patchbay reads from serverless.yml (`service`, the keys of `functions`, and
 * `custom.patchbay`), validated against {@link projectConfigSchema}.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { CatalogError, CatalogIssueCode, createIssue, type CatalogIssue } from './errors';
import { compileSchema, describeValue, schemaProblems } from './schema-problems';
import type { ProjectConfig, TopicConfig } from './types';
import { parseYamlSource } from './yaml-source';

/** SNS subscription protocols. @see https://docs.aws.amazon.com/sns/latest/api/API_Subscribe.html */
export const SUBSCRIPTION_PROTOCOLS = ['email', 'email-json', 'http', 'https', 'sqs', 'lambda', 'sms', 'application', 'firehose'] as const;

/** Default and maximum of EventBridge's "Event pattern size" quota, in characters. @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html */
export const EVENT_PATTERN_LENGTH = { default: 2048, max: 4096 } as const;

/**
 * JSON Schema (draft-07) of `custom.patchbay`. The plugin registers it with Serverless
 * (`configSchemaHandler.defineCustomProperties`), and {@link readProjectConfig} validates with it.
 *
 * @example
 * custom:
 *   patchbay:
 *     patternsDir: patterns
 *     deadLetterQueue: NotifyDeadLetterQueue
 *     topics:
 *       security:
 *         displayName: Security alerts
 *         subscriptions:
 *           - { protocol: email, endpoint: security@example.com }
 */
export const projectConfigSchema = {
  type: 'object',
  description: 'patchbay: EventBridge pattern files compiled to rules whose Lambda targets notify SNS topics.',
  additionalProperties: false,
  properties: {
    patternsDir: {
      type: 'string',
      minLength: 1,
      description: "Directory of pattern files, relative to the service directory. Default: 'patterns'.",
    },
    topics: {
      type: 'object',
      description: 'SNS topics the rules notify, by key (notify.topic in pattern files). Each becomes an encrypted topic named <service>-<stage>-<key>.',
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
        'Logical ID of an AWS::SQS::Queue under resources.Resources that receives events EventBridge could not deliver to a target after its retries.',
    },
    maxEventPatternLengthInChars: {
      type: 'integer',
      minimum: 1,
      maximum: EVENT_PATTERN_LENGTH.max,
      description: "Your account's EventBridge 'Event pattern size' quota: 2048 characters by default, adjustable up to 4096.",
    },
  },
} as const;

const validateProjectConfig = compileSchema(projectConfigSchema);

/**
 * Read patchbay's view of a Serverless configuration object (variables resolved or not).
 *
 * @param serverlessConfig - the parsed serverless.yml (`{ service, functions, custom: { patchbay } }`)
 * @param options.filePath - project-relative name of the config file, for messages. @default 'serverless.yml'
 * @returns the typed config; topics default to `{}`, patternsDir to `patterns`, maxEventPatternLengthInChars to 2048.
 * @throws CatalogError with one `CONFIG_INVALID` / `SCHEMA_UNKNOWN_KEY` issue per violation, pointing at
 *   `serverless.yml#/custom/patchbay/...`.
 * @example
 * readProjectConfig({ service: 'patchbay', functions: { notify: { handler: 'handlers/notify.handler' } },
 *   custom: { patchbay: { topics: { security: { subscriptions: [] } } } } });
 * // { service: 'patchbay', functions: ['notify'], topics: { security: { subscriptions: [] } },
 * //   patternsDir: 'patterns', maxEventPatternLengthInChars: 2048 }
 */
export function readProjectConfig(serverlessConfig: unknown, options: { filePath?: string } = {}): ProjectConfig {
  const filePath = options.filePath ?? 'serverless.yml';
  const issues: CatalogIssue[] = [];
  const config = isObject(serverlessConfig) ? serverlessConfig : {};
  if (!isObject(serverlessConfig)) {
    issues.push(createIssue({ code: CatalogIssueCode.CONFIG_INVALID, filePath, pointer: '', found: describeValue(serverlessConfig), allowed: 'an object' }));
  }

  const rawService = isObject(config.service) ? config.service.name : config.service;
  if (typeof rawService !== 'string' || rawService === '') {
    issues.push(
      createIssue({ code: CatalogIssueCode.CONFIG_INVALID, filePath, pointer: '/service', found: describeValue(rawService), allowed: 'a service name (a string)' }),
    );
  }
  const functions = isObject(config.functions) ? Object.keys(config.functions) : [];

  const custom = isObject(config.custom) ? config.custom : {};
  const patchbay = custom.patchbay === undefined ? {} : custom.patchbay;
  for (const problem of schemaProblems(validateProjectConfig, patchbay, CatalogIssueCode.CONFIG_INVALID)) {
    issues.push(
      createIssue({ code: problem.code, filePath, pointer: `/custom/patchbay${problem.pointer}`, found: problem.found, allowed: problem.allowed }),
    );
  }
  if (issues.length) throw new CatalogError(issues);

  const section = patchbay as {
    patternsDir?: string;
    topics?: Record<string, Partial<TopicConfig>>;
    deadLetterQueue?: string;
    maxEventPatternLengthInChars?: number;
  };
  const topics: Record<string, TopicConfig> = {};
  for (const [key, topic] of Object.entries(section.topics ?? {})) {
    topics[key] = {
      ...(topic.displayName !== undefined ? { displayName: topic.displayName } : {}),
      subscriptions: (topic.subscriptions ?? []).map((subscription) => ({ protocol: subscription.protocol, endpoint: subscription.endpoint })),
    };
  }
  return {
    service: rawService as string,
    topics,
    functions,
    patternsDir: section.patternsDir ?? 'patterns',
    ...(section.deadLetterQueue !== undefined ? { deadLetterQueue: section.deadLetterQueue } : {}),
    maxEventPatternLengthInChars: section.maxEventPatternLengthInChars ?? EVENT_PATTERN_LENGTH.default,
  };
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

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
