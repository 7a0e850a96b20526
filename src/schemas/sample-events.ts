/**
 * The project's sample events (`events/**\/*.json`): what `schemas infer` learns from and `validateSampleEvents`
 * checks.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { describeJsonSyntaxError } from '../pattern/json-text';
import { SchemaError, SchemaErrorCode } from './errors';
import { isObject, listFiles } from './files';

/** Where sample events live in a project. */
export const EVENTS_DIR = 'events';

/**
 * One sample event file.
 * @example { "filePath": "events/iam/attach-role-policy.json", "event": { "source": "aws.iam", "detail-type": "AWS API Call via CloudTrail", ... } }
 * @example { "filePath": "events/broken.json", "error": "Unexpected token } in JSON at position 12" }
 */
export type SampleEvent = { filePath: string; event: unknown; error?: undefined } | { filePath: string; event?: undefined; error: string };

/**
 * Read every `events/**\/*.json` of a project, sorted by path. A file that is not JSON is returned with `error`.
 * @param options.readText - how a file is read (absolute path -> UTF-8 text), e.g. a cache shared with other
 *   passes over the same events. @default fs.promises.readFile
 * @throws SchemaError `FILE_READ_FAILED` when a file cannot be read.
 */
export async function loadSampleEvents(rootDir: string, options: { readText?: (absolutePath: string) => Promise<string> } = {}): Promise<SampleEvent[]> {
  const read = options.readText ?? ((absolutePath: string) => fs.readFile(absolutePath, 'utf8'));
  const relativePaths = (await listFiles(rootDir, EVENTS_DIR)).filter((file) => file.endsWith('.json'));
  const samples: SampleEvent[] = [];
  for (const relative of relativePaths) {
    const filePath = `${EVENTS_DIR}/${relative}`;
    let text: string;
    try {
      text = await read(path.join(rootDir, filePath));
    } catch (error) {
      throw new SchemaError(SchemaErrorCode.FILE_READ_FAILED, `cannot read ${filePath}: ${String(error)}`, { cause: error, filePath });
    }
    try {
      samples.push({ filePath, event: JSON.parse(text) });
    } catch {
      samples.push({ filePath, error: `not JSON: ${describeJsonSyntaxError(text)}` });
    }
  }
  return samples;
}

/**
 * The `source` and `detail-type` of an event, when both are strings.
 * @example eventKey({ source: 'aws.iam', 'detail-type': 'AWS API Call via CloudTrail' }) // { source: 'aws.iam', detailType: 'AWS API Call via CloudTrail' }
 */
export function eventKey(event: unknown): { source: string; detailType: string } | undefined {
  if (!isObject(event)) return undefined;
  const source = event.source;
  const detailType = event['detail-type'];
  return typeof source === 'string' && typeof detailType === 'string' ? { source, detailType } : undefined;
}
