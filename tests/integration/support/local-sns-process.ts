/**
 * Start and stop tests/integration/support/local-sns.mjs (serverless-offline-sns's SNSServer on 127.0.0.1) in a
 * child process, and an HTTP subscriber in this process; shared by the SNS integration tests.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';

export const STARTUP_TIMEOUT_MS = 20_000;

/** A running local SNS endpoint. */
export interface LocalSns {
  child: ChildProcessWithoutNullStreams;
  endpoint: string;
}

/** Start local-sns.mjs and wait for its ready line. */
export async function startLocalSns(): Promise<LocalSns> {
  const script = path.join(__dirname, 'local-sns.mjs');
  const child = spawn(process.execPath, [script, '--port', '0', '--region', 'us-east-1', '--account', '000000000000'], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout });
  const ready = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`local SNS did not start within ${STARTUP_TIMEOUT_MS} ms: ${stderr}`)), STARTUP_TIMEOUT_MS);
    lines.on('line', (line) => {
      const message = JSON.parse(line) as { ready?: boolean; endpoint?: string };
      if (message.ready && message.endpoint) {
        clearTimeout(timer);
        resolve(message.endpoint);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`local SNS exited with ${code}: ${stderr}`));
    });
  });
  return { child, endpoint: await ready };
}

/** Stop a child process: SIGTERM, then SIGKILL after 3 s. */
export async function stopChild(child: ChildProcessWithoutNullStreams): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
  await exited;
  clearTimeout(timer);
}

/** One HTTP POST an SNS topic made to the subscriber. */
export interface Delivery {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
}

/** An HTTP endpoint subscribed to topics: records every POST, lets a test wait for one. */
export class Subscriber {
  readonly deliveries: Delivery[] = [];
  private readonly server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      this.deliveries.push({ path: request.url ?? '/', headers: request.headers, body: JSON.parse(text) as Record<string, unknown> });
      response.writeHead(200).end();
      for (const wake of this.waiting.splice(0)) wake();
    });
  });
  private waiting: Array<() => void> = [];

  async start(): Promise<string> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Wait until a delivery satisfies `predicate` (checked on each new delivery). */
  async waitFor(predicate: (delivery: Delivery) => boolean, timeoutMs = 10_000): Promise<Delivery> {
    let found: Delivery | undefined;
    await this.waitUntil(() => (found = this.deliveries.find(predicate)) !== undefined, timeoutMs, () => JSON.stringify(this.deliveries.map((d) => d.path)));
    return found!;
  }

  /** Wait until `condition()` holds, re-checking on each new delivery. */
  async waitUntil(condition: () => boolean, timeoutMs = 10_000, describe: () => string = () => `${this.deliveries.length} deliveries`): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (condition()) return;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`condition not met within ${timeoutMs} ms; got: ${describe()}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiting.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
