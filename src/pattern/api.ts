// Placeholder signatures: the implementation lands in the next commit.
import { InvalidEventPatternError } from './errors';

/** A validated, compiled event pattern. `source` is the pattern as parsed JSON. */
export interface EventPattern {
  readonly source: Record<string, unknown>;
}

export interface ParseOptions {
  /** Maximum length of the pattern's JSON text, in characters. @default 2048 */
  maxLengthInChars?: number;
}

export function parseEventPattern(input: string | object, options?: ParseOptions): EventPattern {
  throw new InvalidEventPatternError('not implemented');
}
export function checkEventPattern(input: string | object, options?: ParseOptions): InvalidEventPatternError | undefined {
  throw new Error('not implemented');
}
export function matchEventPattern(pattern: EventPattern, event: unknown): boolean {
  throw new Error('not implemented');
}
export function testEventPattern(pattern: string | object, event: string | object): boolean {
  throw new Error('not implemented');
}
export class RuleIndex<Id> {
  add(id: Id, pattern: EventPattern): void {}
  remove(id: Id): boolean { return false; }
  match(event: unknown): Id[] { return []; }
  get size(): number { return 0; }
}
