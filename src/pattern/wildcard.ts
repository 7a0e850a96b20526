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
 * The largest number of pattern positions a matcher can be in at once, over all inputs: the size of the
 * largest state set the subset construction of the wildcard's position automaton reaches, which is what
 * EventBridge bounds ("Rule is too complex …"). Linear in the wildcard's length; `cap` only bounds the result.
 *
 * Design: write the wildcard `s0*s1*…*sk`. After an input `w`, a star `j` is live once a prefix of `w` has
 * matched `s0*…*s(j-1)`, and stays live (a star consumes anything); position `t` of segment `sj` (after star
 * `j`) is live when star `j` is and `w` ends with `sj[0..t)`. Every star can be made live at once (input
 * `s0 s1 … s(k-1)`) and a live star only adds states, so the maximum is reached with all `k` stars live, and is
 * `k + max over strings u of Σj #{t < |sj| : sj[0..t) is a suffix of u} + [sk is a suffix of u]` (the last term
 * is the accepting position). Only the longest suffix of `u` that is a prefix of some segment matters, so `u`
 * ranges over the nodes of the Aho-Corasick trie of `s1 … sk`, and the sum is the node's own count plus its
 * failure link's: one pass over the trie in breadth-first order. The subset construction it replaces explored
 * every reachable state set for every character of the wildcard, quadratic in its distinct characters (4.5 s
 * for `a*` followed by 3,000 distinct characters); a differential test checks the two agree.
 *
 * @param cap - result is `min(complexity, cap)`.
 * @example wildcardComplexity(parseWildcard('arn:aws:events:us-east-1:*:event-bus/*')); // 5
 */
export function wildcardComplexity(w: Wildcard, cap = Number.POSITIVE_INFINITY): number {
  const segs = w.segments;
  const stars = segs.length - 1;
  if (stars === 0) return Math.min(1, cap);
  // Trie of the segments after a star; own[v] = states that node v's string alone makes live.
  const children: Map<number, number>[] = [new Map()];
  const own: number[] = [0];
  for (let j = 1; j <= stars; j++) {
    let node = 0;
    for (const ch of segs[j]) {
      own[node]++; // a proper prefix of sj: one live position of segment j
      const code = ch.codePointAt(0)!;
      let next = children[node].get(code);
      if (next === undefined) {
        next = children.length;
        children.push(new Map());
        own.push(0);
        children[node].set(code, next);
      }
      node = next;
    }
    if (j === stars) own[node]++; // the whole last segment: the accepting position
  }
  // Breadth-first: failure links, and total[v] = own counts along v's failure chain (every suffix of v in the trie).
  const fail = new Int32Array(children.length);
  const total = new Int32Array(children.length);
  total[0] = own[0];
  let best = total[0];
  const queue = [0];
  for (let head = 0; head < queue.length; head++) {
    const u = queue[head];
    for (const [code, v] of children[u]) {
      let f = u === 0 ? -1 : fail[u];
      while (f >= 0 && !children[f].has(code)) f = f === 0 ? -1 : fail[f];
      fail[v] = f < 0 ? 0 : children[f].get(code)!;
      total[v] = own[v] + total[fail[v]];
      if (total[v] > best) best = total[v];
      queue.push(v);
    }
  }
  return Math.min(stars + best, cap);
}
