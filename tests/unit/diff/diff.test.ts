/**
 * The semantic differ (src/diff): rule changes field by field, and routing outcomes of events through two catalogs.
 * In-memory catalogs only; the command on a git repository is tested in tests/integration/diff.test.ts.
 */
import type { Catalog, ProjectConfig, RuleDefinition, TargetDefinition } from '../../../src/catalog';
import { renderMarkdown } from '../../../src/cli/commands/diff';
import { diffCatalogs, diffRule } from '../../../src/diff';

const notify: TargetDefinition = { kind: 'function', id: 'notify', function: 'notify', retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 }, select: { table: 'detail.requestParameters.tableName' }, notify: { topic: 'security', subject: 'Table {table} deleted' } };

const rule = (overrides: Partial<RuleDefinition> = {}): RuleDefinition => ({
  name: 'dynamodb-delete-table',
  filePath: 'patterns/dynamodb/delete-table.yml',
  bus: 'default',
  state: 'ENABLED',
  pattern: { source: ['aws.dynamodb'], detail: { eventName: ['DeleteTable'] } },
  targets: [notify],
  tests: { match: ['events/dynamodb/delete-table.json'], noMatch: [] },
  ...overrides,
});

const catalog = (...rules: RuleDefinition[]): Catalog => ({ rules, config: { topics: {} } as unknown as ProjectConfig });

