/**
 * `patchbay backtest` on log files this test assembles from the corpus's CloudTrail records (plain, gzipped, a
 * single record, a malformed file), against counts written by reading the records: which rule each record reaches,
 * in which Region, read-only or not, inside the time window or not.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { runBacktestCommand } from '../../../src/cli/commands/backtest';
import type { BacktestReport } from '../../../src/backtest';
import { testIo } from '../../support/cli-io';
import { writeFixtureProject } from '../cli/fixture-project';

const SHARED = path.resolve(__dirname, '../../../../shared/events-corpus');
const record = (name: string): Record<string, unknown> => JSON.parse(fs.readFileSync(path.join(SHARED, 'cloudtrail-records', name), 'utf8')) as Record<string, unknown>;

/** A read-only management call, written for this test (no read-only record in the corpus). */
const listKeys = {
  eventVersion: '1.08',
  userIdentity: { type: 'IAMUser', principalId: 'AIDAEXAMPLE', arn: 'arn:aws:iam::111122223333:user/Alice', accountId: '111122223333', userName: 'Alice' },
  eventTime: '2021-03-23T19:00:00Z',
  eventSource: 'kms.amazonaws.com',
  eventName: 'ListKeys',
  awsRegion: 'us-east-1',
  sourceIPAddress: '192.0.2.10',
  requestParameters: null,
  responseElements: null,
  eventID: 'b7d1a5a2-0000-4000-8000-000000000001',
  readOnly: true,
  eventType: 'AwsApiCall',
  managementEvent: true,
  recipientAccountId: '111122223333',
  eventCategory: 'Management',
};

const serverless = [
  'service: fixture',
  'provider: { name: aws, region: us-east-1 }',
  'custom:',
  '  patchbay:',
  '    topics:',
  '      security: { subscriptions: [] }',
  '    buses:',
  '      default: {}',
  '      orders: { type: custom }',
  'functions:',
  '  notify: { handler: handlers/notify.handler }',
  '',
].join('\n');

const notifyTarget = (subject: string, filter?: string): string =>
  ['targets:', '  - function: notify', ...(filter ? [`    filter: "${filter}"`] : []), `    notify: { topic: security, subject: "${subject}" }`].join('\n');

