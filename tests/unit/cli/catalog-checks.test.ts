import fs from 'node:fs';
import { checkCatalog } from '../../../src/cli/catalog-checks';
import { runTest } from '../../../src/cli/commands/test';
import { loadProject } from '../../../src/cli/project';
import { envelope, writeFixtureProject } from './fixture-project';
import { testIo } from '../../support/cli-io';

const rule = [
  'pattern: { source: [acme.widgets] }',
  'targets:',
  '  - function: notify',
  '    select: { size: detail.size, owner: detail.ownr }',
  '    notify: { topic: operations, subject: "Widget of {size} resized" }',
  'tests:',
  '  match: [events/w/resized.json, events/w/resized-unknown.json]',
  '',
].join('\n');

const cloudTrailEvent = {
  ...envelope('ct-1', 'aws.iam', { eventTime: '2025-06-01T00:00:00Z', awsRegion: 'us-east-1', recipientAccountId: '111122223333', eventName: 'CreateUser' }),
  'detail-type': 'AWS API Call via CloudTrail',
};

describe('Function: checkCatalog', () => {
  let root: string;
  beforeAll(() => {
    root = writeFixtureProject({
      'patterns/w/resized.yml': rule,
      'patterns/w/untested.yml': 'pattern: { source: [acme.gadgets] }\ntargets: [{ function: notify, notify: { topic: operations } }]\n',
      'events/w/resized.json': envelope('1', 'acme.widgets', { size: 3, owner: 'ana' }),
      'events/w/resized-unknown.json': envelope('2', 'acme.widgets', { owner: 'bo' }),
      'events/w/unused.json': envelope('1', 'acme.widgets', { size: 5 }),
      'events/iam/create-user.json': cloudTrailEvent,
    });
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('names each problem with its code, file, pointer and position', async () => {
    // Prepare
    const { catalog } = await loadProject(root);

    // Act
    const warnings = await checkCatalog(catalog, root);

    // Assess
    const summary = warnings.map(({ code, filePath, pointer, line, severity }) => ({ code, filePath, pointer, line, severity }));
    expect(summary).toEqual(
      expect.arrayContaining([
        { code: 'SELECT_ALWAYS_NULL', filePath: 'patterns/w/resized.yml', pointer: '/targets/0/select/owner', line: 4, severity: 'warning' },
        { code: 'SUBJECT_FIELD_EMPTY', filePath: 'patterns/w/resized.yml', pointer: '/targets/0/notify/subject', line: 5, severity: 'warning' },
        { code: 'RULE_WITHOUT_TESTS', filePath: 'patterns/w/untested.yml', pointer: '', line: undefined, severity: 'warning' },
        { code: 'SAMPLE_EVENT_UNUSED', filePath: 'events/w/unused.json', pointer: '', line: undefined, severity: 'warning' },
        { code: 'SAMPLE_EVENT_UNUSED', filePath: 'events/iam/create-user.json', pointer: '', line: undefined, severity: 'warning' },
        { code: 'CLOUDTRAIL_ENVELOPE_MISMATCH', filePath: 'events/iam/create-user.json', pointer: '/region', line: undefined, severity: 'warning' },
      ]),
    );
    expect(warnings.filter((w) => w.code === 'SAMPLE_EVENT_ID_DUPLICATE').map((w) => [w.filePath, w.found])).toEqual([
      ['events/w/unused.json', 'id "1" is also the id of events/w/resized.json'],
    ]);
    expect(warnings).toHaveLength(7);
    expect(warnings.find((w) => w.code === 'SELECT_ALWAYS_NULL')?.message).toBe(
      'patterns/w/resized.yml:4:41: warning: /targets/0/select/owner: detail.ownr is null on every match event (events/w/resized.json, events/w/resized-unknown.json); an expression that finds a value (quote keys with dashes: detail."instance-id") [SELECT_ALWAYS_NULL]',
    );
    expect(warnings.find((w) => w.code === 'SUBJECT_FIELD_EMPTY')?.found).toBe('{size} renders as null for events/w/resized-unknown.json');
  });

  it('finds nothing to say about a clean catalog', async () => {
    // Prepare
    const clean = writeFixtureProject({
      'patterns/w/resized.yml': rule.replace('detail.ownr', 'detail.owner').replace(', events/w/resized-unknown.json', ''),
      'events/w/resized.json': envelope('1', 'acme.widgets', { size: 3, owner: 'ana' }),
    });
    const { catalog } = await loadProject(clean);

    // Act
    const warnings = await checkCatalog(catalog, clean);

    // Assess
    expect(warnings).toEqual([]);
    fs.rmSync(clean, { recursive: true, force: true });
  });

  it.each([
    { lag: 'stamped 3 s after eventTime (as in a real capture)', time: '2025-06-01T00:00:03Z', warned: false },
    { lag: 'stamped at eventTime', time: '2025-06-01T00:00:00Z', warned: false },
    { lag: 'stamped before eventTime', time: '2025-05-31T23:59:59Z', warned: true },
    { lag: 'stamped an hour after eventTime', time: '2025-06-01T01:00:00Z', warned: true },
  ])('judges a CloudTrail sample $lag', async ({ time, warned }) => {
    // Prepare
    const project = writeFixtureProject({
      'patterns/w/resized.yml': rule.replace('detail.ownr', 'detail.owner').replace(', events/w/resized-unknown.json', '').replace('events/w/resized.json', 'events/w/resized.json, events/iam/create-user.json'),
      'events/w/resized.json': envelope('1', 'acme.widgets', { size: 3, owner: 'ana' }),
      'events/iam/create-user.json': { ...cloudTrailEvent, region: 'us-east-1', account: '111122223333', time },
    });
    const { catalog } = await loadProject(project);

    // Act
    const warnings = await checkCatalog(catalog, project);

    // Assess
    expect(warnings.filter((w) => w.code === 'CLOUDTRAIL_ENVELOPE_MISMATCH').map((w) => w.pointer)).toEqual(warned ? ['/time'] : []);
    fs.rmSync(project, { recursive: true, force: true });
  });

  it('patchbay test prints the warnings and passes; --strict fails on them; --json carries them', async () => {
    // Act
    const io = testIo(root);
    const code = await runTest({}, io);
    const strictIo = testIo(root);
    const strictCode = await runTest({ strict: true }, strictIo);
    const jsonIo = testIo(root);
    const jsonCode = await runTest({ json: true }, jsonIo);

    // Assess
    expect(code).toBe(0);
    expect(io.out()).toMatch(/^Warnings:$/m);
    expect(io.out()).toMatch(/^patterns\/w\/resized\.yml:4:41: warning: \/targets\/0\/select\/owner: .*\[SELECT_ALWAYS_NULL\]$/m);
    expect(io.out().trimEnd().split('\n').at(-1)).toBe('patchbay test: 2 passed, 0 failed, 7 warnings');
    expect(strictCode).toBe(1);
    expect(jsonCode).toBe(0);
    const report = JSON.parse(jsonIo.out()) as { passed: number; failed: number; warnings: Array<{ code: string }>; results: unknown[] };
    expect(report.passed).toBe(2);
    expect(report.failed).toBe(0);
    expect(report.results).toHaveLength(2);
    expect(report.warnings.map((w) => w.code)).toContain('SELECT_ALWAYS_NULL');
  });

  it('patchbay test --json prints the errors of an invalid catalog and exits 2', async () => {
    const broken = writeFixtureProject({ 'patterns/x.yml': 'pattern: { source: aws.s3 }\ntargets: [{ function: notify }]\n' });
    const io = testIo(broken);
    expect(await runTest({ json: true }, io)).toBe(2);
    expect((JSON.parse(io.out()) as { errors: Array<{ code: string }> }).errors.map((e) => e.code)).toEqual(['INVALID_EVENT_PATTERN']);
    expect(io.err()).toMatch(/^patterns\/x\.yml:1:\d+: \/pattern\/source: .*\[INVALID_EVENT_PATTERN\]$/m);
    fs.rmSync(broken, { recursive: true, force: true });
  });
});
