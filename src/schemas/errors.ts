/**
 * Errors of the schema registry support (`src/schemas`): one base class, {@link SchemaError}, with a stable
 * `code` and `cause`; problems found in files are {@link SchemaIssue}s, all of them thrown at once.
 *
 * | code | raised when |
 * | --- | --- |
 * | `FILE_READ_FAILED` | a schema or sample-event file cannot be read |
 * | `INVALID_JSON` | a schema file is not JSON (or not a JSON object) |
 * | `UNKNOWN_SCHEMA_TYPE` | a schema file is neither OpenAPI 3 (`openapi: 3.x`) nor JSON Schema draft-04 (`$schema`) |
 * | `SCHEMA_TOO_LARGE` | a schema's content is over 100,000 characters (EventBridge's limit) |
 * | `INVALID_SCHEMA_NAME` | a file name does not make a valid registry schema name |
 * | `DUPLICATE_SCHEMA_NAME` | two files give the same schema name |
 * | `DUPLICATE_EVENT_SCHEMA` | two schemas claim the same source and detail-type |
 * | `INVALID_SCHEMA` | ajv cannot compile a schema (bad keyword values, broken `$ref`) |
 * | `NO_SAMPLE_EVENTS` | `schemas infer`: no sample event has that source (and detail-type) |
 * | `AMBIGUOUS_DETAIL_TYPE` | `schemas infer` without `--detail-type`: the source's samples have several |
 * | `TYPE_NAME_COLLISION` | `schemas codegen`: two schema names give the same TypeScript type name |
 * | `CODEGEN_FAILED` | json-schema-to-typescript failed on a schema |
 * | `INVALID_SCHEMA_FILES` | several of the above at once: see `issues` |
 */

/** Stable error codes of `src/schemas`. */
export const SchemaErrorCode = {
  FILE_READ_FAILED: 'FILE_READ_FAILED',
  INVALID_JSON: 'INVALID_JSON',
  UNKNOWN_SCHEMA_TYPE: 'UNKNOWN_SCHEMA_TYPE',
  SCHEMA_TOO_LARGE: 'SCHEMA_TOO_LARGE',
  INVALID_SCHEMA_NAME: 'INVALID_SCHEMA_NAME',
  DUPLICATE_SCHEMA_NAME: 'DUPLICATE_SCHEMA_NAME',
  DUPLICATE_EVENT_SCHEMA: 'DUPLICATE_EVENT_SCHEMA',
  INVALID_SCHEMA: 'INVALID_SCHEMA',
  NO_SAMPLE_EVENTS: 'NO_SAMPLE_EVENTS',
  AMBIGUOUS_DETAIL_TYPE: 'AMBIGUOUS_DETAIL_TYPE',
  TYPE_NAME_COLLISION: 'TYPE_NAME_COLLISION',
  CODEGEN_FAILED: 'CODEGEN_FAILED',
  INVALID_SCHEMA_FILES: 'INVALID_SCHEMA_FILES',
} as const;

/** One of {@link SchemaErrorCode}'s values. */
export type SchemaErrorCode = (typeof SchemaErrorCode)[keyof typeof SchemaErrorCode];

/**
 * One problem in one file.
 * @example
 * { "code": "SCHEMA_TOO_LARGE", "filePath": "schemas/aws.ec2@ec2-instance-state-change-notification.json", "pointer": "",
 *   "message": "schemas/aws.ec2@ec2-instance-state-change-notification.json#: content is 123456 characters; EventBridge allows at most 100000" }
 */
export interface SchemaIssue {
  code: SchemaErrorCode;
  /** Project-relative, posix separators. */
  filePath: string;
  /** RFC 6901 pointer into the file's document; `''` for the whole file. */
  pointer: string;
  /** `<filePath>#<pointer>: <what is wrong>`. */
  message: string;
}

/** Build a {@link SchemaIssue}, rendering its message as `<filePath>#<pointer>: <text>`. */
export function createSchemaIssue(code: SchemaErrorCode, filePath: string, pointer: string, text: string): SchemaIssue {
  return { code, filePath, pointer, message: `${filePath}#${pointer}: ${text}` };
}

/**
 * Base class of every error of `src/schemas`: a stable `code`, the file it is about when there is one, every
 * issue when several files are wrong at once, and `cause`.
 *
 * @example
 * try { await loadSchemaFiles(rootDir); }
 * catch (error) { if (error instanceof SchemaError) for (const issue of error.issues) console.error(issue.message); }
 */
export class SchemaError extends Error {
  /** Stable machine-readable code; see {@link SchemaErrorCode}. */
  readonly code: SchemaErrorCode;
  /** Project-relative path of the file concerned, when there is one. */
  readonly filePath?: string;
  /** Every problem found (one entry for a single-file error). */
  readonly issues: SchemaIssue[];

  constructor(code: SchemaErrorCode, message: string, options?: { cause?: unknown; filePath?: string; issues?: SchemaIssue[] }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SchemaError';
    this.code = code;
    if (options?.filePath !== undefined) this.filePath = options.filePath;
    this.issues = options?.issues ?? (options?.filePath !== undefined ? [createSchemaIssue(code, options.filePath, '', message)] : []);
  }

  /**
   * One error for a list of issues: the issue's own code when there is one, `INVALID_SCHEMA_FILES` for several.
   * @example throw SchemaError.fromIssues(issues);
   */
  static fromIssues(issues: SchemaIssue[]): SchemaError {
    const sorted = [...issues].sort((a, b) => a.filePath.localeCompare(b.filePath) || a.pointer.localeCompare(b.pointer));
    if (sorted.length === 1) {
      const [issue] = sorted as [SchemaIssue];
      return new SchemaError(issue.code, issue.message, { filePath: issue.filePath, issues: sorted });
    }
    const lines = sorted.map((issue) => `  - ${issue.message}`).join('\n');
    return new SchemaError(SchemaErrorCode.INVALID_SCHEMA_FILES, `Invalid schema files (${sorted.length} problems):\n${lines}`, { issues: sorted });
  }
}
