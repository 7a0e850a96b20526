/**
 * Lambda's asynchronous invocation, simulated: each event is invoked; a failed invocation is retried up to
 * `maximumRetryAttempts` times (Lambda's default and patchbay's setting: 2), then the event goes to the
 * on-failure destination (here an array) with the last error. Invocations run `concurrency` at a time, like
 * that many warm execution environments sharing this process (and its SNS client).
 * @see https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html
 */

/** What a handler invocation takes. */
export type AsyncHandler = (event: unknown) => Promise<unknown>;

export interface AsyncInvocationReport<Event> {
  /** Events whose invocation eventually succeeded, with the number of invocations it took (1-3). */
  succeeded: { event: Event; invocations: number; result: unknown }[];
  /** The on-failure destination: events whose every invocation failed, with the last error. */
  deadLettered: { event: Event; error: unknown }[];
  /** Every error of every failed invocation. */
  failures: unknown[];
  invocations: number;
}

export async function invokeAsynchronously<Event>(
  handler: AsyncHandler,
  events: readonly Event[],
  options: { maximumRetryAttempts?: number; concurrency?: number; retryDelayMs?: number } = {},
): Promise<AsyncInvocationReport<Event>> {
  const retries = options.maximumRetryAttempts ?? 2;
  const report: AsyncInvocationReport<Event> = { succeeded: [], deadLettered: [], failures: [], invocations: 0 };
  let next = 0;
  const worker = async () => {
    while (next < events.length) {
      const event = events[next++]!;
      for (let invocation = 1; ; invocation += 1) {
        report.invocations += 1;
        try {
          // Lambda hands each invocation its own copy of the payload.
          const result = await handler(structuredClone(event));
          report.succeeded.push({ event, invocations: invocation, result });
          break;
        } catch (error) {
          report.failures.push(error);
          if (invocation > retries) {
            report.deadLettered.push({ event, error });
            break;
          }
          if (options.retryDelayMs) await new Promise((resolve) => setTimeout(resolve, options.retryDelayMs));
        }
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 32 }, worker));
  return report;
}
