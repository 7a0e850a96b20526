/**
 * A target's `filter`: a JMESPath expression over the EventBridge event; the target is notified only when the
 * result is truthy in JMESPath's sense (not `null`, `false`, `''`, `[]` or `{}`; `0` is truthy).
 * Filters refine what the event pattern already matched, with what patterns cannot say
 * (comparisons between fields, `length()`, `contains()`, ...).
 *
 * @example
 * // manifest target
 * { "filter": "detail.errorCode == null && !contains(detail.userIdentity.arn, 'ci-deployer')" }
 * @see https://jmespath.org/specification.html
 */
import { compileExpression, isJmesPathTruthy, type CompiledExpression } from './expression';

/** A compiled filter: `test(event)` says whether the target should be notified. */
export interface CompiledFilter {
  /** The expression, or `undefined` when the target has no filter (then `test` is always true). */
  readonly expression?: string;
  /**
   * @throws ExpressionEvaluationError when the expression fails on this event.
   */
  test(event: unknown): boolean;
}

const PASS_ALL: CompiledFilter = { test: () => true };

/**
 * Compile a target's `filter` once (at manifest load).
 *
 * @param expression - JMESPath, e.g. `detail.errorCode == null`; `undefined` (no filter) means "notify always".
 * @param pointer - where the filter sits in the manifest (RFC 6901), e.g. `/rules/0/targets/0/filter`.
 * @throws InvalidExpressionError when the expression is not valid JMESPath.
 * @example
 * compileFilter('detail.errorCode == null').test({ detail: { errorCode: 'AccessDenied' } }); // false
 */
export function compileFilter(expression: string | undefined, pointer = ''): CompiledFilter {
  if (expression === undefined) return PASS_ALL;
  const compiled: CompiledExpression = compileExpression(expression, pointer);
  return {
    expression,
    test: (event) => isJmesPathTruthy(compiled.evaluate(event)),
  };
}

/**
 * Evaluate a filter expression over one event (compiling and caching it on first use).
 * @throws InvalidExpressionError | ExpressionEvaluationError
 * @example testFilter('detail.eventName == `"DeleteTable"`', event); // true
 */
export function testFilter(expression: string | undefined, event: unknown): boolean {
  return compileFilter(expression).test(event);
}
