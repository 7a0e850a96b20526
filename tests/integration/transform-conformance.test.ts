/**
 * The 41 AWS-recorded input-transformer cases of ../shared/conformance/eventbridge-input-transformers.json through
 * the real `patchbay transform --jsonl` process: a delivered text (exact, or as JSON where only the parsed body was
 * recorded), nothing delivered, or PutTargets' refusal with AWS's message. `<ingestion-time>` is the only wildcard.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sharedPath } from '../support/shared';

const ROOT = path.resolve(__dirname, '../..');

interface TransformerCase {
  id: string;
  event: unknown;
  input_config: Record<string, unknown>;
  context?: Record<string, string> | null;
  expected: 'output' | 'no-output' | 'invalid-config';
  output_format?: 'text' | 'json';
  expected_output?: string;
  expected_output_json?: unknown;
  error?: string;
}

const cases: TransformerCase[] = JSON.parse(readFileSync(sharedPath('conformance', 'eventbridge-input-transformers.json'), 'utf8'));

/** `<ingestion-time>` in the expectation matches any string at that place. */
function sameJson(actual: unknown, expected: unknown): boolean {
  if (expected === '<ingestion-time>') return typeof actual === 'string';
  if (Array.isArray(expected)) return Array.isArray(actual) && actual.length === expected.length && expected.every((e, i) => sameJson(actual[i], e));
  if (typeof expected === 'object' && expected !== null) {
    if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) return false;
    const keys = Object.keys(expected);
    return JSON.stringify(Object.keys(actual)) === JSON.stringify(keys) && keys.every((k) => sameJson((actual as Record<string, unknown>)[k], (expected as Record<string, unknown>)[k]));
  }
  return actual === expected;
}

function agrees(c: TransformerCase, line: Record<string, unknown>): boolean {
  if (c.expected === 'invalid-config') return line.error === c.error;
  if (c.expected === 'no-output') return JSON.stringify(line) === '{"delivered":false}';
  if (typeof line.output !== 'string') return false;
  if (c.output_format === 'text') {
    const pattern = new RegExp(`^${(c.expected_output ?? '').split('<ingestion-time>').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 's');
    return pattern.test(line.output);
  }
  try {
    return sameJson(JSON.parse(line.output), c.expected_output_json);
  } catch {
    return false;
  }
}

describe('Integration: patchbay transform --jsonl on the AWS-recorded input-transformer cases', () => {
  it('answers all 41 cases as AWS did, one line per input, in order, and goes on after a line that is not JSON', () => {
    // Prepare: the scheduled-rule case has no recorded event; its input is a constant, so any event will do.
    const lines = cases.map((c) => JSON.stringify({ event: c.event ?? {}, input: c.input_config, ...(c.context ? { context: c.context } : {}) }));
    const input = [...lines.slice(0, 20), 'not json', ...lines.slice(20)].join('\n') + '\n';

    // Act
    const run = spawnSync(process.execPath, [path.join(ROOT, 'bin/patchbay.js'), 'transform', '--jsonl'], { input, encoding: 'utf8', timeout: 60_000 });

    // Assess
    expect(run.status).toBe(0);
    const out = run.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(out).toHaveLength(42);
    expect(out[20]).toEqual({ error: expect.stringMatching(/^The input line is not JSON/) });
    const answers = [...out.slice(0, 20), ...out.slice(21)];
    expect(cases).toHaveLength(41);
    const disagreements = cases.filter((c, i) => !agrees(c, answers[i])).map((c, i) => ({ id: c.id, got: answers[cases.indexOf(c)] ?? i }));
    expect(disagreements).toEqual([]);
  });
});
