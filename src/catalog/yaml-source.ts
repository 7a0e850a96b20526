/**
 * A YAML document that remembers where each node came from, so an RFC 6901 pointer into the parsed value can be
 * turned back into a line and column of the source.
 *
 * Design: `yaml`'s `parseDocument` keeps every node with its source `range`; a `LineCounter` turns offsets into
 * 1-based line/column. `locate(pointer)` walks the node tree segment by segment (map keys by scalar value,
 * sequence items by index) and stops at the deepest node that exists, so a pointer to a missing key still lands
 * on the mapping that should hold it.
 */
import { LineCounter, isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node, type Scalar } from 'yaml';

/** A 1-based source position. */
export interface SourcePosition {
  line: number;
  column: number;
}

/** A YAML syntax problem (`yaml`'s error code, e.g. `DUPLICATE_KEY`, `BAD_INDENT`). */
export interface YamlProblem {
  code: string;
  /** `yaml`'s message, first line only, without its ` at line L, column C` suffix. */
  message: string;
  position?: SourcePosition;
}

/** The outcome of {@link parseYamlSource}. */
export interface YamlSource {
  /** The document as plain JSON-like data; `undefined` if it had errors. */
  value: unknown;
  errors: YamlProblem[];
  /**
   * The position of the node a pointer names (the key node when `key` is set and the last segment is a map key).
   * With `offset`, the position of that character inside a single-line scalar written without escapes (plain or
   * quoted); the scalar's own position otherwise.
   */
  locate(pointer: string, options?: { key?: boolean; offset?: number }): SourcePosition | undefined;
}

/**
 * Parse YAML text, keeping source positions.
 *
 * @param text - the file's text
 * @returns the value (when the text parses cleanly) and every syntax error with its position.
 * @example
 * const source = parseYamlSource('a:\n  b: [1, 2]\n');
 * source.value;              // { a: { b: [1, 2] } }
 * source.locate('/a/b/1');   // { line: 2, column: 10 }
 */
export function parseYamlSource(text: string): YamlSource {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const position = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const errors: YamlProblem[] = document.errors.map((error) => ({
    code: error.code,
    message: error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, ''),
    position: position(error.pos[0]),
  }));
  return {
    value: errors.length === 0 ? document.toJS({ maxAliasCount: 100 }) : undefined,
    errors,
    locate: (pointer, options) => {
      const node = findNode(document, parsePointer(pointer), options?.key ?? false);
      if (!node?.range) return undefined;
      const offset = options?.offset;
      return position(node.range[0] + (offset !== undefined && isScalar(node) ? scalarTextStart(text, node, offset) : 0));
    },
  };
}

/** Split an RFC 6901 pointer into unescaped segments (`''` -> `[]`). */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Escape one segment for an RFC 6901 pointer. */
export function escapePointerSegment(segment: string | number): string {
  return String(segment).replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Build an RFC 6901 pointer from segments. */
export function toPointer(segments: readonly (string | number)[]): string {
  return segments.map((segment) => `/${escapePointerSegment(segment)}`).join('');
}

function findNode(document: Document, segments: string[], wantKey: boolean): Node | undefined {
  let node: unknown = document.contents;
  for (let index = 0; index < segments.length; index++) {
    const segment = segments[index];
    const last = index === segments.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((item) => isPair(item) && keyText(item.key) === segment);
      if (!pair) return node;
      if (last && wantKey && pair.key && typeof pair.key === 'object') return pair.key as Node;
      // `key:` with nothing after it has an empty null value node: point at the key then.
      const value = pair.value as Node | null;
      node = value && value.range && value.range[1] > value.range[0] ? value : pair.key;
    } else if (isSeq(node)) {
      const item = /^\d+$/.test(segment) ? node.items[Number(segment)] : undefined;
      if (!item) return node;
      node = item;
    } else {
      return node as Node | undefined;
    }
  }
  return node as Node | undefined;
}

/** Offset of character `offset` of a scalar's value from the scalar's start, when the source spells the value verbatim. */
function scalarTextStart(text: string, node: Scalar, offset: number): number {
  const [start, end] = node.range!;
  const source = text.slice(start, end);
  const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
  if (!quoted && node.type !== 'PLAIN') return 0;
  const inner = quoted ? source.slice(1, -1) : source;
  if (inner !== String(node.value) || inner.includes('\n') || offset < 0 || offset > inner.length) return 0;
  return (quoted ? 1 : 0) + offset;
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  if (typeof key === 'string' || typeof key === 'number') return String(key);
  return undefined;
}
