/** Names derived from files and config keys: rule names, target ids, topic names. */
import { DEFAULT_BUS } from './types';

/** Rule names: 1-64 characters of `[.\-_A-Za-z0-9]` (EventBridge's own rule-name rule). */
export const RULE_NAME_PATTERN = /^[.\-_A-Za-z0-9]{1,64}$/;

/** Target ids: 1-64 characters of `[.\-_A-Za-z0-9]`. @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_Target.html */
export const TARGET_ID_MAX_LENGTH = 64;

/**
 * The rule name of a pattern file: its path under the patterns directory without extension, `/` -> `-`.
 * @param relativePath - posix path relative to the patterns directory, e.g. `iam/root-login.yml`
 * @returns e.g. `iam-root-login` (not checked: see {@link RULE_NAME_PATTERN})
 */
export function deriveRuleName(relativePath: string): string {
  return relativePath.replace(/\.ya?ml$/i, '').split('/').join('-');
}

/**
 * The base of a target's EventBridge Id, from what it names: the function key (`notify`), `sns-<topic key>`, or
 * `bus-<bus key>` (`bus-<bus name>` for an ARN, characters outside `[.\-_A-Za-z0-9]` as `-`).
 * @example targetIdBase({ eventBus: 'arn:aws:events:us-east-1:111122223333:event-bus/central' }) // 'bus-central'
 */
export function targetIdBase(target: { function?: string; sns?: string; eventBus?: string }): string {
  if (target.function !== undefined) return target.function;
  if (target.sns !== undefined) return `sns-${target.sns}`;
  const bus = target.eventBus ?? '';
  const name = bus.startsWith('arn:') ? bus.slice(bus.indexOf(':event-bus/') + ':event-bus/'.length) : bus;
  return `bus-${name.replace(/[^.\-_A-Za-z0-9]/g, '-')}`;
}

/**
 * EventBridge target ids for a rule's targets, in order: each {@link targetIdBase}, suffixed `-2`, `-3`, ... when
 * the rule names the same one again; cut to 64 characters.
 * @example assignTargetIds(['notify', 'audit', 'notify']) // ['notify', 'audit', 'notify-2']
 */
export function assignTargetIds(functionKeys: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return functionKeys.map((key) => {
    const count = (seen.get(key) ?? 0) + 1;
    seen.set(key, count);
    const suffix = count === 1 ? '' : `-${count}`;
    return `${key.slice(0, TARGET_ID_MAX_LENGTH - suffix.length)}${suffix}`;
  });
}

/**
 * Physical SNS topic name: `<service>-<stage>-<key>`, plus `.fifo` for a FIFO topic (SNS allows 1-256 chars of
 * `[A-Za-z0-9_-]`, and requires the `.fifo` suffix on FIFO topics).
 * @example topicPhysicalName('patchbay', 'dev', 'security') // 'patchbay-dev-security'
 * @example topicPhysicalName('patchbay', 'dev', 'audit', { fifo: true }) // 'patchbay-dev-audit.fifo'
 */
export function topicPhysicalName(service: string, stage: string, topicKey: string, options: { fifo?: boolean } = {}): string {
  return `${service}-${stage}-${topicKey}${options.fifo ? '.fifo' : ''}`;
}

/** Whether a bus name means the default event bus. */
export function isDefaultBus(bus: string): boolean {
  return bus === DEFAULT_BUS;
}
