/**
 * Checking sample events against the registry schemas of their source and detail-type (ajv, JSON Schema draft-04).
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-eventschemas-schema.html
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { SchemaError, SchemaErrorCode } from './errors';
import { toDraft4Schema } from './draft4';
import { isObject, loadSchemaFiles, type SchemaFile } from './files';
import { eventKey, loadSampleEvents, type SampleEvent } from './sample-events';

/**
 * One problem of one sample event.
 *
 * @example
 * { "code": "SAMPLE_EVENT_INVALID", "filePath": "events/iam/attach-role-policy.json", "pointer": "/detail/eventName",
 *   "schemaFilePath": "schemas/aws.iam@aws-api-call-via-cloudtrail.json",
 *   "message": "events/iam/attach-role-policy.json#/detail/eventName: must be string, found 42 (a number) (schemas/aws.iam@aws-api-call-via-cloudtrail.json#/properties/detail/properties/eventName/type)" }
 */
export interface SampleEventIssue {
  /** `SAMPLE_EVENT_INVALID` (does not follow its schema) or `SAMPLE_EVENT_NOT_JSON`. */
  code: 'SAMPLE_EVENT_INVALID' | 'SAMPLE_EVENT_NOT_JSON';
  /** Project-relative posix path of the sample event. */
  filePath: string;
  /** RFC 6901 pointer into the event; `''` for the whole event. */
  pointer: string;
  /** `<filePath>#<pointer>: <what is wrong> (<schema file>#<schema path>)`. */
  message: string;
  /** The schema the event was checked against. */
  schemaFilePath?: string;
}

/** Options of {@link validateSampleEvents}. */
export interface ValidateSampleEventsOptions {
  /** Schemas to use instead of loading `schemas/` (see {@link loadSchemaFiles}). */
  schemas?: readonly SchemaFile[];
  /** Sample events to check instead of loading `events/`. */
  samples?: readonly SampleEvent[];
  /** How `events/` files are read when `samples` is not given (see {@link loadSampleEvents}). */
  readText?: (absolutePath: string) => Promise<string>;
}

/**
 * Validate every sample event under `events/` against the schema of its `source` and `detail-type`, when the
 * project has one (`schemas/`, matched on `x-amazon-events-source` / `x-amazon-events-detail-type`; a schema
 * without a detail-type covers every detail-type of its source). Events without a schema are not checked; a file
 * that is not JSON is an issue. `patchbay test` reports these issues.
 *
 * @param rootDir - the project root
 * @returns every issue, sorted by file then pointer; `[]` when all samples follow their schemas.
 * @throws SchemaError when the schema files themselves are invalid (see {@link loadSchemaFiles}), or
 *   `INVALID_SCHEMA` when ajv cannot compile one.
 * @example
 * const issues = await validateSampleEvents(process.cwd());
 * // [{ code: 'SAMPLE_EVENT_INVALID', filePath: 'events/iam/attach-role-policy.json', pointer: '/detail/eventName', message: '...' }]
 */
export async function validateSampleEvents(rootDir: string, options: ValidateSampleEventsOptions = {}): Promise<SampleEventIssue[]> {
  const schemas = options.schemas ?? (await loadSchemaFiles(rootDir));
  const samples = options.samples ?? (await loadSampleEvents(rootDir, options.readText ? { readText: options.readText } : {}));
  const validator = createEventValidator(schemas);
  const issues = samples.flatMap((sample) => validator.validate(sample));
  return issues.sort((a, b) => a.filePath.localeCompare(b.filePath) || a.pointer.localeCompare(b.pointer));
}

/**
 * A validator of events against a set of schema files; each schema is compiled once, on first use.
 * @throws SchemaError `INVALID_SCHEMA` (from `validate`) when ajv cannot compile the schema an event needs.
 */
export function createEventValidator(schemas: readonly SchemaFile[]): { validate(sample: SampleEvent): SampleEventIssue[] } {
  const ajv = createDraft4Ajv();
  const compiled = new Map<SchemaFile, ValidateFunction>();
  const compile = (file: SchemaFile): ValidateFunction | undefined => {
    const cached = compiled.get(file);
    if (cached) return cached;
    const schema = toDraft4Schema(file);
    if (!schema) return undefined;
    let validate: ValidateFunction;
    try {
      validate = ajv.compile(schema);
    } catch (error) {
      throw new SchemaError(SchemaErrorCode.INVALID_SCHEMA, `${file.filePath}#: ajv cannot compile the schema: ${(error as Error).message}`, {
        cause: error,
        filePath: file.filePath,
      });
    }
    compiled.set(file, validate);
    return validate;
  };
  return {
    validate(sample: SampleEvent): SampleEventIssue[] {
      if (sample.error !== undefined) {
        return [{ code: 'SAMPLE_EVENT_NOT_JSON', filePath: sample.filePath, pointer: '', message: `${sample.filePath}#: ${sample.error}` }];
      }
      const file = schemaFor(schemas, sample.event);
      const validate = file && compile(file);
      if (!file || !validate || validate(sample.event)) return [];
      return (validate.errors ?? []).map((error) => toIssue(sample.filePath, sample.event, file.filePath, error));
    },
  };
}

/**
 * The schema of an event: the one with the event's source and detail-type, else one with its source and no
 * detail-type.
 */
export function schemaFor(schemas: readonly SchemaFile[], event: unknown): SchemaFile | undefined {
  const key = eventKey(event);
  if (!key) return undefined;
  return (
    schemas.find((file) => file.source === key.source && file.detailType === key.detailType) ??
    schemas.find((file) => file.source === key.source && file.detailType === undefined)
  );
}

/**
 * An ajv instance for draft-04 schemas as EventBridge writes them: every error reported, unknown keywords
 * (`x-amazon-events-*`, OpenAPI's `example`, `discriminator`) ignored, standard formats checked and OpenAPI's
 * numeric formats (`int32`, `int64`, `float`, `double`) accepted.
 */
export function createDraft4Ajv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: false, logger: false });
  addFormats(ajv);
  for (const format of ['int32', 'int64', 'float', 'double', 'byte', 'binary', 'password']) ajv.addFormat(format, true);
  return ajv;
}

function toIssue(filePath: string, event: unknown, schemaFilePath: string, error: ErrorObject): SampleEventIssue {
  const params = error.params as Record<string, unknown>;
  let pointer = error.instancePath;
  let text: string;
  if (error.keyword === 'required' && typeof params.missingProperty === 'string') {
    pointer = `${pointer}/${escapeSegment(params.missingProperty)}`;
    text = 'is required but missing';
  } else if (error.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
    pointer = `${pointer}/${escapeSegment(params.additionalProperty)}`;
    text = 'is not allowed here';
  } else {
    const allowed = error.keyword === 'enum' && Array.isArray(params.allowedValues) ? ` ${params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}` : '';
    text = `${error.message ?? error.keyword}${allowed}, found ${describeValue(valueAt(event, pointer))}`;
  }
  return {
    code: 'SAMPLE_EVENT_INVALID',
    filePath,
    pointer,
    schemaFilePath,
    message: `${filePath}#${pointer}: ${text} (${schemaFilePath}${error.schemaPath})`,
  };
}

function valueAt(document: unknown, pointer: string): unknown {
  let node = document;
  for (const raw of pointer.split('/').slice(1)) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) node = node[Number(segment)];
    else if (isObject(node)) node = node[segment];
    else return undefined;
  }
  return node;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  const text = JSON.stringify(value);
  return `${text.length > 60 ? `${text.slice(0, 57)}...` : text} (a ${typeof value})`;
}

function escapeSegment(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}
