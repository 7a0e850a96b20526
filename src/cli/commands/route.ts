/**
 * `patchbay route [paths...] [--sns local|dry-run] [--stage S] [--region R] [--param k=v] [--root DIR]`: route sample events through the
 * catalog exactly as the deployed `notify` function does, and show what would be notified.
 *
 * For each function that rules target, the routing manifest is built from the catalog (`buildManifest`, as at
 * `sls package`); every event (default: `events/**\/*.json`) then goes through the runtime's `processEvent`
 * (pattern matching via the engine, filter, select, rendering, SNS Publish).
 * - `--sns local` (default): serverless-offline-sns runs in-process on 127.0.0.1; topics are created and an HTTP
 *   subscriber on 127.0.0.1 is subscribed to them; the runtime publishes through the AWS SDK with
 *   `AWS_ENDPOINT_URL_SNS` pointing there (dummy credentials), and each notification is printed as the subscriber
 *   received it. Nothing leaves the machine.
 * - `--sns dry-run`: nothing is sent; the exact Publish requests are printed.
 *
 * Every target kind is shown as AWS delivers to it (`../route-targets`): function targets as above; `sns` targets
 * with the exact message text EventBridge publishes (the input transformer applied by `src/transform`); `eventBus`
 * targets with the forwarded event, the receiving bus and what its rules do with it (a second hop is dropped); each
 * with its retry policy and dead-letter queue. `--target-kind` and `--rule` narrow it; `--quiet` prints one line per
 * event; `--json` prints one {@link RouteJsonDocument}.
 *
 * Exit 0 when every event was routed (and, locally, every notification delivered), 1 when an event could not be
 * read or routed or a notification failed, 2 for an invalid catalog or a missing path.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { SNSClient } from '@aws-sdk/client-sns';
import { Option, type Command } from 'commander';
import { buildManifest } from '../../catalog';
import {
  LOCAL_ACCOUNT_ID,
  NotifyError,
  RuntimeError,
  createSnsClient,
  processEvent,
  type NotificationResult,
  type PublishRequest,
  type RoutingManifest,
  type RuntimeEnv,
} from '../../runtime';
import { routeEventBridgeTargets, targetDeliveryPolicy, type EventBridgeDelivery, type TargetDeliveryPolicy } from '../route-targets';
import { listEventFiles, readEventFiles, type EventFile } from '../event-files';
import { writeText, type CliIo } from '../io';
import { DEFAULT_DELIVERY_TIMEOUT_MS, startLocalSns, type LocalSns, type ReceivedNotification } from '../local-sns';
import { rulePhysicalName } from '../../compiler/logical-ids';
import { nextFirings, parseSchedule } from '../../schedule';
import { SCHEDULED_EVENT } from '../../runtime/delivery';
import { isoSeconds } from '../time';
import { deploymentOptions, loadProject, loadProjectOrReport, targetedFunctions, withDeploymentOptions } from '../project';
import type { CliContext } from './types';

/** Where `route` sends notifications. */
export const SNS_MODES = ['local', 'dry-run'] as const;
export type SnsMode = (typeof SNS_MODES)[number];

/** Options of `patchbay route`. */
export interface RouteOptions {
  /** @default 'local' */
  sns?: SnsMode;
  /** Stage of topic names (`<service>-<stage>-<topic>`), as `sls --stage`. @default the resolved provider.stage, else 'dev' */
  stage?: string;
  /** As `sls --region`. @default the resolved provider.region, else 'us-east-1' */
  region?: string;
  /** Serverless parameters, as `sls --param key=value`. */
  param?: string[];
  /** Project root. @default the working directory */
  root?: string;
  /** How long to wait for local deliveries per event, in milliseconds. @default 5000 */
  deliveryTimeoutMs?: number;
  /** Only targets of this kind. */
  targetKind?: TargetKindFilter;
  /** Only this rule (its patchbay name, e.g. `iam-root-login`). */
  rule?: string;
  /** Print one {@link RouteJsonDocument} instead of text. */
  json?: boolean;
  /** One line per event. */
  quiet?: boolean;
  /** Route the Scheduled Event that this schedule rule's firing delivers, instead of event files. */
  schedule?: string;
}

/** Target kinds `--target-kind` takes. */
export const TARGET_KINDS = ['function', 'sns', 'eventBus'] as const;
export type TargetKindFilter = (typeof TARGET_KINDS)[number];

