import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { existsSync } from 'node:fs';
import {
  CatalogError,
  loadCatalog,
  loadServerlessYaml,
  parseYamlSource,
  readProjectConfig,
  type CatalogIssue,
  type ProjectConfig,
  type YamlSource,
} from '../../../src/catalog';

const fixtures = path.resolve(__dirname, '../../fixtures/catalog');
const invalidDir = path.join(fixtures, 'invalid');

/** The config of the fixtures that have no serverless.yml of their own. */
const config: ProjectConfig = readProjectConfig({
  service: 'patchbay',
  functions: { notify: { handler: 'handlers/notify.handler' }, audit: { handler: 'handlers/audit.handler' } },
  resources: { Resources: { AuditQueue: { Type: 'AWS::SQS::Queue' } } },
  custom: {
    patchbay: {
      topics: { security: { subscriptions: [] }, operations: { subscriptions: [] } },
      buses: {
        orders: { type: 'custom' },
        central: { existing: 'arn:aws:events:us-east-1:111122223333:event-bus/central' },
        auth0: { type: 'partner', eventSourceName: 'aws.partner/auth0.com/example-tenant/auth0.logs' },
      },
    },
  },
});

/** A fixture's own serverless.yml (with positions), or the shared config. */
function configOf(rootDir: string): { config: ProjectConfig; configSource?: YamlSource } {
  const file = path.join(rootDir, 'serverless.yml');
  if (!existsSync(file)) return { config };
  const configSource = parseYamlSource(readFileSync(file, 'utf8'));
  return { config: readProjectConfig(configSource.value, { source: configSource }), configSource };
}

async function issuesOf(rootDir: string, projectConfig?: ProjectConfig): Promise<CatalogIssue[]> {
  try {
    await loadCatalog({ rootDir, ...(projectConfig ? { config: projectConfig } : configOf(rootDir)) });
  } catch (error) {
    if (error instanceof CatalogError) return error.issues;
    throw error;
  }
  throw new Error(`expected ${rootDir} to be rejected`);
}

interface Expected {
  issues: Pick<CatalogIssue, 'code' | 'filePath' | 'pointer' | 'line' | 'column' | 'message'>[];
}

