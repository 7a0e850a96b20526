/**
 * Bad input that is not a pattern-file mistake but a file that should never load as it is: YAML the loader must not
 * evaluate (alias bombs, tags, several documents), bytes that are not text, files too large to parse, links and
 * paths that leave the project, unreadable folders. Each ends in a coded issue with its position, never a crash,
 * a stack trace or a silently missing rule. The fixture cases are run by load-catalog.test.ts with the others.
 */
import { promises as fsPromises, readdirSync } from 'node:fs';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { CatalogError, loadCatalog, loadServerlessYaml, readProjectConfig, type CatalogIssue, type ProjectConfig } from '../../../src/catalog';
import { MAX_PATTERN_FILE_BYTES } from '../../../src/catalog/read-text';

const fixtures = path.resolve(__dirname, '../../fixtures/catalog');
const config: ProjectConfig = readProjectConfig({
  service: 'patchbay',
  functions: { notify: { handler: 'handlers/notify.handler' } },
  custom: { patchbay: { topics: { security: { subscriptions: [] } } } },
});
const rule = 'pattern:\n  source: [aws.signin]\ntargets:\n  - function: notify\n';

async function issuesOf(rootDir: string): Promise<CatalogIssue[]> {
  try {
    await loadCatalog({ rootDir, config });
  } catch (error) {
    if (error instanceof CatalogError) return error.issues;
    throw error;
  }
  throw new Error(`expected ${rootDir} to be rejected`);
}

async function tempProject(files: Record<string, string | Buffer>): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'patchbay-bad-input-'));
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), content);
  }
  return root;
}

