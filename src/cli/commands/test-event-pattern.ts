/**
 * `patchbay test-event-pattern`: Amazon EventBridge's TestEventPattern API, offline.
 *
 * ```
 * patchbay test-event-pattern --pattern pattern.json --event event.json   # prints true (exit 0) or false (exit 1)
 * patchbay test-event-pattern --jsonl < cases.jsonl                       # one result line per input line, exit 0
 * ```
 * An invalid pattern or event prints AWS's error on stderr (`InvalidEventPatternException: Event pattern is not
 * valid. Reason: …`) and exits 2.
 *
 * The `--jsonl` interface is driven by other tools: keep it stable. Input lines are
 * `{"pattern": <object or JSON text>, "event": <object or JSON text>}`; output lines, in input order, are
 * `{"result": true|false}` or `{"error": "<AWS message>"}` (exactly these keys: other tools parse them). Patterns
 * and events may nest objects and arrays {@link MAX_NESTING_DEPTH} (1,000) deep, as in EventBridge; deeper, the
 * line gets AWS's error (`Event pattern is not valid. Reason: Document nesting depth (1001) exceeds …`, or
 * `Parameter Event is not valid.`) and the next lines are answered as usual.
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_TestEventPattern.html
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import readline from 'node:readline';
import type { Command } from 'commander';
import { MAX_NESTING_DEPTH, PatternError, testEventPattern } from '../../pattern';
import { writeText, type CliIo } from '../io';
import type { CliContext } from './types';

/** Options of `patchbay test-event-pattern`. */
export interface TestEventPatternOptions {
  /** Pattern file (JSON text), or `-` for stdin. */
  pattern?: string;
  /** Event file (JSON text), or `-` for stdin. */
  event?: string;
  /** Read `{"pattern", "event"}` lines on stdin and write one result line each. */
  jsonl?: boolean;
}

/** One output line of `--jsonl`. */
export type JsonlResult = { result: boolean } | { error: string };

/** Exit codes: the pattern matched, did not match, or TestEventPattern would fail. */
export const TestEventPatternExit = { MATCH: 0, NO_MATCH: 1, ERROR: 2 } as const;

/** Output lines are written in batches of this many (fewer syscalls for large inputs). */
const JSONL_BATCH_LINES = 256;

/** Register the command on `program`. */
export function registerTestEventPatternCommand(program: Command, context: CliContext): void {
  program
    .command('test-event-pattern')
    .description("test an event against an event pattern, like EventBridge's TestEventPattern API")
    .option('--pattern <file>', 'event pattern file (JSON), or - for stdin')
    .option('--event <file>', 'event file (JSON), or - for stdin')
    .option('--jsonl', 'read {"pattern": ..., "event": ...} lines on stdin; write {"result": ...} or {"error": ...} lines')
    .addHelpText(
      'after',
      '\nExit status: 0 match, 1 no match, 2 invalid pattern or event (AWS error message on stderr).\n' +
        'With --jsonl: 0 once all lines are answered.',
    )
    .action(async (options: TestEventPatternOptions) => {
      context.exitCode = await runTestEventPattern(options, context.io);
    });
}

/**
 * Run `patchbay test-event-pattern`.
 * @returns the exit code (see {@link TestEventPatternExit}).
 */
export async function runTestEventPattern(options: TestEventPatternOptions, io: CliIo): Promise<number> {
  if (options.jsonl) {
    if (options.pattern !== undefined || options.event !== undefined) {
      io.stderr.write('patchbay test-event-pattern: --jsonl reads patterns and events from stdin; drop --pattern/--event\n');
      return TestEventPatternExit.ERROR;
    }
    await runJsonl(io);
    return 0;
  }
  if (options.pattern === undefined || options.event === undefined) {
    io.stderr.write('patchbay test-event-pattern: give --pattern <file> and --event <file>, or --jsonl\n');
    return TestEventPatternExit.ERROR;
  }
  if (options.pattern === '-' && options.event === '-') {
    io.stderr.write('patchbay test-event-pattern: only one of --pattern and --event can be read from stdin\n');
    return TestEventPatternExit.ERROR;
  }
  let patternText: string;
  let eventText: string;
  try {
    patternText = await readInput(options.pattern, io);
    eventText = await readInput(options.event, io);
  } catch (error) {
    io.stderr.write(`patchbay test-event-pattern: ${(error as Error).message}\n`);
    return TestEventPatternExit.ERROR;
  }
  try {
    const matched = testEventPattern(patternText, eventText);
    io.stdout.write(`${matched}\n`);
    return matched ? TestEventPatternExit.MATCH : TestEventPatternExit.NO_MATCH;
  } catch (error) {
    if (!(error instanceof PatternError)) throw error;
    io.stderr.write(`${error.code}: ${error.message}\n`);
    return TestEventPatternExit.ERROR;
  }
}

/**
 * Answer one `--jsonl` input line. Never throws: a line that is not JSON, or not an object with `pattern`
 * and `event`, gets an `error` result too.
 *
 * @param line - `{"pattern": …, "event": …}`; a string value is passed to TestEventPattern as JSON text,
 *   an object as a parsed value, anything else as its JSON text.
 * @example
 * evaluateJsonLine('{"pattern": {"source": ["a"]}, "event": "{\\"source\\": \\"a\\", ...}"}'); // { result: true }
 */
export function evaluateJsonLine(line: string): JsonlResult {
  let input: unknown;
  try {
    input = JSON.parse(line);
  } catch (error) {
    return { error: `The input line is not JSON: ${(error as Error).message}` };
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { error: 'The input line must be a JSON object with "pattern" and "event"' };
  }
  const { pattern, event } = input as Record<string, unknown>;
  if (pattern === undefined || event === undefined) {
    const missing = pattern === undefined ? 'pattern' : 'event';
    return { error: `The input line has no "${missing}"` };
  }
  try {
    return { result: testEventPattern(asApiValue(pattern), asApiValue(event)) };
  } catch (error) {
    if (error instanceof PatternError) return { error: error.message };
    return { error: `Internal error: ${(error as Error)?.message ?? String(error)}` };
  }
}

/**
 * Strings, objects and arrays go to TestEventPattern as they are (arrays are refused there as AWS refuses
 * their text, and are never serialised, however deep); numbers, booleans and null as their JSON text.
 */
function asApiValue(value: unknown): string | object {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null) return value;
  return JSON.stringify(value);
}

/** Stream stdin line by line; write one result line per input line, in order. */
async function runJsonl(io: CliIo): Promise<void> {
  const lines = readline.createInterface({ input: io.stdin, crlfDelay: Infinity });
  let batch: string[] = [];
  for await (const line of lines) {
    batch.push(JSON.stringify(evaluateJsonLine(line)));
    if (batch.length >= JSONL_BATCH_LINES) {
      await writeText(io.stdout, batch.join('\n') + '\n');
      batch = [];
    }
  }
  if (batch.length > 0) await writeText(io.stdout, batch.join('\n') + '\n');
}

/** Read a file (relative to `io.cwd`) or stdin (`-`) as UTF-8 text. */
async function readInput(file: string, io: CliIo): Promise<string> {
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of io.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
    return Buffer.concat(chunks).toString('utf8');
  }
  try {
    return await fs.readFile(path.resolve(io.cwd, file), 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}
