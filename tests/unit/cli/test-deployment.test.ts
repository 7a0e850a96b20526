/**
 * `patchbay test` sees what `sls package` sees: serverless.yml resolved with --stage, --region, --param and the
 * variables of the file, and the compiler's deployment checks (errors fail, warnings are shown and do not).
 */
import fs from 'node:fs';
import { runTest } from '../../../src/cli/commands/test';
import { writeFixtureProject } from './fixture-project';
import { testIo } from '../../support/cli-io';

const signin = 'pattern:\n  source: [aws.signin]\ntargets:\n  - function: notify\n    notify: { topic: security }\n';

describe('Function: runTest (deployment checks and resolved configuration)', () => {
  let root: string;
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('shows a coded warning with file, line and pointer and still passes (sign-in events outside us-east-1)', async () => {
    // Prepare: the fixture deploys to eu-west-1
    root = writeFixtureProject({ 'patterns/signin.yml': signin });
    const io = testIo(root);

    // Act
    const code = await runTest({}, io);

    // Assess
    expect(code).toBe(0);
    expect(io.out()).toMatch(/^patterns\/signin\.yml:2:3: warning: \/pattern: rule signin matches events of aws\.signin and is deployed to eu-west-1: .* \[GLOBAL_SERVICE_EVENTS_REGION\]$/m);
  });

  it('leaves out the warnings whose codes custom.patchbay.suppressWarnings lists, and counts them in the summary and --json', async () => {
    // Prepare: the sign-in rule outside us-east-1 and without tests, both warnings accepted by the project
    root = writeFixtureProject({ 'patterns/signin.yml': signin });
    const config = fs.readFileSync(`${root}/serverless.yml`, 'utf8').replace('  patchbay:\n', '  patchbay:\n    suppressWarnings: [GLOBAL_SERVICE_EVENTS_REGION, RULE_WITHOUT_TESTS]\n');
    fs.writeFileSync(`${root}/serverless.yml`, config);
    const io = testIo(root);
    const json = testIo(root);

    // Act
    const code = await runTest({ strict: true }, io);
    await runTest({ json: true }, json);

    // Assess: --strict passes, since the only warning is accepted
    expect(code).toBe(0);
    expect(io.out()).not.toContain('GLOBAL_SERVICE_EVENTS_REGION');
    expect(io.out().trimEnd().split('\n').at(-1)).toBe('patchbay test: 0 passed, 0 failed, 2 suppressed (custom.patchbay.suppressWarnings)');
    expect(JSON.parse(json.out())).toEqual(expect.objectContaining({ warnings: [], suppressedWarnings: 2 }));
  });

  it('refuses a suppressWarnings entry that is not a warning code (exit 2, the pointer named)', async () => {
    // Prepare
    root = writeFixtureProject({ 'patterns/signin.yml': signin });
    fs.writeFileSync(`${root}/serverless.yml`, fs.readFileSync(`${root}/serverless.yml`, 'utf8').replace('  patchbay:\n', '  patchbay:\n    suppressWarnings: [global-service]\n'));
    const io = testIo(root);

    // Act
    const code = await runTest({}, io);

    // Assess
    expect(code).toBe(2);
    expect(io.err()).toMatch(/serverless\.yml:\d+:\d+: \/custom\/patchbay\/suppressWarnings\/0: .*global-service/);
  });

  it('leaves out the rules custom.patchbay.rules disables (not tested, counted), and warns about a glob that matches nothing', async () => {
    // Prepare: two groups; the cis group and a mistyped glob are disabled
    const rule = (source: string) => `pattern:\n  source: [${source}]\ntargets:\n  - function: notify\n    notify: { topic: security }\ntests:\n  match: [events/${source}.json]\n`;
    root = writeFixtureProject({
      'patterns/cis/root.yml': rule('aws.signin'),
      'patterns/detections/broken.yml': 'pattern: { source: [{ prefix: 7 }] }\ntargets: []\n',
      'patterns/detections/s3.yml': rule('aws.s3'),
      'events/aws.signin.json': { id: '1', source: 'aws.signin', 'detail-type': 'x', account: '111122223333', time: '2025-01-01T00:00:00Z', region: 'us-east-1', resources: [], detail: {} },
      'events/aws.s3.json': { id: '2', source: 'aws.s3', 'detail-type': 'x', account: '111122223333', time: '2025-01-01T00:00:00Z', region: 'us-east-1', resources: [], detail: {} },
    });
    fs.writeFileSync(`${root}/serverless.yml`, fs.readFileSync(`${root}/serverless.yml`, 'utf8').replace('  patchbay:\n', '  patchbay:\n    rules:\n      disable: [cis/**, detections/broken, detection/*]\n'));
    const io = testIo(root);
    const json = testIo(root);

    // Act
    const code = await runTest({}, io);
    await runTest({ json: true }, json);

    // Assess: the broken file is left out, never read; the signin rule is not tested
    expect(code).toBe(0);
    const report = JSON.parse(json.out()) as { results: { rule: string }[]; disabledRules: string[]; warnings: { code: string; pointer: string; line?: number }[] };
    expect(report.results.map((r) => r.rule)).toEqual(['detections-s3']);
    expect(report.disabledRules).toEqual(['patterns/cis/root.yml', 'patterns/detections/broken.yml']);
    expect(report.warnings.filter((w) => w.code === 'RULE_GLOB_UNUSED')).toEqual([expect.objectContaining({ pointer: '/custom/patchbay/rules/disable/2', line: 6 })]);
    expect(report.warnings.filter((w) => w.code === 'SAMPLE_EVENT_UNUSED')).toEqual([]); // the disabled rule's sample is still its own
    expect(io.out().trimEnd().split('\n').at(-1)).toMatch(/; 2 rules left out by custom\.patchbay\.rules$/);
  });

  it('takes the Region from --region, as sls does', async () => {
    // Prepare
    root = writeFixtureProject({ 'patterns/signin.yml': signin });
    const io = testIo(root);

    // Act
    const code = await runTest({ region: 'us-east-1' }, io);

    // Assess
    expect(code).toBe(0);
    expect(io.err()).toBe('');
  });

  it('fails with exit 2 on a deployment error (a CloudTrail-management-events state on a schedule)', async () => {
    // Prepare
    root = writeFixtureProject({ 'patterns/tick.yml': 'state: ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS\nschedule: rate(1 hour)\ntargets:\n  - function: audit\n' });
    const io = testIo(root);

    // Act
    const code = await runTest({}, io);

    // Assess
    expect(code).toBe(2);
    expect(io.err()).toMatch(/^patterns\/tick\.yml:1:8: \/state: state ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS on a schedule rule; .* \[RULE_STATE_NOT_ALLOWED\]$/m);
  });

  it('resolves ${env:...} like sls (the Region from the environment)', async () => {
    // Prepare
    root = writeFixtureProject({
      'serverless.yml': "service: fixture\nprovider: { name: aws, region: \"${env:PATCHBAY_TEST_REGION, 'us-east-1'}\" }\nfunctions:\n  notify: { handler: h.handler }\ncustom:\n  patchbay:\n    topics: { security: { subscriptions: [] } }\n",
      'patterns/signin.yml': signin,
    });
    process.env.PATCHBAY_TEST_REGION = 'eu-central-1';
    const io = testIo(root);

    // Act
    const code = await runTest({}, io).finally(() => delete process.env.PATCHBAY_TEST_REGION);

    // Assess
    expect(code).toBe(0);
    expect(io.out()).toContain('is deployed to eu-central-1');
  });

  it('resolves ${opt:stage}, ${sls:stage}, ${self:...} and ${param:...} like sls: the stage picks the patterns directory and topics', async () => {
    // Prepare
    root = writeFixtureProject({
      'serverless.yml': [
        'service: fixture',
        "provider: { name: aws, region: us-east-1, stage: \"${opt:stage, 'dev'}\" }",
        'params:',
        '  prod: { topics: { security: { subscriptions: [] } } }',
        '  default: { topics: { operations: { subscriptions: [] } } }',
        'custom:',
        '  dirs: { dev: patterns/dev, prod: patterns/prod }',
        '  patchbay:',
        '    patternsDir: ${self:custom.dirs.${sls:stage}}',
        '    topics: ${param:topics}',
        'functions:',
        '  notify: { handler: handlers/notify.handler }',
        '',
      ].join('\n'),
      'patterns/prod/a.yml': 'pattern: { source: [acme] }\ntargets:\n  - function: notify\n    notify: { topic: security }\n',
      'patterns/dev/b.yml': 'pattern: { source: [acme] }\ntargets:\n  - function: notify\n    notify: { topic: nope }\n',
    });

    // Act
    const prod = await runTest({ stage: 'prod' }, testIo(root));
    const io = testIo(root);
    const dev = await runTest({}, io);

    // Assess: prod finds patterns/prod and topic "security" (params.prod); dev finds patterns/dev, whose topic does not exist
    expect(prod).toBe(0);
    expect(dev).toBe(2);
    expect(io.err()).toContain('patterns/dev/b.yml');
    expect(io.err()).toContain('[UNKNOWN_TOPIC]');
  });
});
