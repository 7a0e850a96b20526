/**
 * Event pattern -> SQL over the CloudTrail table Athena's user guide documents, selecting the records whose
 * EventBridge event (src/cloudtrail) the rule would receive. The WHERE clause is always a superset of the engine's
 * matches; `exact` says it is the same set, so a backtest re-checks only the rows of inexact queries with the
 * pattern engine.
 *
 * Translated exactly: `source` (eventsource, with the EventBridge source exceptions), `detail-type` (eventtype),
 * `region`, the top-level string columns of the record (`detail.eventName`, `detail.errorCode`, …), the
 * `useridentity` struct's string fields, `detail.readOnly`, with exact values, `prefix` and `suffix`. Kept as a
 * superset (then `exact: false`): `anything-but` and `exists` (a JSON null and an absent field are both NULL in
 * the table), fields inside the JSON-text columns (`requestparameters`, `responseelements`, …: a text search for
 * the value), and every other operator or path (left out of the WHERE clause). Delivery rules are part of the
 * query: read-only management events only for `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS` rules, global
 * services' events only in us-east-1.
 * @see https://docs.aws.amazon.com/athena/latest/ug/cloudtrail-logs.html
 */
import { DETAIL_TYPES, GLOBAL_EVENT_SOURCES, GLOBAL_SERVICE_REGION, SOURCE_EXCEPTIONS } from '../cloudtrail';
import { parseEventPattern } from '../pattern';
import type { FieldCondition } from '../pattern/compile';
import type { Matcher } from '../pattern/matchers';
import { and, likeLiteral, or, TRUE, type Column, type Sql } from './sql';

/** Top-level string columns of the CloudTrail table, by the record's field name. */
export const STRING_COLUMNS: Readonly<Record<string, string>> = {
  eventVersion: 'eventversion',
  eventTime: 'eventtime',
  eventSource: 'eventsource',
  eventName: 'eventname',
  awsRegion: 'awsregion',
  sourceIPAddress: 'sourceipaddress',
  userAgent: 'useragent',
  errorCode: 'errorcode',
  errorMessage: 'errormessage',
  requestID: 'requestid',
  eventID: 'eventid',
  eventType: 'eventtype',
  apiVersion: 'apiversion',
  recipientAccountId: 'recipientaccountid',
  sharedEventID: 'sharedeventid',
  vpcEndpointId: 'vpcendpointid',
  eventCategory: 'eventcategory',
};

/** String fields of the `useridentity` struct. */
export const USER_IDENTITY_FIELDS: Readonly<Record<string, string>> = {
  type: 'type',
  principalId: 'principalid',
  arn: 'arn',
  accountId: 'accountid',
  invokedBy: 'invokedby',
  accessKeyId: 'accesskeyid',
  userName: 'username',
};

/** Columns holding JSON text. */
export const JSON_COLUMNS: Readonly<Record<string, string>> = {
  requestParameters: 'requestparameters',
  responseElements: 'responseelements',
  additionalEventData: 'additionaleventdata',
  serviceEventDetails: 'serviceeventdetails',
};

const col = (name: string): Column => ({ kind: 'column', name });

/** A rule's query condition. */
export interface RuleQuery {
  where: Sql;
  /** The WHERE clause selects exactly the records the rule receives (no re-check needed). */
  exact: boolean;
}

/**
 * The WHERE condition of one rule (its pattern and state); the time window is added by the query builder.
 * @param rule - `{ pattern, state }` of a catalog rule (a default-bus pattern rule).
 * @example translateRule({ pattern: { source: ['aws.dynamodb'], detail: { eventName: ['DeleteTable'] } }, state: 'ENABLED' }).exact; // true
 */
export function translateRule(rule: { pattern: Record<string, unknown>; state: string }): RuleQuery {
  const pattern = parseEventPattern(rule.pattern, { maxLengthInChars: 0 });
  let exact = true;
  const branches = pattern.branches.map((branch) =>
    and(
      branch.map((condition) => {
        const t = translateCondition(condition);
        if (!t.exact) exact = false;
        return t.sql;
      }),
    ),
  );
  return { where: and([or(branches), ...deliveryConditions(rule.state)]), exact };
}

function deliveryConditions(state: string): Sql[] {
  const out: Sql[] = [
    // Global services reach EventBridge in us-east-1 only.
    or([{ op: 'null', column: col('eventsource') }, { op: 'not', arg: { op: 'in', column: col('eventsource'), values: [...GLOBAL_EVENT_SOURCES].sort() } }, { op: 'in', column: col('awsregion'), values: [GLOBAL_SERVICE_REGION] }]),
  ];
  if (state !== 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS') {
    out.push(or([{ op: 'null', column: col('readonly') }, { op: 'not', arg: { op: 'in', column: col('readonly'), values: ['true'] } }, { op: 'in', column: col('eventcategory'), values: ['Data'] }, { op: 'in', column: col('managementevent'), values: ['false'] }]));
  }
  return out;
}

