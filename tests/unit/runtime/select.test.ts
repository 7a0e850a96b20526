import { compileSelect, escapePointerToken } from '../../../src/runtime/select';
import { selectFields } from '../../../src/runtime';
import { readEvent } from '../../fixtures/runtime/fixtures';

describe('Function: compileSelect', () => {
  it('evaluates named expressions in manifest order', () => {
    // Prepare
    const select = compileSelect({
      table: 'detail.requestParameters.tableName',
      actor: 'detail.userIdentity.arn',
      resources: 'detail.resources[*].ARN',
    });

    // Act
    const fields = select.evaluate(readEvent('dynamodb-delete-table'));

    // Assess
    expect(select.names).toEqual(['table', 'actor', 'resources']);
    expect(fields).toEqual({
      table: 'orders',
      actor: 'arn:aws:iam::123456789012:user/alice',
      resources: ['arn:aws:dynamodb:us-east-1:123456789012:table/orders'],
    });
    expect(Object.keys(fields)).toEqual(['table', 'actor', 'resources']);
  });

  it('gives null for a field the event lacks', () => {
    // Act
    const fields = selectFields({ error: 'detail.errorCode' }, readEvent('dynamodb-delete-table'));

    // Assess
    expect(fields).toEqual({ error: null });
  });

  it('selects nothing without a select', () => {
    // Act
    const fields = selectFields(undefined, readEvent('dynamodb-delete-table'));

    // Assess
    expect(fields).toEqual({});
  });

  it('points at the invalid entry by name (RFC 6901-escaped)', () => {
    // Act
    const act = () => compileSelect({ ok: 'detail', 'a/b~c': 'detail.[' }, '/rules/2/targets/0/select');

    // Assess
    expect(act).toThrow(
      expect.objectContaining({ name: 'InvalidExpressionError', code: 'INVALID_EXPRESSION', pointer: '/rules/2/targets/0/select/a~1b~0c' }),
    );
  });

  it('fails on an event where an expression has a type error', () => {
    // Prepare
    const select = compileSelect({ n: 'abs(detail.eventName)' }, '/rules/0/targets/0/select');

    // Act
    const act = () => select.evaluate(readEvent('dynamodb-delete-table'));

    // Assess
    expect(act).toThrow(expect.objectContaining({ code: 'EXPRESSION_EVALUATION_FAILED', pointer: '/rules/0/targets/0/select/n' }));
  });
});

describe('Function: escapePointerToken', () => {
  it('escapes ~ before /', () => {
    // Act
    const token = escapePointerToken('~1/');

    // Assess
    expect(token).toBe('~01~1');
  });
});
