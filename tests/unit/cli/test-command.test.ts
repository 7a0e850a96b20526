import fs from 'node:fs';
import { runTest } from '../../../src/cli/commands/test';
import { envelope, writeFixtureProject } from './fixture-project';
import { testIo } from '../../support/cli-io';

describe('Function: runTest (event schemas)', () => {
  const schema = {
    $schema: 'http://json-schema.org/draft-04/schema#',
    type: 'object',
    'x-amazon-events-source': 'acme.widgets',
    'x-amazon-events-detail-type': 'Fixture Event',
    properties: { detail: { type: 'object', properties: { size: { type: 'number' } }, required: ['size'] } },
  };
  const pattern = 'pattern: { source: [acme.widgets] }\ntargets: [{ function: notify, notify: { topic: operations } }]\ntests: { match: [events/w/ok.json, events/w/bad.json] }\n';

  it('validates every sample event against the schema of its source and detail-type', async () => {
    // Prepare
    const root = writeFixtureProject({
      'patterns/w.yml': pattern,
      'schemas/acme.widgets@fixture-event.json': schema,
      'events/w/ok.json': envelope('1', 'acme.widgets', { size: 3 }),
      'events/w/bad.json': envelope('2', 'acme.widgets', { size: 'big' }),
    });
    const io = testIo(root);

    // Act
    const code = await runTest({}, io);

    // Assess
    expect(code).toBe(1);
    expect(io.out()).toMatch(/^ {2}events\/w\/bad\.json#\/detail\/size: .*$/m);
    expect(io.out()).not.toMatch(/events\/w\/ok\.json#/);
    expect(io.out()).toContain('patchbay test: 2 passed, 1 failed');
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('passes when every sample follows its schema', async () => {
    const root = writeFixtureProject({
      'patterns/w.yml': pattern.replace('events/w/bad.json', 'events/w/ok.json'),
      'schemas/acme.widgets@fixture-event.json': schema,
      'events/w/ok.json': envelope('1', 'acme.widgets', { size: 3 }),
    });
    const io = testIo(root);
    expect(await runTest({}, io)).toBe(0);
    expect(io.out()).toContain('patchbay test: 2 passed, 0 failed');
    fs.rmSync(root, { recursive: true, force: true });
  });
});
