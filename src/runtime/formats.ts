/**
 * The message bodies of the non-text formats of a topic (`custom.patchbay.topics.<key>.format`):
 *
 * - `chat`: the custom notification that Amazon Q Developer in chat applications (formerly AWS Chatbot) renders in
 *   Slack and Microsoft Teams channels subscribed to the topic: `version` "1.0", `source` "custom", `id` (the event
 *   id), `content` (`textType` "client-markdown", `title`, `description`, `nextSteps`, `keywords`) and `metadata`
 *   (`threadId`: the rule, so one rule's alerts thread together where the channel allows it; `summary`,
 *   `eventType`, `relatedResources`, `additionalContext`).
 * - `json`: a stable document for machines (an SQS queue feeding a ticket system, say), {@link JsonNotification}.
 *
 * Both are JSON text within SNS's 256 KiB: when the selected fields would not fit, they are left out and
 * `fieldsOmitted` says so. Text is capped by patchbay (not by a documented AWS limit): chat titles at
 * {@link CHAT_TITLE_MAX_CHARS} characters, descriptions at {@link CHAT_DESCRIPTION_MAX_CHARS}.
 * @see https://docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html
 */
import type { EventFacts } from './facts';
import { asText, withoutUndefined } from './json';
import type { SeverityLevel } from './severity';

/** A topic's message format. */
export type TopicFormat = 'text' | 'chat' | 'json';

/** patchbay's cap on a chat title, in characters. */
export const CHAT_TITLE_MAX_CHARS = 250;
/** patchbay's cap on a chat description, in characters. */
export const CHAT_DESCRIPTION_MAX_CHARS = 8000;

const SEVERITY_EMOJI: Record<SeverityLevel, string> = { info: ':information_source:', low: ':large_blue_circle:', medium: ':large_orange_circle:', high: ':red_circle:', critical: ':rotating_light:' };

/** What the formats are built from. */
export interface FormatInput {
  rule: { name: string; description?: string };
  event: Record<string, unknown>;
  fields: Record<string, unknown>;
  facts: EventFacts;
  subject: string;
  severity?: SeverityLevel;
  accountAlias?: string;
}

/**
 * The `json` format: stable for tools (fields are only ever added).
 * @example
 * { "version": 1, "rule": "dynamodb-delete-table", "description": "A DynamoDB table was deleted",
 *   "severity": "high", "subject": "[HIGH] DynamoDB table orders deleted", "summary": "DeleteTable by … on orders",
 *   "who": { "actor": "arn:aws:iam::123456789012:user/alice", "type": "IAMUser", "sourceIp": "198.51.100.23" },
 *   "what": "dynamodb.amazonaws.com DeleteTable", "resources": ["orders"],
 *   "where": { "account": "123456789012", "accountAlias": "prod-main", "region": "us-east-1" },
 *   "when": "2024-05-01T12:00:00Z", "link": "https://…",
 *   "event": { "id": "6a7e…", "source": "aws.dynamodb", "detail-type": "AWS API Call via CloudTrail" },
 *   "fields": { "table": "orders" } }
 */
export interface JsonNotification {
  version: 1;
  rule: string;
  description?: string;
  severity?: SeverityLevel;
  subject: string;
  summary: string;
  who?: EventFacts['who'];
  what: string;
  resources: string[];
  where: { account?: string; accountAlias?: string; region?: string };
  when?: string;
  link?: string;
  event: { id?: unknown; source?: unknown; 'detail-type'?: unknown; account?: unknown; region?: unknown; time?: unknown };
  fields?: Record<string, unknown>;
  /** Present (true) when the selected fields did not fit in the SNS message and were left out. */
  fieldsOmitted?: true;
}

/** The `json` format's text, within `maxBytes`. */
export function renderJsonMessage(input: FormatInput, maxBytes: number): string {
  const { event, facts } = input;
  const doc: JsonNotification = {
    version: 1,
    rule: input.rule.name,
    ...(input.rule.description ? { description: input.rule.description } : {}),
    ...(input.severity ? { severity: input.severity } : {}),
    subject: input.subject,
    summary: facts.summary,
    ...(facts.who ? { who: facts.who } : {}),
    what: facts.what,
    resources: facts.resources,
    where: withoutUndefined({ account: asText(event.account), accountAlias: input.accountAlias, region: asText(event.region) }),
    ...(facts.when ? { when: facts.when } : {}),
    ...(facts.link ? { link: facts.link } : {}),
    event: withoutUndefined({ id: event.id, source: event.source, 'detail-type': event['detail-type'], account: event.account, region: event.region, time: event.time }),
    fields: input.fields,
  };
  return fitting(doc, maxBytes);
}

