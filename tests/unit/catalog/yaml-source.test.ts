import { escapePointerSegment, parsePointer, parseYamlSource, toPointer } from '../../../src/catalog';

describe('Function: parseYamlSource', () => {
  const text = ['a:', '  b: [1, 2]', '  "c/d": x', '  e:', 'list:', '  - { k: v }', '  - plain', ''].join('\n');
  const source = parseYamlSource(text);

  it('returns the value of a clean document', () => {
    // Assess
    expect(source.errors).toEqual([]);
    expect(source.value).toEqual({ a: { b: [1, 2], 'c/d': 'x', e: null }, list: [{ k: 'v' }, 'plain'] });
  });

  it.each([
    ['/a/b/1', undefined, { line: 2, column: 10 }],
    ['/a/b', undefined, { line: 2, column: 6 }],
    ['/a/b', { key: true }, { line: 2, column: 3 }],
    ['/a/c~1d', undefined, { line: 3, column: 10 }],
    ['/a/e', undefined, { line: 4, column: 3 }],
    ['/list/0/k', undefined, { line: 6, column: 10 }],
    ['/list/1', undefined, { line: 7, column: 5 }],
    ['/a/missing/deeper', undefined, { line: 2, column: 3 }],
    ['/list/9', undefined, { line: 6, column: 3 }],
    ['', undefined, { line: 1, column: 1 }],
  ])('locates %s (%j) at %j', (pointer, options, position) => {
    // Act + Assess
    expect(source.locate(pointer, options)).toEqual(position);
  });

  it('reports syntax errors with positions and no value', () => {
    // Act
    const broken = parseYamlSource('a: 1\na: 2\n');

    // Assess
    expect(broken.value).toBeUndefined();
    expect(broken.errors).toEqual([expect.objectContaining({ code: 'DUPLICATE_KEY', position: { line: 2, column: 1 } })]);
  });
});

describe('Function: pointers', () => {
  it('round-trips RFC 6901 escapes', () => {
    // Act + Assess
    expect(toPointer(['a/b', 'c~d', 0])).toBe('/a~1b/c~0d/0');
    expect(parsePointer('/a~1b/c~0d/0')).toEqual(['a/b', 'c~d', '0']);
    expect(parsePointer('')).toEqual([]);
    expect(escapePointerSegment('~/')).toBe('~0~1');
  });
});

describe('Function: locate with an offset into a scalar', () => {
  const source = parseYamlSource(['plain: abc.def', 'quoted: "abc.def"', 'escaped: "a\\tb"', 'folded: >-', '  abc', '  def', ''].join('\n'));

  it.each([
    ['/plain', 4, { line: 1, column: 12 }],
    ['/quoted', 4, { line: 2, column: 14 }],
    ['/quoted', 7, { line: 2, column: 17 }],
    ['/escaped', 2, { line: 3, column: 10 }],
    ['/folded', 2, { line: 4, column: 9 }],
  ])('%s + %d -> %j (the scalar itself when the source does not spell the value verbatim)', (pointer, offset, position) => {
    expect(source.locate(pointer, { offset })).toEqual(position);
  });
});
