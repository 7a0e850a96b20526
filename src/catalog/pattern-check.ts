/**
 * Check an event pattern the way EventBridge will (rules and archives alike), and say which kind of problem it is:
 * a pattern EventBridge rejects (`INVALID_EVENT_PATTERN`, AWS's own reason), or one of the two pattern quotas,
 * "Event pattern size" (`EVENT_PATTERN_TOO_LARGE`, with the size found and the limit) and wildcard complexity
 * (`EVENT_PATTERN_TOO_COMPLEX`, with the number of matching states a wildcard keeps alive and the limit).
 */
import { checkEventPattern } from '../pattern';
import { MAX_WILDCARD_COMPLEXITY, WILDCARD_TOO_COMPLEX, parseWildcard, wildcardComplexity } from '../pattern/wildcard';
import { CatalogIssueCode } from './errors';
import { parsePointer } from './yaml-source';

/** A pattern problem, before it is tied to a file: `pointer` is relative to the pattern. */
export interface PatternProblem {
  code: CatalogIssueCode;
  pointer: string;
  found: string;
  allowed?: string;
}

/**
 * Check one event pattern against EventBridge's rules and the size quota.
 *
 * @param pattern - the pattern as parsed JSON, e.g. `{ "source": ["aws.s3"] }`
 * @param maxLengthInChars - the account's "Event pattern size" quota (2048 by default)
 * @returns `undefined` when EventBridge would accept it, else the problem.
 * @example
 * checkPattern({ source: [{ prefix: 1 }] }, 2048)
 * // { code: 'INVALID_EVENT_PATTERN', pointer: '/source/0/prefix', found: 'Event pattern is not valid. Reason: prefix match pattern must be a string' }
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html
 */
export function checkPattern(pattern: Record<string, unknown>, maxLengthInChars: number): PatternProblem | undefined {
  const problem = checkEventPattern(pattern, { maxLengthInChars });
  if (!problem) return undefined;
  if (problem.code === 'PatternTooLong') {
    return {
      code: CatalogIssueCode.EVENT_PATTERN_TOO_LARGE,
      pointer: '',
      found: `the event pattern is ${JSON.stringify(pattern).length} characters as JSON`,
      allowed: `at most ${maxLengthInChars} (EventBridge quota "Event pattern size"; raise custom.patchbay.maxEventPatternLengthInChars, up to 4096, after AWS raised the quota)`,
    };
  }
  const reason = (problem as { reason?: string }).reason;
  if (reason === WILDCARD_TOO_COMPLEX) {
    const value = valueAt(pattern, problem.pointer);
    const complexity = typeof value === 'string' ? safeComplexity(value) : undefined;
    return {
      code: CatalogIssueCode.EVENT_PATTERN_TOO_COMPLEX,
      pointer: problem.pointer,
      found: `${problem.message}${complexity !== undefined ? ` (this wildcard keeps up to ${complexity} matching states alive)` : ''}`,
      allowed: `at most ${MAX_WILDCARD_COMPLEXITY} live matching states per wildcard: use fewer "*" or a prefix/suffix match`,
    };
  }
  return { code: CatalogIssueCode.INVALID_EVENT_PATTERN, pointer: problem.pointer, found: problem.message };
}

function safeComplexity(value: string): number | undefined {
  try {
    return wildcardComplexity(parseWildcard(value));
  } catch {
    return undefined;
  }
}

function valueAt(document: unknown, pointer: string): unknown {
  let node = document;
  for (const segment of parsePointer(pointer)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}
