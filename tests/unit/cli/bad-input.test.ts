/**
 * `patchbay test` on projects with bad input: a coded error per problem on stderr, exit 2, never "internal error"
 * nor a stack trace, and nothing of a file outside the project read or printed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { main } from '../../../src/cli/main';
import { writeFixtureProject } from './fixture-project';
import { readEventFiles } from '../../../src/cli/event-files';
import { loadSampleEvents } from '../../../src/schemas/sample-events';
import { testIo } from '../../support/cli-io';

const bomb = [
  'pattern:',
  '  source: [aws.signin]',
  '  detail:',
  '    a: &a [x, x, x, x, x, x, x, x, x, x]',
  ...Array.from({ length: 8 }, (_, i) => `    b${i}: &b${i} [${Array(10).fill(i === 0 ? '*a' : `*b${i - 1}`).join(', ')}]`),
  'targets: [{ function: notify }]',
  '',
].join('\n');

describe('Command: patchbay test (bad input)', () => {
  let root: string | undefined;
  afterEach(() => {
    if (root) fs.rmSync(root, { recursive: true, force: true });
    root = undefined;
  });

  // Each problem is one line naming the file, the pointer, the position (as "(line L, column C)" or "file:L:C:"),
  // what was found and the code.
  function expectIssueLine(stderr: string, { file, pointer, line, column, text, code }: { file: string; pointer: string; line?: number; column?: number; text: string; code: string }): void {
    const row = stderr.split('\n').find((candidate) => candidate.startsWith(file) && candidate.includes(pointer) && candidate.includes(`[${code}]`));
    expect(row).toBeDefined();
    expect(row).toContain(text);
    if (line !== undefined) expect(row).toMatch(new RegExp(`\\(line ${line}, column ${column}\\)|:${line}:${column}:`));
  }

  it.each([
    ['an alias bomb', { 'patterns/bomb.yml': bomb }, { file: 'patterns/bomb.yml', pointer: '/pattern/detail/b0/9', line: 5, column: 50, text: 'YAML aliases that expand to more than 100 nodes', code: 'YAML_ALIAS_LIMIT' }],
    ['a CloudFormation tag', { 'patterns/tag.yml': 'pattern: { source: [aws.signin] }\ntargets: [{ function: !Ref Notify }]\n' }, { file: 'patterns/tag.yml', pointer: '/targets/0/function', line: 2, column: 23, text: 'the YAML tag !Ref', code: 'YAML_TAG_NOT_ALLOWED' }],
    ['an infinite numeric bound', { 'patterns/n.yml': 'pattern: { detail: { size: [{ numeric: [">", 1e400] }] } }\ntargets: [{ function: notify }]\n' }, { file: 'patterns/n.yml', pointer: '/pattern/detail/size/0/numeric/1', line: 1, column: 46, text: 'Event pattern is not valid. Reason: Cannot compare number : 1e400', code: 'INVALID_EVENT_PATTERN' }],
    ['a sample event outside the project', { 'patterns/p.yml': 'pattern: { source: [aws.signin] }\ntargets: [{ function: notify }]\ntests: { match: [../../../../../../etc/passwd, /etc/passwd] }\n' }, { file: 'patterns/p.yml', pointer: '/tests/match/1', text: 'the absolute path /etc/passwd', code: 'PATH_OUTSIDE_PROJECT' }],
  ])('reports %s with its code and position, exit 2, no stack trace', async (_, files, expected) => {
    // Prepare
    root = writeFixtureProject(files);
    const io = testIo(root);

    // Act
    const code = await main(['node', 'patchbay', 'test'], io);

    // Assess
    expect(code).toBe(2);
    expectIssueLine(io.err(), expected);
    expect(io.err()).not.toMatch(/internal error|\n\s+at /);
    expect(io.err()).not.toMatch(/root:x:0:0/);
  });

  it('reports a symlinked pattern file outside the project instead of leaving its rule out', async () => {
    // Prepare
    root = writeFixtureProject({ 'patterns/own.yml': 'pattern: { source: [aws.signin] }\ntargets: [{ function: notify }]\n' });
    const outside = writeFixtureProject({ 'shared-rules/policy.yml': 'pattern: { source: [aws.iam] }\ntargets: [{ function: notify }]\n' });
    try {
      fs.mkdirSync(path.join(root, 'patterns', 'zz'));
      fs.symlinkSync(path.join(outside, 'shared-rules', 'policy.yml'), path.join(root, 'patterns', 'zz', 'linked.yml'));
      const io = testIo(root);

      // Act
      const code = await main(['node', 'patchbay', 'test'], io);

      // Assess
      expect(code).toBe(2);
      expectIssueLine(io.err(), { file: 'patterns/zz/linked.yml', pointer: '', text: 'a symbolic link to a file outside the project directory', code: 'PATH_OUTSIDE_PROJECT' });
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });
});

describe('Functions: readEventFiles, loadSampleEvents (files that are not JSON)', () => {
  it('describe a file that is not JSON by position, never by its first bytes', async () => {
    // Prepare
    const root = writeFixtureProject({ 'events/copy-of-passwd.json': 'root:x:0:0:root:/root:/bin/bash\n' });
    try {
      const file = path.join(root, 'events', 'copy-of-passwd.json');

      // Act
      const [routed] = await readEventFiles([file], root, root);
      const samples = await loadSampleEvents(root);

      // Assess
      expect(routed.error).toBe('not JSON: an unexpected character (line 1, column 1)');
      expect(samples).toEqual([{ filePath: 'events/copy-of-passwd.json', error: 'not JSON: an unexpected character (line 1, column 1)' }]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
