/**
 * Stream the records of CloudTrail log files (`{"Records": [...]}`, plain or gzipped, as CloudTrail writes them to
 * S3) and single-record files, with memory bounded by the largest record, not the file.
 *
 * Design: a byte scanner over the (gunzipped) chunks tracks nesting depth and string state; the top-level key
 * `Records` whose value is an array has its elements cut out as byte ranges and each one goes to `JSON.parse`
 * (native, so parsing costs what it costs for a whole file). Token-level streaming parsers (stream-json,
 * @streamparser/json) build every value in JavaScript and measured several times slower here; the
 * scanner only has to find element boundaries. A document with no `Records` array is kept whole (up to
 * {@link MAX_SINGLE_RECORD_BYTES}) and read as one record.
 * Gzip is detected by its magic bytes (1f 8b), whatever the file name.
 */
import fs from 'node:fs';
import zlib from 'node:zlib';
import { describeJsonSyntaxError } from '../pattern/json-text';

/** A document without a `Records` array larger than this is refused (a single record is a few KB). */
export const MAX_SINGLE_RECORD_BYTES = 16 * 1024 * 1024;

/** One item of a CloudTrail file: a record (with its index in `Records`) or the file's fatal error. */
export type CloudTrailFileItem = { index: number; record: unknown } | { fileError: string };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const COLON = 0x3a;

/**
 * Read the records of one file, in order, as a stream.
 * @param filePath - a `.json` or `.json.gz` log file, or a single record file.
 * @yields `{ index, record }` per record; `{ fileError }` once, last, when a record is not JSON (the records before
 *   it were already yielded: streaming), or when the file cannot be read, is not gzip/JSON, or has no `Records` array and is
 *   not one record. Never throws.
 */
export async function* readCloudTrailFile(filePath: string): AsyncGenerator<CloudTrailFileItem> {
  let input: AsyncIterable<Buffer>;
  try {
    const fd = await fs.promises.open(filePath, 'r');
    const head = Buffer.alloc(2);
    await fd.read(head, 0, 2, 0);
    await fd.close();
    const raw = fs.createReadStream(filePath, { highWaterMark: 1 << 20 });
    input = head[0] === 0x1f && head[1] === 0x8b ? raw.pipe(zlib.createGunzip({ chunkSize: 1 << 20 })) : raw;
  } catch (error) {
    yield { fileError: `cannot read the file: ${(error as NodeJS.ErrnoException).code ?? String(error)}` };
    return;
  }
  const scanner = new RecordScanner();
  try {
    for await (const chunk of input) {
      for (const item of scanner.push(chunk)) yield item;
    }
  } catch (error) {
    yield { fileError: `cannot read the file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` };
    return;
  }
  yield* scanner.end();
}

/** The incremental scanner behind {@link readCloudTrailFile}; exported for tests. */
export class RecordScanner {
  private depth = 0;
  private inString = false;
  private escape = false;
  /** Collecting the current top-level key's text (depth 1, before the colon). */
  private keyParts: Buffer[] | undefined;
  private lastKey = '';
  private expectValueOf: string | undefined;
  /** Depth of the Records array (2) while inside it, else 0. */
  private inRecords = false;
  private sawRecords = false;
  private recordParts: Buffer[] | undefined;
  private recordIndex = 0;
  /** The whole document, while no Records array has been seen. */
  private whole: Buffer[] | undefined = [];
  private wholeBytes = 0;
  private broken: string | undefined;

