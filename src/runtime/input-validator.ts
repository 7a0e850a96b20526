/**
 * A middy middleware that checks the handler input's shape before the handler runs, and logs runtime errors
 * (with their stable `code`) when the invocation fails. It never swallows an error: the invocation still fails,
 * so Lambda retries it and, after that, the on-failure destination / dead-letter queue keeps the event.
 *
 * @example
 * export const handler = middy(notify).use(injectLambdaContext(logger)).use(inputValidator({ logger }));
 */
import type { MiddlewareObj } from '@middy/core';
import { InvalidInputError, RuntimeError } from './errors';
import { isRecord } from './json';
import type { RuntimeLogger } from './notify';
import { classifyInput } from './route';

/** Options of {@link inputValidator}. */
export interface InputValidatorOptions {
  /** Where failures are logged. @default no logging */
  logger?: Pick<RuntimeLogger, 'error'>;
}

const OPTION_NAMES = new Set(['logger']);

/**
 * Middleware factory: `before` throws `InvalidInputError` (code `INVALID_INPUT`) for an input that is neither a
 * patchbay `DeliveredEvent` nor a raw EventBridge event; `onError` logs a `RuntimeError`'s code and message (for
 * an invalid input, the input's top-level keys — never its values) and lets the error propagate.
 * @throws TypeError for an unknown option (a typo fails at cold start, not silently).
 */
export function inputValidator(options: InputValidatorOptions = {}): MiddlewareObj<unknown, unknown> {
  for (const name of Object.keys(options)) {
    if (!OPTION_NAMES.has(name)) throw new TypeError(`inputValidator: unknown option ${JSON.stringify(name)}`);
  }
  const logger = options.logger;
  return {
    name: 'patchbayInputValidator',
    before(request) {
      classifyInput(request.event);
    },
    onError(request) {
      const error = request.error;
      if (!logger || !(error instanceof RuntimeError)) return;
      const details: Record<string, unknown> = { code: error.code, error };
      if (error instanceof InvalidInputError) {
        details.inputKeys = isRecord(request.event) ? Object.keys(request.event).slice(0, 20) : typeof request.event;
      }
      logger.error('invocation failed', details);
    },
  };
}
