/**
 * Load a patchbay project the way the plugin does, without starting Serverless: serverless.yml as data, the
 * `custom.patchbay` config, then every pattern file (validated, every problem at once).
 */
import path from 'node:path';
import { CatalogError, formatIssueLine, loadCatalog, loadServerlessYaml, readProjectConfig, type Catalog } from '../catalog';
import type { ReadText } from '../catalog/read-text';
import type { TextSink } from './io';

/** A loaded project. */
export interface Project {
  /** Absolute project root. */
  rootDir: string;
  /** serverless.yml as plain data (variables unresolved). */
  serverless: Record<string, unknown>;
  catalog: Catalog;
}

/**
 * Load serverless.yml and the catalog of the project at `rootDir`.
 * @param options.readTestEvent - how the catalog reads test events (see `LoadCatalogOptions`). @default readText
 * @throws CatalogError with every issue of serverless.yml or of the pattern files.
 * @example const { catalog } = await loadProject('.'); catalog.rules.length; // 10
 */
export async function loadProject(rootDir: string, options: { readTestEvent?: ReadText } = {}): Promise<Project> {
  const root = path.resolve(rootDir);
  const serverless = await loadServerlessYaml(root);
  const config = readProjectConfig(serverless);
  const catalog = await loadCatalog({ rootDir: root, config, ...(options.readTestEvent ? { readTestEvent: options.readTestEvent } : {}) });
  return { rootDir: root, serverless, catalog };
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
