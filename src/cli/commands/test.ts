/**
 * `patchbay test [--root DIR]`: validate serverless.yml and every pattern file, then run every rule's sample-event
 * tests (see ../rule-tests.ts for what "notified" means).
 *
 * Prints a table (rule, event, expected, pattern result, filter result, PASS/FAIL), an explanation per failure,
 * and `patchbay test: N passed, M failed`. Exit 0 when every test passes, 1 when one fails, 2 when the catalog is
 * invalid (every issue printed on stderr, one per line).
 */
import path from 'node:path';
import type { Command } from 'commander';
import { createCachedReadText } from '../../catalog/read-text';
import type { CliIo } from '../io';
import { checkProjectDeployment, deploymentOptions, loadProject, loadProjectOrReport, withDeploymentOptions, type DeploymentFlags } from '../project';
import { describeRuleTest, runRuleTests, summarizeRuleTests, type RuleTestResult } from '../rule-tests';
import { renderTable } from '../table';
import { SchemaError, validateSampleEvents, type SampleEventIssue } from '../../schemas';
import type { CliContext } from './types';

/** Options of `patchbay test`. */
export interface TestOptions extends DeploymentFlags {
  /** Project root. @default the working directory */
  root?: string;
}

/** Exit codes of `patchbay test`. */
export const TestExit = { PASSED: 0, FAILED: 1, INVALID_CATALOG: 2 } as const;

/** Register the command on `program`. */
export function registerTestCommand(program: Command, context: CliContext): void {
  withDeploymentOptions(program.command('test'))
    .description("validate every pattern file and run each rule's match / no-match sample events")
    .option('--root <dir>', 'project root (where serverless.yml is)', '.')
    .addHelpText('after', '\nExit status: 0 all tests pass, 1 a test fails, 2 invalid catalog.')
    .action(async (options: TestOptions) => {
      context.exitCode = await runTest(options, context.io);
    });
}

/**
 * Run `patchbay test`.
 * @returns the exit code (see {@link TestExit}).
 */
export async function runTest(options: TestOptions, io: CliIo): Promise<number> {
  const rootDir = path.resolve(io.cwd, options.root ?? '.');
  // Each sample event is read once, then shared by the catalog's check, the rule tests and the schema check.
  const readTestEvent = createCachedReadText();
  const project = await loadProjectOrReport(rootDir, 'test', io.stderr, (root) => loadProject(root, { readTestEvent, ...deploymentOptions(options) }));
  if (!project) return TestExit.INVALID_CATALOG;
  // What only the deployment shows (buses elsewhere, rule states, multi-hop forwarding, ...), as sls package checks it.
  const deployment = checkProjectDeployment(project);
  for (const issue of deployment) io.stderr.write(`${issue.message}\n`);
  if (deployment.some((issue) => issue.severity !== 'warning')) {
    io.stderr.write(`patchbay test: the catalog cannot be deployed to stage ${project.stage} in ${project.region} (see above)\n`);
    return TestExit.INVALID_CATALOG;
  }
  const results = await runRuleTests(project.catalog, project.rootDir, { readTestEvent });
  let schemaIssues: SampleEventIssue[];
  try {
    schemaIssues = await validateSampleEvents(project.rootDir, { readText: readTestEvent });
  } catch (error) {
    if (!(error instanceof SchemaError)) throw error;
    io.stderr.write(`patchbay test: ${error.message}\n`);
    return TestExit.INVALID_CATALOG;
  }
  io.stdout.write(formatRuleTestReport(results, schemaIssues));
  return summarizeRuleTests(results).failed > 0 || schemaIssues.length > 0 ? TestExit.FAILED : TestExit.PASSED;
}

/**
 * The report `patchbay test` prints: the table, one explanation line per failure, and the summary line.
 * @example formatRuleTestReport(results).split('\n').at(-2); // 'patchbay test: 38 passed, 0 failed'
 */
export function formatRuleTestReport(results: readonly RuleTestResult[], schemaIssues: readonly SampleEventIssue[] = []): string {
  const rows = results.map((result) => [
    result.rule,
    result.event,
    result.expected,
    result.pattern === undefined ? 'error' : String(result.pattern),
    formatFilterCell(result),
    result.passed ? 'PASS' : 'FAIL',
  ]);
  const failures = results.filter((result) => !result.passed);
  const { passed, failed } = summarizeRuleTests(results);
  return [
    results.length ? renderTable(['RULE', 'EVENT', 'EXPECTED', 'PATTERN', 'FILTER', 'RESULT'], rows) : 'No rule has sample-event tests.\n',
    ...(failures.length ? ['\nFailures:\n', ...failures.map((r) => `  ${r.rule} ${r.event} (${r.filePath}): ${describeRuleTest(r)}\n`)] : []),
    ...(schemaIssues.length
      ? ['\nSample events that do not follow their event schema:\n', ...schemaIssues.map((i) => `  ${i.message}\n`)]
      : []),
    `\npatchbay test: ${passed} passed, ${failed + schemaIssues.length} failed\n`,
  ].join('');
}

/**
 * The FILTER column: `-` when the pattern did not match (filters not evaluated), `no filter` when no target has
 * one, else the filter results (`true`/`false`; `id=value` per target when the rule has several).
 */
function formatFilterCell(result: RuleTestResult): string {
  if (result.targets.length === 0) return '-';
  if (result.targets.every((t) => t.filter === undefined)) return 'no filter';
  const value = (t: (typeof result.targets)[number]): string => (t.filter === undefined ? 'no filter' : String(t.notified));
  return result.targets.length === 1 ? value(result.targets[0]) : result.targets.map((t) => `${t.target}=${value(t)}`).join(' ');
}
