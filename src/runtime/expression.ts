/**
 * JMESPath expressions over EventBridge events, compiled once and evaluated many times.
 *
 * Design: `@aws-lambda-powertools/jmespath` exposes `search(expression, data)` only; its parser caches each
 * expression's AST (128 entries, then random eviction), so a manifest's expressions are parsed once in practice.
 * `compileExpression` checks an expression up front (at manifest load, i.e. cold start) by evaluating it once
 * against `{}`: syntax errors, unknown functions and wrong argument counts surface there as
 * `InvalidExpressionError`, with the position JMESPath reports. Type errors depend on the data (`length(x)` on a
 * number) and surface per event as `ExpressionEvaluationError`.
 *
 * Besides the JMESPath built-ins, Powertools' functions are available: `powertools_json(s)`,
 * `powertools_base64(s)`, `powertools_base64_gzip(s)` (e.g. `powertools_json(detail.payload).user`).
 *
 * @see https://jmespath.org/specification.html
 * @see https://docs.powertools.aws.dev/lambda/typescript/latest/features/jmespath/
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
import { isNumber, isTruthy } from '@aws-lambda-powertools/commons/typeutils';
import { ExpressionEvaluationError, InvalidExpressionError } from './errors';
import { describeType } from './json';

/** A checked JMESPath expression bound to where it sits in the manifest. */
export interface CompiledExpression {
  /** The expression text, unchanged. */
  readonly expression: string;
  /** RFC 6901 pointer into the manifest, e.g. `/rules/0/targets/0/filter`; `''` if not from a manifest. */
  readonly pointer: string;
  /**
   * Evaluate over `data` (the EventBridge event). Missing fields give `null`, as JMESPath specifies.
   * @throws ExpressionEvaluationError when the expression fails on this data (a JMESPath type error).
   * @throws InvalidExpressionError when a problem only visible now is static (e.g. an unknown function inside a projection).
   */
  evaluate(data: unknown): unknown;
}

const searchOptions = { customFunctions: new PowertoolsFunctions() };

/** Expression text -> the outcome of its check (`undefined`: valid). Bounded by the expressions of one manifest. */
const checked = new Map<string, CheckOutcome>();

/**
 * Check a JMESPath expression once and return an evaluator for it; the check is cached per expression text.
 *
 * @param expression - e.g. `detail.requestParameters.tableName`
 * @param pointer - where the expression sits in the manifest, for error messages (RFC 6901).
 * @throws InvalidExpressionError when the expression does not parse, calls an unknown function, or passes a
 *   function the wrong number of arguments.
 * @example
 * const table = compileExpression('detail.requestParameters.tableName', '/rules/0/targets/0/select/table');
 * table.evaluate(event); // 'orders'
 */
export function compileExpression(expression: string, pointer = ''): CompiledExpression {
  if (typeof expression !== 'string') {
    throw new InvalidExpressionError(String(expression), `expected a string, found ${describeType(expression)}`, pointer);
  }
  const outcome = checkCached(expression);
  if (outcome.error) {
    throw new InvalidExpressionError(expression, outcome.error.reason, pointer, outcome.error.position, {
      cause: outcome.error.cause,
    });
  }
  return {
    expression,
    pointer,
    evaluate(data: unknown): unknown {
      try {
        return search(expression, data as object, searchOptions);
      } catch (error) {
        if (isStaticError(error)) {
          throw new InvalidExpressionError(expression, reasonOf(error), pointer, undefined, { cause: error });
        }
        throw new ExpressionEvaluationError(expression, pointer, { cause: error });
      }
    },
  };
}

/**
 * JMESPath truthiness: `null`, `false`, `''`, `[]` and `{}` are false; everything else, including `0`, is true.
 * @see https://jmespath.org/specification.html#or-expressions
 */
export function isJmesPathTruthy(value: unknown): boolean {
  return isNumber(value) || isTruthy(value);
}

/** Why a JMESPath expression is invalid, and where (0-based offset into the expression) when JMESPath says. */
export interface JmesPathProblem {
  reason: string;
  position?: number;
}

/**
 * Check one expression statically, as `compileExpression` does at cold start (the catalog runs the same check at
 * `sls package`, so what passes there loads in the handler).
 * @returns `undefined` when valid, else the problem.
 * @example
 * checkJmesPath('detail.errorCode == null'); // undefined
 * checkJmesPath('detail.[');                 // { reason: 'Invalid jmespath expression: parse error at column 8, ...', position: 8 }
 */
export function checkJmesPath(expression: string): JmesPathProblem | undefined {
  const { error } = checkCached(expression);
  return error && (error.position === undefined ? { reason: error.reason } : { reason: error.reason, position: error.position });
}

type CheckOutcome = { error?: { reason: string; position?: number; cause: unknown } };

/** Catalogs and manifests repeat expressions (`detail.userIdentity.arn` in most rules): check each text once. */
function checkCached(expression: string): CheckOutcome {
  let outcome = checked.get(expression);
  if (outcome === undefined) {
    if (checked.size >= CHECKED_MAX) checked.clear();
    outcome = checkExpression(expression);
    checked.set(expression, outcome);
  }
  return outcome;
}

const CHECKED_MAX = 10_000;

function checkExpression(expression: string): CheckOutcome {
  try {
    search(expression, {}, searchOptions);
    return {};
  } catch (error) {
    if (error instanceof LexerError) return { error: { reason: reasonOf(error), position: error.lexerPosition, cause: error } };
    if (error instanceof ParseError) return { error: { reason: reasonOf(error), position: error.lexPosition, cause: error } };
    if (error instanceof EmptyExpressionError || isStaticError(error)) return { error: { reason: reasonOf(error), cause: error } };
    // A type error against `{}` says nothing about real events: the expression parsed.
    return {};
  }
}

/** Errors that do not depend on the data: the expression itself is wrong. */
function isStaticError(error: unknown): boolean {
  return error instanceof UnknownFunctionError || error instanceof ArityError || error instanceof VariadicArityError;
}

/** JMESPath's message without its trailing ` in expression: <expression>` (our messages quote the expression). */
function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/ in expression: [\s\S]*$/, '');
}
