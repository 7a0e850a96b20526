/**
 * A strict JSON reader for event-pattern text that reports errors the way EventBridge does.
 *
 * EventBridge parses patterns with Jackson, so a malformed pattern is rejected with Jackson's wording
 * (`Unrecognized token 'x': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')`).
 * `JSON.parse` cannot give that wording nor positions, so this small recursive-descent reader does.
 * Duplicate keys keep the last value, as EventBridge does (`{"a": [1], "a": [2]}` means `{"a": [2]}`).
 * Objects and arrays nest at most MAX_NESTING_DEPTH (1,000) deep, with Jackson's reason beyond (depth.ts).
 */
import { MAX_NESTING_DEPTH, nestingDepthReason } from './depth';
import { InvalidEventPatternError } from './errors';
import { recordNumberText } from './number-text';

const VALUE_EXPECTED = "was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')";

/** Parse `text` as JSON; throws InvalidEventPatternError with Jackson's wording, line and column (1-based). */
export function parsePatternText(text: string): unknown {
  const reader = new Reader(text);
  reader.skipWhitespace();
  const value = reader.readValue();
  reader.skipWhitespace();
  if (reader.pos < text.length) reader.fail(`Unexpected character (${describeChar(text, reader.pos)}): expected end-of-input`);
  return value;
}

function describeChar(text: string, pos: number): string {
  const code = text.codePointAt(pos) ?? 0;
  return `'${String.fromCodePoint(code)}' (code ${code})`;
}

class Reader {
  pos = 0;
  /** The spelling of the last non-finite number read (`1e400`), recorded against its container. */
  lastNumberText = '';
  /** Objects and arrays open around the current position. */
  private depth = 0;
  constructor(private readonly text: string) {}

  fail(reason: string, at = this.pos): never {
    let line = 1;
    let column = 1;
    for (let i = 0; i < at && i < this.text.length; i++) {
      if (this.text[i] === '\n') {
        line++;
        column = 1;
      } else column++;
    }
    throw new InvalidEventPatternError(reason, '', { line, column });
  }

