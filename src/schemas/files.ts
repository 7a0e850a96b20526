/**
 * Schema files of a project (`schemas/**\/*.json`), loaded for the EventBridge schema registry: the compiler emits
 * one `AWS::EventSchemas::Schema` per file, `patchbay schemas codegen` generates types from them and
 * `validateSampleEvents` checks sample events against them.
 *
 * Files named `*.schema.json` are not registry schemas: they describe patchbay's own files for editors (e.g.
 * `schemas/pattern-file.schema.json`) and are skipped.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-eventschemas-schema.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/schema-reference/what-is-eventbridge-schemas.html
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { createSchemaIssue, SchemaError, SchemaErrorCode, type SchemaIssue } from './errors';

/** Longest schema content EventBridge accepts (CreateSchema / `AWS::EventSchemas::Schema` `Content`), in characters. */
export const SCHEMA_CONTENT_MAX_LENGTH = 100_000;

/** Registry schema names this project produces: `[.\-_A-Za-z0-9@]`, at most 385 characters. */
export const SCHEMA_NAME_PATTERN = /^[.\-_A-Za-z0-9@]{1,385}$/;

/** Where registry schemas live in a project. */
export const SCHEMAS_DIR = 'schemas';

/** The `$schema` of JSON Schema draft-04, as EventBridge's `JSONSchemaDraft4` schemas carry it. */
export const DRAFT_04_URI = 'http://json-schema.org/draft-04/schema#';

/** EventBridge's schema extensions naming the event a schema describes. */
export const EVENTS_SOURCE_KEY = 'x-amazon-events-source';
/** See {@link EVENTS_SOURCE_KEY}. */
export const EVENTS_DETAIL_TYPE_KEY = 'x-amazon-events-detail-type';

/** Schema types of the EventBridge schema registry. */
export const SchemaType = { OPEN_API_3: 'OpenApi3', JSON_SCHEMA_DRAFT_4: 'JSONSchemaDraft4' } as const;
/** One of {@link SchemaType}'s values. */
export type SchemaType = (typeof SchemaType)[keyof typeof SchemaType];

/**
 * One registry schema file.
 *
 * @example
 * { "name": "aws.dynamodb@aws-api-call-via-cloudtrail", "type": "JSONSchemaDraft4",
 *   "content": "{\"$schema\":\"http://json-schema.org/draft-04/schema#\",...}",
 *   "filePath": "schemas/aws.dynamodb@aws-api-call-via-cloudtrail.json",
 *   "source": "aws.dynamodb", "detailType": "AWS API Call via CloudTrail" }
 */
export interface SchemaFile {
  /** Registry schema name: the path under `schemas/` without `.json`, `/` -> `-`. */
  name: string;
  /** `OpenApi3` (an `openapi: 3.x` document) or `JSONSchemaDraft4` (`$schema` draft-04). */
  type: SchemaType;
  /** The document as compact JSON (what `AWS::EventSchemas::Schema` `Content` gets); at most 100,000 characters. */
  content: string;
  /** Project-relative posix path. */
  filePath: string;
  /** `x-amazon-events-source` of the event schema, when the schema names its event. */
  source?: string;
  /** `x-amazon-events-detail-type` of the event schema, when the schema names its event. */
  detailType?: string;
}

/**
 * Load every registry schema file of a project: `schemas/**\/*.json` except `*.schema.json`, sorted by path.
 * A project without a `schemas/` directory has none.
 *
 * @param rootDir - the project root
 * @returns e.g. `[{ name: 'aws.dynamodb@aws-api-call-via-cloudtrail', type: 'JSONSchemaDraft4', content: '{...}', filePath: 'schemas/...' }]`
 * @throws SchemaError with every issue at once: `INVALID_JSON`, `UNKNOWN_SCHEMA_TYPE`, `SCHEMA_TOO_LARGE` (with the
 *   size), `INVALID_SCHEMA_NAME`, `DUPLICATE_SCHEMA_NAME`, `DUPLICATE_EVENT_SCHEMA`, `FILE_READ_FAILED`.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-eventschemas-schema.html
 */
export async function loadSchemaFiles(rootDir: string): Promise<SchemaFile[]> {
  const relativePaths = (await listFiles(rootDir, SCHEMAS_DIR)).filter((file) => file.endsWith('.json') && !file.endsWith('.schema.json'));
  const issues: SchemaIssue[] = [];
  const files: SchemaFile[] = [];
  for (const relative of relativePaths) {
    const filePath = `${SCHEMAS_DIR}/${relative}`;
    let text: string;
    try {
      text = await fs.readFile(path.join(rootDir, filePath), 'utf8');
    } catch (error) {
      issues.push(createSchemaIssue(SchemaErrorCode.FILE_READ_FAILED, filePath, '', String(error)));
      continue;
    }
    const result = parseSchemaFile(filePath, relative.replace(/\.json$/, '').split('/').join('-'), text);
    if ('issues' in result) issues.push(...result.issues);
    else files.push(result.file);
  }
  issues.push(...duplicateIssues(files));
  if (issues.length) throw SchemaError.fromIssues(issues);
  return files;
}

/**
 * Parse and check one schema file's text.
 * @param filePath - project-relative path, for messages
 * @param name - the registry schema name it gets
 * @returns the file, or every issue found in it
 */
