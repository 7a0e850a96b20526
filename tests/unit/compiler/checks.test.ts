import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadCatalog, parseYamlSource, readProjectConfig, type Catalog } from '../../../src/catalog';
import { CompilerError, compileCatalog, type CompilerIssue } from '../../../src/compiler';

const SERVICE_YML = (patchbay: string): string => `service: patchbay
provider:
  name: aws
functions:
  notify:
    handler: handlers/notify.handler
custom:
  patchbay:
    topics:
      security:
        subscriptions: []
${patchbay
  .split('\n')
  .map((line) => (line ? `    ${line}` : line))
  .join('\n')}
`;

let rootDir: string;

/** A project on disk (serverless.yml + pattern files), loaded as the plugin loads it: with source positions. */
async function project(patchbay: string, patterns: Record<string, string>, edit: (yml: string) => string = (yml) => yml): Promise<Catalog> {
  rootDir = await mkdtemp(path.join(os.tmpdir(), 'patchbay-checks-'));
  await writeFile(path.join(rootDir, 'serverless.yml'), edit(SERVICE_YML(patchbay)));
  for (const [file, text] of Object.entries(patterns)) {
    await mkdir(path.dirname(path.join(rootDir, 'patterns', file)), { recursive: true });
    await writeFile(path.join(rootDir, 'patterns', file), text);
  }
  const source = parseYamlSource(await readFile(path.join(rootDir, 'serverless.yml'), 'utf8'));
  const config = readProjectConfig(source.value, { source });
  return loadCatalog({ rootDir, config, configSource: source });
}

afterEach(async () => {
  if (rootDir) await rm(rootDir, { recursive: true, force: true });
});

const options = { service: 'patchbay', stage: 'dev', region: 'us-east-1', functionLogicalIds: { notify: 'NotifyLambdaFunction' } };

function deploymentIssues(action: () => unknown): CompilerIssue[] {
  try {
    action();
  } catch (error) {
    if (error instanceof CompilerError && error.code === 'PATCHBAY_DEPLOYMENT_INVALID') return error.issues;
    throw error;
  }
  throw new Error('expected PATCHBAY_DEPLOYMENT_INVALID');
}

const shared = `buses:
  shared:
    existing: arn:aws:events:eu-west-1:444455556666:event-bus/shared
    policy:
      allow:
        accounts: ['111122223333']
    archive:
      retentionDays: 7
schemas:
  discoverers: [shared]
`;

