/**
 * A YAML document that remembers where each node came from, so an RFC 6901 pointer into the parsed value can be
 * turned back into a line and column of the source.
 *
 * Design: `yaml`'s `parseDocument` keeps every node with its source `range`; a `LineCounter` turns offsets into
 * 1-based line/column. `locate(pointer)` walks the node tree segment by segment (map keys by scalar value,
 * sequence items by index) and stops at the deepest node that exists, so a pointer to a missing key still lands
 * on the mapping that should hold it.
 *
 * What YAML can say but a pattern file must not is a problem with a position, never an exception or a silent
 * change: more alias expansions than {@link MAX_ALIAS_EXPANSIONS} (the "billion laughs"), a second document, and,
 * with `strictTags`, any tag beyond YAML 1.2's core ones (`!Ref`, `!Sub`, `!!js/function`, `!!binary`: `yaml`
 * drops an unknown tag and keeps the bare value, so `!Ref X` would deploy the literal `X`). serverless.yml keeps its
 * CloudFormation tags. Numbers JSON cannot carry (`1e400`, `.inf`, `.nan`) are listed with their spelling, which is
 * also recorded for the pattern engine's message (`Cannot compare number : 1e400`).
 */
import { LineCounter, isAlias, isCollection, isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node, type Scalar } from 'yaml';
import { recordNumberText } from '../pattern/number-text';

/**
 * Alias expansions allowed in one document: each `*alias` counts the nodes it stands for, nested aliases included
 * (`yaml`'s `maxAliasCount`). Far above what a pattern file or serverless.yml needs; an alias bomb exceeds it.
 */
export const MAX_ALIAS_EXPANSIONS = 100;

/** The tags a strict document may use: YAML 1.2's core schema (`!!str 123` keeps a string). */
export const CORE_TAGS = ['str', 'int', 'float', 'bool', 'null', 'map', 'seq'] as const;

/** A 1-based source position. */
export interface SourcePosition {
  line: number;
  column: number;
}

/**
 * A YAML problem: `yaml`'s error code (`DUPLICATE_KEY`, `BAD_INDENT`, `MULTIPLE_DOCS`, ...) or one of patchbay's:
 * `TAG_NOT_ALLOWED` (strict documents), `ALIAS_LIMIT` (more than {@link MAX_ALIAS_EXPANSIONS} expansions).
 */
export interface YamlProblem {
  code: string;
  /** What was found, first line only, without `yaml`'s ` at line L, column C` suffix. */
  message: string;
  /** What is allowed instead, when patchbay knows better than `yaml`. */
  allowed?: string;
  position?: SourcePosition;
  /** RFC 6901 pointer of the node concerned, when there is one (`TAG_NOT_ALLOWED`, `ALIAS_LIMIT`). */
  pointer?: string;
}

/** A number of the document that JSON cannot represent (`JSON.stringify` would write `null`). */
export interface NonFiniteNumber {
  pointer: string;
  /** As written, e.g. `1e400`, `.inf`, `-.Inf`, `.NaN`. */
  text: string;
  position: SourcePosition;
}

/** Options of {@link parseYamlSource}. */
export interface ParseYamlOptions {
  /** Refuse tags other than {@link CORE_TAGS} (pattern files). @default false (serverless.yml: `!Ref`, `!Sub` allowed) */
  strictTags?: boolean;
}

