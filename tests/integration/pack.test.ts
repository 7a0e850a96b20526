/**
 * patchbay as a dependency: `npm pack` the repository, install the tarball into a new project outside the
 * repository, scaffold it with the installed `patchbay init`, then run `patchbay test`, `sls package` and
 * `sls invoke local` there. The project uses `plugins: [patchbay]` and the package's notify handler; nothing is
 * copied from this repository.
 *
 * The install reads packages from npm's cache first (`--prefer-offline`: `npm ci` filled it), and the registry
 * for what is missing, as `npm ci` does.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../support/run-bin';

const TIMEOUT_MS = 600_000;

interface Run {
  code: number | null;
  output: string;
}

function run(command: string, args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    // As on a developer's machine: no AWS credentials, and nothing silencing the SDK's Node-version notice.
    const env: NodeJS.ProcessEnv = { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' };
    for (const key of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'PATCHBAY_PLUGIN', 'npm_config_prefix', 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED']) delete env[key];
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('patchbay packed, installed into a new project, and used there', () => {
  let parent: string;
  let project: string;
  let tarball: string;

  beforeAll(async () => {
    parent = fs.mkdtempSync(path.join(os.tmpdir(), 'patchbay-pack-'));
    const packed = await run('npm', ['pack', '--pack-destination', parent, '--json'], REPO_ROOT);
    expect(packed.code).toBe(0);
    tarball = path.join(parent, (JSON.parse(packed.output.slice(packed.output.indexOf('['))) as Array<{ filename: string }>)[0].filename);
    project = path.join(parent, 'alerts');
    fs.mkdirSync(project);
  }, TIMEOUT_MS);
  afterAll(() => fs.rmSync(parent, { recursive: true, force: true }));

  it('ships the framework (bin, built CLI and plugin, handler, schemas, templates) and not the reference catalog', async () => {
    // Act
    const listed = await run('tar', ['-tzf', tarball], parent);

    // Assess
    const files = listed.output.split('\n').filter(Boolean).map((file) => file.replace(/^package\//, ''));
    expect(files).toEqual(expect.arrayContaining(['bin/patchbay.js', 'dist/cli.js', 'dist/plugin.js', 'plugin.js', 'handlers/notify.ts', 'schemas/pattern-file.schema.json', 'templates/init/serverless.yml', 'templates/init/gitignore', 'templates/init/.vscode/settings.json']));
    expect(files.filter((file) => /^(patterns|events|tests|bench|examples)\//.test(file) || file === 'serverless.yml')).toEqual([]);
  });

  it('installs, scaffolds with init, and passes patchbay test, sls package and sls invoke local', async () => {
    // Prepare: a project that depends on the tarball (package.json as init would write it)
    fs.writeFileSync(
      path.join(project, 'package.json'),
      JSON.stringify({ name: 'alerts', private: true, devDependencies: { patchbay: `file:${tarball}`, osls: '^4.3.1' }, overrides: { 'serverless-offline-sns': { serverless: 'npm:osls@4.3.1' } } }, null, 2),
    );
    const installed = await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], project);
    expect({ code: installed.code, output: installed.code === 0 ? '' : installed.output }).toEqual({ code: 0, output: '' });
    const bin = path.join(project, 'node_modules/.bin/patchbay');
    const sls = path.join(project, 'node_modules/osls/bin/serverless.js');

    // Act
    const init = await run(bin, ['init', '.'], project);
    const tested = await run(bin, ['test'], project);
    const packaged = await run(process.execPath, [sls, 'package', '--stage', 'ci'], project);
    const invoked = await run(process.execPath, [sls, 'invoke', 'local', '-f', 'notify', '-p', 'events/dynamodb/delete-table.json', '--stage', 'ci'], project);

    // Assess
    expect(init.code).toBe(0);
    expect(init.output).toContain('wrote serverless.yml');
    expect(init.output).toContain('kept  package.json');
    // The scaffolded rule is a CloudTrail API-call rule and the project has no trail: the one warning, explained in serverless.yml.
    expect({ code: tested.code, output: tested.output.trimEnd().split('\n').at(-1) }).toEqual({ code: 0, output: 'patchbay test: 2 passed, 0 failed, 1 warning' });
    expect(tested.output).toContain('[CLOUDTRAIL_TRAIL_REQUIRED]');
    expect({ code: packaged.code, output: packaged.code === 0 ? '' : packaged.output }).toEqual({ code: 0, output: '' });
    const template = JSON.parse(fs.readFileSync(path.join(project, '.serverless/cloudformation-template-update-stack.json'), 'utf8')) as {
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    };
    const rules = Object.values(template.Resources).filter((resource) => resource.Type === 'AWS::Events::Rule');
    expect(rules.map((rule) => rule.Properties.Name)).toEqual(['alerts.ci.dynamodb-delete-table']);
    expect(fs.existsSync(path.join(project, '.serverless/notify.zip'))).toBe(true);
    expect(invoked.code).toBe(0);
    expect(invoked.output).toContain('"Subject": "DynamoDB table orders deleted in 111122223333 eu-west-1"');
    // The Publish request once (the dry-run printout), not again in the log line and the returned result.
    expect(invoked.output.split('"Subject":').length - 1).toBe(1);
    expect(invoked.output).not.toContain('NodeVersionSupportWarning');
    expect(fs.existsSync(path.join(project, 'handlers'))).toBe(false);
  }, TIMEOUT_MS);
});
