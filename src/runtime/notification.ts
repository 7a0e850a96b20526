/**
 * Render an SNS notification (subject, message, message attributes) for one event routed to one target.
 *
 * What goes in — and what never does: a notification carries the envelope basics of the event (rule, source,
 * detail-type, account, region, time, id), the facts of facts.ts (actor, source IP, user agent, MFA, service and
 * action, error code and message, resource names and ARNs from the identifying request parameters) and the target's
 * *selected* fields, nothing else. The event's `detail` is never copied wholesale, so secrets in events (request
 * parameter values other than names and ids, tokens, keys) stay out of e-mails and chat unless a rule selects them
 * explicitly. Review `select` like code: whatever it names is sent to every subscriber.
 *
 * Limits enforced here (Amazon SNS Publish):
 * - Subject: fewer than 100 characters (at most 99), ASCII printable only, no line breaks or control characters,
 *   starts with a letter, number or punctuation mark, never empty. Accents are stripped (`é` -> `e`), other
 *   non-ASCII characters become `?`, runs of white space collapse to one space, and a long subject ends in `...`.
 * - Message: at most 256 KiB (262,144 bytes of UTF-8) together with the subject and attributes; over that, the JSON
 *   part is cut and a note says so.
 * - Attributes `rule`, `source`, `detail-type`: type `String`, at most 256 characters each, omitted when empty.
 * - Every string is well-formed UTF-16: a lone surrogate from the event becomes U+FFFD (`?` in the subject).
 *
 * Message layout: a one-line summary (with the severity when the rule has one), the description, then who, what,
 * which resource, where, when and a console link as facts.ts reads them from the event (a fact the event lacks is
 * left out), then the selected fields:
 * ```text
 * [HIGH] DeleteTable by arn:aws:iam::123456789012:user/alice on orders
 * A DynamoDB table was deleted
 * Rule: dynamodb-delete-table
 * Severity: high
 *
 * Who: arn:aws:iam::123456789012:user/alice (IAMUser), from 198.51.100.23, MFA: no, user agent: aws-cli/2.15
 * What: dynamodb.amazonaws.com DeleteTable
 * Which: orders
 * Where: 123456789012 (prod-main), us-east-1
 * When: 2024-05-01T12:00:00Z
 * Link: https://us-east-1.console.aws.amazon.com/cloudtrailv2/home?region=us-east-1#/events/0a1b2c3d-…
 *
 * Source: aws.dynamodb
 * Detail type: AWS API Call via CloudTrail
 * Event ID: 6a7e8feb-b491-4cf7-a9f1-bf3703467718
 *
 * table: orders
 * actor: arn:aws:iam::123456789012:user/alice
 * ---
 * {
 *   "table": "orders",
 *   "actor": "arn:aws:iam::123456789012:user/alice"
 * }
 * ```
 *
 * @see https://docs.aws.amazon.com/sns/latest/api/API_Publish.html
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-message-attributes.html
 */
import type { MessageAttributeValue } from '@aws-sdk/client-sns';
import { eventFacts, type EventFacts } from './facts';
import { renderChatMessage, renderJsonMessage, renderPerProtocol, type TopicFormat } from './formats';
import type { SeverityLevel } from './severity';
import { toWellFormedDeep } from './well-formed';

/** Amazon SNS limits applied when rendering. */
export const SNS_LIMITS = {
  /** Subjects must be "less than 100 characters long". */
  subjectMaxChars: 99,
  /** Message, subject and attributes together: 256 KiB. */
  payloadMaxBytes: 262_144,
  /** Our cap for a message attribute value, in characters. */
  attributeValueMaxChars: 256,
} as const;

/** Longest value shown on one `key: value` line of the message, in characters (the JSON part has it whole). */
export const MESSAGE_LINE_MAX_CHARS = 1024;

/** What a missing placeholder value, or a missing envelope field, is rendered as. */
export const MISSING_VALUE = '-';

/** The envelope fields a subject template may name besides the select keys. */
export const ENVELOPE_PLACEHOLDERS = ['rule', 'source', 'detail-type', 'account', 'region', 'time', 'id'] as const;

/**
 * Everything a notification is rendered from.
 * @example
 * { "rule": { "name": "dynamodb-delete-table", "description": "A DynamoDB table was deleted" },
 *   "event": { "source": "aws.dynamodb", "detail-type": "AWS API Call via CloudTrail", "account": "123456789012", ... },
 *   "fields": { "table": "orders" },
 *   "subject": "DynamoDB table {table} deleted" }
 */
