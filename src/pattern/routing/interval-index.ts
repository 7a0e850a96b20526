/**
 * Stabbing queries: which of many intervals contain a point, in O(log n + answers).
 *
 * Used for `numeric` ranges (number keys) and for `cidr` blocks (fixed-width hexadecimal address strings,
 * one index per width). Design: the distinct interval end points, sorted, cut the key space into
 * elementary regions — `(-inf, b0) [b0] (b0, b1) [b1] … [b(m-1)] (b(m-1), +inf)`, i.e. 2m+1 regions, so open
 * and closed ends are exact. Every interval covers a contiguous run of regions and is stored in the
 * O(log m) canonical nodes of a segment tree over the regions; a point is located by binary search and
 * the answer is the union of the lists on the path from its leaf to the root. Identical intervals share one
 * bucket. Changes mark the structure dirty; it is rebuilt (O(n log n)) at the next query.
 */

/** An interval over `K`; a missing bound is unbounded. */
export interface Interval<K> {
  readonly lower?: K;
  readonly lowerOpen: boolean;
  readonly upper?: K;
  readonly upperOpen: boolean;
}

interface Group<K> {
  readonly interval: Interval<K>;
  /** Values stored under this interval (branch slots); shared with the tree nodes. */
  readonly values: number[];
}

/**
 * Intervals over numbers or over same-width strings (compared with `<`), each carrying numeric values.
 * @example
 * const ix = new IntervalIndex<number>((a, b) => a - b);
 * ix.add({ lower: 0, lowerOpen: false, upper: 10, upperOpen: true }, 7);
 * const out: number[][] = []; ix.stab(5, out); // out = [[7]]
 */
export class IntervalIndex<K extends number | string> {
  private readonly groups = new Map<string, Group<K>>();
  private dirty = false;
  private bounds: K[] = [];
  /** Segment tree over the 2m+1 regions: node i holds the buckets of the intervals covering its whole span. */
  private tree: number[][][] = [];
  private base = 1;
  private entryCount = 0;

  constructor(private readonly compare: (a: K, b: K) => number) {}

  /** Number of (interval, value) entries. */
  get size(): number {
    return this.entryCount;
  }

  /** Store `value` under `interval`. */
  add(interval: Interval<K>, value: number): void {
    const key = signature(interval);
    let group = this.groups.get(key);
    if (group === undefined) {
      group = { interval, values: [] };
      this.groups.set(key, group);
      this.dirty = true;
    }
    group.values.push(value);
    this.entryCount++;
  }

  /** Remove one `value` stored under `interval`; false when it was not there. */
  remove(interval: Interval<K>, value: number): boolean {
    const key = signature(interval);
    const group = this.groups.get(key);
    if (group === undefined) return false;
    const at = group.values.indexOf(value);
    if (at < 0) return false;
    group.values[at] = group.values[group.values.length - 1];
    group.values.pop();
    this.entryCount--;
    if (group.values.length === 0) {
      this.groups.delete(key);
      this.dirty = true;
    }
    return true;
  }

  /** Push onto `out` the value lists of every interval that contains `point` (lists may be empty). */
  stab(point: K, out: number[][]): void {
    if (this.entryCount === 0) return;
    if (this.dirty) this.rebuild();
    const region = this.regionOf(point);
    const tree = this.tree;
    for (let node = this.base + region; node >= 1; node >>= 1) {
      const lists = tree[node];
      if (lists !== undefined) for (let i = 0; i < lists.length; i++) out.push(lists[i]);
    }
  }

  /** Index of the elementary region holding `point`. */
  private regionOf(point: K): number {
    const b = this.bounds;
    let lo = 0;
    let hi = b.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (b[mid] < point) lo = mid + 1;
      else hi = mid;
    }
    return lo < b.length && b[lo] === point ? 2 * lo + 1 : 2 * lo;
  }

  private rebuild(): void {
    const points = new Set<K>();
    for (const { interval } of this.groups.values()) {
      if (interval.lower !== undefined) points.add(interval.lower);
      if (interval.upper !== undefined) points.add(interval.upper);
    }
    const bounds = [...points].sort(this.compare);
    const position = new Map<K, number>();
    bounds.forEach((p, i) => position.set(p, i));
    const regions = 2 * bounds.length + 1;
    let base = 1;
    while (base < regions) base <<= 1;
    const tree: number[][][] = new Array(2 * base);
    for (const group of this.groups.values()) {
      const { lower, lowerOpen, upper, upperOpen } = group.interval;
      const first = lower === undefined ? 0 : 2 * position.get(lower)! + (lowerOpen ? 2 : 1);
      const last = upper === undefined ? regions - 1 : 2 * position.get(upper)! + (upperOpen ? 0 : 1);
      if (first > last) continue;
      // Canonical cover of [first, last] (iterative segment tree).
      let l = first + base;
      let r = last + base + 1;
      while (l < r) {
        if (l & 1) (tree[l++] ??= []).push(group.values);
        if (r & 1) (tree[--r] ??= []).push(group.values);
        l >>= 1;
        r >>= 1;
      }
    }
    this.bounds = bounds;
    this.tree = tree;
    this.base = base;
    this.dirty = false;
  }
}

function signature<K>(interval: Interval<K>): string {
  const { lower, lowerOpen, upper, upperOpen } = interval;
  return `${lower === undefined ? '' : String(lower)}${lowerOpen ? '(' : '['}${upper === undefined ? '' : String(upper)}${upperOpen ? ')' : ']'}`;
}