/**
 * `patchbay route --json`: one document, fields only ever added.
 *
 * @example
 * { "version": 1, "stage": "dev", "region": "us-east-1", "sns": "dry-run",
 *   "events": [{ "file": "events/root-login.json", "matched": ["iam-root-login"], "errors": [],
 *     "deliveries": [
 *       { "kind": "function", "rule": "iam-root-login", "target": "notify", "function": "notify", "topic": "security",
 *         "status": "dry-run", "subject": "Root sign-in from 198.51.100.7", "message": "…",
 *         "retryPolicy": { "maximumRetryAttempts": 185, "maximumEventAgeInSeconds": 86400 }, "deadLetterQueue": "PatchbayDeadLetterQueue" },
 *       { "kind": "sns", "rule": "iam-root-login", "target": "sns-security", "topic": "security", "status": "delivered",
 *         "message": "\"Root sign-in to 111122223333 from 198.51.100.7 (rule patchbay.dev.iam-root-login)\"", … },
 *       { "kind": "eventBus", "rule": "iam-root-login", "target": "bus-central", "eventBus": "central",
 *         "receivingBus": "patchbay-dev-central", "status": "forwarded", "event": { … }, "receivedBy": [], … }] }],
 *   "summary": { "events": 1, "matched": 1, "deliveries": 3, "failed": 0 } }
 */
export interface RouteJsonDocument {
  version: 1;
  stage: string;
  region: string;
  sns: SnsMode;
  events: Array<{ file: string; matched: string[]; errors: string[]; deliveries: RouteJsonDelivery[] }>;
  summary: { events: number; matched: number; deliveries: number; failed: number };
}

/** One target's delivery: a function target's notification, or what EventBridge delivers to an sns or eventBus target. */
export type RouteJsonDelivery =
  | ({ kind: 'function'; rule: string; target: string; function: string; topic?: string; status: string; subject?: string; message?: string; messageId?: string } & Partial<TargetDeliveryPolicy>)
  | EventBridgeDelivery;

/** Exit codes of `patchbay route`. */
export const RouteExit = { OK: 0, EVENT_FAILED: 1, INVALID: 2 } as const;

/** Register the command on `program`. */
export function registerRouteCommand(program: Command, context: CliContext): void {
  withDeploymentOptions(program.command('route'))
    .description('route sample events through the rules and the notify runtime, and show every notification')
    .argument('[paths...]', 'event files or directories of *.json (default: events/)')
    .addOption(new Option('--sns <mode>', 'local: deliver through serverless-offline-sns on 127.0.0.1; dry-run: print the Publish requests').choices(SNS_MODES).default('local'))
    .option('--root <dir>', 'project root (where serverless.yml is)', '.')
    .addOption(new Option('--target-kind <kind>', 'only targets of this kind').choices(TARGET_KINDS))
    .option('--rule <name>', 'only this rule (e.g. iam-root-login)')
    .option('--json', 'print one JSON document (RouteJsonDocument) instead of text')
    .option('--quiet', 'print one line per event')
    .option('--schedule <rule>', "deliver the Scheduled Event of this schedule rule's next firing to its function targets (instead of event files)")
    .addHelpText('after', '\nExit status: 0 all routed, 1 an event or notification failed, 2 invalid catalog or path.')
    .action(async (paths: string[], options: RouteOptions) => {
      context.exitCode = await runRoute(paths, options, context.io);
    });
}

/** What happened to one event file. */
interface EventReport {
  file: EventFile;
  /** One per routed (rule, target), over every function. */
  results: Array<NotificationResult & { function: string }>;
  /** Local mode: what the subscriber received, by SNS message id. */
  received: Map<string, ReceivedNotification>;
  errors: string[];
  /** What EventBridge delivers to the sns and eventBus targets of the matching rules. */
  eventBridge: EventBridgeDelivery[];
}

/**
 * Run `patchbay route`.
 * @param paths - event files or directories, relative to `io.cwd`; empty for the project's `events/`.
 * @returns the exit code (see {@link RouteExit}).
 */
