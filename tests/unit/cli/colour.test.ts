import { Readable } from 'node:stream';
import { useColour } from '../../../src/cli/colour';
import { runTest } from '../../../src/cli/commands/test';
import { bufferSink, type CliIo } from '../../../src/cli/io';
import { envelope, writeFixtureProject } from './fixture-project';

const tty = { isTTY: true, write: () => true };
const pipe = { write: () => true };

describe('Function: useColour', () => {
  it.each([
    ['a terminal', tty, {}, true],
    ['a pipe', pipe, {}, false],
    ['a terminal with NO_COLOR=1', tty, { NO_COLOR: '1' }, false],
    ['a terminal with NO_COLOR empty (unset, by the convention)', tty, { NO_COLOR: '' }, true],
    ['a pipe with FORCE_COLOR=1', pipe, { FORCE_COLOR: '1' }, true],
    ['a terminal with FORCE_COLOR=0', tty, { FORCE_COLOR: '0' }, false],
    ['FORCE_COLOR=1 over NO_COLOR=1', pipe, { FORCE_COLOR: '1', NO_COLOR: '1' }, true],
  ])('colours %s', (_what, sink, env, expected) => {
    expect(useColour(sink, env)).toBe(expected);
  });
});

describe('patchbay test colour', () => {
  const project = () =>
    writeFixtureProject({
      'patterns/w.yml': 'pattern: { source: [acme.widgets] }\ntargets: [{ function: notify, notify: { topic: operations } }]\ntests: { match: [events/w.json] }\n',
      'events/w.json': envelope('1', 'acme.widgets', {}),
    });
  const run = async (isTTY: boolean, env: NodeJS.ProcessEnv): Promise<string> => {
    const stdout = Object.assign(bufferSink(), { isTTY });
    const io: CliIo = { cwd: project(), env, stdin: Readable.from([]), stdout, stderr: bufferSink() };
    expect(await runTest({}, io)).toBe(0);
    return stdout.text();
  };

  it('paints PASS and the summary on a terminal, and nothing when piped or with NO_COLOR', async () => {
    expect(await run(true, {})).toContain('\u001b[32mPASS\u001b[39m');
    expect(await run(false, {})).not.toContain('\u001b[');
    expect(await run(true, { NO_COLOR: '1' })).not.toContain('\u001b[');
  });
});