  /** Feed a chunk; returns the records completed in it. */
  push(chunk: Buffer): CloudTrailFileItem[] {
    const out: CloudTrailFileItem[] = [];
    if (this.broken) return out;
    if (this.whole) {
      this.whole.push(chunk);
      this.wholeBytes += chunk.length;
      if (this.wholeBytes > MAX_SINGLE_RECORD_BYTES && !this.sawRecords) this.whole = undefined;
    }
    let recordStart = this.recordParts ? 0 : -1;
    let keyStart = this.keyParts ? 0 : -1;
    const n = chunk.length;
    let nextBackslash = chunk.indexOf(BACKSLASH);
    for (let i = 0; i < n; i++) {
      const c = chunk[i];
      if (this.inString) {
        if (this.escape) {
          this.escape = false;
          continue;
        }
        // Jump to the next quote or backslash (native memchr; the next backslash is cached per chunk).
        if (nextBackslash !== -1 && nextBackslash < i) nextBackslash = chunk.indexOf(BACKSLASH, i);
        let j = chunk.indexOf(QUOTE, i);
        if (j === -1) j = n;
        if (nextBackslash !== -1 && nextBackslash < j) j = nextBackslash;
        if (j === n) {
          i = n;
          break;
        }
        i = j;
        if (chunk[i] === BACKSLASH) {
          this.escape = true;
          continue;
        }
        this.inString = false;
        if (keyStart >= 0) {
          const parts = this.keyParts ?? [];
          parts.push(chunk.subarray(keyStart, i));
          this.lastKey = Buffer.concat(parts).toString('utf8');
          this.keyParts = undefined;
          keyStart = -1;
        }
        continue;
      }
      if (c === QUOTE) {
        this.inString = true;
        if (this.depth === 1 && this.expectValueOf === undefined) {
          keyStart = i + 1;
          this.keyParts = [];
        }
      } else if (c === COLON) {
        if (this.depth === 1) this.expectValueOf = this.lastKey;
      } else if (c === LBRACE || c === LBRACKET) {
        if (this.depth === 1 && c === LBRACKET && this.expectValueOf === 'Records' && !this.sawRecords) {
          this.inRecords = true;
          this.sawRecords = true;
          this.whole = undefined;
        } else if (this.inRecords && this.depth === 2) {
          recordStart = i;
          this.recordParts = [];
        }
        if (this.depth === 1) this.expectValueOf = undefined;
        this.depth++;
      } else if (c === RBRACE || c === RBRACKET) {
        this.depth--;
        if (this.depth < 0) {
          this.broken = `unexpected "${String.fromCharCode(c)}"`;
          break;
        }
        if (this.inRecords && this.depth === 2 && this.recordParts) {
          const parts = this.recordParts;
          parts.push(chunk.subarray(recordStart, i + 1));
          const item = parseRecord(parts.length === 1 ? parts[0] : Buffer.concat(parts), this.recordIndex++);
          this.recordParts = undefined;
          if ('error' in item) {
            // A record that is not JSON means the file's structure is broken from there on: one error for the file.
            this.broken = `Records[${item.index}] ${item.error.replace(/^not JSON: /, '')} (line and column within the record)`;
            break;
          }
          out.push(item);
          recordStart = -1;
        } else if (this.inRecords && this.depth === 1) {
          this.inRecords = false;
        }
      } else if (c === 0x2c /* , */) {
        if (this.depth === 1) this.expectValueOf = undefined;
      } else if (this.depth === 1 && this.expectValueOf !== undefined && c > 0x20) {
        // A scalar value of a top-level key.
      }
    }
    if (this.broken) return out;
    if (recordStart >= 0 && this.recordParts) this.recordParts.push(chunk.subarray(recordStart));
    if (keyStart >= 0 && this.keyParts) this.keyParts.push(chunk.subarray(keyStart));
    return out;
  }

  /** End of input: the single record of a file without `Records`, or the file's error. */
  end(): CloudTrailFileItem[] {
    if (this.broken) return [{ fileError: `not JSON: ${this.broken}` }];
    if (this.whole) {
      const textOf = Buffer.concat(this.whole).toString('utf8');
      let value: unknown;
      try {
        value = JSON.parse(textOf);
      } catch {
        return [{ fileError: `not JSON: ${describeJsonSyntaxError(textOf)}` }];
      }
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return [{ fileError: 'not a CloudTrail log file or record: the JSON is not an object' }];
      if ('Records' in value) return [{ fileError: 'not a CloudTrail log file: "Records" is not an array' }];
      return [{ index: 0, record: value }];
    }
    if (!this.sawRecords) return [{ fileError: `a document without a "Records" array larger than ${MAX_SINGLE_RECORD_BYTES} bytes` }];
    if (this.depth !== 0 || this.inString) return [{ fileError: `not JSON: the file ends inside ${this.inString ? 'a string' : 'an object or array'} (unbalanced brackets after record ${this.recordIndex - 1})` }];
    return [];
  }
}

function parseRecord(bytes: Buffer, index: number): { index: number; record: unknown } | { index: number; error: string } {
  const textOf = bytes.toString('utf8');
  try {
    return { index, record: JSON.parse(textOf) };
  } catch {
    return { index, error: `not JSON: ${describeJsonSyntaxError(textOf)}` };
  }
}

/**
 * Whether a file name is CloudTrail input by its extension (`.json`, `.json.gz`, `.gz`).
 */
export function isCloudTrailFileName(name: string): boolean {
  return name.endsWith('.json') || name.endsWith('.json.gz') || name.endsWith('.gz');
}
