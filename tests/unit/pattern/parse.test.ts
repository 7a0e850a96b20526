import { parseEventPattern, checkEventPattern, InvalidEventPatternError, PatternError } from '../../../src/pattern';

describe('Function: parseEventPattern', () => {
  it.each([
    ['{"detail": {"state": [{"anything-but": ["a", 1]}]}}', '/detail/state/0/anything-but', 'Inside anything but list, either all values are number or string, mixed type is not supported'],
    ['{"detail": {"state": [{"anything-but": []}]}}', '/detail/state/0/anything-but', 'Inside anything but list, either all values are number or string, mixed type is not supported'],
    ['{"a": [{"prefix": "x", "suffix": "y"}]}', '/a/0/suffix', 'Only one key allowed in match expression'],
    ['{"a": [{}]}', '/a/0', 'Match expression name not found'],
    ['{"a": [[1]]}', '/a/0', 'Match value must be String, number, true, false, or null'],
    ['{"a": {}}', '/a', 'Empty objects are not allowed'],
    ['{}', '', 'Empty objects are not allowed'],
    ['{"a": [{"numeric": []}]}', '/a/0/numeric/0', 'Invalid member in numeric match: ]'],
    ['{"a": [{"numeric": [5]}]}', '/a/0/numeric/0', 'Invalid member in numeric match: 5'],
    ['{"a": [{"numeric": ["!", 5]}]}', '/a/0/numeric/0', 'Unrecognized numeric range operator: !'],
    ['{"a": [{"numeric": ["=", "5"]}]}', '/a/0/numeric/1', 'Value of equals must be numeric'],
    ['{"a": [{"numeric": ["=", 5, 6]}]}', '/a/0/numeric/2', 'Too many elements in numeric expression'],
    ['{"a": [{"numeric": [">", 5, 6]}]}', '/a/0/numeric/2', 'Bad value in numeric range: 6'],
    ['{"a": [{"numeric": [">", 5, "<", 9, 1]}]}', '/a/0/numeric/4', 'Too many terms in numeric range expression'],
    // Numbers that overflow a double are refused where compared, quoted as written (event-ruler 337e8d9's wording).
    ['{"a": [{"numeric": [">", 1e400]}]}', '/a/0/numeric/1', 'Cannot compare number : 1e400'],
    ['{"a": [{"numeric": ["<", -1E+400]}]}', '/a/0/numeric/1', 'Cannot compare number : -1E+400'],
    ['{"a": [{"numeric": [">", 0, "<=", 2e999]}]}', '/a/0/numeric/3', 'Cannot compare number : 2e999'],
    ['{"a": [{"anything-but": [1, 1e400]}]}', '/a/0/anything-but/1', 'Cannot compare number : 1e400'],
    ['{"a": [{"anything-but": 1e400}]}', '/a/0/anything-but', 'Cannot compare number : 1e400'],
    ['{"a": [{"exists": "yes"}]}', '/a/0/exists', 'exists match pattern must be either true or false.'],
    ['{"a": [{"cidr": "10.0.0.0/32"}]}', '/a/0/cidr', 'IPv4 mask bits must be < 32'],
    ['{"a": [{"cidr": "10.0.0.0/-1"}]}', '/a/0/cidr', 'Malformed CIDR, mask bits must not be negative'],
    ['{"a": [{"cidr": "::/128"}]}', '/a/0/cidr', 'IPv6 mask bits must be < 128'],
    ['{"a": [{"wildcard": "a\\\\b"}]}', '/a/0/wildcard', 'Invalid escape character at pos 2'],
    ['{"a": [{"anything-but": {"exists": true}}]}', '/a/0/anything-but/exists', 'Unsupported anything-but pattern: exists'],
    ['{"a": [{"anything-but": {"wildcard": ["*:*:*:*:*:x/*"]}}]}', '/a/0/anything-but/wildcard/0', 'Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character'],
    ['{"a": [{"prefix": {"exists": true}}]}', '/a/0/prefix/exists', 'Unsupported prefix pattern: exists'],
    ['{"$or": [{"a": ["x"]}]}', '/$or', 'There must have at least 2 Objects in $or relationship.'],
    ['{"$or": {"a": ["x"]}}', '/$or', 'It must be an Array followed with $or.'],
    ['{"$or": [{"a": ["x"]}, "b"]}', '/$or/1', 'Only JSON object is allowed in array of $or relationship.'],
    ['{"$or": [{"a": ["x"]}, {"prefix": ["y"]}]}', '/$or/1/prefix', 'prefix is Ruler reserved fieldName which cannot be used inside $or.'],
    ['{"a/b": {"c~d": "x"}}', '/a~1b/c~0d', '"c~d" must be an object or an array'],
  ])('rejects %s at %s', (text, pointer, reason) => {
    // Act
    const error = checkEventPattern(text);
    // Assess
    expect(error).toBeInstanceOf(InvalidEventPatternError);
    expect(error).toEqual(expect.objectContaining({ code: 'InvalidEventPatternException', pointer, reason, message: `Event pattern is not valid. Reason: ${reason}` }));
  });

  it.each([
    ['{"a": [1', 1, 9, 'Unexpected end-of-input: expected close marker for Array'],
    ['{\n  "a": [1,]\n}', 2, 11, "Unexpected character (']' (code 93)): expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')"],
    ['{"a" ["x"]}', 1, 6, "Unexpected character ('[' (code 91)): was expecting a colon to separate field name and value"],
    ['{"a": [tru]}', 1, 8, "Unrecognized token 'tru': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')"],
    ['{"a": ["x"]} x', 1, 14, "Unexpected character ('x' (code 120)): expected end-of-input"],
  ])('reports JSON syntax of %j with Jackson wording and position', (text, line, column, reason) => {
    const error = checkEventPattern(text);
    expect(error).toEqual(expect.objectContaining({ reason, line, column }));
  });

  it('refuses a non-finite number given as an object, in JavaScript spelling, and accepts it in an exact match', () => {
    // Act
    const problem = checkEventPattern({ a: [{ numeric: ['>=', Number.POSITIVE_INFINITY] }] });

    // Assess
    expect(problem).toEqual(expect.objectContaining({ pointer: '/a/0/numeric/1', message: 'Event pattern is not valid. Reason: Cannot compare number : Infinity' }));
    expect(checkEventPattern('{"a": [1e400]}')).toBeUndefined();
    expect(checkEventPattern('{"a": [{"numeric": ["=", 1e308]}]}')).toBeUndefined();
  });

  it('keeps the last of repeated keys, as EventBridge does', () => {
    const p = parseEventPattern('{"a": ["x"], "a": ["y"]}');
    expect(p.source).toEqual({ a: ['y'] });
  });

  it('treats "__proto__" as an ordinary field name', () => {
    const p = parseEventPattern('{"__proto__": ["x"]}');
    expect(Object.keys(p.source)).toEqual(['__proto__']);
    expect(p.paths).toEqual(['__proto__']);
  });

  it('enforces the 2,048-character pattern size quota, adjustable', () => {
    // Prepare
    const big = { source: ['x'.repeat(2100)] };
    // Act / Assess
    expect(checkEventPattern(big)).toEqual(expect.objectContaining({ code: 'PatternTooLong' }));
    expect(checkEventPattern(big)).toBeInstanceOf(PatternError);
    expect(checkEventPattern(big, { maxLengthInChars: 4096 })).toBeUndefined();
    expect(checkEventPattern(big, { maxLengthInChars: 0 })).toBeUndefined();
  });

  it('compiles $or at any depth into branches (cross product with siblings)', () => {
    // Act
    const p = parseEventPattern({ source: ['a'], detail: { $or: [{ x: [1] }, { y: [2], $or: [{ z: [3] }, { w: [4] }] }] } });
    // Assess
    const paths = p.branches.map((b) => b.map((f) => f.path).sort().join(' & ')).sort();
    expect(paths).toEqual(['detail.w & detail.y & source', 'detail.x & source', 'detail.y & detail.z & source']);
  });
});
