import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadCatalog, parseYamlSource, readProjectConfig, type Catalog, type CatalogIssue } from '../../../src/catalog';
import { checkStackLimits, CompilerError, compileCatalog, rulesPerBusWarnings, STACK_RESOURCES_MAX, TEMPLATE_BYTES_MAX } from '../../../src/compiler';

const limitsDir = path.resolve(__dirname, '../../fixtures/catalog/limits');

async function loadProject(rootDir: string): Promise<Catalog> {
  const configSource = parseYamlSource(readFileSync(path.join(rootDir, 'serverless.yml'), 'utf8'));
  const config = readProjectConfig(configSource.value, { source: configSource });
  return loadCatalog({ rootDir, config, configSource });
}

/** A project of `count` rules on the default bus, each targeting the function `notify`. */
async function writeManyRules(count: number, options: { patternValues?: number; maxEventPatternLengthInChars?: number } = {}): Promise<string> {
  const rootDir = await mkdtemp(path.join(os.tmpdir(), 'patchbay-limits-'));
  await mkdir(path.join(rootDir, 'patterns'));
  await writeFile(
    path.join(rootDir, 'serverless.yml'),
    [
      'service: big',
      'provider: { name: aws }',
      'functions:',
      '  notify: { handler: handlers/notify.handler }',
      'custom:',
      '  patchbay:',
      '    maxRulesPerEventBus: 2000',
      `    maxEventPatternLengthInChars: ${options.maxEventPatternLengthInChars ?? 2048}`,
      '',
    ].join('\n'),
  );
  const values = Array.from({ length: options.patternValues ?? 1 }, (_, index) => `value-${String(index).padStart(4, '0')}-${'v'.repeat(20)}`).join(', ');
  await Promise.all(
    Array.from({ length: count }, (_, index) =>
      writeFile(path.join(rootDir, 'patterns', `rule-${String(index).padStart(4, '0')}.yml`), `pattern:\n  source: [${values}]\ntargets: [{ function: notify }]\n`),
    ),
  );
  return rootDir;
}

describe('Function: compileCatalog limits (tests/fixtures/catalog/limits/<case>)', () => {
  const cases = readdirSync(limitsDir).sort();

  it.each(cases)('%s', async (name) => {
    // Prepare
    const expected = JSON.parse(readFileSync(path.join(limitsDir, name, 'expected.json'), 'utf8')) as { stage: string; issues: Partial<CatalogIssue>[] };
    const catalog = await loadProject(path.join(limitsDir, name));

    // Act
    const error = (() => {
      try {
        compileCatalog(catalog, { service: catalog.config.service, stage: expected.stage });
      } catch (thrown) {
        return thrown;
      }
      return undefined;
    })();

    // Assess
    expect(error).toBeInstanceOf(CompilerError);
    const compilerError = error as CompilerError;
    expect(compilerError.code).toBe('PATCHBAY_LIMITS_EXCEEDED');
    expect(compilerError.issues.map(({ code, filePath, pointer }) => ({ code, filePath, pointer }))).toEqual(expected.issues);
    for (const issue of compilerError.issues) {
      expect(issue.line).toEqual(expect.any(Number));
      expect(compilerError.message).toContain(issue.message);
    }
  });

  it('says how long a name is and what the limit is (golden message)', async () => {
    // Act
    const error = await loadProject(path.join(limitsDir, 'names-too-long')).then((catalog) => {
      try {
        compileCatalog(catalog, { service: catalog.config.service, stage: 'test' });
      } catch (thrown) {
        return thrown as CompilerError;
      }
      throw new Error('expected an error');
    });

    // Assess
    expect(error.issues.find((issue) => issue.pointer === '/custom/patchbay/trail')?.message).toBe(
      `serverless.yml:10:12: /custom/patchbay/trail: trail name "${'s'.repeat(250)}-test" is 255 characters; at most 128: shorten the service, stage or key [NAME_TOO_LONG]`,
    );
  });

  it('measures the bus policy with the longest ARNs the bus could get', async () => {
    // Act
    const catalog = await loadProject(path.join(limitsDir, 'bus-policy-too-large'));
    const error = (() => {
      try {
        compileCatalog(catalog, { service: 'svc', stage: 'test' });
      } catch (thrown) {
        return thrown as CompilerError;
      }
      throw new Error('expected an error');
    })();

    // Assess
    expect(error.issues[0].message).toMatch(/would be up to \d{5} characters \(60 statements\); at most 10240/);
  });
});

