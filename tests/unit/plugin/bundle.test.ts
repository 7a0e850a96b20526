import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BundleError, bundleFunction, esbuildTarget, zipDirectory } from '../../../src/plugin/bundle';
import type { RoutingManifest } from '../../../src/runtime/manifest';

const manifest: RoutingManifest = { version: 1, service: 's', stage: 'dev', function: 'fn', rules: [], topics: {} };

describe('Function: bundleFunction', () => {
  let serviceDir: string;
  beforeEach(async () => {
    serviceDir = await mkdtemp(path.join(os.tmpdir(), 'patchbay-bundle-'));
    await mkdir(path.join(serviceDir, 'src/handlers'), { recursive: true });
  });
  afterEach(async () => {
    await rm(serviceDir, { recursive: true, force: true });
  });

  it('bundles a TypeScript handler to CommonJS at the handler path, with the manifest beside it', async () => {
    // Prepare
    await writeFile(path.join(serviceDir, 'src/handlers/fn.ts'), 'import { x } from "../x";\nexport const handler = async () => x;\n');
    await writeFile(path.join(serviceDir, 'src/x.ts'), 'export const x: number = 42;\n');

    // Act
    const result = await bundleFunction({ serviceDir, functionKey: 'fn', handler: 'src/handlers/fn.handler', runtime: 'nodejs22.x', manifest });

    // Assess
    expect(result.handlerFile).toBe(path.join(serviceDir, '.serverless/build/fn/src/handlers/fn.js'));
    expect(result.manifestFile).toBe(path.join(serviceDir, '.serverless/build/fn/src/handlers/patchbay-manifest.json'));
    expect(JSON.parse(await readFile(result.manifestFile, 'utf8'))).toEqual(manifest);
    const loaded = require(result.handlerFile) as { handler: () => Promise<number> };
    await expect(loaded.handler()).resolves.toBe(42);
  });

  it('produces the same zip bytes for the same input', async () => {
    // Prepare
    await writeFile(path.join(serviceDir, 'src/handlers/fn.js'), 'exports.handler = async () => 1;\n');
    const options = { serviceDir, functionKey: 'fn', handler: 'src/handlers/fn.handler', runtime: 'nodejs22.x', manifest };

    // Act
    const first = await readFile((await bundleFunction(options)).artifact!);
    const second = await readFile((await bundleFunction(options)).artifact!);

    // Assess
    expect(second.equals(first)).toBe(true);
  });

  it('fails with PATCHBAY_HANDLER_NOT_FOUND when no source exists', async () => {
    // Act
    const error = await bundleFunction({ serviceDir, functionKey: 'fn', handler: 'src/handlers/none.handler', runtime: 'nodejs22.x', manifest }).catch((thrown: unknown) => thrown);

    // Assess
    expect(error).toBeInstanceOf(BundleError);
    expect(error).toEqual(expect.objectContaining({ code: 'PATCHBAY_HANDLER_NOT_FOUND' }));
  });

  it("fails with PATCHBAY_BUNDLE_FAILED and esbuild's location when the handler does not compile", async () => {
    // Prepare
    await writeFile(path.join(serviceDir, 'src/handlers/fn.ts'), 'import { nope } from "./does-not-exist";\nexport const handler = nope;\n');

    // Act
    const error = await bundleFunction({ serviceDir, functionKey: 'fn', handler: 'src/handlers/fn.handler', runtime: 'nodejs22.x', manifest }).catch((thrown: unknown) => thrown);

    // Assess
    expect(error).toEqual(expect.objectContaining({ code: 'PATCHBAY_BUNDLE_FAILED' }));
    expect((error as Error).message).toContain('src/handlers/fn.ts:1:');
  });
});

describe('Function: esbuildTarget', () => {
  it.each([
    ['nodejs22.x', 'node22'],
    ['nodejs20.x', 'node20'],
    ['provided.al2023', 'node22'],
  ])('%s -> %s', (runtime, target) => {
    expect(esbuildTarget(runtime)).toBe(target);
  });
});

describe('Function: zipDirectory', () => {
  it('writes a zip of every file, relative paths with forward slashes', async () => {
    // Prepare
    const dir = await mkdtemp(path.join(os.tmpdir(), 'patchbay-zip-'));
    try {
      await mkdir(path.join(dir, 'in/a'), { recursive: true });
      await writeFile(path.join(dir, 'in/a/b.txt'), 'b');
      await writeFile(path.join(dir, 'in/c.txt'), 'c');

      // Act
      await zipDirectory(path.join(dir, 'in'), path.join(dir, 'out/x.zip'));

      // Assess
      const bytes = await readFile(path.join(dir, 'out/x.zip'));
      expect(bytes.subarray(0, 2).toString()).toBe('PK');
      expect(bytes.includes(Buffer.from('a/b.txt'))).toBe(true);
      expect(bytes.includes(Buffer.from('c.txt'))).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
