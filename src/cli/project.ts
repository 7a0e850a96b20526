/**
 * Load a patchbay project the way the plugin does, without starting Serverless: serverless.yml with its variables
 * resolved as `sls package` resolves them (`./serverless-config`: `--stage`, `--region`, `--param`, `${self:…}`,
 * `${env:…}`, …), the `custom.patchbay` config, then every pattern file (validated, every problem at once).
 */
import path from 'node:path';
import { CatalogError, formatIssueLine, loadCatalog, readProjectConfig, type Catalog } from '../catalog';
import type { Command } from 'commander';
import { checkDeployment, resolveBuses, type CompilerIssue } from '../compiler';
import type { ReadText } from '../catalog/read-text';
import type { TextSink } from './io';
import { resolveServerlessConfig, type DeploymentOptions } from './serverless-config';

/** A loaded project. */
export interface Project {
  /** Absolute project root. */
  rootDir: string;
  /** serverless.yml as plain data, variables resolved (sources that need AWS left as written). */
  serverless: Record<string, unknown>;
  catalog: Catalog;
  /** The stage: `--stage`, else the resolved `provider.stage`, else `dev`. */
  stage: string;
  /** The Region: `--region`, else the resolved `provider.region`, else `us-east-1`. */
  region: string;
}

/** Options of {@link loadProject}: how test events are read, and the deployment as `sls` options. */
export interface LoadProjectOptions extends DeploymentOptions {
  /** How the catalog reads test events (see `LoadCatalogOptions`). @default readText */
  readTestEvent?: ReadText;
  /** Pattern files loaded as if on disk, by path under the patterns directory (see `LoadCatalogOptions`). */
  unsavedPatternFiles?: Readonly<Record<string, string>>;
}

/**
 * Load serverless.yml (variables resolved) and the catalog of the project at `rootDir`.
 * @param options - `readTestEvent`, and `stage`, `region`, `params` as `sls --stage --region --param` would get them
 * @throws CatalogError with every issue of serverless.yml (unresolvable variables included) or of the pattern files.
 * @example const { catalog, stage } = await loadProject('examples/aggregation', { stage: 'prod', params: ['role=central'] }); stage; // 'prod'
 */
export async function loadProject(rootDir: string, options: LoadProjectOptions = {}): Promise<Project> {
  const root = path.resolve(rootDir);
  const { config: serverless, stage, region, filePath, source } = await resolveServerlessConfig(root, options);
  const config = readProjectConfig(serverless, { filePath, ...(source ? { source } : {}) });
  const catalog = await loadCatalog({
    rootDir: root,
    config,
    configFilePath: filePath,
    ...(source ? { configSource: source } : {}),
    ...(options.readTestEvent ? { readTestEvent: options.readTestEvent } : {}),
    ...(options.unsavedPatternFiles ? { unsavedPatternFiles: options.unsavedPatternFiles } : {}),
  });
  return { rootDir: root, serverless, catalog, stage, region };
}

/**
 * Render a catalog error for the terminal: a count, then one issue per line as `file:line:column: message [CODE]`
 * (`patterns/iam/root-login.yml:7:9: /pattern/detail: …; … [INVALID_EVENT_PATTERN]`, see `formatIssueLine`).
 */
export function formatCatalogError(error: CatalogError, command: string): string {
  const count = error.issues.length === 1 ? '1 problem' : `${error.issues.length} problems`;
  return [`patchbay ${command}: invalid catalog (${count}):`, ...error.issues.map((issue) => formatIssueLine(issue))].join('\n') + '\n';
}

/**
 * Load a project for `patchbay <command>`, or print why its catalog is invalid ({@link formatCatalogError}).
 * @param load - the loader: {@link loadProject}, or a test's stand-in.
 * @returns the project, or `undefined` after writing a CatalogError to `stderr` (the command then exits with its
 *   "invalid" code).
 * @throws any error of `load` other than a CatalogError.
 * @example
 * const project = await loadProjectOrReport(rootDir, 'test', io.stderr, loadProject);
 * if (!project) return TestExit.INVALID_CATALOG;
 */
export async function loadProjectOrReport<P>(rootDir: string, command: string, stderr: TextSink, load: (rootDir: string) => Promise<P>): Promise<P | undefined> {
  try {
    return await load(rootDir);
  } catch (error) {
    if (!(error instanceof CatalogError)) throw error;
    stderr.write(formatCatalogError(error, command));
    return undefined;
  }
}

/** The function keys that rules target, in first-seen order (rules are sorted by name); eventBus and sns targets have none. */
export function targetedFunctions(catalog: Catalog): string[] {
  return [...new Set(catalog.rules.flatMap((rule) => rule.targets.flatMap((target) => (target.kind === 'function' ? [target.function] : []))))];
}

/** The `sls`-like deployment options of `patchbay test`, `route` and `replay`. */
export interface DeploymentFlags {
  /** `--stage`: as `sls --stage`. @default the resolved provider.stage, else 'dev' */
  stage?: string;
  /** `--region`: as `sls --region`. @default the resolved provider.region, else 'us-east-1' */
  region?: string;
  /** `--param key=value` (repeatable): as `sls --param`. */
  param?: string[];
}

/**
 * Add `--stage`, `--region` and `--param key=value` (repeatable) to a command, with `sls`'s meaning, so the command
 * resolves serverless.yml as `sls package --stage … --param …` does.
 * @example withDeploymentOptions(program.command('test')).action(...)
 */
export function withDeploymentOptions(command: Command, what: { region?: boolean } = {}): Command {
  command
    .option('--stage <stage>', 'stage, as sls --stage (default: provider.stage of serverless.yml, else dev)')
    .option('--param <key=value>', 'a Serverless parameter, as sls --param (repeatable)', (value: string, previous: string[] = []) => [...previous, value]);
  if (what.region !== false) command.option('--region <region>', 'AWS Region, as sls --region (default: provider.region, else us-east-1)');
  return command;
}

/** {@link LoadProjectOptions} from the flags of {@link withDeploymentOptions}. */
export function deploymentOptions(flags: DeploymentFlags): DeploymentOptions {
  return {
    ...(flags.stage !== undefined ? { stage: flags.stage } : {}),
    ...(flags.region !== undefined ? { region: flags.region } : {}),
    ...(flags.param?.length ? { params: flags.param } : {}),
  };
}

/**
 * The compiler's deployment checks (`checkDeployment`) for a loaded project, as `sls package` runs them: errors and
 * warnings, each a coded issue with file, pointer, line and column.
 * @example checkProjectDeployment(project).map((issue) => issue.code) // ['CLOUDTRAIL_TRAIL_REQUIRED']
 */
export function checkProjectDeployment(project: Pick<Project, 'catalog' | 'stage' | 'region'>): CompilerIssue[] {
  const { catalog, stage, region } = project;
  const service = catalog.config.service;
  return checkDeployment(catalog, resolveBuses(catalog.config, { service, stage }), { service, stage, region }, { locate: catalog.locate });
}
