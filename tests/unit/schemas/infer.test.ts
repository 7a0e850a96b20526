import { createDraft4Ajv, inferEventSchema, loadSampleEvents, schemaNameFor, slugify, type SampleEvent } from '../../../src/schemas';
import { copyFixtureProject, removeProjects } from './fixture-project';

afterAll(removeProjects);

const ORDER_PLACED = { source: 'com.example.orders', detailType: 'Order Placed' };

async function fixtureSamples(): Promise<SampleEvent[]> {
  return loadSampleEvents(await copyFixtureProject());
}

function eventsOf(samples: SampleEvent[], detailType: string): Record<string, unknown>[] {
  return samples.flatMap((s) => (s.event && (s.event as Record<string, unknown>)['detail-type'] === detailType ? [s.event as Record<string, unknown>] : []));
}

describe('Function: inferEventSchema', () => {
  it('infers a draft-04 schema with EventBridge extensions that validates every sample it came from', async () => {
    // Prepare
    const samples = await fixtureSamples();

    // Act
    const inferred = inferEventSchema(samples, ORDER_PLACED);

    // Assess
    expect(inferred).toMatchObject({
      name: 'com.example.orders@order-placed',
      filePath: 'schemas/com.example.orders@order-placed.json',
      samples: ['events/orders/order-placed-eur.json', 'events/orders/order-placed-usd.json'],
    });
    expect(inferred.schema).toMatchObject({
      $schema: 'http://json-schema.org/draft-04/schema#',
      type: 'object',
      'x-amazon-events-source': 'com.example.orders',
      'x-amazon-events-detail-type': 'Order Placed',
      required: ['version', 'id', 'detail-type', 'source', 'account', 'time', 'region', 'resources', 'detail'],
    });
    const validate = createDraft4Ajv().compile(inferred.schema);
    for (const event of eventsOf(samples, 'Order Placed')) expect(validate(event)).toBe(true);
    expect(inferred.text).toBe(`${JSON.stringify(inferred.schema, null, 2)}\n`);
  });

  it('requires what every sample has, allows what only some have', async () => {
    // Prepare
    const samples = await fixtureSamples();
    const [eur] = eventsOf(samples, 'Order Placed') as [Record<string, any>];
    const validate = createDraft4Ajv().compile(inferEventSchema(samples, ORDER_PLACED).schema);

    // Act / Assess
    const withoutCoupon = structuredClone(eur);
    delete withoutCoupon.detail.coupon;
    expect(validate(withoutCoupon)).toBe(true);
    const withoutOrderId = structuredClone(eur);
    delete withoutOrderId.detail.orderId;
    expect(validate(withoutOrderId)).toBe(false);
    expect(validate.errors).toEqual([expect.objectContaining({ keyword: 'required', instancePath: '/detail', params: { missingProperty: 'orderId' } })]);
  });

  it.each([
    ['a number where a string was', (e: any) => void (e.detail.orderId = 1001), '/detail/orderId'],
    ['a string where a number was', (e: any) => void (e.detail.total = '12.50'), '/detail/total'],
    ['another source', (e: any) => void (e.source = 'com.example.other'), '/source'],
    ['another detail-type', (e: any) => void (e['detail-type'] = 'Order Cancelled'), '/detail-type'],
    ['a time that is not a date-time', (e: any) => void (e.time = 'yesterday'), '/time'],
    ['an item of the wrong shape', (e: any) => void e.detail.items.push('BOOK-2'), '/detail/items/1'],
    ['a missing envelope field', (e: any) => void delete e.region, ''],
  ])('rejects a sample mutated to have %s', async (_what, mutate, pointer) => {
    // Prepare
    const samples = await fixtureSamples();
    const validate = createDraft4Ajv().compile(inferEventSchema(samples, ORDER_PLACED).schema);
    const mutated = structuredClone(eventsOf(samples, 'Order Placed')[0]!);

    // Act
    mutate(mutated);

    // Assess
    expect(validate(mutated)).toBe(false);
    expect(validate.errors!.map((error) => error.instancePath)).toContain(pointer);
  });

  it('takes the only detail-type of a source when none is given, and asks for one when there are several', async () => {
    // Prepare
    const samples = await fixtureSamples();
    const placedOnly = samples.filter((s) => !s.filePath.includes('shipped'));

    // Act / Assess
    expect(inferEventSchema(placedOnly, { source: 'com.example.orders' }).detailType).toBe('Order Placed');
    expect(() => inferEventSchema(samples, { source: 'com.example.orders' })).toThrow(
      expect.objectContaining({ name: 'SchemaError', code: 'AMBIGUOUS_DETAIL_TYPE', message: expect.stringContaining('"Order Placed", "Order Shipped"') }),
    );
  });

  it('fails with NO_SAMPLE_EVENTS listing the samples there are', async () => {
    const samples = await fixtureSamples();
    expect(() => inferEventSchema(samples, { source: 'com.example.orders', detailType: 'Order Lost' })).toThrow(
      expect.objectContaining({ code: 'NO_SAMPLE_EVENTS', message: expect.stringContaining('com.example.orders / Order Placed; com.example.orders / Order Shipped') }),
    );
  });

  it('fails with SCHEMA_TOO_LARGE, giving the size, over 100,000 characters', () => {
    // Prepare
    const detail = Object.fromEntries(Array.from({ length: 4000 }, (_, i) => [`field${String(i).padStart(4, '0')}`, 'x']));
    const samples: SampleEvent[] = [{ filePath: 'events/big.json', event: { source: 'big', 'detail-type': 'Big', detail } }];

    // Act / Assess
    expect(() => inferEventSchema(samples, { source: 'big' })).toThrow(
      expect.objectContaining({ code: 'SCHEMA_TOO_LARGE', filePath: 'schemas/big@big.json', message: expect.stringMatching(/is \d{6} characters .*at most 100000/) }),
    );
  });
});

describe('Function: schemaNameFor', () => {
  it.each([
    ['aws.iam', 'AWS API Call via CloudTrail', 'aws.iam@aws-api-call-via-cloudtrail'],
    ['aws.ec2', 'EC2 Instance State-change Notification', 'aws.ec2@ec2-instance-state-change-notification'],
    ['my app/orders', '  Order: Placed!  ', 'my-app-orders@order-placed'],
  ])('%s + %s -> %s', (source, detailType, name) => {
    expect(schemaNameFor(source, detailType)).toBe(name);
  });

  it('never gives an empty slug', () => {
    expect(slugify('!!!')).toBe('event');
  });
});
