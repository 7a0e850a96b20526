/**
 * The retry strategy of the SNS client: every Publish gets all its attempts, outage or not.
 *
 * Why not the SDK's `standard` strategy: it keeps a retry quota per client (500 tokens; each retry of a transient
 * error costs 14 with the SDK's 2026 retry settings, a throttling retry 5) that refills only on success. A Lambda
 * container reuses its client across invocations, so in an SNS outage the quota runs dry after ~35 retries and
 * later publishes get one attempt instead of five: measured 1.25 attempts per invocation under 90 % HTTP 500. The
 * quota protects a busy server from retry storms; here the invocation itself is the unit of work, Lambda already
 * bounds the concurrency, and a publish that gives up early sends the alert to the dead-letter queue for nothing.
 * `adaptive` has the same quota plus a client-side rate limiter that delays requests.
 *
 * {@link PublishRetryStrategy} is the standard algorithm without the quota: at most `maxAttempts` attempts
 * (1 + retries); retry throttling errors (HTTP 429, `Throttling`, `ThrottlingException`, …) and transient ones
 * (HTTP 500/502/503/504, connection resets, refused connections, timeouts), never client errors (4xx: unknown
 * topic, access denied, invalid parameter); exponential backoff with full jitter, delay before retry `n`
 * (1-based) = random in `[0, min(maxDelayMs, base × 2^(n-1)))`, `base` = `baseDelayMs` (transient) or
 * `throttlingBaseDelayMs` (throttling); a `Retry-After` hint lengthens the delay up to `maxDelayMs`.
 * The classification of errors is the SDK's (its retry middleware sets `errorInfo.errorType`).
 *
 * @see https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html
 * @see https://aws.amazon.com/builders-library/timeouts-retries-and-backoff-with-jitter/
 */
import type { RetryErrorInfo, RetryStrategyV2, RetryToken } from '@smithy/types';

/** Options of {@link PublishRetryStrategy}; every value in milliseconds except `maxAttempts`. */
export interface PublishRetryOptions {
  /** Attempts per request, the first included (1-10). @default 5 */
  maxAttempts?: number;
  /** Backoff base for transient errors (5xx, resets, timeouts). @default 100 */
  baseDelayMs?: number;
  /** Backoff base for throttling errors. @default 500 */
  throttlingBaseDelayMs?: number;
  /** Cap of one delay. @default 5000 */
  maxDelayMs?: number;
  /** Random numbers in [0, 1) for the jitter. @default Math.random */
  random?: () => number;
}

/** The defaults of {@link PublishRetryStrategy}. */
export const PUBLISH_RETRY_DEFAULTS = {
  maxAttempts: 5,
  baseDelayMs: 100,
  throttlingBaseDelayMs: 500,
  maxDelayMs: 5_000,
} as const;

/**
 * The longest total backoff of one request, in ms, with these options: the sum of the delay caps of its retries
 * (defaults: transient 100 + 200 + 400 + 800 = 1,500; throttling 500 + 1,000 + 2,000 + 4,000 = 7,500).
 * @example maxTotalBackoffMs(); // 7500
 */
export function maxTotalBackoffMs(options: Omit<PublishRetryOptions, 'random'> = {}): number {
  const { maxAttempts, baseDelayMs, throttlingBaseDelayMs, maxDelayMs } = { ...PUBLISH_RETRY_DEFAULTS, ...options };
  const base = Math.max(baseDelayMs, throttlingBaseDelayMs);
  let total = 0;
  for (let retry = 0; retry < maxAttempts - 1; retry += 1) total += Math.min(maxDelayMs, base * 2 ** retry);
  return total;
}

class PublishRetryToken implements RetryToken {
  constructor(
    private readonly count: number,
    private readonly delay: number,
  ) {}
  getRetryCount(): number {
    return this.count;
  }
  getRetryDelay(): number {
    return this.delay;
  }
}

/**
 * The SDK's standard retry algorithm without a retry quota; see the module comment.
 * @throws RangeError for options out of range (a misconfiguration fails at cold start).
 * @example new SNSClient({ retryStrategy: new PublishRetryStrategy({ maxAttempts: 5 }), maxAttempts: 5 });
 */
export class PublishRetryStrategy implements RetryStrategyV2 {
  /** Shown in the SDK's user agent like the built-in strategies' modes. */
  readonly mode = 'standard';
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly throttlingBaseDelayMs: number;
  readonly maxDelayMs: number;
  private readonly random: () => number;

  constructor(options: PublishRetryOptions = {}) {
    const settings = { ...PUBLISH_RETRY_DEFAULTS, ...options };
    checkInteger('maxAttempts', settings.maxAttempts, 1, 10);
    checkInteger('baseDelayMs', settings.baseDelayMs, 0, 60_000);
    checkInteger('throttlingBaseDelayMs', settings.throttlingBaseDelayMs, 0, 60_000);
    checkInteger('maxDelayMs', settings.maxDelayMs, 0, 60_000);
    this.maxAttempts = settings.maxAttempts;
    this.baseDelayMs = settings.baseDelayMs;
    this.throttlingBaseDelayMs = settings.throttlingBaseDelayMs;
    this.maxDelayMs = settings.maxDelayMs;
    this.random = options.random ?? Math.random;
  }

  async acquireInitialRetryToken(): Promise<RetryToken> {
    return new PublishRetryToken(0, 0);
  }

  /** A token for the next attempt; throws (the SDK then throws the request's last error) when there is none. */
  async refreshRetryTokenForRetry(token: RetryToken, errorInfo: RetryErrorInfo): Promise<RetryToken> {
    const retries = token.getRetryCount();
    const retryable = errorInfo.errorType === 'THROTTLING' || errorInfo.errorType === 'TRANSIENT';
    if (!retryable) throw new Error(`not retried: ${errorInfo.errorType}`);
    if (retries + 1 >= this.maxAttempts) throw new Error(`not retried: ${this.maxAttempts} attempts made`);
    const base = errorInfo.errorType === 'THROTTLING' ? this.throttlingBaseDelayMs : this.baseDelayMs;
    let delay = Math.floor(this.random() * Math.min(this.maxDelayMs, base * 2 ** retries));
    if (errorInfo.retryAfterHint instanceof Date) {
      delay = Math.max(delay, Math.min(this.maxDelayMs, errorInfo.retryAfterHint.getTime() - Date.now()));
    }
    return new PublishRetryToken(retries + 1, delay);
  }

  /** No quota to refill. */
  recordSuccess(): void {}
}

function checkInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`PublishRetryStrategy: ${name} must be an integer from ${min} to ${max}, found ${String(value)}`);
  }
}
