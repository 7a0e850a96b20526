/**
 * `patchbay transform --jsonl`: what an EventBridge target receives for an event under an input configuration
 * (`InputTransformer`, `InputPath`, `Input` or none), offline, with the engine of `src/transform`.
 *
 * The interface is driven by other tools: keep it stable. Input lines (stdin):
 * `{"event": {…}, "input": {"InputTransformer": {…}} | {"InputPath": "…"} | {"Input": "…"} | {},
 *   "context": {"rule-name": …, "rule-arn": …, "event-bus-name": …, "ingestion-time": …}, "targetId": "…"}`
 * (`context` and `targetId` optional; `targetId` names the target in AWS's messages, default `<target-id>`).
 * Output lines, one per input line, in order, with exactly these keys:
 * `{"output": "<the exact text delivered>"}`, `{"delivered": false}` (nothing reaches the target) or
 * `{"error": "<AWS's PutTargets message>"}`. A line that is not JSON gets an `error` line; the stream goes on.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html
 */
import readline from 'node:readline';
import type { Command } from 'commander';
import { transformInput, validateTargetInput, type TargetInput, type TransformContext } from '../../transform';
import { writeText, type CliIo } from '../io';
import type { CliContext } from './types';
import { isRecord } from '../../runtime/json';

/** One output line of `--jsonl`. */
export type TransformJsonlResult = { output: string } | { delivered: false } | { error: string };

/** Register the command on `program`. */
export function registerTransformCommand(program: Command, context: CliContext): void {
  program
    .command('transform')
    .description("what an EventBridge target receives for an event: InputTransformer, InputPath or Input, as AWS applies them")
    .option('--jsonl', 'read {"event", "input", "context"?} lines on stdin; write {"output"}, {"delivered": false} or {"error"} lines')
    .addHelpText('after', '\nExit status: 0 once every line is answered, 2 without --jsonl.')
    .action(async (options: { jsonl?: boolean }) => {
      if (!options.jsonl) {
        context.io.stderr.write('patchbay transform: give --jsonl (lines {"event": …, "input": …, "context": …} on stdin)\n');
        context.exitCode = 2;
        return;
      }
      await runTransformJsonl(context.io);
      context.exitCode = 0;
    });
}

/**
 * Answer one `--jsonl` line. Never throws.
 * @example evaluateTransformLine('{"event": {"detail": {"a": "b"}}, "input": {"InputPath": "$.detail.a"}}') // { output: '"b"' }
 */
export function evaluateTransformLine(line: string): TransformJsonlResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (error) {
    return { error: `The input line is not JSON: ${(error as Error).message}` };
  }
  if (!isRecord(parsed)) return { error: 'The input line must be a JSON object with "event" and "input"' };
  const { event, input, context, targetId } = parsed;
  if (event === undefined) return { error: 'The input line has no "event"' };
  if (!isRecord(input)) return { error: 'The input line needs "input": an object with InputTransformer, InputPath or Input, or {}' };
  if (context !== undefined && !isRecord(context)) return { error: '"context" must be an object' };
  const config = input as TargetInput;
  const problem = validateTargetInput(config, typeof targetId === 'string' ? targetId : '<target-id>');
  if (problem) return { error: problem };
  try {
    const outcome = transformInput(event, config, (context ?? {}) as TransformContext);
    return outcome.delivered ? { output: outcome.text } : { delivered: false };
  } catch (error) {
    return { error: `Internal error: ${(error as Error)?.message ?? String(error)}` };
  }
}

async function runTransformJsonl(io: CliIo): Promise<void> {
  const lines = readline.createInterface({ input: io.stdin, crlfDelay: Infinity });
  let batch: string[] = [];
  for await (const line of lines) {
    batch.push(JSON.stringify(evaluateTransformLine(line)));
    if (batch.length >= 256) {
      await writeText(io.stdout, batch.join('\n') + '\n');
      batch = [];
    }
  }
  if (batch.length > 0) await writeText(io.stdout, batch.join('\n') + '\n');
}
