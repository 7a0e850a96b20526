import middy from '@middy/core';
import { RuntimeError, inputValidator } from '../../../src/runtime';
import { lambdaContext, readEvent } from '../../fixtures/runtime/fixtures';

function handlerWith(options: Parameters<typeof inputValidator>[0], body: (event: unknown) => Promise<unknown> = async () => 'handled') {
  const inner = jest.fn(body);
  const handler = middy().use(inputValidator(options)).handler(inner);
  return { handler, inner };
}

describe('Function: inputValidator', () => {
  it.each([
    ['a delivered event', readEvent('delivered-dynamodb-delete-table')],
    ['a raw EventBridge event', readEvent('dynamodb-delete-table')],
  ])('lets %s through to the handler', async (_, event) => {
    // Prepare
    const { handler, inner } = handlerWith({});

    // Act
    const response = await handler(event, lambdaContext() as never);

    // Assess
    expect(response).toBe('handled');
    expect(inner).toHaveBeenCalledTimes(1);
  });

  it('stops an invalid input before the handler and logs its code and top-level keys, never its values', async () => {
    // Prepare
    const logger = { error: jest.fn() };
    const { handler, inner } = handlerWith({ logger });

    // Act
    const outcome = handler({ Records: [{ body: 'secret-value' }] }, lambdaContext() as never);

    // Assess
    await expect(outcome).rejects.toEqual(expect.objectContaining({ name: 'InvalidInputError', code: 'INVALID_INPUT' }));
    expect(inner).not.toHaveBeenCalled();
    expect(logger.error).toHaveBeenCalledWith('invocation failed', expect.objectContaining({ code: 'INVALID_INPUT', inputKeys: ['Records'] }));
    expect(JSON.stringify(logger.error.mock.calls[0]![1].inputKeys)).not.toContain('secret-value');
  });

  it("logs a runtime error of the handler with its code and does not swallow it", async () => {
    // Prepare
    const logger = { error: jest.fn() };
    const { handler } = handlerWith({ logger }, async () => {
      throw new RuntimeError('NOTIFY_FAILED', 'boom');
    });

    // Act
    const outcome = handler(readEvent('dynamodb-delete-table'), lambdaContext() as never);

    // Assess
    await expect(outcome).rejects.toEqual(expect.objectContaining({ code: 'NOTIFY_FAILED', message: 'boom' }));
    expect(logger.error).toHaveBeenCalledWith('invocation failed', expect.objectContaining({ code: 'NOTIFY_FAILED' }));
  });

  it('lets other errors through without logging them', async () => {
    // Prepare
    const logger = { error: jest.fn() };
    const { handler } = handlerWith({ logger }, async () => {
      throw new TypeError('bug');
    });

    // Act
    const outcome = handler(readEvent('dynamodb-delete-table'), lambdaContext() as never);

    // Assess
    await expect(outcome).rejects.toThrow(TypeError);
    expect(logger.error).not.toHaveBeenCalled();
  });

  it('fails fast on an unknown option', () => {
    // Act
    const act = () => inputValidator({ loger: console } as never);

    // Assess
    expect(act).toThrow(expect.objectContaining({ name: 'TypeError', message: 'inputValidator: unknown option "loger"' }));
  });
});
