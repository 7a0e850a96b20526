/**
 * The wildcard complexity check: its linear computation against the subset construction it replaced, the
 * recorded AWS cases, and wildcards thousands of characters long.
 */
import fc from 'fast-check';
import { parseEventPattern, checkEventPattern } from '../../../src/pattern';
import { MAX_WILDCARD_COMPLEXITY, parseWildcard, wildcardComplexity, type Wildcard } from '../../../src/pattern/wildcard';

/**
 * The previous definition, kept as the oracle: the largest state set the subset construction of the
 * wildcard's position automaton reaches (every reachable set, every character of the wildcard and one other).
 */
function subsetConstructionComplexity(w: Wildcard): number {
  const tokens: number[] = [];
  w.segments.forEach((seg, i) => {
    if (i > 0) tokens.push(-1);
    for (const ch of seg) tokens.push(ch.codePointAt(0)!);
  });
  const n = tokens.length;
  const closure = (states: Set<number>): Set<number> => {
    const out = new Set(states);
    for (const s of states) {
      let k = s;
      while (k < n && tokens[k] === -1) out.add(++k);
    }
    return out;
  };
  const alphabet = [...new Set(tokens.filter((t) => t >= 0)), -2];
  const key = (s: Set<number>) => [...s].sort((a, b) => a - b).join(',');
  const start = closure(new Set([0]));
  const seen = new Set([key(start)]);
  const queue = [start];
  let max = start.size;
  while (queue.length > 0) {
    const current = queue.shift()!;
    for (const c of alphabet) {
      const next = new Set<number>();
      for (const s of current) {
        if (s >= n) continue;
        if (tokens[s] === -1) next.add(s);
        else if (tokens[s] === c) next.add(s + 1);
      }
      const closed = closure(next);
      if (closed.size === 0) continue;
      const k = key(closed);
      if (seen.has(k)) continue;
      seen.add(k);
      max = Math.max(max, closed.size);
      queue.push(closed);
    }
  }
  return max;
}

const complexityOf = (text: string) => wildcardComplexity(parseWildcard(text));

describe('Function: wildcardComplexity', () => {
  it.each([
    ['arn:aws:events:us-east-1:*:event-bus/*', 5],
    ['/Users/*/dir/dir/dir/dir/dir/doc.txt', 8],
    ['*:*:*:*:*:event-bus/*', 13],
    ['*/dir/*', 5],
    ['abc', 1],
    ['*', 2],
  ])('%s keeps up to %d states alive (the values the threshold is calibrated on)', (text, expected) => {
    expect(complexityOf(text)).toBe(expected);
    expect(subsetConstructionComplexity(parseWildcard(text))).toBe(expected);
  });

  it('equals the subset construction on random wildcards over a small alphabet', () => {
    // Prepare: few distinct characters make long border chains and overlapping segments likely.
    const text = fc
      .array(fc.constantFrom('a', 'b', 'ab', 'aa', ':', '*', '\u00e9', '\u{1F600}'), { maxLength: 14 })
      .map((parts) => parts.join(''))
      .filter((t) => !t.includes('**'));

    // Act + Assess
    fc.assert(
      fc.property(text, (t) => {
        const w = parseWildcard(t);
        expect(wildcardComplexity(w)).toBe(subsetConstructionComplexity(w));
      }),
      { numRuns: 2000 },
    );
  });

  it('caps the result at `cap`', () => {
    expect(wildcardComplexity(parseWildcard('*:*:*:*:*:event-bus/*'), 11)).toBe(11);
  });

  it('gives the exact value of a 3,001-character wildcard of repeating text (no cap, no cut-off)', () => {
    // Prepare: star, then "ab" 1,500 times: after "abab…ab", every even-length prefix of the segment is live.
    const text = `*${'ab'.repeat(1500)}`;

    // Act
    const complexity = complexityOf(text);

    // Assess: the star, 1,500 positions of the segment and the accepting position.
    expect(complexity).toBe(1502);
  });
});

describe('Function: parseEventPattern (wildcard complexity)', () => {
  // 3,000 distinct characters (CJK code points): the subset construction took 4.5 s on this pattern.
  const distinct = Array.from({ length: 3000 }, (_, i) => String.fromCodePoint(0x4e00 + i)).join('');

  it('accepts `a*` followed by 3,000 distinct characters: 3 live states at most', () => {
    // Prepare
    const value = `a*${distinct}`;

    // Act
    const pattern = parseEventPattern({ name: [{ wildcard: value }] }, { maxLengthInChars: 0 });

    // Assess
    expect(complexityOf(value)).toBe(3);
    expect(pattern.branches).toHaveLength(1);
  });

  it('rejects a 3 KB wildcard of repeating text with AWS reason', () => {
    // Act
    const problem = checkEventPattern({ name: [{ wildcard: `*${'ab'.repeat(1500)}` }] }, { maxLengthInChars: 0 });

    // Assess
    expect(problem).toEqual(expect.objectContaining({ code: 'InvalidEventPatternException', pointer: '/name/0/wildcard' }));
    expect(problem?.message).toContain('Rule is too complex');
  });

  it('skips the complexity check for a trusted pattern, and only that check', () => {
    // Prepare
    const complex = { arn: [{ wildcard: '*:*:*:*:*:event-bus/*' }] };

    // Act
    const trusted = parseEventPattern(complex, { trusted: true });

    // Assess
    expect(complexityOf('*:*:*:*:*:event-bus/*')).toBeGreaterThan(MAX_WILDCARD_COMPLEXITY);
    expect(checkEventPattern(complex)?.message).toContain('Rule is too complex');
    expect(trusted.branches[0]![0]!.matchers[0]!.kind).toBe('wildcard');
    expect(checkEventPattern({ arn: [{ wildcard: 'a**b' }] }, { trusted: true })?.message).toContain('Consecutive wildcard characters');
  });
});
