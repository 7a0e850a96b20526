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
import { readFile } from 'node:fs';
import { promisify } from 'node:util';

/** Files read at the same time, process-wide. Far below common descriptor limits; more does not read faster. */
export const MAX_OPEN_FILES = 64;

const readFileAsync = promisify(readFile);
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
