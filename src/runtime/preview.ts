/**
 * What a function target's notification says, rendered offline exactly as the notify function renders it (select,
 * severity, subject template, facts), for the tools that show or check it without publishing: `patchbay test`'s
 * notification expectations, `patchbay diff`'s outcomes and `patchbay backtest`'s samples.
 */
import { renderNotification, type Notification } from './notification';
import { compileSelect } from './select';
import type { CompiledSeverity } from './severity';

/** What {@link renderTargetNotification} needs. */
export interface TargetNotificationInput {
  rule: { name: string; description?: string };
  /** The rule's compiled severity (`compileSeverity(rule.severity)`), compiled once by the caller. */
  severity?: CompiledSeverity;
  /** The target's `select` (name -> JMESPath). */
  select?: Record<string, string>;
  /** The target's `notify.subject` template. */
  subject?: string;
  /** The event as the function sees it: already redacted (`createRedactor(config.redact).redact(event)`). */
  event: Record<string, unknown>;
  accountAliases?: Record<string, string>;
}

/**
 * Render a function target's notification for `event`.
 * @returns the notification and the selected fields, e.g. `{ notification: { subject: 'DynamoDB table orders deleted', … }, fields: { table: 'orders' } }`.
 * @throws what a select or severity expression throws on this event (JMESPath errors), as the function would.
 * @see https://docs.aws.amazon.com/sns/latest/api/API_Publish.html (the subject and message limits the rendering keeps)
 */
export function renderTargetNotification(input: TargetNotificationInput): { notification: Notification; fields: Record<string, unknown> } {
  const { event } = input;
  const fields = compileSelect(input.select).evaluate(event);
  const severity = input.severity?.evaluate(event);
  const notification = renderNotification({
    rule: input.rule,
    event,
    fields,
    subject: input.subject,
    ...(severity ? { severity } : {}),
    ...(input.accountAliases ? { accountAliases: input.accountAliases } : {}),
  });
  return { notification, fields };
}
