/**
 * Backtest: stream historical CloudTrail records through a whole catalog and count, per rule, what would have
 * fired. Each record is converted to its EventBridge event (src/cloudtrail), offered to every rule at once through
 * the pattern engine's {@link RuleIndex}, kept only where EventBridge would deliver it to the rule's state
 * ({@link reachesRuleState}), then each target's `filter` is evaluated as `patchbay test` does (src/cli/rule-tests.ts,
 * the runtime's own JMESPath filter code): a rule "notifies" when one target has no filter or a truthy one.
 *
 * The work is split into {@link BacktestTally} (one per worker, serialisable) and {@link finishBacktestReport},
 * which merges tallies and ranks rules, noisiest first.
 */
import { convertCloudTrailRecord, readCloudTrailFile, reachesRuleState, type DeliveryAssumptions } from '../cloudtrail';
import { parseEventPattern, RuleIndex } from '../pattern';
import { compileFilter, type CompiledFilter } from '../runtime/filter';
import { renderTargetNotification } from '../runtime/preview';
import { createRedactor } from '../runtime/redact';
import { compileSeverity, type SeveritySpec } from '../runtime/severity';

/** The part of a rule a backtest needs (a catalog RuleDefinition fits; plain data, so workers can receive it). */
export interface BacktestRule {
  name: string;
  description?: string;
  /** Key of the rule's event bus; CloudTrail delivers to the default bus only. @default 'default' */
  bus?: string;
  state: string;
  pattern?: Record<string, unknown>;
  severity?: unknown;
  targets: ReadonlyArray<{ id: string; kind: string; filter?: string; select?: Record<string, string>; notify?: { subject?: string } }>;
}

/** Options of a backtest. */
export interface BacktestOptions extends DeliveryAssumptions {
  /** Only records with eventTime >= since (ISO 8601). */
  since?: string;
  /** Only records with eventTime < until (ISO 8601). */
  until?: string;
  /** Only events of these Regions (the Regions the rules are deployed to); all when absent. */
  regions?: readonly string[];
  /** Longest event pattern accepted. @default 2048 */
  maxEventPatternLengthInChars?: number;
  redact?: { keys?: string[]; paths?: string[] };
  accountAliases?: Record<string, string>;
}

/** A record that could not become an event, or a file that could not be read (index -1). */
export interface SkippedRecord {
  file: string;
  index: number;
  reason: string;
}

/** One rule's counts, before ranking (mergeable). */
export interface RuleTally {
  matched: number;
  notified: number;
  byDay: Record<string, number>;
  actors: Record<string, number>;
  resources: Record<string, number>;
  /** The subject of the first notification, with when it happened (to keep the earliest when merging). */
  sample?: { time: string; subject: string; message: string; file: string; index: number };
}

/** Counts of a set of files (one worker's), serialisable. */
export interface BacktestTallyData {
  records: number;
  converted: number;
  /** Outside --since/--until or --regions. */
  outsideWindow: number;
  skipped: SkippedRecord[];
  rules: Record<string, RuleTally>;
}

/** One rule of the report. */
export interface BacktestRuleReport {
  rule: string;
  matched: number;
  notified: number;
  byDay: Record<string, number>;
  topActors: Array<{ arn: string; count: number }>;
  topResources: Array<{ resource: string; count: number }>;
  /** One notification (the earliest) as the notify function renders it (secrets redacted), or null when none. */
  sample: { subject: string; message: string; file: string; index: number } | null;
}

/**
 * What `patchbay backtest --json` prints.
 * @example
 * { "records": 6, "converted": 5, "skipped": [{ "file": "logs/a.json", "index": 0, "reason": "no eventSource" }],
 *   "rules": [{ "rule": "iam-create-user", "matched": 2, "notified": 2, "byDay": { "2026-11-02": 2 },
 *     "topActors": [{ "arn": "arn:aws:iam::111122223333:user/alice", "count": 2 }], "topResources": [],
 *     "sample": { "subject": "…", "file": "logs/a.json", "index": 3 } }], "neverFired": ["root-login"],
 *   "notApplicable": [{ "rule": "nightly-report", "reason": "a schedule rule: it fires on time, not on events" }] }
 */
