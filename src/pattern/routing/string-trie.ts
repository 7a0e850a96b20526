/**
 * A character trie of prefixes (or, read backwards, of suffixes) carrying numeric values: walking a string
 * collects the values of every stored prefix of it in O(length of the longest stored prefix of it).
 * Characters are UTF-16 code units, as `String.prototype.startsWith`/`endsWith` compare them.
 */

interface TrieNode {
  children: Map<number, TrieNode> | undefined;
  /** Values of the prefix ending here (branch slots). */
  values: number[] | undefined;
}

const newNode = (): TrieNode => ({ children: undefined, values: undefined });

/**
 * Prefixes (`reverse = false`) or suffixes (`reverse = true`) with values.
 * @example
 * const t = new StringTrie(false); t.add('Create', 1);
 * const out: number[][] = []; t.collect('CreateBucket', out); // out = [[1]]
 */
export class StringTrie {
  private readonly root: TrieNode = newNode();
  private entryCount = 0;

  constructor(private readonly reverse: boolean) {}

  /** Number of (text, value) entries. */
  get size(): number {
    return this.entryCount;
  }

  /** Store `value` under `text` (the empty text matches every string). */
  add(text: string, value: number): void {
    let node = this.root;
    const n = text.length;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(this.reverse ? n - 1 - i : i);
      node.children ??= new Map();
      let next = node.children.get(c);
      if (next === undefined) {
        next = newNode();
        node.children.set(c, next);
      }
      node = next;
    }
    (node.values ??= []).push(value);
    this.entryCount++;
  }

  /** Remove one `value` stored under `text`; false when it was not there. Empty branches are pruned. */
  remove(text: string, value: number): boolean {
    const path: TrieNode[] = [this.root];
    const n = text.length;
    let node = this.root;
    for (let i = 0; i < n; i++) {
      const next = node.children?.get(text.charCodeAt(this.reverse ? n - 1 - i : i));
      if (next === undefined) return false;
      path.push(next);
      node = next;
    }
    const values = node.values;
    const at = values === undefined ? -1 : values.indexOf(value);
    if (at < 0) return false;
    values![at] = values![values!.length - 1];
    values!.pop();
    if (values!.length === 0) node.values = undefined;
    this.entryCount--;
    for (let i = path.length - 1; i > 0; i--) {
      const child = path[i];
      if (child.values !== undefined || (child.children !== undefined && child.children.size > 0)) break;
      path[i - 1].children!.delete(text.charCodeAt(this.reverse ? n - i : i - 1));
    }
    return true;
  }

  /** Push onto `out` the value lists of every stored prefix (suffix) of `text`. */
  collect(text: string, out: number[][]): void {
    let node: TrieNode | undefined = this.root;
    const n = text.length;
    let i = 0;
    while (true) {
      if (node.values !== undefined) out.push(node.values);
      if (i === n || node.children === undefined) return;
      node = node.children.get(text.charCodeAt(this.reverse ? n - 1 - i : i));
      if (node === undefined) return;
      i++;
    }
  }
}
