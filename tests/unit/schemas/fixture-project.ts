/** Temporary copies of tests/fixtures/schemas/project, so tests can add schemas and change events. */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export const FIXTURES_DIR = path.resolve(__dirname, '../../fixtures/schemas');

/** A fresh copy of the fixture project; removed by {@link removeProjects}. */
export async function copyFixtureProject(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'patchbay-schemas-'));
  await fs.cp(path.join(FIXTURES_DIR, 'project'), dir, { recursive: true });
  created.push(dir);
  return dir;
}

const created: string[] = [];

export async function removeProjects(): Promise<void> {
  await Promise.all(created.splice(0).map((dir) => fs.rm(dir, { recursive: true, force: true })));
}

export async function writeJson(root: string, relative: string, value: unknown): Promise<void> {
  await fs.mkdir(path.dirname(path.join(root, relative)), { recursive: true });
  await fs.writeFile(path.join(root, relative), typeof value === 'string' ? value : `${JSON.stringify(value, null, 2)}\n`);
}

export async function readJson<T = Record<string, unknown>>(root: string, relative: string): Promise<T> {
  return JSON.parse(await fs.readFile(path.join(root, relative), 'utf8')) as T;
}
