/**
 * What a change to a catalog does: the rules added, removed and changed (field by field, as a reviewer reads them,
 * never a text diff), and how routing changes for a set of events (each event routed through both catalogs:
 * which rules match it, which targets it reaches, what subject people receive).
 *
 * Pure: both catalogs and the events are given (the `patchbay diff` command reads them from git revisions).
 * Routing is evaluated as the deployed function does (pattern, then each target's filter; subjects rendered from
 * the redacted event); EventBridge delivers to `sns` and `eventBus` targets without a filter.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Catalog, RuleDefinition, TargetDefinition } from '../catalog';
import { matchEventPattern, parseEventPattern, type EventPattern } from '../pattern';
import { compileFilter } from '../runtime/filter';
import { isRecord } from '../runtime/json';
import { renderTargetNotification } from '../runtime/preview';
import { createRedactor } from '../runtime/redact';
import { compileSeverity, type CompiledSeverity } from '../runtime/severity';

/** One changed field of a rule: `pattern detail.eventName: + DeleteBackup`, `state: ENABLED -> DISABLED`. */
export interface FieldChange {
  /** Where: `pattern.detail.eventName`, `state`, `targets.notify.filter`, … */
  field: string;
  /** Readable: `+ "DeleteBackup"`, `"ENABLED" -> "DISABLED"`, `added`, `removed`. */
  change: string;
}

/**
 * A rule present in both catalogs whose definition differs.
 * @example { "rule": "dynamodb-delete-table", "filePath": "patterns/dynamodb/delete-table.yml", "routing": true,
 *   "changes": [{ "field": "pattern.detail.eventName", "change": "+ \"DeleteBackup\"" }] }
 */
export interface RuleChange {
  rule: string;
  filePath: string;
  /** The change can alter what is delivered (pattern, schedule, state, bus, targets); false for description, tests… */
  routing: boolean;
  changes: FieldChange[];
}

/** What one event does in one catalog: sorted lines such as `iam-root-login -> notify (security): "Root signed in"`. */
export type RoutingOutcome = string[];

/**
 * An event whose outcome differs.
 * @example { "event": "events/iam/root-login.json", "was": [], "now": ["iam-root-login -> notify (security): \"Root signed in\""] }
 */
export interface RoutingChange {
  event: string;
  was: RoutingOutcome;
  now: RoutingOutcome;
}

/**
 * The whole difference: stable for tools (`patchbay diff --format json`).
 * @example { "added": [{ "rule": "guardduty-finding", "filePath": "patterns/guardduty/finding.yml" }], "removed": [],
 *   "changed": [], "routingChanged": true, "events": { "routed": 38, "skipped": 2 },
 *   "routing": [{ "event": "events/guardduty/finding.json", "was": [],
 *     "now": ["guardduty-finding -> notify (security): \"GuardDuty finding …\""] }],
 *   "unexercised": [] }
 */
export interface CatalogDiff {
  added: { rule: string; filePath: string }[];
  removed: { rule: string; filePath: string }[];
  changed: RuleChange[];
  /** Some rule was added or removed, a change can alter delivery, or some event's outcome changed. */
  routingChanged: boolean;
  /** Events routed through both catalogs, and files left out (not an EventBridge event). */
  events: { routed: number; skipped: number };
  routing: RoutingChange[];
  /**
   * Rules added, removed or changed in a way that can alter delivery, whose change no routed event shows (no event's
   * outcome changed on that rule): the reviewer has only the pattern to go by, so the pull request should add a
   * sample event (a `match` or a `no-match` one) that shows it. Sorted.
   */
  unexercised: string[];
}

/** A named event to route. */
export interface NamedEvent {
  name: string;
  event: Record<string, unknown>;
}

/**
 * Compare two catalogs, and route `events` through both.
 * @example diffCatalogs(base, head, [{ name: 'events/iam/root-login.json', event }]).routingChanged; // true
 */
