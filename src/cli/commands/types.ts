/**
 * What every command module gets: one `register…Command(program, context)` per file under `commands/`, listed
 * in `commands/index.ts`. A command's action stores its exit code in `context.exitCode`.
 */
import type { Command } from 'commander';
import type { CliIo } from '../io';

/** Shared state of one CLI run. */
export interface CliContext {
  io: CliIo;
  /** The exit code the run returns; actions set it. */
  exitCode: number;
}

/** A command module's entry point: add the command (and its options) to `program`. */
export type RegisterCommand = (program: Command, context: CliContext) => void;
