/**
 * `patchbay athena --bucket B --accounts A[,A…] [--regions R,…] [--prefix P] [--organization-id O] [--since T]
 * [--until T] [--format sql|json] [--dialect athena|duckdb]`: the CloudTrail table DDL (Athena user guide, partition
 * projection) and, for every pattern rule of the default bus, the SQL that selects the records it would have
 * received (src/athena). Offline: it prints; it runs nothing.
 *
 * Exit 0, or 2 for an invalid catalog or option.
 */
import path from 'node:path';
import { Option, type Command } from 'commander';
import { cloudTrailTableDdl, ruleQuery, type Dialect } from '../../athena';
import { writeText, type CliIo } from '../io';
import { canonicalInstant } from '../time';
import { deploymentOptions, loadProject, loadProjectOrReport, withDeploymentOptions } from '../project';
import type { CliContext } from './types';

/** Options of `patchbay athena`. */
export interface AthenaCommandOptions {
  bucket?: string;
  prefix?: string;
  accounts?: string;
  regions?: string;
  organizationId?: string;
  since?: string;
  until?: string;
  format?: 'sql' | 'json';
  dialect?: Dialect;
  root?: string;
  stage?: string;
  region?: string;
  param?: string[];
}

/** Register the command on `program`. */
export function registerAthenaCommand(program: Command, context: CliContext): void {
  withDeploymentOptions(program.command('athena'))
    .description('print the Athena CloudTrail table (partition projection) and, per rule, the SQL selecting the records it would have received')
    .option('--bucket <name>', "the trail's S3 bucket (for the project's trail: the stack output of its bucket)")
    .option('--prefix <prefix>', 'key prefix before AWSLogs/')
    .option('--accounts <ids>', 'account ids whose logs the bucket holds, comma-separated')
    .option('--regions <list>', "Regions to project, comma-separated (default: the project's Region)")
    .option('--organization-id <id>', 'an organization trail: AWSLogs/<organization id>/<account>/…')
    .option('--since <time>', 'only records at or after this ISO 8601 time (prunes partitions)')
    .option('--until <time>', 'only records before this ISO 8601 time (prunes partitions)')
    .addOption(new Option('--format <format>', 'output').choices(['sql', 'json']).default('sql'))
    .addOption(new Option('--dialect <dialect>', 'SQL dialect').choices(['athena', 'duckdb']).default('athena'))
    .option('--root <dir>', 'project root (where serverless.yml is)', '.')
    .action(async (options: AthenaCommandOptions) => {
      context.exitCode = await runAthenaCommand(options, context.io);
    });
}

/**
 * Run `patchbay athena`.
 * @returns 0, or 2 for an invalid catalog or option (the message on stderr names it).
 */
export async function runAthenaCommand(options: AthenaCommandOptions, io: CliIo): Promise<number> {
  const fail = (message: string): number => {
    io.stderr.write(`patchbay athena: ${message}\n`);
    return 2;
  };
  if (!options.bucket || !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(options.bucket)) return fail(`--bucket ${JSON.stringify(options.bucket ?? '')}: the trail's S3 bucket name (3-63 lower-case letters, digits, dots, hyphens)`);
  const accounts = (options.accounts ?? '').split(',').map((a) => a.trim()).filter(Boolean);
  if (accounts.length === 0 || accounts.some((a) => !/^\d{12}$/.test(a))) return fail(`--accounts ${JSON.stringify(options.accounts ?? '')}: 12-digit account ids, comma-separated`);
  if (options.organizationId !== undefined && !/^o-[a-z0-9]{10,32}$/.test(options.organizationId)) return fail(`--organization-id ${JSON.stringify(options.organizationId)}: an organization id such as o-a1b2c3d4e5`);
  const window: { since?: string; until?: string } = {};
  for (const key of ['since', 'until'] as const) {
    if (options[key] === undefined) continue;
    const time = canonicalInstant(options[key]!);
    if (!time) return fail(`--${key} ${JSON.stringify(options[key])} is not an ISO 8601 time`);
    window[key] = time;
  }
  const project = await loadProjectOrReport(path.resolve(io.cwd, options.root ?? '.'), 'athena', io.stderr, (root) => loadProject(root, deploymentOptions(options)));
  if (!project) return 2;
  const regions = options.regions ? options.regions.split(',').map((r) => r.trim()).filter(Boolean) : [project.region];
  if (regions.some((r) => !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(r))) return fail(`--regions ${JSON.stringify(options.regions)}: Region codes such as us-east-1,eu-west-1`);
  const dialect = options.dialect ?? 'athena';
  const ddl = cloudTrailTableDdl({ bucket: options.bucket, ...(options.prefix ? { prefix: options.prefix.replace(/^\/+|\/+$/g, '') } : {}), accounts, regions, ...(options.organizationId ? { organizationId: options.organizationId } : {}) });
  const rules = project.catalog.rules.filter((rule) => rule.pattern && rule.bus === 'default');
  const queries = rules.map((rule) => ruleQuery({ name: rule.name, pattern: rule.pattern!, state: rule.state }, window, dialect));
  if (options.format === 'json') {
    await writeText(io.stdout, `${JSON.stringify({ ddl, queries }, null, 2)}\n`);
  } else {
    await writeText(io.stdout, [`${ddl}\n`, ...queries.map((q) => `${q.sql};\n`)].join('\n'));
  }
  return 0;
}