export function diffCatalogs(base: Catalog, head: Catalog, events: readonly NamedEvent[] = [], options: { skipped?: number } = {}): CatalogDiff {
  const before = new Map(base.rules.map((rule) => [rule.name, rule]));
  const after = new Map(head.rules.map((rule) => [rule.name, rule]));
  const added = head.rules.filter((rule) => !before.has(rule.name)).map(({ name, filePath }) => ({ rule: name, filePath }));
  const removed = base.rules.filter((rule) => !after.has(rule.name)).map(({ name, filePath }) => ({ rule: name, filePath }));
  const changed: RuleChange[] = [];
  for (const rule of head.rules) {
    const old = before.get(rule.name);
    if (!old) continue;
    const change = diffRule(old, rule);
    if (change.changes.length) changed.push(change);
  }
  const routeBase = router(base);
  const routeHead = router(head);
  const routing: RoutingChange[] = [];
  for (const { name, event } of events) {
    const was = routeBase(event);
    const now = routeHead(event);
    if (!isDeepStrictEqual(was, now)) routing.push({ event: name, was, now });
  }
  const shown = new Set(routing.flatMap(({ was, now }) => [...was, ...now]).map((line) => line.slice(0, line.indexOf(' -> '))));
  const affected = [...added.map((r) => r.rule), ...removed.map((r) => r.rule), ...changed.filter((c) => c.routing).map((c) => c.rule)];
  return {
    added,
    removed,
    changed,
    routingChanged: affected.length > 0 || routing.length > 0,
    events: { routed: events.length, skipped: options.skipped ?? 0 },
    routing,
    unexercised: affected.filter((rule) => !shown.has(rule)).sort(),
  };
}

/** The field changes of one rule. */
export function diffRule(old: RuleDefinition, now: RuleDefinition): RuleChange {
  const changes: FieldChange[] = [];
  let routing = false;
  const scalar = (field: string, a: unknown, b: unknown, affectsRouting: boolean) => {
    if (isDeepStrictEqual(a, b)) return;
    changes.push({ field, change: a === undefined ? `added ${show(b)}` : b === undefined ? `removed (was ${show(a)})` : `${show(a)} -> ${show(b)}` });
    if (affectsRouting) routing = true;
  };
  scalar('filePath', old.filePath, now.filePath, false);
  scalar('description', old.description, now.description, false);
  scalar('bus', old.bus, now.bus, true);
  scalar('state', old.state, now.state, true);
  scalar('schedule', old.schedule, now.schedule, true);
  scalar('severity', old.severity, now.severity, true);
  const patternChanges = diffValue('pattern', old.pattern, now.pattern);
  if (patternChanges.length) routing = true;
  changes.push(...patternChanges);
  const oldTargets = new Map(old.targets.map((t) => [t.id, t]));
  const newTargets = new Map(now.targets.map((t) => [t.id, t]));
  for (const [id, target] of newTargets) {
    const was = oldTargets.get(id);
    if (!was) {
      changes.push({ field: `targets.${id}`, change: `added (${describeTarget(target)})` });
      routing = true;
      continue;
    }
    const targetChanges = diffValue(`targets.${id}`, plainTarget(was), plainTarget(target));
    if (targetChanges.length) routing = true;
    changes.push(...targetChanges);
  }
  for (const [id, target] of oldTargets) {
    if (!newTargets.has(id)) {
      changes.push({ field: `targets.${id}`, change: `removed (was ${describeTarget(target)})` });
      routing = true;
    }
  }
  scalar('references', old.references, now.references, false);
  scalar('tests.match', old.tests.match, now.tests.match, false);
  scalar('tests.no-match', old.tests.noMatch, now.tests.noMatch, false);
  scalar('tests.expectations', old.tests.expectations, now.tests.expectations, false);
  return { rule: now.name, filePath: now.filePath, routing, changes };
}

