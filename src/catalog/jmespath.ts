/**
 * Static check of JMESPath expressions: the runtime's own check (the one the handler runs at cold start): evaluate once
 * against `{}` with Powertools' extra functions. Syntax errors, unknown functions and wrong argument counts are
 * problems; type errors depend on real events and are not.
 *
 * @see https://jmespath.org/specification.html
 */
export { checkJmesPath, type JmesPathProblem } from '../runtime/expression';
