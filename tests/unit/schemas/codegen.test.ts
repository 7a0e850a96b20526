import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import {
  generateEventTypes,
  inferEventSchema,
  loadSampleEvents,
  parseSchemaFile,
  typeNameFor,
  type SchemaFile,
} from '../../../src/schemas';
import { copyFixtureProject, FIXTURES_DIR, removeProjects } from './fixture-project';

// json-schema-to-typescript requires prettier's main entry, which starts a dynamic import() when loaded: jest's
// sandbox refuses that. generateEventTypes never calls it (it formats with prettier/standalone), so point the
// require at the standalone build, which has no such import.
jest.mock('prettier', () => jest.requireActual('prettier/standalone'));

afterAll(removeProjects);

function schemaFile(filePath: string, text: string): SchemaFile {
  const name = path.basename(filePath, '.json');
  const result = parseSchemaFile(filePath, name, text);
  if (!('file' in result)) throw new Error(result.issues.map((issue) => issue.message).join('\n'));
  return result.file;
}

async function fixtureSchemas(): Promise<SchemaFile[]> {
  const samples = await loadSampleEvents(await copyFixtureProject());
  const inferred = ['Order Placed', 'Order Shipped'].map((detailType) => inferEventSchema(samples, { source: 'com.example.orders', detailType }));
  const openApiPath = path.join(FIXTURES_DIR, 'openapi/aws.ec2@ec2-instance-state-change-notification.json');
  return [
    ...inferred.map((schema) => schemaFile(schema.filePath, schema.text)),
    schemaFile('schemas/aws.ec2@ec2-instance-state-change-notification.json', await fs.readFile(openApiPath, 'utf8')),
  ];
}

/** Type-check files with the TypeScript compiler API (strict); returns the diagnostics as text. */
async function typeCheck(files: Record<string, string>): Promise<string[]> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'patchbay-codegen-'));
  try {
    for (const [name, text] of Object.entries(files)) await fs.writeFile(path.join(dir, name), text);
    const program = ts.createProgram(
      Object.keys(files).map((name) => path.join(dir, name)),
      { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, types: [], skipLibCheck: true },
    );
    return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

const USAGE = `
import type { PatchbayEvent, PatchbayEventTypes, ComExampleOrdersOrderPlaced } from './events';

export function describe(event: PatchbayEvent): string {
  if (event.source === 'com.example.orders' && event['detail-type'] === 'Order Placed') {
    const total: number = event.detail.total;
    const coupon: string | undefined = event.detail.coupon;
    const tier: string | null = event.detail.customer.tier;
    return event.detail.orderId + total + coupon + tier + event.detail.items.map((item) => item.sku + item.quantity).join();
  }
  if (event.source === 'com.example.orders' && event['detail-type'] === 'Order Shipped') return event.detail.carrier;
  return event.source;
}

type Shipped = PatchbayEventTypes['com.example.orders']['Order Shipped'];
export const tracking = (event: Shipped): string => event.detail.trackingNumber;
export const state = (event: PatchbayEventTypes['aws.ec2']['EC2 Instance State-change Notification']): 'running' | string => event.detail.state;

export function wrong(event: ComExampleOrdersOrderPlaced): void {
  // @ts-expect-error orderId is a string, not a number: the types are not 'any'
  const id: number = event.detail.orderId;
  void id;
}
`;

describe('Function: generateEventTypes', () => {
  it('generates types that compile under strict mode and narrow on source and detail-type', async () => {
    // Prepare
    const schemas = await fixtureSchemas();

    // Act
    const code = await generateEventTypes(schemas);

    // Assess
    expect(code.replace(/\s+/g, ' ')).toContain(
      'export type PatchbayEvent = AwsEc2Ec2InstanceStateChangeNotification | ComExampleOrdersOrderPlaced | ComExampleOrdersOrderShipped;',
    );
    expect(code).toContain("source: 'aws.ec2';"); // pinned from x-amazon-events-source
    expect(await typeCheck({ 'events.ts': code, 'usage.ts': USAGE })).toEqual([]);
  }, 30_000);

  it('is deterministic: same schemas, in any order, give the same bytes', async () => {
    // Prepare
    const schemas = await fixtureSchemas();

    // Act
    const first = await generateEventTypes(schemas);
    const again = await generateEventTypes(schemas);
    const reversed = await generateEventTypes([...schemas].reverse());

    // Assess
    expect(again).toBe(first);
    expect(reversed).toBe(first);
  });

  it('starts with a header saying the file is generated, naming each schema file', async () => {
    const code = await generateEventTypes(await fixtureSchemas());
    const header = code.slice(0, code.indexOf('*/', code.indexOf('/**')));
    expect(header).toContain('GENERATED by `patchbay schemas codegen`');
    expect(header).toContain('do not edit');
    expect(header).toContain('ComExampleOrdersOrderPlaced: schemas/com.example.orders@order-placed.json (com.example.orders / Order Placed)');
    expect(header).not.toMatch(/\d{4}-\d{2}-\d{2}/); // no timestamp
  });

  it('gives PatchbayEvent = never when there are no schemas, and still compiles', async () => {
    // Act
    const code = await generateEventTypes([]);

    // Assess
    expect(code).toContain('export type PatchbayEvent = never;');
    expect(await typeCheck({ 'events.ts': code })).toEqual([]);
  });

  it('fails with TYPE_NAME_COLLISION when two schema names give one type name', async () => {
    const draft4 = (source: string) => JSON.stringify({ $schema: 'http://json-schema.org/draft-04/schema#', type: 'object', 'x-amazon-events-source': source });
    const schemas = [schemaFile('schemas/a.b@c.json', draft4('a.b')), schemaFile('schemas/a-b@c.json', draft4('a-b'))];
    await expect(generateEventTypes(schemas)).rejects.toMatchObject({ name: 'SchemaError', code: 'TYPE_NAME_COLLISION' });
  });
});

describe('Function: typeNameFor', () => {
  it.each([
    ['aws.iam@aws-api-call-via-cloudtrail', 'AwsIamAwsApiCallViaCloudtrail'],
    ['com.example.orders@order-placed', 'ComExampleOrdersOrderPlaced'],
    ['9lives@x', 'Schema9livesX'],
  ])('%s -> %s', (name, typeName) => {
    expect(typeNameFor(name)).toBe(typeName);
  });
});
