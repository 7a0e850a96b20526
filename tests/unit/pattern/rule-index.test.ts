import { parseEventPattern, RuleIndex } from '../../../src/pattern';

/** An index of `patterns` under ids 0, 1, 2, … */
function indexOf(...patterns: object[]): RuleIndex<number> {
  const index = new RuleIndex<number>();
  patterns.forEach((p, id) => index.add(id, parseEventPattern(p)));
  return index;
}

describe('Class: RuleIndex', () => {
  describe('array consistency across rules', () => {
    // Prepare
    const index = indexOf(
      { detail: { items: { name: ['a'], size: [{ numeric: ['>', 10] }] } } }, // 0: both in one element
      { detail: { items: { name: ['b'] } } }, // 1
      { detail: { items: { name: ['a'], size: [{ numeric: ['<', 5] }] } } }, // 2
      { detail: { items: { name: [{ 'anything-but': 'a' }], size: [{ numeric: ['>', 10] }] } } }, // 3
    );

    it('matches fields of one array element together, for every rule at once', () => {
      // Act
      const ids = index.match({ detail: { items: [{ name: 'a', size: 1 }, { name: 'b', size: 20 }] } });
      // Assess: 0 would need a and >10 in one element; 2 gets a with 1; 3 gets b with 20.
      expect(ids).toEqual([1, 2, 3]);
    });

    it('matches when one element holds all fields', () => {
      // 3 fails: its only element with a name other than a has size 1.
      expect(index.match({ detail: { items: [{ name: 'b', size: 1 }, { name: 'a', size: 20 }] } })).toEqual([0, 1]);
    });

    it('keeps elements of independent arrays independent', () => {
      const two = indexOf({ a: { x: ['1'] }, b: { y: ['2'] } });
      expect(two.match({ a: [{ x: '0' }, { x: '1' }], b: [{ y: '2' }, { y: '3' }] })).toEqual([0]);
    });

    it('lets anything-but hold when any leaf of the field escapes its exclusions', () => {
      const ab = indexOf({ tags: [{ 'anything-but': ['x', 'y'] }] }, { tags: [{ 'anything-but': 'x' }] });
      expect(ab.match({ tags: ['x', 'y'] })).toEqual([1]);
      expect(ab.match({ tags: ['x', 'x'] })).toEqual([]);
      expect(ab.match({ tags: ['x', 'z'] })).toEqual([0, 1]);
      expect(ab.match({ tags: [] })).toEqual([]);
    });
  });

  describe('$or', () => {
    const index = indexOf(
      { source: ['aws.ec2'], $or: [{ detail: { state: ['stopped'] } }, { detail: { code: [{ numeric: ['>=', 80] }] } }] },
      { $or: [{ source: ['aws.s3'] }, { 'detail-type': ['Scheduled Event'] }] },
    );

    it('matches a rule when any alternative does, and reports it once', () => {
      // Act
      const ids = index.match({ source: 'aws.ec2', 'detail-type': 'Scheduled Event', detail: { state: 'stopped', code: 80 } });
      // Assess
      expect(ids).toEqual([0, 1]);
    });

    it('does not match when no alternative holds', () => {
      expect(index.match({ source: 'aws.ec2', detail: { state: 'running', code: 16 } })).toEqual([]);
    });
  });

  describe('add, remove, re-add', () => {
    it('stops matching a removed rule and reports whether it was there', () => {
      // Prepare
      const index = indexOf({ source: ['a'] }, { source: ['a'] });
      // Act
      const removed = index.remove(0);
      const again = index.remove(0);
      // Assess
      expect([removed, again]).toEqual([true, false]);
      expect(index.match({ source: 'a' })).toEqual([1]);
      expect(index.size).toBe(1);
    });

    it('matches a re-added rule after the rules added before it', () => {
      const index = indexOf({ source: ['a'] }, { source: ['a'] }, { source: ['a'] });
      index.remove(0);
      index.add(0, parseEventPattern({ source: ['a'] }));
      expect(index.match({ source: 'a' })).toEqual([1, 2, 0]);
    });

    it('replaces a pattern in place: the rule keeps its position', () => {
      const index = indexOf({ source: ['a'] }, { source: ['a'] });
      index.add(0, parseEventPattern({ source: ['b', 'a'] }));
      expect(index.match({ source: 'a' })).toEqual([0, 1]);
      expect(index.match({ source: 'b' })).toEqual([0]);
      expect(index.size).toBe(2);
    });

    it('indexes a pattern once for every rule that has it, however written, and reports each rule in insertion order', () => {
      // Prepare: rules 0, 2 and 4 share one pattern (written three ways), 1 and 3 another.
      const index = indexOf(
        { source: ['a', 'b'], detail: { x: [1] } },
        { source: ['a'] },
        { detail: { x: [1] }, source: ['b', 'a'] },
        { source: ['a'] },
        { $or: [{ source: ['a'], detail: { x: [1] } }, { source: ['b'], detail: { x: [1] } }] },
      );

      // Act / Assess
      expect(index.match({ source: 'a', detail: { x: 1 } })).toEqual([0, 1, 2, 3, 4]);
      expect(index.match({ source: 'b', detail: { x: 1 } })).toEqual([0, 2, 4]);
      index.remove(2);
      index.add(1, parseEventPattern({ source: ['b'], detail: { x: [1] } })); // keeps its place, joins no group
      expect(index.match({ source: 'b', detail: { x: 1 } })).toEqual([0, 1, 4]);
      index.remove(0);
      index.remove(4);
      expect(index.match({ source: 'b', detail: { x: 1 } })).toEqual([1]);
      expect(index.match({ source: 'a' })).toEqual([3]);
      expect(index.size).toBe(2);
    });

    it('forgets fields no rule names any more', () => {
      const index = indexOf({ detail: { x: ['1'] } });
      index.remove(0);
      index.add(1, parseEventPattern({ detail: { y: [{ exists: false }] } }));
      expect(index.match({ detail: { x: '1' } })).toEqual([1]);
      expect(index.match({ detail: { y: '1' } })).toEqual([]);
    });

    it('matches nothing when empty', () => {
      expect(new RuleIndex<string>().match({ source: 'a' })).toEqual([]);
    });
  });

  describe('operators', () => {
    it.each([
      ['exists: false alone (checked for every event)', { detail: { errorCode: [{ exists: false }] } }, { detail: {} }, true],
      ['exists: false alone, field present', { detail: { errorCode: [{ exists: false }] } }, { detail: { errorCode: 'X' } }, false],
      ['exists: false or a value', { v: [{ exists: false }, 'x'] }, { v: 'x' }, true],
      ['dotted key in the pattern', { 'detail.type': ['x'] }, { detail: { type: 'x' } }, true],
      ['dotted key in the event', { detail: { type: ['x'] } }, { 'detail.type': 'x' }, true],
      ['string is not number', { v: ['1'] }, { v: 1 }, false],
      ['numeric equality', { v: [{ numeric: ['=', 3] }] }, { v: 3.0 }, true],
      ['numeric open bound', { v: [{ numeric: ['>', 3, '<=', 5] }] }, { v: 3 }, false],
      ['numeric closed bound', { v: [{ numeric: ['>', 3, '<=', 5] }] }, { v: 5 }, true],
      ['cidr', { ip: [{ cidr: '10.0.0.0/24' }] }, { ip: '10.0.0.255' }, true],
      ['cidr outside', { ip: [{ cidr: '10.0.0.0/24' }] }, { ip: '10.0.1.0' }, false],
      ['wildcard', { arn: [{ wildcard: 'arn:*:role/*' }] }, { arn: 'arn:aws:iam::1:role/x' }, true],
      ['wildcard with stars at both ends', { arn: [{ wildcard: '*role*' }] }, { arn: 'a-role-b' }, true],
      ['prefix ignoring case', { v: [{ prefix: { 'equals-ignore-case': 'AB' } }] }, { v: 'abc' }, true],
      ['suffix ignoring case', { v: [{ suffix: { 'equals-ignore-case': 'BC' } }] }, { v: 'abc' }, true],
      ['anything-but prefix', { v: [{ 'anything-but': { prefix: 'a' } }] }, { v: 'abc' }, false],
      ['anything-but number', { v: [{ 'anything-but': [1, 2] }] }, { v: 3 }, true],
      ['anything-but does not match an absent field', { v: [{ 'anything-but': 'x' }] }, {}, false],
    ])('%s', (_name, pattern, event, expected) => {
      // Prepare: the rule among others that share its fields, so that it is found through the index.
      const index = indexOf({ other: ['x'] }, pattern, { v: ['zzz'] });
      // Act
      const ids = index.match(event);
      // Assess
      expect(ids.includes(1)).toBe(expected);
    });
  });

  describe('Method: matchJson', () => {
    it('matches JSON text', () => {
      expect(indexOf({ source: ['a'] }).matchJson('{"source":"a"}')).toEqual([0]);
    });

    it('throws SyntaxError for text that is not JSON', () => {
      expect(() => indexOf({ source: ['a'] }).matchJson('{"source":')).toThrow(SyntaxError);
    });
  });
});

describe('Class: RuleIndex (empty keys)', () => {
  it('agrees with the single-pattern matcher on empty keys', () => {
    const index = new RuleIndex<number>();
    index.add(0, parseEventPattern({ '': { a: [1] } }));
    index.add(1, parseEventPattern({ '': [1] }));
    index.add(2, parseEventPattern({ a: { '': ['x'] } }));
    expect(index.match({ '': { a: 1 } })).toEqual([0]);
    expect(index.match({ '': 1, a: { '': 'x' } })).toEqual([1, 2]);
  });
});
