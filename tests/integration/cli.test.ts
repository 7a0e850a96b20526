/**
 * The real `patchbay` binary (bin/patchbay.js), run as a child process: exit codes, stdout/stderr, and the
 * --jsonl interface other tools drive.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';

import { REPO_ROOT, runBin } from '../support/run-bin';

/** The framework's own test project (a frozen catalog), never the shipped patterns/ and events/. */
const PROJECT = path.join(REPO_ROOT, 'tests/fixtures/project');
const runCli: typeof runBin = (args, options = {}) => runBin(args, { cwd: PROJECT, ...options });


const event = {
  version: '0',
  id: '7f3c1e2a-0b4d-4e5f-8a6b-9c0d1e2f3a4b',
  'detail-type': 'AWS API Call via CloudTrail',
  source: 'aws.dynamodb',
  account: '111122223333',
  time: '2025-06-03T09:14:27Z',
  region: 'eu-west-1',
  resources: [],
  detail: { eventSource: 'dynamodb.amazonaws.com', eventName: 'DeleteTable', requestParameters: { tableName: 'orders' } },
};
const pattern = { source: ['aws.dynamodb'], detail: { eventName: ['DeleteTable'] } };

/** Copy the fixture project (serverless.yml, patterns/, events/) to a fresh directory. */
function copyProject(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'patchbay-cli-'));
  fs.copyFileSync(path.join(PROJECT, 'serverless.yml'), path.join(dir, 'serverless.yml'));
  fs.cpSync(path.join(PROJECT, 'patterns'), path.join(dir, 'patterns'), { recursive: true });
  fs.cpSync(path.join(PROJECT, 'events'), path.join(dir, 'events'), { recursive: true });
  return dir;
}

/** Number of match + no-match entries over every fixture pattern file, read straight from the YAML. */
function countShippedTests(): number {
  const files = fs.readdirSync(path.join(PROJECT, 'patterns'), { recursive: true, encoding: 'utf8' }).filter((f) => /\.ya?ml$/.test(f));
  return files.reduce((sum, file) => {
    const doc = YAML.parse(fs.readFileSync(path.join(PROJECT, 'patterns', file), 'utf8')) as { tests?: { match?: unknown[]; 'no-match'?: unknown[] } };
    return sum + (doc.tests?.match?.length ?? 0) + (doc.tests?.['no-match']?.length ?? 0);
  }, 0);
}