export interface NotificationInput {
  rule: { name: string; description?: string };
  /** The EventBridge event (only its envelope fields are read). */
  event: Record<string, unknown>;
  /** The target's selected fields (`select` evaluated over the event). */
  fields: Record<string, unknown>;
  /** The subject template; default `[<rule>] <detail-type> from <source>`. */
  subject?: string;
  /** How bad the event is (the rule's `severity`): the subject's `[HIGH]` prefix, a message line, an attribute. */
  severity?: SeverityLevel;
  /** Account id -> alias, shown beside the account (`custom.patchbay.accountAliases`). */
  accountAliases?: Readonly<Record<string, string>>;
  /** The topic's message format (formats.ts): `text` (default), `chat` or `json`. */
  format?: TopicFormat;
  /** The topic has SMS subscribers: a `text` message goes as `MessageStructure: json`, the subject alone for SMS. */
  sms?: boolean;
}

/**
 * A rendered notification, ready for SNS Publish.
 * @example
 * { "subject": "DynamoDB table orders deleted",
 *   "message": "A DynamoDB table was deleted\nRule: dynamodb-delete-table\n...",
 *   "messageAttributes": { "rule": { "DataType": "String", "StringValue": "dynamodb-delete-table" }, ... } }
 */
export interface Notification {
  /** ASCII, 1-99 characters. */
  subject: string;
  /** UTF-8 text, readable part then `---` then the selected fields as JSON. */
  message: string;
  messageAttributes: Record<string, MessageAttributeValue>;
  /** `json` when `message` holds one body per protocol (`{"default": …, "sms": …}`). */
  messageStructure?: 'json';
}

/** The default subject template. */
export const DEFAULT_SUBJECT_TEMPLATE = '[{rule}] {detail-type} from {source}';

/**
 * Render subject, message and attributes.
 * @example
 * renderNotification({ rule: { name: 'dynamodb-delete-table' }, event, fields: { table: 'orders' },
 *   subject: 'DynamoDB table {table} deleted' }).subject; // 'DynamoDB table orders deleted'
 */
export function renderNotification(input: NotificationInput): Notification {
  const subject = renderSubject(input.subject, input);
  const messageAttributes = renderMessageAttributes(input);
  const overhead = byteLength(subject) + attributesByteLength(messageAttributes);
  const budget = SNS_LIMITS.payloadMaxBytes - overhead;
  // Events may carry lone surrogates ("\ud800" in JSON): every string leaves here well-formed (U+FFFD instead).
  if (input.format === 'chat' || input.format === 'json') {
    const account = typeof input.event.account === 'string' ? input.event.account : undefined;
    const formatInput = {
      rule: input.rule,
      event: input.event,
      fields: input.fields,
      facts: eventFacts(input.event, { accountAliases: input.accountAliases }),
      subject,
      ...(input.severity ? { severity: input.severity } : {}),
      ...(account && input.accountAliases?.[account] ? { accountAlias: input.accountAliases[account] } : {}),
    };
    const message = input.format === 'chat' ? renderChatMessage(toWellFormedDeep(formatInput), budget) : renderJsonMessage(toWellFormedDeep(formatInput), budget);
    return toWellFormedDeep({ subject, message, messageAttributes });
  }
  if (input.sms) {
    // One JSON body per protocol: the text (escaped, so up to twice its bytes) and the subject for SMS.
    let text = renderMessage(input, { maxBytes: Math.floor((budget - 2 * byteLength(subject) - 64) / 2) });
    let message = renderPerProtocol(subject, toWellFormedDeep(text));
    if (byteLength(message) > budget) {
      text = renderMessage(input, { maxBytes: Math.floor((budget - 2 * byteLength(subject) - 64) / 6) });
      message = renderPerProtocol(subject, toWellFormedDeep(text));
    }
    return toWellFormedDeep({ subject, message, messageAttributes, messageStructure: 'json' as const });
  }
  const message = renderMessage(input, { maxBytes: budget });
  return toWellFormedDeep({ subject, message, messageAttributes });
}

/**
 * Fill a subject template and make it a valid SNS subject. Placeholders are `{name}`: a select key, else one of
 * {@link ENVELOPE_PLACEHOLDERS}; a missing or empty value renders as `-`. Non-string values render as JSON.
 * An empty result falls back to the default subject.
 * @example renderSubject('Table {table} deleted by {actor}', { rule, event, fields: { table: 'orders' } }); // 'Table orders deleted by -'
 */
export function renderSubject(template: string | undefined, input: Omit<NotificationInput, 'subject'>): string {
  // The default names envelope fields only: a select key called `rule` or `source` does not change it.
  const prefix = severityPrefix(input.severity);
  const fallback = () => sanitizeSubject(prefix + fillTemplate(DEFAULT_SUBJECT_TEMPLATE, { ...input, fields: {} })) || 'patchbay notification';
  if (template === undefined) return fallback();
  const filled = fillTemplate(template, input);
  return (sanitizeSubject(filled) && sanitizeSubject(prefix + filled)) || fallback();
}

