import { PassThrough } from 'node:stream';
import { streamSink, writeText } from '../../../src/cli/io';

describe('Function: streamSink', () => {
  it('drops text after EPIPE and releases a writer waiting for drain', async () => {
    // Prepare
    const stream = new PassThrough({ highWaterMark: 1 });
    const sink = streamSink(stream);
    const pending = writeText(sink, 'more than one byte'); // nobody reads: waits for drain

    // Act
    stream.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));

    // Assess
    await expect(pending).resolves.toBeUndefined();
    expect(sink.write('after the reader left')).toBe(true);
  });

  it('passes other stream errors on', () => {
    // Prepare
    const stream = new PassThrough();
    streamSink(stream);

    // Act / Assess
    expect(() => stream.emit('error', Object.assign(new Error('boom'), { code: 'EIO' }))).toThrow('boom');
  });
});
