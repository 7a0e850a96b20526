import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MAX_OPEN_FILES, readText } from '../../../src/catalog/read-text';

describe('Function: readText', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'patchbay-read-text-'));
    await Promise.all(Array.from({ length: 300 }, (_, i) => writeFile(path.join(dir, `${i}.yml`), `n: ${i}\n`)));
  });

  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reads many files started at once, each its own text', async () => {
    // Act
    const texts = await Promise.all(Array.from({ length: 300 }, (_, i) => readText(path.join(dir, `${i}.yml`))));

    // Assess
    expect(texts).toEqual(Array.from({ length: 300 }, (_, i) => `n: ${i}\n`));
  });

  it('rejects with the fs error of a missing file and keeps serving the others', async () => {
    // Prepare
    const missing = path.join(dir, 'missing.yml');

    // Act
    const results = await Promise.allSettled([readText(missing), ...Array.from({ length: MAX_OPEN_FILES * 2 }, (_, i) => readText(path.join(dir, `${i}.yml`)))]);

    // Assess
    expect(results[0]).toEqual({
      status: 'rejected',
      reason: expect.objectContaining({ code: 'ENOENT', message: `ENOENT: no such file or directory, open '${missing}'` }),
    });
    expect(results.slice(1).every((result) => result.status === 'fulfilled')).toBe(true);
  });

  it(`keeps at most ${MAX_OPEN_FILES} files open at once`, async () => {
    // Prepare: count the files open at once through the module's fs.readFile.
    jest.resetModules();
    let open = 0;
    let peak = 0;
    jest.doMock('node:fs', () => {
      const fs = jest.requireActual<typeof import('node:fs')>('node:fs');
      return {
        ...fs,
        readFile: (file: string, encoding: BufferEncoding, callback: (error: Error | null, text?: string) => void) => {
          peak = Math.max(peak, ++open);
          fs.readFile(file, encoding, (error, text) => {
            open--;
            callback(error, text);
          });
        },
      };
    });
    const isolated = (await import('../../../src/catalog/read-text')) as typeof import('../../../src/catalog/read-text');

    // Act
    await Promise.all(Array.from({ length: 300 }, (_, i) => isolated.readText(path.join(dir, `${i}.yml`))));

    // Assess
    expect(peak).toBe(MAX_OPEN_FILES);
    expect(open).toBe(0);
    jest.dontMock('node:fs');
  });
});