describe('Function: checkStackLimits', () => {
  it('passes, without warnings, a template far from the limits', async () => {
    // Prepare
    const rootDir = await writeManyRules(3);
    try {
      const catalog = await loadProject(rootDir);
      const { resources } = compileCatalog(catalog, { service: 'big', stage: 'test' });

      // Act
      const result = checkStackLimits(catalog, { resources, templateBytes: JSON.stringify({ Resources: resources }).length }, { service: 'big' });

      // Assess
      expect(result).toEqual({ issues: [], warnings: [] });
    } finally {
      await rm(rootDir, { recursive: true, force: true });
    }
  });

  it('fails over 500 resources with the exact plan: which rules stay (each with its alarm), which go to which extra stack', async () => {
    // Prepare: 520 rules and their 520 FailedInvocations alarms + patchbay resources (permission, queue, queue policy, alarms, ...) + 10 "Serverless" resources
    const rootDir = await writeManyRules(520);
    try {
      const catalog = await loadProject(rootDir);
      const { resources } = compileCatalog(catalog, { service: 'big', stage: 'test' });
      const fixed = Object.keys(resources).length - 2 * 520 + 10;
      const room = Math.floor((STACK_RESOURCES_MAX - fixed) / 2);

      // Act
      const { issues } = checkStackLimits(catalog, { resources, extraResources: 10, templateBytes: JSON.stringify(resources).length }, { service: 'big' });

      // Assess
      expect(issues.map(({ code, filePath, pointer }) => ({ code, filePath, pointer }))).toEqual([{ code: 'TOO_MANY_RESOURCES', filePath: 'serverless.yml', pointer: '/custom/patchbay' }]);
      const { message } = issues[0];
      expect(message).toContain(`${2 * 520 + fixed} resources in one stack: 520 rules (1040 resources with their alarms) and ${fixed} other resources`);
      expect(message).toContain(`at most ${STACK_RESOURCES_MAX} per CloudFormation stack`);
      expect(message).toContain(`Split the rules (in name order) into 3 stacks: keep ${room} in this one (rule-0000 ... rule-${String(room - 1).padStart(4, '0')})`);
      const files = (from: number, count: number) => Array.from({ length: count }, (_, index) => `patterns/rule-${String(from + index).padStart(4, '0')}.yml`);
      expect(message).toContain(`stack 2: a copy of this service named big-2 whose patternsDir holds only ${room} files: ${files(room, room).join(', ')};`);
      expect(message).toContain(`stack 3: a copy of this service named big-3 whose patternsDir holds only ${520 - 2 * room} files: ${files(2 * room, 520 - 2 * room).join(', ')}.`);
    } finally {
      await rm(rootDir, { recursive: true, force: true });
    }
  });

  it('fails over 1,000,000 bytes with a plan by size, and warns from 80 % of either limit', async () => {
    // Prepare: 280 rules of about 4 KB each
    const rootDir = await writeManyRules(280, { patternValues: 120, maxEventPatternLengthInChars: 4096 });
    try {
      // Without alarms, so that only the size is over.
      const loaded = await loadProject(rootDir);
      const catalog = { ...loaded, config: { ...loaded.config, alarms: { enabled: false } } };
      const { resources } = compileCatalog(catalog, { service: 'big', stage: 'test' });
      const bytes = JSON.stringify({ Resources: resources }).length;

      // Act
      const over = checkStackLimits(catalog, { resources, templateBytes: bytes }, { service: 'big' });
      const near = checkStackLimits(catalog, { resources, templateBytes: bytes, extraResources: 400 - Object.keys(resources).length, extraBytes: -(bytes - 850_000) }, { service: 'big' });

      // Assess
      expect(bytes).toBeGreaterThan(TEMPLATE_BYTES_MAX);
      expect(over.issues.map((issue) => issue.code)).toEqual(['TEMPLATE_TOO_LARGE']);
      expect(over.issues[0].message).toContain(`a template of ${bytes} bytes; at most 1000000 bytes`);
      expect(over.issues[0].message).toMatch(/stack 2: a copy of this service named big-2 whose patternsDir holds only \d+ files: patterns\/rule-0\d+\.yml/);
      expect(near.issues).toEqual([]);
      expect(near.warnings).toEqual([
        expect.stringContaining('400 of 500 CloudFormation resources used (80%)'),
        expect.stringContaining('the template is 850000 of 1000000 bytes (85%)'),
      ]);
    } finally {
      await rm(rootDir, { recursive: true, force: true });
    }
  });
});

describe('Function: rulesPerBusWarnings', () => {
  it('warns from 80 % of maxRulesPerEventBus', async () => {
    // Prepare
    const rootDir = await writeManyRules(8);
    try {
      const catalog = await loadProject(rootDir);

      // Act
      const warnings = rulesPerBusWarnings({ ...catalog, config: { ...catalog.config, maxRulesPerEventBus: 10 } });
      const quiet = rulesPerBusWarnings({ ...catalog, config: { ...catalog.config, maxRulesPerEventBus: 11 } });

      // Assess
      expect(warnings).toEqual([expect.stringContaining('8 of 10 rules on bus "default"')]);
      expect(quiet).toEqual([]);
    } finally {
      await rm(rootDir, { recursive: true, force: true });
    }
  });
});
