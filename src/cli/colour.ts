/**
 * Colour in terminal output, by the conventions terminals and CI agree on: colour only when writing to a terminal,
 * never when `NO_COLOR` is set to a non-empty value (https://no-color.org), always when `FORCE_COLOR` is set to
 * anything but `0` / `false` (it wins over `NO_COLOR`, as in Node.js and chalk). Styling is Node's own
 * `util.styleText`.
 */
import { styleText } from 'node:util';
import type { TextSink } from './io';

/** A style {@link paint} applies. */
export type Style = 'green' | 'red' | 'yellow' | 'bold' | 'dim';

/**
 * Whether output to `sink` should be coloured, given the environment.
 * @example useColour({ isTTY: true, write }, {}); // true
 * @example useColour({ isTTY: true, write }, { NO_COLOR: '1' }); // false
 * @example useColour({ write }, { FORCE_COLOR: '1' }); // true (piped, but forced)
 */
export function useColour(sink: TextSink, env: NodeJS.ProcessEnv): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return sink.isTTY === true;
}

/** A painter for one sink: `paint('red', 'FAIL')` is `FAIL` in red when colour is on, `FAIL` unchanged otherwise. */
export function painter(sink: TextSink, env: NodeJS.ProcessEnv): (style: Style, text: string) => string {
  if (!useColour(sink, env)) return (_style, text) => text;
  // validateStream: false: the decision is made above, for this sink, not for process.stdout.
  return (style, text) => styleText(style, text, { validateStream: false });
}
