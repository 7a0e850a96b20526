/**
 * Years of CloudTrail logs, queried where they lie: the CloudTrail table DDL of the Athena user guide (partition
 * projection: no crawler, no MSCK REPAIR), and per rule the SQL that selects the records it would have received.
 * Pure: no AWS SDK imports (running the queries is `backtest --athena`'s business).
 * @see https://docs.aws.amazon.com/athena/latest/ug/create-cloudtrail-table-partition-projection.html
 */
import { and, toSql, type Dialect, type Sql } from './sql';
import { translateRule } from './translate';

export * from './sql';
export { translateRule, rowOfRecord, STRING_COLUMNS, USER_IDENTITY_FIELDS, JSON_COLUMNS, type RuleQuery } from './translate';

/** Where the logs are: the trail's bucket and prefix, the accounts and Regions to project. */
export interface TrailLocation {
  /** S3 bucket of the trail. */
  bucket: string;
  /** Key prefix before `AWSLogs/`, without slashes at the ends; empty for none. */
  prefix?: string;
  /** Account ids (12 digits) whose logs the bucket holds. */
  accounts: readonly string[];
  /** Regions to project, e.g. ['us-east-1', 'eu-west-1']. */
  regions: readonly string[];
  /** For an organization trail: `AWSLogs/<organization id>/<account>/…`. */
  organizationId?: string;
  /** First day of the logs (yyyy/MM/dd). @default '2013/11/01' (CloudTrail's launch) */
  firstDay?: string;
  /** Table name. @default 'cloudtrail_logs' */
  table?: string;
}

/**
 * The CREATE TABLE statement of the Athena user guide for CloudTrail logs, with partition projection over
 * account, Region and day.
 * @example cloudTrailTableDdl({ bucket: 'trail-bucket', accounts: ['111122223333'], regions: ['us-east-1'] }).startsWith('CREATE EXTERNAL TABLE'); // true
 */
export function cloudTrailTableDdl(location: TrailLocation): string {
  const table = location.table ?? 'cloudtrail_logs';
  const base = [location.prefix, 'AWSLogs', location.organizationId].filter(Boolean).join('/');
  return `CREATE EXTERNAL TABLE ${table} (
  eventversion STRING,
  useridentity STRUCT<
    type: STRING, principalid: STRING, arn: STRING, accountid: STRING, invokedby: STRING,
    accesskeyid: STRING, username: STRING, onbehalfof: STRUCT<userid: STRING, identitystorearn: STRING>,
    sessioncontext: STRUCT<
      attributes: STRUCT<mfaauthenticated: STRING, creationdate: STRING>,
      sessionissuer: STRUCT<type: STRING, principalid: STRING, arn: STRING, accountid: STRING, username: STRING>,
      ec2roledelivery: STRING, webidfederationdata: STRUCT<federatedprovider: STRING, attributes: MAP<STRING,STRING>>>>,
  eventtime STRING,
  eventsource STRING,
  eventname STRING,
  awsregion STRING,
  sourceipaddress STRING,
  useragent STRING,
  errorcode STRING,
  errormessage STRING,
  requestparameters STRING,
  responseelements STRING,
  additionaleventdata STRING,
  requestid STRING,
  eventid STRING,
  readonly STRING,
  resources ARRAY<STRUCT<arn: STRING, accountid: STRING, type: STRING>>,
  eventtype STRING,
  apiversion STRING,
  recipientaccountid STRING,
  serviceeventdetails STRING,
  sharedeventid STRING,
  vpcendpointid STRING,
  vpcendpointaccountid STRING,
  eventcategory STRING,
  managementevent STRING,
  addendum STRUCT<reason: STRING, updatedfields: STRING, originalrequestid: STRING, originaleventid: STRING>,
  sessioncredentialfromconsole STRING,
  edgedevicedetails STRING,
  tlsdetails STRUCT<tlsversion: STRING, ciphersuite: STRING, clientprovidedhostheader: STRING>
)
PARTITIONED BY (account STRING, region STRING, \`timestamp\` STRING)
ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'
STORED AS INPUTFORMAT 'com.amazon.emr.cloudtrail.CloudTrailInputFormat'
OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'
LOCATION 's3://${location.bucket}/${base}/'
TBLPROPERTIES (
  'projection.enabled' = 'true',
  'projection.account.type' = 'enum',
  'projection.account.values' = '${location.accounts.join(',')}',
  'projection.region.type' = 'enum',
  'projection.region.values' = '${location.regions.join(',')}',
  'projection.timestamp.type' = 'date',
  'projection.timestamp.format' = 'yyyy/MM/dd',
  'projection.timestamp.range' = '${location.firstDay ?? '2013/11/01'},NOW',
  'projection.timestamp.interval' = '1',
  'projection.timestamp.interval.unit' = 'DAYS',
  'storage.location.template' = 's3://${location.bucket}/${base}/\${account}/CloudTrail/\${region}/\${timestamp}'
);`;
}

/** One rule's query. */
export interface RuleSqlQuery {
  rule: string;
  sql: string;
  exact: boolean;
}

/** `yyyy/MM/dd` of an ISO 8601 instant (the partition key of its day). */
const dayOf = (iso: string): string => iso.slice(0, 10).replace(/-/g, '/');

/**
 * The query of one rule: the columns a report needs, the rule's WHERE condition, the time window on `eventtime`
 * and, pruning partitions, on `timestamp`.
 * @example ruleQuery({ name: 'dynamodb-delete-table', pattern: {…}, state: 'ENABLED' }, { since: '2026-01-01T00:00:00Z' }, 'athena').sql
 */
export function ruleQuery(
  rule: { name: string; pattern: Record<string, unknown>; state: string },
  window: { since?: string; until?: string; table?: string },
  dialect: Dialect,
): RuleSqlQuery {
  const { where, exact } = translateRule(rule);
  const time: Sql = { op: 'time', ...(window.since ? { since: window.since } : {}), ...(window.until ? { until: window.until } : {}) };
  const partitions =
    dialect === 'athena'
      ? [window.since ? `\`timestamp\` >= '${dayOf(window.since)}'` : '', window.until ? `\`timestamp\` <= '${dayOf(window.until)}'` : ''].filter(Boolean)
      : [];
  const condition = [...partitions, toSql(and(window.since || window.until ? [time, where] : [where]), dialect)].join('\n  AND ');
  const table = window.table ?? 'cloudtrail_logs';
  const sql = `-- ${rule.name}${exact ? '' : ' (superset: rows are re-checked with the pattern engine)'}
SELECT eventid, eventtime, eventsource, eventname, awsregion, useridentity.arn AS actor, recipientaccountid
FROM ${table}
WHERE ${condition}`;
  return { rule: rule.name, sql, exact };
}
