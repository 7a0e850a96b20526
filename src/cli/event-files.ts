/**
 * Find and read sample event files for `patchbay route`: explicit files, or every `*.json` and `*.json.gz` under
 * directories (recursively, sorted), default `events/` of the project. CloudTrail input (a single record, or a log
 * file's `{"Records": [...]}`, plain or gzipped) becomes the events EventBridge delivers for its records
 * (src/cloudtrail), one per record, named `file#/Records/<index>`.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { eventsOfDocument, sampleText } from '../cloudtrail';
import { describeJsonSyntaxError } from '../pattern/json-text';

/** A sample event file, read and parsed (or why it could not be). */
export interface EventFile {
  /** Absolute path. */
  absolutePath: string;
  /** What to show: project-relative posix path when inside the project, else relative to the working directory. */
  displayPath: string;
  /** The parsed JSON, when it could be read and parsed. */
  event?: unknown;
  /** Why the file could not be used. */
  error?: string;
  /**
   * `route --schedule`: the Scheduled Event of this rule's firing, which its sns and eventBus targets receive;
   * `eventBridgeOnly` when the rule has no function target (then `event` is not routed through the functions).
   */
  scheduled?: { rule: string; event: Record<string, unknown>; eventBridgeOnly?: true };
}

/**
 * List event files: each path is a file (taken as is) or a directory (every `*.json` below it, sorted).
 * @param paths - relative to `cwd`; empty means `<rootDir>/events`.
 * @throws Error naming a path that does not exist.
 * @example await listEventFiles([], cwd, rootDir); // ['/…/events/cloudtrail/delete-trail.json', …]
 */
export async function listEventFiles(paths: readonly string[], cwd: string, rootDir: string): Promise<string[]> {
  const roots = paths.length ? paths.map((p) => path.resolve(cwd, p)) : [path.join(rootDir, 'events')];
  const files: string[] = [];
  for (const root of roots) {
    let stat;
    try {
      stat = await fs.stat(root);
    } catch {
      throw new Error(`no such file or directory: ${path.relative(cwd, root) || root}`);
    }
    if (stat.isDirectory()) files.push(...(await walkFiles(root, isSampleFileName)).sort());
    else files.push(root);
  }
  return [...new Set(files)];
}

/**
 * Read and parse event files (in order). A file that cannot be read or is not JSON gets an `error`; a CloudTrail
 * log file gives one entry per record (see the module comment).
 */
export async function readEventFiles(files: readonly string[], cwd: string, rootDir: string): Promise<EventFile[]> {
  const perFile = await Promise.all(
    files.map(async (absolutePath): Promise<EventFile[]> => {
      const displayPath = toDisplayPath(absolutePath, cwd, rootDir);
      let text: string;
      try {
        text = sampleText(await fs.readFile(absolutePath));
      } catch (error) {
        return [{ absolutePath, displayPath, error: `cannot read the file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` }];
      }
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        return [{ absolutePath, displayPath, error: `not JSON: ${describeJsonSyntaxError(text)}` }];
      }
      return eventsOfDocument(value, displayPath).map((item) =>
        'error' in item ? { absolutePath, displayPath: item.label, error: item.error } : { absolutePath, displayPath: item.label, event: item.event },
      );
    }),
  );
  return perFile.flat();
}

function toDisplayPath(absolutePath: string, cwd: string, rootDir: string): string {
  const fromRoot = path.relative(rootDir, absolutePath);
  const inside = fromRoot !== '' && !fromRoot.startsWith('..') && !path.isAbsolute(fromRoot);
  return (inside ? fromRoot : path.relative(cwd, absolutePath) || absolutePath).split(path.sep).join('/');
}

/**
 * Every file under `dir` (recursively, unsorted) whose name `accept` takes.
 * @throws what `fs.readdir` throws for `dir` (ENOENT, ENOTDIR, EACCES).
 * @example await walkFiles('/logs', (name) => name.endsWith('.json.gz')); // ['/logs/2026/11/a.json.gz', …]
 */
export async function walkFiles(dir: string, accept: (name: string) => boolean): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map(async (entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return walkFiles(full, accept);
      return entry.isFile() && accept(entry.name) ? [full] : [];
    }),
  );
  return nested.flat();
}

const isSampleFileName = (name: string): boolean => name.endsWith('.json') || name.endsWith('.json.gz');
