/**
 * The JSON Schema of `custom.patchbay` in serverless.yml and the constants (AWS limits, name patterns) it encodes.
 * {@link readProjectConfig} validates with it, then `config-checks.ts` checks what a schema cannot say.
 */
import { INSIGHT_TYPES, RETRY_POLICY_LIMITS } from './types';

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
        // SNS FIFO topics deliver to Amazon SQS queues only.
        if: { type: 'object', properties: { fifo: { const: true } }, required: ['fifo'] },
        then: {
          properties: {
            subscriptions: {
              type: 'array',
              items: { type: 'object', properties: { protocol: { const: 'sqs', description: 'FIFO topics deliver to Amazon SQS queues only' } } },
            },
          },
        },
        properties: {
          displayName: { type: 'string', maxLength: 100, description: 'SNS DisplayName (sender name of email and SMS notifications).' },
          fifo: {
            type: 'boolean',
            description:
              'A FIFO topic (<service>-<stage>-<key>.fifo) with deduplication: the notify function sets MessageDeduplicationId from rule + target + event id, so retried publishes are delivered once within SNS\'s 5-minute window. Subscriptions: sqs only. Only function targets (notify.topic) may notify it, not sns: targets.',
          },
          format: {
            enum: ['text', 'chat', 'json'],
            description:
              "How the notify function writes messages: text (default: readable, for e-mail; with SMS subscriptions the SMS gets the subject alone), chat (the custom notification JSON Amazon Q Developer in chat applications renders in Slack and Microsoft Teams: subscribe the topic to its channel configuration), json (a stable JSON document for machines, e.g. an SQS queue feeding a ticket system).",
          },
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
    accountAliases: {
      type: 'object',
      propertyNames: { pattern: '^\\d{12}$' },
      additionalProperties: { type: 'string', minLength: 1, maxLength: 64 },
      description: 'Account id (12 digits) -> the name people know it by, shown beside the account in notifications, e.g. { "111122223333": "prod-main" }.',
    },
    rules: {
      type: 'object',
      additionalProperties: false,
      description:
        'Which pattern files are rules of this project, without editing or deleting files: globs over the path under patternsDir without extension, e.g. cis/** or detections/guardduty-*. With enable, only matching files; minus those matching disable. Left-out files are neither loaded, tested nor deployed.',
      properties: {
        enable: { type: 'array', uniqueItems: true, items: { type: 'string', minLength: 1 }, description: 'Only these rules (globs), e.g. [cis/**, detections/**].' },
        disable: { type: 'array', uniqueItems: true, items: { type: 'string', minLength: 1 }, description: 'Not these rules (globs), e.g. [detections/secrets-manager-*].' },
      },
    },
    alarms: {
      description:
        "CloudWatch alarms on the dead-letter queues, each rule's FailedInvocations and the targeted functions' Errors and Throttles, on by default; false turns them off. { topic: <key> } names the topic they notify (default: operations, when defined).",
      if: { type: 'boolean' },
      then: { const: false },
      else: {
        type: 'object',
        additionalProperties: false,
        properties: { topic: { type: 'string', description: 'A key of custom.patchbay.topics that alarms notify (on alarm and on recovery).' } },
      },
    },
    redact: {
      type: 'object',
      additionalProperties: false,
      description:
        'Secrets kept out of notifications besides the defaults (passwords, secretAccessKey, sessionToken, credentials, SecretString, privateKey, tokens): their values become [REDACTED] before anything is selected or rendered.',
      properties: {
        keys: { type: 'array', uniqueItems: true, items: { type: 'string', minLength: 1, maxLength: 128 }, description: 'Key names, case-insensitive, redacted wherever they appear in the event, e.g. userData.' },
        paths: {
          type: 'array',
          uniqueItems: true,
          items: { type: 'string', pattern: '^[^.]+(\\.[^.]+)*$' },
          description: 'Dotted paths from the event root, e.g. detail.requestParameters.tagSpecificationSet (through arrays, every element).',
        },
      },
    },
    suppressWarnings: {
      type: 'array',
      uniqueItems: true,
      items: { type: 'string', pattern: '^[A-Z][A-Z0-9_]*$' },
      description:
        "Warning codes this project has looked at and accepts (e.g. CLOUDTRAIL_TRAIL_REQUIRED when an organization trail logs the account): patchbay test and sls package count them as suppressed instead of printing them. Errors cannot be suppressed.",
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

