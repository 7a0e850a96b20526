/**
 * Where the shared, read-only test material lives (`../shared` beside the repository; always there in CI).
 * Tests read it in place: conformance cases and the event corpus are never copied into the project.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

export const SHARED_DIR = process.env.PATCHBAY_SHARED_DIR ?? path.resolve(__dirname, '../../../shared');

/** Absolute path of a file under ../shared; throws a clear error when ../shared is missing. */
export function sharedPath(...parts: string[]): string {
  const full = path.join(SHARED_DIR, ...parts);
  if (!existsSync(full)) {
    throw new Error(`${full} not found: these tests need ../shared beside the repository (set PATCHBAY_SHARED_DIR to point elsewhere)`);
  }
  return full;
}
