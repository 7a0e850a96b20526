/**
 * Running osls on a copy of a fixture service, offline: the fixture is copied to a temp dir with node_modules
 * symlinked; its plugin.js loads this repo's plugin through PATCHBAY_PLUGIN. No AWS credentials are passed on.
 */
import { spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export const repoRoot = path.resolve(__dirname, '../..');
const slsBin = path.join(repoRoot, 'node_modules/osls/bin/serverless.js');

/** The outcome of one sls command. */
export interface Run {
  code: number | null;
  output: string;
}

/** A compiled CloudFormation template. */
export type Template = {
  Resources: Record<string, { Type: string; Properties: Record<string, any>; DependsOn?: unknown; DeletionPolicy?: string }>;
  Outputs: Record<string, { Value: unknown }>;
};

/** Run `sls <args>` in `cwd`, without AWS credentials. */
export function runSls(cwd: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, PATCHBAY_PLUGIN: path.join(repoRoot, 'plugin.js'), SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off', ...extraEnv };
  delete env.AWS_ACCESS_KEY_ID;
  delete env.AWS_SECRET_ACCESS_KEY;
  delete env.AWS_SESSION_TOKEN;
  delete env.AWS_PROFILE;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [slsBin, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** Copy a directory of the repo to a temp dir (without .serverless), with node_modules linked. */
export async function copyService(sourceDir: string, prefix = 'patchbay-service-'): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  await cp(sourceDir, dir, { recursive: true, filter: (source) => !source.includes(`${path.sep}.serverless`) && !source.includes(`${path.sep}node_modules`) });
  await symlink(path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}

/** The update-stack template `sls package` wrote. */
export async function readTemplate(serviceDir: string): Promise<Template> {
  return JSON.parse(await readFile(path.join(serviceDir, '.serverless/cloudformation-template-update-stack.json'), 'utf8')) as Template;
}

/** Logical IDs of the resources of one type. */
export function idsOf(template: Template, type: string): string[] {
  return Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === type)
    .map(([id]) => id)
    .sort();
}
