/**
 * A fault-injecting HTTP proxy on 127.0.0.1 between the AWS SDK and a local SNS endpoint. Each request gets one
 * fault, drawn with a seeded PRNG from configurable shares (the rest pass through unchanged):
 * - `error-500`: answered `500 InternalError` without reaching the server;
 * - `throttle`: answered `429 Throttled` (SNS's throttling error) without reaching the server;
 * - `reset-before`: the connection is reset before the request reaches the server;
 * - `reset-after`: forwarded, the server accepts it, then the client's connection is reset instead of answered;
 * - `slow`: forwarded, the server accepts it, the answer is held back `slowDelayMs` (longer than the client's
 *   request timeout).
 * The last two are *ambiguous*: SNS has the message but the client sees a failure and retries.
 */
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export const FAULTS = ['error-500', 'throttle', 'reset-before', 'reset-after', 'slow'] as const;
export type Fault = (typeof FAULTS)[number];
export type FaultShares = Partial<Record<Fault, number>>;

/** What the proxy saw, by outcome. */
export interface FaultCounts {
  requests: number;
  passed: number;
  'error-500': number;
  throttle: number;
  'reset-before': number;
  'reset-after': number;
  slow: number;
  /** Requests the server answered with 2xx (it accepted the message). */
  accepted: number;
  /** Accepted by the server, but the client did not get the answer: reset-after, slow, or a pass the client gave up on. */
  ambiguous: number;
  /** Of `ambiguous`: passes whose client closed the connection before the answer (its request timeout, under load). */
  clientGaveUp: number;
}

/** mulberry32: a small seeded PRNG, so a failing run can be repeated. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultProxy {
  counts: FaultCounts = FaultProxy.zero();
  /** Bodies (form-decoded) of the requests the server accepted. */
  accepted: URLSearchParams[] = [];
  private shares: FaultShares = {};
  private random: () => number = prng(1);
  private readonly server: http.Server;
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

  constructor(
    private readonly upstream: string,
    private readonly slowDelayMs: number,
  ) {
    this.server = http.createServer((request, response) => this.handle(request, response));
  }

  private static zero(): FaultCounts {
    return { requests: 0, passed: 0, 'error-500': 0, throttle: 0, 'reset-before': 0, 'reset-after': 0, slow: 0, accepted: 0, ambiguous: 0, clientGaveUp: 0 };
  }

  async start(): Promise<string> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** New shares and seed; the counts start again from zero. */
  configure(shares: FaultShares, seed: number): void {
    const total = Object.values(shares).reduce((sum, share) => sum + (share ?? 0), 0);
    if (total > 1) throw new RangeError(`fault shares add up to ${total} > 1`);
    this.shares = shares;
    this.random = prng(seed);
    this.counts = FaultProxy.zero();
    this.accepted = [];
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    this.agent.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private draw(): Fault | 'pass' {
    let point = this.random();
    for (const fault of FAULTS) {
      point -= this.shares[fault] ?? 0;
      if (point < 0) return fault;
    }
    return 'pass';
  }

  private handle(request: http.IncomingMessage, response: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const fault = this.draw();
      this.counts.requests += 1;
      this.counts[fault === 'pass' ? 'passed' : fault] += 1;
      switch (fault) {
        case 'error-500':
          return void response
            .writeHead(500, { 'content-type': 'text/xml' })
            .end('<ErrorResponse><Error><Type>Receiver</Type><Code>InternalError</Code><Message>injected</Message></Error><RequestId>fault</RequestId></ErrorResponse>');
        case 'throttle':
          return void response
            .writeHead(429, { 'content-type': 'text/xml' })
            .end('<ErrorResponse><Error><Type>Sender</Type><Code>Throttled</Code><Message>Rate exceeded (injected)</Message></Error><RequestId>fault</RequestId></ErrorResponse>');
        case 'reset-before':
          return void request.socket.destroy();
        default:
          return this.forward(request, body, response, fault);
      }
    });
  }

  private forward(request: http.IncomingMessage, body: Buffer, response: http.ServerResponse, fault: 'reset-after' | 'slow' | 'pass'): void {
    const upstream = http.request(
      `${this.upstream}${request.url ?? '/'}`,
      { method: request.method, headers: { ...request.headers, 'content-length': String(body.length) }, agent: this.agent },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          const ok = (answer.statusCode ?? 500) < 300;
          if (ok) {
            this.counts.accepted += 1;
            this.accepted.push(new URLSearchParams(body.toString('utf8')));
            if (fault !== 'pass') this.counts.ambiguous += 1;
          }
          const reply = () => {
            if (response.destroyed || request.socket.destroyed) {
              if (ok && fault === 'pass') {
                this.counts.ambiguous += 1;
                this.counts.clientGaveUp += 1;
              }
              return;
            }
            response.writeHead(answer.statusCode ?? 500, answer.headers).end(Buffer.concat(chunks));
          };
          if (fault === 'reset-after') return void request.socket.destroy();
          if (fault === 'slow') return void setTimeout(reply, this.slowDelayMs);
          reply();
        });
      },
    );
    upstream.on('error', () => request.socket.destroy());
    upstream.end(body);
  }
}
