/**
 * Read a text file with a bounded number of files open at once, for loaders that read thousands of small files in
 * parallel (pattern files, sample events).
 *
 * Design: every caller may start its reads at once; at most {@link MAX_OPEN_FILES} run, the rest wait in FIFO
 * order, and a finishing read hands its slot straight to the next waiter. Without the bound, a catalog of 1,000
 * pattern files fails with `EMFILE: too many open files` under a 256 or 1,024 descriptor limit (macOS's and
 * Linux's default `ulimit -n`): each `readFile` holds its descriptor until its read is done. Reads use the callback
 * `fs.readFile`, which for small files does fewer thread-pool round trips than `fs.promises.readFile` (a
 * FileHandle per file); errors are the same `Error`s with the same `code` and message.
 *
 * @see ../../bench/README.md (Compiler at scale) for the measurements.
 */
import { isUtf8 } from 'node:buffer';
import { close, constants as fsConstants, fstat, open, read, readFile } from 'node:fs';
import { promisify } from 'node:util';

/** Files read at the same time, process-wide. Far below common descriptor limits; more does not read faster. */
export const MAX_OPEN_FILES = 64;

const readFileAsync = promisify(readFile);
const openAsync = promisify(open);
const fstatAsync = promisify(fstat);
const closeAsync = promisify(close);
const readAsync = (fd: number, buffer: Buffer, offset: number, length: number, position: null): Promise<number> =>
  new Promise((resolve, reject) => read(fd, buffer, offset, length, position, (error, bytesRead) => (error ? reject(error) : resolve(bytesRead))));
let openFiles = 0;
const waiting: (() => void)[] = [];

/**
 * Read a file as UTF-8, waiting for a free slot first when {@link MAX_OPEN_FILES} reads are under way.
 * @throws the `fs.readFile` error (`ENOENT`, `EISDIR`, `EACCES`, ...)
 * @example const text = await readText('/work/project/patterns/iam/root-login.yml');
 */
export async function readText(absolutePath: string): Promise<string> {
  if (openFiles < MAX_OPEN_FILES) openFiles++;
  else await new Promise<void>((resolve) => waiting.push(resolve));
  try {
    return await readFileAsync(absolutePath, 'utf8');
  } finally {
    const next = waiting.shift();
    if (next) next();
    else openFiles--;
  }
}

/** Reads a file as UTF-8 text, like {@link readText}. */
export type ReadText = (absolutePath: string) => Promise<string>;

/**
 * A {@link readText} that reads each path once and hands every later caller the same promise (its text, or its
 * rejection). For one command that reads the same files in several passes: `patchbay test` reads each sample event
 * for the catalog check, the rule tests and the event-schema check. Texts are kept as long as the function is.
 * @example const read = createCachedReadText(); await read(file); await read(file); // one fs.readFile
 */
export function createCachedReadText(): ReadText {
  const texts = new Map<string, Promise<string>>();
  return (absolutePath) => {
    let text = texts.get(absolutePath);
    if (!text) {
      text = readText(absolutePath);
      texts.set(absolutePath, text);
    }
    return text;
  };
}

/**
 * Largest pattern file read, in bytes: 1 MiB (1,048,576). A pattern file is a few kilobytes (EventBridge allows
 * at most 4,096 characters of pattern, 5 targets and 512 of description); parsing grows faster than the size (a
 * 10 MB file took 27 s), so a larger file is refused from its size alone, before it is read.
 */
export const MAX_PATTERN_FILE_BYTES = 1024 * 1024;

/** Why {@link readSourceFile} refused a file. */
export class SourceFileError extends Error {
  /** `FILE_TOO_LARGE`: over the size limit; `FILE_NOT_TEXT`: a NUL or other control byte, or bytes that are not UTF-8. */
  readonly code: 'FILE_TOO_LARGE' | 'FILE_NOT_TEXT';
  /** 1-based position of the first offending byte (`FILE_NOT_TEXT`): line, and column in characters. */
  readonly line?: number;
  readonly column?: number;
  /** What was found, e.g. `a NUL byte (0x00)`, `1,153,433 bytes`. Never the file's content. */
  readonly found: string;

  constructor(code: SourceFileError['code'], found: string, position?: { line: number; column: number }) {
    super(found);
    this.name = 'SourceFileError';
    this.code = code;
    this.found = found;
    this.line = position?.line;
    this.column = position?.column;
  }
}

