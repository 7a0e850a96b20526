/**
 * `patchbay diff` on a real git repository: a base commit (a copy of tests/fixtures/project) and a head that adds a
 * rule with its sample event, widens one rule and deletes another; both revisions checked out from git.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DiffExit, runDiff } from '../../src/cli/commands/diff';
import type { CatalogDiff } from '../../src/diff';
import { diffRule } from '../../src/diff';
import { testIo } from '../support/cli-io';

const PROJECT = path.resolve(__dirname, '../fixtures/project');

const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.email=ci@example.com', '-c', 'user.name=ci', ...args], { cwd, stdio: 'pipe' }).toString();

/** A repository whose project lives in `alerts/` (not the repository root), with one base commit. */
function repository(): { repo: string; project: string } {
  const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'patchbay-diff-repo-'));
  const project = path.join(repo, 'alerts');
  for (const entry of ['serverless.yml', 'patterns', 'events']) fs.cpSync(path.join(PROJECT, entry), path.join(project, entry), { recursive: true });
  git(repo, 'init', '-q', '-b', 'main');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-qm', 'base');
  return { repo, project };
}

/** The head: adds a rule with a new sample event, widens one rule's pattern, deletes another rule. */
function changeCatalog(project: string): void {
  fs.rmSync(path.join(project, 'patterns/s3/bucket-permissions-changed.yml'));
  const file = path.join(project, 'patterns/dynamodb/delete-table.yml');
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('eventName: [DeleteTable]', 'eventName: [DeleteTable, DeleteBackup]'));
  const created = JSON.parse(fs.readFileSync(path.join(project, 'events/dynamodb/create-table.json'), 'utf8')) as { id: string; detail: { eventName: string } };
  fs.writeFileSync(path.join(project, 'events/dynamodb/create-backup.json'), JSON.stringify({ ...created, id: 'b0c1d2e3-0000-4000-8000-00000000bac0', detail: { ...created.detail, eventName: 'CreateBackup' } }, null, 2));
  fs.writeFileSync(
    path.join(project, 'patterns/dynamodb/table-created.yml'),
    `pattern:\n  source: [aws.dynamodb]\n  detail-type: [AWS API Call via CloudTrail]\n  detail: { eventName: [CreateTable, CreateBackup] }\ntargets:\n  - function: notify\n    select: { table: detail.requestParameters.tableName, call: detail.eventName }\n    notify: { topic: operations, subject: "{call} {table}" }\ntests:\n  match: [events/dynamodb/create-table.json, events/dynamodb/create-backup.json]\n`,
  );
}

