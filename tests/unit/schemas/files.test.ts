import fs from 'node:fs/promises';
import path from 'node:path';
import { detectSchemaType, loadSchemaFiles, SchemaError } from '../../../src/schemas';
import { copyFixtureProject, FIXTURES_DIR, removeProjects, writeJson } from './fixture-project';

afterAll(removeProjects);

const DRAFT_04 = 'http://json-schema.org/draft-04/schema#';

async function openApiFixture(): Promise<string> {
  return fs.readFile(path.join(FIXTURES_DIR, 'openapi/aws.ec2@ec2-instance-state-change-notification.json'), 'utf8');
}

async function loadError(root: string): Promise<SchemaError> {
  try {
    await loadSchemaFiles(root);
  } catch (error) {
    if (error instanceof SchemaError) return error;
    throw error;
  }
  throw new Error('loadSchemaFiles did not throw');
}

describe('Function: loadSchemaFiles', () => {
  it('loads OpenAPI 3 and draft-04 schemas, sorted by path, as compact JSON, skipping *.schema.json', async () => {
    // Prepare
    const root = await copyFixtureProject();
    await writeJson(root, 'schemas/aws.ec2@ec2-instance-state-change-notification.json', await openApiFixture());
    await writeJson(root, 'schemas/com.example.orders@order-placed.json', {
      $schema: DRAFT_04,
      type: 'object',
      'x-amazon-events-source': 'com.example.orders',
      'x-amazon-events-detail-type': 'Order Placed',
    });
    await writeJson(root, 'schemas/nested/plain.json', { $schema: 'http://json-schema.org/draft-04/schema', type: 'object' });
    await writeJson(root, 'schemas/pattern-file.schema.json', { $schema: 'http://json-schema.org/draft-07/schema#' });

    // Act
    const files = await loadSchemaFiles(root);

    // Assess
    expect(files).toEqual([
      {
        name: 'aws.ec2@ec2-instance-state-change-notification',
        type: 'OpenApi3',
        content: JSON.stringify(JSON.parse(await openApiFixture())),
        filePath: 'schemas/aws.ec2@ec2-instance-state-change-notification.json',
        source: 'aws.ec2',
        detailType: 'EC2 Instance State-change Notification',
      },
      expect.objectContaining({ name: 'com.example.orders@order-placed', type: 'JSONSchemaDraft4', source: 'com.example.orders', detailType: 'Order Placed' }),
      { name: 'nested-plain', type: 'JSONSchemaDraft4', content: `{"$schema":"http://json-schema.org/draft-04/schema","type":"object"}`, filePath: 'schemas/nested/plain.json' },
    ]);
  });

  it('returns [] for a project without schemas/', async () => {
    expect(await loadSchemaFiles(await copyFixtureProject())).toEqual([]);
  });

  it('reports every bad file at once, each with its code', async () => {
    // Prepare
    const root = await copyFixtureProject();
    await writeJson(root, 'schemas/draft-07.json', { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object' });
    await writeJson(root, 'schemas/broken.json', '{ "openapi": ');
    await writeJson(root, 'schemas/list.json', []);
    await writeJson(root, 'schemas/has space.json', { openapi: '3.0.0' });

    // Act
    const error = await loadError(root);

    // Assess
    expect(error.code).toBe('INVALID_SCHEMA_FILES');
    expect(error.issues.map(({ code, filePath }) => ({ code, filePath }))).toEqual([
      { code: 'INVALID_JSON', filePath: 'schemas/broken.json' },
      { code: 'UNKNOWN_SCHEMA_TYPE', filePath: 'schemas/draft-07.json' },
      { code: 'INVALID_SCHEMA_NAME', filePath: 'schemas/has space.json' },
      { code: 'INVALID_JSON', filePath: 'schemas/list.json' },
    ]);
    expect(error.message).toContain('schemas/draft-07.json#: neither an OpenAPI 3 document');
  });

  it('refuses content over 100,000 characters, naming the file and its size', async () => {
    // Prepare
    const root = await copyFixtureProject();
    const properties = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`p${i}`, { type: 'string' }]));
    await writeJson(root, 'schemas/big.json', { $schema: DRAFT_04, type: 'object', properties });
    const size = JSON.stringify({ $schema: DRAFT_04, type: 'object', properties }).length;

    // Act
    const error = await loadError(root);

    // Assess
    expect(error).toMatchObject({ code: 'SCHEMA_TOO_LARGE', filePath: 'schemas/big.json' });
    expect(error.message).toBe(`schemas/big.json#: content is ${size} characters (as compact JSON); EventBridge allows at most 100000`);
  });

  it('refuses two schemas for one source and detail-type', async () => {
    // Prepare
    const root = await copyFixtureProject();
    const schema = { $schema: DRAFT_04, 'x-amazon-events-source': 's', 'x-amazon-events-detail-type': 'd' };
    await writeJson(root, 'schemas/one.json', schema);
    await writeJson(root, 'schemas/two.json', schema);

    // Act / Assess
    expect(await loadError(root)).toMatchObject({
      code: 'DUPLICATE_EVENT_SCHEMA',
      filePath: 'schemas/two.json',
      message: 'schemas/two.json#: source "s" and detail-type "d" already have a schema: schemas/one.json',
    });
  });
});

describe('Function: detectSchemaType', () => {
  it.each([
    [{ openapi: '3.0.0' }, 'OpenApi3'],
    [{ openapi: '3.1' }, 'OpenApi3'],
    [{ openapi: '2.0' }, undefined],
    [{ swagger: '2.0' }, undefined],
    [{ $schema: 'http://json-schema.org/draft-04/schema#' }, 'JSONSchemaDraft4'],
    [{ $schema: 'https://json-schema.org/draft-04/schema' }, 'JSONSchemaDraft4'],
    [{ $schema: 'https://json-schema.org/draft/2020-12/schema' }, undefined],
    [{ type: 'object' }, undefined],
  ])('%j -> %s', (document, type) => {
    expect(detectSchemaType(document)).toBe(type);
  });
});
