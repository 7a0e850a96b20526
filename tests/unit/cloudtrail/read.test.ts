/**
 * Streaming CloudTrail log files: AWS's own CloudTrail parser test files (../shared/events-corpus/cloudtrail-log-files,
 * see its README), plain and gzipped, read record by record whatever the chunk boundaries, with one clear error for
 * a file that is not JSON.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { isCloudTrailFileName, readCloudTrailFile, RecordScanner, type CloudTrailFileItem } from '../../../src/cloudtrail';

const LOG_FILES = path.resolve(__dirname, '../../../../shared/events-corpus/cloudtrail-log-files');
const RECORDS = path.resolve(__dirname, '../../../../shared/events-corpus/cloudtrail-records');

async function readAll(file: string): Promise<CloudTrailFileItem[]> {
  const items: CloudTrailFileItem[] = [];
  for await (const item of readCloudTrailFile(file)) items.push(item);
  return items;
}

/** Feed `text` to a scanner in chunks of `size` bytes. */
function scanInChunks(text: string, size: number): CloudTrailFileItem[] {
  const bytes = Buffer.from(text, 'utf8');
  const scanner = new RecordScanner();
  const items: CloudTrailFileItem[] = [];
  for (let i = 0; i < bytes.length; i += size) items.push(...scanner.push(bytes.subarray(i, i + size)));
  items.push(...scanner.end());
  return items;
}

describe('Function: readCloudTrailFile', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'patchbay-read-'));
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const plainFiles = fs.readdirSync(LOG_FILES).filter((name) => name.endsWith('.json')).sort();

  it.each(plainFiles)('reads every record of %s, in order, as JSON.parse reads the whole file', async (name) => {
    // Prepare
    const file = path.join(LOG_FILES, name);
    const expected = (JSON.parse(fs.readFileSync(file, 'utf8')) as { Records: unknown[] }).Records;

    // Act
    const items = await readAll(file);

    // Assess
    expect(items).toEqual(expected.map((record, index) => ({ index, record })));
    expect(items.length).toBeGreaterThan(0);
  });

  it('reads the gzipped file as its plain twin, detecting gzip by its magic bytes', async () => {
    // Prepare
    const renamed = path.join(tmp, 'no-extension-hint.json');
    fs.copyFileSync(path.join(LOG_FILES, 'SerializerTestFileCompact.json.gz'), renamed);

    // Act
    const gz = await readAll(path.join(LOG_FILES, 'SerializerTestFileCompact.json.gz'));
    const disguised = await readAll(renamed);
    const plain = await readAll(path.join(LOG_FILES, 'SerializerTestFileCompact.json'));

    // Assess
    expect(gz).toHaveLength(6);
    expect(gz).toEqual(plain);
    expect(disguised).toEqual(plain);
  });

  it('gives one error for a file that is not JSON, after the records it could read', async () => {
    // Act
    const items = await readAll(path.join(LOG_FILES, 'malformed/SerializerTestFileBadJsonFormat.json'));

    // Assess
    const errors = items.filter((item) => 'fileError' in item);
    expect(errors).toHaveLength(1);
    expect(items.at(-1)).toBe(errors[0]);
    expect((errors[0] as { fileError: string }).fileError).toMatch(/^not JSON: /);
  });

  it('reads the records with misspelt field names (conversion judges them, not the reader)', async () => {
    // Act
    const items = await readAll(path.join(LOG_FILES, 'malformed/SerializerTestFileBadFieldName.json'));

    // Assess
    expect(items.map((item) => ('index' in item ? Object.keys(item.record as object).includes('eventSourceWrong') : item))).toEqual([true, false]);
  });

  it('reads a single record file (no Records array) as one record', async () => {
    // Prepare
    const file = path.join(RECORDS, 'kms-schedulekeydeletion.json');

    // Act
    const items = await readAll(file);

    // Assess
    expect(items).toEqual([{ index: 0, record: JSON.parse(fs.readFileSync(file, 'utf8')) }]);
  });

  it('says why it cannot read a missing file, a JSON array, a Records that is not an array, a truncated gzip', async () => {
    // Prepare
    const write = (name: string, content: string | Buffer): string => {
      const file = path.join(tmp, name);
      fs.writeFileSync(file, content);
      return file;
    };
    const truncated = zlib.gzipSync(Buffer.from(JSON.stringify({ Records: [{ a: 1 }, { b: 2 }] })));

    // Act
    const results = await Promise.all([
      readAll(path.join(tmp, 'missing.json')),
      readAll(write('array.json', '[1, 2]')),
      readAll(write('records-object.json', '{"Records": {"a": 1}}')),
      readAll(write('truncated.json.gz', truncated.subarray(0, truncated.length - 12))),
      readAll(write('unbalanced.json', '{"Records": [{"a": 1}, {"b": [2}]')),
    ]);

    // Assess
    expect(results.map((items) => items.filter((item) => 'fileError' in item).map((item) => (item as { fileError: string }).fileError.split(':')[0]))).toEqual([
      ['cannot read the file'],
      ['not a CloudTrail log file or record'],
      ['not a CloudTrail log file'],
      ['cannot read the file'],
      ['not JSON'],
    ]);
    expect(results[0][0]).toEqual({ fileError: 'cannot read the file: ENOENT' });
  });
});

describe('Class: RecordScanner', () => {
  const tricky = JSON.stringify({
    eventVersion: '1.0',
    note: 'a } and a ] and a "Records": [ inside a string',
    Records: [
      { eventName: 'A', requestParameters: { policy: '{"Statement":[{"Effect":"Allow"}]}', quote: 'say \\"hi\\" }' } },
      { eventName: 'B', emoji: 'żółw 🐢', nested: [[1, [2, { x: '[' }]], {}] },
      { eventName: 'C', empty: '' },
    ],
    trailing: { Records: [{ eventName: 'not a record: not the top-level key' }] },
  });
  const expected = (JSON.parse(tricky) as { Records: unknown[] }).Records.map((record, index) => ({ index, record }));

  it.each([1, 2, 3, 7, 64, 1 << 20])('finds the same records in chunks of %d bytes (strings, escapes, UTF-8 split across chunks)', (size) => {
    // Act
    const items = scanInChunks(tricky, size);

    // Assess
    expect(items).toEqual(expected);
  });

  it('reports the record that is not JSON by its index', () => {
    // Act
    const items = scanInChunks('{"Records": [{"a": 1}, {"b": tru}, {"c": 3}]}', 5);

    // Assess
    expect(items[0]).toEqual({ index: 0, record: { a: 1 } });
    expect(items).toHaveLength(2);
    expect((items[1] as { fileError: string }).fileError).toMatch(/^not JSON: Records\[1\] /);
  });

  it('reads an empty Records array as no records, and no error', () => {
    expect(scanInChunks('{"Records": []}', 4)).toEqual([]);
  });
});

describe('Function: isCloudTrailFileName', () => {
  it.each([
    ['111122223333_CloudTrail_us-east-1_20261101T0000Z_abc.json.gz', true],
    ['records.json', true],
    ['archive.gz', true],
    ['notes.txt', false],
    ['digest.json.sig', false],
  ])('%s -> %s', (name, expected) => {
    expect(isCloudTrailFileName(name)).toBe(expected);
  });
});
