/**
 * `patchbay match --rules <rules.jsonl>`: which of many event patterns does each event match?
 *
 * ```
 * patchbay match --rules rules.jsonl < events.jsonl > matches.jsonl
 * ```
 * `rules.jsonl` holds one event pattern per line; a rule's id is its 0-based line number. Events are read as
 * JSON lines on stdin; for each, one line with the sorted ids of the rules it matches (`[3,17]`, `[]`) is
 * written, in input order, streaming (output is written in batches). Blank lines are skipped in both.
 * Matching goes through {@link RuleIndex}, so an event costs about the same against 10 rules or 10,000.
 *
 * An event EventBridge would refuse — objects or arrays nested deeper than {@link MAX_NESTING_DEPTH} (1,000) on
 * a path some rule names — is answered with AWS's error instead, `{"error":"Parameter Event is not valid."}`
 * (the line and the reason on stderr), and the events after it are answered as usual.
 *
 * Exit status: 0 every event answered with its matches; 1 an event line is not JSON (lines before it are
 * answered, the line is named on stderr), or some event was refused (every line answered); 2 the rules file
 * cannot be read or holds a pattern EventBridge rejects (AWS's message and the line on stderr; nothing is read
 * from stdin; a pattern nested deeper than 1,000 is one of those).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { Command } from 'commander';
import { DEFAULT_MAX_PATTERN_LENGTH, InvalidEventError, InvalidEventPatternError, MAX_NESTING_DEPTH, PatternError, RuleIndex, parseEventPattern } from '../../pattern';
import { writeText, type CliIo } from '../io';
import type { CliContext } from './types';

/** Options of `patchbay match`. */
export interface MatchOptions {
  /** JSONL file of event patterns, one per line (relative to the working directory). */
  rules?: string;
  /**
   * Longest pattern accepted, in characters; 0 turns the check off.
   * @default 2048 (EventBridge's default "Event pattern size" quota)
   */
  maxPatternLength?: number;
}

/** Exit codes of `patchbay match`: INVALID_EVENT also when an event was refused (answered with an error line). */
export const MatchExit = { OK: 0, INVALID_EVENT: 1, INVALID_RULES: 2 } as const;

/** Output is handed to stdout in pieces of about this many characters. */
const OUTPUT_BATCH_CHARS = 64 * 1024;

/** A rules file that cannot be used, with the 1-based line of the first bad pattern. */
export class RulesFileError extends Error {
  constructor(
    message: string,
    /** 1-based line of the offending pattern; undefined when the file itself is the problem. */
    readonly line?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RulesFileError';
  }
}

/** Register the command on `program`. */
export function registerMatchCommand(program: Command, context: CliContext): void {
  program
    .command('match')
    .description('match JSON-lines events on stdin against many event patterns; print the ids of the matching rules per event')
    .requiredOption('--rules <file>', 'JSONL file of event patterns, one per line; rule id = 0-based line number')
    .option('--max-pattern-length <chars>', 'longest pattern accepted (0: no limit)', (v) => parseNonNegativeInt(v), DEFAULT_MAX_PATTERN_LENGTH)
    .addHelpText(
      'after',
      '\nOutput: one line per event, the sorted ids of the rules it matches, e.g. [3,17].\n' +
        `An event nested deeper than ${MAX_NESTING_DEPTH} levels is answered {"error":"Parameter Event is not valid."}.\n` +
        'Exit status: 0 all events answered, 1 an event line is not JSON or an event was refused, 2 unreadable rules file or invalid pattern.',
    )
    .action(async (options: MatchOptions) => {
      context.exitCode = await runMatch(options, context.io);
    });
}

function parseNonNegativeInt(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`not a non-negative integer: ${text}`);
  return n;
}

/**
 * Run `patchbay match`.
 * @returns the exit code (see {@link MatchExit}).
 */
