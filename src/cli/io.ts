/**
 * The command line's view of the process: where it writes, what it reads, where it runs. Commands take a
 * {@link CliIo} instead of touching `process`, so tests run them in-process with string buffers.
 */
import type { Readable } from 'node:stream';

/** A text sink: `process.stdout`, `process.stderr`, or a buffer in tests. */
export interface TextSink {
  /** Write text; returns false when the caller should wait for `drain` (streams only). */
  write(text: string): boolean;
  /** Present on streams: wait for `drain` before writing more. */
  once?(event: 'drain', listener: () => void): unknown;
  /** True when the sink is a terminal (colour and progress bars are for terminals only). */
  isTTY?: boolean;
}

/** Everything a command may use of its process. */
export interface CliIo {
  stdout: TextSink;
  stderr: TextSink;
  stdin: Readable;
  /** Directory relative paths are resolved against. */
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** The real process's streams, directory and environment. */
export function processIo(): CliIo {
  return { stdout: streamSink(process.stdout), stderr: streamSink(process.stderr), stdin: process.stdin, cwd: process.cwd(), env: process.env };
}

/**
 * A sink over a writable stream that survives its reader going away (`patchbay route | head`): after an `EPIPE`
 * further text is dropped instead of crashing the process or waiting forever for `drain`, so commands still
 * finish and close their servers.
 */
export function streamSink(stream: NodeJS.WritableStream): TextSink {
  let closed = false;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    closed = true;
    stream.emit('drain');
  });
  return {
    write: (text) => (closed ? true : stream.write(text)),
    once: (event, listener) => stream.once(event, listener),
    isTTY: (stream as NodeJS.WriteStream).isTTY === true,
  };
}

/**
 * Write `text`, waiting for `drain` when the sink asks for it (so writing thousands of lines keeps memory flat).
 * @example await writeText(io.stdout, '{"result":true}\n');
 */
export async function writeText(sink: TextSink, text: string): Promise<void> {
  if (!sink.write(text) && sink.once) {
    await new Promise<void>((resolve) => sink.once!('drain', resolve));
  }
}

/**
 * A {@link TextSink} that keeps what is written, for tests and for commands that build output first.
 * @example const out = bufferSink(); out.write('x'); out.text(); // 'x'
 */
export function bufferSink(): TextSink & { text(): string } {
  const chunks: string[] = [];
  return {
    write(text: string): boolean {
      chunks.push(text);
      return true;
    },
    text: () => chunks.join(''),
  };
}