export interface BacktestReport {
  records: number;
  converted: number;
  outsideWindow: number;
  skipped: SkippedRecord[];
  rules: BacktestRuleReport[];
  neverFired: string[];
  /** Rules no CloudTrail record can reach: schedules, and rules of custom or partner buses. */
  notApplicable: Array<{ rule: string; reason: string }>;
}

/** Why a rule takes no part in a backtest, or undefined when it does. */
export function notApplicableReason(rule: BacktestRule): string | undefined {
  if (!rule.pattern) return 'a schedule rule: it fires on time, not on events';
  if ((rule.bus ?? 'default') !== 'default') return `on the ${rule.bus} bus: CloudTrail delivers to the default bus only`;
  return undefined;
}

/** How many actors and resources a rule lists. */
export const TOP_N = 5;
/** Distinct actors/resources kept per rule before the rarest are dropped (bounded memory). */
const MAX_DISTINCT = 10_000;

interface CompiledRule {
  rule: BacktestRule;
  filters: Array<{ target: BacktestRule['targets'][number]; filter: CompiledFilter }>;
}

/**
 * Counts records of files through the rules. Not thread-safe; one per worker.
 * @throws Error when a rule's pattern or filter is invalid (the catalog validates them first, so this is a bug).
 */
export class BacktestTally {
  readonly data: BacktestTallyData = { records: 0, converted: 0, outsideWindow: 0, skipped: [], rules: {} };
  private readonly index = new RuleIndex<number>();
  private readonly compiled: CompiledRule[] = [];
  private readonly redactor;

  constructor(
    rules: readonly BacktestRule[],
    private readonly options: BacktestOptions = {},
  ) {
    this.redactor = createRedactor(options.redact);
    for (const rule of rules) {
      if (notApplicableReason(rule) || !rule.pattern) continue;
      this.data.rules[rule.name] = { matched: 0, notified: 0, byDay: {}, actors: {}, resources: {} };
      const id = this.compiled.length;
      this.compiled.push({ rule, filters: rule.targets.map((target) => ({ target, filter: compileFilter(target.filter) })) });
      this.index.add(id, parseEventPattern(rule.pattern, { maxLengthInChars: options.maxEventPatternLengthInChars }));
    }
  }

  /** Stream one file's records through the rules. @param displayPath - how reports name the file. */
  async addFile(filePath: string, displayPath: string): Promise<void> {
    for await (const item of readCloudTrailFile(filePath)) {
      if ('fileError' in item) this.data.skipped.push({ file: displayPath, index: -1, reason: item.fileError });
      else this.addRecord(item.record, displayPath, item.index);
    }
  }

  /** Offer one record to every rule. */
  addRecord(record: unknown, file: string, index: number): void {
    const data = this.data;
    data.records++;
    const converted = convertCloudTrailRecord(record);
    if ('skipped' in converted) {
      data.skipped.push({ file, index, reason: converted.skipped });
      return;
    }
    const { event, facts } = converted;
    const { since, until, regions } = this.options;
    if ((since !== undefined && event.time < since) || (until !== undefined && event.time >= until) || (regions !== undefined && !regions.includes(event.region))) {
      data.outsideWindow++;
      return;
    }
    data.converted++;
    const ids = this.index.match(event);
    if (ids.length === 0) return;
    const day = event.time.slice(0, 10);
    for (const id of ids) {
      const { rule, filters } = this.compiled[id];
      if (!reachesRuleState(facts, rule.state, this.options)) continue;
      const tally = data.rules[rule.name];
      tally.matched++;
      let notifying: BacktestRule['targets'][number] | undefined;
      let notified = false;
      for (const { target, filter } of filters) {
        let ok: boolean;
        try {
          ok = filter.test(event);
        } catch {
          ok = false;
        }
        if (ok) {
          notified = true;
          if (!notifying && target.kind === 'function' && target.notify) notifying = target;
        }
      }
      if (!notified) continue;
      tally.notified++;
      tally.byDay[day] = (tally.byDay[day] ?? 0) + 1;
      const identity = event.detail.userIdentity as Record<string, unknown> | null | undefined;
      const arn = typeof identity?.arn === 'string' ? identity.arn : typeof identity?.type === 'string' ? `(${identity.type})` : '(unknown)';
      bump(tally.actors, arn);
      const resources = event.detail.resources;
      if (Array.isArray(resources)) {
        for (const resource of resources) {
          const name = (resource as Record<string, unknown> | null)?.ARN;
          if (typeof name === 'string') bump(tally.resources, name);
        }
      }
      if (notifying && (!tally.sample || event.time < tally.sample.time)) {
        tally.sample = { time: event.time, ...this.render(rule, notifying, event as unknown as Record<string, unknown>), file, index };
      }
    }
  }

