import fs from 'node:fs';
import { formatRuleTestReport } from '../../../src/cli/commands/test';
import { loadProject } from '../../../src/cli/project';
import { describeRuleTest, runRuleTests, summarizeRuleTests } from '../../../src/cli/rule-tests';
import { envelope, writeFixtureProject } from './fixture-project';

const RULE = [
  'description: Widgets over a size',
  'pattern:',
  '  source: [acme.widgets]',
  'targets:',
  '  - function: notify',
  '    filter: detail.size > `10`',
  '    notify: { topic: operations }',
  '  - function: audit',
  '    filter: detail.audit == `true`',
  '    notify: { topic: security }',
  'tests:',
  '  match: [events/big.json, events/audited.json, events/small.json]',
  '  no-match: [events/small.json, events/other.json, events/no-envelope.json]',
  '',
].join('\n');

describe('Function: runRuleTests', () => {
  const root = writeFixtureProject({
    'patterns/widgets/large.yml': RULE,
    'events/big.json': envelope('1', 'acme.widgets', { size: 12 }),
    'events/audited.json': envelope('2', 'acme.widgets', { size: 1, audit: true }),
    'events/small.json': envelope('3', 'acme.widgets', { size: 2 }),
    'events/other.json': envelope('4', 'acme.gadgets', { size: 99 }),
    'events/no-envelope.json': { source: 'acme.gadgets' },
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('judges each event by pattern AND any target filter', async () => {
    // Prepare
    const { catalog } = await loadProject(root);

    // Act
    const results = await runRuleTests(catalog, root);

    // Assess
    expect(results.map((r) => [r.event, r.expected, r.pattern, r.targets.map((t) => t.notified), r.passed])).toEqual([
      ['events/big.json', 'match', true, [true, false], true],
      ['events/audited.json', 'match', true, [false, true], true],
      ['events/small.json', 'match', true, [false, false], false],
      ['events/small.json', 'no-match', true, [false, false], true],
      ['events/other.json', 'no-match', false, [], true],
      ['events/no-envelope.json', 'no-match', undefined, [], false],
    ]);
    expect(summarizeRuleTests(results)).toEqual({ passed: 4, failed: 2 });
  });

  it('explains failures', async () => {
    // Prepare
    const { catalog } = await loadProject(root);
    const results = await runRuleTests(catalog, root);

    // Act
    const explanations = results.filter((r) => !r.passed).map(describeRuleTest);

    // Assess
    expect(explanations).toEqual([
      "expected match, but no target notifies (target notify's filter is false, target audit's filter is false)",
      'error: events/no-envelope.json: ValidationException: Parameter Event is not valid. (the event lacks id, account, time, region, detail-type)',
    ]);
  });

  it('reports a table, the failures and the summary line', async () => {
    // Prepare
    const { catalog } = await loadProject(root);
    const results = await runRuleTests(catalog, root);

    // Act
    const report = formatRuleTestReport(results);

    // Assess
    expect(report).toMatch(/^widgets-large +events\/big\.json +match +true +notify=true audit=false +PASS$/m);
    expect(report).toMatch(/^widgets-large +events\/other\.json +no-match +false +- +PASS$/m);
    expect(report).toMatch(/^widgets-large +events\/no-envelope\.json +no-match +error +- +FAIL$/m);
    expect(report).toMatch(/^Failures:$/m);
    expect(report.endsWith('\npatchbay test: 4 passed, 2 failed\n')).toBe(true);
  });
});
