/**
 * A target's `select`: named JMESPath expressions over the EventBridge event, giving the fields that go into the
 * notification. Only selected fields (plus the envelope basics) ever reach a notification, so secrets in an event
 * stay out unless a rule selects them.
 *
 * @example
 * // manifest target                                   // result for a CloudTrail DeleteTable event
 * { "select": {                                         { "table": "orders",
 *     "table": "detail.requestParameters.tableName",      "actor": "arn:aws:iam::123456789012:user/alice" }
 *     "actor": "detail.userIdentity.arn" } }
 */
import { compileExpression, type CompiledExpression } from './expression';

/** A compiled `select`: `evaluate(event)` returns one value per name; a missing field gives `null`. */
export interface CompiledSelect {
  /** The names, in manifest order. */
  readonly names: readonly string[];
  /** @throws ExpressionEvaluationError when an expression fails on this event. */
  evaluate(event: unknown): Record<string, unknown>;
}

/**
 * Compile a target's `select` once (at manifest load).
 *
 * @param select - name -> JMESPath, e.g. `{ "table": "detail.requestParameters.tableName" }`; `undefined`: nothing selected.
 * @param pointer - where the select sits in the manifest (RFC 6901), e.g. `/rules/0/targets/0/select`.
 * @throws InvalidExpressionError for the first invalid expression (its `pointer` ends with the name).
 * @example
 * compileSelect({ table: 'detail.requestParameters.tableName' }).evaluate(event); // { table: 'orders' }
 */
export function compileSelect(select: Record<string, string> | undefined, pointer = ''): CompiledSelect {
  const entries: Array<[string, CompiledExpression]> = Object.entries(select ?? {}).map(([name, expression]) => [
    name,
    compileExpression(expression, `${pointer}/${escapePointerToken(name)}`),
  ]);
  return {
    names: entries.map(([name]) => name),
    evaluate(event) {
      const fields: Record<string, unknown> = {};
      for (const [name, expression] of entries) {
        fields[name] = expression.evaluate(event) ?? null;
      }
      return fields;
    },
  };
}

/**
 * Evaluate named expressions over one event (compiling and caching them on first use).
 * @throws InvalidExpressionError | ExpressionEvaluationError
 * @example selectFields({ table: 'detail.requestParameters.tableName' }, event); // { table: 'orders' }
 */
export function selectFields(select: Record<string, string> | undefined, event: unknown): Record<string, unknown> {
  return compileSelect(select).evaluate(event);
}

/** RFC 6901: `~` -> `~0`, `/` -> `~1`. */
export function escapePointerToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}