describe('Function: loadCatalog (bad input)', () => {
  let root: string | undefined;
  afterEach(async () => {
    jest.restoreAllMocks();
    if (root) await rm(root, { recursive: true, force: true });
    root = undefined;
  });

  it('has a fixture with its expected code and pointer for every class of bad input', () => {
    // Assess
    expect(readdirSync(path.join(fixtures, 'invalid'))).toEqual(
      expect.arrayContaining([
        'yaml-alias-bomb',
        'yaml-unknown-tags',
        'yaml-multiple-documents',
        'yaml-unclosed-quote',
        'malformed-yaml',
        'file-nul-byte',
        'file-not-utf8',
        'file-utf16',
        'numeric-not-finite',
        'number-not-finite',
        'symlink-outside-project',
        'symlink-broken',
        'symlink-loop',
        'test-event-outside-project',
        'test-event-not-json',
        'select-key-with-dash',
        'rule-name-collision',
      ]),
    );
  });

  // What each class says (found; allowed), independent of how a message is laid out.
  it.each([
    ['numeric-not-finite', 0, 'Event pattern is not valid. Reason: Cannot compare number : 1e400', undefined],
    ['yaml-unknown-tags', 2, 'the YAML tag !Ref (CloudFormation and custom tags are not evaluated in pattern files)', 'plain YAML values, or one of the core tags !!str, !!int, !!float, !!bool, !!null, !!map, !!seq'],
    ['yaml-unknown-tags', 1, 'the YAML tag !!js/function', 'plain YAML values, or one of the core tags !!str, !!int, !!float, !!bool, !!null, !!map, !!seq'],
    ['yaml-alias-bomb', 0, 'YAML aliases that expand to more than 100 nodes (the count passes 100 at this *a)', 'at most 100 alias expansions per file: write the values out, or use fewer nested aliases'],
    ['yaml-multiple-documents', 0, 'a second YAML document (a "---" line after content)', 'one YAML document per file'],
    ['file-nul-byte', 0, 'a NUL byte (0x00)', 'UTF-8 text without NUL or other control characters (tab, line feed and carriage return are fine)'],
    ['file-utf16', 0, 'a byte that is not UTF-8 (0xFF): the file is UTF-16', 'UTF-8 text without NUL or other control characters (tab, line feed and carriage return are fine)'],
    ['number-not-finite', 1, 'the number .inf, which JSON cannot represent (the template would say null)', 'a finite number, between -1.7976931348623157e308 and 1.7976931348623157e308'],
    ['test-event-outside-project', 0, 'the path ../../etc/passwd, which leads outside the project directory', 'a path relative to the project root that stays inside it, e.g. events/iam/root-login.json'],
    ['test-event-outside-project', 1, 'the absolute path /etc/passwd', 'a path relative to the project root that stays inside it, e.g. events/iam/root-login.json'],
    ['test-event-not-json', 0, 'events/passwd.json is not valid JSON: an unexpected character (line 1, column 1)', 'a JSON object (an EventBridge event)'],
    ['test-event-not-json', 1, 'events/trailing-comma.json is not valid JSON: an unexpected character (line 3, column 36)', 'a JSON object (an EventBridge event)'],
    ['select-key-with-dash', 0, 'Bad jmespath expression: unknown token "Unknown token after "-"" at column 15 (quote keys that contain "-": detail."instance-id")', 'a JMESPath expression (https://jmespath.org/specification.html)'],
    ['symlink-outside-project', 1, 'a symbolic link to a file outside the project directory', 'links that stay inside the project (the project is what is reviewed and deployed): copy the file in, or link to a copy inside the project'],
    ['symlink-broken', 0, 'a symbolic link to a file that does not exist', 'a link to a pattern file inside the project, or the file itself'],
  ])('%s issue %d says %j', async (name, index, found, allowed) => {
    // Act
    const issues = await issuesOf(path.join(fixtures, 'invalid', name));

    // Assess
    expect(issues[index]).toEqual(expect.objectContaining({ found, ...(allowed !== undefined ? { allowed } : {}) }));
  });

  it('follows symbolic links to files and folders inside the project, naming rules after the link', async () => {
    // Act
    const catalog = await loadCatalog({ rootDir: path.join(fixtures, 'symlinked'), config });

    // Assess
    expect(catalog.rules.map((r) => [r.name, r.filePath])).toEqual([
      ['shared-policy', 'patterns/shared/policy.yml'],
      ['zz-linked', 'patterns/zz/linked.yml'],
    ]);
    expect(catalog.rules[1].pattern).toEqual(expect.objectContaining({ source: ['aws.iam'] }));
  });

  it('reports an unreadable folder by name, with a code and no stack trace, and still checks the other files', async () => {
    // Prepare: root reads any directory whatever its mode, so the refusal is simulated at readdir.
    root = await tempProject({ 'patterns/ok.yml': rule, 'patterns/locked/hidden.yml': rule, 'patterns/bad.yml': 'pattern: [' });
    const locked = path.join(root, 'patterns', 'locked');
    const readdir = fsPromises.readdir.bind(fsPromises);
    jest.spyOn(fsPromises, 'readdir').mockImplementation(((dir: string, options: never) =>
      path.resolve(String(dir)) === locked
        ? Promise.reject(Object.assign(new Error(`EACCES: permission denied, scandir '${locked}'`), { code: 'EACCES' }))
        : readdir(dir, options)) as typeof fsPromises.readdir);

    // Act
    const issues = await issuesOf(root);

    // Assess
    expect(issues.map(({ code, filePath }) => ({ code, filePath }))).toEqual([
      { code: 'YAML_SYNTAX', filePath: 'patterns/bad.yml' },
      { code: 'FILE_READ_FAILED', filePath: 'patterns/locked' },
    ]);
    expect(issues[1]).toEqual(
      expect.objectContaining({ found: 'the directory patterns/locked cannot be read (EACCES: permission denied)', allowed: 'a readable directory: its pattern files would be missing from the stack' }),
    );
  });

  it('refuses a pattern file over MAX_PATTERN_FILE_BYTES from its size, before parsing it', async () => {
    // Prepare: 1 MiB + 1 byte of valid YAML (a long list of sample events)
    const line = '    - events/sample.json\n';
    const head = `${rule}tests:\n  match:\n`;
    const body = line.repeat(Math.ceil((MAX_PATTERN_FILE_BYTES - head.length) / line.length));
    const text = (head + body).slice(0, MAX_PATTERN_FILE_BYTES + 1);
    root = await tempProject({ 'patterns/huge.yml': text });

    // Act
    const issues = await issuesOf(root);

    // Assess
    expect(MAX_PATTERN_FILE_BYTES).toBe(1_048_576);
    expect(issues).toEqual([
      expect.objectContaining({
        code: 'FILE_TOO_LARGE',
        filePath: 'patterns/huge.yml',
        pointer: '',
        found: 'a pattern file of 1,048,577 bytes',
        allowed: 'at most 1,048,576 bytes (1 MiB) per pattern file: one rule per file',
      }),
    ]);
  });

  it('reports a named pipe called *.yml instead of waiting for a writer forever', async () => {
    // Prepare
    root = await tempProject({ 'patterns/ok.yml': rule });
    execFileSync('mkfifo', [path.join(root, 'patterns', 'pipe.yml')]);

    // Act
    const issues = await issuesOf(root);

    // Assess
    expect(issues).toEqual([expect.objectContaining({ code: 'FILE_READ_FAILED', filePath: 'patterns/pipe.yml', pointer: '' })]);
  });

  it('reports a link to a test event outside the project, which it does not read', async () => {
    // Prepare
    root = await tempProject({ 'patterns/login.yml': `${rule}tests:\n  match: [events/linked.json]\n` });
    const outside = await mkdtemp(path.join(os.tmpdir(), 'patchbay-outside-'));
    try {
      await writeFile(path.join(outside, 'secret.json'), '{"source":"aws.signin"}');
      await mkdir(path.join(root, 'events'));
      await fsPromises.symlink(path.join(outside, 'secret.json'), path.join(root, 'events', 'linked.json'));

      // Act
      const issues = await issuesOf(root);

      // Assess
      expect(issues).toEqual([expect.objectContaining({ code: 'PATH_OUTSIDE_PROJECT', pointer: '/tests/match/0', line: 6, column: 11 })]);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('never quotes a test event that is not JSON', async () => {
    // Act
    const issues = await issuesOf(path.join(fixtures, 'invalid', 'test-event-not-json'));

    // Assess
    for (const issue of issues) expect(issue.message).not.toMatch(/root:x|daemon|hunter2/);
  });
});

describe('Function: loadServerlessYaml (bad input)', () => {
  let root: string | undefined;
  afterEach(async () => {
    if (root) await rm(root, { recursive: true, force: true });
    root = undefined;
  });

  it('reports an alias bomb in serverless.yml as a coded issue instead of crashing', async () => {
    // Prepare
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 6 }, (_, i) => `b${i}: &b${i} [${Array(10).fill(i === 0 ? '*a' : `*b${i - 1}`).join(', ')}]`)];
    root = await tempProject({ 'serverless.yml': `service: bomb\n${levels.join('\n')}\n` });

    // Act
    const error = await loadServerlessYaml(root).catch((thrown: unknown) => thrown);

    // Assess
    expect(error).toBeInstanceOf(CatalogError);
    expect((error as CatalogError).issues).toEqual([expect.objectContaining({ code: 'YAML_ALIAS_LIMIT', filePath: 'serverless.yml', line: expect.any(Number) })]);
  });

  it('keeps CloudFormation tags in serverless.yml (Serverless resolves them)', async () => {
    // Prepare
    root = await tempProject({ 'serverless.yml': 'service: tags\nresources:\n  Outputs:\n    Queue: { Value: !Ref NotifyDeadLetterQueue }\n' });

    // Act
    const document = await loadServerlessYaml(root);

    // Assess
    expect(document).toEqual({ service: 'tags', resources: { Outputs: { Queue: { Value: 'NotifyDeadLetterQueue' } } } });
  });
});
