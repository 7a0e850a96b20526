/**
 * Every `patchbay` command, one module each. To add a command, write `commands/<name>.ts` exporting
 * `register<Name>Command(program, context)` and list it here.
 *
 * Modules are loaded on demand: `patchbay match` should not pay for the AWS SDK clients that `replay` and `route`
 * import (about 0.6 s of start-up when every command was loaded eagerly).
 */
import type { RegisterCommand } from './types';

/** Command name -> loader of its register function, in the order `patchbay help` lists them. */
export const COMMAND_LOADERS: Readonly<Record<string, () => RegisterCommand>> = {
  test: () => (require('./test') as typeof import('./test')).registerTestCommand,
  'test-event-pattern': () => (require('./test-event-pattern') as typeof import('./test-event-pattern')).registerTestEventPatternCommand,
  route: () => (require('./route') as typeof import('./route')).registerRouteCommand,
  replay: () => (require('./replay') as typeof import('./replay')).registerReplayCommand,
  schemas: () => (require('./schemas') as typeof import('./schemas')).registerSchemasCommand,
  transform: () => (require('./transform') as typeof import('./transform')).registerTransformCommand,
  match: () => (require('./match') as typeof import('./match')).registerMatchCommand,
  init: () => (require('./init') as typeof import('./init')).registerInitCommand,
  new: () => (require('./new') as typeof import('./new')).registerNewCommand,
  catalog: () => (require('./catalog') as typeof import('./catalog')).registerCatalogCommand,
  diff: () => (require('./diff') as typeof import('./diff')).registerDiffCommand,
  graph: () => (require('./graph') as typeof import('./graph')).registerGraphCommand,
  backtest: () => (require('./backtest') as typeof import('./backtest')).registerBacktestCommand,
  athena: () => (require('./athena') as typeof import('./athena')).registerAthenaCommand,
};

/**
 * The register functions to run for a command line: only the named command's when it names one, else all
 * (help, or an unknown command that commander should report with suggestions).
 */
export function commandsFor(commandName: string | undefined): RegisterCommand[] {
  if (commandName === '--version' || commandName === '-V') return [];
  const one = commandName !== undefined && Object.hasOwn(COMMAND_LOADERS, commandName) ? COMMAND_LOADERS[commandName] : undefined;
  return one ? [one()] : Object.values(COMMAND_LOADERS).map((load) => load());
}
