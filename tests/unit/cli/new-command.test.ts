/**
 * `patchbay new --from`: a pattern file for a sample event, validated with the project's own loader and tests
 * before it is written, never overwriting; the project's patchbay test then passes with it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runNew } from '../../../src/cli/commands/new';
import { runTest } from '../../../src/cli/commands/test';
import { testIo } from '../../support/cli-io';

const PROJECT = path.resolve(__dirname, '../../fixtures/project');

function copyProject(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'patchbay-new-'));
  for (const entry of ['serverless.yml', 'patterns', 'events']) fs.cpSync(path.join(PROJECT, entry), path.join(dir, entry), { recursive: true });
  return dir;
}

/** A DeleteBackup call, modelled on the fixture's DeleteTable event. */
function writeDeleteBackup(root: string): string {
  const event = JSON.parse(fs.readFileSync(path.join(root, 'events/dynamodb/delete-table.json'), 'utf8'));
  event.id = '0b0e6a52-3f1c-4a8e-9d2b-5c7e1f3a9d01';
  event.detail.eventName = 'DeleteBackup';
  event.detail.requestParameters = { backupArn: 'arn:aws:dynamodb:eu-west-1:111122223333:table/orders/backup/01' };
  fs.writeFileSync(path.join(root, 'events/dynamodb/delete-backup.json'), JSON.stringify(event, null, 2));
  return 'events/dynamodb/delete-backup.json';
}

describe('Command: patchbay new --from', () => {
  let root: string;
  beforeEach(() => {
    root = copyProject();
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('writes a pattern file matching the event, with it as match test and its closest non-matching sibling as no-match, and patchbay test passes', async () => {
    // Prepare
    const from = writeDeleteBackup(root);
    const io = testIo(root);

    // Act
    const code = await runNew({ from }, io);
    const tested = testIo(root);
    const testCode = await runTest({ json: true }, tested);

    // Assess
    expect(code).toBe(0);
    expect(io.out()).toContain('patchbay new: wrote patterns/dynamodb/delete-backup.yml (rule dynamodb-delete-backup)');
    const text = fs.readFileSync(path.join(root, 'patterns/dynamodb/delete-backup.yml'), 'utf8');
    expect(text).toContain('    eventName: [DeleteBackup]\n    errorCode: [{ exists: false }]\n');
    expect(text).toContain('  match:\n    - events/dynamodb/delete-backup.json\n  no-match:\n    - events/dynamodb/create-table.json\n');
    expect(testCode).toBe(0);
    const report = JSON.parse(tested.out()) as { results: { rule: string; event: string; passed: boolean }[] };
    expect(report.results.filter((r) => r.rule === 'dynamodb-delete-backup').map((r) => [r.event, r.passed])).toEqual([
      ['events/dynamodb/delete-backup.json', true],
      ['events/dynamodb/create-table.json', true],
    ]);
  });

  it('takes --name and --topic, and --print writes nothing', async () => {
    // Prepare
    const from = writeDeleteBackup(root);
    const io = testIo(root);

    // Act
    const code = await runNew({ from, name: 'backups/deleted', topic: 'operations', print: true }, io);

    // Assess
    expect(code).toBe(0);
    expect(io.out()).toMatch(/^ {6}topic: operations$/m);
    expect(fs.existsSync(path.join(root, 'patterns/backups'))).toBe(false);
  });

  it('never overwrites: an existing file or rule name is refused (exit 2, nothing written)', async () => {
    // Prepare
    const io = testIo(root);
    const before = fs.readFileSync(path.join(root, 'patterns/dynamodb/delete-table.yml'), 'utf8');

    // Act
    const code = await runNew({ from: 'events/dynamodb/delete-table.json' }, io);

    // Assess
    expect(code).toBe(2);
    expect(io.err()).toMatch(/^patchbay new: rule dynamodb-delete-table exists \(patterns\/dynamodb\/delete-table\.yml\); choose another --name \[NEW_RULE_EXISTS\]$/m);
    expect(fs.readFileSync(path.join(root, 'patterns/dynamodb/delete-table.yml'), 'utf8')).toBe(before);
  });

  it.each([
    ['a CloudTrail log record', 'events/record.json', { eventVersion: '1.08', eventSource: 'iam.amazonaws.com', eventName: 'CreateUser' }, /a CloudTrail log record without string "source" and "detail-type".*\[NEW_RULE_NOT_AN_EVENT\]/],
    ['a file that is not JSON', 'events/broken.json', '{"source": ', /events\/broken\.json is not JSON: .*\[NEW_RULE_NOT_AN_EVENT\]/],
  ])('refuses %s, naming it (exit 2)', async (_name, file, content, message) => {
    // Prepare
    fs.writeFileSync(path.join(root, file), typeof content === 'string' ? content : JSON.stringify(content));
    const io = testIo(root);

    // Act
    const code = await runNew({ from: file }, io);

    // Assess
    expect(code).toBe(2);
    expect(io.err()).toMatch(message);
    expect(fs.readdirSync(path.join(root, 'patterns')).sort()).toEqual(fs.readdirSync(path.join(PROJECT, 'patterns')).sort());
  });

  it('refuses an event outside the project: sample events are project files', async () => {
    // Prepare
    const outside = path.join(os.tmpdir(), `patchbay-outside-${process.pid}.json`);
    fs.writeFileSync(outside, fs.readFileSync(path.join(root, 'events/dynamodb/delete-table.json')));
    const io = testIo(root);

    // Act
    const code = await runNew({ from: outside }, io);
    fs.rmSync(outside);

    // Assess
    expect(code).toBe(2);
    expect(io.err()).toMatch(/is outside the project .*\[NEW_RULE_NOT_AN_EVENT\]/);
  });

  it('refuses a --name that would not be a rule name', async () => {
    // Prepare
    const from = writeDeleteBackup(root);
    const io = testIo(root);

    // Act
    const code = await runNew({ from, name: '../escape' }, io);

    // Assess
    expect(code).toBe(2);
    expect(io.err()).toContain('[NEW_RULE_NAME_INVALID]');
  });
});
