/**
 * EventBridge schedule expressions, exact: `rate(value unit)` and `cron(minutes hours day-of-month month
 * day-of-week year)`, validated with EventBridge's rules, and their next firings (UTC).
 *
 * Rules (EventBridge user guide, "Schedule expressions for rules"):
 * - rate: a positive whole number and a unit of minute(s), hour(s) or day(s); singular for 1 (`rate(1 hour)`),
 *   plural otherwise (`rate(5 minutes)`). A rate rule first fires one period after it is created.
 * - cron: six fields. Minutes 0-59 and hours 0-23 (`, - * /`); day-of-month 1-31 (`, - * ? / L W`); month 1-12 or
 *   JAN-DEC (`, - * /`); day-of-week 1-7 or SUN-SAT, 1 = Sunday (`, - * ? L #`); year 1970-2199 (`, - * /`). Exactly
 *   one of day-of-month and day-of-week is `?`.
 * AWS answers every invalid expression with one message, {@link AWS_SCHEDULE_MESSAGE}; {@link ScheduleError}
 * carries it and says which part is wrong.
 *
 * Firings of cron expressions come from cron-parser (minutes to day-of-week, `L` and `#` included); what it lacks,
 * the year field and `W` (nearest weekday), is applied here as a filter over its candidates.
 * No AWS SDK imports.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html
 */
import { CronExpressionParser } from 'cron-parser';

/** What PutRule answers for any invalid ScheduleExpression (ValidationException). */
export const AWS_SCHEDULE_MESSAGE = 'Parameter ScheduleExpression is not valid.';

/** An invalid schedule expression: `reason` says which part, `message` ends with AWS's own message. */
export class ScheduleError extends Error {
  constructor(
    readonly expression: string,
    readonly reason: string,
  ) {
    super(`${JSON.stringify(expression)}: ${reason} (AWS: "${AWS_SCHEDULE_MESSAGE}")`);
    this.name = 'ScheduleError';
  }
}

/** A parsed rate expression. @example { kind: 'rate', value: 5, unit: 'minutes', periodMs: 300000 } */
export interface RateSchedule {
  kind: 'rate';
  value: number;
  unit: 'minute' | 'minutes' | 'hour' | 'hours' | 'day' | 'days';
  /** The period in milliseconds. */
  periodMs: number;
}

/** A parsed cron expression: its six fields as written. */
export interface CronSchedule {
  kind: 'cron';
  fields: { minutes: string; hours: string; dayOfMonth: string; month: string; dayOfWeek: string; year: string };
}

export type Schedule = RateSchedule | CronSchedule;

const UNIT_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}
const FIELDS: Record<keyof CronSchedule['fields'], FieldSpec> = {
  minutes: { name: 'minutes', min: 0, max: 59 },
  hours: { name: 'hours', min: 0, max: 23 },
  dayOfMonth: { name: 'day-of-month', min: 1, max: 31 },
  month: { name: 'month', min: 1, max: 12, names: MONTHS },
  dayOfWeek: { name: 'day-of-week', min: 1, max: 7, names: DAYS },
  year: { name: 'year', min: 1970, max: 2199 },
};

/**
 * Parse and validate a schedule expression as EventBridge does.
 * @example parseSchedule('rate(5 minutes)'); // { kind: 'rate', value: 5, unit: 'minutes', periodMs: 300000 }
 * @example parseSchedule('cron(0 12 ? * MON-FRI *)').kind; // 'cron'
 * @throws ScheduleError naming the wrong part, e.g. `"rate(5 minute)": a value other than 1 takes a plural unit (minutes)`.
 */
export function parseSchedule(expression: string): Schedule {
  const rate = /^rate\((.*)\)$/s.exec(expression);
  if (rate) return parseRate(expression, rate[1]);
  const cron = /^cron\((.*)\)$/s.exec(expression);
  if (cron) return parseCron(expression, cron[1]);
  throw new ScheduleError(expression, 'not rate(value unit) or cron(minutes hours day-of-month month day-of-week year)');
}