export async function runRoute(paths: readonly string[], options: RouteOptions, io: CliIo): Promise<number> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const mode: SnsMode = options.sns ?? 'local';
  const rootDir = path.resolve(io.cwd, options.root ?? '.');

  const project = await loadProjectOrReport(rootDir, 'route', io.stderr, (root) => loadProject(root, deploymentOptions(options)));
  if (!project) return RouteExit.INVALID;
  const { stage } = project;
  const { catalog } = project;
  let events: EventFile[];
  if (options.schedule !== undefined) {
    const rule = catalog.rules.find((r) => r.name === options.schedule);
    if (!rule || rule.schedule === undefined) {
      const schedules = catalog.rules.filter((r) => r.schedule !== undefined).map((r) => r.name);
      io.stderr.write(`patchbay route: --schedule ${JSON.stringify(options.schedule)} is not a schedule rule (schedule rules: ${schedules.join(', ') || 'none'})\n`);
      return RouteExit.INVALID;
    }
    options = { ...options, rule: rule.name };
    events = scheduledDeliveries(rule, { service: catalog.config.service, stage, region: project.region });
  } else {
    let files: string[];
    try {
      files = await listEventFiles(paths, io.cwd, project.rootDir);
    } catch (error) {
      io.stderr.write(`patchbay route: ${(error as Error).message}\n`);
      return RouteExit.INVALID;
    }
    events = await readEventFiles(files, io.cwd, project.rootDir);
  }
  const manifests = targetedFunctions(catalog).map((functionName) =>
    buildManifest(catalog, { service: catalog.config.service, stage, functionName }),
  );
  const region = project.region;
  if (options.rule !== undefined && !catalog.rules.some((rule) => rule.name === options.rule)) {
    io.stderr.write(`patchbay route: no rule ${JSON.stringify(options.rule)} (rules: ${catalog.rules.map((rule) => rule.name).join(', ')})\n`);
    return RouteExit.INVALID;
  }
  const wantFunctions = options.targetKind === undefined || options.targetKind === 'function';
  const policyOf = (ruleName: string, targetId: string): TargetDeliveryPolicy | undefined => {
    const target = catalog.rules.find((rule) => rule.name === ruleName)?.targets.find((t) => t.id === targetId);
    return target ? targetDeliveryPolicy(catalog, target) : undefined;
  };
  const text = !options.json;

  const env: RuntimeEnv = { AWS_REGION: region };
  let sns: LocalSns | undefined;
  let snsClient: SNSClient | undefined;
  try {
    if (mode === 'local') {
      sns = await startLocalSns({ region, accountId: LOCAL_ACCOUNT_ID });
      // No credential variables: in endpoint mode the runtime's client signs with dummy `test`/`test` credentials.
      env.AWS_ENDPOINT_URL_SNS = sns.endpoint;
      for (const manifest of manifests) {
        for (const topic of Object.values(manifest.topics)) env[topic.arnEnv] ??= await sns.createSubscribedTopic(topic.name);
      }
    } else {
      env.PATCHBAY_DRY_RUN = 'true';
    }
    const client = (snsClient = createSnsClient(env));
    const via = sns ? `delivered via local SNS (${sns.address})` : 'dry run, not sent';

    const ruleCount = new Set(manifests.flatMap((manifest) => manifest.rules.map((rule) => rule.name))).size;
    if (text && !options.quiet) await writeText(
      io.stdout,
      `patchbay route: ${plural(events.length, 'event')} through ${plural(ruleCount, 'rule')} ` +
        `(${manifests.map((m) => `function ${m.function}`).join(', ') || 'no function is targeted'}; stage ${stage}); ` +
        `${sns ? `SNS: local, ${sns.endpoint}` : 'SNS: dry run'}\n`,
    );

    const reports: EventReport[] = [];
    for (const file of events) {
      const report = await routeEventFile(file, wantFunctions && !file.scheduled?.eventBridgeOnly ? manifests : [], { snsClient: client, env });
      if (options.rule !== undefined) report.results = report.results.filter((r) => r.rule === options.rule);
      if (file.scheduled) {
        report.eventBridge = options.targetKind === 'function' ? [] : routeEventBridgeTargets(catalog, file.scheduled.event, { stage, region, rule: file.scheduled.rule, scheduledRule: file.scheduled.rule }).filter(
          (d) => options.targetKind === undefined || d.kind === options.targetKind,
        );
      } else if (file.error === undefined && options.targetKind !== 'function') {
        report.eventBridge = routeEventBridgeTargets(catalog, file.event, { stage, region, ...(options.rule !== undefined ? { rule: options.rule } : {}) }).filter(
          (d) => options.targetKind === undefined || d.kind === options.targetKind,
        );
      }
      if (sns) {
        const ids = report.results.flatMap((r) => (r.status === 'published' && r.messageId ? [r.messageId] : []));
        report.received = await sns.waitForMessages(ids, options.deliveryTimeoutMs ?? DEFAULT_DELIVERY_TIMEOUT_MS);
      }
      reports.push(report);
      if (text) await writeText(io.stdout, options.quiet ? formatQuietLine(report) : formatEventReport(report, via, Boolean(sns), policyOf));
    }
    const summary = summarize(reports, Boolean(sns));
    if (options.json) {
      await writeText(io.stdout, JSON.stringify(jsonDocument(reports, { stage, region, sns: mode, policyOf, summary }), null, 2) + '\n');
    } else {
      await writeText(io.stdout, `${options.quiet ? '' : '\n'}${formatSummary(summary, via)}\n`);
    }
    return summary.failed > 0 ? RouteExit.EVENT_FAILED : RouteExit.OK;
  } finally {
    snsClient?.destroy();
    await sns?.close();
  }
}