describe('Command: patchbay diff', () => {
  let repo: string;
  let project: string;
  beforeEach(() => ({ repo, project } = repository()));
  afterEach(() => fs.rmSync(repo, { recursive: true, force: true }));

  it('reports rules added, removed and changed field by field, and each sample event whose routing changes (exit 1)', async () => {
    // Prepare: the head commit
    changeCatalog(project);
    git(repo, 'add', '-A');
    git(repo, 'commit', '-qm', 'head');
    const json = testIo(project);
    const text = testIo(project);

    // Act
    const codes = [await runDiff({ base: 'main~1', head: 'main', format: 'json' }, json), await runDiff({ base: 'main~1', head: 'main' }, text)];
    const diff = JSON.parse(json.out()) as CatalogDiff;

    // Assess
    expect(codes).toEqual([DiffExit.CHANGED, DiffExit.CHANGED]);
    expect(diff.added).toEqual([{ rule: 'dynamodb-table-created', filePath: 'patterns/dynamodb/table-created.yml' }]);
    expect(diff.removed).toEqual([{ rule: 's3-bucket-permissions-changed', filePath: 'patterns/s3/bucket-permissions-changed.yml' }]);
    expect(diff.changed).toEqual([{ rule: 'dynamodb-delete-table', filePath: 'patterns/dynamodb/delete-table.yml', routing: true, changes: [{ field: 'pattern.detail.eventName', change: '+ "DeleteBackup"' }] }]);
    expect(diff.routing).toEqual(
      expect.arrayContaining([
        { event: 'events/dynamodb/create-backup.json', was: [], now: ['dynamodb-table-created -> notify (operations): "CreateBackup orders-staging"'] },
        { event: 'events/s3/put-bucket-policy.json', was: [expect.stringMatching(/^s3-bucket-permissions-changed -> notify \(security\): "S3 PutBucketPolicy/)], now: [] },
      ]),
    );
    expect(diff.routing).toHaveLength(5);
    expect(diff.unexercised).toEqual(['dynamodb-delete-table']); // no sample event is a DeleteBackup call
    expect(diff.events.routed).toBe(fs.readdirSync(path.join(project, 'events'), { recursive: true }).filter((f) => String(f).endsWith('.json')).length);
    expect(text.out()).toBe(
      [
        'patchbay diff: main~1 -> main',
        '+ rule dynamodb-table-created (patterns/dynamodb/table-created.yml)',
        '- rule s3-bucket-permissions-changed (patterns/s3/bucket-permissions-changed.yml)',
        '~ rule dynamodb-delete-table (patterns/dynamodb/delete-table.yml)',
        '    pattern.detail.eventName: + "DeleteBackup"',
        '',
        `Routing changes (5 of ${diff.events.routed} events):`,
        '  events/dynamodb/create-backup.json',
        '    was: (no rule)',
        '    now: dynamodb-table-created -> notify (operations): "CreateBackup orders-staging"',
        '  events/dynamodb/create-table.json',
        '    was: (no rule)',
        '    now: dynamodb-table-created -> notify (operations): "CreateTable orders-staging"',
        ...['delete-bucket-policy.json DeleteBucketPolicy', 'put-bucket-acl.json PutBucketAcl', 'put-bucket-policy.json PutBucketPolicy'].flatMap((pair) => {
          const [file, call] = pair.split(' ');
          return [`  events/s3/${file}`, `    was: s3-bucket-permissions-changed -> notify (security): "S3 ${call} on bucket acme-invoices-111122223333"`, '    now: (no rule)'];
        }),
        '',
        'No sample event shows the routing change of: dynamodb-delete-table (add a match or no-match event)',
        '',
        `1 added, 1 removed, 1 changed; 5 of ${diff.events.routed} events route differently`,
        '',
      ].join('\n'),
    );
  });

  it('writes markdown for a pull request: headline, rules table, events table, a warning for a change no sample event shows', async () => {
    // Prepare
    changeCatalog(project);
    const io = testIo(project);

    // Act
    const code = await runDiff({ base: 'main', format: 'markdown', events: [path.resolve(__dirname, '../../../shared/events-corpus')] }, io);

    // Assess
    expect(code).toBe(DiffExit.CHANGED);
    const text = io.out();
    expect(text.split('\n')[0]).toBe('## patchbay: routing changes');
    expect(text).toContain('| added | `dynamodb-table-created` | `patterns/dynamodb/table-created.yml` | |');
    expect(text).toContain('| changed | `dynamodb-delete-table` | `patterns/dynamodb/delete-table.yml` | `pattern.detail.eventName`: + "DeleteBackup" |');
    expect(text).toMatch(/### Events whose routing changes \(\d+ of \d+\)/);
    expect(text).toMatch(/\(\d+ files not events, skipped\)/); // the corpus holds CloudTrail records and log files
    expect(text).toContain('> [!WARNING]\n> No sample event shows the routing change of `dynamodb-delete-table`: add a `match` or `no-match` event.');
    // The routing of what was added and changed, drawn, the changes highlighted.
    expect(text).toMatch(/### Routing of the added and changed rules\n\n```mermaid\nflowchart LR\n[\s\S]*classDef added [\s\S]*classDef changed [\s\S]*```\n$/);
  });

  it('exits 0 when only a description changed, and says the routing is unchanged', async () => {
    // Prepare
    const file = path.join(project, 'patterns/dynamodb/delete-table.yml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/^description: .*$/m, 'description: A table went away.'));
    const io = testIo(project);

    // Act
    const code = await runDiff({ base: 'main' }, io);

    // Assess
    expect(code).toBe(DiffExit.UNCHANGED);
    expect(io.out()).toContain('~ rule dynamodb-delete-table (patterns/dynamodb/delete-table.yml) (routing unchanged)\n    description: ');
    expect(io.out().trimEnd().split('\n').at(-1)).toMatch(/^0 added, 0 removed, 1 changed; 0 of \d+ events route differently$/);
  });

  it('reads a revision whole, even where .gitattributes marks paths export-ignore (git archive would leave them out)', async () => {
    // Prepare: the base commit marks events/ export-ignore; the head only edits a description
    fs.writeFileSync(path.join(project, '.gitattributes'), 'events/ export-ignore\n');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-qm', 'export-ignore the sample events');
    const file = path.join(project, 'patterns/dynamodb/delete-table.yml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/^description: .*$/m, 'description: A table went away.'));
    const io = testIo(project);

    // Act
    const code = await runDiff({ base: 'main', format: 'json' }, io);

    // Assess: the base's rule tests found their events, and both revisions route them alike
    expect(io.err()).toBe('');
    expect(code).toBe(DiffExit.UNCHANGED);
    expect((JSON.parse(io.out()) as CatalogDiff).changed.map((c) => c.changes.map((x) => x.field))).toEqual([['description']]);
  });

  it('routes the sample events the head deleted too, so removing a rule with its samples still shows what stops', async () => {
    // Prepare
    fs.rmSync(path.join(project, 'patterns/s3/bucket-permissions-changed.yml'));
    for (const file of ['delete-bucket-policy', 'put-bucket-acl', 'put-bucket-policy', 'get-bucket-policy']) fs.rmSync(path.join(project, `events/s3/${file}.json`));
    const io = testIo(project);

    // Act
    const code = await runDiff({ base: 'main', json: true }, io);
    const diff = JSON.parse(io.out()) as CatalogDiff;

    // Assess
    expect(code).toBe(DiffExit.CHANGED);
    expect(diff.routing.map((c) => [c.event, c.now])).toEqual([
      ['events/s3/delete-bucket-policy.json', []],
      ['events/s3/put-bucket-acl.json', []],
      ['events/s3/put-bucket-policy.json', []],
    ]);
    expect(diff.unexercised).toEqual([]);
  });

  it('exits 2 on an --events folder that does not exist, rather than routing nothing', async () => {
    // Prepare
    const io = testIo(project);

    // Act
    const code = await runDiff({ base: 'main', events: ['../no-such-corpus'] }, io);

    // Assess
    expect(code).toBe(DiffExit.ERROR);
    expect(io.out()).toBe('');
    expect(io.err()).toMatch(/^patchbay diff: --events .*no-such-corpus: no such folder\n$/);
  });

  it('compares two commits with --head, and exits 2 naming the revision whose catalog is invalid, or an unknown ref', async () => {
    // Prepare
    changeCatalog(project);
    git(repo, 'add', '-A');
    git(repo, 'commit', '-qm', 'head');
    fs.writeFileSync(path.join(project, 'patterns/dynamodb/broken.yml'), 'pattern: { source: [{ prefx: a }] }\ntargets: [{ function: notify }]\n');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-qm', 'broken');
    const between = testIo(project);
    const broken = testIo(project);
    const unknown = testIo(project);

    // Act
    const codes = [
      await runDiff({ base: 'main~2', head: 'main~1', format: 'json' }, between),
      await runDiff({ base: 'main~1', head: 'main' }, broken),
      await runDiff({ base: 'nope' }, unknown),
    ];

    // Assess
    expect(codes).toEqual([DiffExit.CHANGED, DiffExit.ERROR, DiffExit.ERROR]);
    expect((JSON.parse(between.out()) as CatalogDiff).added).toHaveLength(1);
    expect(broken.err()).toMatch(/^patchbay diff: the head \(main\) catalog is invalid\n.*patterns\/dynamodb\/broken\.yml:1:\d+: \/pattern\/source\/0\/prefx: .*\[INVALID_EVENT_PATTERN\]/s);
    expect(unknown.err()).toMatch(/^patchbay diff: unknown revision "nope"/);
  });
});

describe('Function: diffRule', () => {
  const base = { name: 'r', filePath: 'patterns/r.yml', bus: 'default', state: 'ENABLED' as const, pattern: { source: ['a'] }, targets: [{ kind: 'function' as const, id: 'notify', function: 'notify', filter: 'x', retryPolicy: { maximumRetryAttempts: 1, maximumEventAgeInSeconds: 60 }, notify: { topic: 'security', subject: 's' } }], tests: { match: [], noMatch: [] } };

  it('names each changed field of targets, state and pattern, and which alter routing', () => {
    // Act
    const change = diffRule(base, { ...base, state: 'DISABLED', pattern: { source: ['a', 'b'], detail: { x: [1] } }, targets: [{ ...base.targets[0]!, filter: 'y', notify: { topic: 'ops', subject: 's' } }, { kind: 'sns', id: 'sns-ops', sns: 'ops', retryPolicy: base.targets[0]!.retryPolicy }] });

    // Assess
    expect(change.routing).toBe(true);
    expect(change.changes).toEqual([
      { field: 'state', change: '"ENABLED" -> "DISABLED"' },
      { field: 'pattern.source', change: '+ "b"' },
      { field: 'pattern.detail', change: 'added {"x":[1]}' },
      { field: 'targets.notify.filter', change: '"x" -> "y"' },
      { field: 'targets.notify.notify.topic', change: '"security" -> "ops"' },
      { field: 'targets.sns-ops', change: 'added (sns ops)' },
    ]);
  });
});
