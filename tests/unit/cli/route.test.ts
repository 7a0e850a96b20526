import fs from 'node:fs';
import path from 'node:path';
import { runRoute } from '../../../src/cli/commands/route';
import { runTest } from '../../../src/cli/commands/test';
import { listEventFiles } from '../../../src/cli/event-files';
import { envelope, writeFixtureProject } from './fixture-project';
import { testIo } from '../../support/cli-io';

const RULE = [
  'pattern:',
  '  source: [acme.widgets]',
  'targets:',
  '  - function: notify',
  '    filter: detail.size > `10`',
  '    select: { size: detail.size }',
  '    notify: { topic: operations, subject: "Widget of size {size}" }',
  '  - function: audit',
  '    notify: { topic: security }',
  '',
].join('\n');

describe('Function: runRoute (dry run)', () => {
  const root = writeFixtureProject({
    'patterns/widgets/large.yml': RULE,
    'events/widgets/big.json': envelope('1', 'acme.widgets', { size: 12 }),
    'events/widgets/small.json': envelope('2', 'acme.widgets', { size: 2 }),
    'events/gadgets/any.json': envelope('3', 'acme.gadgets', {}),
    'events/broken.json': '{ not json',
    'samples/notes.txt': 'not an event',
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('routes every event of events/ through every function and prints each Publish request', async () => {
    // Prepare
    const io = testIo(root);

    // Act
    const code = await runRoute([], { sns: 'dry-run', stage: 'prod' }, io);

    // Assess
    const out = io.out();
    expect(code).toBe(1); // events/broken.json
    expect(out).toMatch(/^patchbay route: 4 events through 1 rule \(function notify, function audit; stage prod\); SNS: dry run$/m);
    expect(out).toMatch(/== events\/widgets\/big\.json\n.*\n   matched: widgets-large\n/);
    expect(out).toContain('   -> widgets-large / target notify / topic operations: dry run, not sent');
    expect(out).toContain('"TopicArn": "arn:aws:sns:eu-west-1:000000000000:fixture-prod-operations"');
    expect(out).toContain('"Subject": "Widget of size 12"');
    expect(out).toContain('   -> widgets-large / target audit / topic security: dry run, not sent');
    expect(out).toContain("   -> widgets-large / target notify / topic operations: filtered out (the target's filter is false for this event)");
    expect(out).toMatch(/== events\/gadgets\/any\.json\n.*\n   matched: no rule\n/);
    expect(out).toMatch(/== events\/broken\.json\n   ERROR:   not JSON: /);
    expect(out.trimEnd().split('\n').at(-1)).toBe(
      'patchbay route: 4 events, 2 matched a rule, 3 notifications (dry run: Publish requests printed, nothing sent), 1 filtered out by a target filter, 1 failure',
    );
  });

  it('routes only the given paths', async () => {
    // Prepare
    const io = testIo(path.join(root, 'events'));

    // Act
    const code = await runRoute(['widgets/small.json'], { sns: 'dry-run', root: '..' }, io);

    // Assess
    expect(code).toBe(0);
    expect(io.out()).toContain('== events/widgets/small.json');
    expect(io.out()).not.toContain('big.json');
  });

  it('exits 2 and prints every catalog issue for an invalid catalog', async () => {
    // Prepare
    const broken = writeFixtureProject({ 'patterns/x.yml': 'pattern: { source: [a] }\ntargets: [{ function: nope }]\n' });
    const io = testIo(broken);

    // Act
    const routeCode = await runRoute([], { sns: 'dry-run' }, io);
    const testCode = await runTest({}, io);

    // Assess
    expect(routeCode).toBe(2);
    expect(testCode).toBe(2);
    expect(io.err()).toMatch(/^patchbay route: invalid catalog \(1 problem\):\npatterns\/x\.yml:2:\d+: \/targets\/0\/function: .*\[UNKNOWN_FUNCTION\]$/m);
    expect(io.err()).toMatch(/^patchbay test: invalid catalog \(1 problem\):$/m);
    fs.rmSync(broken, { recursive: true, force: true });
  });
});

describe('Function: listEventFiles', () => {
  const root = writeFixtureProject({
    'events/b/two.json': {},
    'events/a/one.json': {},
    'events/a/readme.md': 'x',
    'elsewhere/three.txt': '{}',
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('lists *.json under events/ sorted by default, and explicit files as given', async () => {
    // Act
    const byDefault = await listEventFiles([], root, root);
    const explicit = await listEventFiles(['elsewhere/three.txt', 'events/a'], root, root);

    // Assess
    expect(byDefault.map((f) => path.relative(root, f))).toEqual(['events/a/one.json', 'events/b/two.json']);
    expect(explicit.map((f) => path.relative(root, f))).toEqual(['elsewhere/three.txt', 'events/a/one.json']);
  });

  it('rejects a path that does not exist', async () => {
    // Act / Assess
    await expect(listEventFiles(['missing'], root, root)).rejects.toThrow('no such file or directory: missing');
  });
});
