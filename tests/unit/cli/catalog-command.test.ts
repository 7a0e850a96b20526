/**
 * `patchbay catalog`: docs/catalog.md generated from the pattern files, and `--check` that keeps it current.
 */
import fs from 'node:fs';
import { runCatalog } from '../../../src/cli/commands/catalog';
import { writeFixtureProject } from './fixture-project';
import { testIo } from '../../support/cli-io';

const event = (id: string) => ({ id, source: 'aws.signin', 'detail-type': 'AWS Console Sign In via CloudTrail', account: '111122223333', time: '2025-01-01T00:00:00Z', region: 'us-east-1', resources: [], detail: {} });
const events = { 'events/signin/root.json': event('1'), 'events/signin/user.json': { ...event('2'), source: 'aws.iam' } };
const rule = (extra: string) => `description: "Root used the console | API"\n${extra}pattern:\n  source: [aws.signin]\ntargets:\n  - function: notify\n    notify: { topic: security }\ntests:\n  match: [events/signin/root.json]\n  no-match: [events/signin/user.json]\n`;

describe('Command: patchbay catalog', () => {
  let root: string;
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('writes one table per group with description, severity, references and the events tested on; --check then passes', async () => {
    // Prepare
    root = writeFixtureProject({
      'patterns/cis/root-usage.yml': rule('severity: critical\nreferences: { cis: ["4.3"], securityHub: [CloudWatch.1], sigma: [AWS Root Credentials], attack: [T1078.004] }\n'),
      'patterns/detections/guardduty.yml': rule('severity: { expression: detail.severity, default: medium }\n'),
      ...events,
    });

    // Act
    const written = await runCatalog({}, testIo(root));
    const checked = testIo(root);
    const check = await runCatalog({ check: true }, checked);

    // Assess
    expect(written).toBe(0);
    const doc = fs.readFileSync(`${root}/docs/catalog.md`, 'utf8');
    expect(doc).toContain('2 rules in 2 groups.');
    expect(doc).toContain('## cis\n\n| rule | what it catches | severity | references | tested on |\n| --- | --- | --- | --- | --- |\n');
    expect(doc).toContain('| [`cis-root-usage`](../patterns/cis/root-usage.yml) | Root used the console \\| API | critical | CIS 4.3, Security Hub CloudWatch.1, Sigma: AWS Root Credentials, ATT&CK T1078.004 | match `root.json`; no-match `user.json` |');
    expect(doc).toContain('| [`detections-guardduty`](../patterns/detections/guardduty.yml) | Root used the console \\| API | from `detail.severity` (default medium) | - |');
    expect({ check, out: checked.out() }).toEqual({ check: 0, out: 'patchbay catalog: docs/catalog.md is current (2 rules)\n' });
  });

  it('--check exits 1 and writes nothing when a rule changed since', async () => {
    // Prepare
    root = writeFixtureProject({ 'patterns/cis/root-usage.yml': rule('severity: high\n'), ...events });
    await runCatalog({}, testIo(root));
    fs.writeFileSync(`${root}/patterns/cis/root-usage.yml`, rule('severity: critical\n'));
    const before = fs.readFileSync(`${root}/docs/catalog.md`, 'utf8');
    const io = testIo(root);

    // Act
    const code = await runCatalog({ check: true }, io);

    // Assess
    expect(code).toBe(1);
    expect(io.err()).toBe('patchbay catalog: docs/catalog.md is not current: run patchbay catalog and commit it\n');
    expect(fs.readFileSync(`${root}/docs/catalog.md`, 'utf8')).toBe(before);
  });
});
