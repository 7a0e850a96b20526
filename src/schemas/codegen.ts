/**
 * TypeScript code bindings for the registry schemas of a project: one file handlers import, e.g.
 * `import type { PatchbayEvent, PatchbayEventTypes } from '../src/generated/events';`.
 *
 * Design: every schema is turned into draft-04 parts (see `toDraft4Parts`) whose definitions are prefixed with the
 * schema's type name, so all schemas share one document without name clashes; json-schema-to-typescript compiles
 * that document once. The root is `PatchbayEvent`, the union of every event type: since inferred schemas pin
 * `source` and `detail-type` to one value, checking them narrows the union. Output depends only on the schema
 * files (sorted by name), never on the time or the machine, so the same input gives the same bytes.
 *
 * json-schema-to-typescript is loaded only when types are generated, and its output is formatted with prettier's
 * standalone build: prettier's main entry starts a dynamic `import()` as soon as it is loaded, which fails inside
 * jest's module sandbox (and would make every module importing `src/schemas` pay for loading prettier).
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-schema-code-bindings.html
 */
import type { JSONSchema } from 'json-schema-to-typescript';
import { SchemaError, SchemaErrorCode } from './errors';
import { toDraft4Parts } from './draft4';
import { isObject, type SchemaFile } from './files';

/** Name of the union of every event type in the generated file. */
export const EVENT_UNION_TYPE = 'PatchbayEvent';

/** Name of the generated map `source -> detail-type -> event type`. */
export const EVENT_MAP_TYPE = 'PatchbayEventTypes';

/** Default output file of `patchbay schemas codegen`, relative to the project root. */
export const DEFAULT_CODEGEN_OUT = 'src/generated/events.ts';

/**
 * The TypeScript type name of a schema: its name in PascalCase (`Schema` in front if it would start with a digit).
 * @example typeNameFor('aws.iam@aws-api-call-via-cloudtrail') // 'AwsIamAwsApiCallViaCloudtrail'
 */
export function typeNameFor(schemaName: string): string {
  const name = schemaName
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join('');
  return /^[0-9]/.test(name) || name === '' ? `Schema${name}` : name;
}

/**
 * Generate TypeScript types for schema files: one exported type per event schema (named by {@link typeNameFor}),
 * their union `PatchbayEvent`, and `PatchbayEventTypes[source][detailType]`. Deterministic.
 *
 * @param schemas - from `loadSchemaFiles`; order does not matter
 * @returns the file's text, starting with a header saying it is generated
 * @throws SchemaError `TYPE_NAME_COLLISION` when two schema names give one type name; `CODEGEN_FAILED` when
 *   json-schema-to-typescript fails (cause: its error).
 * @example
 * await fs.writeFile('src/generated/events.ts', await generateEventTypes(await loadSchemaFiles(root)));
 */
export async function generateEventTypes(schemas: readonly SchemaFile[]): Promise<string> {
  const sorted = [...schemas].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const owners = new Map<string, SchemaFile>();
  const definitions: Record<string, unknown> = {};
  const members: { typeName: string; file: SchemaFile }[] = [];
  for (const file of sorted) {
    const typeName = typeNameFor(file.name);
    const other = owners.get(typeName);
    if (other) {
      throw new SchemaError(
        SchemaErrorCode.TYPE_NAME_COLLISION,
        `${file.filePath} and ${other.filePath} both give the TypeScript type name ${typeName}: rename one file`,
        { filePath: file.filePath },
      );
    }
    owners.set(typeName, file);
    const parts = toDraft4Parts(file, typeName);
    Object.assign(definitions, parts.definitions);
    if (parts.root) {
      definitions[typeName] = { ...parts.root, title: typeName };
      pinEventIdentity(definitions, typeName, file);
      members.push({ typeName, file });
    }
  }

  let code: string;
  if (members.length === 0 && Object.keys(definitions).length === 0) {
    code = `/** Any event with a schema under schemas/ (there is none yet). */\nexport type ${EVENT_UNION_TYPE} = never;\n`;
  } else {
    const root = {
      title: EVENT_UNION_TYPE,
      description: 'Any event with a schema under schemas/.',
      ...(members.length ? { anyOf: members.map(({ typeName }) => ({ $ref: `#/definitions/${typeName}` })) } : { tsType: 'never' }),
      definitions,
    };
    try {
      const { compile } = await import('json-schema-to-typescript');
      code = await compile(root as JSONSchema, EVENT_UNION_TYPE, {
        bannerComment: '',
        unreachableDefinitions: true,
        additionalProperties: true,
        format: false,
      });
    } catch (error) {
      throw new SchemaError(SchemaErrorCode.CODEGEN_FAILED, `json-schema-to-typescript failed: ${(error as Error).message}`, { cause: error });
    }
  }
  return `${header(sorted, members)}\n${await formatTypeScript(`${code}\n${eventMap(members)}`)}`;
}

