import { compileFilter, testFilter } from '../../../src/runtime';
import { readEvent } from '../../fixtures/runtime/fixtures';

describe('Function: compileFilter', () => {
  it('passes every event when there is no filter', () => {
    // Act
    const filter = compileFilter(undefined);

    // Assess
    expect(filter.expression).toBeUndefined();
    expect(filter.test({})).toBe(true);
  });

  it('passes a successful DeleteTable and stops an AccessDenied one', () => {
    // Prepare
    const filter = compileFilter('detail.errorCode == null');

    // Act
    const ok = filter.test(readEvent('dynamodb-delete-table'));
    const denied = filter.test(readEvent('dynamodb-delete-table-access-denied'));

    // Assess
    expect(ok).toBe(true);
    expect(denied).toBe(false);
  });

  it.each([
    ['detail.missing', false],
    ['detail.requestParameters.tableName', true],
    ['detail.resources', true],
    ['detail.responseElements.tableDescription.itemCount', true], // 0 is truthy in JMESPath
    ["detail.eventName == 'CreateTable'", false],
    ["contains(detail.userIdentity.arn, 'alice')", true],
    ['`[]`', false],
    ['`{}`', false],
    ["''", false],
  ])('uses JMESPath truthiness: %s -> %s', (expression, expected) => {
    // Act
    const result = testFilter(expression, readEvent('dynamodb-delete-table'));

    // Assess
    expect(result).toBe(expected);
  });

  it('rejects an invalid expression at compile time with the pointer', () => {
    // Act
    const act = () => compileFilter('detail.errorCode = = null', '/rules/0/targets/0/filter');

    // Assess
    expect(act).toThrow(expect.objectContaining({ name: 'InvalidExpressionError', code: 'INVALID_EXPRESSION', pointer: '/rules/0/targets/0/filter' }));
  });

  it('reports a type error on an event as an evaluation error', () => {
    // Prepare
    const filter = compileFilter('length(detail.readOnly) > `0`');

    // Act
    const act = () => filter.test(readEvent('dynamodb-delete-table'));

    // Assess
    expect(act).toThrow(expect.objectContaining({ name: 'ExpressionEvaluationError', code: 'EXPRESSION_EVALUATION_FAILED' }));
  });
});
