/**
 * Registry schemas as plain JSON Schema draft-04, for ajv (validation) and json-schema-to-typescript (code
 * bindings): a draft-04 file is used as it is; an OpenAPI 3 document's `components.schemas` become `definitions`
 * (`$ref`s rewritten, `nullable: true` turned into a `"null"` type), and its event schema (the component carrying
 * `x-amazon-events-source`, as EventBridge's `AWSEvent` does) becomes the root.
 *
 * @see https://spec.openapis.org/oas/v3.0.3#schema-object
 */
import { DRAFT_04_URI, eventOf, isObject, SchemaType, type SchemaFile } from './files';

/**
 * A schema file split into its event schema and its named definitions, with every local `$ref` pointing at
 * `#/definitions/<prefix><name>`, so several files' parts can share one document.
 *
 * @example
 * { "root": { "type": "object", "properties": { "detail": { "$ref": "#/definitions/Ec2Detail" } } },
 *   "definitions": { "Ec2Detail": { "type": "object" } } }
 */
export interface Draft4Parts {
  /** The event schema; absent for an OpenAPI document that names no event (no `x-amazon-events-source`). */
  root?: Record<string, unknown>;
  /** Named schemas the root and each other refer to. */
  definitions: Record<string, unknown>;
}

/**
 * Split a schema file into draft-04 parts.
 * @param prefix - put before every definition name (and every `$ref` to one); `''` keeps the names
 * @example toDraft4Parts(file, 'AwsEc2') // { root: {...}, definitions: { AwsEc2AWSEvent: ..., AwsEc2Detail: ... } }
 */
export function toDraft4Parts(file: SchemaFile, prefix = ''): Draft4Parts {
  const document = JSON.parse(file.content) as Record<string, unknown>;
  if (file.type === SchemaType.JSON_SCHEMA_DRAFT_4) {
    const { $schema: _schema, definitions = {}, ...root } = rewriteRefs(document, '#/definitions/', prefix) as Record<string, unknown>;
    return { root, definitions: prefixKeys(isObject(definitions) ? definitions : {}, prefix) };
  }
  const components = isObject(document.components) && isObject(document.components.schemas) ? document.components.schemas : {};
  const definitions = prefixKeys(rewriteRefs(openApiToDraft4(components), '#/components/schemas/', prefix) as Record<string, unknown>, prefix);
  const event = eventOf(file.type, document);
  if (!event) return { definitions };
  const key = unescapePointerSegment(event.pointer.split('/').pop()!);
  return { root: { $ref: `#/definitions/${escapePointerSegment(prefix + key)}` }, definitions };
}

/**
 * A self-contained draft-04 schema of a file's event, for a validator: `{ $schema, definitions, ...root }`;
 * `undefined` when the file names no event schema.
 * @example toDraft4Schema(openApiFile) // { "$schema": "http://json-schema.org/draft-04/schema#", "definitions": {...}, "allOf": [{ "$ref": "#/definitions/AWSEvent" }] }
 */
export function toDraft4Schema(file: SchemaFile): Record<string, unknown> | undefined {
  if (file.type === SchemaType.JSON_SCHEMA_DRAFT_4) return JSON.parse(file.content) as Record<string, unknown>;
  const { root, definitions } = toDraft4Parts(file);
  if (!root) return undefined;
  return { $schema: DRAFT_04_URI, definitions, allOf: [root] };
}

/** OpenAPI 3.0 schema objects -> draft-04: `nullable: true` adds `"null"` to `type` (and to `enum`). */
function openApiToDraft4(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(openApiToDraft4);
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    if (key === 'nullable') continue;
    out[key] = openApiToDraft4(child);
  }
  if (value.nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    else if (Array.isArray(out.type) && !out.type.includes('null')) out.type = [...out.type, 'null'];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  }
  return out;
}

function rewriteRefs(value: unknown, from: string, prefix: string): unknown {
  if (Array.isArray(value)) return value.map((item) => rewriteRefs(item, from, prefix));
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    out[key] =
      key === '$ref' && typeof child === 'string' && child.startsWith(from)
        ? `#/definitions/${prefix}${child.slice(from.length)}`
        : rewriteRefs(child, from, prefix);
  }
  return out;
}

function prefixKeys(record: Record<string, unknown>, prefix: string): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [prefix + key, value]));
}

function escapePointerSegment(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

function unescapePointerSegment(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}
