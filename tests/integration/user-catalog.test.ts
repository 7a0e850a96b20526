/**
 * The framework and the user's catalog are separate: a copy of this project in a temporary directory, with rules
 * added, two shipped rules deleted and a third edited, still passes the README's test command (`npm test`: type
 * check, `patchbay test` on the catalog, then patchbay's own tests), and a broken test of the user's new rule fails
 * it with that rule named.
 *
 * The copy sits beside a link to ../shared, as the repository does, and links node_modules. The nested jest run
 * leaves out this file (it would copy itself forever); every other suite runs there.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../support/run-bin';

const SHARED = path.resolve(REPO_ROOT, '../shared');
const NESTED_TIMEOUT_MS = 600_000;

/** What is not the project: installed packages, build output, VCS data. */
const NOT_COPIED = new Set(['node_modules', '.git', '.serverless', '.patchbay', 'coverage', 'dist']);

function copyProject(): { project: string; parent: string } {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'patchbay-copy-'));
  const project = path.join(parent, 'project');
  fs.cpSync(REPO_ROOT, project, { recursive: true, verbatimSymlinks: true, filter: (source) => !NOT_COPIED.has(path.basename(source)) || path.dirname(source) !== REPO_ROOT });
  fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(project, 'node_modules'), 'dir');
  if (fs.existsSync(SHARED)) fs.symlinkSync(SHARED, path.join(parent, 'shared'), 'dir');
  return { project, parent };
}

