/**
 * A strict JSON syntax check that says where the text stops being JSON, and a minifier.
 *
 * `JSON.parse` neither gives positions portably nor keeps number spellings; EventBridge checks `Input` and JSON
 * input templates with Jackson and delivers JSON templates minified (white space outside strings removed, numbers
 * and key order as written). Both need only a scan of the text, not a parsed value.
 */

/** Where a text stops being JSON (1-based line and column), and why. */
export interface JsonSyntaxProblem {
  reason: string;
  line: number;
  column: number;
}

/**
 * Check that `text` is one JSON value (RFC 8259), optionally surrounded by white space.
 * @returns undefined when it is, else where and why it is not.
 * @example checkJsonSyntax('{"a": 1,}') // { reason: 'unexpected character', line: 1, column: 9 }
 */
export function checkJsonSyntax(text: string): JsonSyntaxProblem | undefined {
  const scanner = new Scanner(text);
  try {
    scanner.space();
    scanner.value(0);
    scanner.space();
    if (scanner.pos < text.length) scanner.fail('unexpected character after the JSON value');
    return undefined;
  } catch (error) {
    if (error instanceof SyntaxFailure) return error.problem;
    throw error;
  }
}

/**
 * `text` (valid JSON) without white space outside strings: what EventBridge delivers for a JSON template.
 * @example minifyJson('{ "a" : [1, 2] }') // '{"a":[1,2]}'
 */
export function minifyJson(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (c !== ' ' && c !== '\t' && c !== '\n' && c !== '\r') {
      out += c;
    }
  }
  return out;
}

/** Objects and arrays nest at most this deep (Jackson's default, as in the pattern engine). */
const MAX_DEPTH = 1000;

class SyntaxFailure extends Error {
  constructor(readonly problem: JsonSyntaxProblem) {
    super(problem.reason);
  }
}

class Scanner {
  pos = 0;
  constructor(private readonly text: string) {}

  /**
   * Fail at the current position. Jackson (and so AWS) reports the column after what it read: after an
   * unrecognised word (`env:dev` -> column 4), after an unexpected character (`{'a'}` -> column 3).
   */
  fail(reason: string): never {
    if (reason.startsWith('unexpected character')) {
      const word = /^[A-Za-z0-9_$]+/.exec(this.text.slice(this.pos));
      this.pos += word ? word[0].length : 1;
    }
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < this.pos && i < this.text.length; i++) {
      if (this.text[i] === '\n') {
        line++;
        lineStart = i + 1;
      }
    }
    throw new SyntaxFailure({ reason, line, column: this.pos - lineStart + 1 });
  }

  space(): void {
    while (this.pos < this.text.length && ' \t\n\r'.includes(this.text[this.pos])) this.pos++;
  }

  value(depth: number): void {
    if (this.pos >= this.text.length) this.fail('unexpected end of input: a JSON value was expected');
    const c = this.text[this.pos];
    if (c === '{' || c === '[') {
      if (depth >= MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH} levels`);
      this.container(c === '{', depth + 1);
    } else if (c === '"') {
      this.string();
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.text.slice(this.pos));
      if (!match) this.fail('invalid number');
      this.pos += match[0].length;
    } else {
      for (const word of ['true', 'false', 'null']) {
        if (this.text.startsWith(word, this.pos)) {
          this.pos += word.length;
          return;
        }
      }
      this.fail('unexpected character: a JSON value was expected');
    }
  }

  private container(isObject: boolean, depth: number): void {
    const close = isObject ? '}' : ']';
    this.pos++;
    this.space();
    if (this.text[this.pos] === close) {
      this.pos++;
      return;
    }
    for (;;) {
      if (isObject) {
        if (this.text[this.pos] !== '"') this.fail(this.pos >= this.text.length ? 'unexpected end of input: the object is not closed' : 'unexpected character: an object key (a string) was expected');
        this.string();
        this.space();
        if (this.text[this.pos] !== ':') this.fail(this.pos >= this.text.length ? 'unexpected end of input: the object is not closed' : "unexpected character: ':' was expected");
        this.pos++;
        this.space();
      }
      this.value(depth);
      this.space();
      const c = this.text[this.pos];
      if (c === ',') {
        this.pos++;
        this.space();
      } else if (c === close) {
        this.pos++;
        return;
      } else {
        this.fail(c === undefined ? `unexpected end of input: the ${isObject ? 'object' : 'array'} is not closed` : `unexpected character: ',' or '${close}' was expected`);
      }
    }
  }

  private string(): void {
    this.pos++;
    while (this.pos < this.text.length) {
      const c = this.text[this.pos];
      if (c === '"') {
        this.pos++;
        return;
      }
      if (c === '\\') {
        const escape = this.text[this.pos + 1];
        if (escape === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(this.text.slice(this.pos + 2, this.pos + 6))) this.fail('invalid \\u escape in a string');
          this.pos += 6;
          continue;
        }
        if (escape === undefined || !'"\\/bfnrt'.includes(escape)) this.fail('invalid escape in a string');
        this.pos += 2;
        continue;
      }
      if (c < ' ') this.fail('unescaped control character in a string');
      this.pos++;
    }
    this.fail('unexpected end of input: the string is not closed');
  }
}
