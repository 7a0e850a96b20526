/**
 * `patchbay replay`: replay archived events of a bus to its rules, and follow the replay to the end.
 *
 * ```
 * patchbay replay --bus default --from 2025-06-03T00:00:00Z --to 2025-06-04T00:00:00Z [--rules a,b]
 *                 [--stage dev] [--param k=v] [--region eu-west-1] [--account 111122223333] [--poll-interval-ms 2000] [--root DIR]
 * ```
 * Starts a replay from the bus's archive (`<service>-<stage>-<bus>`) back onto the bus (its physical name from
 * `custom.patchbay.buses`), limited to the named rules
 * (all rules of the bus when `--rules` is left out), then polls DescribeReplay and shows a progress bar on a
 * terminal (a line per change otherwise). Ctrl-C cancels the replay and waits for CANCELLED; a second Ctrl-C stops
 * waiting. Exit status: 0 COMPLETED, 1 FAILED (with EventBridge's reason) or any AWS error, 2 bad input (nothing
 * started), 130 cancelled by Ctrl-C.
 *
 * serverless.yml is resolved as `sls package` resolves it (`--stage`, `--param`, `--region`, `${opt:…}`, `${param:…}`,
 * `${self:…}`, `${env:…}`: see `../serverless-config`), so the archive, bus and rules are those that stage deployed.
 * Stage: `--stage`, else the resolved `provider.stage`, else `dev`. Region: `--region`, else the resolved
 * `provider.region`, else `us-east-1` (as Serverless does). Account: `--account`, else STS GetCallerIdentity with
 * the usual AWS credentials.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_StartReplay.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_DescribeReplay.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CancelReplay.html
 */
import path from 'node:path';
import { EventBridgeClient, type DescribeReplayCommandOutput } from '@aws-sdk/client-eventbridge';
import { STSClient } from '@aws-sdk/client-sts';
import cliProgress from 'cli-progress';
import { InvalidArgumentError, type Command } from 'commander';
import { rulePhysicalName } from '../../compiler';
import {
  DEFAULT_POLL_INTERVAL_IN_MILLIS,
  eventBusName,
  planReplay,
  REPLAY_INPUT_ERROR_CODES,
  ReplayError,
  ReplayExit,
  replayExitCode,
  replayProgress,
  resolveAccount,
  runReplay,
  type ReplayCatalog,
  type ReplayOutcome,
  type ReplayPlan,
  type ReplayWindow,
} from '../../replay';
import type { CliIo, TextSink } from '../io';
import { deploymentOptions, loadProject, loadProjectOrReport, withDeploymentOptions, type LoadProjectOptions, type Project } from '../project';
import type { CliContext } from './types';

/** Options of `patchbay replay`. */
export interface ReplayOptions {
  /** Bus key, as the pattern files' `bus:` (`default` for the default bus). */
  bus: string;
  /** ISO 8601 start of the window, e.g. `2025-06-03T00:00:00Z`. */
  from: string;
  /** ISO 8601 end of the window. */
  to: string;
  /** Rule names (comma-separated on the command line); all rules of the bus when absent. */
  rules?: string[];
  /** @default the resolved provider.stage of serverless.yml, else 'dev' */
  stage?: string;
  /** @default the resolved provider.region of serverless.yml, else 'us-east-1' */
  region?: string;
  /** Serverless parameters, as `sls --param key=value`. */
  param?: string[];
  /** 12-digit account id. @default STS GetCallerIdentity */
  account?: string;
  /** Time between two DescribeReplay calls, in milliseconds. @default 2000 */
  pollIntervalMs?: number;
  /** Project root. @default the working directory */
  root?: string;
}

/** What `patchbay replay` talks to; tests pass mocked clients, a fixed clock, a project and their own signal source. */
export interface ReplayCommandDeps {
  /** @default loadProject (serverless.yml resolved with the command's --stage/--region/--param, and the pattern files of the root) */
  loadProject?: (rootDir: string, options: LoadProjectOptions) => Promise<Pick<Project, 'serverless' | 'catalog' | 'stage' | 'region'>>;
  eventBridge?: (region: string) => Pick<EventBridgeClient, 'send'>;
  sts?: (region: string) => Pick<STSClient, 'send'>;
  now?: () => Date;
  /** Where Ctrl-C comes from. @default process */
  signals?: Pick<NodeJS.Process, 'on' | 'off'>;
}

