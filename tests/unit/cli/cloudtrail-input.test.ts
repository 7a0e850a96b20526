/**
 * CloudTrail input where sample events go: `patchbay test` and `patchbay route` take a single CloudTrail record and
 * a log file's `{"Records": [...]}` (plain or gzipped) as the events EventBridge delivers for those records. The
 * records come from the corpus (../shared/events-corpus/cloudtrail-records), written into a temporary project.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { loadProject } from '../../../src/cli/project';
import { runRoute } from '../../../src/cli/commands/route';
import { runTest } from '../../../src/cli/commands/test';
import { testIo } from '../../support/cli-io';
import { writeFixtureProject } from './fixture-project';

const RECORDS = path.resolve(__dirname, '../../../../shared/events-corpus/cloudtrail-records');
const record = (name: string): Record<string, unknown> => JSON.parse(fs.readFileSync(path.join(RECORDS, name), 'utf8')) as Record<string, unknown>;

const rule = [
  'pattern: { source: [aws.dynamodb, aws.s3], detail-type: [AWS API Call via CloudTrail], detail: { eventName: [DeleteTable, DeleteBucket] } }',
  'targets:',
  '  - function: notify',
  '    select: { table: detail.requestParameters.tableName }',
  '    notify: { topic: security, subject: "Deleted {table} in {region}" }',
  'tests:',
  '  match: [events/ct/delete-table.json, events/ct/deletes.json.gz]',
  '  no-match: [events/ct/kms.json]',
  '',
].join('\n');

describe('CloudTrail records as sample events', () => {
  let root: string;
  beforeAll(() => {
    root = writeFixtureProject({
      'patterns/deletes.yml': rule,
      'events/ct/delete-table.json': record('dynamodb-deletetable-assumedrole.json'),
      'events/ct/kms.json': { Records: [record('kms-schedulekeydeletion.json')] },
    });
    fs.writeFileSync(path.join(root, 'events/ct/deletes.json.gz'), zlib.gzipSync(JSON.stringify({ Records: [record('dynamodb-deletetable-assumedrole.json'), record('s3-deletebucket-assumedrole.json')] })));
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('patchbay test judges a record, and each record of a gzipped log file, as the event EventBridge delivers', async () => {
    // Act
    const io = testIo(root);
    const code = await runTest({ json: true }, io);

    // Assess
    if (code !== 0) throw new Error(io.out() + io.err());
    const report = JSON.parse(io.out()) as { passed: number; failed: number; results: Array<{ event: string; expected: string; passed: boolean }> };
    expect(code).toBe(0);
    expect(report.results.map((r) => [r.event, r.expected, r.passed])).toEqual([
      ['events/ct/delete-table.json', 'match', true],
      ['events/ct/deletes.json.gz#/Records/0', 'match', true],
      ['events/ct/deletes.json.gz#/Records/1', 'match', true],
      ['events/ct/kms.json#/Records/0', 'no-match', true],
    ]);
  });

  it('refuses, at load, a log file with a record that cannot become an event', async () => {
    // Prepare
    const broken = writeFixtureProject({
      'patterns/deletes.yml': rule.replace('events/ct/deletes.json.gz', 'events/ct/broken.json'),
      'events/ct/delete-table.json': record('dynamodb-deletetable-assumedrole.json'),
      'events/ct/kms.json': record('kms-schedulekeydeletion.json'),
      'events/ct/broken.json': { Records: [record('dynamodb-deletetable-assumedrole.json'), { eventVersion: '1.08', eventSource: 'dynamodb.amazonaws.com' }] },
    });

    // Act
    const error = await loadProject(broken).then(() => undefined, (e: Error) => e);

    // Assess
    expect(error?.message).toContain('events/ct/broken.json#/Records/1: Records[1] cannot become an EventBridge event: no eventTime');
    expect(error?.message).toContain('[TEST_EVENT_INVALID]');
    fs.rmSync(broken, { recursive: true, force: true });
  });

  it('patchbay route routes each record of a log file, named by its pointer', async () => {
    // Act
    const io = testIo(root);
    const code = await runRoute([path.join(root, 'events/ct')], { sns: 'dry-run', json: true }, io);

    // Assess
    const report = JSON.parse(io.out()) as { events: Array<{ file: string; matched: string[] }> };
    expect(code).toBe(0);
    expect(report.events.map((e) => [e.file, e.matched])).toEqual([
      ['events/ct/delete-table.json', ['deletes']],
      ['events/ct/deletes.json.gz#/Records/0', ['deletes']],
      ['events/ct/deletes.json.gz#/Records/1', ['deletes']],
      ['events/ct/kms.json#/Records/0', []],
    ]);
  });
});
