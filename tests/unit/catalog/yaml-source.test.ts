import { escapePointerSegment, parsePointer, parseYamlSource, toPointer } from '../../../src/catalog';
import { numberText } from '../../../src/pattern/number-text';

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

describe('Function: parseYamlSource (what a pattern file must not do)', () => {
  it('places an unclosed flow collection or quote at its opening character, not on the next line', () => {
    // Act
    const flow = parseYamlSource('pattern:\n  source: [aws.signin\ntargets: []\n');
    const quote = parseYamlSource('description: "Root sign-in\npattern: {}\n');

    // Assess
    expect(flow.errors).toEqual([expect.objectContaining({ code: 'BAD_INDENT', position: { line: 2, column: 11 } })]);
    expect(quote.errors).toEqual([expect.objectContaining({ code: 'MISSING_CHAR', position: { line: 1, column: 14 } })]);
  });

  it('refuses tags beyond the core schema in strict mode, at the tag, and keeps them otherwise', () => {
    // Prepare
    const text = 'a: !Ref X\nb: !!js/function f\nc: !!binary aGk=\nd: !!str 12\n';

    // Act
    const strict = parseYamlSource(text, { strictTags: true });
    const lenient = parseYamlSource(text);

    // Assess
    expect(strict.value).toBeUndefined();
    expect(strict.errors.map(({ code, pointer, position }) => ({ code, pointer, position }))).toEqual([
      { code: 'TAG_NOT_ALLOWED', pointer: '/a', position: { line: 1, column: 4 } },
      { code: 'TAG_NOT_ALLOWED', pointer: '/b', position: { line: 2, column: 4 } },
      { code: 'TAG_NOT_ALLOWED', pointer: '/c', position: { line: 3, column: 4 } },
    ]);
    expect(strict.errors[1].message).toBe('the YAML tag !!js/function');
    expect(lenient.errors).toEqual([]);
    expect(lenient.value).toEqual(expect.objectContaining({ a: 'X', d: '12' }));
  });

  it('reports an alias bomb as a problem instead of throwing', () => {
    // Prepare
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 5 }, (_, i) => `b${i}: &b${i} [${Array(10).fill(i === 0 ? '*a' : `*b${i - 1}`).join(', ')}]`)];

    // Act
    const source = parseYamlSource(`${levels.join('\n')}\n`);

    // Assess
    expect(source.value).toBeUndefined();
    expect(source.errors).toEqual([expect.objectContaining({ code: 'ALIAS_LIMIT', pointer: '/b0/9', position: { line: 2, column: 46 } })]);
  });

  it('keeps a few aliases', () => {
    // Act + Assess
    expect(parseYamlSource('a: &a [1, 2]\nb: *a\n').value).toEqual({ a: [1, 2], b: [1, 2] });
  });

  it('refuses a second document', () => {
    // Act + Assess
    expect(parseYamlSource('a: 1\n---\nb: 2\n').errors).toEqual([expect.objectContaining({ code: 'MULTIPLE_DOCS', position: { line: 2, column: 1 } })]);
  });

  it('lists numbers JSON cannot carry with their spelling, and passes the spelling to the pattern engine', () => {
    // Act
    const source = parseYamlSource('p: [{ numeric: [">", 1e400] }]\nq: -.Inf\nr: .nan\ns: 1e308\n');

    // Assess
    expect(source.nonFiniteNumbers).toEqual([
      { pointer: '/p/0/numeric/1', text: '1e400', position: { line: 1, column: 22 } },
      { pointer: '/q', text: '-.Inf', position: { line: 2, column: 4 } },
      { pointer: '/r', text: '.nan', position: { line: 3, column: 4 } },
    ]);
    const numeric = (source.value as { p: { numeric: unknown[] }[] }).p[0].numeric;
    expect(numberText(numeric, 1, numeric[1] as number)).toBe('1e400');
  });
});