function write(project: string, file: string, content: string | object): void {
  const full = path.join(project, file);
  fs.mkdirSync(path.dirname(full), { recursive: true });
  fs.writeFileSync(full, typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`);
}

function npmTest(cwd: string, jestArgs: string[] = []): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['test', '--', ...jestArgs], {
      cwd,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', FORCE_COLOR: '0', CI: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

const finding = (severity: number, id: string) => ({
  version: '0',
  id,
  'detail-type': 'GuardDuty Finding',
  source: 'aws.guardduty',
  account: '123456789012',
  time: '2026-11-30T08:00:00Z',
  region: 'eu-central-1',
  resources: [],
  detail: { schemaVersion: '2.0', accountId: '123456789012', region: 'eu-central-1', id: `finding-${id}`, type: 'UnauthorizedAccess:IAMUser/TorIPCaller', severity, title: 'API called from a Tor exit node' },
});

const createAccessKey = (type: string, id: string) => ({
  version: '0',
  id,
  'detail-type': 'AWS API Call via CloudTrail',
  source: 'aws.iam',
  account: '123456789012',
  time: '2026-11-30T09:00:00Z',
  region: 'us-east-1',
  resources: [],
  detail: {
    eventVersion: '1.09', eventTime: '2026-11-30T09:00:00Z', eventSource: 'iam.amazonaws.com', eventName: 'CreateAccessKey', awsRegion: 'us-east-1',
    recipientAccountId: '123456789012', sourceIPAddress: '198.51.100.7', userIdentity: { type, arn: type === 'Root' ? 'arn:aws:iam::123456789012:root' : 'arn:aws:iam::123456789012:user/ana' },
  },
});

/** A user's pull request: three new rules with their samples, two shipped rules deleted, a third edited. */
function changeCatalog(project: string): void {
  write(project, 'patterns/guardduty/high-severity-finding.yml', [
    'description: A GuardDuty finding of high severity (7.0 and above).',
    'pattern:',
    '  source: [aws.guardduty]',
    '  detail-type: [GuardDuty Finding]',
    '  detail:',
    '    severity: [{ numeric: [">=", 7] }]',
    'targets:',
    '  - function: notify',
    '    select: { type: detail.type, severity: detail.severity, title: detail.title }',
    '    notify: { topic: security, subject: "GuardDuty {type} ({severity}) in {account}" }',
    'tests:',
    '  match:',
    '    - event: events/guardduty/finding-high.json',
    '      subject: "GuardDuty UnauthorizedAccess:IAMUser/TorIPCaller (8.5) in 123456789012"',
    '  no-match: [events/guardduty/finding-medium.json]',
    '',
  ].join('\n'));
  write(project, 'events/guardduty/finding-high.json', finding(8.5, '1f0e6a57-7d3c-4c7e-9a59-0c4f3b1d2e01'));
  write(project, 'events/guardduty/finding-medium.json', finding(5, '1f0e6a57-7d3c-4c7e-9a59-0c4f3b1d2e02'));
  write(project, 'patterns/iam/root-access-key-created.yml', [
    'description: The root user created an access key.',
    'pattern:',
    '  source: [aws.iam]',
    '  detail-type: [AWS API Call via CloudTrail]',
    '  detail:',
    '    eventName: [CreateAccessKey]',
    '    userIdentity: { type: [Root] }',
    '    errorCode: [{ exists: false }]',
    'targets:',
    '  - function: notify',
    '    select: { ip: detail.sourceIPAddress }',
    '    notify: { topic: security, subject: "Root created an access key in {account}" }',
    'tests:',
    '  match: [events/iam/create-access-key-root.json]',
    '  no-match: [events/iam/create-access-key-user.json]',
    '',
  ].join('\n'));
  write(project, 'events/iam/create-access-key-root.json', createAccessKey('Root', '2a0e6a57-7d3c-4c7e-9a59-0c4f3b1d2e03'));
  write(project, 'events/iam/create-access-key-user.json', createAccessKey('IAMUser', '2a0e6a57-7d3c-4c7e-9a59-0c4f3b1d2e04'));
  write(project, 'patterns/ops/daily-digest.yml', [
    'description: Once a day, a digest run.',
    'schedule: rate(1 day)',
    'targets:',
    '  - function: notify',
    '',
  ].join('\n'));
  fs.rmSync(path.join(project, 'patterns/cis/4-8-s3-bucket-policy-changes.yml'));
  fs.rmSync(path.join(project, 'patterns/cis/4-7-kms-key-disabled-or-deletion-scheduled.yml'));
  const edited = path.join(project, 'patterns/dynamodb/delete-table.yml');
  const text = fs.readFileSync(edited, 'utf8');
  const changed = text.replace(/description: .*/, 'description: A DynamoDB table was deleted (our wording).').replace(/topic: security/, 'topic: operations').replace(/subject: .*/, 'subject: "Table {table} is gone"');
  expect(changed).not.toBe(text);
  fs.writeFileSync(edited, changed);
}

describe("A user's catalog changes in a copy of the project", () => {
  let project: string;
  let parent: string;

  beforeAll(() => {
    ({ project, parent } = copyProject());
    changeCatalog(project);
    // As the user's pull request does: the catalog's documentation follows the rules (npm test checks it is current).
    execFileSync(process.execPath, ['bin/patchbay.js', 'catalog'], { cwd: project, env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } });
  });
  afterAll(() => fs.rmSync(parent, { recursive: true, force: true }));

  it("pass the README's test command there: the catalog's own tests, then every framework test", async () => {
    // Act
    const run = await npmTest(project, ['--testPathIgnorePatterns', 'tests/integration/user-catalog\\.test\\.ts$']);

    // Assess
    expect({ code: run.code, tail: run.code === 0 ? '' : run.output.slice(-4000) }).toEqual({ code: 0, tail: '' });
    expect(run.output).toMatch(/^guardduty-high-severity-finding +events\/guardduty\/finding-high\.json +match +true +no filter +PASS$/m);
    expect(run.output).toMatch(/^iam-root-access-key-created +events\/iam\/create-access-key-user\.json +no-match +false +- +PASS$/m);
    expect(run.output).not.toMatch(/cis-4-7-kms-key-disabled-or-deletion-scheduled/);
    expect(run.output).toMatch(/^events\/kms\/schedule-key-deletion\.json: warning: a sample event no rule test names; .*\[SAMPLE_EVENT_UNUSED\]$/m);
    expect(run.output).toMatch(/^patchbay test: \d+ passed, 0 failed, \d+ warnings$/m);
    expect(run.output).toMatch(/^Tests: +\d+ passed, \d+ total$/m);
  }, NESTED_TIMEOUT_MS);

  it("fails there with the rule named when one of the new rule's tests is wrong", async () => {
    // Prepare
    const file = path.join(project, 'patterns/guardduty/high-severity-finding.yml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('(8.5) in 123456789012', '(9.5) in 123456789012'));

    // Act
    const run = await npmTest(project);

    // Assess
    expect(run.code).not.toBe(0);
    expect(run.output).toContain(
      'guardduty-high-severity-finding events/guardduty/finding-high.json (patterns/guardduty/high-severity-finding.yml): notified, but the notification differs: subject: expected "GuardDuty UnauthorizedAccess:IAMUser/TorIPCaller (9.5) in 123456789012", rendered "GuardDuty UnauthorizedAccess:IAMUser/TorIPCaller (8.5) in 123456789012"',
    );
    expect(run.output).toMatch(/^patchbay test: \d+ passed, 1 failed/m);
    expect(run.output).not.toMatch(/^Tests: /m);
  }, NESTED_TIMEOUT_MS);
});