  skipWhitespace(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) this.pos++;
      else break;
    }
  }

  readValue(): unknown {
    const t = this.text;
    if (this.pos >= t.length) this.fail('Unexpected end-of-input: expected a value');
    const c = t[this.pos];
    if (c === '{') return this.readObject();
    if (c === '[') return this.readArray();
    if (c === '"') return this.readString();
    if (c === '-' || (c >= '0' && c <= '9')) return this.readNumber();
    return this.readKeyword();
  }

  private readKeyword(): unknown {
    const t = this.text;
    const start = this.pos;
    for (const [word, value] of [['true', true], ['false', false], ['null', null]] as const) {
      if (t.startsWith(word, start) && !isTokenPart(t.charCodeAt(start + word.length))) {
        this.pos += word.length;
        return value;
      }
    }
    if (!isTokenPart(t.charCodeAt(start)) || t[start] === '"') {
      this.fail(`Unexpected character (${describeChar(t, start)}): expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')`, start);
    }
    let end = start;
    while (end < t.length && isTokenPart(t.charCodeAt(end))) end++;
    this.fail(`Unrecognized token '${t.slice(start, end)}': ${VALUE_EXPECTED}`, start);
  }

  private readNumber(): number {
    const t = this.text;
    const start = this.pos;
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(t.slice(start, start + 400));
    if (!match || match[0] === '-') this.fail(`Unexpected character (${describeChar(t, start + 1)}) in numeric value: expected digit (0-9) to follow minus sign, for valid numeric value`);
    const after = t.charCodeAt(start + match[0].length);
    if (after >= 0x30 && after <= 0x39) this.fail('Invalid numeric value: Leading zeroes not allowed', start);
    this.pos += match[0].length;
    const value = Number(match[0]);
    if (!Number.isFinite(value)) this.lastNumberText = match[0];
    return value;
  }

  private readString(): string {
    const t = this.text;
    const start = ++this.pos;
    let out = '';
    let chunk = start;
    while (true) {
      if (this.pos >= t.length) this.fail('Unexpected end-of-input: was expecting closing quote for a string value');
      const c = t.charCodeAt(this.pos);
      if (c === 0x22) {
        out += t.slice(chunk, this.pos);
        this.pos++;
        return out;
      }
      if (c === 0x5c) {
        out += t.slice(chunk, this.pos);
        const e = t[this.pos + 1];
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e !== undefined && e in simple) {
          out += simple[e];
          this.pos += 2;
        } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(t.slice(this.pos + 2, this.pos + 6))) {
          out += String.fromCharCode(parseInt(t.slice(this.pos + 2, this.pos + 6), 16));
          this.pos += 6;
        } else {
          this.fail(`Unrecognized character escape ${describeChar(t, this.pos + 1)}`, this.pos + 1);
        }
        chunk = this.pos;
        continue;
      }
      if (c < 0x20) this.fail(`Illegal unquoted character ((CTRL-CHAR, code ${c})): has to be escaped using backslash to be included in string value`);
      this.pos++;
    }
  }

  /** Entering an object or an array at the current position. */
  private enter(): void {
    if (++this.depth > MAX_NESTING_DEPTH) this.fail(nestingDepthReason(this.depth));
  }

  private readArray(): unknown[] {
    this.enter();
    this.pos++;
    const out: unknown[] = [];
    this.skipWhitespace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      this.depth--;
      return out;
    }
    while (true) {
      this.skipWhitespace();
      const item = this.readValue();
      out.push(item);
      if (typeof item === 'number' && !Number.isFinite(item)) recordNumberText(out, out.length - 1, this.lastNumberText);
      this.skipWhitespace();
      const c = this.text[this.pos];
      if (c === ',') {
        this.pos++;
        continue;
      }
      if (c === ']') {
        this.pos++;
        this.depth--;
        return out;
      }
      if (c === undefined) this.fail('Unexpected end-of-input: expected close marker for Array');
      this.fail(`Unexpected character (${describeChar(this.text, this.pos)}): was expecting comma to separate Array entries`);
    }
  }

  private readObject(): Record<string, unknown> {
    this.enter();
    this.pos++;
    const out: Record<string, unknown> = {};
    this.skipWhitespace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      this.depth--;
      return out;
    }
    while (true) {
      this.skipWhitespace();
      const c = this.text[this.pos];
      if (c === undefined) this.fail('Unexpected end-of-input: expected close marker for Object');
      if (c !== '"') this.fail(`Unexpected character (${describeChar(this.text, this.pos)}): was expecting double-quote to start field name`);
      const key = this.readString();
      this.skipWhitespace();
      if (this.text[this.pos] !== ':') {
        if (this.pos >= this.text.length) this.fail('Unexpected end-of-input: expected a colon to separate field name and value');
        this.fail(`Unexpected character (${describeChar(this.text, this.pos)}): was expecting a colon to separate field name and value`);
      }
      this.pos++;
      this.skipWhitespace();
      const value = this.readValue();
      // Last value wins for a repeated key, as in EventBridge; defineProperty keeps "__proto__" an ordinary key.
      if (key in out) delete out[key];
      Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
      if (typeof value === 'number' && !Number.isFinite(value)) recordNumberText(out, key, this.lastNumberText);
      this.skipWhitespace();
      const sep = this.text[this.pos];
      if (sep === ',') {
        this.pos++;
        continue;
      }
      if (sep === '}') {
        this.pos++;
        this.depth--;
        return out;
      }
      if (sep === undefined) this.fail('Unexpected end-of-input: expected close marker for Object');
      this.fail(`Unexpected character (${describeChar(this.text, this.pos)}): was expecting comma to separate Object entries`);
    }
  }
}

/** Characters Jackson reads as part of an unrecognized token (Java identifier parts). */
function isTokenPart(code: number): boolean {
  if (Number.isNaN(code)) return false;
  return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) || code === 0x5f || code === 0x24 || code > 0x7f;
}

/**
 * Why `text` is not JSON, by position only: never any of its content (`JSON.parse` quotes the first bytes,
 * `Unexpected token 'r', "root:x:0:0:"... is not valid JSON`, which would print a file that is not what it seems).
 * @returns e.g. `an unexpected character (line 1, column 9)`, `it ends before the JSON value does (line 3, column 1)`,
 *   or `a syntax error` when the position is unknown.
 * @example describeJsonSyntaxError('{"a": 1,}') // 'an unexpected character (line 1, column 9)'
 */
export function describeJsonSyntaxError(text: string): string {
  try {
    parsePatternText(text);
  } catch (error) {
    if (error instanceof InvalidEventPatternError && error.line !== undefined) {
      const what = error.reason.startsWith('Unexpected end-of-input') ? 'it ends before the JSON value does' : 'an unexpected character';
      return `${what} (line ${error.line}, column ${error.column})`;
    }
  }
  return 'a syntax error';
}
