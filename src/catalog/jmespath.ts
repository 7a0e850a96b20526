/**
 * Static check of JMESPath expressions, the same way the runtime checks them at cold start: evaluate once
 * against `{}` with Powertools' extra functions. Syntax errors, unknown functions and wrong argument counts are
 * problems; type errors depend on real events and are not.
 *
 * @see https://jmespath.org/specification.html
 */
import {
  ArityError,
  EmptyExpressionError,
  LexerError,
  ParseError,
  UnknownFunctionError,
  VariadicArityError,
  search,
} from '@aws-lambda-powertools/jmespath';
import { PowertoolsFunctions } from '@aws-lambda-powertools/jmespath/functions';

const searchOptions = { customFunctions: new PowertoolsFunctions() };

/** Why an expression is invalid, and where (0-based offset into the expression) when JMESPath says. */
export interface JmesPathProblem {
  reason: string;
  position?: number;
}

/**
 * Check one expression.
 * @returns `undefined` when valid, else the problem.
 * @example
 * checkJmesPath('detail.errorCode == null'); // undefined
 * checkJmesPath('detail.[');                 // { reason: 'Invalid jmespath expression: parse error at column 8, ...', position: 8 }
 */
export function checkJmesPath(expression: string): JmesPathProblem | undefined {
  // Catalogs repeat expressions (`detail.userIdentity.arn` in most rules): check each text once, in a bounded cache.
  let problem = checked.get(expression);
  if (problem === undefined && !checked.has(expression)) {
    if (checked.size >= CHECKED_MAX) checked.clear();
    problem = checkUncached(expression);
    checked.set(expression, problem);
  }
  return problem && { ...problem };
}

const CHECKED_MAX = 10_000;
const checked = new Map<string, JmesPathProblem | undefined>();

function checkUncached(expression: string): JmesPathProblem | undefined {
  try {
    search(expression, {}, searchOptions);
    return undefined;
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).replace(/ in expression: [\s\S]*$/, '');
    if (error instanceof LexerError) return { reason, position: error.lexerPosition };
    if (error instanceof ParseError) return { reason, position: error.lexPosition };
    if (
      error instanceof EmptyExpressionError ||
      error instanceof UnknownFunctionError ||
      error instanceof ArityError ||
      error instanceof VariadicArityError
    ) {
      return { reason };
    }
    return undefined;
  }
}
