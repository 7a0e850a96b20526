/**
 * The pull-request workflow (.github/workflows/patterns.yml), run as GitHub Actions would run its `run:` steps
 * (bash -eo pipefail, GITHUB_BASE_REF and GITHUB_STEP_SUMMARY set) in a temporary git repository: a base commit
 * with the fixture project and a head commit that adds a rule, against `origin/main`. `npm ci` is the only step
 * left out (node_modules is linked from this repository). Checks the job summary and the annotations.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';

const REPO = path.resolve(__dirname, '../..');
const TIMEOUT_MS = 240_000;

interface Step {
  name?: string;
  run?: string;
  uses?: string;
}

const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.email=ci@example.com', '-c', 'user.name=ci', ...args], { cwd, stdio: 'pipe' }).toString();

/** The steps of the workflow's one job, as written. */
function workflowSteps(file = '.github/workflows/patterns.yml'): Step[] {
  const workflow = YAML.parse(fs.readFileSync(path.join(REPO, file), 'utf8')) as { on: unknown; jobs: Record<string, { steps: Step[] }> };
  expect(workflow.on).toEqual({ pull_request: null });
  return Object.values(workflow.jobs)[0]!.steps;
}

/** A repository like a user's: the fixture catalog, and this repository's bin, plugin, handler and packages linked. */
function repository(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'patchbay-workflow-'));
  for (const entry of ['serverless.yml', 'patterns', 'events']) fs.cpSync(path.join(REPO, 'tests/fixtures/project', entry), path.join(dir, entry), { recursive: true });
  // Linked read-only parts of this repository (never docs/: the workflow writes docs/catalog.md there).
  for (const entry of ['node_modules', 'bin', 'dist', 'handlers', 'plugin.js', 'src', 'schemas', 'package.json']) fs.symlinkSync(path.join(REPO, entry), path.join(dir, entry));
  fs.writeFileSync(path.join(dir, '.gitignore'), 'node_modules\n.serverless\n');
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'base');
  git(dir, 'update-ref', 'refs/remotes/origin/main', 'main'); // what actions/checkout with fetch-depth 0 gives
  git(dir, 'checkout', '-q', '-b', 'add-rule');
  return dir;
}

function runStep(step: Step, cwd: string, env: NodeJS.ProcessEnv): { code: number | null; output: string } {
  const run = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run!], { cwd, env: { ...process.env, ...env }, encoding: 'utf8' });
  return { code: run.status, output: `${run.stdout}${run.stderr}` };
}

describe('Workflow: .github/workflows/patterns.yml on a pull request', () => {
  let dir: string;
  beforeAll(() => {
    dir = repository();
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('tests, packages and writes the routing diff of a pull request that adds a rule to the job summary, annotating warnings', () => {
    // Prepare: the head commit adds a rule with its sample event
    fs.writeFileSync(
      path.join(dir, 'patterns/dynamodb/table-created.yml'),
      'description: A DynamoDB table was created.\npattern:\n  source: [aws.dynamodb]\n  detail-type: [AWS API Call via CloudTrail]\n  detail: { eventName: [CreateTable] }\ntargets:\n  - function: notify\n    select: { table: detail.requestParameters.tableName }\n    notify: { topic: operations, subject: "Table {table} created" }\ntests:\n  match: [events/dynamodb/create-table.json]\n',
    );
    execFileSync(process.execPath, ['bin/patchbay.js', 'catalog'], { cwd: dir, stdio: 'pipe' });
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'Add a rule for created tables');
    const summary = path.join(dir, '..', `${path.basename(dir)}-summary.md`);
    const env = { GITHUB_BASE_REF: 'main', GITHUB_STEP_SUMMARY: summary, CI: 'true', SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
    const steps = workflowSteps().filter((step) => step.run !== undefined && step.run.trim() !== 'npm ci');

    // Act
    const runs = steps.map((step) => ({ name: step.name ?? step.run!, ...runStep(step, dir, env) }));

    // Assess
    expect(steps.map((step) => step.name)).toEqual(['patchbay test', 'catalog documentation is current', 'sls package', 'routing diff']);
    expect(runs.map(({ name, code, output }) => ({ name, code, output: code === 0 ? '' : output.slice(-2000) }))).toEqual(steps.map((step) => ({ name: step.name, code: 0, output: '' })));
    expect(runs[0]!.output).toMatch(/^::warning file=serverless\.yml,line=\d+,col=\d+,title=CLOUDTRAIL_TRAIL_REQUIRED::/m);
    const text = fs.readFileSync(summary, 'utf8');
    fs.rmSync(summary);
    expect(text.split('\n')[0]).toBe('## patchbay: routing changes');
    expect(text).toContain('| added | `dynamodb-table-created` | `patterns/dynamodb/table-created.yml` | |');
    expect(text).toContain('| `events/dynamodb/create-table.json` | _no rule_ | dynamodb-table-created -> notify (operations): "Table orders-staging created" |');
  }, TIMEOUT_MS);

  it('fails the test step with an error annotation on the line of a broken pattern file', () => {
    // Prepare
    fs.writeFileSync(path.join(dir, 'patterns/dynamodb/broken.yml'), 'pattern:\n  source: [{ prefx: a }]\ntargets:\n  - function: notify\n');
    const step = workflowSteps().find((s) => s.name === 'patchbay test')!;

    // Act
    const run = runStep(step, dir, { CI: 'true' });
    fs.rmSync(path.join(dir, 'patterns/dynamodb/broken.yml'));

    // Assess
    expect(run.code).toBe(2);
    expect(run.output).toMatch(/^::error file=patterns\/dynamodb\/broken\.yml,line=2,col=\d+,title=INVALID_EVENT_PATTERN::\/pattern\/source\/0\/prefx: Event pattern is not valid\. /m);
  }, TIMEOUT_MS);

  it('is the workflow patchbay init scaffolds, with npx patchbay for the repository\'s bin (and no catalog documentation step)', () => {
    // Prepare
    const ours = workflowSteps().filter((step) => step.name !== 'catalog documentation is current');

    // Act
    const scaffolded = workflowSteps('templates/init/.github/workflows/patterns.yml');

    // Assess
    expect(scaffolded).toEqual(ours.map((step) => (step.run ? { ...step, run: step.run.replace(/node bin\/patchbay\.js/g, 'npx patchbay') } : step)));
  });
});
