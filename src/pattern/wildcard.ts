/**
 * The `wildcard` operator: `*` matches any run of characters, `\*` a literal star, `\\` a backslash.
 * Validation reproduces EventBridge's reasons, including its guard against patterns whose matching
 * could keep many states alive at once ("Rule is too complex ...").
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html#eb-filtering-wildcard-matching
 */

/** A parsed wildcard: literal segments between stars, anchored at both ends. */
export interface Wildcard {
  /** Literal text between stars; `segments.length - 1` stars. */
  readonly segments: readonly string[];
}

/** EventBridge's reason for a wildcard that keeps too many matching states alive. */
export const WILDCARD_TOO_COMPLEX =
  'Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character';

/**
 * Largest number of simultaneously live matching states a wildcard may have (see `wildcardComplexity`).
 * EventBridge does not publish its threshold; this value is calibrated on the recorded AWS cases:
 * accepted `arn:aws:events:us-east-1:*:event-bus/*` (5) and `/Users/*\/dir/dir/dir/dir/dir/doc.txt` (8),
 * rejected `*:*:*:*:*:event-bus/*` (13). Values from 9 to 12 are a guess between those points.
 */
export const MAX_WILDCARD_COMPLEXITY = 10;

/**
 * Parse a wildcard value.
 * @throws Error with EventBridge's reason (`Consecutive wildcard characters at pos N`, `Invalid escape character at pos N`),
 *   positions counted in UTF-8 bytes from 1 (EventBridge counts the value's opening quote as position 0).
 */
export function parseWildcard(value: string): Wildcard {
  const segments: string[] = [];
  let current = '';
  // EventBridge parses the value with its leading quote ('"' + value + '"'), so positions start at 1.
  let bytePos = 1;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (ch === '*') {
      if (value[i + 1] === '*') throw new Error(`Consecutive wildcard characters at pos ${bytePos}`);
      segments.push(current);
      current = '';
    } else if (ch === '\\') {
      const next = value[i + 1];
      if (next === '*' || next === '\\') {
        current += next;
        i++;
        bytePos++;
      } else {
        throw new Error(`Invalid escape character at pos ${bytePos}`);
      }
    } else {
      current += ch;
    }
    bytePos += utf8Length(value.charCodeAt(i), value.charCodeAt(i + 1));
    if (ch >= '\ud800' && ch <= '\udbff') {
      current += value[i + 1] ?? '';
      i++;
    }
  }
  segments.push(current);
  return { segments };
}

function utf8Length(code: number, next: number): number {
  if (code < 0x80) return 1;
  if (code < 0x800) return 2;
  if (code >= 0xd800 && code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) return 4;
  return 3;
}

/** True when `text` matches the wildcard as a whole. Linear-time greedy matching with backtracking to the last star. */
export function matchWildcard(w: Wildcard, text: string): boolean {
  const segs = w.segments;
  if (segs.length === 1) return text === segs[0];
  const first = segs[0];
  const last = segs[segs.length - 1];
  if (text.length < first.length + last.length) return false;
  if (!text.startsWith(first) || !text.endsWith(last)) return false;
  let pos = first.length;
  const end = text.length - last.length;
  for (let s = 1; s < segs.length - 1; s++) {
    const seg = segs[s];
    const found = text.indexOf(seg, pos);
    if (found < 0 || found + seg.length > end) return false;
    pos = found + seg.length;
  }
  return true;
}

/**
 * The largest number of pattern positions a matcher can be in at once over all inputs: the size of the
 * largest state set reached by the subset construction of the wildcard's position automaton.
 * Capped at `cap` to bound the work.
 */
export function wildcardComplexity(w: Wildcard, cap = 64): number {
  // Tokens: literal characters, and STAR (-1) between segments.
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
      if (max >= cap || seen.size > 4096) return Math.min(Math.max(max, cap * Number(seen.size > 4096)), cap);
      queue.push(closed);
    }
  }
  return max;
}
