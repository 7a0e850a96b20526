/**
 * Guards for the sample events a pattern file names in `tests`: they must stay inside the project (a pattern file
 * is reviewed as part of the project; `../../etc/passwd` or `/etc/passwd` would make `patchbay test` read any file
 * of the machine), and what is reported about a file that is not JSON never quotes its content.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describeJsonSyntaxError as describePosition } from '../pattern/json-text';
import { CatalogIssueCode, type CatalogIssueInput } from './errors';

/**
 * Whether a `tests` path leaves the project: absolute, climbing out with `..`, or (once resolved) a symbolic link
 * to a file outside it. Paths that do not exist are left to the read (`TEST_EVENT_NOT_FOUND`).
 *
 * @param rootDir - the project root
 * @param eventPath - as written in the pattern file, e.g. `events/iam/root-login.json`
 * @returns the `PATH_OUTSIDE_PROJECT` problem, or `undefined` when the path stays inside.
 * @example await testEventPathProblem('/work/project', '../../etc/passwd') // { code: 'PATH_OUTSIDE_PROJECT', ... }
 */
export async function testEventPathProblem(rootDir: string, eventPath: string): Promise<Pick<CatalogIssueInput, 'code' | 'found' | 'allowed'> | undefined> {
  const allowed = 'a path relative to the project root that stays inside it, e.g. events/iam/root-login.json';
  if (path.isAbsolute(eventPath) || path.win32.isAbsolute(eventPath)) {
    return { code: CatalogIssueCode.PATH_OUTSIDE_PROJECT, found: `the absolute path ${eventPath}`, allowed };
  }
  const root = path.resolve(rootDir);
  if (!isInside(root, path.resolve(root, eventPath))) {
    return { code: CatalogIssueCode.PATH_OUTSIDE_PROJECT, found: `the path ${eventPath}, which leads outside the project directory`, allowed };
  }
  let real: string;
  try {
    real = await fs.realpath(path.resolve(root, eventPath));
  } catch {
    return undefined;
  }
  const realRoot = await fs.realpath(root).catch(() => root);
  if (!isInside(realRoot, real)) {
    return { code: CatalogIssueCode.PATH_OUTSIDE_PROJECT, found: `${eventPath}, a symbolic link to a file outside the project directory`, allowed };
  }
  return undefined;
}

/**
 * Why a text is not JSON, with its line and column but none of its content (see `describeJsonSyntaxError`).
 * @example describeJsonSyntaxError('{"a": 1,}') // 'not valid JSON: an unexpected character (line 1, column 9)'
 */
export function describeJsonSyntaxError(text: string): string {
  return `not valid JSON: ${describePosition(text)}`;
}

function isInside(root: string, target: string): boolean {
  const relative = path.relative(root, target);
  return relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
}
