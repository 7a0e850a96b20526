/**
 * The EventBridge event-pattern language: parse, validate and match, exactly as Amazon EventBridge does.
 * No AWS or Serverless imports here.
 *
 * Public API (stable; other modules depend on these signatures):
 * - parseEventPattern(input) -> EventPattern            throws InvalidEventPatternError
 * - checkEventPattern(input) -> InvalidEventPatternError | undefined
 * - matchEventPattern(pattern, event) -> boolean
 * - testEventPattern(pattern, event) -> boolean         TestEventPattern API semantics; throws InvalidEventPatternError / InvalidEventError
 * - RuleIndex<Id>: add(id, pattern) / remove(id) / match(event) -> Id[]
 */
export * from './errors';
export * from './api';