function translateCondition(c: FieldCondition): { sql: Sql; exact: boolean } {
  const superset = { sql: TRUE, exact: false };
  const segments = c.path.split('.');
  if (c.path === 'source') return translateSource(c.matchers);
  if (c.path === 'detail-type') return translateDetailType(c.matchers);
  if (c.path === 'region') return stringColumn(col('awsregion'), c.matchers);
  if (segments[0] !== 'detail') return superset;
  if (segments.length === 2 && STRING_COLUMNS[segments[1]]) return stringColumn(col(STRING_COLUMNS[segments[1]]), c.matchers);
  if (segments.length === 2 && segments[1] === 'readOnly') {
    const values = c.matchers.map((m) => (m.kind === 'exact-literal' && typeof m.value === 'boolean' ? String(m.value) : undefined));
    return values.every((v) => v !== undefined) ? { sql: { op: 'in', column: col('readonly'), values: values as string[] }, exact: true } : superset;
  }
  if (segments.length === 3 && segments[1] === 'userIdentity' && USER_IDENTITY_FIELDS[segments[2]]) {
    return stringColumn({ kind: 'struct', name: 'useridentity', field: USER_IDENTITY_FIELDS[segments[2]] }, c.matchers);
  }
  if (segments.length >= 3 && JSON_COLUMNS[segments[1]]) {
    // A text search: the value's JSON form appears in the column's text when the field holds it (superset).
    const texts = c.matchers.map((m) => (m.kind === 'exact-string' ? JSON.stringify(m.value) : m.kind === 'prefix' && !m.ignoreCase ? JSON.stringify(m.value).slice(0, -1) : undefined));
    if (texts.some((t) => t === undefined)) return superset;
    return { sql: or((texts as string[]).map((text) => ({ op: 'contains' as const, column: col(JSON_COLUMNS[segments[1]]), text }))), exact: false };
  }
  return superset;
}

/** Matchers over a string column: exact values, prefix, suffix exactly; anything-but and exists as supersets. */
function stringColumn(column: Column, matchers: readonly Matcher[]): { sql: Sql; exact: boolean } {
  let exact = true;
  const parts = matchers.map((m): Sql => {
    switch (m.kind) {
      case 'exact-string':
        return { op: 'in', column, values: [m.value] };
      case 'prefix':
        if (m.ignoreCase) break;
        return { op: 'like', column, pattern: `${likeLiteral(m.value)}%` };
      case 'suffix':
        if (m.ignoreCase) break;
        return { op: 'like', column, pattern: `%${likeLiteral(m.value)}` };
      case 'anything-but':
        exact = false;
        if (m.numbers.length) return TRUE;
        return or([{ op: 'null', column }, { op: 'not', arg: { op: 'in', column, values: [...m.strings].sort() } }]);
      case 'exists':
        exact = false;
        return m.value ? TRUE : { op: 'null', column };
      default:
        break;
    }
    exact = false;
    return TRUE;
  });
  return { sql: or(parts), exact };
}

function translateSource(matchers: readonly Matcher[]): { sql: Sql; exact: boolean } {
  const inverse = new Map<string, string[]>();
  for (const [eventSource, source] of Object.entries(SOURCE_EXCEPTIONS)) inverse.set(source, [...(inverse.get(source) ?? []), eventSource]);
  const values: string[] = [];
  for (const m of matchers) {
    if (m.kind !== 'exact-string' || !m.value.startsWith('aws.')) return { sql: TRUE, exact: false };
    const exceptions = inverse.get(m.value) ?? [];
    const plain = `${m.value.slice(4)}.amazonaws.com`;
    values.push(...exceptions, ...(Object.hasOwn(SOURCE_EXCEPTIONS, plain) ? [] : [plain]));
  }
  // Insight records carry the service in insightDetails.eventSource, not in a column: kept (superset).
  return { sql: or([{ op: 'in', column: col('eventsource'), values }, { op: 'in', column: col('eventtype'), values: ['AwsCloudTrailInsight'] }]), exact: false };
}

function translateDetailType(matchers: readonly Matcher[]): { sql: Sql; exact: boolean } {
  const parts: Sql[] = [];
  for (const m of matchers) {
    if (m.kind !== 'exact-string') return { sql: TRUE, exact: false };
    const eventTypes = Object.entries(DETAIL_TYPES).filter(([, detailType]) => detailType === m.value).map(([eventType]) => eventType);
    if (eventTypes.length) parts.push({ op: 'in', column: col('eventtype'), values: eventTypes });
    // A record without eventType is taken as an API call.
    if (m.value === DETAIL_TYPES.AwsApiCall) parts.push({ op: 'null', column: col('eventtype') });
  }
  return { sql: or(parts), exact: true };
}

/**
 * A CloudTrail record as a row of the table (what the CloudTrail SerDe gives): string columns, `useridentity`
 * as a struct of strings, `readonly` and `managementevent` as 'true'/'false', the JSON columns as JSON text.
 */
export function rowOfRecord(record: Record<string, unknown>): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const [field, column] of Object.entries(STRING_COLUMNS)) row[column] = typeof record[field] === 'string' ? record[field] : null;
  const identity = record.userIdentity;
  if (identity !== null && typeof identity === 'object') {
    const struct: Record<string, unknown> = {};
    for (const [field, column] of Object.entries(USER_IDENTITY_FIELDS)) struct[column] = typeof (identity as Record<string, unknown>)[field] === 'string' ? (identity as Record<string, unknown>)[field] : null;
    row.useridentity = struct;
  } else row.useridentity = null;
  for (const field of ['readOnly', 'managementEvent'] as const) row[field.toLowerCase()] = typeof record[field] === 'boolean' ? String(record[field]) : null;
  for (const [field, column] of Object.entries(JSON_COLUMNS)) row[column] = record[field] === undefined || record[field] === null ? null : JSON.stringify(record[field]);
  return row;
}