const event = (eventName: string, tableName = 'orders') => ({
  name: `events/dynamodb/${eventName}.json`,
  event: { version: '0', id: '1', 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.dynamodb', account: '111122223333', time: '2026-11-20T10:00:00Z', region: 'eu-west-1', resources: [], detail: { eventName, requestParameters: { tableName } } },
});

describe('Function: diffRule', () => {
  it('shows a widened match list as the values added and removed, at their path in the pattern', () => {
    // Act
    const change = diffRule(rule(), rule({ pattern: { source: ['aws.dynamodb'], detail: { eventName: ['DeleteBackup', 'DeleteTable', 'DeleteTableReplica'] } } }));

    // Assess
    expect(change).toEqual({ rule: 'dynamodb-delete-table', filePath: 'patterns/dynamodb/delete-table.yml', routing: true, changes: [{ field: 'pattern.detail.eventName', change: '+ "DeleteBackup", + "DeleteTableReplica"' }] });
  });

  it('shows operator objects in match lists as whole values, a reordered list as reordered, a new key as added', () => {
    // Act
    const change = diffRule(
      rule({ pattern: { source: ['a', 'b'], detail: { eventName: [{ prefix: 'Delete' }] } } }),
      rule({ pattern: { source: ['b', 'a'], detail: { eventName: [{ prefix: 'Remove' }], errorCode: [{ exists: false }] } } }),
    );

    // Assess
    expect(change.changes).toEqual([
      { field: 'pattern.source', change: 'reordered: ["b","a"]' },
      { field: 'pattern.detail.eventName', change: '+ {"prefix":"Remove"}, - {"prefix":"Delete"}' },
      { field: 'pattern.detail.errorCode', change: 'added [{"exists":false}]' },
    ]);
  });

  it('names each changed field of a target: filter, select, subject, topic, retry policy, dead-letter queue', () => {
    // Act
    const change = diffRule(
      rule(),
      rule({
        targets: [
          {
            ...notify,
            filter: "detail.userIdentity.type == 'Root'",
            select: { table: 'detail.requestParameters.tableName', who: 'detail.userIdentity.arn' },
            notify: { topic: 'operations', subject: 'Table {table} deleted by {who}' },
            retryPolicy: { maximumRetryAttempts: 5, maximumEventAgeInSeconds: 3600 },
            deadLetterQueue: 'failed',
          } as TargetDefinition,
        ],
      }),
    );

    // Assess
    expect(change.routing).toBe(true);
    expect(change.changes).toEqual([
      { field: 'targets.notify.retryPolicy.maximumRetryAttempts', change: '2 -> 5' },
      { field: 'targets.notify.select.who', change: 'added "detail.userIdentity.arn"' },
      { field: 'targets.notify.notify.topic', change: '"security" -> "operations"' },
      { field: 'targets.notify.notify.subject', change: '"Table {table} deleted" -> "Table {table} deleted by {who}"' },
      { field: 'targets.notify.filter', change: 'added "detail.userIdentity.type == \'Root\'"' },
      { field: 'targets.notify.deadLetterQueue', change: 'added "failed"' },
    ]);
  });

  it('shows an SNS target\'s input transformer change by path', () => {
    // Prepare
    const sns = (template: string): TargetDefinition => ({ kind: 'sns', id: 'sns-operations', sns: 'operations', retryPolicy: notify.retryPolicy, inputTransformer: { inputPathsMap: { table: '$.detail.requestParameters.tableName' }, inputTemplate: template } });

    // Act
    const change = diffRule(rule({ targets: [sns('"<table> deleted"')] }), rule({ targets: [sns('"Table <table> deleted"')] }));

    // Assess
    expect(change).toMatchObject({ routing: true, changes: [{ field: 'targets.sns-operations.inputTransformer.inputTemplate', change: '"\\"<table> deleted\\"" -> "\\"Table <table> deleted\\""' }] });
  });

  it('lists targets added and removed by id, with what they deliver to', () => {
    // Act
    const change = diffRule(rule(), rule({ targets: [{ kind: 'sns', id: 'sns-operations', sns: 'operations', retryPolicy: notify.retryPolicy }] }));

    // Assess
    expect(change.changes).toEqual([
      { field: 'targets.sns-operations', change: 'added (sns operations)' },
      { field: 'targets.notify', change: 'removed (was function notify -> security)' },
    ]);
  });

  it('marks schedule, state and bus changes as routing, and description, references and tests as not', () => {
    // Act
    const delivery = diffRule(rule({ schedule: 'rate(1 day)', pattern: undefined }), rule({ schedule: 'rate(1 hour)', pattern: undefined, state: 'DISABLED', bus: 'central' }));
    const words = diffRule(rule(), rule({ description: 'A table went away.', references: { cis: ['3.1'] }, tests: { match: ['events/dynamodb/delete-table.json'], noMatch: ['events/dynamodb/delete-table-not-found.json'] } }));

    // Assess
    expect(delivery).toMatchObject({ routing: true, changes: [{ field: 'bus', change: '"default" -> "central"' }, { field: 'state', change: '"ENABLED" -> "DISABLED"' }, { field: 'schedule', change: '"rate(1 day)" -> "rate(1 hour)"' }] });
    expect(words.routing).toBe(false);
    expect(words.changes.map((c) => c.field)).toEqual(['description', 'references', 'tests.no-match']);
  });

  it('reports no change for an identical rule', () => {
    expect(diffRule(rule(), rule()).changes).toEqual([]);
  });
});

describe('Function: diffCatalogs', () => {
  it('routes each event through both catalogs and lists only those whose rules, targets or rendered subject changed', () => {
    // Prepare
    const base = catalog(rule());
    const head = catalog(rule({ pattern: { source: ['aws.dynamodb'], detail: { eventName: ['DeleteTable', 'DeleteBackup'] } }, targets: [{ ...notify, notify: { topic: 'security', subject: 'Table {table} removed' } }] }));

    // Act
    const diff = diffCatalogs(base, head, [event('DeleteTable'), event('DeleteBackup'), event('CreateTable')], { skipped: 3 });

    // Assess
    expect(diff.routingChanged).toBe(true);
    expect(diff.events).toEqual({ routed: 3, skipped: 3 });
    expect(diff.routing).toEqual([
      { event: 'events/dynamodb/DeleteTable.json', was: ['dynamodb-delete-table -> notify (security): "Table orders deleted"'], now: ['dynamodb-delete-table -> notify (security): "Table orders removed"'] },
      { event: 'events/dynamodb/DeleteBackup.json', was: [], now: ['dynamodb-delete-table -> notify (security): "Table orders removed"'] },
    ]);
    expect(diff.unexercised).toEqual([]);
  });

  it('evaluates target filters and rule state as the deployed function does', () => {
    // Prepare
    const filtered = rule({ targets: [{ ...notify, filter: "detail.requestParameters.tableName == 'prod'" }] });

    // Act
    const diff = diffCatalogs(catalog(rule()), catalog(filtered), [event('DeleteTable', 'orders'), event('DeleteTable', 'prod')].map((e, i) => ({ ...e, name: `e${i}` })));
    const disabled = diffCatalogs(catalog(rule()), catalog(rule({ state: 'DISABLED' })), [event('DeleteTable')]);

    // Assess
    expect(diff.routing).toEqual([{ event: 'e0', was: ['dynamodb-delete-table -> notify (security): "Table orders deleted"'], now: ['dynamodb-delete-table -> notify: filtered out'] }]);
    expect(disabled.routing).toEqual([{ event: 'events/dynamodb/DeleteTable.json', was: ['dynamodb-delete-table -> notify (security): "Table orders deleted"'], now: [] }]);
  });

  it('lists rules added and removed, and names the routing changes no event shows', () => {
    // Prepare
    const created = rule({ name: 'dynamodb-create-table', filePath: 'patterns/dynamodb/create-table.yml', pattern: { source: ['aws.dynamodb'], detail: { eventName: ['CreateTable'] } } });
    const restored = rule({ name: 'dynamodb-restore', filePath: 'patterns/dynamodb/restore.yml', pattern: { source: ['aws.dynamodb'], detail: { eventName: ['RestoreTableFromBackup'] } } });

    // Act
    const diff = diffCatalogs(catalog(rule()), catalog(created, restored), [event('CreateTable')]);

    // Assess
    expect(diff.added).toEqual([
      { rule: 'dynamodb-create-table', filePath: 'patterns/dynamodb/create-table.yml' },
      { rule: 'dynamodb-restore', filePath: 'patterns/dynamodb/restore.yml' },
    ]);
    expect(diff.removed).toEqual([{ rule: 'dynamodb-delete-table', filePath: 'patterns/dynamodb/delete-table.yml' }]);
    expect(diff.routing).toHaveLength(1);
    expect(diff.unexercised).toEqual(['dynamodb-delete-table', 'dynamodb-restore']);
  });

  it('says routing is unchanged when only words changed', () => {
    // Act
    const diff = diffCatalogs(catalog(rule()), catalog(rule({ description: 'Gone.' })), [event('DeleteTable')]);

    // Assess
    expect(diff).toMatchObject({ routingChanged: false, routing: [], unexercised: [], changed: [{ routing: false }] });
  });
});

describe('Function: renderMarkdown', () => {
  it('writes headline counts and open tables up to 10 rows, collapsing longer tables into <details>', () => {
    // Prepare
    const names = Array.from({ length: 11 }, (_, i) => `t${String(i).padStart(2, '0')}`);
    const few = diffCatalogs(catalog(rule()), catalog(rule({ state: 'DISABLED' })), names.slice(0, 10).map((table) => ({ ...event('DeleteTable', table), name: table })));
    const many = diffCatalogs(catalog(rule()), catalog(rule({ state: 'DISABLED' })), names.map((table) => ({ ...event('DeleteTable', table), name: table })));

    // Act
    const open = renderMarkdown(few, { base: 'origin/main', head: 'the working tree' });
    const collapsed = renderMarkdown(many, { base: 'origin/main', head: 'the working tree' });

    // Assess
    expect(open.split('\n').slice(0, 3)).toEqual(['## patchbay: routing changes', '', '`origin/main` → `the working tree`: 0 added, 0 removed, 1 changed; 10 of 10 events route differently']);
    expect(open).toContain('### Events whose routing changes (10 of 10)\n\n| event | was | now |\n| --- | --- | --- |\n| `t00` | dynamodb-delete-table -> notify (security): "Table t00 deleted" | _no rule_ |');
    expect(open).not.toContain('<details>');
    expect(collapsed).toContain('### Events whose routing changes (11 of 11)\n\n<details><summary>11 rows</summary>\n\n| event | was | now |');
    expect(collapsed).toMatch(/\| `t10` \| .* \| _no rule_ \|\n\n<\/details>\n$/);
  });

  it('escapes table cells: a | in a subject does not split the cell', () => {
    // Prepare
    const head = catalog(rule({ targets: [{ ...notify, notify: { topic: 'security', subject: 'Table {table} | deleted' } }] }));

    // Act
    const text = renderMarkdown(diffCatalogs(catalog(rule()), head, [event('DeleteTable')]), { base: 'a', head: 'b' });

    // Assess
    expect(text).toContain('"Table orders \\| deleted"');
  });
});