/** Register the command on `program`. */
export function registerReplayCommand(program: Command, context: CliContext): void {
  withDeploymentOptions(program.command('replay'), { region: false })
    .description("replay archived events of a bus to its rules (StartReplay) and follow the replay to the end")
    .requiredOption('--bus <key>', 'event bus key, as in the pattern files (default for the default bus)')
    .requiredOption('--from <time>', 'start of the window, ISO 8601 (e.g. 2025-06-03T00:00:00Z)')
    .requiredOption('--to <time>', 'end of the window, ISO 8601, not in the future')
    .option('--rules <names>', 'comma-separated rule names to replay to (default: every rule of the bus)', splitList)
    .option('--region <region>', 'AWS region (default: provider.region, else us-east-1)')
    .option('--account <id>', 'AWS account id (default: from STS GetCallerIdentity)')
    .option('--poll-interval-ms <ms>', 'time between DescribeReplay calls', parsePositiveInteger, DEFAULT_POLL_INTERVAL_IN_MILLIS)
    .option('--root <dir>', 'project root (where serverless.yml is)', '.')
    .addHelpText(
      'after',
      '\nCtrl-C cancels the replay (CancelReplay) and waits until it is CANCELLED; Ctrl-C again stops waiting.\n' +
        'Exit status: 0 completed, 1 failed, 2 bad input (nothing started), 130 cancelled.',
    )
    .action(async (options: ReplayOptions) => {
      context.exitCode = await runReplayCommand(options, context.io);
    });
}

/**
 * Run `patchbay replay`.
 * @returns the exit code (see {@link ReplayExit}).
 */
export async function runReplayCommand(options: ReplayOptions, io: CliIo, deps: ReplayCommandDeps = {}): Promise<number> {
  const rootDir = path.resolve(io.cwd, options.root ?? '.');
  const load = deps.loadProject ?? loadProject;
  const project = await loadProjectOrReport(rootDir, 'replay', io.stderr, (root) => load(root, deploymentOptions(options)));
  if (!project) return ReplayExit.USAGE;
  const { stage, region } = project;
  // custom.patchbay.buses: bus kinds, names and archives (always has `default`, see readProjectConfig).
  const busConfigs = project.catalog.config.buses;
  const catalog: ReplayCatalog = {
    buses: [...new Set([...Object.keys(busConfigs), ...project.catalog.rules.map((rule) => rule.bus)])],
    rules: project.catalog.rules.map((rule) => ({ name: rule.name, bus: rule.bus })),
    archivedBuses: Object.keys(busConfigs).filter((key) => busConfigs[key].archive !== undefined),
  };
  const service = project.catalog.config.service;

  let plan: ReplayPlan;
  let account: string;
  try {
    account = options.account ?? (await resolveAccount((deps.sts ?? defaultSts)(region)));
    plan = planReplay({
      service,
      stage,
      bus: options.bus,
      busName: eventBusName(service, stage, options.bus, busConfigs[options.bus]),
      ...(options.rules ? { rules: options.rules } : {}),
      from: options.from,
      to: options.to,
      account,
      region,
      now: (deps.now ?? (() => new Date()))(),
      catalog,
      rulePhysicalName,
    });
  } catch (error) {
    return reportError(error, io);
  }

  const rules = options.rules?.length ? options.rules.join(', ') : `every rule of bus ${plan.busName}`;
  io.stdout.write(
    `Replaying archive ${plan.archiveName} (${region}, account ${account}) onto bus ${plan.busName}\n` +
      `  window: ${plan.window.start.toISOString()} .. ${plan.window.end.toISOString()}\n` +
      `  rules:  ${rules}\n` +
      `  replay: ${plan.replayName} (Ctrl-C cancels it)\n`,
  );

  const cancel = new AbortController();
  const abandon = new AbortController();
  const signals = deps.signals ?? process;
  const display = createProgressDisplay(io.stderr, plan.window);
  const onSigint = () => {
    if (!cancel.signal.aborted) {
      display.message(`Cancelling replay ${plan.replayName} (Ctrl-C again to stop waiting)...\n`);
      cancel.abort();
    } else abandon.abort();
  };
  signals.on('SIGINT', onSigint);
  let outcome: ReplayOutcome;
  try {
    outcome = await runReplay((deps.eventBridge ?? defaultEventBridge)(region), plan, {
      pollIntervalInMillis: options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_IN_MILLIS,
      onUpdate: (description) => display.update(description),
      signal: cancel.signal,
      abandonSignal: abandon.signal,
      onCancelRequested: (accepted) => {
        if (!accepted) display.message(`Replay ${plan.replayName} had already finished; nothing to cancel.\n`);
      },
    });
  } catch (error) {
    display.stop();
    return reportError(error, io);
  } finally {
    signals.off('SIGINT', onSigint);
  }
  display.stop();
  io.stdout.write(describeOutcome(outcome, plan));
  if (outcome.state === 'FAILED') {
    io.stderr.write(`patchbay replay: replay ${plan.replayName} FAILED: ${outcome.stateReason ?? 'no reason given'}\n`);
  } else if (outcome.state === 'CANCELLED' && !outcome.cancelledByUs) {
    io.stderr.write(`patchbay replay: replay ${plan.replayName} was cancelled by someone else\n`);
  }
  return replayExitCode(outcome);
}

