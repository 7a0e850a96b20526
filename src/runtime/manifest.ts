/**
 * The routing manifest: what a handler needs to know about the rules that target it.
 * The compiler (src/compiler) builds one per function at `sls package`; the plugin writes it as
 * `patchbay-manifest.json` next to the bundled handler file; the handler reads it at cold start.
 *
 * @example
 * {
 *   "version": 1, "service": "patchbay", "stage": "dev", "function": "notify",
 *   "rules": [{
 *     "name": "dynamodb-delete-table", "description": "A DynamoDB table was deleted", "bus": "default",
 *     "pattern": { "source": ["aws.dynamodb"], "detail": { "eventName": ["DeleteTable"] } },
 *     "targets": [{ "id": "notify", "function": "notify",
 *       "filter": "detail.errorCode == null",
 *       "select": { "table": "detail.requestParameters.tableName" },
 *       "notify": { "topic": "security", "subject": "Table {table} deleted" } }]
 *   }],
 *   "topics": { "security": { "arnEnv": "PATCHBAY_TOPIC_ARN_SECURITY", "name": "patchbay-dev-security" } }
 * }
 */
import type { TopicFormat } from './formats';
import type { RedactionConfig } from './redact';
import type { SeveritySpec } from './severity';

export interface RoutingManifest {
  version: 1;
  service: string;
  stage: string;
  /** The serverless.yml function key this manifest was built for. */
  function: string;
  rules: ManifestRule[];
  /** Topic key -> where its ARN comes from at run time. */
  topics: Record<string, ManifestTopic>;
  /** Account id -> alias, shown in notifications. */
  accountAliases?: Record<string, string>;
  /** Key names and paths redacted besides the defaults (see redact.ts); absent: the defaults only. */
  redact?: RedactionConfig;
}

export interface ManifestRule {
  name: string;
  description?: string;
  bus: string;
  /** The event pattern as JSON (absent for schedule rules). */
  pattern?: Record<string, unknown>;
  schedule?: string;
  /** `high`, or `{ "expression": "detail.severity", "levels"?: {…}, "default"?: "medium" }` (see severity.ts). */
  severity?: SeveritySpec;
  /** Only the targets of this manifest's function. */
  targets: ManifestTarget[];
}

export interface ManifestTarget {
  /** The EventBridge target Id (unique within the rule, 1-64 chars). */
  id: string;
  function: string;
  /** JMESPath expression over the event; the event is notified only when the result is truthy. */
  filter?: string;
  /** Named JMESPath expressions over the event: the fields that go into the notification. */
  select?: Record<string, string>;
  notify?: { topic: string; subject?: string };
}

export interface ManifestTopic {
  /** Environment variable that holds the topic ARN in the deployed function. */
  arnEnv: string;
  /** Physical topic name (`<service>-<stage>-<key>`, `.fifo` suffixed for FIFO topics), used to build a dry-run ARN locally. */
  name: string;
  /**
   * A FIFO topic: publishes carry `MessageGroupId` (the rule name) and `MessageDeduplicationId` (from rule, target
   * and event id), so SNS drops duplicates within its 5-minute deduplication window.
   */
  fifo?: boolean;
  /** The message format of this topic (formats.ts); absent: `text`. */
  format?: TopicFormat;
  /** Some subscription of this topic is SMS: text messages are sent with one body per protocol. */
  sms?: true;
}

/**
 * What the rule's input transformer delivers to a Lambda target.
 * @example { "patchbay": { "rule": "dynamodb-delete-table", "target": "notify", "ruleArnName": "patchbay-dev-dynamodb-delete-table" }, "event": { "source": "aws.dynamodb", ... } }
 */
export interface DeliveredEvent {
  patchbay: { rule: string; target: string; ruleArnName?: string };
  event: Record<string, unknown>;
}

/** Environment variable name for a topic's ARN: `PATCHBAY_TOPIC_ARN_<KEY>` (upper case, non-alphanumerics as `_`). */
export function topicArnEnv(topicKey: string): string {
  return `PATCHBAY_TOPIC_ARN_${topicKey.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}