describe('Function: loadCatalog', () => {
  describe('invalid fixtures (tests/fixtures/catalog/invalid/<case>/expected.json)', () => {
    const cases = readdirSync(invalidDir).sort();

    it('has the cases this test suite promises', () => {
      // Assess
      expect(cases).toEqual(
        expect.arrayContaining([
          'malformed-yaml',
          'duplicate-key',
          'unknown-key',
          'invalid-event-pattern',
          'rule-name-collision',
          'missing-test-event',
          'unknown-function',
          'unknown-topic',
          'bad-jmespath-filter',
          'bad-jmespath-select',
          'unknown-subject-placeholder',
          'schedule-on-custom-bus',
          'several-problems',
          'unknown-bus',
          'target-without-kind',
          'target-two-kinds',
          'filter-on-sns-target',
          'input-transformer-on-bus-target',
          'retry-policy-on-bus-target',
          'event-bus-target-loop',
          'event-bus-target-unknown',
          'sns-unknown-topic',
          'input-transformer-unknown-placeholder',
          'input-transformer-bad-path',
          'input-transformer-too-many-paths',
          'input-template-too-long',
          'retry-policy-out-of-range',
          'exclude-replays-on-schedule',
          'exclude-replays-conflict',
          'pattern-too-large',
          'pattern-too-complex',
          'unknown-dead-letter-queue',
          'too-many-rules-on-bus',
          'event-schema-files',
        ]),
      );
    });

    it.each(cases)('%s', async (name) => {
      // Prepare
      const expected = JSON.parse(readFileSync(path.join(invalidDir, name, 'expected.json'), 'utf8')) as Expected;

      // Act
      const issues = await issuesOf(path.join(invalidDir, name));

      // Assess
      const projected = issues.map((issue, index) => {
        const { code, filePath, pointer, line, column, message } = issue;
        const wantMessage = expected.issues[index]?.message !== undefined;
        return { code, filePath, pointer, ...(line !== undefined ? { line, column } : {}), ...(wantMessage ? { message } : {}) };
      });
      expect(projected).toEqual(expected.issues);
    });
  });

  it('reports every problem of every file in one error', async () => {
    // Act
    const issues = await issuesOf(path.join(invalidDir, 'several-problems'));

    // Assess
    expect(issues.map((issue) => issue.code).sort()).toEqual(
      [
        'INVALID_EVENT_PATTERN',
        'INVALID_JMESPATH',
        'SCHEDULE_NOT_ON_DEFAULT_BUS',
        'SCHEMA_UNKNOWN_KEY',
        'TEST_EVENT_NOT_FOUND',
        'UNKNOWN_FUNCTION',
        'UNKNOWN_SUBJECT_FIELD',
        'UNKNOWN_TOPIC',
      ].sort(),
    );
    expect(new Set(issues.map((issue) => issue.filePath))).toEqual(new Set(['patterns/iam/root-login.yml', 'patterns/ops/tick.yml']));
  });

  it('throws a CatalogError whose code is stable and whose message lists every issue', async () => {
    // Act
    const error = await loadCatalog({ rootDir: path.join(invalidDir, 'several-problems'), config }).catch((thrown: unknown) => thrown);

    // Assess
    expect(error).toBeInstanceOf(CatalogError);
    const catalogError = error as CatalogError;
    expect(catalogError).toEqual(expect.objectContaining({ name: 'CatalogError', code: 'PATCHBAY_INVALID_CATALOG' }));
    expect(catalogError.message).toMatch(/^Invalid patchbay catalog \(8 problems\):/);
    for (const issue of catalogError.issues) expect(catalogError.message).toContain(issue.message);
  });

  it('keeps AWS reason text and the YAML position for event-pattern problems (golden message)', async () => {
    // Act
    const [issue] = await issuesOf(path.join(invalidDir, 'invalid-event-pattern'));

    // Assess
    expect(issue.message).toBe(
      'patterns/iam/root-login.yml:7:19: /pattern/detail/userIdentity/type/0/prefix: Event pattern is not valid. Reason: prefix match pattern must be a string [INVALID_EVENT_PATTERN]',
    );
  });

  it('names both files of a rule-name collision', async () => {
    // Act
    const issues = await issuesOf(path.join(invalidDir, 'rule-name-collision'));

    // Assess
    expect(issues).toHaveLength(2);
    expect(issues[0].message).toContain('patterns/iam/root-login.yml');
    expect(issues[1].message).toContain('patterns/iam-root-login.yaml');
  });

  it('loads unsaved pattern files as if on disk, with their own positions, and refuses one that would replace a file', async () => {
    // Prepare
    const rootDir = path.join(fixtures, 'valid');
    const unsaved = { 'ops/tick.yml': 'schedule: rate(5 minutes)\ntargets:\n  - function: nope\n', 'iam/root-login.yml': 'pattern: { source: [x] }\ntargets:\n  - function: notify\n' };

    // Act
    const error = (await loadCatalog({ rootDir, config, unsavedPatternFiles: unsaved }).catch((thrown: unknown) => thrown)) as CatalogError;
    const loaded = await loadCatalog({ rootDir, config, unsavedPatternFiles: { 'ops/tick.yml': 'schedule: rate(5 minutes)\ntargets:\n  - function: notify\n' } });

    // Assess
    expect(error.issues.map(({ code, filePath, pointer, line }) => ({ code, filePath, pointer, line }))).toEqual([
      { code: 'FILE_EXISTS', filePath: 'patterns/iam/root-login.yml', pointer: '', line: undefined },
      { code: 'UNKNOWN_FUNCTION', filePath: 'patterns/ops/tick.yml', pointer: '/targets/0/function', line: 3 },
    ]);
    expect(loaded.rules.map((rule) => rule.name)).toEqual(['iam-root-login', 'ops-heartbeat', 'ops-tick']);
    expect(existsSync(path.join(rootDir, 'patterns/ops/tick.yml'))).toBe(false);
  });

  it('reads a rule severity, a level or an expression, and refuses a bad level or expression with its pointer', async () => {
    // Prepare
    const rootDir = path.join(fixtures, 'valid');
    const rule = (severity: string) => `severity: ${severity}\npattern: { source: [aws.guardduty] }\ntargets:\n  - function: notify\n`;

    // Act
    const loaded = await loadCatalog({ rootDir, config, unsavedPatternFiles: { 'gd/static.yml': rule('high'), 'gd/read.yml': rule('{ expression: detail.severity, default: low }') } });
    const error = (await loadCatalog({ rootDir, config, unsavedPatternFiles: { 'gd/bad-level.yml': rule('urgent'), 'gd/bad-expression.yml': rule('{ expression: "detail.[" }') } }).catch((e: unknown) => e)) as CatalogError;

    // Assess
    expect(loaded.rules.find((r) => r.name === 'gd-static')?.severity).toBe('high');
    expect(loaded.rules.find((r) => r.name === 'gd-read')?.severity).toEqual({ expression: 'detail.severity', default: 'low' });
    expect(error.issues.map(({ code, filePath, pointer }) => ({ code, filePath, pointer }))).toEqual([
      { code: 'INVALID_JMESPATH', filePath: 'patterns/gd/bad-expression.yml', pointer: '/severity/expression' },
      expect.objectContaining({ filePath: 'patterns/gd/bad-level.yml', pointer: '/severity' }),
    ]);
  });

  it('keeps only the rules custom.patchbay.rules enables, minus those it disables, and says which were left out', async () => {
    // Prepare
    const rootDir = path.join(fixtures, 'valid');

    // Act
    const onlyOps = await loadCatalog({ rootDir, config: { ...config, rules: { enable: ['ops/**'] } } });
    const noneLeft = await loadCatalog({ rootDir, config: { ...config, rules: { enable: ['**'], disable: ['iam/*', 'ops/heartbeat', 'gone/**'] } } });

    // Assess
    expect(onlyOps.rules.map((rule) => rule.name)).toEqual(['ops-heartbeat']);
    expect(onlyOps.disabled).toEqual(['patterns/iam/root-login.yml']);
    expect(noneLeft.rules).toEqual([]);
    expect(noneLeft.unusedRuleGlobs).toEqual([{ pointer: '/custom/patchbay/rules/disable/2', glob: 'gone/**' }]);
  });

  it('loads a valid project into typed rules sorted by name', async () => {
    // Prepare
    const retryPolicy = { maximumRetryAttempts: 185, maximumEventAgeInSeconds: 86400 };

    // Act
    const catalog = await loadCatalog({ rootDir: path.join(fixtures, 'valid'), config });

    // Assess
    expect(catalog.config).toBe(config);
    expect(catalog.rules.map((rule) => rule.name)).toEqual(['iam-root-login', 'ops-heartbeat']);
    expect(catalog.rules[0]).toEqual({
      name: 'iam-root-login',
      filePath: 'patterns/iam/root-login.yml',
      description: 'The root user signed in to the console',
      bus: 'default',
      state: 'ENABLED',
      pattern: {
        source: ['aws.signin'],
        'detail-type': ['AWS Console Sign In via CloudTrail'],
        detail: { userIdentity: { type: ['Root'] } },
      },
      targets: [
        {
          kind: 'function',
          id: 'notify',
          function: 'notify',
          select: { ip: 'detail.sourceIPAddress' },
          notify: { topic: 'security', subject: 'Root sign-in from {ip} in {account}' },
          retryPolicy,
        },
        { kind: 'function', id: 'audit', function: 'audit', retryPolicy },
        { kind: 'function', id: 'notify-2', function: 'notify', filter: "detail.responseElements.ConsoleLogin == 'Failure'", notify: { topic: 'operations' }, retryPolicy },
      ],
      tests: { match: ['events/iam/root-login.json'], noMatch: ['events/iam/user-login.json'] },
    });
    expect(catalog.rules[1]).toEqual({
      name: 'ops-heartbeat',
      filePath: 'patterns/ops/heartbeat.yaml',
      bus: 'default',
      state: 'DISABLED',
      schedule: 'rate(5 minutes)',
      targets: [{ kind: 'function', id: 'audit', function: 'audit', notify: { topic: 'operations', subject: 'heartbeat {time}' }, retryPolicy }],
      tests: { match: [], noMatch: [] },
    });
  });

  it('reads patternsDir from the config and resolves test events from the project root', async () => {
    // Prepare
    const rootDir = await mkdtemp(path.join(os.tmpdir(), 'patchbay-catalog-'));
    try {
      await mkdir(path.join(rootDir, 'rules/nested/deeper'), { recursive: true });
      await mkdir(path.join(rootDir, 'samples'));
      await writeFile(path.join(rootDir, 'samples/e.json'), '{"source":"x"}');
      await writeFile(
        path.join(rootDir, 'rules/nested/deeper/r.yml'),
        'pattern: { source: [x] }\ntargets: [{ function: notify }]\ntests: { match: [samples/e.json] }\n',
      );
      await writeFile(path.join(rootDir, 'rules/ignored.json'), '{}');

      // Act
      const catalog = await loadCatalog({ rootDir, config: { ...config, patternsDir: 'rules' } });

      // Assess
      expect(catalog.rules.map((rule) => [rule.name, rule.filePath])).toEqual([['nested-deeper-r', 'rules/nested/deeper/r.yml']]);
    } finally {
      await rm(rootDir, { recursive: true, force: true });
    }
  });

  it('rejects a pattern longer than the configured EventBridge quota', async () => {
    // Prepare
    const rootDir = await mkdtemp(path.join(os.tmpdir(), 'patchbay-catalog-'));
    try {
      await mkdir(path.join(rootDir, 'patterns'));
      const values = Array.from({ length: 40 }, (_, index) => `value-number-${index}`).join(', ');
      await writeFile(path.join(rootDir, 'patterns/long.yml'), `pattern:\n  source: [${values}]\ntargets: [{ function: notify }]\n`);

      // Act
      const tight = await issuesOf(rootDir, { ...config, maxEventPatternLengthInChars: 200 });
      const loose = await loadCatalog({ rootDir, config: { ...config, maxEventPatternLengthInChars: 4096 } });

      // Assess
      expect(tight).toEqual([expect.objectContaining({ code: 'EVENT_PATTERN_TOO_LARGE', filePath: 'patterns/long.yml', pointer: '/pattern' })]);
      expect(tight[0].message).toContain('characters as JSON; at most 200');
      expect(loose.rules).toHaveLength(1);
    } finally {
      await rm(rootDir, { recursive: true, force: true });
    }
  });

  it('loads a whole project (the fixture copy of the starter catalog) against its serverless.yml', async () => {
    // Prepare
    const rootDir = path.resolve(__dirname, '../../fixtures/project');
    const projectConfig = readProjectConfig(await loadServerlessYaml(rootDir));

    // Act
    const catalog = await loadCatalog({ rootDir, config: projectConfig });

    // Assess
    expect(catalog.rules.length).toBeGreaterThan(0);
    for (const rule of catalog.rules) expect(rule.targets.length).toBeGreaterThan(0);
  });
});
