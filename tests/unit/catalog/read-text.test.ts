import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MAX_OPEN_FILES, SourceFileError, readSourceFile, readText } from '../../../src/catalog/read-text';

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

describe('Function: readSourceFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'patchbay-read-source-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  async function errorOf(bytes: Buffer, maxBytes?: number): Promise<SourceFileError> {
    const file = path.join(dir, `f-${Math.random().toString(36).slice(2)}.yml`);
    await writeFile(file, bytes);
    const error = await readSourceFile(file, maxBytes).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(SourceFileError);
    return error as SourceFileError;
  }

  it.each([
    ['a NUL byte', Buffer.from('a: 1\nb: x\0y\n'), { found: 'a NUL byte (0x00)', line: 2, column: 5 }],
    ['an escape character', Buffer.from('a: \x1b[31m\n'), { found: 'the control character 0x1B', line: 1, column: 4 }],
    ['Latin-1', Buffer.from('a: caf\xe9\n', 'latin1'), { found: 'a byte that is not UTF-8 (0xE9)', line: 1, column: 7 }],
    ['UTF-16', Buffer.from('\ufeffa: 1\n', 'utf16le'), { found: 'a byte that is not UTF-8 (0xFF): the file is UTF-16', line: 1, column: 1 }],
    ['a UTF-8 surrogate', Buffer.from([0x61, 0x3a, 0x20, 0xed, 0xa0, 0x80]), { found: 'a byte that is not UTF-8 (0xED)', line: 1, column: 4 }],
    ['an overlong encoding after é', Buffer.concat([Buffer.from('é: '), Buffer.from([0xc0, 0xaf])]), { found: 'a byte that is not UTF-8 (0xC0)', line: 1, column: 4 }],
  ])('refuses %s as FILE_NOT_TEXT with its position', async (_, bytes, expected) => {
    // Act
    const error = await errorOf(bytes);

    // Assess
    expect(error).toEqual(expect.objectContaining({ code: 'FILE_NOT_TEXT', ...expected }));
  });

  it('refuses a file over the limit as FILE_TOO_LARGE, and reads UTF-8 with tabs, CRLF and a BOM', async () => {
    // Prepare
    const file = path.join(dir, 'ok.yml');
    await writeFile(file, '\ufeffa:\t"é ✓ 𝄞"\r\n');

    // Act
    const error = await errorOf(Buffer.from('a: 12345\n'), 8);
    const text = await readSourceFile(file);

    // Assess
    expect(error).toEqual(expect.objectContaining({ code: 'FILE_TOO_LARGE', found: '9 bytes' }));
    expect(text).toBe('\ufeffa:\t"é ✓ 𝄞"\r\n');
  });
});
