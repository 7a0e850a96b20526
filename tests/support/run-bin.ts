/**
 * Run the real `patchbay` bin (`node bin/patchbay.js …`) as a child process, for integration tests.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../..');
export const BIN = path.join(REPO_ROOT, 'bin/patchbay.js');

/** What a run printed and how it exited. */
export interface BinRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Run `patchbay <args>` with `input` on stdin (closed at once when absent), in `cwd` (default: the repository).
 * @throws Error when the process does not exit within `timeoutMs` (default 30,000 ms); it is killed then.
 */
export function runBin(args: readonly string[], options: { input?: string; cwd?: string; timeoutMs?: number } = {}): Promise<BinRun> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? REPO_ROOT,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`patchbay ${args.join(' ')} did not exit within ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.on('error', () => undefined); // the command may exit before reading all of its input
    child.stdin.end(options.input ?? '');
  });
}
