/**
 * Schedule rules in the CLI: `tests.fires` checked by `patchbay test`, and `patchbay route --schedule` delivering
 * the Scheduled Event to the rule's function targets.
 */
import fs from 'node:fs';
import { runRoute } from '../../../src/cli/commands/route';
import { runTest } from '../../../src/cli/commands/test';
import { testIo } from '../../support/cli-io';
import { writeFixtureProject } from './fixture-project';

const target = ['targets:', '  - function: notify', '    notify: { topic: operations, subject: "Weekly report due" }'].join('\n');

describe('Schedule rules', () => {
  let root: string;
  beforeAll(() => {
    root = writeFixtureProject({
      // Mondays at 12:00 UTC (2 = MON): after Friday 4 December 2026, the 7th and the 14th.
      'patterns/weekly.yml': `schedule: cron(0 12 ? * 2 *)\n${target}\ntests:\n  after: "2026-12-04T00:00:00Z"\n  fires: ["2026-12-07T12:00:00Z", "2026-12-14T12:00:00Z"]\n`,
      // Without after: consecutive firings, one period apart.
      'patterns/hourly.yml': `schedule: rate(1 hour)\n${target}\ntests:\n  fires: ["2026-12-07T12:00:00Z", "2026-12-07T13:00:00Z", "2026-12-07T14:00:00Z"]\n`,
    });
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('patchbay test checks the firings of schedule rules', async () => {
    // Act
    const io = testIo(root);
    const code = await runTest({ json: true }, io);

    // Assess
    const report = JSON.parse(io.out()) as { passed: number; failed: number; results: Array<{ rule: string; expected: string; passed: boolean }> };
    expect(code).toBe(0);
    expect(report.results.map((r) => [r.rule, r.expected, r.passed])).toEqual([
      ['hourly', 'fires', true],
      ['weekly', 'fires', true],
    ]);
  });

  it('patchbay test fails a wrong firing and says when the schedule fires', async () => {
    // Prepare
    const wrong = writeFixtureProject({
      // A Sunday-is-1 mistake: 1 is SUN in AWS's numbering, so this fires on Sundays, not Mondays.
      'patterns/weekly.yml': `schedule: cron(0 12 ? * 1 *)\n${target}\ntests:\n  after: "2026-12-04T00:00:00Z"\n  fires: ["2026-12-07T12:00:00Z"]\n`,
    });

    // Act
    const io = testIo(wrong);
    const code = await runTest({}, io);

    // Assess
    expect(code).toBe(1);
    expect(io.out()).toContain('expected firing 1 at 2026-12-07T12:00:00Z, but the schedule fires at 2026-12-06T12:00:00Z (after 2026-12-04T00:00:00Z)');
    fs.rmSync(wrong, { recursive: true, force: true });
  });

  it('patchbay route --schedule delivers the Scheduled Event to the function targets', async () => {
    // Act
    const io = testIo(root);
    const code = await runRoute([], { schedule: 'weekly', sns: 'dry-run', json: true }, io);
    const unknown = testIo(root);
    const unknownCode = await runRoute([], { schedule: 'nope', sns: 'dry-run' }, unknown);

    // Assess
    const report = JSON.parse(io.out()) as { events: Array<{ file: string; deliveries: Array<{ rule: string; status: string; subject?: string }> }> };
    expect(code).toBe(0);
    expect(report.events).toHaveLength(1);
    expect(report.events[0].file).toMatch(/^schedule weekly cron\(0 12 \? \* 2 \*\) at \d{4}-\d{2}-\d{2}T12:00:00Z \(target notify\)$/);
    expect(report.events[0].deliveries).toEqual([expect.objectContaining({ kind: 'function', rule: 'weekly', status: 'dry-run', subject: 'Weekly report due' })]);
    expect(unknownCode).toBe(2);
    expect(unknown.err()).toBe('patchbay route: --schedule "nope" is not a schedule rule (schedule rules: hourly, weekly)\n');
  });
});
