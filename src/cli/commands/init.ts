/**
 * `patchbay init [dir] [--service name]`: scaffold a project that depends on patchbay (see ../../scaffold/init.ts).
 * Exit 0 when written, 2 when refused (files exist, bad service name); nothing is written then.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { InitError, initProject } from '../../scaffold/init';
import type { CliIo } from '../io';
import type { CliContext } from './types';

/** Exit codes of `patchbay init`. */
export const InitExit = { WRITTEN: 0, REFUSED: 2 } as const;

/** Register the command on `program`. */
export function registerInitCommand(program: Command, context: CliContext): void {
  program
    .command('init')
    .description('scaffold a new patchbay project (serverless.yml, an example rule with tests, sample events, CI workflow)')
    .argument('[dir]', 'project directory (created when missing)', '.')
    .option('--service <name>', 'Serverless service name (default: the directory name)')
    .addHelpText('after', '\nExit status: 0 written, 2 refused (a file exists, or the service name is invalid); nothing is written then.')
    .action(async (dir: string, options: { service?: string }) => {
      context.exitCode = await runInit(dir, options, context.io);
    });
}

/** Run `patchbay init`. @returns the exit code (see {@link InitExit}). */
export async function runInit(dir: string, options: { service?: string }, io: CliIo): Promise<number> {
  try {
    const result = await initProject(path.resolve(io.cwd, dir), options);
    const shown = path.relative(io.cwd, result.dir) || '.';
    io.stdout.write(
      [
        `patchbay init: service ${result.service} in ${shown}`,
        ...result.written.map((file) => `  wrote ${file}`),
        ...result.kept.map((file) => `  kept  ${file} (it existed; add patchbay and osls to its devDependencies)`),
        '',
        'Next:',
        ...(shown === '.' ? [] : [`  cd ${shown}`]),
        '  npm install',
        '  npx patchbay test && npx sls package',
        '',
      ].join('\n'),
    );
    return InitExit.WRITTEN;
  } catch (error) {
    if (!(error instanceof InitError)) throw error;
    io.stderr.write(`patchbay init: ${error.message} [${error.code}]\n`);
    return InitExit.REFUSED;
  }
}