/** Replace `{name}` placeholders; unknown names render as `-`. */
export function fillTemplate(template: string, input: Omit<NotificationInput, 'subject'>): string {
  return template.replace(/\{([^{}]*)\}/g, (_, name: string) => {
    const value = Object.hasOwn(input.fields, name) ? input.fields[name] : envelopeValue(name, input);
    return renderInline(value);
  });
}

const TYPOGRAPHY: Record<string, string> = {
  '\u2018': "'", '\u2019': "'", '\u201A': "'", '\u201B': "'",
  '\u201C': '"', '\u201D': '"', '\u201E': '"', '\u201F': '"',
  '\u2010': '-', '\u2011': '-', '\u2012': '-', '\u2013': '-', '\u2014': '-', '\u2015': '-', '\u2212': '-',
  '\u00AB': '"', '\u00BB': '"', '\u2039': "'", '\u203A': "'",
};

/**
 * Make any text a valid SNS subject: ASCII printable (0x20-0x7E) only, no line breaks or control characters,
 * single spaces, no leading/trailing space, at most 99 characters (a cut subject ends in `...`).
 * May return `''` (for input that is all white space or control characters); {@link renderSubject} then falls back.
 * @example sanitizeSubject('Tablé\n  “orders”\tdeleted'); // 'Table "orders" deleted'
 */
export function sanitizeSubject(text: string): string {
  let subject = String(text)
    .normalize('NFKD') // é -> e + combining accent; … -> ...; full-width letters -> ASCII
    .replace(/\p{M}/gu, '')
    .replace(/[\u2010-\u2015\u2018-\u201F\u2039\u203A\u00AB\u00BB\u2212]/g, (c) => TYPOGRAPHY[c] ?? c)
    .replace(/[\s\p{Cc}\p{Cf}\p{Zl}\p{Zp}]+/gu, ' ') // line breaks, tabs, control and format characters
    .replace(/[^\x20-\x7E]/gu, '?') // one `?` per remaining code point (emoji, CJK, ...)
    .replace(/ {2,}/g, ' ')
    .trim();
  if (subject.length > SNS_LIMITS.subjectMaxChars) {
    subject = `${subject.slice(0, SNS_LIMITS.subjectMaxChars - 3).trimEnd()}...`;
  }
  return subject;
}

/**
 * The message text: readable summary, `key: value` lines for the selected fields, `---`, the fields as pretty JSON.
 * When the whole would exceed `maxBytes` (UTF-8), the JSON part is cut and a note says so.
 * @param options.maxBytes - byte budget for the message; default 262,144 (256 KiB).
 */
export function renderMessage(input: Omit<NotificationInput, 'subject'>, options: { maxBytes?: number } = {}): string {
  const maxBytes = options.maxBytes ?? SNS_LIMITS.payloadMaxBytes;
  const { rule, event, fields } = input;
  const facts = eventFacts(event, { accountAliases: input.accountAliases });
  const lines: string[] = [];
  lines.push(renderLine(`${severityPrefix(input.severity)}${facts.summary}`));
  if (rule.description) lines.push(renderLine(rule.description));
  lines.push(`Rule: ${rule.name}`);
  if (input.severity) lines.push(`Severity: ${input.severity}`);
  lines.push('', ...factLines(facts), '');
  lines.push(`Source: ${renderLine(event.source)}`);
  lines.push(`Detail type: ${renderLine(event['detail-type'])}`);
  lines.push(`Event ID: ${renderLine(event.id)}`);
  const names = Object.keys(fields);
  if (names.length > 0) {
    lines.push('');
    for (const name of names) lines.push(`${renderLine(name)}: ${renderLine(fields[name])}`);
  }
  lines.push('---');
  const text = `${lines.join('\n')}\n`;
  const json = JSON.stringify(fields, null, 2) ?? '{}';
  const whole = text + json;
  const wholeBytes = byteLength(whole);
  if (wholeBytes <= maxBytes) return whole;

  const jsonBytes = byteLength(json);
  const note = (kept: number) =>
    `\n... [truncated: the selected fields are ${jsonBytes} bytes as JSON, ${kept} shown; SNS messages are limited to 256 KiB]`;
  const room = maxBytes - byteLength(text) - byteLength(note(jsonBytes));
  if (room > 0) {
    const cut = truncateUtf8(json, room);
    return text + cut + note(byteLength(cut));
  }
  // The readable part alone is too big (thousands of fields): cut the whole message.
  const last = `\n... [truncated: the message was ${wholeBytes} bytes; SNS messages are limited to 256 KiB]`;
  return truncateUtf8(whole, Math.max(0, maxBytes - byteLength(last))) + last;
}