export async function runMatch(options: MatchOptions, io: CliIo): Promise<number> {
  if (options.rules === undefined) {
    io.stderr.write('patchbay match: give --rules <rules.jsonl>\n');
    return MatchExit.INVALID_RULES;
  }
  let index: RuleIndex<number>;
  try {
    const text = await readRulesFile(path.resolve(io.cwd, options.rules), options.rules);
    index = buildRuleIndex(text, { maxPatternLength: options.maxPatternLength });
  } catch (error) {
    if (!(error instanceof RulesFileError)) throw error;
    io.stderr.write(`patchbay match: ${options.rules}${error.line === undefined ? '' : ` line ${error.line}`}: ${error.message}\n`);
    return MatchExit.INVALID_RULES;
  }
  return matchEventStream(index, io);
}

async function readRulesFile(file: string, shownAs: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new RulesFileError(`cannot read ${shownAs}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, undefined, { cause: error });
  }
}

/**
 * Build a rule index from JSONL text: line i (0-based) is the pattern of rule i; blank lines are skipped
 * (their number is not reused).
 * @throws RulesFileError naming the 1-based line, the rule id and AWS's message for the first invalid pattern.
 * @example buildRuleIndex('{"source":["aws.s3"]}\n{"source":["aws.ec2"]}\n').matchJson('{"source":"aws.ec2"}'); // [1]
 */
export function buildRuleIndex(text: string, options: { maxPatternLength?: number } = {}): RuleIndex<number> {
  const index = new RuleIndex<number>();
  const maxLengthInChars = options.maxPatternLength ?? DEFAULT_MAX_PATTERN_LENGTH;
  let id = 0;
  for (let start = 0; start < text.length; id++) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end);
    start = end + 1;
    if (isBlank(line)) continue;
    try {
      index.add(id, parseEventPattern(line, { maxLengthInChars }));
    } catch (error) {
      if (!(error instanceof PatternError)) throw error;
      const where = error instanceof InvalidEventPatternError && error.column !== undefined ? `, column ${error.column}` : error.pointer ? `, at ${error.pointer}` : '';
      throw new RulesFileError(`rule ${id}${where}: ${error.code}: ${error.message}`, id + 1, { cause: error });
    }
  }
  return index;
}

/**
 * Answer every event line of stdin, in order; stops at the first line that is not JSON. An event EventBridge
 * would refuse gets an error line, and the stream goes on.
 */
async function matchEventStream(index: RuleIndex<number>, io: CliIo): Promise<number> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let out = '';
  let lineNumber = 0;
  let refused = 0;
  const answer = (line: string): boolean => {
    lineNumber++;
    if (isBlank(line)) return true;
    let ids: number[];
    try {
      ids = index.matchJson(line);
    } catch (error) {
      if (error instanceof InvalidEventError) {
        refused++;
        io.stderr.write(`patchbay match: stdin line ${lineNumber}: ${error.code}: ${error.message} (${error.detail ?? 'refused'})\n`);
        out += `${JSON.stringify({ error: error.message })}\n`;
        return true;
      }
      if (!(error instanceof SyntaxError)) throw error;
      io.stderr.write(`patchbay match: stdin line ${lineNumber}: the event is not JSON: ${error.message}\n`);
      return false;
    }
    out += ids.length === 0 ? '[]\n' : `[${ids.join(',')}]\n`;
    return true;
  };
  for await (const chunk of io.stdin as AsyncIterable<string | Buffer>) {
    const text = pending + (typeof chunk === 'string' ? chunk : decoder.write(chunk));
    let start = 0;
    for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
      const ok = answer(text.slice(start, end));
      start = end + 1;
      if (!ok) {
        await writeText(io.stdout, out);
        return MatchExit.INVALID_EVENT;
      }
    }
    pending = text.slice(start);
    if (out.length >= OUTPUT_BATCH_CHARS) {
      await writeText(io.stdout, out);
      out = '';
    }
  }
  pending += decoder.end();
  const ok = pending === '' || answer(pending);
  if (out !== '') await writeText(io.stdout, out);
  return ok && refused === 0 ? MatchExit.OK : MatchExit.INVALID_EVENT;
}

/** Empty, or only JSON whitespace. */
function isBlank(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d && c !== 0x0a) return false;
  }
  return true;
}