/** The closing line of a followed replay. */
export function describeOutcome(outcome: ReplayOutcome, plan: ReplayPlan): string {
  if (outcome.abandoned) {
    return `Stopped waiting: replay ${plan.replayName} is ${outcome.state} in AWS${outcome.cancelledByUs ? ' (cancellation requested)' : ''}.\n`;
  }
  switch (outcome.state) {
    case 'COMPLETED':
      return `Replay ${plan.replayName} COMPLETED: events of ${plan.window.start.toISOString()} .. ${plan.window.end.toISOString()} were sent to bus ${plan.busName} again.\n`;
    case 'CANCELLED':
      return `Replay ${plan.replayName} CANCELLED${outcome.last?.EventLastReplayedTime ? ` after events up to ${new Date(outcome.last.EventLastReplayedTime).toISOString()}` : ''}.\n`;
    default:
      return `Replay ${plan.replayName} ${outcome.state}.\n`;
  }
}

/** Shows replay progress: a cli-progress bar on a terminal, else one line whenever the state or percentage changes. */
interface ProgressDisplay {
  update(description: DescribeReplayCommandOutput): void;
  /** Print a line of text between progress updates (a bar is closed first, so the two do not overwrite each other). */
  message(text: string): void;
  stop(): void;
}

function createProgressDisplay(sink: TextSink, window: ReplayWindow): ProgressDisplay {
  const stream = sink as TextSink & Partial<NodeJS.WriteStream>;
  let lastSeen: Date | undefined;
  // DescribeReplay may leave EventLastReplayedTime out while cancelling or once final: keep the last one seen.
  const remember = (description: DescribeReplayCommandOutput) => {
    if (description.EventLastReplayedTime) lastSeen = new Date(description.EventLastReplayedTime);
    return {
      last: lastSeen ? lastSeen.toISOString() : '-',
      percent: replayProgress({ State: description.State, EventLastReplayedTime: lastSeen }, window) * 100,
    };
  };
  if (stream.isTTY === true && typeof stream.cursorTo === 'function') {
    const bar = new cliProgress.SingleBar(
      {
        stream: stream as NodeJS.WriteStream,
        format: '{state} |{bar}| {percentage}% | last replayed event: {last}',
        hideCursor: true,
        barsize: 30,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(description) {
        const { last, percent } = remember(description);
        const payload = { state: (description.State ?? '?').padEnd(10), last };
        if (!started) {
          bar.start(100, Math.round(percent), payload);
          started = true;
        } else bar.update(Math.round(percent), payload);
      },
      message(text) {
        this.stop();
        sink.write(text);
      },
      stop() {
        if (started) bar.stop();
        started = false;
      },
    };
  }
  let previous = '';
  return {
    update(description) {
      const { last, percent } = remember(description);
      const key = `${description.State}:${Math.floor(percent)}`;
      if (key === previous) return;
      previous = key;
      sink.write(`${(description.State ?? '?').padEnd(10)} ${String(Math.floor(percent)).padStart(3)}%  last replayed event: ${last}\n`);
    },
    message(text) {
      sink.write(text);
    },
    stop() {},
  };
}

function reportError(error: unknown, io: CliIo): number {
  if (!(error instanceof ReplayError)) throw error;
  io.stderr.write(`patchbay replay: ${error.message} [${error.code}]\n`);
  return REPLAY_INPUT_ERROR_CODES.has(error.code) ? ReplayExit.USAGE : ReplayExit.FAILED;
}

function defaultEventBridge(region: string): EventBridgeClient {
  return new EventBridgeClient({ region });
}

function defaultSts(region: string): STSClient {
  return new STSClient({ region });
}

function splitList(value: string): string[] {
  return value.split(',').map((item) => item.trim());
}

function parsePositiveInteger(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new InvalidArgumentError('must be a whole number of milliseconds, at least 1');
  return number;
}
