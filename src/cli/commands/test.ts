/**
 * `patchbay test [--root DIR] [--strict] [--json]`: validate serverless.yml and every pattern file, run every rule's
 * sample-event tests (see ../rule-tests.ts for what "notified" means), then the catalog checks (../catalog-checks.ts).
 *
 * Prints a table (rule, event, expected, pattern result, filter result, PASS/FAIL), an explanation per failure, the
 * warnings (`file:line:column: warning: pointer: message [CODE]`), and `patchbay test: N passed, M failed[, W warnings]`.
 * Exit 0 when every test passes, 1 when one fails (or, with `--strict`, when there is a warning), 2 when the catalog
 * is invalid (every issue printed on stderr, one per line; with `--json`, also as `{"errors": [...]}` on stdout).
 */
import path from 'node:path';
import { Option, type Command } from 'commander';
import { createCachedReadText } from '../../catalog/read-text';
import type { CliIo } from '../io';
import { formatGithubAnnotation, type Annotation } from '../annotations';
import { CatalogError, type CatalogIssue } from '../../catalog';
import { checkCatalog } from '../catalog-checks';
import { painter, type Style } from '../colour';
import { checkProjectDeployment, deploymentOptions, formatCatalogError, loadProject, withDeploymentOptions, type DeploymentFlags } from '../project';
import { describeRuleTest, runRuleTests, summarizeRuleTests, type RuleTestResult } from '../rule-tests';
import { renderTable } from '../table';
import { SchemaError, validateSampleEvents, type SampleEventIssue } from '../../schemas';
import type { CliContext } from './types';

/** Options of `patchbay test`. */
export interface TestOptions extends DeploymentFlags {
  /** Project root. @default the working directory */
  root?: string;
  /** Fail (exit 1) on warnings too. */
  strict?: boolean;
  /** Print one JSON document ({@link TestReportJson}) instead of the table. */
  json?: boolean;
  /** `github`: also print a GitHub Actions annotation per problem, failure and warning (on stderr with `--json`). */
  annotations?: string;
}

/**
 * What `patchbay test --json` prints: stable for tools.
 * @example
 * { "passed": 37, "failed": 1, "warnings": [{ "code": "SELECT_ALWAYS_NULL", "filePath": "patterns/ec2/stopped.yml",
 *     "pointer": "/targets/0/select/instance", "line": 9, "column": 17, "severity": "warning", "message": "…" }], "suppressedWarnings": 0,
 *   "results": [{ "rule": "ec2-stopped", "filePath": "patterns/ec2/stopped.yml", "event": "events/ec2/stopped.json",
 *     "expected": "match", "pattern": true, "notified": true, "passed": true, "targets": [...] }],
 *   "schemaIssues": [] }
 */
export interface TestReportJson {
  passed: number;
  failed: number;
  warnings: CatalogIssue<string>[];
  /** Warnings left out because their code is in `custom.patchbay.suppressWarnings`. */
  suppressedWarnings: number;
  /** Pattern files left out by `custom.patchbay.rules` (not tested, not deployed). */
  disabledRules: string[];
  results: RuleTestResult[];
  schemaIssues: SampleEventIssue[];
}

/** Exit codes of `patchbay test`. */
export const TestExit = { PASSED: 0, FAILED: 1, INVALID_CATALOG: 2 } as const;