/**
 * What a schedule rule's next firing delivers to each of its function targets: the Scheduled Event EventBridge sends
 * (`source` aws.events, `detail-type` Scheduled Event, the rule's ARN in `resources`, `detail` {}), wrapped in the
 * input transformer envelope the deployed rule's targets get.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-run-lambda-schedule.html
 */
function scheduledDeliveries(rule: { name: string; schedule?: string; targets: ReadonlyArray<{ id: string; kind: string }> }, context: { service: string; stage: string; region: string }): EventFile[] {
  // The next firing after now (a rate rule taken as created at the start of this minute), to the second.
  const now = Math.floor(Date.now() / 60_000) * 60_000;
  const time = nextFirings(parseSchedule(rule.schedule ?? ''), new Date(now), 1)[0] ?? isoSeconds(now);
  const ruleArnName = rulePhysicalName(context.service, context.stage, rule.name);
  const event = {
    version: '0',
    id: randomUUID(),
    ...SCHEDULED_EVENT,
    account: LOCAL_ACCOUNT_ID,
    time,
    region: context.region,
    resources: [`arn:aws:events:${context.region}:${LOCAL_ACCOUNT_ID}:rule/${ruleArnName}`],
    detail: {},
  };
  const label = `schedule ${rule.name} ${rule.schedule} at ${time}`;
  const functionTargets = rule.targets.filter((target) => target.kind === 'function');
  const entries: EventFile[] = functionTargets.map((target) => ({ absolutePath: '', displayPath: `${label} (target ${target.id})`, event: { patchbay: { rule: rule.name, target: target.id, ruleArnName }, event } }));
  // The sns and eventBus targets receive the Scheduled Event itself: shown once, with the first entry.
  if (entries.length === 0) return [{ absolutePath: '', displayPath: label, event, scheduled: { rule: rule.name, event, eventBridgeOnly: true } }];
  entries[0].scheduled = { rule: rule.name, event };
  return entries;
}

async function routeEventFile(
  file: EventFile,
  manifests: readonly RoutingManifest[],
  context: { snsClient: SNSClient; env: RuntimeEnv },
): Promise<EventReport> {
  const report: EventReport = { file, results: [], received: new Map(), errors: [], eventBridge: [] };
  if (file.error !== undefined) {
    report.errors.push(file.error);
    return report;
  }
  for (const manifest of manifests) {
    const tag = (results: NotificationResult[]) => results.map((result) => ({ ...result, function: manifest.function }));
    try {
      const results = await processEvent(file.event, { manifest, snsClient: context.snsClient, env: context.env, print: () => {} });
      report.results.push(...tag(results));
    } catch (error) {
      if (error instanceof NotifyError) {
        report.results.push(...tag(error.results as NotificationResult[]));
        report.errors.push(...error.errors.map((e) => `function ${manifest.function}: ${e.message}`));
      } else if (error instanceof RuntimeError) {
        report.errors.push(error.message);
        break; // an input the runtime rejects is rejected by every function
      } else {
        throw error;
      }
    }
  }
  return report;
}

