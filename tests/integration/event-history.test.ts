/**
 * `patchbay backtest --event-history` against a loopback server speaking CloudTrail's JSON protocol (AWS JSON 1.1,
 * `X-Amz-Target: CloudTrail_20131101.LookupEvents`), driven by the real
 * `@aws-sdk/client-cloudtrail` through `AWS_ENDPOINT_URL_CLOUDTRAIL`: paging by NextToken, a ThrottlingException
 * retried, requests spaced for the 2-per-second limit, an AccessDeniedException reported. The per-rule counts must
 * equal `backtest` of the same records as a log file.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { BacktestReport } from '../../src/backtest';
import { runBacktestCommand } from '../../src/cli/commands/backtest';
import { testIo } from '../support/cli-io';

const REPO = path.resolve(__dirname, '../..');
const PROJECT = path.join(REPO, 'tests/fixtures/project');
const RECORDS_DIR = path.resolve(REPO, '../shared/events-corpus/cloudtrail-records');
const TARGET = 'CloudTrail_20131101.LookupEvents';

/** The corpus records, as Event history would hold them (each with an eventTime). */
const records = fs
  .readdirSync(RECORDS_DIR)
  .filter((name) => name.endsWith('.json'))
  .sort()
  .map((name) => JSON.parse(fs.readFileSync(path.join(RECORDS_DIR, name), 'utf8')) as Record<string, unknown>)
  .filter((record) => typeof record.eventTime === 'string');

interface Request {
  target: string | undefined;
  body: Record<string, unknown>;
  at: number;
}

/** A LookupEvents server: pages of `pageSize`, the first request throttled when `throttleFirst`, or always denied. */
function startCloudTrail(options: { pageSize: number; throttleFirst?: boolean; deny?: boolean }): Promise<{ endpoint: string; requests: Request[]; close: () => Promise<void> }> {
  const requests: Request[] = [];
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    req.on('end', () => {
      const body = JSON.parse(text || '{}') as Record<string, unknown>;
      requests.push({ target: req.headers['x-amz-target'] as string | undefined, body, at: Date.now() });
      const reply = (status: number, payload: unknown) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': `req-${requests.length}` });
        res.end(JSON.stringify(payload));
      };
      if (options.deny) return reply(400, { __type: 'AccessDeniedException', message: 'User is not authorized to perform: cloudtrail:LookupEvents' });
      if (options.throttleFirst && requests.length === 1) return reply(400, { __type: 'ThrottlingException', message: 'Rate exceeded' });
      const from = Number(body.NextToken ?? 0);
      const size = Math.min(options.pageSize, Number(body.MaxResults ?? 50));
      const page = records.slice(from, from + size).map((record) => ({
        EventId: record.eventID,
        EventName: record.eventName,
        EventTime: Date.parse(record.eventTime as string) / 1000,
        EventSource: record.eventSource,
        CloudTrailEvent: JSON.stringify(record),
      }));
      reply(200, { Events: page, ...(from + size < records.length ? { NextToken: String(from + size) } : {}) });
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ endpoint: `http://127.0.0.1:${port}`, requests, close: () => new Promise((done) => server.close(() => done())) });
    }),
  );
}

describe('Command: patchbay backtest --event-history', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });
  const useEndpoint = (endpoint: string) => {
    Object.assign(process.env, { AWS_ENDPOINT_URL_CLOUDTRAIL: endpoint, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1' });
    delete process.env.AWS_PROFILE;
  };
  const countsOf = (report: BacktestReport) => report.rules.map(({ rule, matched, notified, byDay, topActors }) => ({ rule, matched, notified, byDay, topActors }));

  it('reads every page, retries a throttled request, and counts as the file backtest of the same records', async () => {
    // Prepare
    const cloudTrail = await startCloudTrail({ pageSize: 10, throttleFirst: true });
    useEndpoint(cloudTrail.endpoint);
    const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'patchbay-history-'));
    fs.writeFileSync(path.join(logDir, 'records.json'), JSON.stringify({ Records: records }));

    // Act
    const history = testIo(PROJECT);
    const historyCode = await runBacktestCommand([], { eventHistory: true, regions: 'us-east-1', since: '2010-01-01', until: '2030-01-01', json: true }, history);
    const files = testIo(PROJECT);
    const filesCode = await runBacktestCommand([logDir], { json: true, workers: '0' }, files);
    await cloudTrail.close();
    fs.rmSync(logDir, { recursive: true, force: true });

    // Assess
    expect(history.err()).toBe('');
    expect(historyCode).toBe(0);
    expect(filesCode).toBe(0);
    const fromHistory = JSON.parse(history.out()) as BacktestReport;
    const fromFiles = JSON.parse(files.out()) as BacktestReport;
    expect(fromHistory.records).toBe(records.length);
    expect(countsOf(fromHistory)).toEqual(countsOf(fromFiles));
    expect(fromHistory.rules.length).toBeGreaterThan(0);
    expect(fromHistory.neverFired).toEqual(fromFiles.neverFired);
    // 1 throttled + ceil(n / 10) pages, every one a LookupEvents call with the window and 50 a page.
    const pages = Math.ceil(records.length / 10);
    expect(cloudTrail.requests).toHaveLength(1 + pages);
    expect(cloudTrail.requests.map((r) => [r.target, r.body.MaxResults])).toEqual(cloudTrail.requests.map(() => [TARGET, 50]));
    expect(cloudTrail.requests.map((r) => r.body.NextToken ?? null)).toEqual([null, null, ...Array.from({ length: pages - 1 }, (_, i) => String((i + 1) * 10))]);
    expect(cloudTrail.requests[1].body.StartTime).toBe(Date.parse('2010-01-01T00:00:00Z') / 1000);
    expect(cloudTrail.requests[1].body.EndTime).toBe(Date.parse('2030-01-01T00:00:00Z') / 1000);
    // Pages of one Region are at least 500 ms apart (2 requests per second per account and Region).
    for (let i = 2; i < cloudTrail.requests.length; i++) expect(cloudTrail.requests[i].at - cloudTrail.requests[i - 1].at).toBeGreaterThanOrEqual(495);
  });

  it('reports a refused LookupEvents with the service error, exit 1', async () => {
    // Prepare
    const cloudTrail = await startCloudTrail({ pageSize: 10, deny: true });
    useEndpoint(cloudTrail.endpoint);

    // Act
    const io = testIo(PROJECT);
    const code = await runBacktestCommand([], { eventHistory: true, regions: 'eu-west-1' }, io);
    await cloudTrail.close();

    // Assess
    expect(code).toBe(1);
    expect(io.err()).toBe('patchbay backtest: Event history of eu-west-1: AccessDeniedException: User is not authorized to perform: cloudtrail:LookupEvents\n');
  });

  it('refuses files together with --event-history, and neither', async () => {
    // Act
    const both = testIo(PROJECT);
    const bothCode = await runBacktestCommand(['logs'], { eventHistory: true }, both);
    const neither = testIo(PROJECT);
    const neitherCode = await runBacktestCommand([], {}, neither);

    // Assess
    expect([bothCode, neitherCode]).toEqual([2, 2]);
    expect(both.err()).toBe('patchbay backtest: --event-history reads Event history, not files: give one or the other\n');
    expect(neither.err()).toBe('patchbay backtest: name CloudTrail log files or folders, or --event-history\n');
  });
});
