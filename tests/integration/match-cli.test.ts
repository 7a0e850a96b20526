/**
 * `patchbay match` end to end: the real bin (a child process) on the shared CloudTrail workload, whose matches
 * event-ruler recorded, and the in-process command for exit codes, streaming and line handling.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { MatchExit, buildRuleIndex, runMatch, RulesFileError } from '../../src/cli/commands/match';
import { bufferSink, type CliIo } from '../../src/cli/io';
import { sharedPath } from '../support/shared';

import { runBin as runBinIn } from '../support/run-bin';
const RULES = 200;
const EVENTS = 60;
let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'patchbay-match-cli-'));
  // The first N rules and events of the shared generator are those of the full workload (separate PRNG streams).
  execFileSync(process.execPath, [sharedPath('bench/workload/gen.js'), sharedPath('bench/workload/templates'), dir, String(RULES), String(EVENTS)]);
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});


/** In-process run; `stdin` chunks are fed as given (strings or bytes). */
async function run(options: { rules?: string; maxPatternLength?: number }, stdin: Array<string | Buffer> = []) {
  const stdout = bufferSink();
  const stderr = bufferSink();
  const io: CliIo = { stdout, stderr, stdin: Readable.from(stdin), cwd: dir, env: {} };
  const code = await runMatch(options, io);
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

function writeRules(name: string, lines: string[]): string {
  fs.writeFileSync(path.join(dir, name), lines.join('\n') + '\n');
  return name;
}

describe('Command: patchbay match (real bin)', () => {
  it('answers every event with the rule ids event-ruler matched', async () => {
    // Prepare
    const events = fs.readFileSync(path.join(dir, 'events.jsonl'), 'utf8');
    const expected = fs
      .readFileSync(sharedPath('bench/workload/expected-matches.event-ruler.N10000.tsv'), 'utf8')
      .split('\n')
      .slice(0, EVENTS)
      .map((line) => JSON.stringify((JSON.parse(line.split('\t')[1]) as number[]).filter((id) => id < RULES)));
    // Act
    const result = await runBinIn(['match', '--rules', 'rules.jsonl'], { input: events, cwd: dir });
    // Assess
    expect(result.stderr).toBe('');
    expect(result.code).toBe(MatchExit.OK);
    expect(result.stdout.split('\n')).toEqual([...expected, '']);
  });

  it('exits 2 with AWS\'s message and the line of an invalid pattern, reading no events', async () => {
    // Prepare
    const rules = writeRules('bad-rules.jsonl', ['{"source":["aws.s3"]}', '{"source":"aws.s3"}']);
    // Act
    const result = await runBinIn(['match', '--rules', rules], { input: '{"source":"aws.s3"}\n', cwd: dir });
    // Assess
    expect(result.code).toBe(MatchExit.INVALID_RULES);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'patchbay match: bad-rules.jsonl line 2: rule 1, at /source: InvalidEventPatternException: Event pattern is not valid. Reason: "source" must be an object or an array\n',
    );
  });
});

describe('Function: runMatch', () => {
  const rules = () => writeRules('rules-small.jsonl', ['{"source":["a"]}', '', '{"detail":{"n":[{"numeric":[">",1]}]}}', '{"source":[{"prefix":"é"}]}']);

  it('streams one line per event, skipping blank lines, whatever the chunking', async () => {
    // Prepare: lines split across chunks, a multi-byte character split across byte chunks, no final newline.
    const text = '{"source":"a"}\n\n{"source":"b","detail":{"n":2}}\r\n{"source":"éa"}\n{}';
    const bytes = Buffer.from(text);
    const cut = bytes.indexOf(Buffer.from('é')) + 1;
    // Act
    const result = await run({ rules: rules() }, [bytes.subarray(0, 7), bytes.subarray(7, cut), bytes.subarray(cut)]);
    // Assess
    expect(result).toEqual({ code: MatchExit.OK, stdout: '[0]\n[2]\n[3]\n[]\n', stderr: '' });
  });

  it('answers thousands of events in order', async () => {
    const lines = Array.from({ length: 5000 }, (_, i) => JSON.stringify({ source: i % 2 === 0 ? 'a' : 'b', detail: { n: i % 3 } }));
    const result = await run({ rules: rules() }, [lines.join('\n') + '\n']);
    const expected = Array.from({ length: 5000 }, (_, i) => JSON.stringify([...(i % 2 === 0 ? [0] : []), ...(i % 3 === 2 ? [2] : [])]));
    expect(result.stdout).toBe(expected.join('\n') + '\n');
  });

  it('exits 1 at an event line that is not JSON, after answering the lines before it', async () => {
    const result = await run({ rules: rules() }, ['{"source":"a"}\n{"source":\n{"source":"a"}\n']);
    expect(result.code).toBe(MatchExit.INVALID_EVENT);
    expect(result.stdout).toBe('[0]\n');
    expect(result.stderr).toMatch(/^patchbay match: stdin line 2: the event is not JSON: /);
  });

  it('answers an event nested deeper than 1,000 levels with AWS\'s error and goes on (exit 1, every line answered)', async () => {
    // Prepare: 4,689 levels, which exhausted the stack before
    const deep = `{"source":"a","detail":${'{"x":'.repeat(4689)}1${'}'.repeat(4689)}}`;

    // Act
    const result = await run({ rules: rules() }, [`{"source":"a"}\n${deep}\n{"source":"a"}\n`]);

    // Assess
    expect(result.code).toBe(MatchExit.INVALID_EVENT);
    expect(result.stdout).toBe('[0]\n{"error":"Parameter Event is not valid."}\n[0]\n');
    expect(result.stderr).toMatch(/^patchbay match: stdin line 2: ValidationException: Parameter Event is not valid\. \(the event nests objects and arrays deeper than 1000 levels\)$/m);
  });

  it('exits 2 when the rules file cannot be read', async () => {
    const result = await run({ rules: 'missing.jsonl' });
    expect(result).toEqual({ code: MatchExit.INVALID_RULES, stdout: '', stderr: 'patchbay match: missing.jsonl: cannot read missing.jsonl: ENOENT\n' });
  });

  it('applies EventBridge\'s pattern size quota unless told otherwise', async () => {
    const long = writeRules('long.jsonl', [JSON.stringify({ source: ['x'.repeat(2100)] })]);
    expect((await run({ rules: long })).stderr).toMatch(/^patchbay match: long\.jsonl line 1: rule 0: PatternTooLong: /);
    expect((await run({ rules: long, maxPatternLength: 0 }, [`{"source":"${'x'.repeat(2100)}"}\n`])).stdout).toBe('[0]\n');
  });
});

describe('Function: buildRuleIndex', () => {
  it('names the line, rule and column of a JSON syntax error', () => {
    // Act
    const act = () => buildRuleIndex('{"source":["a"]}\n{"source":[a]}\n');
    // Assess
    expect(act).toThrow(RulesFileError);
    expect(act).toThrow(expect.objectContaining({ line: 2, message: expect.stringMatching(/^rule 1, column 12: InvalidEventPatternException: Event pattern is not valid\. Reason: Unrecognized token 'a'/) }));
  });
});