function parseRate(expression: string, inner: string): RateSchedule {
  const match = /^(\d+) ([a-z]+)$/.exec(inner);
  if (!match) throw new ScheduleError(expression, 'a rate is "value unit": a whole number, one space and minute(s), hour(s) or day(s)');
  const value = Number(match[1]);
  const unit = match[2];
  const singular = unit.replace(/s$/, '') as keyof typeof UNIT_MS;
  if (!(singular in UNIT_MS)) throw new ScheduleError(expression, `unit ${JSON.stringify(unit)} is not minute(s), hour(s) or day(s)`);
  if (value < 1) throw new ScheduleError(expression, 'the value must be a positive whole number');
  if (value === 1 && unit !== singular) throw new ScheduleError(expression, `a value of 1 takes the singular unit (${singular})`);
  if (value > 1 && unit === singular) throw new ScheduleError(expression, `a value other than 1 takes a plural unit (${singular}s)`);
  return { kind: 'rate', value, unit: unit as RateSchedule['unit'], periodMs: value * UNIT_MS[singular] };
}

function parseCron(expression: string, inner: string): CronSchedule {
  const parts = inner.trim().split(/\s+/);
  if (parts.length !== 6) {
    throw new ScheduleError(expression, `a cron expression has 6 fields (minutes hours day-of-month month day-of-week year), found ${inner.trim() === '' ? 0 : parts.length}`);
  }
  const [minutes, hours, dayOfMonth, month, dayOfWeek, year] = parts;
  const fields = { minutes, hours, dayOfMonth, month, dayOfWeek, year };
  checkList(expression, minutes, FIELDS.minutes);
  checkList(expression, hours, FIELDS.hours);
  checkList(expression, month, FIELDS.month);
  checkList(expression, year, FIELDS.year);
  const domAny = dayOfMonth === '?';
  const dowAny = dayOfWeek === '?';
  if (domAny === dowAny) {
    throw new ScheduleError(expression, domAny ? 'day-of-month and day-of-week cannot both be ?' : 'one of day-of-month and day-of-week must be ? (a value or * in one needs ? in the other)');
  }
  if (!domAny) {
    if (dayOfMonth !== 'L' && dayOfMonth !== 'LW') {
      const w = /^(\d+)W$/.exec(dayOfMonth);
      if (w) checkNumber(expression, w[1], FIELDS.dayOfMonth);
      else checkList(expression, dayOfMonth, FIELDS.dayOfMonth);
    }
  }
  if (!dowAny && dayOfWeek !== 'L') {
    const last = /^(\w+)L$/.exec(dayOfWeek);
    const nth = /^(\w+)#(\d+)$/.exec(dayOfWeek);
    if (last) checkValue(expression, last[1], FIELDS.dayOfWeek);
    else if (nth) {
      checkValue(expression, nth[1], FIELDS.dayOfWeek);
      if (!/^[1-5]$/.test(nth[2])) throw new ScheduleError(expression, `day-of-week ${JSON.stringify(dayOfWeek)}: the week after # is 1 to 5`);
    } else checkList(expression, dayOfWeek, FIELDS.dayOfWeek);
  }
  return { kind: 'cron', fields };
}

/** A list of `*`, values, ranges `a-b` and steps `x/n`. */
function checkList(expression: string, field: string, spec: FieldSpec): void {
  if (field === '?') throw new ScheduleError(expression, `? is allowed in day-of-month and day-of-week only, not in ${spec.name}`);
  for (const item of field.split(',')) {
    const [range, step, extra] = item.split('/');
    if (extra !== undefined || range === '') throw new ScheduleError(expression, `${spec.name} ${JSON.stringify(field)}: ${JSON.stringify(item)} is not a value, a range a-b, * or a step x/n`);
    if (step !== undefined && !(/^\d+$/.test(step) && Number(step) >= 1 && Number(step) <= spec.max)) {
      throw new ScheduleError(expression, `${spec.name} ${JSON.stringify(field)}: the step after / must be a whole number from 1 to ${spec.max}`);
    }
    if (range === '*') continue;
    const bounds = range.split('-');
    if (bounds.length > 2) throw new ScheduleError(expression, `${spec.name} ${JSON.stringify(field)}: ${JSON.stringify(item)} is not a value, a range a-b, * or a step x/n`);
    const values = bounds.map((bound) => checkValue(expression, bound, spec));
    if (values.length === 2 && values[0] > values[1]) throw new ScheduleError(expression, `${spec.name} ${JSON.stringify(field)}: the range ${range} runs backwards`);
  }
}

/** One value: a number in range, or a name (JAN-DEC, SUN-SAT) where the field has names. @returns its number */
function checkValue(expression: string, value: string, spec: FieldSpec): number {
  const named = spec.names?.indexOf(value.toUpperCase()) ?? -1;
  if (named >= 0) return named + 1;
  return checkNumber(expression, value, spec);
}

