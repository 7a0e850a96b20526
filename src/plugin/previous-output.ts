/**
 * Keep the previous `sls package` output until the new one is complete: Serverless empties `.serverless/` at
 * `package:cleanup`, before anything can fail, so a failing package (an invalid pattern file, a handler that does not
 * bundle, a template over a limit) used to leave no output at all. The previous directory is moved aside before the
 * cleanup and moved back when the command fails before the package is finished; once the package is finished it is
 * deleted.
 *
 * Design: a rename into a fresh temporary directory (a copy when the temporary directory is on another file
 * system), never a folder beside `.serverless` in the service, which Serverless would zip into functions it packages
 * itself.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** What {@link setAsidePreviousOutput} moved aside. */
export interface PreviousOutput {
  /** Put the previous `.serverless/` back in place of whatever the failed command left there. */
  restore(): Promise<void>;
  /** Forget the previous output (the new package is complete). */
  discard(): Promise<void>;
}

/**
 * Move `<serviceDir>/.serverless` aside, if it exists.
 * @returns the handle to restore or discard it, or `undefined` when there was no previous output.
 * @throws the `fs` error when the directory exists but cannot be moved (then nothing was changed).
 * @example
 * const previous = await setAsidePreviousOutput(serviceDir); // before package:cleanup
 * await previous?.restore();                                  // on error
 */
export async function setAsidePreviousOutput(serviceDir: string): Promise<PreviousOutput | undefined> {
  const output = path.join(serviceDir, '.serverless');
  try {
    if (!(await fs.lstat(output)).isDirectory()) return undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const holder = await fs.mkdtemp(path.join(os.tmpdir(), 'patchbay-previous-output-'));
  const kept = path.join(holder, '.serverless');
  try {
    await move(output, kept);
  } catch (error) {
    await fs.rm(holder, { recursive: true, force: true });
    throw error;
  }
  let done = false;
  return {
    restore: async () => {
      if (done) return;
      done = true;
      await fs.rm(output, { recursive: true, force: true });
      await move(kept, output);
      await fs.rm(holder, { recursive: true, force: true });
    },
    discard: async () => {
      if (done) return;
      done = true;
      await fs.rm(holder, { recursive: true, force: true });
    },
  };
}

async function move(from: string, to: string): Promise<void> {
  try {
    await fs.rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    await fs.cp(from, to, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
    await fs.rm(from, { recursive: true, force: true });
  }
}
