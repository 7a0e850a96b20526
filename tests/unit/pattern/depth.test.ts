/**
 * Depth limits: patterns and events nest objects and arrays at most 1,000 deep, as EventBridge's parser (Jackson's
 * StreamReadConstraints) allows; deeper input gets AWS's error for that input and never exhausts the stack. The
 * boundary was checked against aws/event-ruler (../shared/bench/event-ruler): 1,000 levels accepted, 1,001 refused
 * with "Document nesting depth (1001) exceeds the maximum allowed (1000, …)", for patterns and for events.
 */
import { evaluateJsonLine } from '../../../src/cli/commands/test-event-pattern';
import { findTooDeep, InvalidEventError, InvalidEventPatternError, MAX_NESTING_DEPTH, parseEventPattern, RuleIndex, textNestsDeeperThan } from '../../../src/pattern';

const ENV = '"id":"1","account":"111122223333","source":"s","time":"2025-01-01T00:00:00Z","region":"us-east-1","detail-type":"d"';
/** `n` nested objects `{"a": … }` around `leaf`, as text (JSON.stringify itself recurses). */
const nest = (n: number, leaf: string) => `${'{"a":'.repeat(n)}${leaf}${'}'.repeat(n)}`;
const eventText = (detail: string) => `{${ENV},"detail":${detail}}`;
const DEPTH_REASON = 'Event pattern is not valid. Reason: Document nesting depth (1001) exceeds the maximum allowed (1000, from `StreamReadConstraints.getMaxNestingDepth()`)';

describe('Depth limits (MAX_NESTING_DEPTH = 1,000)', () => {
  it('test-event-pattern --jsonl answers each pathological line with AWS\'s error and the next line as usual', () => {
    // Prepare: the inputs that exhausted the stack before (events 4,689 deep, patterns 3,859 deep, $or 2,000 deep)
    let or = '{"a":[1]}';
    for (let i = 0; i < 2000; i++) or = `{"$or":[${or},{"b":[${i}]}]}`;
    const lines = [
      `{"pattern":{"source":["s"]},"event":${eventText(nest(4689, '1'))}}`,
      `{"pattern":${nest(3859, '[1]')},"event":{${ENV}}}`,
      `{"pattern":${JSON.stringify(nest(3859, '[1]'))},"event":{${ENV}}}`,
      `{"pattern":${or},"event":{${ENV}}}`,
      `{"pattern":{"source":["s"]},"event":{${ENV}}}`,
    ];

    // Act
    const answers = lines.map((line) => evaluateJsonLine(line));

    // Assess
    expect(answers).toEqual([{ error: 'Parameter Event is not valid.' }, { error: DEPTH_REASON }, { error: DEPTH_REASON }, { error: DEPTH_REASON }, { result: true }]);
  });

  it('accepts a pattern exactly 1,000 deep and refuses 1,001, naming the position, as text or as an object', () => {
    // Act
    const ok = parseEventPattern(nest(999, '[1]'), { maxLengthInChars: 0 });
    const text = (() => {
      try {
        parseEventPattern(nest(1000, '[1]'), { maxLengthInChars: 0 });
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    let deepObject: unknown = [1];
    for (let i = 0; i < 3859; i++) deepObject = { a: deepObject };
    const object = (() => {
      try {
        parseEventPattern(deepObject as object, { maxLengthInChars: 0 });
      } catch (error) {
        return error;
      }
      return undefined;
    })();

    // Assess
    expect(ok).toBeDefined();
    expect(text).toBeInstanceOf(InvalidEventPatternError);
    expect((text as Error).message).toBe(DEPTH_REASON);
    expect(object).toBeInstanceOf(InvalidEventPatternError);
    expect((object as InvalidEventPatternError).pointer).toBe('/a'.repeat(1000));
  });

  it('the routing index refuses an event over 1,000 deep (even where no rule looks) and answers the next', () => {
    // Prepare
    const index = new RuleIndex<number>();
    index.add(0, parseEventPattern({ source: ['s'] }));
    index.add(1, parseEventPattern({ detail: { a: { a: [1] } } }));

    // Act + Assess
    expect(() => index.matchJson(eventText(nest(1000, '1')))).toThrow(InvalidEventError);
    expect(index.matchJson(eventText(nest(999, '1')))).toEqual([0]);
    expect(index.matchJson(eventText(nest(2, '1')))).toEqual([0, 1]);
    // A parsed event is read only where rules look (3 levels here): refusing it whole is the caller's (the notify
    // function checks every input with findTooDeep), and it never exhausts the stack.
    let deep: unknown = 1;
    for (let i = 0; i < 5000; i++) deep = { a: deep };
    expect(index.match({ ...JSON.parse(`{${ENV}}`), detail: deep })).toEqual([0]);
    const deepRule = new RuleIndex<number>();
    deepRule.add(0, parseEventPattern(nest(999, '[1]'), { maxLengthInChars: 0 }));
    expect(() => deepRule.match({ a: deep })).not.toThrow(RangeError);
  });

  it('counts depth in text without being fooled by brackets inside strings or escaped quotes', () => {
    const padded = (s: string) => s + ' '.repeat(2 * MAX_NESTING_DEPTH);
    expect(textNestsDeeperThan(padded(`{"a":"${'{'.repeat(3000)}"}`))).toBe(false);
    expect(textNestsDeeperThan(padded(`{"a":"\\"${'['.repeat(3000)}"}`))).toBe(false);
    expect(textNestsDeeperThan(padded(nest(1001, '1')))).toBe(true);
    expect(textNestsDeeperThan(padded(nest(1000, '1')))).toBe(false);
    // More opening brackets than the limit, none deep: the native count lets them through to the exact scan.
    expect(textNestsDeeperThan(`[${'[{}],'.repeat(1500)}[]]`)).toBe(false);
    expect([textNestsDeeperThan(nest(3, '1'), 2), textNestsDeeperThan(nest(3, '1'), 3)]).toEqual([true, false]);
  });

  it('finds the first container beyond the limit iteratively, whatever the depth', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(findTooDeep(deep)).toBe('/0'.repeat(1000));
    expect(findTooDeep({ a: [1] }, 2)).toBeUndefined();
    expect(findTooDeep({ a: [[1]] }, 2)).toBe('/a/0');
  });
});
