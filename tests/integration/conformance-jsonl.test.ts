/**
 * The 182 AWS-recorded conformance cases through the real `patchbay test-event-pattern --jsonl` process:
 * the interface other tools drive must give AWS's answer for every case, in order.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sharedPath } from '../support/shared';

interface ConformanceCase {
  id: string;
  pattern: unknown;
  event: unknown;
  expected: 'match' | 'no-match' | 'invalid-pattern' | 'invalid-event';
  error?: string;
  pattern_json?: string;
  event_json?: string;
}

const ROOT = path.resolve(__dirname, '../..');
const cases: ConformanceCase[] = JSON.parse(readFileSync(sharedPath('conformance', 'eventbridge-patterns.json'), 'utf8'));

/** Pattern and event as the exact text sent to AWS; PutEvents cases get the envelope EventBridge adds. */
function inputLine(c: ConformanceCase): string {
  const pattern = c.pattern_json ?? (typeof c.pattern === 'string' ? c.pattern : JSON.stringify(c.pattern));
  let event = c.event_json ?? (typeof c.event === 'string' ? c.event : JSON.stringify(c.event));
  const putEventsCase = c.expected !== 'invalid-event' && typeof c.event === 'object' && c.event !== null && !('id' in c.event);
  if (putEventsCase) event = JSON.stringify({ id: 'e1', account: '123456789012', time: '2024-01-01T00:00:00Z', region: 'us-east-1', ...(c.event as object) });
  return JSON.stringify({ pattern, event });
}

describe('Integration: patchbay test-event-pattern --jsonl on the conformance cases', () => {
  it('answers all 182 cases as AWS did, one line per input, in order', () => {
    // Act
    const run = spawnSync(process.execPath, [path.join(ROOT, 'bin/patchbay.js'), 'test-event-pattern', '--jsonl'], {
      input: cases.map(inputLine).join('\n') + '\n',
      encoding: 'utf8',
      timeout: 60_000,
    });

    // Assess
    expect(run.status).toBe(0);
    const lines = run.stdout.trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(lines).toHaveLength(182);
    const expected = cases.map((c) => (c.expected === 'match' ? { result: true } : c.expected === 'no-match' ? { result: false } : { error: c.error }));
    const disagreements = cases.filter((_c, i) => JSON.stringify(lines[i]) !== JSON.stringify(expected[i])).map((c) => c.id);
    expect(disagreements).toEqual([]);
  });
});