/**
 * Changes between two JSON values, by dotted path: objects key by key, arrays of scalars as values added and
 * removed (`+ "x"`, `- "y"`; match lists are sets), anything else as `old -> new`.
 */
function diffValue(at: string, a: unknown, b: unknown): FieldChange[] {
  if (isDeepStrictEqual(a, b)) return [];
  if (isRecord(a) && isRecord(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return keys.flatMap((key) => diffValue(`${at}.${key}`, a[key], b[key]));
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const key = (v: unknown) => JSON.stringify(v);
    const was = new Set(a.map(key));
    const now = new Set(b.map(key));
    const plus = [...now].filter((v) => !was.has(v));
    const minus = [...was].filter((v) => !now.has(v));
    if (plus.length + minus.length === 0) return [{ field: at, change: `reordered: ${show(b)}` }];
    return [{ field: at, change: [...plus.map((v) => `+ ${v}`), ...minus.map((v) => `- ${v}`)].join(', ') }];
  }
  if (a === undefined) return [{ field: at, change: `added ${show(b)}` }];
  if (b === undefined) return [{ field: at, change: `removed (was ${show(a)})` }];
  return [{ field: at, change: `${show(a)} -> ${show(b)}` }];
}

/** A target's fields as plain data, for comparison. */
function plainTarget(target: TargetDefinition): Record<string, unknown> {
  return JSON.parse(JSON.stringify(target)) as Record<string, unknown>;
}

/** `function notify -> security`, `sns security`, `event bus central`. */
export function describeTarget(target: TargetDefinition): string {
  if (target.kind === 'function') return `function ${target.function}${target.notify ? ` -> ${target.notify.topic}` : ''}`;
  if (target.kind === 'sns') return `sns ${target.sns}`;
  return `event bus ${target.eventBus}`;
}

/** The router of one catalog: event -> its outcome lines (sorted). */
function router(catalog: Catalog): (event: Record<string, unknown>) => RoutingOutcome {
  const redactor = createRedactor(catalog.config.redact);
  const rules = catalog.rules
    .filter((rule) => rule.pattern !== undefined && rule.state !== 'DISABLED')
    .map((rule) => ({ rule, pattern: safePattern(rule.pattern!), severity: compileSeverity(rule.severity) }));
  return (event) => {
    const lines: string[] = [];
    const shown = redactor.redact(event);
    for (const { rule, pattern, severity } of rules) {
      if (!pattern || !matchEventPattern(pattern, event)) continue;
      for (const target of rule.targets) lines.push(`${rule.name} -> ${outcomeOf(rule, target, event, shown, severity, catalog.config.accountAliases)}`);
    }
    return lines.sort();
  };
}

function outcomeOf(rule: RuleDefinition, target: TargetDefinition, event: Record<string, unknown>, shown: Record<string, unknown>, severity: CompiledSeverity, accountAliases: Record<string, string> | undefined): string {
  if (target.kind === 'sns') return `sns ${target.sns}`;
  if (target.kind === 'eventBus') return `event bus ${target.eventBus}`;
  try {
    if (!compileFilter(target.filter).test(event)) return `${target.id}: filtered out`;
    if (!target.notify) return `${target.id}: no notify.topic`;
    const { subject } = renderTargetNotification({
      rule: { name: rule.name, description: rule.description },
      severity,
      select: target.select,
      subject: target.notify.subject,
      event: shown,
      ...(accountAliases ? { accountAliases } : {}),
    }).notification;
    return `${target.id} (${target.notify.topic}): ${JSON.stringify(subject)}`;
  } catch (error) {
    return `${target.id}: fails (${(error as Error).message})`;
  }
}

function safePattern(pattern: Record<string, unknown>): EventPattern | undefined {
  try {
    return parseEventPattern(pattern, { trusted: true, maxLengthInChars: 0 });
  } catch {
    return undefined; // the catalog validated it; a pattern the engine cannot take matches nothing here
  }
}


function show(value: unknown): string {
  return JSON.stringify(value) ?? 'undefined';
}
