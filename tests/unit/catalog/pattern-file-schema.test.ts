import Ajv from 'ajv';
import schema from '../../../schemas/pattern-file.schema.json';

type SchemaNode = Record<string, unknown>;

/** Every (path, subschema) that describes a property or an array item. */
function propertySchemas(node: SchemaNode, at: string, out: [string, SchemaNode][] = []): [string, SchemaNode][] {
  const properties = (node.properties ?? {}) as Record<string, SchemaNode>;
  for (const [key, child] of Object.entries(properties)) {
    out.push([`${at}/${key}`, child]);
    propertySchemas(child, `${at}/${key}`, out);
  }
  const definitions = (node.definitions ?? {}) as Record<string, SchemaNode>;
  for (const [key, child] of Object.entries(definitions)) {
    out.push([`${at}#${key}`, child]);
    propertySchemas(child, `${at}#${key}`, out);
  }
  return out;
}

describe('Schema: schemas/pattern-file.schema.json', () => {
  const validate = new Ajv({ allErrors: true }).compile(schema);

  it('documents every property, so editors show help', () => {
    // Act
    const undocumented = propertySchemas(schema as SchemaNode, '')
      .filter(([, child]) => typeof child.description !== 'string' && child.$ref === undefined)
      .map(([at]) => at);

    // Assess
    expect(undocumented).toEqual([]);
  });

  it('forbids unknown keys in every fixed-shape object', () => {
    // Act
    const open = propertySchemas(schema as SchemaNode, '')
      .concat([['', schema as SchemaNode]])
      .filter(([, child]) => child.type === 'object' && child.properties !== undefined && child.additionalProperties !== false)
      .map(([at]) => at);

    // Assess
    expect(open).toEqual([]);
  });

  it.each([
    ['a pattern rule', { pattern: { source: ['aws.s3'] }, targets: [{ function: 'notify' }] }, true],
    ['a schedule rule', { schedule: 'cron(0 8 * * ? *)', targets: [{ function: 'notify' }] }, true],
    ['every field', {
      description: 'd', bus: 'orders', state: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS', pattern: { source: ['x'] },
      targets: [{ function: 'notify', filter: 'a', select: { x_1: 'a', 'detail-type': 'b' }, notify: { topic: 'security', subject: 's' } }],
      tests: { match: ['a.json'], 'no-match': ['b.json'] },
    }, true],
    ['neither pattern nor schedule', { targets: [{ function: 'notify' }] }, false],
    ['both pattern and schedule', { pattern: {}, schedule: 'rate(1 day)', targets: [{ function: 'notify' }] }, false],
    ['no targets', { pattern: {}, targets: [] }, false],
    ['six targets', { pattern: {}, targets: Array(6).fill({ function: 'notify' }) }, false],
    ['a bad schedule', { schedule: 'at(2026-01-01T00:00:00)', targets: [{ function: 'notify' }] }, false],
    ['a bad bus name', { pattern: {}, bus: 'my bus', targets: [{ function: 'notify' }] }, false],
    ['a bad state', { pattern: {}, state: 'enabled', targets: [{ function: 'notify' }] }, false],
    ['a description over 512 chars', { pattern: {}, description: 'x'.repeat(513), targets: [{ function: 'notify' }] }, false],
    ['a test path that is not a string', { pattern: {}, targets: [{ function: 'notify' }], tests: { match: [1] } }, false],
    ['a select key with a space', { pattern: {}, targets: [{ function: 'notify', select: { 'a b': 'x' } }] }, false],
    ['notify without topic', { pattern: {}, targets: [{ function: 'notify', notify: { subject: 's' } }] }, false],
  ])('%s -> valid: %s', (_name, document, valid) => {
    // Act + Assess
    expect(validate(document)).toBe(valid);
  });
});