describe('Function: compileCatalog (deployment checks)', () => {
  it('refuses a bus of another account or Region as a rule bus, policy bus, archive or discoverer source, naming the mismatch', async () => {
    // Prepare
    const catalog = await project(shared, { 'on-shared.yml': 'bus: shared\npattern:\n  source: [orders]\ntargets:\n  - function: notify\n' });

    // Act
    const issues = deploymentIssues(() => compileCatalog(catalog, options));

    // Assess
    expect(issues.map(({ code, filePath, pointer, line, column }) => ({ code, filePath, pointer, line, column }))).toEqual([
      { code: 'FOREIGN_BUS', filePath: 'patterns/on-shared.yml', pointer: '/bus', line: 1, column: 6 },
      { code: 'FOREIGN_BUS', filePath: 'serverless.yml', pointer: '/custom/patchbay/buses/shared/policy', line: 16, column: 11 },
      { code: 'FOREIGN_BUS', filePath: 'serverless.yml', pointer: '/custom/patchbay/buses/shared/archive', line: 19, column: 11 },
      { code: 'FOREIGN_BUS', filePath: 'serverless.yml', pointer: '/custom/patchbay/schemas/discoverers/0', line: 21, column: 21 },
    ]);
    expect(issues[0].message).toContain('is in Region eu-west-1 (this stack: us-east-1)');
    expect(issues[0].message).toContain('eventBus: shared');
  });

  it('names the account when it is known', async () => {
    // Prepare
    const catalog = await project('buses:\n  shared:\n    existing: arn:aws:events:us-east-1:444455556666:event-bus/shared\n', {
      'on-shared.yml': 'bus: shared\npattern:\n  source: [orders]\ntargets:\n  - function: notify\n',
    });

    // Act
    const issues = deploymentIssues(() => compileCatalog(catalog, { ...options, account: '111122223333' }));

    // Assess
    expect(issues).toEqual([expect.objectContaining({ code: 'FOREIGN_BUS', pointer: '/bus' })]);
    expect(issues[0].message).toContain('account 444455556666 (this stack: 111122223333)');
  });

  it('accepts a bus elsewhere as a forwarding target, and a bus ARN of this Region', async () => {
    // Prepare
    const catalog = await project('buses:\n  shared:\n    existing: arn:aws:events:eu-west-1:444455556666:event-bus/shared\n  here:\n    existing: arn:aws:events:us-east-1:111122223333:event-bus/here\n', {
      'forward.yml': 'pattern:\n  source: [orders]\ntargets:\n  - eventBus: shared\n',
      'on-here.yml': 'bus: here\npattern:\n  source: [orders]\ntargets:\n  - function: notify\n',
    });

    // Act
    const compiled = compileCatalog(catalog, options);

    // Assess
    expect(compiled.resources.PatchbayRuleForward.Properties.Targets).toEqual([expect.objectContaining({ Arn: 'arn:aws:events:eu-west-1:444455556666:event-bus/shared' })]);
    expect(compiled.issues).toEqual([]);
  });

  it('refuses an sns target naming a FIFO topic, where the target is, and accepts a function target notifying it', async () => {
    // Prepare
    const fifoTopic = (yml: string) => yml.replace('    topics:\n', '    topics:\n      audit:\n        fifo: true\n        subscriptions: []\n');
    const catalog = await project('', {
      'direct.yml': 'pattern:\n  source: [orders]\ntargets:\n  - function: notify\n  - sns: audit\n',
      'notified.yml': 'pattern:\n  source: [orders]\ntargets:\n  - function: notify\n    notify: { topic: audit }\n',
    }, fifoTopic);

    // Act
    const issues = deploymentIssues(() => compileCatalog(catalog, options));

    // Assess
    expect(issues.map(({ code, filePath, pointer, line, column }) => ({ code, filePath, pointer, line, column }))).toEqual([
      { code: 'SNS_TARGET_FIFO_TOPIC', filePath: 'patterns/direct.yml', pointer: '/targets/1/sns', line: 5, column: 10 },
    ]);
    expect(issues[0]!.message).toMatch(/a FIFO topic .* \[SNS_TARGET_FIFO_TOPIC\]$/);
  });

  it('refuses ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS on a schedule and on a partner bus', async () => {
    // Prepare
    const catalog = await project('buses:\n  auth0:\n    type: partner\n    eventSourceName: aws.partner/auth0.com/example/auth0.logs\n', {
      'tick.yml': 'state: ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS\nschedule: rate(5 minutes)\ntargets:\n  - function: notify\n',
      'logins.yml': 'bus: auth0\nstate: ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS\npattern:\n  source: [{ prefix: aws.partner/ }]\ntargets:\n  - function: notify\n',
      'fine.yml': 'state: ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS\npattern:\n  source: [aws.s3]\ntargets:\n  - function: notify\n',
    });

    // Act
    const issues = deploymentIssues(() => compileCatalog(catalog, options));

    // Assess
    expect(issues.map(({ code, filePath, pointer, line }) => ({ code, filePath, pointer, line }))).toEqual([
      { code: 'RULE_STATE_NOT_ALLOWED', filePath: 'patterns/logins.yml', pointer: '/state', line: 2 },
      { code: 'RULE_STATE_NOT_ALLOWED', filePath: 'patterns/tick.yml', pointer: '/state', line: 1 },
    ]);
  });

  it('refuses a bus named with the prefix of this deployment\'s rule names', async () => {
    // Prepare
    const catalog = await project('buses:\n  odd:\n    type: custom\n    name: patchbay.dev.odd\n', { 's3.yml': 'pattern:\n  source: [aws.s3]\ntargets:\n  - function: notify\n' });

    // Act
    const issues = deploymentIssues(() => compileCatalog(catalog, options));

    // Assess
    expect(issues).toEqual([expect.objectContaining({ code: 'BUS_NAME_RESERVED', pointer: '/custom/patchbay/buses/odd/name', line: 15 })]);
  });

  it('warns of forwarding again from a bus that receives forwarded events, citing the AWS rule, without failing', async () => {
    // Prepare
    const catalog = await project(
      'buses:\n  hub:\n    type: custom\n  org:\n    type: custom\n    policy:\n      allow:\n        organization: o-a1b2c3d4e5\n  third:\n    existing: arn:aws:events:us-east-1:999988887777:event-bus/third\n',
      {
        'to-hub.yml': 'pattern:\n  source: [orders]\ntargets:\n  - eventBus: hub\n',
        'hub-onward.yml': 'bus: hub\npattern:\n  source: [orders]\ntargets:\n  - function: notify\n  - eventBus: third\n',
        'org-onward.yml': 'bus: org\npattern:\n  source: [orders]\ntargets:\n  - eventBus: third\n',
      },
    );

    // Act
    const compiled = compileCatalog(catalog, options);

    // Assess
    expect(compiled.issues.map(({ code, severity, filePath, pointer, line }) => ({ code, severity, filePath, pointer, line }))).toEqual([
      { code: 'MULTI_HOP_FORWARDING', severity: 'warning', filePath: 'patterns/hub-onward.yml', pointer: '/targets/1/eventBus', line: 6 },
      { code: 'MULTI_HOP_FORWARDING', severity: 'warning', filePath: 'patterns/org-onward.yml', pointer: '/targets/0/eventBus', line: 5 },
    ]);
    expect(compiled.issues[0].message).toContain("EventBridge can't route events received from a sender event bus to a third event bus");
    expect(compiled.warnings).toEqual(expect.arrayContaining([compiled.issues[0].message]));
    expect(compiled.warnings[0]).toMatch(/^patterns\/hub-onward\.yml:6:\d+: warning: \/targets\/1\/eventBus: .* \[MULTI_HOP_FORWARDING\]$/);
  });

  it('warns when global-service events are matched outside us-east-1, and CloudTrail API calls without a trail', async () => {
    // Prepare
    const files = {
      'iam.yml': 'pattern:\n  source: [aws.iam]\n  detail-type: [AWS API Call via CloudTrail]\ntargets:\n  - function: notify\n',
      'signin.yml': 'pattern:\n  $or:\n    - detail-type: [AWS Console Sign In via CloudTrail]\n    - source: [aws.s3]\ntargets:\n  - function: notify\n',
      's3.yml': 'pattern:\n  source: [aws.s3]\ntargets:\n  - function: notify\n',
    };
    const catalog = await project('', files);
    const withTrail = await project('trail: {}\n', files);

    // Act
    const inEurope = compileCatalog(catalog, { ...options, region: 'eu-west-1' }).issues;
    const inVirginia = compileCatalog(catalog, options).issues;
    const trailed = compileCatalog(withTrail, options).issues;

    // Assess
    expect(inEurope.map(({ code, filePath, pointer }) => `${code} ${filePath}#${pointer}`)).toEqual([
      'GLOBAL_SERVICE_EVENTS_REGION patterns/iam.yml#/pattern',
      'GLOBAL_SERVICE_EVENTS_REGION patterns/signin.yml#/pattern',
      'CLOUDTRAIL_TRAIL_REQUIRED serverless.yml#/custom/patchbay',
    ]);
    expect(inEurope[2].message).toMatch(/^serverless\.yml:9:5: warning: \/custom\/patchbay: 1 rule matches "AWS API Call via CloudTrail" events \(patterns\/iam\.yml\) .*\[CLOUDTRAIL_TRAIL_REQUIRED\]$/);
    expect(inVirginia.map(({ code }) => code)).toEqual(['CLOUDTRAIL_TRAIL_REQUIRED']);
    expect(trailed).toEqual([]);
  });
});
