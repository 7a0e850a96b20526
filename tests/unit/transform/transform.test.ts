/**
 * The input transformer engine beyond the 41 AWS-recorded cases (tests/integration/transform-conformance.test.ts):
 * PutTargets' refusals, the JSON path subset, and the quoting rules on values the recordings do not cover.
 */
import { checkJsonSyntax, parseJsonPath, readJsonPath, templatePlaceholders, transformInput, validateTargetInput } from '../../../src/transform';

const event = {
  version: '0', id: 'e-1', 'detail-type': 'T', source: 's', account: '111122223333', time: '2026-01-01T00:00:00Z', region: 'eu-west-1', resources: ['arn:r'],
  detail: { name: 'a "quoted" name', n: 1.5, ok: false, none: null, list: [{ id: 'x' }, { id: 'y' }], obj: { k: 'v' } },
};

describe('Function: validateTargetInput', () => {
  it.each([
    [{ Input: '{"a":1}', InputPath: '$.detail' }, 'Only one of Input, InputPath, or InputTransformer must be provided for target t1.'],
    [{ Input: 'env:dev' }, 'JSON syntax error in input for target t1: [Source: (String)"env:dev"; line: 1, column: 4]'],
    [{ InputPath: 'detail' }, 'InputPath for target t1 is invalid.'],
    [{ InputPath: "$.detail['name']" }, 'InputPath for target t1 is invalid.'],
    [{ InputPath: '$..name' }, 'InputPath for target t1 is invalid.'],
    [{ InputTransformer: { InputPathsMap: { a: '$.' }, InputTemplate: '"<a>"' } }, 'InputPath for target t1 is invalid.'],
    [{ InputTransformer: { InputTemplate: '"<b>"' } }, 'InputTemplate for target t1 contains invalid placeholder b.'],
    [{ InputTransformer: { InputTemplate: '"<aws.events.event.json> inline"' } }, 'InputTemplate for target t1 contains placeholder aws.events.event.json valid only for JSON template.'],
    [{ InputTransformer: { InputTemplate: '[<aws.events.event.json>]' } }, 'InputTemplate for target t1 contains placeholder aws.events.event.json valid only for JSON template.'],
    [{ InputTransformer: { InputPathsMap: { a: '$.detail' }, InputTemplate: '{"a": <a>' } }, 'Invalid InputTemplate for target t1: unexpected end of input: the object is not closed.'],
    [{ InputTransformer: { InputPathsMap: { a: '$.detail' }, InputTemplate: '{<a>: 1}' } }, 'Invalid InputTemplate for target t1: unexpected character: an object key (a string) was expected.'],
  ])('refuses %j', (input, message) => {
    // Act / Assess
    expect(validateTargetInput(input, 't1')).toBe(message);
  });

  it.each([
    [{}],
    [{ Input: '"hello"' }],
    [{ InputPath: '$' }],
    [{ InputPath: '$.detail.list[0].id' }],
    [{ InputTransformer: { InputPathsMap: { a: '$.detail.list[*].id', b: '$.detail.*' }, InputTemplate: '<a> and <b>' } }],
    [{ InputTransformer: { InputTemplate: '{"e": <aws.events.event.json>, "s": "<aws.events.rule-name> at <aws.events.event.ingestion-time>"}' } }],
  ])('accepts %j', (input) => {
    // Act / Assess
    expect(validateTargetInput(input, 't1')).toBeUndefined();
  });

  it('refuses more than 100 paths and keys outside [A-Za-z0-9_-] with the request model\'s message', () => {
    // Prepare
    const many = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`k${i}`, '$.detail']));

    // Act / Assess
    expect(validateTargetInput({ InputTransformer: { InputPathsMap: many, InputTemplate: '"x"' } }, 't1')).toMatch(/^1 validation error detected: /);
    expect(validateTargetInput({ InputTransformer: { InputPathsMap: { 'a.b': '$.detail' }, InputTemplate: '"x"' } }, 't1')).toMatch(/^1 validation error detected: .*regular expression pattern/);
  });
});

