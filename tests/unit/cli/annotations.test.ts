/**
 * GitHub Actions annotations: the workflow-command escaping, and `patchbay test --annotations github` annotating
 * failures, invalid pattern files and warnings at their file, line and column.
 */
import fs from 'node:fs';
import { formatGithubAnnotation } from '../../../src/cli/annotations';
import { runTest } from '../../../src/cli/commands/test';
import { writeFixtureProject } from './fixture-project';
import { testIo } from '../../support/cli-io';

describe('Function: formatGithubAnnotation', () => {
  it('escapes %, CR and LF in the message, and also : and , in properties', () => {
    expect(formatGithubAnnotation({ level: 'error', file: 'a,b:c.yml', line: 3, column: 5, title: 'T: x, y', message: '100% sure\r\nnext: line, more' })).toBe(
      '::error file=a%2Cb%3Ac.yml,line=3,col=5,title=T%3A x%2C y::100%25 sure%0D%0Anext: line, more\n',
    );
    expect(formatGithubAnnotation({ level: 'warning', file: 'serverless.yml', message: 'm' })).toBe('::warning file=serverless.yml::m\n');
  });
});

describe('Command: patchbay test --annotations github', () => {
  let root: string;
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));
  const event = (id: string, source: string) => ({ id, source, 'detail-type': 'd', account: '111122223333', time: '2025-01-01T00:00:00Z', region: 'eu-west-1', resources: [], detail: {} });

  it('annotates a failing test at its tests entry, and a warning at its position', async () => {
    // Prepare: the no-match case is wrong (the event matches)
    root = writeFixtureProject({
      'patterns/ops/x.yml': 'pattern:\n  source: [a]\ntargets:\n  - function: notify\n    notify: { topic: security }\ntests:\n  match: [events/a.json]\n  no-match:\n    - events/a2.json\n',
      'events/a.json': event('1', 'a'),
      'events/a2.json': event('2', 'a'),
      'events/unused.json': event('3', 'b'),
    });
    const io = testIo(root);

    // Act
    const code = await runTest({ annotations: 'github' }, io);

    // Assess
    expect(code).toBe(1);
    const lines = io.out().split('\n').filter((line) => line.startsWith('::'));
    expect(lines).toEqual([
      '::error file=patterns/ops/x.yml,line=9,col=7,title=patchbay test%3A ops-x::events/a2.json: expected no-match, but the event is notified (pattern matched; target notify has no filter)',
      "::warning file=events/unused.json,title=SAMPLE_EVENT_UNUSED::a sample event no rule test names; name it in a rule's tests.match or tests.no-match, or delete it",
    ]);
  });

  it('annotates every problem of an invalid pattern file (exit 2), on stderr when stdout carries --json', async () => {
    // Prepare
    root = writeFixtureProject({ 'patterns/bad.yml': 'pattern:\n  source: [{ prefx: a }]\ntargets:\n  - function: nope\n' });
    const io = testIo(root);

    // Act
    const code = await runTest({ annotations: 'github', json: true }, io);

    // Assess
    expect(code).toBe(2);
    expect(JSON.parse(io.out())).toEqual(expect.objectContaining({ errors: expect.any(Array) }));
    expect(io.err().split('\n').filter((line) => line.startsWith('::'))).toEqual([
      expect.stringMatching(/^::error file=patterns\/bad\.yml,line=2,col=\d+,title=INVALID_EVENT_PATTERN::\/pattern\/source\/0\/prefx: Event pattern is not valid\. /),
      expect.stringMatching(/^::error file=patterns\/bad\.yml,line=4,col=\d+,title=UNKNOWN_FUNCTION::\/targets\/0\/function: /),
    ]);
  });
});
