/** A CliIo for command tests: buffered stdout/stderr (read back with `out()` / `err()`), a given stdin and cwd. */
import { Readable } from 'node:stream';
import { bufferSink, type CliIo } from '../../src/cli/io';

/**
 * @param cwd - the command's working directory. @default process.cwd()
 * @param stdin - what the command reads, as chunks. @default nothing
 * @example const io = testIo(root); await runTest({}, io); io.out(); // the report
 */
export function testIo(cwd: string = process.cwd(), stdin: string[] = []): CliIo & { out: () => string; err: () => string } {
  const stdout = bufferSink();
  const stderr = bufferSink();
  return { cwd, env: {}, stdin: Readable.from(stdin), stdout, stderr, out: () => stdout.text(), err: () => stderr.text() };
}
