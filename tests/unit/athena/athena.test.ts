/**
 * The Athena translation held to the pattern engine: for every rule of the framework's fixture catalogs and every
 * CloudTrail record of the corpus (records, and AWS's parser test log files), the SQL condition, evaluated on the
 * record as a table row, selects every record the rule receives (a superset), and exactly those when the query
 * says `exact`. Plus the DDL and the command.
 */
import fs from 'node:fs';
import path from 'node:path';
import { cloudTrailTableDdl, evaluateSql, rowOfRecord, ruleQuery, toSql, translateRule } from '../../../src/athena';
import { convertCloudTrailRecord, reachesRuleState } from '../../../src/cloudtrail';
import { runAthenaCommand } from '../../../src/cli/commands/athena';
import { loadProject } from '../../../src/cli/project';
import { matchEventPattern, parseEventPattern } from '../../../src/pattern';
import { testIo } from '../../support/cli-io';

const REPO = path.resolve(__dirname, '../../..');
const CORPUS = path.resolve(REPO, '../shared/events-corpus');

function corpusRecords(): Array<{ name: string; record: Record<string, unknown> }> {
  const out: Array<{ name: string; record: Record<string, unknown> }> = [];
  for (const name of fs.readdirSync(path.join(CORPUS, 'cloudtrail-records')).sort()) {
    out.push({ name, record: JSON.parse(fs.readFileSync(path.join(CORPUS, 'cloudtrail-records', name), 'utf8')) as Record<string, unknown> });
  }
  for (const dir of ['cloudtrail-api-call', 'console-signin', 'cloudtrail-service-event']) {
    for (const name of fs.readdirSync(path.join(CORPUS, dir)).sort()) {
      const envelope = JSON.parse(fs.readFileSync(path.join(CORPUS, dir, name), 'utf8')) as { detail: Record<string, unknown> };
      out.push({ name: `${dir}/${name}`, record: envelope.detail });
    }
  }
  for (const name of fs.readdirSync(path.join(CORPUS, 'cloudtrail-log-files')).filter((n) => n.endsWith('.json')).sort()) {
    const file = JSON.parse(fs.readFileSync(path.join(CORPUS, 'cloudtrail-log-files', name), 'utf8')) as { Records: Array<Record<string, unknown>> };
    file.Records.forEach((record, i) => out.push({ name: `${name}#${i}`, record }));
  }
  return out;
}

describe('Function: translateRule', () => {
  const records = corpusRecords();

  it.each(['tests/fixtures/project', 'tests/fixtures/service-full'])('selects a superset of what the engine delivers, exactly when exact, for the rules of %s', async (fixture) => {
    // Prepare
    const { catalog } = await loadProject(path.join(REPO, fixture));
    const rules = catalog.rules.filter((rule) => rule.pattern && rule.bus === 'default');
    expect(rules.length).toBeGreaterThan(0);

    // Act / Assess
    let delivered = 0;
    for (const rule of rules) {
      const pattern = parseEventPattern(rule.pattern!, { maxLengthInChars: 0 });
      const { where, exact } = translateRule({ pattern: rule.pattern!, state: rule.state });
      for (const { name, record } of records) {
        const converted = convertCloudTrailRecord(record);
        const engine = 'event' in converted && matchEventPattern(pattern, converted.event as never) && reachesRuleState(converted.facts, rule.state);
        const sql = evaluateSql(where, rowOfRecord(record)) === true;
        if (engine) delivered++;
        if (engine && !sql) throw new Error(`${rule.name} on ${name}: the engine delivers it, the SQL does not select it: ${toSql(where, 'athena')}`);
        if (exact && sql && !engine && 'event' in converted) throw new Error(`${rule.name} (exact) on ${name}: the SQL selects it, the engine does not`);
      }
    }
    expect(delivered).toBeGreaterThan(0);
  });

  it.each([
    { detail: { eventName: ['DeleteTable', 'ScheduleKeyDeletion', 'ConsoleLogin'] } },
    { 'detail-type': ['AWS Console Sign In via CloudTrail'], detail: { userIdentity: { type: ['Root'] } } },
    { 'detail-type': ['AWS API Call via CloudTrail'], detail: { eventName: [{ prefix: 'Delete' }], awsRegion: ['us-west-2', 'us-east-2'] } },
    { region: ['us-east-1'], detail: { userIdentity: { arn: [{ suffix: ':root' }] } } },
    { 'detail-type': ['AWS Insight via CloudTrail', 'AWS Service Event via CloudTrail'] },
    { detail: { readOnly: [false], eventSource: [{ prefix: 'iam.' }] } },
  ])('is exact, record by record, for %j', (pattern) => {
    // Prepare
    const parsed = parseEventPattern(pattern);
    const records = corpusRecords();

    // Act
    const { where, exact } = translateRule({ pattern, state: 'ENABLED' });
    const disagreements = records.filter(({ record }) => {
      const converted = convertCloudTrailRecord(record);
      const engine = 'event' in converted && matchEventPattern(parsed, converted.event as never) && reachesRuleState(converted.facts, 'ENABLED');
      return 'event' in converted && engine !== (evaluateSql(where, rowOfRecord(record)) === true);
    });

    // Assess
    expect(exact).toBe(true);
    expect(disagreements.map((d) => d.name)).toEqual([]);
  });

  it('is exact for values, prefixes and suffixes of string columns and the identity struct', () => {
    // Act
    const query = translateRule({ pattern: { 'detail-type': ['AWS API Call via CloudTrail'], detail: { eventName: [{ prefix: 'Delete' }], userIdentity: { arn: [{ suffix: '/admin' }] }, awsRegion: ['eu-west-1'] } }, state: 'ENABLED' });

    // Assess
    expect(query.exact).toBe(true);
    expect(toSql(query.where, 'athena')).toContain("eventname LIKE 'Delete%' ESCAPE '\\' AND useridentity.arn LIKE '%/admin' ESCAPE '\\' AND awsregion = 'eu-west-1'");
  });

  it('escapes LIKE wildcards and quotes in values', () => {
    // Act
    const sql = toSql(translateRule({ pattern: { detail: { eventName: [{ prefix: "it's_50%" }] } }, state: 'ENABLED' }).where, 'athena');

    // Assess
    expect(sql).toContain("eventname LIKE 'it''s\\_50\\%%' ESCAPE '\\'");
  });
});