/**
 * Make `source` and `detail-type` literal types in an event schema that names its event (`x-amazon-events-*`)
 * but types them as plain strings (EventBridge's own OpenAPI schemas do), so that checking them narrows the union.
 */
function pinEventIdentity(definitions: Record<string, unknown>, typeName: string, file: SchemaFile): void {
  let key = typeName;
  let node = definitions[key];
  const seen = new Set<string>();
  while (isObject(node) && typeof node.$ref === 'string' && node.$ref.startsWith('#/definitions/') && !seen.has(key)) {
    seen.add(key);
    key = node.$ref.slice('#/definitions/'.length).replace(/~1/g, '/').replace(/~0/g, '~');
    node = definitions[key];
  }
  if (!isObject(node) || !isObject(node.properties)) return;
  const properties = { ...node.properties };
  for (const [field, value] of [['source', file.source], ['detail-type', file.detailType]] as const) {
    const property = properties[field];
    if (value === undefined || !isObject(property) || property.type !== 'string' || property.enum !== undefined) continue;
    properties[field] = { ...property, enum: [value] };
  }
  definitions[key] = { ...node, properties };
}

function header(files: readonly SchemaFile[], members: readonly { typeName: string; file: SchemaFile }[]): string {
  const typeOf = new Map(members.map(({ typeName, file }) => [file, typeName]));
  const lines = files.map((file) => {
    const event = file.source !== undefined ? ` (${file.source}${file.detailType !== undefined ? ` / ${file.detailType}` : ''})` : '';
    return ` * - ${typeOf.get(file) ?? '(definitions only)'}: ${file.filePath}${event}`;
  });
  return [
    '/* eslint-disable */',
    '/**',
    ' * GENERATED by `patchbay schemas codegen` from the registry schemas under schemas/: do not edit.',
    ' * Change a schema (or infer it again with `patchbay schemas infer`), then run `patchbay schemas codegen`.',
    ...(lines.length ? [' *', ...lines] : []),
    ' */',
  ].join('\n');
}

function eventMap(members: readonly { typeName: string; file: SchemaFile }[]): string {
  const bySource = new Map<string, { detailType: string; typeName: string }[]>();
  for (const { typeName, file } of members) {
    if (file.source === undefined || file.detailType === undefined) continue;
    bySource.set(file.source, [...(bySource.get(file.source) ?? []), { detailType: file.detailType, typeName }]);
  }
  const lines = [...bySource.keys()].sort().flatMap((source) => [
    `  ${JSON.stringify(source)}: {`,
    ...bySource.get(source)!.map(({ detailType, typeName }) => `    ${JSON.stringify(detailType)}: ${typeName};`),
    '  };',
  ]);
  return [
    '/**',
    ' * Event types by `source` and `detail-type`.',
    ` * @example type Event = ${EVENT_MAP_TYPE}['aws.iam']['AWS API Call via CloudTrail'];`,
    ' */',
    `export interface ${EVENT_MAP_TYPE} {`,
    ...lines,
    '}',
    '',
  ].join('\n');
}

/** Format TypeScript with prettier (standalone build: no dynamic `import()`, no config files read). */
async function formatTypeScript(code: string): Promise<string> {
  const [prettier, typescript, estree] = await Promise.all([
    import('prettier/standalone'),
    import('prettier/plugins/typescript'),
    import('prettier/plugins/estree'),
  ]);
  return prettier.format(code, { parser: 'typescript', plugins: [typescript, estree], printWidth: 120, singleQuote: true });
}
