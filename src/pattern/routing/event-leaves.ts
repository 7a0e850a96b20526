/**
 * Reads the leaves of an event at the indexed paths only, into per-path lists addressed by path id.
 *
 * Same leaves as `flattenEvent(event, pathPrefixes(paths))` (flatten.ts), without building path strings: the
 * walk follows a tree of the indexed paths in which every node maps each event key that extends it to the
 * node of the longer path. Keys may contain dots, as in EventBridge (`{"a.b": 1}` is at path `a.b`, like
 * `{"a": {"b": 1}}`), so a node maps every dotted remainder too (`a` maps `b`, `b.c`, …). Instead of array
 * trails, each path records whether one of its leaves lies inside an array: array consistency is then
 * decided by the single-pattern matcher, for the few branches that need it. An object or array it reads nested
 * deeper than MAX_NESTING_DEPTH (1,000) makes it throw `InvalidEventError` (parts no path leads to are not read).
 */
import { MAX_NESTING_DEPTH } from '../depth';
import { eventTooDeep, pathPrefixes } from '../flatten';
import type { Leaf } from '../matchers';

const hasOwn = Object.prototype.hasOwnProperty;

interface WalkNode {
  /** Path id when the path is indexed, else -1 (a prefix of indexed paths only). */
  pathId: number;
  children: Map<string, WalkNode> | undefined;
}

/**
 * Per-event leaf lists by path id, valid while `stamp[id] === epoch`.
 * @example
 * const leaves = new EventLeaves(); leaves.setPaths([['detail.eventName', 0]]);
 * leaves.read({ detail: { eventName: 'X' } }, 1); // leaves.values[0][0] = 'X', leaves.count[0] = 1, leaves.present = [0]
 */
export class EventLeaves {
  private root: WalkNode = { pathId: -1, children: undefined };
  /** Leaf values of each path: the first `count[id]` entries, valid when stamped with the current epoch. */
  values: Leaf[][] = [];
  /** Number of leaves of each path in the current event (valid when stamped). */
  count = new Int32Array(16);
  /** Epoch at which the path last had a leaf. */
  stamp = new Int32Array(16);
  /** Epoch at which the path last had a leaf inside an array. */
  inArray = new Int32Array(16);
  /** Path ids with leaves in the current event, in the order first seen. */
  readonly present: number[] = [];
  /** Some indexed path had a leaf inside an array in the current event. */
  anyInArray = false;
  private epoch = 0;

  /** Index these paths (dotted path, id); ids are small integers. */
  setPaths(paths: Iterable<readonly [string, number]>): void {
    const list = [...paths];
    // The nodes are flattenEvent's `wanted` set; the root is separate (a '' key is an ordinary field).
    const root: WalkNode = { pathId: -1, children: undefined };
    const nodes = new Map<string, WalkNode>();
    const wanted = pathPrefixes(list.map(([p]) => p));
    for (const path of wanted) if (!nodes.has(path)) nodes.set(path, { pathId: -1, children: undefined });
    let maxId = -1;
    for (const [path, id] of list) {
      nodes.get(path)!.pathId = id;
      maxId = Math.max(maxId, id);
    }
    // flattenEvent's step: from the root by key k to k, from path P by key k to P + '.' + k, when wanted.
    for (const path of wanted) {
      const to = nodes.get(path)!;
      (root.children ??= new Map()).set(path, to);
      for (let d = path.indexOf('.'); d >= 0; d = path.indexOf('.', d + 1)) {
        const from = nodes.get(path.slice(0, d))!;
        (from.children ??= new Map()).set(path.slice(d + 1), to);
      }
    }
    this.root = root;
    if (maxId >= this.stamp.length) {
      let length = this.stamp.length;
      while (length <= maxId) length *= 2;
      const stamp = new Int32Array(length);
      stamp.set(this.stamp);
      const inArray = new Int32Array(length);
      inArray.set(this.inArray);
      this.stamp = stamp;
      this.inArray = inArray;
      this.count = new Int32Array(length);
    }
    while (this.values.length <= maxId) this.values.push([]);
  }

  /**
   * Read `event`'s leaves under a new `epoch` (strictly greater than the previous one).
   * @throws InvalidEventError when an object or array it reads is nested deeper than MAX_NESTING_DEPTH.
   */
  read(event: unknown, epoch: number): void {
    this.epoch = epoch;
    this.present.length = 0;
    this.anyInArray = false;
    this.walk(event, this.root, false, 0);
  }

  /** Forget every stamp (when the epoch counter wraps). */
  resetStamps(): void {
    this.stamp.fill(0);
    this.inArray.fill(0);
  }

  /** `depth`: objects and arrays around `value`. */
  private walk(value: unknown, node: WalkNode, inArray: boolean, depth: number): void {
    if (Array.isArray(value)) {
      if (depth >= MAX_NESTING_DEPTH) throw eventTooDeep();
      for (let i = 0; i < value.length; i++) this.walk(value[i], node, true, depth + 1);
      return;
    }
    if (value !== null && typeof value === 'object') {
      if (depth >= MAX_NESTING_DEPTH) throw eventTooDeep();
      const children = node.children;
      if (children === undefined) return;
      // for-in allocates nothing (Object.keys does); the own-property test keeps Object.keys's semantics.
      for (const key in value) {
        const child = children.get(key);
        if (child !== undefined && hasOwn.call(value, key)) this.walk((value as Record<string, unknown>)[key], child, inArray, depth + 1);
      }
      return;
    }
    const id = node.pathId;
    if (id < 0) return;
    // Arrays are reused across events (no truncation): only the first count[id] entries are current.
    if (this.stamp[id] !== this.epoch) {
      this.stamp[id] = this.epoch;
      this.count[id] = 0;
      this.present.push(id);
    }
    this.values[id][this.count[id]++] = value as Leaf;
    if (inArray) {
      this.inArray[id] = this.epoch;
      this.anyInArray = true;
    }
  }
}
