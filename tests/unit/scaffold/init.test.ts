import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadProject } from '../../../src/cli/project';
import { runRuleTests } from '../../../src/cli/rule-tests';
import { runInit } from '../../../src/cli/commands/init';
import { InitError, initProject } from '../../../src/scaffold/init';
import { version } from '../../../package.json';
import { testIo } from '../../support/cli-io';

function tempDir(name: string): string {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'patchbay-init-')), name);
  fs.mkdirSync(dir);
  return dir;
}

describe('Function: initProject', () => {
  it('writes a project whose catalog loads and whose rule tests pass, named after its directory', async () => {
    // Prepare
    const dir = tempDir('my-alerts');

    // Act
    const result = await initProject(dir);

    // Assess
    expect(result.written).toEqual([
      '.github/workflows/patterns.yml',
      '.gitignore',
      '.vscode/settings.json',
      'README.md',
      'events/dynamodb/create-table.json',
      'events/dynamodb/delete-table.json',
      'package.json',
      'patterns/dynamodb/delete-table.yml',
      'serverless.yml',
    ]);
    // Editors find the pattern-file schema of the installed package.
    expect(JSON.parse(fs.readFileSync(path.join(dir, '.vscode/settings.json'), 'utf8'))['yaml.schemas']).toEqual({
      './node_modules/patchbay/schemas/pattern-file.schema.json': ['patterns/**/*.yml', 'patterns/**/*.yaml'],
    });
    const serverlessYml = fs.readFileSync(path.join(dir, 'serverless.yml'), 'utf8');
    expect(serverlessYml).toMatch(/^service: my-alerts$/m);
    expect(serverlessYml).toMatch(/^ {2}- patchbay$/m);
    expect(serverlessYml).toContain('handler: node_modules/patchbay/handlers/notify.handler');
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).devDependencies.patchbay).toBe(`^${version}`);
    const { catalog } = await loadProject(dir);
    const results = await runRuleTests(catalog, dir);
    expect(results.map((r) => [r.rule, r.event, r.passed])).toEqual([
      ['dynamodb-delete-table', 'events/dynamodb/delete-table.json', true],
      ['dynamodb-delete-table', 'events/dynamodb/create-table.json', true],
    ]);
  });

  it('keeps an existing package.json and says so', async () => {
    const dir = tempDir('kept');
    fs.writeFileSync(path.join(dir, 'package.json'), '{"name":"mine"}');
    const result = await initProject(dir);
    expect(result.kept).toEqual(['package.json']);
    expect(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).toBe('{"name":"mine"}');
  });

  it('writes nothing and names every existing file when one would be overwritten', async () => {
    // Prepare
    const dir = tempDir('taken');
    fs.writeFileSync(path.join(dir, 'serverless.yml'), 'service: mine\n');
    fs.mkdirSync(path.join(dir, 'patterns/dynamodb'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'patterns/dynamodb/delete-table.yml'), 'x');

    // Act
    const refused = initProject(dir);

    // Assess
    await expect(refused).rejects.toThrow(InitError);
    await expect(refused).rejects.toThrow(/already has patterns\/dynamodb\/delete-table\.yml, serverless\.yml; patchbay init never overwrites/);
    expect(fs.readdirSync(dir).sort()).toEqual(['patterns', 'serverless.yml']);
    expect(fs.readFileSync(path.join(dir, 'serverless.yml'), 'utf8')).toBe('service: mine\n');
  });

  it('refuses a directory name that is not a service name unless --service is given', async () => {
    const dir = tempDir('9 lives');
    await expect(initProject(dir)).rejects.toMatchObject({ code: 'PATCHBAY_INIT_SERVICE_NAME_INVALID' });
    expect(fs.readdirSync(dir)).toEqual([]);
    await expect(initProject(dir, { service: 'nine-lives' })).resolves.toMatchObject({ service: 'nine-lives' });
  });
});

describe('Function: runInit', () => {
  it('exits 0 with what it wrote, then 2 with the refusal and its code', async () => {
    const dir = tempDir('cli');
    const io = testIo(path.dirname(dir));
    expect(await runInit('cli', {}, io)).toBe(0);
    expect(io.out()).toContain('patchbay init: service cli in cli\n  wrote .github/workflows/patterns.yml');
    const again = testIo(path.dirname(dir));
    expect(await runInit('cli', {}, again)).toBe(2);
    expect(again.err()).toMatch(/^patchbay init: .* never overwrites: use an empty directory \[PATCHBAY_INIT_FILES_EXIST\]\n$/);
  });
});