describe('Command: patchbay backtest', () => {
  let root: string;
  beforeAll(() => {
    const logs = {
      // Plain: DeleteTable (us-west-2, 2015), ScheduleKeyDeletion (2021), four sign-ins of which two are in us-east-2.
      'logs/2015/a.json': JSON.stringify({
        Records: ['dynamodb-deletetable-assumedrole.json', 'kms-schedulekeydeletion.json', 'consolelogin-iamuser-failure.json', 'consolelogin-iamuser-success.json', 'consolelogin-root-failure.json', 'consolelogin-iamuser-failure-iam-guide.json'].map(record),
      }),
      // Single record file, in a nested folder.
      'logs/2022/nested/single.json': JSON.stringify(record('consolelogin-root-success.json')),
      // Not JSON: counted as a file error, the other files still count.
      'logs/broken.json': fs.readFileSync(path.join(SHARED, 'cloudtrail-log-files/malformed/SerializerTestFileBadJsonFormat.json'), 'utf8'),
      'notes.txt': 'not a log file',
    };
    root = writeFixtureProject({
      'serverless.yml': serverless,
      'patterns/dynamodb/delete-table.yml': `pattern: { source: [aws.dynamodb], detail: { eventName: [DeleteTable] } }\n${notifyTarget('Table deleted')}\n`,
      'patterns/signin/failed.yml': `pattern: { detail-type: [AWS Console Sign In via CloudTrail] }\n${notifyTarget('Sign-in failed', "detail.responseElements.ConsoleLogin == 'Failure'")}\n`,
      'patterns/kms/writes.yml': `pattern: { source: [aws.kms] }\n${notifyTarget('KMS call')}\n`,
      'patterns/kms/all-calls.yml': `state: ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS\npattern: { source: [aws.kms] }\n${notifyTarget('KMS call')}\n`,
      'patterns/never.yml': `pattern: { source: [aws.nothing] }\n${notifyTarget('Never')}\n`,
      'patterns/orders.yml': `bus: orders\npattern: { source: [aws.dynamodb] }\n${notifyTarget('Order')}\n`,
      ...logs,
    });
    // Gzipped: the second sign-in success (us-east-1), the read-only ListKeys, a record with every field null.
    const nulls = (JSON.parse(fs.readFileSync(path.join(SHARED, 'cloudtrail-log-files/SerializerAllFieldsNull.json'), 'utf8')) as { Records: unknown[] }).Records[0];
    fs.writeFileSync(path.join(root, 'logs/2022/b.json.gz'), zlib.gzipSync(JSON.stringify({ Records: [record('stratus-consolelogin-iamuser-nomfa.json'), listKeys, nulls] })));
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  async function backtest(args: string[], options: Record<string, unknown> = {}): Promise<{ code: number; report: BacktestReport; stderr: string }> {
    const io = testIo(root);
    const code = await runBacktestCommand(args, { json: true, workers: '0', ...options }, io);
    return { code, report: JSON.parse(io.out() || 'null') as BacktestReport, stderr: io.err() };
  }

  it('counts, per rule, what EventBridge would have delivered and what the targets would have notified', async () => {
    // Act
    const { code, report, stderr } = await backtest(['logs']);

    // Assess
    expect(code).toBe(1); // logs/broken.json is not JSON
    expect(stderr).toMatch(/^patchbay backtest: logs\/broken\.json: not JSON: /m);
    expect(report.records).toBe(10); // 6 + 3 + 1; broken.json gives none
    expect(report.converted).toBe(9); // the all-null record has no eventSource
    expect(report.skipped).toEqual([
      { file: 'logs/2022/b.json.gz', index: 2, reason: 'no eventSource' },
      { file: 'logs/broken.json', index: -1, reason: expect.stringMatching(/^not JSON: /) },
    ]);
    const counts = Object.fromEntries(report.rules.map((r) => [r.rule, [r.matched, r.notified]]));
    expect(counts).toEqual({
      // Sign-in is a global service: the two us-east-2 sign-ins never reach a us-east-1-only bus. Of the four
      // left, the filter keeps the two failures.
      'signin-failed': [4, 2],
      // ScheduleKeyDeletion, and the read-only ListKeys only where the rule takes all management events.
      'kms-all-calls': [2, 2],
      'kms-writes': [1, 1],
      'dynamodb-delete-table': [1, 1],
    });
    expect(report.rules.map((r) => r.rule)).toEqual(['signin-failed', 'kms-all-calls', 'dynamodb-delete-table', 'kms-writes']); // noisiest first: notified, then matched, then name
    expect(report.neverFired).toEqual(['never']);
    expect(report.notApplicable).toEqual([{ rule: 'orders', reason: 'on the orders bus: CloudTrail delivers to the default bus only' }]);
    const dynamodb = report.rules.find((r) => r.rule === 'dynamodb-delete-table');
    expect(dynamodb).toEqual({
      rule: 'dynamodb-delete-table',
      matched: 1,
      notified: 1,
      byDay: { '2015-05-04': 1 },
      topActors: [{ arn: 'arn:aws:sts::111122223333:assumed-role/users/bob', count: 1 }],
      topResources: [],
      sample: { subject: expect.stringContaining('Table deleted'), message: expect.stringContaining('Rule: dynamodb-delete-table'), file: 'logs/2015/a.json', index: 0 },
    });
    expect(report.rules.find((r) => r.rule === 'signin-failed')?.byDay).toEqual({ '2022-11-10': 2 });
  });

  it('gives the same report from worker threads as from one thread', async () => {
    // Act
    const one = await backtest(['logs'], { workers: '0' });
    const two = await backtest(['logs'], { workers: '2' });

    // Assess
    expect(one.report.rules).toHaveLength(4);
    expect(two.report).toEqual(one.report);
    expect(two.code).toBe(one.code);
  });

  it('keeps to --since/--until and --regions', async () => {
    // Act
    const window = await backtest(['logs/2015/a.json', 'logs/2022'], { since: '2021-01-01', until: '2022-01-01' });
    const west = await backtest(['logs/2015/a.json'], { regions: 'us-west-2' });

    // Assess
    expect(window.code).toBe(0);
    expect(window.report.outsideWindow).toBe(7); // everything but ScheduleKeyDeletion and ListKeys (2021) and the null record
    expect(Object.fromEntries(window.report.rules.map((r) => [r.rule, r.matched]))).toEqual({ 'kms-all-calls': 2, 'kms-writes': 1 });
    expect(west.report.rules.map((r) => r.rule)).toEqual(['dynamodb-delete-table']);
  });

  it('prints text and markdown reports for people', async () => {
    // Act
    const text = testIo(root);
    const textCode = await runBacktestCommand(['logs/2015/a.json'], { workers: '0' }, text);
    const markdown = testIo(root);
    await runBacktestCommand(['logs/2015/a.json'], { workers: '0', format: 'markdown' }, markdown);

    // Assess
    expect(textCode).toBe(0);
    expect(text.out().split('\n')[0]).toBe('6 records, 6 converted, 0 skipped');
    expect(text.out()).toMatch(/^signin-failed: 2 matched, 2 notified$/m);
    expect(text.out()).toMatch(/^never fired \(1\): never$/m);
    expect(text.out()).toMatch(/^not backtested \(1\): orders \(on the orders bus/m);
    expect(markdown.out()).toContain('| Rule | Matched | Notified | By day | Top actors | Top resources | Sample subject |');
    expect(markdown.out()).toMatch(/^\| `dynamodb-delete-table` \| 1 \| 1 \| 2015-05-04 1 \|/m);
  });

  it('refuses a bad --since, --regions, --workers or a missing path, exit 2', async () => {
    // Act
    const results = await Promise.all([
      backtest(['logs'], { since: 'yesterday-ish' }),
      backtest(['logs'], { regions: 'mars' }),
      backtest(['logs'], { workers: '-1' }),
      backtest(['no-such-folder']),
    ]);

    // Assess
    expect(results.map((r) => r.code)).toEqual([2, 2, 2, 2]);
    expect(results.map((r) => r.stderr.trim())).toEqual([
      'patchbay backtest: --since "yesterday-ish" is not an ISO 8601 time (e.g. 2026-11-01 or 2026-11-01T12:00:00Z)',
      'patchbay backtest: --regions "mars" must list Region codes such as us-east-1,eu-west-1 (or \'deployed\')',
      'patchbay backtest: --workers "-1" must be an integer from 0 to 64',
      'patchbay backtest: no such file or directory: no-such-folder',
    ]);
  });
});
