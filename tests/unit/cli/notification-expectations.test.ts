import fs from 'node:fs';
import { runTest } from '../../../src/cli/commands/test';
import { envelope, writeFixtureProject } from './fixture-project';
import { testIo } from '../../support/cli-io';

/** A rule whose match case states the notification; `caseYaml` is the YAML of that one case. */
function project(caseYaml: string): string {
  return writeFixtureProject({
    'patterns/w/resized.yml': [
      'pattern: { source: [acme.widgets] }',
      'targets:',
      '  - function: notify',
      '    select: { size: detail.size, owner: detail.owner }',
      '    notify: { topic: operations, subject: "Widget resized to {size}" }',
      'tests:',
      `  match: [${caseYaml}]`,
      '',
    ].join('\n'),
    'events/w/resized.json': envelope('1', 'acme.widgets', { size: 3, owner: 'ana' }),
  });
}

describe('patchbay test: match cases that state the notification', () => {
  it.each([
    ['the rendered subject', '{ event: events/w/resized.json, subject: "Widget resized to 3" }'],
    ['a partial set of selected fields', '{ event: events/w/resized.json, fields: { size: 3 } }'],
    ['every selected field, exactly', '{ event: events/w/resized.json, allFields: { size: 3, owner: ana } }'],
    ['the message attributes and the target', '{ event: events/w/resized.json, target: notify, attributes: { rule: w-resized } }'],
  ])('passes when the case states %s', async (_what, caseYaml) => {
    // Prepare
    const root = project(caseYaml);
    const io = testIo(root);

    // Act
    const code = await runTest({}, io);

    // Assess
    expect(io.err()).toBe('');
    expect(code).toBe(0);
    expect(io.out()).toContain('patchbay test: 1 passed, 0 failed');
    fs.rmSync(root, { recursive: true, force: true });
  });

  it.each([
    ['a different subject', '{ event: events/w/resized.json, subject: "Widget resized to 4" }', 'subject: expected "Widget resized to 4", rendered "Widget resized to 3"'],
    ['a field value that differs', '{ event: events/w/resized.json, fields: { owner: bo } }', 'field owner: expected "bo", selected "ana"'],
    ['a field the select does not have', '{ event: events/w/resized.json, fields: { colour: red } }', 'field colour: not selected (select has size, owner)'],
    ['allFields missing one field', '{ event: events/w/resized.json, allFields: { size: 3 } }', 'allFields: expected {"size":3}, selected {"size":3,"owner":"ana"}'],
    ['an attribute value that differs', '{ event: events/w/resized.json, attributes: { rule: other } }', 'attribute rule: expected "other", rendered "w-resized"'],
  ])('fails, naming the rule and the difference, when the case expects %s', async (_what, caseYaml, difference) => {
    // Prepare
    const root = project(caseYaml);
    const io = testIo(root);

    // Act
    const code = await runTest({}, io);

    // Assess
    expect(code).toBe(1);
    expect(io.out()).toContain(`w-resized events/w/resized.json (patterns/w/resized.yml): notified, but the notification differs: ${difference}`);
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('refuses a case whose target is not a function target of the rule, with its pointer', async () => {
    const root = project('{ event: events/w/resized.json, target: nope }');
    const io = testIo(root);
    expect(await runTest({}, io)).toBe(2);
    expect(io.err()).toMatch(/^patterns\/w\/resized\.yml:7:\d+: \/tests\/match\/0\/target: .*\[SCHEMA_INVALID\]$/m);
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('keeps the plain path form valid beside the case form', async () => {
    const root = project('events/w/resized.json, { event: events/w/resized.json, subject: "Widget resized to 3" }');
    const io = testIo(root);
    expect(await runTest({}, io)).toBe(0);
    expect(io.out()).toContain('patchbay test: 2 passed, 0 failed');
    fs.rmSync(root, { recursive: true, force: true });
  });
});
