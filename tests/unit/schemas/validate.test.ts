import fs from 'node:fs/promises';
import path from 'node:path';
import { inferEventSchema, loadSampleEvents, validateSampleEvents } from '../../../src/schemas';
import { copyFixtureProject, FIXTURES_DIR, readJson, removeProjects, writeJson } from './fixture-project';

afterAll(removeProjects);

/** A fixture project with inferred schemas for both order events. */
async function projectWithSchemas(): Promise<string> {
  const root = await copyFixtureProject();
  const samples = await loadSampleEvents(root);
  for (const detailType of ['Order Placed', 'Order Shipped']) {
    const inferred = inferEventSchema(samples, { source: 'com.example.orders', detailType });
    await writeJson(root, inferred.filePath, inferred.text);
  }
  return root;
}

describe('Function: validateSampleEvents', () => {
  it('finds no issue when every sample follows its schema', async () => {
    expect(await validateSampleEvents(await projectWithSchemas())).toEqual([]);
  });

  it('reports a bad sample with the pointer of each problem', async () => {
    // Prepare
    const root = await projectWithSchemas();
    const event = await readJson<Record<string, any>>(root, 'events/orders/order-placed-eur.json');
    event.detail.total = '12.50';
    delete event.detail.customer.id;
    await writeJson(root, 'events/orders/order-placed-bad.json', event);

    // Act
    const issues = await validateSampleEvents(root);

    // Assess
    expect(issues.map(({ filePath, pointer }) => ({ filePath, pointer }))).toEqual([
      { filePath: 'events/orders/order-placed-bad.json', pointer: '/detail/customer/id' },
      { filePath: 'events/orders/order-placed-bad.json', pointer: '/detail/total' },
    ]);
    expect(issues[0]).toMatchObject({ code: 'SAMPLE_EVENT_INVALID', schemaFilePath: 'schemas/com.example.orders@order-placed.json' });
    expect(issues[1]!.message).toBe(
      'events/orders/order-placed-bad.json#/detail/total: must be number, found "12.50" (a string) ' +
        '(schemas/com.example.orders@order-placed.json#/properties/detail/properties/total/type)',
    );
    expect(issues[0]!.message).toMatch(/#\/detail\/customer\/id: is required but missing/);
  });

  it('reports a sample that is not JSON, and does not check events without a schema', async () => {
    // Prepare
    const root = await projectWithSchemas();
    await writeJson(root, 'events/orders/truncated.json', '{ "source": ');
    await writeJson(root, 'events/other/unknown-source.json', { source: 'com.example.none', 'detail-type': 'X', detail: 42 });

    // Act
    const issues = await validateSampleEvents(root);

    // Assess
    expect(issues).toEqual([
      { code: 'SAMPLE_EVENT_NOT_JSON', filePath: 'events/orders/truncated.json', pointer: '', message: expect.stringMatching(/^events\/orders\/truncated\.json#: not JSON/) },
    ]);
  });

  it('validates against an OpenAPI 3 schema (nullable, $ref to components, int64)', async () => {
    // Prepare
    const root = await copyFixtureProject();
    const schema = await fs.readFile(path.join(FIXTURES_DIR, 'openapi/aws.ec2@ec2-instance-state-change-notification.json'), 'utf8');
    const good = JSON.parse(await fs.readFile(path.join(FIXTURES_DIR, 'openapi/instance-running.json'), 'utf8'));
    await writeJson(root, 'schemas/aws.ec2@ec2-instance-state-change-notification.json', schema);
    await writeJson(root, 'events/ec2/running.json', good);
    await writeJson(root, 'events/ec2/bad-state.json', { ...good, detail: { ...good.detail, state: 'exploded', reason: 'boom' } });

    // Act
    const issues = await validateSampleEvents(root);

    // Assess
    expect(issues).toEqual([
      expect.objectContaining({
        filePath: 'events/ec2/bad-state.json',
        pointer: '/detail/state',
        message: expect.stringContaining('must be equal to one of the allowed values "pending", "running"'),
      }),
    ]);
  });
});