/**
 * Read a source file (a pattern file) as UTF-8 text, refusing what is not text before any parser sees it: a file of
 * more than `maxBytes`, from its size (nothing read); a NUL byte or another control character YAML does not allow
 * (C0 except tab, line feed and carriage return; DEL); bytes that are not UTF-8 (a Latin-1 `é`, a UTF-16 file).
 * Shares {@link MAX_OPEN_FILES} with {@link readText}. A leading UTF-8 byte order mark is kept (YAML skips it).
 *
 * @param maxBytes - @default {@link MAX_PATTERN_FILE_BYTES}
 * @throws SourceFileError `FILE_TOO_LARGE` / `FILE_NOT_TEXT` (with the line and column of the first bad byte);
 *   the `fs` error (`ENOENT`, `EACCES`, `EISDIR`, ...) otherwise.
 * @example const text = await readSourceFile('/work/project/patterns/iam/root-login.yml');
 */
export async function readSourceFile(absolutePath: string, maxBytes: number = MAX_PATTERN_FILE_BYTES): Promise<string> {
  if (openFiles < MAX_OPEN_FILES) openFiles++;
  else await new Promise<void>((resolve) => waiting.push(resolve));
  let bytes: Buffer;
  try {
    // Callback fs calls on a descriptor (fewer round trips than a FileHandle). O_NONBLOCK: a named pipe opens at
    // once instead of waiting for a writer (it is then refused as not a regular file).
    const fd = await openAsync(absolutePath, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
    try {
      const stats = await fstatAsync(fd);
      if (!stats.isFile()) throw Object.assign(new Error(`not a regular file: ${absolutePath}`), { code: 'EISDIR' });
      if (stats.size > maxBytes) {
        throw new SourceFileError('FILE_TOO_LARGE', `${stats.size.toLocaleString('en-US')} bytes`);
      }
      // One byte more than the size, to notice a file that grew since fstat.
      const buffer = Buffer.allocUnsafe(Math.min(stats.size, maxBytes) + 1);
      let length = 0;
      for (;;) {
        const read = await readAsync(fd, buffer, length, buffer.length - length, null);
        if (read === 0) break;
        length += read;
        if (length === buffer.length) break;
      }
      bytes = buffer.subarray(0, length);
    } finally {
      await closeAsync(fd);
    }
  } finally {
    const next = waiting.shift();
    if (next) next();
    else openFiles--;
  }
  if (bytes.length > maxBytes) throw new SourceFileError('FILE_TOO_LARGE', `${bytes.length.toLocaleString('en-US')} bytes`);
  const control = bytes.findIndex((byte) => (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d) || byte === 0x7f);
  const invalid = isUtf8(bytes) ? -1 : firstInvalidUtf8(bytes);
  if (control >= 0 && (invalid < 0 || control < invalid)) {
    const byte = bytes[control];
    const name = byte === 0 ? 'a NUL byte (0x00)' : `the control character 0x${byte.toString(16).padStart(2, '0').toUpperCase()}`;
    throw new SourceFileError('FILE_NOT_TEXT', name, positionOf(bytes, control));
  }
  if (invalid >= 0) {
    const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
    throw new SourceFileError(
      'FILE_NOT_TEXT',
      `a byte that is not UTF-8 (0x${bytes[invalid].toString(16).padStart(2, '0').toUpperCase()})${utf16 ? ': the file is UTF-16' : ''}`,
      positionOf(bytes, invalid),
    );
  }
  return bytes.toString('utf8');
}

/** Offset of the first byte that does not begin or continue a well-formed UTF-8 sequence (RFC 3629), or -1. */
function firstInvalidUtf8(bytes: Buffer): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let length: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) [length, min] = [2, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [length, min] = [3, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [length, min] = [4, 0x10000];
    else return i;
    let code = b & (0xff >> (length + 1));
    for (let k = 1; k < length; k++) {
      const next = bytes[i + k];
      if (next === undefined || (next & 0xc0) !== 0x80) return i;
      code = (code << 6) | (next & 0x3f);
    }
    if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return i;
    i += length;
  }
  return -1;
}

/** 1-based line and column (in UTF-16 code units, as the YAML positions) of byte `offset`. */
function positionOf(bytes: Buffer, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: bytes.subarray(lineStart, offset).toString('utf8').length + 1 };
}