/**
 * Message attributes subscribers can filter on: `rule`, `source`, `detail-type`, `account`, `region` and, when the
 * rule has one, `severity` (type `String`, at most 256 characters, characters SNS rejects replaced by `?`, omitted
 * when empty). A subscription filter policy such as `{"severity": ["high", "critical"]}` routes by them.
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-message-attributes.html
 */
export function renderMessageAttributes(input: Pick<NotificationInput, 'rule' | 'event' | 'severity'>): Record<string, MessageAttributeValue> {
  const attributes: Record<string, MessageAttributeValue> = {};
  const values: Record<string, unknown> = {
    rule: input.rule.name,
    source: input.event.source,
    'detail-type': input.event['detail-type'],
    account: input.event.account,
    region: input.event.region,
    severity: input.severity,
  };
  for (const [name, value] of Object.entries(values)) {
    if (typeof value !== 'string') continue;
    const clean = Array.from(value.replace(/[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '?'))
      .slice(0, SNS_LIMITS.attributeValueMaxChars)
      .join('');
    if (clean.trim() === '') continue;
    attributes[name] = { DataType: 'String', StringValue: clean };
  }
  return attributes;
}

/**
 * Cut a string to at most `maxBytes` bytes of UTF-8 without splitting a character.
 * @example truncateUtf8('héllo', 2); // 'h'
 */
export function truncateUtf8(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  let end = Math.max(0, maxBytes);
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end -= 1; // never start the cut inside a multi-byte sequence
  return bytes.subarray(0, end).toString('utf8');
}

/** `[HIGH] ` for a severity, `''` without one: the prefix of the subject and of the summary line. */
function severityPrefix(severity: SeverityLevel | undefined): string {
  return severity ? `[${severity.toUpperCase()}] ` : '';
}

/** Who / What / Which / Where / When / Link lines; a fact the event does not give is left out. */
function factLines(facts: EventFacts): string[] {
  const lines: string[] = [];
  const who = facts.who;
  if (who) {
    const parts = [who.actor ?? MISSING_VALUE];
    if (who.type) parts[0] += ` (${who.type})`;
    if (who.sourceIp) parts.push(`from ${who.sourceIp}`);
    if (who.mfa !== undefined) parts.push(`MFA: ${who.mfa ? 'yes' : 'no'}`);
    if (who.userAgent) parts.push(`user agent: ${who.userAgent}`);
    lines.push(`Who: ${renderLine(parts.join(', '))}`);
  }
  lines.push(`What: ${renderLine(facts.what)}`);
  if (facts.resources.length) lines.push(`Which: ${renderLine(facts.resources.join(', '))}`);
  lines.push(`Where: ${renderLine(facts.where)}`);
  if (facts.when) lines.push(`When: ${renderLine(facts.when)}`);
  if (facts.link) lines.push(`Link: ${facts.link}`);
  return lines;
}

function envelopeValue(name: string, input: Omit<NotificationInput, 'subject'>): unknown {
  if (name === 'rule') return input.rule.name;
  if ((ENVELOPE_PLACEHOLDERS as readonly string[]).includes(name)) return input.event[name];
  return undefined;
}

/** A value inside a subject: strings as they are, other values as compact JSON, missing as `-`. */
function renderInline(value: unknown): string {
  if (value === undefined || value === null || value === '') return MISSING_VALUE;
  if (typeof value === 'string') return value;
  return JSON.stringify(value) ?? MISSING_VALUE;
}

/** A value on one message line: as {@link renderInline}, strings with line breaks or control characters as JSON, capped. */
function renderLine(value: unknown): string {
  let text = renderInline(value);
  if (typeof value === 'string' && /[\p{Cc}\p{Zl}\p{Zp}]/u.test(text)) text = JSON.stringify(text);
  if (text.length > MESSAGE_LINE_MAX_CHARS) {
    text = `${text.slice(0, MESSAGE_LINE_MAX_CHARS - 3).replace(/[\uD800-\uDBFF]$/, '')}...`; // never leave half a surrogate pair
  }
  return text;
}

function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

function attributesByteLength(attributes: Record<string, MessageAttributeValue>): number {
  let total = 0;
  for (const [name, value] of Object.entries(attributes)) {
    total += byteLength(name) + byteLength(value.DataType ?? '') + byteLength(value.StringValue ?? '');
  }
  return total;
}
