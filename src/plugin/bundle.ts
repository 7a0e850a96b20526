/**
 * Bundle one function: esbuild its handler into `.serverless/build/<function>/` (CommonJS, so `invoke local`
 * can `require` it), write `patchbay-manifest.json` next to the bundled handler file, and zip that folder as the
 * function's deployment artifact. Only the bundle and the manifest go into the artifact.
 */
import { createWriteStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { ZipFile } from 'yazl';
import type { RoutingManifest } from '../runtime/manifest';

/** Name of the manifest file, next to the bundled handler (DESIGN.md, runtime contract). */
export const MANIFEST_FILE_NAME = 'patchbay-manifest.json';

/** Handler source extensions, in the order they are looked for. */
const HANDLER_EXTENSIONS = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'];

/** Options of {@link bundleFunction}. */
export interface BundleFunctionOptions {
  /** The service directory. */
  serviceDir: string;
  /** serverless.yml function key. */
  functionKey: string;
  /** The function's handler string, e.g. `handlers/notify.handler`. */
  handler: string;
  /** The Lambda runtime, e.g. `nodejs22.x`: sets esbuild's target (`node22`). */
  runtime: string;
  manifest: RoutingManifest;
  /** Also write `.serverless/<function>.zip`. @default true */
  zip?: boolean;
}

/** Where a bundle went. */
export interface BundleResult {
  /** Absolute `.serverless/build/<function>` directory; the handler string resolves inside it. */
  buildDir: string;
  /** Absolute path of the bundled handler file (`<buildDir>/handlers/notify.js`). */
  handlerFile: string;
  /** Absolute path of the manifest. */
  manifestFile: string;
  /** Absolute path of `.serverless/<function>.zip`, when zipped. */
  artifact?: string;
}

/** A handler that cannot be bundled; `code` is a stable Serverless error code. */
export class BundleError extends Error {
  readonly code: 'PATCHBAY_HANDLER_NOT_FOUND' | 'PATCHBAY_BUNDLE_FAILED';
  constructor(code: BundleError['code'], message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BundleError';
    this.code = code;
  }
}

/**
 * Bundle a function's handler with esbuild (platform node, CommonJS, `@aws-sdk/*` external: the Node.js Lambda
 * runtimes ship SDK v3), write its manifest, and zip both (entries sorted, fixed timestamps: the same input
 * gives the same zip, so an unchanged function is not redeployed).
 *
 * @throws BundleError `PATCHBAY_HANDLER_NOT_FOUND` when no `<handler path>.{ts,mts,cts,js,mjs,cjs}` exists,
 *   `PATCHBAY_BUNDLE_FAILED` with esbuild's messages when the build fails.
 * @example
 * await bundleFunction({ serviceDir, functionKey: 'notify', handler: 'handlers/notify.handler', runtime: 'nodejs22.x', manifest });
 * // { buildDir: '<svc>/.serverless/build/notify', handlerFile: '<svc>/.serverless/build/notify/handlers/notify.js',
 * //   manifestFile: '<svc>/.serverless/build/notify/handlers/patchbay-manifest.json', artifact: '<svc>/.serverless/notify.zip' }
 */
export async function bundleFunction(options: BundleFunctionOptions): Promise<BundleResult> {
  const { serviceDir, functionKey, handler } = options;
  const modulePath = handler.slice(0, handler.lastIndexOf('.'));
  const entry = await findHandlerSource(serviceDir, modulePath);
  if (!entry) {
    throw new BundleError(
      'PATCHBAY_HANDLER_NOT_FOUND',
      `Handler "${handler}" of function "${functionKey}": no ${modulePath}{${HANDLER_EXTENSIONS.join(',')}} in ${serviceDir}`,
    );
  }

  const buildDir = path.join(serviceDir, '.serverless', 'build', functionKey);
  await fs.rm(buildDir, { recursive: true, force: true });
  const handlerFile = path.join(buildDir, `${modulePath}.js`);
  try {
    await build({
      entryPoints: [entry],
      outfile: handlerFile,
      absWorkingDir: serviceDir,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: esbuildTarget(options.runtime),
      external: ['@aws-sdk/*'],
      // Less to read and parse at every cold start; names kept, since errors and logs carry class names.
      minify: true,
      keepNames: true,
      sourcemap: false,
      logLevel: 'silent',
    });
  } catch (error) {
    const errors = (error as { errors?: { text: string; location?: { file: string; line: number; column: number } | null }[] }).errors ?? [];
    const details = errors.map((item) => (item.location ? `${item.location.file}:${item.location.line}:${item.location.column}: ${item.text}` : item.text));
    throw new BundleError(
      'PATCHBAY_BUNDLE_FAILED',
      `Bundling function "${functionKey}" (${path.relative(serviceDir, entry)}) failed:\n  ${details.join('\n  ') || String(error)}`,
      { cause: error },
    );
  }

  const manifestFile = path.join(path.dirname(handlerFile), MANIFEST_FILE_NAME);
  await fs.writeFile(manifestFile, `${JSON.stringify(options.manifest, null, 2)}\n`);

  const result: BundleResult = { buildDir, handlerFile, manifestFile };
  if (options.zip ?? true) {
    result.artifact = path.join(serviceDir, '.serverless', `${functionKey}.zip`);
    await zipDirectory(buildDir, result.artifact);
  }
  return result;
}

/** `nodejs22.x` -> `node22`; anything else -> `node22` (the provider runtime this project uses). */
export function esbuildTarget(runtime: string): string {
  const match = /^nodejs(\d+)\.x$/.exec(runtime);
  return `node${match ? match[1] : '22'}`;
}

async function findHandlerSource(serviceDir: string, modulePath: string): Promise<string | undefined> {
  for (const extension of HANDLER_EXTENSIONS) {
    const candidate = path.join(serviceDir, `${modulePath}${extension}`);
    try {
      if ((await fs.stat(candidate)).isFile()) return candidate;
    } catch {
      // try the next extension
    }
  }
  return undefined;
}

/** Zip every file under `dir` (paths relative to it), sorted, with a fixed timestamp and mode 0644. */
export async function zipDirectory(dir: string, zipPath: string): Promise<void> {
  const entries = (await fs.readdir(dir, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
  await fs.mkdir(path.dirname(zipPath), { recursive: true });
  const zip = new ZipFile();
  const mtime = new Date('1980-01-01T00:00:00Z');
  for (const file of entries) {
    zip.addFile(file, path.relative(dir, file).split(path.sep).join('/'), { mtime, mode: 0o100644 });
  }
  zip.end();
  await new Promise<void>((resolve, reject) => {
    const output = createWriteStream(zipPath);
    output.on('close', () => resolve());
    output.on('error', reject);
    zip.outputStream.on('error', reject);
    zip.outputStream.pipe(output);
  });
}