/** Render what happened to one event: matched rules, then each notification. */
function formatEventReport(report: EventReport, via: string, local: boolean, policyOf: (rule: string, target: string) => TargetDeliveryPolicy | undefined): string {
  const lines = [``, `== ${report.file.displayPath}`];
  const given = report.file.event as Record<string, unknown> | undefined;
  // A delivered envelope ({ patchbay, event }) or a schedule's firing: show the EventBridge event inside.
  const event = report.file.scheduled?.event ?? (given && typeof given === 'object' && 'patchbay' in given ? (given.event as Record<string, unknown>) : given);
  if (event && typeof event === 'object' && !Array.isArray(event)) {
    lines.push(`   event:   ${String(event.source)} | ${String(event['detail-type'])} | account ${String(event.account)} | ${String(event.region)}`);
  }
  const matched = matchedRules(report);
  if (report.errors.length === 0 || matched.length > 0) lines.push(`   matched: ${matched.length ? matched.join(', ') : 'no rule'}`);
  for (const result of report.results) {
    const head = `   -> ${result.rule} / target ${result.target}${result.topic ? ` / topic ${result.topic}` : ''}`;
    if (result.status === 'filtered-out') {
      lines.push(`${head}: filtered out (the target's filter is false for this event)`);
    } else if (result.status === 'dry-run' && result.request) {
      lines.push(`${head}: ${via}`, ...formatDryRunRequest(result.request));
    } else if (local) {
      const received = result.messageId ? report.received.get(result.messageId) : undefined;
      if (received) {
        lines.push(`${head}: ${via}`, ...formatReceived(received));
      } else {
        lines.push(`${head}: published (MessageId ${result.messageId ?? '-'}) but NOT received by the local subscriber`);
      }
    } else {
      lines.push(`${head}: ${result.status}${result.messageId ? ` (MessageId ${result.messageId})` : ''}`);
    }
    const policy = policyOf(result.rule, result.target);
    if (policy) lines.push(formatPolicy(policy));
  }
  for (const delivery of report.eventBridge) lines.push(...formatEventBridgeDelivery(delivery));
  for (const error of report.errors) lines.push(`   ERROR:   ${error}`);
  return lines.join('\n') + '\n';
}

function matchedRules(report: EventReport): string[] {
  return [...new Set([...report.results.map((r) => r.rule), ...report.eventBridge.map((d) => d.rule)])];
}

function formatPolicy(policy: TargetDeliveryPolicy): string {
  const retry = policy.retryPolicy
    ? `retry up to ${policy.retryPolicy.maximumRetryAttempts} times within ${policy.retryPolicy.maximumEventAgeInSeconds} s`
    : 'no retry policy (event bus targets have none)';
  return `      delivery:  ${retry}; then dead-letter queue ${policy.deadLetterQueue}`;
}

/** An sns or eventBus target, as EventBridge delivers to it. */
function formatEventBridgeDelivery(delivery: EventBridgeDelivery): string[] {
  if (delivery.kind === 'sns') {
    const head = `   -> ${delivery.rule} / target ${delivery.target} / topic ${delivery.topic} (EventBridge publishes)`;
    const lines =
      delivery.status === 'delivered'
        ? [`${head}: subscribers receive this message text`, ...delivery.message!.split('\n').map((line) => `        | ${line}`.trimEnd())]
        : delivery.status === 'refused'
          ? [`${head}: REFUSED at PutTargets: ${delivery.reason}`]
          : [`${head}: nothing delivered (${delivery.reason})`];
    return [...lines, formatPolicy(delivery)];
  }
  const head = `   -> ${delivery.rule} / target ${delivery.target} / bus ${delivery.eventBus}`;
  const lines = [`${head}: forwarded unchanged to ${delivery.receivingBus}`];
  if (delivery.reason) lines.push(`      note:      ${delivery.reason}`);
  lines.push(`      event:     ${JSON.stringify(delivery.event)}`);
  if (delivery.receivedBy) {
    lines.push(
      delivery.receivedBy.length
        ? `      on ${delivery.eventBus}: ${delivery.receivedBy.map((r) => `${r.rule} (targets: ${r.targets.join(', ') || 'none'})`).join('; ')}`
        : `      on ${delivery.eventBus}: no rule of this project matches it`,
    );
  }
  lines.push(formatPolicy(delivery));
  return lines;
}

/** `--quiet`: the file, the rules it matched and each target's outcome, on one line. */
function formatQuietLine(report: EventReport): string {
  const outcomes = [
    ...report.results.map((r) => `${r.rule}/${r.target} ${r.status}`),
    ...report.eventBridge.map((d) => `${d.rule}/${d.target} ${d.status}`),
    ...report.errors.map((e) => `ERROR ${e}`),
  ];
  return `${report.file.displayPath}: ${outcomes.length ? outcomes.join(', ') : 'no rule'}\n`;
}