  private render(rule: BacktestRule, target: BacktestRule['targets'][number], raw: Record<string, unknown>): { subject: string; message: string } {
    try {
      const { notification } = renderTargetNotification({
        rule: { name: rule.name, description: rule.description },
        severity: compileSeverity(rule.severity as SeveritySpec | undefined),
        select: target.select,
        subject: target.notify?.subject,
        event: this.redactor.redact(raw) as Record<string, unknown>,
        ...(this.options.accountAliases ? { accountAliases: this.options.accountAliases } : {}),
      });
      return notification;
    } catch (error) {
      const text = `(cannot render: ${(error as Error).message})`;
      return { subject: text, message: text };
    }
  }
}

function bump(counts: Record<string, number>, key: string): void {
  const next = (counts[key] ?? 0) + 1;
  counts[key] = next;
  if (next === 1 && Object.keys(counts).length > MAX_DISTINCT) {
    // Keep memory bounded: drop the keys seen once (they cannot be in the top list of a busy rule).
    for (const [k, v] of Object.entries(counts)) if (v === 1 && k !== key) delete counts[k];
  }
}

function mergeCounts(into: Record<string, number>, from: Record<string, number>): void {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
}

function top(counts: Record<string, number>): Array<[string, number]> {
  return Object.entries(counts)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, TOP_N);
}

/**
 * Merge tallies (in file order) and rank: rules that matched, noisiest first (notified, then matched, then name);
 * `neverFired` lists the rest by name.
 */
export function finishBacktestReport(rules: readonly BacktestRule[], tallies: readonly BacktestTallyData[]): BacktestReport {
  const report: BacktestReport = { records: 0, converted: 0, outsideWindow: 0, skipped: [], rules: [], neverFired: [], notApplicable: [] };
  const merged: Record<string, RuleTally> = {};
  const applicable = rules.filter((rule) => {
    const reason = notApplicableReason(rule);
    if (reason) report.notApplicable.push({ rule: rule.name, reason });
    return !reason;
  });
  report.notApplicable.sort((a, b) => (a.rule < b.rule ? -1 : 1));
  for (const rule of applicable) merged[rule.name] = { matched: 0, notified: 0, byDay: {}, actors: {}, resources: {} };
  for (const tally of tallies) {
    report.records += tally.records;
    report.converted += tally.converted;
    report.outsideWindow += tally.outsideWindow;
    report.skipped.push(...tally.skipped);
    for (const [name, t] of Object.entries(tally.rules)) {
      const m = merged[name];
      if (!m) continue;
      m.matched += t.matched;
      m.notified += t.notified;
      mergeCounts(m.byDay, t.byDay);
      mergeCounts(m.actors, t.actors);
      mergeCounts(m.resources, t.resources);
      if (t.sample && (!m.sample || t.sample.time < m.sample.time)) m.sample = t.sample;
    }
  }
  for (const rule of [...applicable].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const t = merged[rule.name];
    if (t.matched === 0) {
      report.neverFired.push(rule.name);
      continue;
    }
    report.rules.push({
      rule: rule.name,
      matched: t.matched,
      notified: t.notified,
      byDay: Object.fromEntries(Object.entries(t.byDay).sort((a, b) => (a[0] < b[0] ? -1 : 1))),
      topActors: top(t.actors).map(([arn, count]) => ({ arn, count })),
      topResources: top(t.resources).map(([resource, count]) => ({ resource, count })),
      sample: t.sample ? { subject: t.sample.subject, message: t.sample.message, file: t.sample.file, index: t.sample.index } : null,
    });
  }
  report.rules.sort((a, b) => b.notified - a.notified || b.matched - a.matched || (a.rule < b.rule ? -1 : 1));
  return report;
}
