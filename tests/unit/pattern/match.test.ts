import { parseEventPattern, matchEventPattern, testEventPattern, InvalidEventError } from '../../../src/pattern';

const matches = (pattern: object, event: object) => matchEventPattern(parseEventPattern(pattern), event);

describe('Function: matchEventPattern', () => {
  describe('arrays', () => {
    const pattern = { detail: { items: { name: ['a'], size: [{ numeric: ['>', 10] }] } } };

    it('matches fields of one array element together', () => {
      expect(matches(pattern, { detail: { items: [{ name: 'a', size: 20 }] } })).toBe(true);
    });

    it('does not combine fields of different elements of one array', () => {
      expect(matches(pattern, { detail: { items: [{ name: 'a', size: 1 }, { name: 'b', size: 20 }] } })).toBe(false);
    });

    it('matches when any element of a value array matches', () => {
      expect(matches({ resources: ['x', 'y'] }, { resources: ['z', 'y'] })).toBe(true);
      expect(matches({ resources: ['x'] }, { resources: [] })).toBe(false);
    });

    it('keeps elements of independent arrays independent', () => {
      const p = { a: { x: ['1'] }, b: { y: ['2'] } };
      expect(matches(p, { a: [{ x: '0' }, { x: '1' }], b: [{ y: '2' }, { y: '3' }] })).toBe(true);
    });

    it('walks nested arrays element by element', () => {
      expect(matches({ a: { b: [3] } }, { a: [[{ b: 1 }], [{ b: 2 }, { b: 3 }]] })).toBe(true);
    });
  });

  describe('operators', () => {
    it.each([
      [{ v: ['300'] }, { v: 300 }, false],
      [{ v: [300] }, { v: '300' }, false],
      [{ v: [300] }, { v: 3e2 }, true],
      [{ v: [true] }, { v: 'true' }, false],
      [{ v: [null] }, { v: null }, true],
      [{ v: [null] }, {}, false],
      [{ v: [{ prefix: { 'equals-ignore-case': 'EVENTB' } }] }, { v: 'eventbridge' }, true],
      [{ v: [{ suffix: { 'equals-ignore-case': '.PNG' } }] }, { v: 'x.png' }, true],
      [{ v: [{ numeric: ['>=', 10, '<', 20] }] }, { v: 20 }, false],
      [{ v: [{ numeric: ['>=', 10, '<', 20] }] }, { v: 10 }, true],
      [{ v: [{ numeric: ['=', 5] }] }, { v: 5.0 }, true],
      [{ v: [{ numeric: ['<=', -1] }] }, { v: -1 }, true],
      [{ v: [{ cidr: '10.0.0.0/8' }] }, { v: '10.255.1.2' }, true],
      [{ v: [{ cidr: '10.0.0.0/8' }] }, { v: '11.0.0.1' }, false],
      [{ v: [{ cidr: '2001:db8::/32' }] }, { v: '2001:0db8:ffff::1' }, true],
      [{ v: [{ cidr: '2001:db8::/32' }] }, { v: '::ffff:10.0.0.1' }, false],
      [{ v: ['10.0.0.1'] }, { v: '10.0.0.1' }, true],
      [{ v: ['2001:db8::1'] }, { v: '2001:DB8:0:0:0:0:0:1' }, true],
      [{ v: [{ wildcard: 'a*c*e' }] }, { v: 'abcde' }, true],
      [{ v: [{ wildcard: 'a*c*e' }] }, { v: 'abcdef' }, false],
      [{ v: [{ wildcard: 'a\\*b' }] }, { v: 'a*b' }, true],
      [{ v: [{ wildcard: 'a\\*b' }] }, { v: 'axb' }, false],
      [{ v: [{ 'anything-but': ['a', 'b'] }] }, { v: ['a', 'b'] }, false],
      [{ v: [{ 'anything-but': ['a', 'b'] }] }, { v: ['a', 'c'] }, true],
      [{ v: [{ 'anything-but': [1, 2] }] }, { v: 2.0 }, false],
      [{ v: [{ 'anything-but': [1, 2] }] }, { v: true }, true],
      [{ v: [{ 'anything-but': { prefix: ['x', 'y'] } }] }, { v: 'yes' }, false],
      [{ v: [{ 'anything-but': { suffix: '.tmp' } }] }, { v: 'a.log' }, true],
      [{ v: [{ 'anything-but': { wildcard: '*/tmp/*' } }] }, { v: '/a/tmp/b' }, false],
      [{ v: [{ exists: true }] }, { v: null }, true],
      [{ v: [{ exists: true }] }, { v: {} }, false],
      [{ v: [{ exists: false }] }, { v: { w: 1 } }, true],
      [{ v: [{ exists: false }] }, { v: [] }, true],
      [{ 'a.b': ['x'] }, { a: { b: 'x' } }, true],
      [{ a: { b: ['x'] } }, { 'a.b': 'x' }, true],
    ])('%j against %j is %s', (pattern, event, expected) => {
      expect(matches(pattern, event)).toBe(expected);
    });
  });

  it('matches $or branches independently', () => {
    const p = { source: ['aws.ec2'], $or: [{ detail: { state: ['stopped'] } }, { detail: { code: [{ numeric: ['>', 400] }] } }] };
    expect(matches(p, { source: 'aws.ec2', detail: { code: 500 } })).toBe(true);
    expect(matches(p, { source: 'aws.ec2', detail: { state: 'running', code: 200 } })).toBe(false);
    expect(matches(p, { source: 'aws.s3', detail: { state: 'stopped' } })).toBe(false);
  });
});

describe('Function: testEventPattern', () => {
  const envelope = { id: '1', account: '111122223333', source: 's', time: '2024-01-01T00:00:00Z', region: 'eu-west-1', 'detail-type': 'd' };

  it('accepts pattern and event as JSON text', () => {
    expect(testEventPattern('{"source": ["s"]}', JSON.stringify(envelope))).toBe(true);
  });

  it.each(['id', 'account', 'source', 'time', 'region', 'detail-type'])('rejects an event without %s', (field) => {
    const event: Record<string, unknown> = { ...envelope };
    delete event[field];
    expect(() => testEventPattern({ source: ['s'] }, event)).toThrow(expect.objectContaining({ name: 'InvalidEventError', code: 'ValidationException', pointer: `/${field}` }));
  });

  it('checks the pattern before the event', () => {
    expect(() => testEventPattern('{"a": 1}', 'not json')).toThrow(expect.objectContaining({ code: 'InvalidEventPatternException' }));
    expect(() => testEventPattern('{"a": [1]}', 'not json')).toThrow(InvalidEventError);
  });
});

describe('Function: matchEventPattern (empty keys)', () => {
  it('treats an empty key as an ordinary field, at the top and below', () => {
    expect(matchEventPattern(parseEventPattern({ '': { a: [1] } }), { '': { a: 1 } })).toBe(true);
    expect(matchEventPattern(parseEventPattern({ '': [1] }), { '': 1 })).toBe(true);
    expect(matchEventPattern(parseEventPattern({ '': [1] }), { a: 1 })).toBe(false);
    expect(matchEventPattern(parseEventPattern({ a: { '': ['x'] } }), { a: { '': 'x' } })).toBe(true);
  });
});
