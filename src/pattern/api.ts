/**
 * Public entry points of the pattern engine: parse/validate a pattern, match an event, and the
 * TestEventPattern API's semantics.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_TestEventPattern.html
 */
import { InvalidEventError, InvalidEventPatternError, PatternError } from './errors';
import { compilePattern, type Branch } from './compile';
import { flattenEvent, pathPrefixes } from './flatten';
import { matchBranches } from './match';
import { parsePatternText } from './json-text';
import { findTooDeep, MAX_NESTING_DEPTH, nestingDepthReason } from './depth';

/**
 * A validated, compiled event pattern.
 * @example parseEventPattern({ "source": ["aws.dynamodb"], "detail": { "eventName": ["DeleteTable"] } })
 */
export interface EventPattern {
  /** The pattern as parsed JSON, unchanged. */
  readonly source: Record<string, unknown>;
  /** OR of AND-branches of field conditions. */
  readonly branches: readonly Branch[];
  /** Every field path the pattern names. */
  readonly paths: readonly string[];
  /** The paths and their prefixes: what of an event matching needs to read. */
  readonly pathPrefixes: ReadonlySet<string>;
}

export interface ParseOptions {
  /**
   * Maximum length of the pattern's JSON text, in characters; 0 turns the check off.
   * EventBridge's default quota is 2,048 (it can be raised).
   * @default 2048
   */
  maxLengthInChars?: number;
  /**
   * The pattern was validated before (by `sls package`, say): skip the wildcard complexity check, the only
   * check whose cost grows faster than the pattern. Every other check still runs. The runtime sets it when
   * it loads the manifest at cold start.
   * @default false
   */
  trusted?: boolean;
}

/** EventBridge's default event-pattern size quota, in characters. */
export const DEFAULT_MAX_PATTERN_LENGTH = 2048;

/**
 * Parse and validate an event pattern given as JSON text or as an already parsed object.
 * Objects and arrays may nest at most {@link MAX_NESTING_DEPTH} (1,000) deep, as in EventBridge.
 * @throws InvalidEventPatternError with AWS's text (`Event pattern is not valid. Reason: …`) and the JSON pointer of the problem
 *   (line and column too for JSON text), e.g. `Document nesting depth (1001) exceeds the maximum allowed (1000, …)`.
 * @throws PatternError code `PatternTooLong` when the JSON text exceeds `maxLengthInChars`.
 */
export function parseEventPattern(input: string | object, options: ParseOptions = {}): EventPattern {
  const parsed = typeof input === 'string' ? parsePatternText(input) : input;
  if (typeof input !== 'string') {
    const tooDeep = findTooDeep(input);
    if (tooDeep !== undefined) throw new InvalidEventPatternError(nestingDepthReason(MAX_NESTING_DEPTH + 1), tooDeep);
  }
  const branches = compilePattern(parsed, { trusted: options.trusted });
  const max = options.maxLengthInChars ?? DEFAULT_MAX_PATTERN_LENGTH;
  if (max > 0) {
    const length = typeof input === 'string' ? input.length : JSON.stringify(input).length;
    if (length > max) {
      throw new PatternError(
        'PatternTooLong',
        `Event pattern is ${length} characters long; the limit is ${max} (EventBridge quota "Event pattern size", adjustable)`,
      );
    }
  }
  const paths = [...new Set(branches.flatMap((b) => b.map((f) => f.path)))];
  return { source: parsed as Record<string, unknown>, branches, paths, pathPrefixes: pathPrefixes(paths) };
}

/** Validate a pattern; returns the problem or `undefined` when EventBridge would accept it. */
export function checkEventPattern(input: string | object, options?: ParseOptions): PatternError | undefined {
  try {
    parseEventPattern(input, options);
    return undefined;
  } catch (e) {
    if (e instanceof PatternError) return e;
    throw e;
  }
}

/**
 * True when `event` (a parsed JSON value) matches `pattern`.
 * @throws InvalidEventError when an object or array on the pattern's paths nests deeper than MAX_NESTING_DEPTH (1,000);
 *   never for any other JSON event.
 */
export function matchEventPattern(pattern: EventPattern, event: unknown): boolean {
  return matchBranches(pattern.branches, flattenEvent(event, pattern.pathPrefixes));
}

/** The envelope fields TestEventPattern requires of an event. */
export const REQUIRED_EVENT_FIELDS = ['id', 'account', 'source', 'time', 'region', 'detail-type'] as const;

/**
 * Check an event the way TestEventPattern does: a JSON object with `id`, `account`, `source`, `time`,
 * `region` and `detail-type`, nested at most {@link MAX_NESTING_DEPTH} (1,000) deep.
 * @throws InvalidEventError (`Parameter Event is not valid.`) naming what is wrong in `detail`, and where in `pointer`.
 */
export function parseTestEvent(input: string | object): Record<string, unknown> {
  let event: unknown = input;
  if (typeof input === 'string') {
    try {
      event = JSON.parse(input);
    } catch (e) {
      throw new InvalidEventError(`the event is not JSON: ${(e as Error).message}`);
    }
  }
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    throw new InvalidEventError('the event must be a JSON object');
  }
  const tooDeep = findTooDeep(event);
  if (tooDeep !== undefined) throw new InvalidEventError(`the event nests objects and arrays deeper than ${MAX_NESTING_DEPTH} levels`, tooDeep);
  const missing = REQUIRED_EVENT_FIELDS.filter((f) => !(f in event));
  if (missing.length > 0) throw new InvalidEventError(`the event lacks ${missing.join(', ')}`, `/${missing[0]}`);
  return event as Record<string, unknown>;
}

/**
 * TestEventPattern: does `event` match `pattern`? Both may be JSON text or parsed values. The pattern is
 * checked first, then the event, as AWS does; AWS's TestEventPattern accepts patterns up to 4,096 characters.
 * @throws InvalidEventPatternError (code `InvalidEventPatternException`) for a pattern AWS rejects.
 * @throws InvalidEventError (code `ValidationException`) for an event AWS rejects.
 */
export function testEventPattern(pattern: string | object, event: string | object): boolean {
  const compiled = parseEventPattern(pattern, { maxLengthInChars: 4096 });
  return matchEventPattern(compiled, parseTestEvent(event));
}