describe('Function: cloudTrailTableDdl / ruleQuery', () => {
  it('writes the partition-projected table of the Athena guide and prunes partitions by the window', () => {
    // Act
    const ddl = cloudTrailTableDdl({ bucket: 'trail-bucket', prefix: 'org', organizationId: 'o-abcdefghij', accounts: ['111122223333', '444455556666'], regions: ['us-east-1', 'eu-west-1'] });
    const query = ruleQuery({ name: 'r', pattern: { source: ['aws.kms'] }, state: 'ENABLED' }, { since: '2025-01-01T00:00:00Z', until: '2026-01-01T00:00:00Z' }, 'athena');

    // Assess
    expect(ddl).toMatch(/^CREATE EXTERNAL TABLE cloudtrail_logs \(/);
    expect(ddl).toContain("LOCATION 's3://trail-bucket/org/AWSLogs/o-abcdefghij/'");
    expect(ddl).toContain("'projection.account.values' = '111122223333,444455556666'");
    expect(ddl).toContain("'storage.location.template' = 's3://trail-bucket/org/AWSLogs/o-abcdefghij/${account}/CloudTrail/${region}/${timestamp}'");
    expect(ddl).not.toMatch(/MSCK|crawler/i);
    expect(query.sql).toContain("WHERE `timestamp` >= '2025/01/01'\n  AND `timestamp` <= '2026/01/01'\n  AND eventtime >= '2025-01-01T00:00:00Z' AND eventtime < '2026-01-01T00:00:00Z'");
  });
});

describe('Command: patchbay athena', () => {
  it('prints the DDL and one query per pattern rule of the default bus, as SQL or JSON', async () => {
    // Prepare
    const root = path.join(REPO, 'tests/fixtures/project');
    const { catalog } = await loadProject(root);
    const expected = catalog.rules.filter((r) => r.pattern && r.bus === 'default').map((r) => r.name);

    // Act
    const sql = testIo(root);
    const sqlCode = await runAthenaCommand({ bucket: 'trail-bucket', accounts: '111122223333' }, sql);
    const json = testIo(root);
    await runAthenaCommand({ bucket: 'trail-bucket', accounts: '111122223333', format: 'json' }, json);
    const bad = testIo(root);
    const badCode = await runAthenaCommand({ bucket: 'trail-bucket', accounts: '1234' }, bad);

    // Assess
    expect(sqlCode).toBe(0);
    expect(sql.out().match(/^-- [\w.-]+/gm)?.map((l) => l.slice(3))).toEqual(expected);
    const doc = JSON.parse(json.out()) as { ddl: string; queries: Array<{ rule: string; sql: string; exact: boolean }> };
    expect(doc.queries.map((q) => q.rule)).toEqual(expected);
    expect(doc.ddl).toContain('CREATE EXTERNAL TABLE');
    expect(badCode).toBe(2);
    expect(bad.err()).toBe('patchbay athena: --accounts "1234": 12-digit account ids, comma-separated\n');
  });
});
