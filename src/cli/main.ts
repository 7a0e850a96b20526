/**
 * The `patchbay` command line (bin/patchbay.js calls {@link main}). Standalone: no Serverless start-up; it reads
 * serverless.yml and the pattern files itself, through the same catalog, compiler and runtime code the plugin and
 * the deployed handler use.
 *
 * Each command lives in its own file under `commands/` and is listed in `commands/index.ts`.
 */
import { Command, CommanderError } from 'commander';
import { commandsFor } from './commands';
import type { CliContext } from './commands/types';
import { processIo, type CliIo } from './io';
import { version } from '../../package.json';

/** Exit code for a command line that could not be understood (unknown command or option, missing value). */
export const USAGE_EXIT_CODE = 2;

/**
 * Exit code for an unexpected error (a bug): 2, "could not answer", like every command's own error code, never
 * 1, which means "false" / "a test failed".
 */
export const INTERNAL_ERROR_EXIT_CODE = 2;

/**
 * Build the `patchbay` program.
 * @param context - receives the exit code chosen by the command that runs.
 * @param commandName - the command about to run: only its module is loaded; every command when absent or unknown.
 */
export function createProgram(context: CliContext, commandName?: string): Command {
  const { io } = context;
  const program = new Command('patchbay')
    .description('Declarative Amazon EventBridge routing: test pattern files and route sample events offline.')
    .version(version, '-V, --version', 'print the patchbay version')
    .exitOverride()
    .showHelpAfterError('(run patchbay help for usage)')
    .configureOutput({ writeOut: (text) => void io.stdout.write(text), writeErr: (text) => void io.stderr.write(text) });
  for (const register of commandsFor(commandName)) register(program, context);
  // Subcommands inherit exitOverride/output only when set before they are added: set them again on each.
  for (const command of program.commands) {
    command.exitOverride().configureOutput({ writeOut: (t) => void io.stdout.write(t), writeErr: (t) => void io.stderr.write(t) });
  }
  return program;
}

/**
 * Run the command line.
 * @param argv - `process.argv` (node, script, then the arguments).
 * @param io - streams, working directory and environment; the real process's by default.
 * @returns the exit code: 0 success, otherwise as documented per command (2 for usage and internal errors).
 * @example
 * main(['node', 'patchbay', 'test', '--root', '.']).then((code) => { process.exitCode = code; });
 */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const context: CliContext = { io, exitCode: 0 };
  const program = createProgram(context, argv[2]);
  if (argv.length <= 2) {
    program.outputHelp();
    return USAGE_EXIT_CODE;
  }
  try {
    await program.parseAsync([...argv]);
    return context.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with exitCode 0; usage errors were already printed by commander.
      return error.exitCode === 0 ? 0 : USAGE_EXIT_CODE;
    }
    io.stderr.write(`patchbay: internal error: ${(error as Error)?.stack ?? String(error)}\n`);
    return INTERNAL_ERROR_EXIT_CODE;
  }
}
