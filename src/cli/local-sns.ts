/**
 * A local Amazon SNS for `patchbay route --sns local`: serverless-offline-sns's `SNSServer` on an express app
 * listening on 127.0.0.1 (ephemeral port), plus an HTTP subscriber on 127.0.0.1 that records every notification
 * SNS delivers to it. Everything runs in this process and is closed by {@link LocalSns.close}.
 *
 * Topics are created and subscribed through the real AWS SDK against the local endpoint, so the same client code
 * that talks to AWS is exercised. serverless-offline-sns is ESM-only: it is loaded with a real dynamic `import()`
 * by file URL (tsx keeps `import()` as is in CommonJS output; a `require()` would fail on Node 20).
 * Delivery to subscribers is asynchronous (Publish returns before the HTTP POST), so callers wait for the
 * message ids they published with {@link LocalSns.waitForMessages}.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';

/** A notification as the HTTP subscriber received it (the SNS HTTP/S notification JSON). */
export interface ReceivedNotification {
  messageId: string;
  topicArn: string;
  subject?: string;
  message: string;
  /** Message attributes as delivered (`{ name: { Type, Value } }`). */
  messageAttributes: Record<string, { Type?: string; Value?: string }>;
  /** The whole delivered document. */
  raw: Record<string, unknown>;
}

/** A running local SNS endpoint with a subscriber. */
export interface LocalSns {
  /** `http://127.0.0.1:<port>`: the value for `AWS_ENDPOINT_URL_SNS`. */
  readonly endpoint: string;
  /** `127.0.0.1:<port>` of the SNS endpoint. */
  readonly address: string;
  /** Create a topic (idempotent) and subscribe the local HTTP receiver to it. @returns the topic ARN. */
  createSubscribedTopic(name: string): Promise<string>;
  /**
   * Wait until every id in `messageIds` has been delivered, or `timeoutMs` passes.
   * @returns what was received for those ids (a missing id was not delivered in time).
   */
  waitForMessages(messageIds: readonly string[], timeoutMs?: number): Promise<Map<string, ReceivedNotification>>;
  /** Stop both servers and the SDK client. */
  close(): Promise<void>;
}

/** Options of {@link startLocalSns}. */
export interface LocalSnsOptions {
  /** Region of topic ARNs. @default 'us-east-1' */
  region?: string;
  /** Account id of topic ARNs. @default '000000000000' */
  accountId?: string;
  /** Receives serverless-offline-sns's debug lines. */
  debug?: (line: string) => void;
}

/** Default time to wait for deliveries, in milliseconds. */
export const DEFAULT_DELIVERY_TIMEOUT_MS = 5000;

interface ExpressApp extends http.RequestListener {
  use: (...args: unknown[]) => unknown;
}

/**
 * Start a local SNS endpoint and subscriber, both on 127.0.0.1 with ephemeral ports.
 * @throws when serverless-offline-sns cannot be loaded or a server cannot listen.
 * @example
 * const sns = await startLocalSns();
 * const arn = await sns.createSubscribedTopic('patchbay-dev-security');
 * // publish with AWS_ENDPOINT_URL_SNS=sns.endpoint ...
 * await sns.close();
 */
export async function startLocalSns(options: LocalSnsOptions = {}): Promise<LocalSns> {
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '000000000000';
  const snsServerFile = path.join(path.dirname(require.resolve('serverless-offline-sns')), 'sns-server.js');
  const { SNSServer } = (await import(pathToFileURL(snsServerFile).href)) as {
    SNSServer: new (debug: (msg: unknown, context?: string) => void, app: ExpressApp, region: string, accountId: string) => unknown;
  };
  // The express that serverless-offline-sns itself depends on.
  const express = createRequire(snsServerFile)('express') as () => ExpressApp;

  const received = new Map<string, ReceivedNotification>();
  const waiters = new Set<() => void>();
  const receiver = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      response.writeHead(200).end();
      try {
        const raw = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
        if (typeof raw.MessageId !== 'string') return;
        received.set(raw.MessageId, {
          messageId: raw.MessageId,
          topicArn: String(raw.TopicArn ?? ''),
          subject: typeof raw.Subject === 'string' ? raw.Subject : undefined,
          message: String(raw.Message ?? ''),
          messageAttributes: (raw.MessageAttributes ?? {}) as ReceivedNotification['messageAttributes'],
          raw,
        });
        for (const wake of waiters) wake();
      } catch {
        // Not an SNS notification: ignore it.
      }
    });
  });

  const app = express();
  new SNSServer((msg) => options.debug?.(typeof msg === 'string' ? msg : JSON.stringify(msg)), app, region, accountId);
  const snsServer = http.createServer(app);

  const snsPort = await listen(snsServer);
  let receiverPort: number;
  try {
    receiverPort = await listen(receiver);
  } catch (error) {
    await closeServer(snsServer);
    throw error;
  }
  const endpoint = `http://127.0.0.1:${snsPort}`;
  const client = new SNSClient({ region, endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });

  return {
    endpoint,
    address: `127.0.0.1:${snsPort}`,
    async createSubscribedTopic(name) {
      const { TopicArn } = await client.send(new CreateTopicCommand({ Name: name }));
      if (!TopicArn) throw new Error(`local SNS returned no TopicArn for ${name}`);
      await client.send(new SubscribeCommand({ TopicArn, Protocol: 'http', Endpoint: `http://127.0.0.1:${receiverPort}/${encodeURIComponent(name)}` }));
      return TopicArn;
    },
    async waitForMessages(messageIds, timeoutMs = DEFAULT_DELIVERY_TIMEOUT_MS) {
      const done = (): boolean => messageIds.every((id) => received.has(id));
      if (!done()) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(finish, timeoutMs);
          function finish(): void {
            clearTimeout(timer);
            waiters.delete(check);
            resolve();
          }
          function check(): void {
            if (done()) finish();
          }
          waiters.add(check);
        });
      }
      return new Map(messageIds.filter((id) => received.has(id)).map((id) => [id, received.get(id)!]));
    },
    async close() {
      client.destroy();
      await Promise.all([closeServer(snsServer), closeServer(receiver)]);
    },
  };
}

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
