/**
 * `patchbay init`: scaffold a new project that uses patchbay as a dependency: serverless.yml (`plugins: [patchbay]`,
 * the notify handler from the installed package), one example pattern file with its tests, its sample events, a
 * README stub, a pull-request workflow, `.gitignore` and (when there is none) `package.json`. The files come from
 * the package's `templates/init/`; `{{service}}`, `{{packageName}}` and `{{version}}` are filled in.
 *
 * Nothing is overwritten: when a file to write exists already, nothing is written and the error names every such
 * file (`package.json` is the exception: an existing one is kept, and reported as kept).
 */
import fs from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { version } from '../../package.json';

/** Files that are written only when absent (an existing one is kept, never merged). */
const KEPT_WHEN_PRESENT = new Set(['package.json']);

/** Template files stored under another name, because `npm pack` drops or renames them. */
const RENAMED: Readonly<Record<string, string>> = { gitignore: '.gitignore' };

/** A service name Serverless and CloudFormation accept: letters, digits and dashes, starting with a letter. */
export const SERVICE_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9-]{0,63}$/;

/** Refusal of `patchbay init`: files exist, or the directory name is not a usable service name. */
export class InitError extends Error {
  constructor(
    message: string,
    readonly code: 'PATCHBAY_INIT_FILES_EXIST' | 'PATCHBAY_INIT_SERVICE_NAME_INVALID' | 'PATCHBAY_INIT_TEMPLATES_MISSING',
  ) {
    super(message);
    this.name = 'InitError';
  }
}

/** What {@link initProject} did. */
export interface InitResult {
  /** Project directory, absolute. */
  dir: string;
  service: string;
  /** Project-relative paths written, sorted. */
  written: string[];
  /** Project-relative paths kept as they were (an existing package.json). */
  kept: string[];
}

/** The package's `templates/init` directory (from `src/scaffold` in a checkout or `dist/` in the package). */
export function templatesDir(): string {
  for (const candidate of [path.resolve(__dirname, '../../templates/init'), path.resolve(__dirname, '../templates/init')]) {
    if (existsSync(candidate)) return candidate;
  }
  throw new InitError(`patchbay's templates/init directory is missing next to ${__dirname}: reinstall patchbay`, 'PATCHBAY_INIT_TEMPLATES_MISSING');
}

/**
 * Scaffold a project in `dir` (created when missing).
 *
 * @param dir - the project directory, e.g. `my-alerts`
 * @param options.service - the Serverless service name; default: the directory's name
 * @returns what was written, e.g. `{ "service": "my-alerts", "written": [".github/workflows/patterns.yml", "README.md", …], "kept": [] }`
 * @throws InitError `PATCHBAY_INIT_FILES_EXIST` (naming every existing file) before anything is written;
 *   `PATCHBAY_INIT_SERVICE_NAME_INVALID` when the name does not match {@link SERVICE_NAME_PATTERN}.
 * @see https://www.serverless.com/framework/docs/providers/aws/guide/services
 */
export async function initProject(dir: string, options: { service?: string } = {}): Promise<InitResult> {
  const absolute = path.resolve(dir);
  const service = options.service ?? path.basename(absolute);
  if (!SERVICE_NAME_PATTERN.test(service)) {
    throw new InitError(
      `service name ${JSON.stringify(service)} (from ${options.service ? '--service' : 'the directory name'}); a letter, then letters, digits or dashes, at most 64 characters: pass --service <name>`,
      'PATCHBAY_INIT_SERVICE_NAME_INVALID',
    );
  }
  const source = templatesDir();
  const templates = (await fs.readdir(source, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(source, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort();
  const targetOf = (file: string): string => {
    const base = path.posix.basename(file);
    return RENAMED[base] ? path.posix.join(path.posix.dirname(file), RENAMED[base]).replace(/^\.\//, '') : file;
  };
  const existing = templates.map(targetOf).filter((file) => !KEPT_WHEN_PRESENT.has(file) && existsSync(path.join(absolute, file)));
  if (existing.length) {
    throw new InitError(`${absolute} already has ${existing.join(', ')}; patchbay init never overwrites: use an empty directory`, 'PATCHBAY_INIT_FILES_EXIST');
  }
  const values: Record<string, string> = { service, packageName: service.toLowerCase(), version };
  const written: string[] = [];
  const kept: string[] = [];
  for (const file of templates) {
    const target = targetOf(file);
    const full = path.join(absolute, target);
    if (KEPT_WHEN_PRESENT.has(target) && existsSync(full)) {
      kept.push(target);
      continue;
    }
    const text = (await fs.readFile(path.join(source, file), 'utf8')).replace(/\{\{(service|packageName|version)\}\}/g, (_, key: string) => values[key]);
    await fs.mkdir(path.dirname(full), { recursive: true });
    await fs.writeFile(full, text, { flag: 'wx' });
    written.push(target);
  }
  return { dir: absolute, service, written: written.sort(), kept };
}
