import { compileExpression, isJmesPathTruthy } from '../../../src/runtime';
import { readEvent } from '../../fixtures/runtime/fixtures';

describe('Function: compileExpression', () => {
  it('evaluates a field path over a CloudTrail event', () => {
    // Prepare
    const event = readEvent('dynamodb-delete-table');

    // Act
    const table = compileExpression('detail.requestParameters.tableName').evaluate(event);

    // Assess
    expect(table).toBe('orders');
  });

  it('gives null for a missing field', () => {
    // Act
    const value = compileExpression('detail.errorCode').evaluate(readEvent('dynamodb-delete-table'));

    // Assess
    expect(value).toBeNull();
  });

  it("offers Powertools' extra functions", () => {
    // Act
    const user = compileExpression('powertools_json(payload).user').evaluate({ payload: '{"user":"alice"}' });

    // Assess
    expect(user).toBe('alice');
  });

  it.each([
    ['a syntax error', 'detail.[', 8],
    ['an unknown token', 'detail ~ x', 7],
    ['an empty expression', '', 0],
  ])('rejects %s with its position', (_, expression, position) => {
    // Act
    const act = () => compileExpression(expression, '/rules/0/targets/0/filter');

    // Assess
    expect(act).toThrow(
      expect.objectContaining({
        name: 'InvalidExpressionError',
        code: 'INVALID_EXPRESSION',
        expression,
        pointer: '/rules/0/targets/0/filter',
        position,
      }),
    );
  });

  it.each([
    ['an unknown function', 'nope(detail)'],
    ['a wrong argument count', 'length()'],
    ['a wrong variadic argument count', 'not_null()'],
  ])('rejects %s at compile time', (_, expression) => {
    // Act
    const act = () => compileExpression(expression);

    // Assess
    expect(act).toThrow(expect.objectContaining({ name: 'InvalidExpressionError', code: 'INVALID_EXPRESSION', expression }));
  });

  it('rejects a non-string expression', () => {
    // Act
    const act = () => compileExpression(42 as unknown as string, '/rules/0/targets/0/select/x');

    // Assess
    expect(act).toThrow(expect.objectContaining({ code: 'INVALID_EXPRESSION', pointer: '/rules/0/targets/0/select/x' }));
  });

  it('accepts an expression that only fails on some data, and reports that failure per event', () => {
    // Prepare
    const length = compileExpression('length(detail.count)', '/rules/1/targets/0/filter');

    // Act
    const act = () => length.evaluate({ detail: { count: 3 } });

    // Assess
    expect(length.evaluate({ detail: { count: 'abc' } })).toBe(3);
    expect(act).toThrow(
      expect.objectContaining({
        name: 'ExpressionEvaluationError',
        code: 'EXPRESSION_EVALUATION_FAILED',
        expression: 'length(detail.count)',
        pointer: '/rules/1/targets/0/filter',
        cause: expect.objectContaining({ name: 'JMESPathTypeError' }),
      }),
    );
  });

  it('reports an unknown function hidden in a projection as invalid when it is reached', () => {
    // Prepare
    const hidden = compileExpression('items[*].nope(@)');

    // Act
    const act = () => hidden.evaluate({ items: [1] });

    // Assess
    expect(act).toThrow(expect.objectContaining({ name: 'InvalidExpressionError', code: 'INVALID_EXPRESSION' }));
  });

  it('quotes the expression once in its message, without JMESPath\'s own suffix', () => {
    // Act
    const act = () => compileExpression('detail.[');

    // Assess
    expect(act).toThrow('Invalid JMESPath expression "detail.[": Invalid jmespath expression: parse error at column 8, found unexpected end of expression (EOF)');
  });
});

describe('Function: isJmesPathTruthy', () => {
  it.each([
    [null, false],
    [false, false],
    ['', false],
    [[], false],
    [{}, false],
    [undefined, false],
    [0, true],
    [-1, true],
    ['false', true],
    [[0], true],
    [{ a: null }, true],
    [true, true],
  ])('%j is %s', (value, expected) => {
    // Act
    const truthy = isJmesPathTruthy(value);

    // Assess
    expect(truthy).toBe(expected);
  });
});