function jsonDocument(
  reports: readonly EventReport[],
  context: { stage: string; region: string; sns: SnsMode; policyOf: (rule: string, target: string) => TargetDeliveryPolicy | undefined; summary: RouteSummary },
): RouteJsonDocument {
  const events = reports.map((report) => {
    const functionDeliveries: RouteJsonDelivery[] = report.results.map((result) => {
      const received = result.messageId ? report.received.get(result.messageId) : undefined;
      const request = result.request as (PublishRequest & { Subject?: string; Message?: string }) | undefined;
      return {
        kind: 'function' as const,
        rule: result.rule,
        target: result.target,
        function: result.function,
        ...(result.topic ? { topic: result.topic } : {}),
        status: received ? 'delivered' : result.status,
        ...(received?.subject ?? request?.Subject ? { subject: received?.subject ?? request?.Subject } : {}),
        ...(received?.message ?? request?.Message ? { message: received?.message ?? request?.Message } : {}),
        ...(result.messageId ? { messageId: result.messageId } : {}),
        ...context.policyOf(result.rule, result.target),
      };
    });
    return { file: report.file.displayPath, matched: matchedRules(report), errors: report.errors, deliveries: [...functionDeliveries, ...report.eventBridge] };
  });
  return {
    version: 1,
    stage: context.stage,
    region: context.region,
    sns: context.sns,
    events,
    summary: { events: reports.length, matched: events.filter((e) => e.matched.length > 0).length, deliveries: events.reduce((n, e) => n + e.deliveries.length, 0), failed: context.summary.failed },
  };
}

/** The notification as the HTTP subscriber received it. */
function formatReceived(received: ReceivedNotification): string[] {
  return [
    `      TopicArn:  ${received.topicArn}`,
    `      MessageId: ${received.messageId}`,
    `      Subject:   ${received.subject ?? '(none)'}`,
    `      Message:`,
    ...received.message.split('\n').map((line) => `        | ${line}`.trimEnd()),
  ];
}

/** The exact Publish request, labelled as a dry run. */
function formatDryRunRequest(request: PublishRequest): string[] {
  return [`      SNS Publish request (dry run):`, ...JSON.stringify(request, null, 2).split('\n').map((line) => `        ${line}`)];
}

interface RouteSummary {
  events: number;
  matched: number;
  notified: number;
  delivered: number;
  filteredOut: number;
  /** sns and eventBus deliveries EventBridge makes itself. */
  direct: number;
  failed: number;
}

function summarize(reports: readonly EventReport[], local: boolean): RouteSummary {
  const all = reports.flatMap((r) => r.results);
  const notified = all.filter((r) => r.status !== 'filtered-out');
  const undelivered = local ? notified.filter((r) => !r.messageId || !reports.some((rep) => rep.received.has(r.messageId!))).length : 0;
  return {
    events: reports.length,
    matched: reports.filter((r) => r.results.length > 0 || r.eventBridge.length > 0).length,
    notified: notified.length,
    delivered: local ? notified.length - undelivered : 0,
    filteredOut: all.length - notified.length,
    direct: reports.reduce((n, r) => n + r.eventBridge.filter((d) => d.status === 'delivered' || d.status === 'forwarded').length, 0),
    failed: reports.filter((r) => r.errors.length > 0).length + undelivered + reports.reduce((n, r) => n + r.eventBridge.filter((d) => d.status === 'refused').length, 0),
  };
}

function formatSummary(summary: RouteSummary, via: string): string {
  const parts = [
    plural(summary.events, 'event'),
    `${summary.matched} matched a rule`,
    via.startsWith('dry run')
      ? `${plural(summary.notified, 'notification')} (dry run: Publish requests printed, nothing sent)`
      : `${plural(summary.delivered, 'notification')} ${via}`,
    `${summary.filteredOut} filtered out by a target filter`,
  ];
  if (summary.direct > 0) parts.push(`${summary.direct} delivered by EventBridge itself (sns, eventBus targets)`);
  if (summary.failed > 0) parts.push(`${plural(summary.failed, 'failure')}`);
  return `patchbay route: ${parts.join(', ')}`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