describe('Function: transformInput', () => {
  it('inserts a bare string escaped as JSON, and a string inside a JSON string raw, which breaks it: nothing is delivered', () => {
    // Act
    const bare = transformInput(event, { InputTransformer: { InputPathsMap: { n: '$.detail.name' }, InputTemplate: '{ "n" : <n> }' } });
    const inString = transformInput(event, { InputTransformer: { InputPathsMap: { n: '$.detail.name' }, InputTemplate: '{"n": "<n>"}' } });

    // Assess
    expect(bare).toEqual({ delivered: true, text: '{"n":"a \\"quoted\\" name"}' });
    expect(inString.delivered).toBe(false);
  });

  it('renders numbers, booleans and null as JSON, in string and JSON templates, and minifies JSON templates only', () => {
    // Prepare
    const map = { n: '$.detail.n', ok: '$.detail.ok', none: '$.detail.none' };

    // Act / Assess
    expect(transformInput(event, { InputTransformer: { InputPathsMap: map, InputTemplate: '"<n> <ok> <none>"' } })).toEqual({ delivered: true, text: '"1.5 false null"' });
    expect(transformInput(event, { InputTransformer: { InputPathsMap: map, InputTemplate: '{ "v": [ <n>, <ok>, <none> ] }' } })).toEqual({ delivered: true, text: '{"v":[1.5,false,null]}' });
    expect(transformInput(event, { InputTransformer: { InputPathsMap: map, InputTemplate: 'n is  <n>\n"ok"' } })).toEqual({ delivered: true, text: 'n is  1.5\n"ok"' });
  });

  it('reads array indices and wildcards', () => {
    // Act / Assess
    expect(transformInput(event, { InputPath: '$.detail.list[1].id' })).toEqual({ delivered: true, text: '"y"' });
    expect(transformInput(event, { InputPath: '$.detail.list[*].id' })).toEqual({ delivered: true, text: '["x","y"]' });
    expect(transformInput(event, { InputTransformer: { InputPathsMap: { ids: '$.detail.list[*].id' }, InputTemplate: '"ids <ids>"' } })).toEqual({ delivered: true, text: '"ids [x,y]"' });
  });

  it('derives the rule ARN from the bus and rule name, and the ingestion time from the event time, when no context gives them', () => {
    // Act
    const outcome = transformInput(event, { InputTransformer: { InputTemplate: '"<aws.events.rule-arn> <aws.events.event.ingestion-time>"' } }, { 'rule-name': 'r', 'event-bus-name': 'central' });

    // Assess
    expect(outcome).toEqual({ delivered: true, text: '"arn:aws:events:eu-west-1:111122223333:rule/central/r 2026-01-01T00:00:00Z"' });
  });

  it('delivers nothing for an InputPath the event does not have, the whole event without input configuration', () => {
    // Act / Assess
    expect(transformInput(event, { InputPath: '$.detail.missing' }).delivered).toBe(false);
    expect(transformInput(event, {})).toEqual({ delivered: true, text: JSON.stringify(event) });
  });
});

describe('Function: parseJsonPath / readJsonPath / templatePlaceholders / checkJsonSyntax', () => {
  it('parses the subset and reads like Jayway JsonPath', () => {
    // Act / Assess
    expect(parseJsonPath('$.a/b.c-d[0]')).toEqual([{ kind: 'property', name: 'a/b' }, { kind: 'property', name: 'c-d' }, { kind: 'index', index: 0 }]);
    expect(readJsonPath({ a: [1, 2] }, parseJsonPath('$.a[-1]')!)).toEqual({ found: true, value: 2 });
    expect(readJsonPath({ a: [1, 2] }, parseJsonPath('$.a.b')!)).toEqual({ found: false });
    expect(parseJsonPath('$.a[0:2]')).toBeUndefined();
  });

  it('tells placeholders inside JSON strings from bare ones, escaped quotes included', () => {
    // Act
    const found = templatePlaceholders('{"a": "x \\"<p>\\"", "b": <q>}');

    // Assess
    expect(found.map((p) => [p.name, p.inString])).toEqual([['p', true], ['q', false]]);
  });

  it('locates syntax errors by line and column', () => {
    // Act / Assess
    expect(checkJsonSyntax('{\n "a": tru }')).toEqual({ reason: 'unexpected character: a JSON value was expected', line: 2, column: 10 });
    expect(checkJsonSyntax(' [1, {"a": "\\u00e9"}] ')).toBeUndefined();
  });
});
