/**
 * Every `patchbay` command, one module each. To add a command, write `commands/<name>.ts` exporting
 * `register<Name>Command(program, context)` and list it here.
 */
import { registerMatchCommand } from './match';
import { registerReplayCommand } from './replay';
import { registerRouteCommand } from './route';
import { registerSchemasCommand } from './schemas';
import { registerTestCommand } from './test';
import { registerTestEventPatternCommand } from './test-event-pattern';
import type { RegisterCommand } from './types';

/** The registered commands, in the order `patchbay help` lists them. */
export const COMMANDS: readonly RegisterCommand[] = [
  registerTestCommand,
  registerTestEventPatternCommand,
  registerRouteCommand,
  registerReplayCommand,
  registerSchemasCommand,
  registerMatchCommand,
];
