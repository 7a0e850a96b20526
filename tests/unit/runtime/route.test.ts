import { classifyInput, compileManifest, routeEvent } from '../../../src/runtime';
import { readEvent, readManifest } from '../../fixtures/runtime/fixtures';

const routesOf = (input: unknown) => routeEvent(readManifest(), input).map((route) => [route.rule.name, route.target.id, route.via]);

describe('Function: routeEvent', () => {
  it('routes a delivered event to exactly the (rule, target) it names', () => {
    // Act
    const routes = routeEvent(readManifest(), readEvent('delivered-dynamodb-delete-table'));

    // Assess
    expect(routes).toHaveLength(1);
    expect(routes[0]).toEqual(
      expect.objectContaining({
        rule: expect.objectContaining({ name: 'dynamodb-delete-table' }),
        target: expect.objectContaining({ id: 'notify', topic: 'security' }),
        event: readEvent('dynamodb-delete-table'),
        via: 'delivered',
      }),
    );
  });

  it('refuses a delivered event that does not match its rule\'s pattern (forged or corrupt)', () => {
    // Prepare
    const delivered = readEvent('delivered-dynamodb-delete-table');
    (delivered.event as Record<string, unknown>).source = 'aws.s3';

    // Act
    const route = () => routesOf(delivered);

    // Assess
    expect(route).toThrow(
      expect.objectContaining({
        name: 'InvalidDeliveryError',
        code: 'INVALID_DELIVERY',
        rule: 'dynamodb-delete-table',
        target: 'notify',
        pointer: '/event',
        message: expect.stringMatching(/^input#\/event: refused delivery for rule dynamodb-delete-table, target notify: the event \(source "aws\.s3", detail-type "AWS API Call via CloudTrail"\) does not match the rule's event pattern/),
      }),
    );
  });

  it('refuses the forged delivery of the review: a real rule and target with an empty event', () => {
    // Act
    const route = () => routesOf({ patchbay: { rule: 'signin-root-login', target: 'notify' }, event: {} });

    // Assess
    expect(route).toThrow(expect.objectContaining({ code: 'INVALID_DELIVERY', pointer: '/event/version' }));
  });

  it.each([
    ['id', undefined, '/event/id'],
    ['source', '', '/event/source'],
    ['account', '12345', '/event/account'],
    ['time', 'yesterday', '/event/time'],
    ['region', 7, '/event/region'],
    ['resources', 'arn:aws:s3:::b', '/event/resources'],
    ['resources', ['arn:aws:s3:::b', 1], '/event/resources/1'],
    ['detail', null, '/event/detail'],
  ])('refuses a delivered event whose %s is %j', (field, value, pointer) => {
    // Prepare
    const delivered = readEvent('delivered-dynamodb-delete-table');
    const event = delivered.event as Record<string, unknown>;
    if (value === undefined) delete event[field];
    else event[field] = value;

    // Act
    const route = () => routesOf(delivered);

    // Assess
    expect(route).toThrow(expect.objectContaining({ name: 'InvalidDeliveryError', code: 'INVALID_DELIVERY', pointer }));
  });

  it('refuses a delivery to a schedule rule that is not a Scheduled Event', () => {
    // Prepare
    const delivered = readEvent('delivered-nightly-report');
    (delivered.event as Record<string, unknown>).source = 'aws.iam';

    // Act
    const route = () => routesOf(delivered);

    // Assess
    expect(route).toThrow(expect.objectContaining({ code: 'INVALID_DELIVERY', rule: 'nightly-report', pointer: '/event/source' }));
  });

  it('applies the compiled pattern, replay exclusion included, to delivered events', () => {
    // Prepare
    const manifest = readManifest();
    manifest.rules[0]!.pattern = { ...manifest.rules[0]!.pattern, 'replay-name': [{ exists: false }] };
    const delivered = readEvent('delivered-dynamodb-delete-table');
    (delivered.event as Record<string, unknown>)['replay-name'] = 'patchbay-test-default-replay';

    // Act
    const route = () => routeEvent(manifest, delivered);

    // Assess
    expect(route).toThrow(expect.objectContaining({ code: 'INVALID_DELIVERY', pointer: '/event' }));
  });

  it('routes a delivered scheduled event to its schedule rule', () => {
    // Act
    const routes = routesOf(readEvent('delivered-nightly-report'));

    // Assess
    expect(routes).toEqual([['nightly-report', 'notify', 'delivered']]);
  });

  it('routes a raw event to every target of every matching rule, in manifest order', () => {
    // Act
    const routes = routesOf(readEvent('dynamodb-delete-table'));

    // Assess
    expect(routes).toEqual([
      ['dynamodb-delete-table', 'notify', 'matched'],
      ['dynamodb-table-changes', 'audit', 'matched'],
    ]);
  });

  it.each([
    ['signin-root-login', [['signin-root-login', 'notify', 'matched']]],
    ['dynamodb-create-table', []],
    ['scheduled-nightly-report', []], // schedule rules never match raw events
  ])('routes the raw %s event as EventBridge would', (name, expected) => {
    // Act
    const routes = routesOf(readEvent(name));

    // Assess
    expect(routes).toEqual(expected);
  });

  it('matches patterns exactly: a root sign-in with a different identity type does not match', () => {
    // Prepare
    const event = readEvent('signin-root-login');
    ((event.detail as Record<string, unknown>).userIdentity as Record<string, unknown>).type = 'IAMUser';

    // Act
    const routes = routesOf(event);

    // Assess
    expect(routes).toEqual([]);
  });

  it('accepts a compiled manifest', () => {
    // Act
    const routes = routeEvent(compileManifest(readManifest()), readEvent('signin-root-login'));

    // Assess
    expect(routes.map((route) => route.rule.name)).toEqual(['signin-root-login']);
  });

  it.each([
    ['an unknown rule', { rule: 'no-such-rule', target: 'notify' }, { rule: 'no-such-rule', target: undefined }],
    ['an unknown target', { rule: 'dynamodb-delete-table', target: 'nope' }, { rule: 'dynamodb-delete-table', target: 'nope' }],
  ])('rejects a delivered event naming %s', (_, patchbay, expected) => {
    // Act
    const act = () => routeEvent(readManifest(), { patchbay, event: readEvent('dynamodb-delete-table') });

    // Assess
    expect(act).toThrow(expect.objectContaining({ name: 'UnknownRuleError', code: 'UNKNOWN_RULE', ...expected }));
  });
});

describe('Function: classifyInput', () => {
  it.each([
    ['a delivered event', readEvent('delivered-dynamodb-delete-table'), 'delivered'],
    ['a raw EventBridge event', readEvent('dynamodb-delete-table'), 'event'],
    ['a minimal raw event', { source: 'my.app', 'detail-type': 'Order placed' }, 'event'],
  ])('recognises %s', (_, input, kind) => {
    // Act
    const classified = classifyInput(input);

    // Assess
    expect(classified.kind).toBe(kind);
  });

  it.each([
    ['null', null, ''],
    ['a string', 'DeleteTable', ''],
    ['an array', [readEvent('dynamodb-delete-table')], ''],
    ['an SQS batch', { Records: [{ body: '{}' }] }, ''],
    ['a delivered event without its event', { patchbay: { rule: 'r', target: 't' } }, '/event'],
    ['a delivered event without a target', { patchbay: { rule: 'r' }, event: {} }, '/patchbay/target'],
    ['a delivered event with an empty rule', { patchbay: { rule: '', target: 't' }, event: {} }, '/patchbay/rule'],
    ['a delivered event whose patchbay is a string', { patchbay: 'r', event: {} }, '/patchbay'],
    ['a raw event without detail-type', { source: 'aws.dynamodb', detail: {} }, '/detail-type'],
    ['a raw event with a numeric source', { source: 1, 'detail-type': 'x' }, '/source'],
  ])('rejects %s', (_, input, pointer) => {
    // Act
    const act = () => classifyInput(input);

    // Assess
    expect(act).toThrow(expect.objectContaining({ name: 'InvalidInputError', code: 'INVALID_INPUT', pointer }));
  });

  it('names what it expected and the keys it found', () => {
    // Act
    const act = () => classifyInput({ Records: [] });

    // Assess
    expect(act).toThrow(
      'input: expected a patchbay delivered event ({ patchbay: { rule, target }, event }) or an EventBridge event (with source and detail-type), found an object with keys: Records',
    );
  });
});