function checkNumber(expression: string, value: string, spec: FieldSpec): number {
  if (!/^\d+$/.test(value) || Number(value) < spec.min || Number(value) > spec.max) {
    const names = spec.names ? ` or ${spec.names[0]}-${spec.names[spec.names.length - 1]}` : '';
    throw new ScheduleError(expression, `${spec.name} ${JSON.stringify(value)} is not ${spec.min}-${spec.max}${names}`);
  }
  return Number(value);
}

/** Most candidate instants examined for one firing before giving up (a schedule that never fires again). */
const MAX_CANDIDATES = 2_000_000;

/**
 * The next `count` firings strictly after `after`, in UTC, as ISO 8601 strings without milliseconds.
 * For a rate, the rule is taken as created at `after` (EventBridge fires a rate rule one period after creation).
 * Fewer than `count` when the schedule ends (a past year field).
 * @example nextFirings(parseSchedule('cron(0 12 ? * MON *)'), '2026-12-04T00:00:00Z', 2); // ['2026-12-07T12:00:00Z', '2026-12-14T12:00:00Z']
 * @example nextFirings(parseSchedule('rate(1 hour)'), '2026-12-04T00:00:00Z', 1); // ['2026-12-04T01:00:00Z']
 */
export function nextFirings(schedule: Schedule, after: string | Date, count: number): string[] {
  const start = new Date(after).getTime();
  if (Number.isNaN(start)) throw new TypeError(`not a time: ${String(after)}`);
  const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.000Z$/, 'Z');
  if (schedule.kind === 'rate') return Array.from({ length: count }, (_, i) => iso(start + (i + 1) * schedule.periodMs));
  const { minutes, hours, dayOfMonth, month, dayOfWeek, year } = schedule.fields;
  const weekday = /^(\d+)?(L)?W$/.exec(dayOfMonth);
  const expression = ['0', minutes, hours, weekday || dayOfMonth === '?' ? '*' : dayOfMonth, month, dayOfWeek === '?' ? '*' : toCronParserDayOfWeek(dayOfWeek)].join(' ');
  const iterator = CronExpressionParser.parse(expression, { currentDate: new Date(start), tz: 'UTC' });
  const years = expandYears(year);
  const out: string[] = [];
  for (let seen = 0; out.length < count && seen < MAX_CANDIDATES; seen++) {
    let next: Date;
    try {
      next = iterator.next().toDate();
    } catch {
      break; // out of range: no more dates
    }
    const y = next.getUTCFullYear();
    if (y > FIELDS.year.max) break;
    if (!years.has(y)) continue;
    if (weekday && next.getUTCDate() !== weekdayOf(y, next.getUTCMonth(), weekday[2] ? 'L' : Number(weekday[1]))) continue;
    if (next.getTime() > start) out.push(iso(next.getTime()));
  }
  return out;
}

/** AWS day-of-week (1 = SUN … 7 = SAT, names, L, nL, n#k) in cron-parser's numbering (0 = SUN … 6 = SAT). */
function toCronParserDayOfWeek(field: string): string {
  if (field === 'L') return '6';
  return field.replace(/\d+/g, (n, offset: number, whole: string) => (whole[offset - 1] === '#' ? n : String(Number(n) - 1)));
}

function expandYears(field: string): Set<number> {
  const years = new Set<number>();
  for (const item of field.split(',')) {
    const [range, step] = item.split('/');
    const [from, to] = range === '*' ? [FIELDS.year.min, FIELDS.year.max] : range.includes('-') ? range.split('-').map(Number) : [Number(range), step ? FIELDS.year.max : Number(range)];
    for (let y = from; y <= to; y += step ? Number(step) : 1) years.add(y);
  }
  return years;
}

/** The day of `month` (0-based) that `nW` or `LW` means: the weekday nearest to day n (or the last weekday), within the month. */
function weekdayOf(year: number, month: number, day: number | 'L'): number {
  const last = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  if (day !== 'L' && day > last) return -1; // 31W in a 30-day month: no firing that month
  let d = day === 'L' ? last : day;
  const dow = (x: number): number => new Date(Date.UTC(year, month, x)).getUTCDay();
  if (dow(d) === 6) d = d === 1 ? 3 : d - 1; // Saturday: Friday before, or Monday the 3rd when the 1st is a Saturday
  else if (dow(d) === 0) d = d === last ? d - 2 : d + 1; // Sunday: Monday after, or Friday before at the month's end
  return d;
}