describe('patchbay test-event-pattern', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'patchbay-tep-'));
  const file = (name: string, content: unknown) => {
    const full = path.join(dir, name);
    fs.writeFileSync(full, typeof content === 'string' ? content : JSON.stringify(content));
    return full;
  };
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('prints true and exits 0 when the event matches', async () => {
    // Act
    const run = await runCli(['test-event-pattern', '--pattern', file('p1.json', pattern), '--event', file('e1.json', event)]);

    // Assess
    expect(run).toEqual({ code: 0, stdout: 'true\n', stderr: '' });
  });

  it('prints false and exits 1 when it does not', async () => {
    // Act
    const run = await runCli(['test-event-pattern', '--pattern', file('p2.json', { source: ['aws.s3'] }), '--event', file('e2.json', event)]);

    // Assess
    expect(run).toEqual({ code: 1, stdout: 'false\n', stderr: '' });
  });

  it("prints AWS's InvalidEventPatternException on stderr and exits 2", async () => {
    // Act
    const run = await runCli(['test-event-pattern', '--pattern', file('p3.json', { detail: { count: [{ numeric: ['>', 'x'] }] } }), '--event', file('e3.json', event)]);

    // Assess
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('InvalidEventPatternException: Event pattern is not valid. Reason: Value of > must be numeric\n');
  });

  it('exits 2 with ValidationException for an event TestEventPattern rejects', async () => {
    // Act
    const run = await runCli(['test-event-pattern', '--pattern', file('p4.json', pattern), '--event', file('e4.json', { source: 'aws.dynamodb' })]);

    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('ValidationException: Parameter Event is not valid.\n');
  });

  it('answers --jsonl lines in order, errors included, and exits 0', async () => {
    // Prepare
    const s3Event = { ...event, source: 'aws.s3', detail: { eventName: 'PutBucketPolicy', bytes: 42 } };
    const lines = [
      { pattern, event },
      { pattern: JSON.stringify(pattern), event },
      { pattern, event: JSON.stringify(event) },
      { pattern: JSON.stringify({ source: ['aws.s3'] }), event: JSON.stringify(event) },
      'this line is not JSON',
      { pattern: "{'source': ['aws.s3']}", event },
      { pattern, event: { source: 'aws.dynamodb', 'detail-type': 'x' } },
      { pattern: { source: 'aws.s3' }, event: s3Event },
      { pattern: { detail: { bytes: [{ numeric: ['>', 40, '<=', 42] }] } }, event: s3Event },
      { pattern: { detail: { eventName: [{ 'anything-but': { prefix: 'Put' } }] } }, event: s3Event },
      { pattern: { source: [{ prefix: 'aws.' }], detail: { missing: [{ exists: false }] } }, event: s3Event },
      { event },
      { pattern, event: 'not an event' },
    ];
    const input = lines.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))).join('\n') + '\n';

    // Act
    const run = await runCli(['test-event-pattern', '--jsonl'], { input });

    // Assess
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const output = run.stdout.trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(output).toEqual([
      { result: true },
      { result: true },
      { result: true },
      { result: false },
      { error: expect.stringMatching(/^The input line is not JSON/) },
      { error: expect.stringMatching(/^Event pattern is not valid\. Reason: Unexpected character \(''' \(code 39\)\)/) },
      { error: 'Parameter Event is not valid.' },
      { error: 'Event pattern is not valid. Reason: "source" must be an object or an array' },
      { result: true },
      { result: false },
      { result: true },
      { error: 'The input line has no "pattern"' },
      { error: 'Parameter Event is not valid.' },
    ]);
  });
});

describe('patchbay graph', () => {
  const FULL = path.join(REPO_ROOT, 'tests/fixtures/service-full');

  it('renders the flowchart as SVG offline (beautiful-mermaid parses and lays it out), and the graph as JSON', async () => {
    // Act
    const svg = await runBin(['graph', '--format', 'svg'], { cwd: FULL, timeoutMs: 60_000 });
    const json = await runBin(['graph', '--format', 'json'], { cwd: FULL });

    // Assess
    expect(svg.code).toBe(0);
    expect(svg.stdout.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    for (const rule of ['iam-root-login', 'guardduty-finding', 'ops-heartbeat']) expect(svg.stdout).toContain(rule);
    const graph = JSON.parse(json.stdout) as { nodes: { kind: string }[]; edges: unknown[] };
    expect(graph.nodes.filter((n) => n.kind === 'rule').length).toBe(fs.readdirSync(path.join(FULL, 'patterns'), { recursive: true }).filter((f) => /\.ya?ml$/.test(String(f))).length);
    expect(graph.edges.length).toBeGreaterThan(10);
  }, 90_000);
});

describe('patchbay test', () => {
  it('passes every test of the fixture project and prints the summary line', async () => {
    // Prepare
    const expected = countShippedTests();

    // Act
    const run = await runCli(['test']);

    // Assess
    expect(run.code).toBe(0);
    // The shipped project has CloudTrail rules and no trail of its own: one warning, which does not fail the run.
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^Warnings:\nserverless\.yml:\d+:\d+: warning: \/custom\/patchbay: \d+ rules match "AWS API Call via CloudTrail" events .*\[CLOUDTRAIL_TRAIL_REQUIRED\]\n\n/m);
    expect(run.stdout).toMatch(/^RULE +EVENT +EXPECTED +PATTERN +FILTER +RESULT$/m);
    expect(run.stdout).toMatch(/^ec2-security-group-open-to-world +events\/ec2\/authorize-ingress-https-from-anywhere\.json +no-match +true +false +PASS$/m);
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe(`patchbay test: ${expected} passed, 0 failed, 1 warning`);
    expect(expected).toBeGreaterThanOrEqual(30);
  });

  it('exits 2 and names the file and pointer of every problem of an invalid pattern file', async () => {
    // Prepare
    const root = copyProject();
    fs.mkdirSync(path.join(root, 'patterns/broken'));
    fs.writeFileSync(
      path.join(root, 'patterns/broken/bad.yml'),
      ['description: broken on purpose', 'pattern:', '  source: aws.s3', 'targets:', '  - function: notify', '    notfy: { topic: security }', ''].join('\n'),
    );

    // Act
    const run = await runCli(['test', '--root', root]);

    // Assess
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^patchbay test: invalid catalog \(\d+ problems?\):$/m);
    expect(run.stderr).toMatch(/^patterns\/broken\/bad\.yml:3:\d+: \/pattern\/source: .*\[INVALID_EVENT_PATTERN\]$/m);
    expect(run.stderr).toMatch(/^patterns\/broken\/bad\.yml:\d+:\d+: \/targets\/0\/notfy: .*\[SCHEMA_UNKNOWN_KEY\]$/m);
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('exits 1 and explains a test whose expectation is wrong', async () => {
    // Prepare
    const root = copyProject();
    const file = path.join(root, 'patterns/kms/key-deletion-scheduled.yml');
    const text = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, text.replace('no-match:\n    - events/kms/cancel-key-deletion.json', 'no-match:\n    - events/kms/cancel-key-deletion.json\n    - events/kms/schedule-key-deletion.json'));
    const expected = countShippedTests() + 1;

    // Act
    const run = await runCli(['test', '--root', root]);

    // Assess
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^kms-key-deletion-scheduled +events\/kms\/schedule-key-deletion\.json +no-match +true +no filter +FAIL$/m);
    expect(run.stdout).toMatch(/kms-key-deletion-scheduled events\/kms\/schedule-key-deletion\.json \(patterns\/kms\/key-deletion-scheduled\.yml\): expected no-match, but the event is notified/);
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe(`patchbay test: ${expected - 1} passed, 1 failed, 1 warning`);
    fs.rmSync(root, { recursive: true, force: true });
  });
});

describe('patchbay route', () => {
  it('prints the exact Publish request of one event with --sns dry-run', async () => {
    // Act
    const run = await runCli(['route', '--sns', 'dry-run', 'events/dynamodb/delete-table.json']);

    // Assess
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('== events/dynamodb/delete-table.json');
    expect(run.stdout).toContain('   matched: dynamodb-delete-table');
    expect(run.stdout).toContain('SNS Publish request (dry run):');
    expect(run.stdout).toContain('"TopicArn": "arn:aws:sns:us-east-1:000000000000:patchbay-dev-security"');
    expect(run.stdout).toContain('"Subject": "DynamoDB table orders-prod deleted in 111122223333 eu-west-1"');
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe(
      'patchbay route: 1 event, 1 matched a rule, 1 notification (dry run: Publish requests printed, nothing sent), 0 filtered out by a target filter',
    );
  });

  it('delivers through the local SNS to the HTTP subscriber and exits', async () => {
    // Act
    const run = await runCli(['route', '--stage', 'qa', 'events/signin/console-login-root-success.json', 'events/ec2/instance-running.json']);

    // Assess
    expect(run.code).toBe(0);
    const address = /delivered via local SNS \((127\.0\.0\.1:\d+)\)/.exec(run.stdout)?.[1];
    expect(address).toBeDefined();
    expect(run.stdout).toContain('TopicArn:  arn:aws:sns:us-east-1:000000000000:patchbay-qa-security');
    expect(run.stdout).toContain('Subject:   Root console sign-in to 111122223333 from 192.0.2.10');
    expect(run.stdout).toContain('| Rule: signin-root-sign-in');
    expect(run.stdout).toMatch(/== events\/ec2\/instance-running\.json\n.*\n   matched: no rule\n/);
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe(
      `patchbay route: 2 events, 1 matched a rule, 1 notification delivered via local SNS (${address}), 0 filtered out by a target filter`,
    );
  });

  it('exits 2 for a path that does not exist', async () => {
    // Act
    const run = await runCli(['route', '--sns', 'dry-run', 'events/nope.json']);

    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('patchbay route: no such file or directory: events/nope.json\n');
  });
});
