/**
 * Sample-event documents that may hold CloudTrail input: an EventBridge event is taken as is; a single CloudTrail
 * record, or a log file's `{"Records": [...]}`, becomes the events EventBridge delivers for its records. Used by
 * `patchbay route` and `patchbay test`, so a record pasted from S3 or from Event history routes like the event.
 */
import fs from 'node:fs/promises';
import zlib from 'node:zlib';
import { convertCloudTrailRecord, isCloudTrailDocument, type DeliveryFacts } from './convert';

/** One event of a document, named by `label` (`file`, or `file#/Records/3` for a record of a log file). */
export type DocumentEvent = { label: string; event: unknown; facts?: DeliveryFacts } | { label: string; error: string };

/**
 * The events of one parsed document.
 * @param value - the parsed JSON of a sample file.
 * @param label - how to name it (the file's display path).
 * @returns `[{ label, event: value }]` for anything that is not CloudTrail input (the caller validates it as an
 *   event); one converted event per record otherwise, or an `error` naming the record that cannot become one.
 *   An empty `Records` array gives one error: a sample must hold an event.
 * @example
 * eventsOfDocument({ Records: [{ eventVersion: '1.08', eventSource: 'kms.amazonaws.com', … }] }, 'logs/a.json');
 * // [{ label: 'logs/a.json#/Records/0', event: { 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.kms', … }, facts: {…} }]
 */
export function eventsOfDocument(value: unknown, label: string): DocumentEvent[] {
  if (!isCloudTrailDocument(value)) return [{ label, event: value }];
  const records = (value as { Records?: unknown }).Records;
  if (!Array.isArray(records)) return [convertOne(value, label, 'the CloudTrail record')];
  if (records.length === 0) return [{ label, error: 'a CloudTrail log file with no Records: nothing to route' }];
  return records.map((record, index) => convertOne(record, `${label}#/Records/${index}`, `Records[${index}]`));
}

function convertOne(record: unknown, label: string, what: string): DocumentEvent {
  const result = convertCloudTrailRecord(record);
  if ('skipped' in result) return { label, error: `${what} cannot become an EventBridge event: ${result.skipped}` };
  return { label, event: result.event, facts: result.facts };
}

/** The text of a sample file's bytes: gunzipped when they start with gzip's magic bytes (1f 8b). */
export function sampleText(bytes: Buffer): string {
  return (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b ? zlib.gunzipSync(bytes) : bytes).toString('utf8');
}

/**
 * Read a sample file's text: `.gz` files from their bytes, gunzipped; others through `read` (e.g. a cache).
 * @throws what `read` or `fs.readFile` throws (ENOENT…), or zlib's error for a broken gzip stream.
 */
export async function readSampleText(absolutePath: string, read: (absolutePath: string) => Promise<string>): Promise<string> {
  return absolutePath.endsWith('.gz') ? sampleText(await fs.readFile(absolutePath)) : read(absolutePath);
}
