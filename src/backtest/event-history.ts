/**
 * CloudTrail Event history as a backtest source: the 90 days of management events every account keeps, with no
 * trail and no bucket, read with `LookupEvents` (`@aws-sdk/client-cloudtrail`, so the SDK's credential and endpoint
 * resolution apply: profiles, `AWS_ENDPOINT_URL_CLOUDTRAIL`). Each event's `CloudTrailEvent` is the record, and goes
 * through the same conversion and delivery rules as a log file's records.
 *
 * Limits honoured: 50 events a page (`NextToken` paging), at most 2 requests per second per account and Region
 * (requests spaced by {@link LOOKUP_EVENTS_INTERVAL_MS}), `ThrottlingException` retried by the SDK's standard retry.
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/view-cloudtrail-events.html
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';

/** Events per LookupEvents page (the API's maximum). */
export const LOOKUP_EVENTS_PAGE_SIZE = 50;
/** Least time between two LookupEvents requests of one Region: the API allows 2 per second per account and Region. */
export const LOOKUP_EVENTS_INTERVAL_MS = 500;

/** One item read from Event history: a record (its index in the Region's stream), or why an event was unusable. */
export type EventHistoryItem = { index: number; record: unknown } | { index: number; skipped: string };

/** Options of {@link readEventHistory}. */
export interface EventHistoryOptions {
  /** Events at or after this instant (ISO 8601). */
  since?: string;
  /** Events before this instant (ISO 8601). */
  until?: string;
  /** The client of the Region; default `new CloudTrailClient({ region, maxAttempts: 8 })`. */
  client?: CloudTrailClient;
  /** Spacing of requests in milliseconds. @default LOOKUP_EVENTS_INTERVAL_MS */
  intervalMs?: number;
  /** Called after each page with the events read so far and the oldest event time seen. */
  onPage?: (progress: { region: string; events: number; oldest?: string }) => void;
}

/**
 * Read one Region's Event history, newest first as LookupEvents returns it.
 * @yields each event's parsed `CloudTrailEvent`, or `skipped` when it is missing or not JSON.
 * @throws the SDK's error when a request fails after its retries (AccessDeniedException, an unreachable endpoint…).
 * @example for await (const item of readEventHistory('us-east-1', { since: '2026-11-01T00:00:00Z' })) …
 */
export async function* readEventHistory(region: string, options: EventHistoryOptions = {}): AsyncGenerator<EventHistoryItem> {
  const client = options.client ?? new CloudTrailClient({ region, maxAttempts: 8 });
  const interval = options.intervalMs ?? LOOKUP_EVENTS_INTERVAL_MS;
  let nextToken: string | undefined;
  let index = 0;
  let last = 0;
  let oldest: string | undefined;
  try {
    do {
      const wait = last + interval - Date.now();
      if (wait > 0) await sleep(wait);
      const page = await client.send(
        new LookupEventsCommand({
          MaxResults: LOOKUP_EVENTS_PAGE_SIZE,
          ...(options.since ? { StartTime: new Date(options.since) } : {}),
          ...(options.until ? { EndTime: new Date(options.until) } : {}),
          ...(nextToken ? { NextToken: nextToken } : {}),
        }),
      );
      // Spaced from the answer (the SDK's own retries of a throttled request happen inside send).
      last = Date.now();
      for (const event of page.Events ?? []) {
        const at = index++;
        if (event.EventTime && (!oldest || event.EventTime.toISOString() < oldest)) oldest = event.EventTime.toISOString();
        if (typeof event.CloudTrailEvent !== 'string') {
          yield { index: at, skipped: `event ${event.EventId ?? '?'} has no CloudTrailEvent` };
          continue;
        }
        let record: unknown;
        try {
          record = JSON.parse(event.CloudTrailEvent);
        } catch {
          yield { index: at, skipped: `event ${event.EventId ?? '?'}: CloudTrailEvent is not JSON` };
          continue;
        }
        yield { index: at, record };
      }
      options.onPage?.({ region, events: index, ...(oldest ? { oldest } : {}) });
      nextToken = page.NextToken;
    } while (nextToken);
  } finally {
    if (!options.client) client.destroy();
  }
}
