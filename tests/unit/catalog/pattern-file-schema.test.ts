import Ajv from 'ajv';
import schema from '../../../schemas/pattern-file.schema.json';
import { structuralPatternFileSchema } from '../../../src/catalog/load-catalog';
import { loadConformanceCases } from '../../support/conformance';

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

  it('forbids unknown keys in every fixed-shape object (maps, such as an event pattern, say what their values are)', () => {
    // Act
    const open = propertySchemas(schema as SchemaNode, '')
      .concat([['', schema as SchemaNode]])
      .filter(([, child]) => child.type === 'object' && child.properties !== undefined && (child.additionalProperties === undefined || child.additionalProperties === true))
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

describe('Schema: the event-pattern language for editors (schemas/pattern-file.schema.json#/definitions/eventPattern)', () => {
  const ajv = new Ajv({ allErrors: true });
  ajv.addSchema(schema, 'pattern-file');
  const validate = ajv.getSchema('pattern-file#/definitions/eventPattern')!;
  const rule = (pattern: unknown) => ({ pattern, targets: [{ function: 'notify' }] });
  const validateFile = new Ajv({ allErrors: true }).compile(schema);

  it('accepts every object pattern EventBridge accepted in the recorded conformance cases (no false alarm in an editor)', () => {
    // Prepare
    const accepted = loadConformanceCases().filter((c) => (c.expected === 'match' || c.expected === 'no-match') && typeof c.pattern === 'object');

    // Act
    const flagged = accepted.filter((c) => !validate(c.pattern)).map((c) => c.id);

    // Assess
    expect(accepted.length).toBeGreaterThan(100);
    expect(flagged).toEqual([]);
  });

  it.each([
    ['a misspelt operator', { detail: { state: [{ prefx: 'run' }] } }],
    ['numeric with a non-number operand', { detail: { size: [{ numeric: ['>', 'x'] }] } }],
    ['numeric with an unknown comparison', { detail: { size: [{ numeric: ['=>', 1] }] } }],
    ['exists that is not a boolean', { detail: { state: [{ exists: 'yes' }] } }],
    ['an empty match list', { source: [] }],
    ['a bare value instead of a list', { source: 'aws.ec2' }],
    ['two operators in one object', { detail: { state: [{ prefix: 'a', suffix: 'b' }] } }],
    ['anything-but mixing strings and numbers', { detail: { state: [{ 'anything-but': ['a', 1] }] } }],
    ['$or with one alternative', { $or: [{ source: ['a'] }] }],
  ])('flags %s, as far as JSON Schema can', (_name, pattern) => {
    // Act + Assess
    expect(validate(pattern)).toBe(false);
    expect(validateFile(rule(pattern))).toBe(false);
  });

  it('is left to the engine when patchbay loads a file: the loader only requires pattern to be an object', () => {
    // Prepare
    const structural = new Ajv({ allErrors: true }).compile(structuralPatternFileSchema(schema));

    // Act + Assess: the engine answers with EventBridge's own message instead
    expect(structural(rule({ detail: { state: [{ prefx: 'run' }] } }))).toBe(true);
    expect(structural(rule('source'))).toBe(false);
  });
});
