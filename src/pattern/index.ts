/**
 * The EventBridge event-pattern language: parse, validate and match, exactly as Amazon EventBridge does.
 * No AWS or Serverless imports here.
 *
 * - parseEventPattern(input) -> EventPattern            throws InvalidEventPatternError
 * - checkEventPattern(input) -> PatternError | undefined
 * - matchEventPattern(pattern, event) -> boolean
 * - testEventPattern(pattern, event) -> boolean         TestEventPattern API semantics
 * - RuleIndex<Id>: many patterns, one event -> the ids that match
 * - MAX_NESTING_DEPTH: patterns and events nest objects and arrays at most 1,000 deep
 */
export * from './errors';
export * from './api';
export { MAX_NESTING_DEPTH, findTooDeep, textNestsDeeperThan } from './depth';
export { RuleIndex } from './rule-index';
export type { Matcher, Leaf } from './matchers';
export type { Branch, FieldCondition } from './compile';
