/**
 * The 182 AWS-recorded conformance cases through the real `patchbay test-event-pattern --jsonl` process:
 * the interface other tools drive must give AWS's answer for every case, in order.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { eventTextWithEnvelope, loadConformanceCases, patternText, type ConformanceCase } from '../support/conformance';

const ROOT = path.resolve(__dirname, '../..');
const cases = loadConformanceCases();

function inputLine(c: ConformanceCase): string {
  return JSON.stringify({ pattern: patternText(c), event: eventTextWithEnvelope(c) });
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