/** The outcome of {@link parseYamlSource}. */
export interface YamlSource {
  /** The document as plain JSON-like data; `undefined` if it had errors. */
  value: unknown;
  errors: YamlProblem[];
  /** Every number that overflows a double or is not a number (`.nan`), in document order. */
  nonFiniteNumbers: NonFiniteNumber[];
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
 * @param options - `strictTags` for pattern files
 * @returns the value (when the text parses cleanly) and every problem with its position; never throws.
 * @example
 * const source = parseYamlSource('a:\n  b: [1, 2]\n');
 * source.value;              // { a: { b: [1, 2] } }
 * source.locate('/a/b/1');   // { line: 2, column: 10 }
 * parseYamlSource('a: !Ref X\n', { strictTags: true }).errors[0].code; // 'TAG_NOT_ALLOWED'
 */
export function parseYamlSource(text: string, options: ParseYamlOptions = {}): YamlSource {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const position = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const nodes = listNodes(document);
  const errors: YamlProblem[] = syntaxProblems(document, nodes, position);
  if (options.strictTags) errors.push(...tagProblems(text, nodes, position));
  const nonFiniteNumbers = nodes.flatMap(({ node, pointer, isKey }) =>
    !isKey && isScalar(node) && typeof node.value === 'number' && !Number.isFinite(node.value) && node.range
      ? [{ pointer, text: text.slice(node.range[0], node.range[1]), position: position(node.range[0]) }]
      : [],
  );
  let value: unknown;
  if (errors.length === 0) {
    try {
      value = document.toJS({ maxAliasCount: MAX_ALIAS_EXPANSIONS });
      for (const number of nonFiniteNumbers) recordSpelling(value, number);
    } catch (error) {
      if (!(error instanceof ReferenceError)) throw error;
      errors.push(aliasProblem(nodes, position));
      value = undefined;
    }
  }
  return {
    value,
    errors,
    nonFiniteNumbers,
    locate: (pointer, locateOptions) => {
      const node = findNode(document, parsePointer(pointer), locateOptions?.key ?? false);
      if (!node?.range) return undefined;
      const offset = locateOptions?.offset;
      return position(node.range[0] + (offset !== undefined && isScalar(node) ? scalarTextStart(text, node, offset) : 0));
    },
  };
}

interface PlacedNode {
  node: Node;
  pointer: string;
  /** A map key (checked for tags only). */
  isKey?: boolean;
}

/** Every node of the document (keys not included), in document order, with its pointer. Aliases are not followed. */
function listNodes(document: Document): PlacedNode[] {
  const out: PlacedNode[] = [];
  const walk = (node: unknown, pointer: string): void => {
    if (!node || typeof node !== 'object' || !('range' in node || isAlias(node))) return;
    out.push({ node: node as Node, pointer });
    if (isMap(node)) {
      for (const pair of node.items) {
        if (isScalar(pair.key) || isCollection(pair.key)) out.push({ node: pair.key as Node, pointer: `${pointer}/${escapePointerSegment(keyText(pair.key) ?? '')}`, isKey: true });
        walk(pair.value, `${pointer}/${escapePointerSegment(keyText(pair.key) ?? '')}`);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => walk(item, `${pointer}/${index}`));
    }
  };
  walk(document.contents, '');
  return out;
}

/**
 * `yaml`'s errors, placed where the mistake is. `yaml` reports an unclosed `[`, `{` or quote where it noticed,
 * at the start of the next line (one line late); the opening bracket or quote is the place to fix.
 */
function syntaxProblems(document: Document, nodes: PlacedNode[], position: (offset: number) => SourcePosition): YamlProblem[] {
  const used = new Set<Node>();
  return document.errors.map((error) => {
    const message = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    if (error.code === 'MULTIPLE_DOCS') {
      return { code: error.code, message: 'a second YAML document (a "---" line after content)', allowed: 'one YAML document per file', position: position(error.pos[0]) };
    }
    let offset = error.pos[0];
    const unclosedFlow = error.code === 'BAD_INDENT' && /^Flow (sequence|map) /.test(message);
    const unclosedQuote = error.code === 'MISSING_CHAR' && /^Missing closing .?quote/.test(message);
    if (unclosedFlow || unclosedQuote) {
      const opener = nodes
        .map(({ node }) => node)
        .filter((node) => !used.has(node) && node.range && node.range[0] < offset && node.range[1] === offset)
        .filter((node) => (unclosedFlow ? isCollection(node) && node.flow : isScalar(node) && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE')))
        .sort((a, b) => b.range![0] - a.range![0])[0];
      if (opener) {
        used.add(opener);
        offset = opener.range![0];
      }
    }
    return { code: error.code, message, position: position(offset) };
  });
}

/** Tags beyond the core schema, at the tag itself when the source spells it before the node (`!Ref X`). */
function tagProblems(text: string, nodes: PlacedNode[], position: (offset: number) => SourcePosition): YamlProblem[] {
  const problems: YamlProblem[] = [];
  for (const { node, pointer } of nodes) {
    const tag = (node as { tag?: string }).tag;
    if (tag === undefined || (CORE_TAGS as readonly string[]).some((core) => tag === `tag:yaml.org,2002:${core}`)) continue;
    const spelled = tag.startsWith('tag:yaml.org,2002:') ? `!!${tag.slice('tag:yaml.org,2002:'.length)}` : tag;
    const start = node.range?.[0] ?? 0;
    const lineStart = text.lastIndexOf('\n', start - 1) + 1;
    const at = text.lastIndexOf(spelled, start);
    problems.push({
      code: 'TAG_NOT_ALLOWED',
      message: `the YAML tag ${spelled}${spelled.startsWith('!!') ? '' : ' (CloudFormation and custom tags are not evaluated in pattern files)'}`,
      allowed: `plain YAML values, or one of the core tags ${CORE_TAGS.map((core) => `!!${core}`).join(', ')}`,
      position: position(at >= lineStart ? at : start),
      pointer,
    });
  }
  return problems;
}

/**
 * The alias where the expansions add up past the limit: each alias costs the nodes it stands for, its own aliases
 * expanded (memoized per anchored node), counted in document order.
 */
function aliasProblem(nodes: PlacedNode[], position: (offset: number) => SourcePosition): YamlProblem {
  const cost = new Map<Node, number>();
  const anchored = new Map<string, Node>();
  for (const { node } of nodes) if (!isAlias(node) && (node as { anchor?: string }).anchor) anchored.set((node as { anchor?: string }).anchor!, node);
  const sizeOf = (node: Node, depth: number): number => {
    if (depth > 64) return Number.POSITIVE_INFINITY;
    if (isAlias(node)) {
      const target = anchored.get(node.source);
      return target ? sizeOf(target, depth + 1) : 1;
    }
    const known = cost.get(node);
    if (known !== undefined) return known;
    let size = 1;
    if (isMap(node)) for (const pair of node.items) size += pair.value && typeof pair.value === 'object' ? sizeOf(pair.value as Node, depth) : 1;
    else if (isSeq(node)) for (const item of node.items) size += item && typeof item === 'object' ? sizeOf(item as Node, depth) : 1;
    cost.set(node, size);
    return size;
  };
  let total = 0;
  let culprit: PlacedNode | undefined;
  for (const placed of nodes) {
    if (!isAlias(placed.node)) continue;
    culprit ??= placed;
    total += sizeOf(placed.node, 0);
    if (total > MAX_ALIAS_EXPANSIONS) {
      culprit = placed;
      break;
    }
  }
  return {
    code: 'ALIAS_LIMIT',
    message: `YAML aliases that expand to more than ${MAX_ALIAS_EXPANSIONS} nodes${culprit ? ` (the count passes ${MAX_ALIAS_EXPANSIONS} at this *${(culprit.node as { source: string }).source})` : ''}`,
    allowed: `at most ${MAX_ALIAS_EXPANSIONS} alias expansions per file: write the values out, or use fewer nested aliases`,
    ...(culprit?.node.range ? { position: position(culprit.node.range[0]), pointer: culprit.pointer } : {}),
  };
}

/** Tell the pattern engine how a non-finite number was written, against its parent array or object. */
function recordSpelling(value: unknown, number: NonFiniteNumber): void {
  const segments = parsePointer(number.pointer);
  const key = segments.pop();
  let container = value;
  for (const segment of segments) container = container && typeof container === 'object' ? (container as Record<string, unknown>)[segment] : undefined;
  if (key !== undefined && container && typeof container === 'object') recordNumberText(container, Array.isArray(container) ? Number(key) : key, number.text);
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
