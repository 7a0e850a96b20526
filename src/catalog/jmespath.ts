/**
 * Static check of JMESPath expressions: the runtime's own check (the one the handler runs at cold start): evaluate once
 * against `{}` with Powertools' extra functions. Syntax errors, unknown functions and wrong argument counts are
 * problems; type errors depend on real events and are not.
 *
 * EventBridge's field names have dashes (`detail-type`, `instance-id`), which JMESPath reads as a minus: when quoting
 * such keys makes the expression valid, the problem says so (`detail."instance-id"`).
 *
 * @see https://jmespath.org/specification.html#identifiers
 */
import { checkJmesPath as checkRuntimeJmesPath, type JmesPathProblem } from '../runtime/expression';

export type { JmesPathProblem };

/** An unquoted identifier with dashes inside (`instance-id`), outside string literals; not after a digit or `-`. */
const DASHED_IDENTIFIER = /("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`(?:[^`\\]|\\.)*`)|(?<![\w\-@])([A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)+)/g;

/**
 * Check one expression as the handler will (see the module comment).
 * @returns `undefined` when valid, else the problem; `reason` ends with a hint when quoting dashed keys fixes it.
 * @example
 * checkJmesPath('detail.instance-id')?.reason
 * // '... Unknown token after "-" ... (quote keys that contain "-": detail."instance-id")'
 */
export function checkJmesPath(expression: string): JmesPathProblem | undefined {
  const problem = checkRuntimeJmesPath(expression);
  if (!problem) return undefined;
  const quoted = expression.replace(DASHED_IDENTIFIER, (match, literal: string | undefined, identifier: string | undefined) => (literal ? match : `"${identifier}"`));
  if (quoted === expression || checkRuntimeJmesPath(quoted)) return problem;
  return { ...problem, reason: `${problem.reason} (quote keys that contain "-": ${quoted})` };
}