/**
 * The `chat` format's text (Amazon Q Developer in chat applications custom notification), within `maxBytes`.
 * @example JSON.parse(renderChatMessage(input, 262144)).content.title; // ':red_circle: [HIGH] DynamoDB table orders deleted'
 */
export function renderChatMessage(input: FormatInput, maxBytes: number): string {
  const { facts } = input;
  const who = facts.who;
  const lines = [
    input.rule.description ? `${escapeMarkdown(input.rule.description)}` : undefined,
    `*Summary:* ${escapeMarkdown(facts.summary)}`,
    who ? `*Who:* ${escapeMarkdown([who.actor ?? '-', who.type ? `(${who.type})` : '', who.sourceIp ? `from ${who.sourceIp}` : '', who.mfa === undefined ? '' : `MFA: ${who.mfa ? 'yes' : 'no'}`].filter(Boolean).join(' '))}` : undefined,
    `*What:* ${escapeMarkdown(facts.what)}`,
    facts.resources.length ? `*Which:* ${facts.resources.map((r) => `\`${r.replace(/`/g, "'")}\``).join(', ')}` : undefined,
    `*Where:* ${escapeMarkdown(facts.where)}`,
    facts.when ? `*When:* ${facts.when}` : undefined,
    input.severity ? `*Severity:* ${input.severity}` : undefined,
    ...Object.entries(input.fields).map(([name, value]) => `*${escapeMarkdown(name)}:* ${escapeMarkdown(typeof value === 'string' ? value : (JSON.stringify(value) ?? 'null'))}`),
  ].filter((line): line is string => line !== undefined);
  const doc = {
    version: '1.0',
    source: 'custom',
    ...(typeof input.event.id === 'string' ? { id: input.event.id } : {}),
    content: {
      textType: 'client-markdown',
      title: cap(`${input.severity ? `${SEVERITY_EMOJI[input.severity]} ` : ''}${input.subject}`, CHAT_TITLE_MAX_CHARS),
      description: cap(lines.join('\n'), CHAT_DESCRIPTION_MAX_CHARS),
      nextSteps: [facts.link ? `Open it in the AWS console: ${facts.link}` : undefined, `Review rule ${input.rule.name}`].filter((s): s is string => s !== undefined),
      keywords: [input.rule.name, asText(input.event.source), input.severity, asText(input.event.region)].filter((k): k is string => k !== undefined),
    },
    metadata: {
      threadId: input.rule.name,
      summary: cap(input.subject, CHAT_TITLE_MAX_CHARS),
      eventType: asText(input.event['detail-type']) ?? 'event',
      relatedResources: facts.resources,
      additionalContext: withoutUndefined({ rule: input.rule.name, account: asText(input.event.account), region: asText(input.event.region), eventId: asText(input.event.id) }),
    },
  };
  const whole = JSON.stringify(doc);
  if (Buffer.byteLength(whole) <= maxBytes) return whole;
  doc.content.description = cap(doc.content.description, Math.max(0, Math.floor(maxBytes / 8)));
  return JSON.stringify(doc);
}

/**
 * `MessageStructure: json` bodies for a text topic that has SMS subscribers: the full text by default (e-mail, SQS,
 * HTTP…), the subject alone for SMS (a text message is short and costs per part).
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-send-custom-platform-specific-payloads-mobile-devices.html
 */
export function renderPerProtocol(subject: string, message: string): string {
  return JSON.stringify({ default: message, email: message, sms: subject });
}

/** JSON text of `doc` within `maxBytes`: without its fields when they do not fit. */
function fitting(doc: JsonNotification, maxBytes: number): string {
  const whole = JSON.stringify(doc);
  if (Buffer.byteLength(whole) <= maxBytes) return whole;
  const { fields: _fields, ...rest } = doc;
  return JSON.stringify({ ...rest, fieldsOmitted: true });
}

/** Slack/Teams markdown control characters shown literally. */
function escapeMarkdown(value: string): string {
  return value.replace(/([*_~`>])/g, '\\$1');
}

function cap(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, Math.max(0, max - 3)).replace(/[\uD800-\uDBFF]$/, '')}...`;
}
