/**
 * Schedule expressions: EventBridge's validation and the next firings, checked against dates worked out by hand on
 * the calendar (4 December 2026 is a Friday).
 */
import { AWS_SCHEDULE_MESSAGE, nextFirings, parseSchedule, ScheduleError } from '../../../src/schedule';

const firings = (expression: string, after: string, count: number): string[] => nextFirings(parseSchedule(expression), after, count);

describe('Function: parseSchedule', () => {
  it.each([
    ['rate(1 minute)', { kind: 'rate', value: 1, unit: 'minute', periodMs: 60_000 }],
    ['rate(5 minutes)', { kind: 'rate', value: 5, unit: 'minutes', periodMs: 300_000 }],
    ['rate(1 hour)', { kind: 'rate', value: 1, unit: 'hour', periodMs: 3_600_000 }],
    ['rate(12 hours)', { kind: 'rate', value: 12, unit: 'hours', periodMs: 43_200_000 }],
    ['rate(7 days)', { kind: 'rate', value: 7, unit: 'days', periodMs: 604_800_000 }],
  ])('accepts %s', (expression, expected) => {
    expect(parseSchedule(expression)).toEqual(expected);
  });

  it.each([
    'cron(0 12 * * ? *)',
    'cron(15 10 ? * 6L 2026-2028)',
    'cron(0/15 8-17 ? * MON-FRI *)',
    'cron(0 8 1 JAN,JUL ? *)',
    'cron(0 18 L * ? *)',
    'cron(0 9 LW * ? *)',
    'cron(0 9 15W * ? *)',
    'cron(0 9 ? * 3#2 *)',
    'cron(0 0 ? * L *)',
    'cron(0 10 * * ? 2026,2030)',
    'cron(0 10 * * ? 2026/2)',
  ])('accepts %s', (expression) => {
    expect(parseSchedule(expression).kind).toBe('cron');
  });

  it.each([
    ['rate(0 minutes)', 'the value must be a positive whole number'],
    ['rate(5 minute)', 'a value other than 1 takes a plural unit (minutes)'],
    ['rate(1 hours)', 'a value of 1 takes the singular unit (hour)'],
    ['rate(2 weeks)', 'unit "weeks" is not minute(s), hour(s) or day(s)'],
    ['cron(bad)', 'a cron expression has 6 fields (minutes hours day-of-month month day-of-week year), found 1'],
    ['cron(0 12 * * ?)', 'a cron expression has 6 fields (minutes hours day-of-month month day-of-week year), found 5'],
    ['cron(0 12 * * MON *)', 'one of day-of-month and day-of-week must be ? (a value or * in one needs ? in the other)'],
    ['cron(0 12 ? * ? *)', 'day-of-month and day-of-week cannot both be ?'],
    ['cron(0 12 ? * 0 *)', 'day-of-week "0" is not 1-7 or SUN-SAT'],
    ['cron(0 12 1 * ? 1969)', 'year "1969" is not 1970-2199'],
    ['cron(0 12 ? * 2#0 *)', 'day-of-week "2#0": the week after # is 1 to 5'],
    ['cron(0 12 32W * ? *)', 'day-of-month "32" is not 1-31'],
    ['cron(0 12 ? * 9L *)', 'day-of-week "9" is not 1-7 or SUN-SAT'],
  ])('refuses %s: %s', (expression, reason) => {
    // Act
    const error = (() => {
      try {
        parseSchedule(expression);
      } catch (e) {
        return e as ScheduleError;
      }
      throw new Error('accepted');
    })();

    // Assess
    expect(error).toBeInstanceOf(ScheduleError);
    expect(error.reason).toBe(reason);
    expect(error.message).toBe(`${JSON.stringify(expression)}: ${reason} (AWS: "${AWS_SCHEDULE_MESSAGE}")`);
  });
});

describe('Function: nextFirings', () => {
  it.each([
    // Monday noon, after Friday 4 December 2026.
    ['cron(0 12 ? * MON *)', '2026-12-04T00:00:00Z', ['2026-12-07T12:00:00Z', '2026-12-14T12:00:00Z']],
    // AWS numbers days of the week from 1 = Sunday: 2 is Monday.
    ['cron(0 12 ? * 2 *)', '2026-12-04T00:00:00Z', ['2026-12-07T12:00:00Z', '2026-12-14T12:00:00Z']],
    // Every 15 minutes from 8:00 to 8:59 on weekdays: Friday morning, then Monday.
    ['cron(0/15 8 ? * MON-FRI *)', '2026-12-04T08:20:00Z', ['2026-12-04T08:30:00Z', '2026-12-04T08:45:00Z', '2026-12-07T08:00:00Z']],
    // Last day of the month.
    ['cron(0 18 L * ? *)', '2026-12-04T00:00:00Z', ['2026-12-31T18:00:00Z', '2027-01-31T18:00:00Z', '2027-02-28T18:00:00Z']],
    // 6L = the last Friday (6 = FRI in AWS's numbering): 25 December 2026, 29 January 2027.
    ['cron(0 9 ? * 6L *)', '2026-12-04T00:00:00Z', ['2026-12-25T09:00:00Z', '2027-01-29T09:00:00Z']],
    // 3#2 = the second Tuesday: 8 December 2026, 12 January 2027.
    ['cron(0 9 ? * 3#2 *)', '2026-12-04T00:00:00Z', ['2026-12-08T09:00:00Z', '2027-01-12T09:00:00Z']],
    // L in day-of-week = Saturday (7).
    ['cron(0 0 ? * L *)', '2026-12-04T00:00:00Z', ['2026-12-05T00:00:00Z', '2026-12-12T00:00:00Z']],
    // 15W: 15 August 2026 is a Saturday -> Friday 14th; 15 November 2026 is a Sunday -> Monday 16th.
    ['cron(0 9 15W * ? *)', '2026-08-01T00:00:00Z', ['2026-08-14T09:00:00Z', '2026-09-15T09:00:00Z', '2026-10-15T09:00:00Z', '2026-11-16T09:00:00Z']],
    // 1W: 1 August 2026 is a Saturday -> Monday 3rd (never into the previous month).
    ['cron(0 9 1W * ? *)', '2026-07-15T00:00:00Z', ['2026-08-03T09:00:00Z']],
    // LW: the last weekday; 31 January 2027 is a Sunday -> Friday 29th.
    ['cron(0 9 LW * ? *)', '2027-01-01T00:00:00Z', ['2027-01-29T09:00:00Z']],
    // The year field: nothing in 2026 or 2027.
    ['cron(0 10 1 JAN ? 2028)', '2026-12-04T00:00:00Z', ['2028-01-01T10:00:00Z']],
    // Rate: the rule taken as created at `after`.
    ['rate(6 hours)', '2026-12-04T01:02:03Z', ['2026-12-04T07:02:03Z', '2026-12-04T13:02:03Z']],
  ])('%s after %s', (expression, after, expected) => {
    expect(firings(expression, after, expected.length)).toEqual(expected);
  });

  it('stops when the years of the expression are over', () => {
    expect(firings('cron(0 10 1 JAN ? 2027)', '2026-12-04T00:00:00Z', 3)).toEqual(['2027-01-01T10:00:00Z']);
    expect(firings('cron(0 10 1 JAN ? 2020)', '2026-12-04T00:00:00Z', 3)).toEqual([]);
  });

  it('skips a month where nW does not exist (31W in a 30-day month)', () => {
    expect(firings('cron(0 9 31W * ? *)', '2026-11-01T00:00:00Z', 2)).toEqual(['2026-12-31T09:00:00Z', '2027-01-29T09:00:00Z']);
  });
});
