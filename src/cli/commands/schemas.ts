/**
 * `patchbay schemas`: EventBridge schema registry files of the project.
 *
 * ```
 * patchbay schemas infer --source aws.iam [--detail-type "AWS API Call via CloudTrail"] [--out schemas/x.json]
 * patchbay schemas codegen [--out src/generated/events.ts] [--check]
 * patchbay schemas validate
 * ```
 * - `infer` writes a JSON Schema draft-04 inferred from the sample events under `events/` with that source (and
 *   detail-type) to `schemas/<source>@<detail-type slug>.json`.
 * - `codegen` writes TypeScript types for every schema under `schemas/` into one file; `--check` only compares
 *   (exit 1 when the file is missing or out of date, for CI).
 * - `validate` checks every sample event against the schema of its source and detail-type.
 *
 * Every subcommand takes `--root DIR` (default: the working directory). Exit status: 0 done, 1 `validate` found
 * issues or `codegen --check` found a stale file, 2 invalid input (no such samples, invalid schema files).
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-eventschemas-schema.html
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import {
  DEFAULT_CODEGEN_OUT,
  generateEventTypes,
  inferEventSchema,
  loadSampleEvents,
  loadSchemaFiles,
  SCHEMAS_DIR,
  SchemaError,
  validateSampleEvents,
} from '../../schemas';
import type { CliIo } from '../io';
import type { CliContext } from './types';

/** Exit codes of `patchbay schemas`. */
export const SchemasExit = { OK: 0, ISSUES: 1, INVALID: 2 } as const;

/** Options of `patchbay schemas infer`. */
export interface SchemasInferOptions {
  source: string;
  detailType?: string;
  /** Output file, relative to the root. @default schemas/<source>@<detail-type slug>.json */
  out?: string;
  root?: string;
}

/** Options of `patchbay schemas codegen`. */
export interface SchemasCodegenOptions {
  /** Output file, relative to the root. @default src/generated/events.ts */
  out?: string;
  /** Compare with the existing file instead of writing it. */
  check?: boolean;
  root?: string;
}

/** Options of `patchbay schemas validate`. */
export interface SchemasValidateOptions {
  root?: string;
}

/** Register `schemas` and its subcommands on `program`. */
export function registerSchemasCommand(program: Command, context: CliContext): void {
  const schemas = program.command('schemas').description('EventBridge schema registry: infer schemas, generate types, validate sample events');
  schemas
    .command('infer')
    .description('infer a JSON Schema (draft-04) from the sample events under events/ with a source (and detail-type)')
    .requiredOption('--source <source>', 'event source, e.g. aws.iam')
    .option('--detail-type <detailType>', 'event detail-type (needed when the samples of the source have several)')
    .option('--out <file>', 'output file (default: schemas/<source>@<detail-type slug>.json)')
    .option('--root <dir>', 'project root', '.')
    .action(async (options: SchemasInferOptions) => {
      context.exitCode = await runSchemasInfer(options, context.io);
    });
  schemas
    .command('codegen')
    .description('generate TypeScript types for every schema under schemas/ into one file')
    .option('--out <file>', 'output file', DEFAULT_CODEGEN_OUT)
    .option('--check', 'do not write: exit 1 when the file is missing or differs')
    .option('--root <dir>', 'project root', '.')
    .action(async (options: SchemasCodegenOptions) => {
      context.exitCode = await runSchemasCodegen(options, context.io);
    });
  schemas
    .command('validate')
    .description('check every sample event under events/ against the schema of its source and detail-type')
    .option('--root <dir>', 'project root', '.')
    .action(async (options: SchemasValidateOptions) => {
      context.exitCode = await runSchemasValidate(options, context.io);
    });
}

/**
 * Run `patchbay schemas infer`.
 * @returns the exit code (see {@link SchemasExit}).
 */
export async function runSchemasInfer(options: SchemasInferOptions, io: CliIo): Promise<number> {
  const rootDir = path.resolve(io.cwd, options.root ?? '.');
  try {
    const inferred = inferEventSchema(await loadSampleEvents(rootDir), {
      source: options.source,
      ...(options.detailType !== undefined ? { detailType: options.detailType } : {}),
    });
    const out = options.out ?? inferred.filePath;
    await writeFile(path.resolve(rootDir, out), inferred.text);
    const count = inferred.samples.length;
    io.stdout.write(
      `Wrote ${out}: ${inferred.source} / ${inferred.detailType} from ${count} sample event${count === 1 ? '' : 's'} (${inferred.samples.join(', ')})\n`,
    );
    if (!isUnder(rootDir, path.resolve(rootDir, out), SCHEMAS_DIR)) {
      io.stderr.write(`note: ${out} is outside ${SCHEMAS_DIR}/, so codegen, validate and deployments will not see it\n`);
    }
    return SchemasExit.OK;
  } catch (error) {
    return reportError(error, 'infer', io);
  }
}

/**
 * Run `patchbay schemas codegen`.
 * @returns the exit code (see {@link SchemasExit}).
 */
export async function runSchemasCodegen(options: SchemasCodegenOptions, io: CliIo): Promise<number> {
  const rootDir = path.resolve(io.cwd, options.root ?? '.');
  const out = options.out ?? DEFAULT_CODEGEN_OUT;
  try {
    const schemas = await loadSchemaFiles(rootDir);
    const code = await generateEventTypes(schemas);
    const target = path.resolve(rootDir, out);
    const summary = `${schemas.length} schema file${schemas.length === 1 ? '' : 's'}`;
    if (options.check) {
      const existing = await fs.readFile(target, 'utf8').catch(() => undefined);
      if (existing === code) {
        io.stdout.write(`${out} is up to date (${summary}).\n`);
        return SchemasExit.OK;
      }
      io.stderr.write(`patchbay schemas codegen: ${out} is ${existing === undefined ? 'missing' : 'out of date'}; run patchbay schemas codegen\n`);
      return SchemasExit.ISSUES;
    }
    await writeFile(target, code);
    io.stdout.write(`Wrote ${out}: types of ${summary}.\n`);
    return SchemasExit.OK;
  } catch (error) {
    return reportError(error, 'codegen', io);
  }
}

/**
 * Run `patchbay schemas validate`.
 * @returns the exit code (see {@link SchemasExit}).
 */
export async function runSchemasValidate(options: SchemasValidateOptions, io: CliIo): Promise<number> {
  const rootDir = path.resolve(io.cwd, options.root ?? '.');
  try {
    const issues = await validateSampleEvents(rootDir);
    for (const issue of issues) io.stdout.write(`${issue.message} [${issue.code}]\n`);
    io.stdout.write(`patchbay schemas validate: ${issues.length === 0 ? 'every sample event follows its schema' : `${issues.length} issue${issues.length === 1 ? '' : 's'}`}\n`);
    return issues.length ? SchemasExit.ISSUES : SchemasExit.OK;
  } catch (error) {
    return reportError(error, 'validate', io);
  }
}

function reportError(error: unknown, subcommand: string, io: CliIo): number {
  if (!(error instanceof SchemaError)) throw error;
  io.stderr.write(`patchbay schemas ${subcommand}: ${error.message} [${error.code}]\n`);
  return SchemasExit.INVALID;
}

async function writeFile(file: string, text: string): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, text);
}

function isUnder(rootDir: string, file: string, dir: string): boolean {
  const relative = path.relative(path.join(rootDir, dir), file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}
