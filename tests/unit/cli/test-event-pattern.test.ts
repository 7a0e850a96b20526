import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { evaluateJsonLine, runTestEventPattern } from '../../../src/cli/commands/test-event-pattern';
import { testIo as makeIo } from '../../support/cli-io';

const event = {
  version: '0',
  id: '0d4e6a2c-1f5b-4c3d-9e8f-7a6b5c4d3e2f',
  'detail-type': 'AWS API Call via CloudTrail',
  source: 'aws.kms',
  account: '111122223333',
  time: '2025-06-09T11:11:11Z',
  region: 'eu-west-1',
  resources: [],
  detail: { eventName: 'ScheduleKeyDeletion' },
};
const pattern = { source: ['aws.kms'], detail: { eventName: ['ScheduleKeyDeletion'] } };

/** This file's io: stdin as given, the working directory. */
function testIo(stdin = '') {
  return makeIo(process.cwd(), [stdin]);
}

describe('Function: evaluateJsonLine', () => {
  it.each([
    ['objects', { pattern, event }, { result: true }],
    ['a raw JSON string pattern', { pattern: JSON.stringify(pattern), event }, { result: true }],
    ['a raw JSON string event', { pattern, event: JSON.stringify({ ...event, source: 'aws.s3' }) }, { result: false }],
  ])('answers %s', (_name, input, expected) => {
    // Act
    const result = evaluateJsonLine(JSON.stringify(input));

    // Assess
    expect(result).toEqual(expected);
  });

  it('returns AWS\'s message for an invalid pattern', () => {
    // Act
    const result = evaluateJsonLine(JSON.stringify({ pattern: { source: 'aws.kms' }, event }));

    // Assess
    expect(result).toEqual({
      error: 'Event pattern is not valid. Reason: "source" must be an object or an array',
    });
  });

  it('returns AWS\'s message for a pattern that is not JSON text', () => {
    // Act
    const result = evaluateJsonLine(JSON.stringify({ pattern: "{'source': ['aws.kms']}", event }));

    // Assess
    expect(Object.keys(result)).toEqual(['error']);
    expect((result as { error: string }).error).toMatch(/^Event pattern is not valid\. Reason: /);
  });

  it('returns ValidationException for an event without the envelope fields', () => {
    // Act
    const result = evaluateJsonLine(JSON.stringify({ pattern, event: { source: 'aws.kms' } }));

    // Assess
    expect(result).toEqual({ error: 'Parameter Event is not valid.' });
  });

  it.each([
    ['not JSON', '{"pattern": ', /not JSON/],
    ['an array', '[1, 2]', /must be a JSON object/],
    ['without an event', JSON.stringify({ pattern }), /no "event"/],
    ['empty', '', /not JSON/],
  ])('reports a line that is %s as an error, without throwing', (_name, line, message) => {
    // Act
    const result = evaluateJsonLine(line);

    // Assess
    expect(result).toEqual({ error: expect.stringMatching(message) });
  });

  it('passes other JSON values to TestEventPattern as their JSON text', () => {
    // Act
    const result = evaluateJsonLine(JSON.stringify({ pattern: 42, event }));

    // Assess
    expect(result).toEqual({ error: expect.stringMatching(/^Event pattern is not valid\. Reason: /) });
  });
});

describe('Function: runTestEventPattern', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'patchbay-tep-'));
  beforeAll(() => {
    fs.writeFileSync(path.join(dir, 'pattern.json'), JSON.stringify(pattern));
    fs.writeFileSync(path.join(dir, 'other.json'), JSON.stringify({ source: ['aws.s3'] }));
    fs.writeFileSync(path.join(dir, 'invalid.json'), JSON.stringify({ source: [{ prefix: 1 }] }));
    fs.writeFileSync(path.join(dir, 'event.json'), JSON.stringify(event));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['pattern.json', 0, 'true\n'],
    ['other.json', 1, 'false\n'],
  ])('prints the result for %s and exits %i', async (patternFile, code, output) => {
    // Prepare
    const io = testIo();

    // Act
    const exitCode = await runTestEventPattern({ pattern: path.join(dir, patternFile), event: path.join(dir, 'event.json') }, io);

    // Assess
    expect(exitCode).toBe(code);
    expect(io.out()).toBe(output);
    expect(io.err()).toBe('');
  });

  it('prints the AWS error on stderr and exits 2 for an invalid pattern', async () => {
    // Prepare
    const io = testIo();

    // Act
    const exitCode = await runTestEventPattern({ pattern: path.join(dir, 'invalid.json'), event: path.join(dir, 'event.json') }, io);

    // Assess
    expect(exitCode).toBe(2);
    expect(io.out()).toBe('');
    expect(io.err()).toBe('InvalidEventPatternException: Event pattern is not valid. Reason: prefix match pattern must be a string\n');
  });

  it('reads the event from stdin with --event -', async () => {
    // Prepare
    const io = testIo(JSON.stringify(event));

    // Act
    const exitCode = await runTestEventPattern({ pattern: path.join(dir, 'pattern.json'), event: '-' }, io);

    // Assess
    expect(exitCode).toBe(0);
  });

  it.each([
    ['no files', {}],
    ['a missing file', { pattern: path.join(dir, 'missing.json'), event: path.join(dir, 'event.json') }],
    ['--jsonl with files', { jsonl: true, pattern: path.join(dir, 'pattern.json') }],
  ])('exits 2 with a usage message for %s', async (_name, options) => {
    // Prepare
    const io = testIo();

    // Act
    const exitCode = await runTestEventPattern(options, io);

    // Assess
    expect(exitCode).toBe(2);
    expect(io.err()).toMatch(/^patchbay test-event-pattern: /);
  });

  it('answers --jsonl lines in order, one output line per input line', async () => {
    // Prepare
    const lines = [
      JSON.stringify({ pattern, event }),
      'not json',
      JSON.stringify({ pattern: { source: ['aws.s3'] }, event }),
      '',
      JSON.stringify({ pattern: JSON.stringify(pattern), event: JSON.stringify(event) }),
    ];
    const io = testIo(lines.join('\r\n') + '\n');

    // Act
    const exitCode = await runTestEventPattern({ jsonl: true }, io);

    // Assess
    expect(exitCode).toBe(0);
    const output = io.out().split('\n');
    expect(output.pop()).toBe('');
    expect(output.map((line) => JSON.parse(line))).toEqual([
      { result: true },
      { error: expect.stringMatching(/^The input line/) },
      { result: false },
      { error: expect.stringMatching(/^The input line/) },
      { result: true },
    ]);
  });

  it('streams thousands of --jsonl lines', async () => {
    // Prepare
    const line = JSON.stringify({ pattern, event });
    const count = 5000;
    const io = testIo(Array.from({ length: count }, (_, i) => (i % 2 ? line : '{}')).join('\n'));

    // Act
    const started = Date.now();
    await runTestEventPattern({ jsonl: true }, io);

    // Assess
    const output = io.out().trimEnd().split('\n');
    expect(output).toHaveLength(count);
    expect(JSON.parse(output[1])).toEqual({ result: true });
    expect(JSON.parse(output[0])).toEqual(expect.objectContaining({ error: expect.any(String) }));
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