/** Register the command on `program`. */
export function registerTestCommand(program: Command, context: CliContext): void {
  withDeploymentOptions(program.command('test'))
    .description("validate every pattern file and run each rule's match / no-match sample events")
    .option('--root <dir>', 'project root (where serverless.yml is)', '.')
    .option('--strict', 'fail on warnings too')
    .option('--json', 'print one JSON document (results, warnings) instead of the table')
    .addOption(new Option('--annotations <format>', 'also annotate every problem, failure and warning for CI').choices(['github']))
    .addHelpText('after', '\nExit status: 0 all tests pass, 1 a test fails (or a warning, with --strict), 2 invalid catalog.')
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
  let project: Awaited<ReturnType<typeof loadProject>>;
  try {
    project = await loadProject(rootDir, { readTestEvent, ...deploymentOptions(options) });
  } catch (error) {
    if (!(error instanceof CatalogError)) throw error;
    io.stderr.write(formatCatalogError(error, 'test'));
    annotate(options, io, error.issues.map((issue) => issueAnnotation(issue)));
    if (options.json) io.stdout.write(`${JSON.stringify({ errors: error.issues }, null, 2)}
`);
    return TestExit.INVALID_CATALOG;
  }
  // What only the deployment shows (buses elsewhere, rule states, multi-hop forwarding, ...), as sls package checks it:
  // errors stop the run like an invalid catalog; warnings join the catalog warnings below.
  const deployment = checkProjectDeployment(project);
  const deploymentErrors = deployment.filter((issue) => issue.severity !== 'warning');
  if (deploymentErrors.length) {
    for (const issue of deploymentErrors) io.stderr.write(`${issue.message}
`);
    annotate(options, io, deploymentErrors.map((issue) => issueAnnotation(issue)));
    io.stderr.write(`patchbay test: the catalog cannot be deployed to stage ${project.stage} in ${project.region} (see above)
`);
    if (options.json) io.stdout.write(`${JSON.stringify({ errors: deploymentErrors }, null, 2)}
`);
    return TestExit.INVALID_CATALOG;
  }
  const results = await runRuleTests(project.catalog, project.rootDir, { readTestEvent });
  const suppressed = new Set(project.catalog.config.suppressWarnings ?? []);
  const allWarnings: CatalogIssue<string>[] = [
    ...deployment.filter((issue) => issue.severity === 'warning'),
    ...(await checkCatalog(project.catalog, project.rootDir, { readTestEvent })),
  ];
  const warnings = allWarnings.filter((issue) => !suppressed.has(issue.code));
  const suppressedCount = allWarnings.length - warnings.length;
  let schemaIssues: SampleEventIssue[];
  try {
    schemaIssues = await validateSampleEvents(project.rootDir, { readText: readTestEvent });
  } catch (error) {
    if (!(error instanceof SchemaError)) throw error;
    io.stderr.write(`patchbay test: ${error.message}\n`);
    return TestExit.INVALID_CATALOG;
  }
  const { passed, failed } = summarizeRuleTests(results);
  annotate(options, io, [
    ...results.filter((r) => !r.passed).map((r) => testAnnotation(r, project.catalog)),
    ...schemaIssues.map((issue): Annotation => ({ level: 'error', file: issue.filePath, title: issue.code, message: issue.message })),
    ...warnings.map((issue) => issueAnnotation(issue, 'warning')),
  ]);
  if (options.json) {
    const report: TestReportJson = { passed, failed: failed + schemaIssues.length, warnings, suppressedWarnings: suppressedCount, disabledRules: project.catalog.disabled ?? [], results, schemaIssues };
    io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else io.stdout.write(formatRuleTestReport(results, schemaIssues, warnings, painter(io.stdout, io.env), suppressedCount, project.catalog.disabled?.length ?? 0));
  const failing = failed > 0 || schemaIssues.length > 0 || (options.strict === true && warnings.length > 0);
  return failing ? TestExit.FAILED : TestExit.PASSED;
}

/**
 * The report `patchbay test` prints: the table, one explanation line per failure, and the summary line.
 * @example formatRuleTestReport(results).split('\n').at(-2); // 'patchbay test: 38 passed, 0 failed'
 */
export function formatRuleTestReport(
  results: readonly RuleTestResult[],
  schemaIssues: readonly SampleEventIssue[] = [],
  warnings: readonly CatalogIssue<string>[] = [],
  paint: (style: Style, text: string) => string = (_style, text) => text,
  suppressedCount = 0,
  disabledCount = 0,
): string {
  const rows = results.map((result) => [
    result.rule,
    result.event,
    result.expected,
    result.fires ? 'schedule' : result.pattern === undefined ? 'error' : String(result.pattern),
    result.fires ? '-' : formatFilterCell(result),
    result.passed ? 'PASS' : 'FAIL',
  ]);
  const failures = results.filter((result) => !result.passed);
  const { passed, failed } = summarizeRuleTests(results);
  // RESULT is the last column, so colouring it after the table is laid out keeps the columns aligned.
  const table = results.length
    ? renderTable(['RULE', 'EVENT', 'EXPECTED', 'PATTERN', 'FILTER', 'RESULT'], rows).replace(/ (PASS|FAIL)$/gm, (_, word: string) => ` ${paint(word === 'PASS' ? 'green' : 'red', word)}`)
    : 'No rule has sample-event tests.\n';
  const failedCount = failed + schemaIssues.length;
  const summary =
    `patchbay test: ${passed} passed, ${failedCount} failed` +
    (warnings.length ? `, ${warnings.length} warning${warnings.length === 1 ? '' : 's'}` : '') +
    (suppressedCount ? `, ${suppressedCount} suppressed (custom.patchbay.suppressWarnings)` : '') +
    (disabledCount ? `; ${disabledCount} rule${disabledCount === 1 ? '' : 's'} left out by custom.patchbay.rules` : '');
  return [
    table,
    ...(failures.length ? [`\n${paint('red', 'Failures:')}\n`, ...failures.map((r) => `  ${r.rule} ${r.event} (${r.filePath}): ${describeRuleTest(r)}\n`)] : []),
    ...(schemaIssues.length
      ? ['\nSample events that do not follow their event schema:\n', ...schemaIssues.map((i) => `  ${i.message}\n`)]
      : []),
    ...(warnings.length ? [`\n${paint('yellow', 'Warnings:')}\n`, ...warnings.map((w) => `${w.message}\n`)] : []),
    `\n${paint(failedCount > 0 ? 'red' : 'green', summary)}\n`,
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

/** Print the annotations `--annotations` asks for: on stdout, or stderr when stdout carries `--json`. */
function annotate(options: TestOptions, io: CliIo, annotations: Annotation[]): void {
  if (options.annotations !== 'github') return;
  const sink = options.json ? io.stderr : io.stdout;
  for (const annotation of annotations) sink.write(formatGithubAnnotation(annotation));
}

/** A coded issue (catalog, deployment check, warning) as an annotation at its file, line and column. */
function issueAnnotation(issue: CatalogIssue<string>, level: Annotation['level'] = issue.severity === 'warning' ? 'warning' : 'error'): Annotation {
  return {
    level,
    file: issue.filePath,
    ...(issue.line !== undefined ? { line: issue.line } : {}),
    ...(issue.column !== undefined ? { column: issue.column } : {}),
    title: issue.code,
    message: [issue.pointer, [issue.found, issue.allowed].filter(Boolean).join('; ')].filter(Boolean).join(': ') || issue.message,
  };
}

/** A failed rule test, annotated at its entry under `tests` in the pattern file. */
function testAnnotation(result: RuleTestResult, catalog: { rules: { name: string; tests: { match: string[]; noMatch: string[] } }[]; locate?: (file: string, pointer: string) => { line: number; column: number } | undefined }): Annotation {
  const rule = catalog.rules.find((r) => r.name === result.rule);
  const list = result.expected === 'match' ? 'match' : 'no-match';
  const index = rule ? (result.expected === 'match' ? rule.tests.match : rule.tests.noMatch).indexOf(result.event) : -1;
  const at = result.expected === 'fires' ? catalog.locate?.(result.filePath, '/tests/fires') : index >= 0 ? catalog.locate?.(result.filePath, `/tests/${list}/${index}`) : undefined;
  return {
    level: 'error',
    file: result.filePath,
    ...(at ? { line: at.line, column: at.column } : {}),
    title: `patchbay test: ${result.rule}`,
    message: `${result.event}: ${describeRuleTest(result)}`,
  };
}