export function parseSchemaFile(filePath: string, name: string, text: string): { file: SchemaFile } | { issues: SchemaIssue[] } {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    return { issues: [createSchemaIssue(SchemaErrorCode.INVALID_JSON, filePath, '', `not JSON: ${(error as Error).message}`)] };
  }
  if (!isObject(document)) {
    return { issues: [createSchemaIssue(SchemaErrorCode.INVALID_JSON, filePath, '', 'a schema must be a JSON object')] };
  }
  const issues: SchemaIssue[] = [];
  if (!SCHEMA_NAME_PATTERN.test(name)) {
    issues.push(
      createSchemaIssue(SchemaErrorCode.INVALID_SCHEMA_NAME, filePath, '', `schema name "${name}" must be 1-385 characters of [.-_A-Za-z0-9@]`),
    );
  }
  const type = detectSchemaType(document);
  if (type === undefined) {
    issues.push(
      createSchemaIssue(
        SchemaErrorCode.UNKNOWN_SCHEMA_TYPE,
        filePath,
        '',
        `neither an OpenAPI 3 document ("openapi": "3.0.0") nor a JSON Schema draft-04 ("$schema": "${DRAFT_04_URI}")`,
      ),
    );
  }
  const content = JSON.stringify(document);
  if (content.length > SCHEMA_CONTENT_MAX_LENGTH) {
    issues.push(
      createSchemaIssue(
        SchemaErrorCode.SCHEMA_TOO_LARGE,
        filePath,
        '',
        `content is ${content.length} characters (as compact JSON); EventBridge allows at most ${SCHEMA_CONTENT_MAX_LENGTH}`,
      ),
    );
  }
  if (issues.length || type === undefined) return { issues };
  const event = eventOf(type, document);
  return {
    file: {
      name,
      type,
      content,
      filePath,
      ...(event?.source !== undefined ? { source: event.source } : {}),
      ...(event?.detailType !== undefined ? { detailType: event.detailType } : {}),
    },
  };
}

/**
 * The registry type of a schema document: `OpenApi3` when it has `openapi: 3.x`, `JSONSchemaDraft4` when its
 * `$schema` is draft-04, else `undefined`.
 * @example detectSchemaType({ openapi: '3.0.0', info: {}, paths: {} }) // 'OpenApi3'
 */
export function detectSchemaType(document: Record<string, unknown>): SchemaType | undefined {
  if (typeof document.openapi === 'string' && /^3\.\d+(\.\d+)?$/.test(document.openapi)) return SchemaType.OPEN_API_3;
  if (typeof document.$schema === 'string' && /^https?:\/\/json-schema\.org\/draft-04\/schema#?$/.test(document.$schema)) {
    return SchemaType.JSON_SCHEMA_DRAFT_4;
  }
  return undefined;
}

/**
 * The event a schema describes, from EventBridge's `x-amazon-events-source` / `x-amazon-events-detail-type`: at the
 * root of a draft-04 schema; on the event schema of an OpenAPI document (the component that carries them, as
 * EventBridge's `AWSEvent` does). `undefined` when the schema does not say.
 *
 * @returns e.g. `{ source: 'aws.ec2', detailType: 'EC2 Instance State-change Notification', pointer: '/components/schemas/AWSEvent' }`
 */
export function eventOf(type: SchemaType, document: Record<string, unknown>): { source?: string; detailType?: string; pointer: string } | undefined {
  const read = (node: Record<string, unknown>, pointer: string) => {
    const source = node[EVENTS_SOURCE_KEY];
    const detailType = node[EVENTS_DETAIL_TYPE_KEY];
    if (typeof source !== 'string' && typeof detailType !== 'string') return undefined;
    return {
      ...(typeof source === 'string' ? { source } : {}),
      ...(typeof detailType === 'string' ? { detailType } : {}),
      pointer,
    };
  };
  if (type === SchemaType.JSON_SCHEMA_DRAFT_4) return read(document, '');
  const components = isObject(document.components) && isObject(document.components.schemas) ? document.components.schemas : {};
  for (const [key, component] of Object.entries(components)) {
    if (!isObject(component)) continue;
    const found = read(component, `/components/schemas/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`);
    if (found) return found;
  }
  return undefined;
}

function duplicateIssues(files: readonly SchemaFile[]): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  const byName = new Map<string, string>();
  const byEvent = new Map<string, string>();
  for (const file of files) {
    const sameName = byName.get(file.name);
    if (sameName) {
      issues.push(createSchemaIssue(SchemaErrorCode.DUPLICATE_SCHEMA_NAME, file.filePath, '', `schema name "${file.name}" is also given by ${sameName}`));
    } else byName.set(file.name, file.filePath);
    if (file.source === undefined) continue;
    const key = JSON.stringify([file.source, file.detailType ?? null]);
    const sameEvent = byEvent.get(key);
    if (sameEvent) {
      issues.push(
        createSchemaIssue(
          SchemaErrorCode.DUPLICATE_EVENT_SCHEMA,
          file.filePath,
          '',
          `source "${file.source}"${file.detailType !== undefined ? ` and detail-type "${file.detailType}"` : ''} already have a schema: ${sameEvent}`,
        ),
      );
    } else byEvent.set(key, file.filePath);
  }
  return issues;
}

/**
 * Every file under `<rootDir>/<dir>`, as sorted posix paths relative to that directory; `[]` when it does not exist.
 * @throws SchemaError `FILE_READ_FAILED` for any other read error.
 */
export async function listFiles(rootDir: string, dir: string): Promise<string[]> {
  const base = path.join(rootDir, dir);
  let entries: string[];
  try {
    entries = await fs.readdir(base, { recursive: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new SchemaError(SchemaErrorCode.FILE_READ_FAILED, `cannot list ${dir}/: ${String(error)}`, { cause: error, filePath: dir });
  }
  const files: string[] = [];
  for (const entry of entries) {
    const stat = await fs.stat(path.join(base, entry));
    if (stat.isFile()) files.push(entry.split(path.sep).join('/'));
  }
  return files.sort();
}

/** Whether a value is a plain JSON object. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
