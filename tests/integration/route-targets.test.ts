/**
 * `patchbay route` shows every target kind as AWS delivers to it, on tests/fixtures/service-full: `root-login` has a
 * function target, an sns target with an input transformer and an eventBus target, and route shows all three.
 */
import path from 'node:path';
import { REPO_ROOT, runBin } from '../support/run-bin';
import type { RouteJsonDocument } from '../../src/cli/commands/route';

const SERVICE = path.join(REPO_ROOT, 'tests/fixtures/service-full');
const route = (...args: string[]) => runBin(['route', '--sns', 'dry-run', '--root', SERVICE, 'tests/fixtures/service-full/events/root-login.json', ...args]);

describe('Integration: patchbay route on every target kind', () => {
  it('shows the three targets of root-login with what each receives, its retry policy and dead-letter queue', async () => {
    // Act
    const run = await route('--rule', 'iam-root-login');

    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('   -> iam-root-login / target notify / topic security: dry run, not sent');
    expect(run.stdout).toContain('"Subject": "Root sign-in from 198.51.100.7"');
    expect(run.stdout).toContain(
      '   -> iam-root-login / target sns-security / topic security (EventBridge publishes): subscribers receive this message text\n' +
        '        | "Root sign-in to 123456789012 from 198.51.100.7 (rule full.test.iam-root-login)"\n' +
        '      delivery:  retry up to 24 times within 7200 s; then dead-letter queue PatchbayDeadLetterQueue',
    );
    expect(run.stdout).toContain('   -> iam-root-login / target bus-central / bus central: forwarded unchanged to full-test-central');
    expect(run.stdout).toMatch(/event: +\{"version":"0","id":"1","source":"aws\.signin"/);
    expect(run.stdout).toContain('no retry policy (event bus targets have none); then dead-letter queue PatchbayDeadLetterQueue');
    expect(run.stdout.trimEnd().split('\n').at(-1)).toContain('2 delivered by EventBridge itself (sns, eventBus targets)');
  });

  it('--json documents every delivery; --target-kind narrows it', async () => {
    // Act
    const all = await route('--json', '--rule', 'iam-root-login');
    const snsOnly = await route('--json', '--target-kind', 'sns');

    // Assess
    expect(all.code).toBe(0);
    const doc = JSON.parse(all.stdout) as RouteJsonDocument;
    expect(doc.version).toBe(1);
    expect(doc.events[0].deliveries.map((d) => [d.kind, d.target, d.status])).toEqual([
      ['function', 'notify', 'dry-run'],
      ['sns', 'sns-security', 'delivered'],
      ['eventBus', 'bus-central', 'forwarded'],
    ]);
    expect(doc.events[0].deliveries[1]).toMatchObject({ message: '"Root sign-in to 123456789012 from 198.51.100.7 (rule full.test.iam-root-login)"', deadLetterQueue: 'PatchbayDeadLetterQueue' });
    expect(doc.events[0].deliveries[2]).toMatchObject({ receivingBus: 'full-test-central', event: { id: '1', source: 'aws.signin' } });
    const narrowed = JSON.parse(snsOnly.stdout) as RouteJsonDocument;
    expect(narrowed.events[0].deliveries.map((d) => d.kind)).toEqual(['sns']);
  });

  it('--quiet prints one line per event; an unknown --rule exits 2', async () => {
    // Act
    const quiet = await route('--quiet', '--rule', 'iam-root-login');
    const unknown = await route('--rule', 'nope');

    // Assess
    expect(quiet.stdout.split('\n')[0]).toBe('events/root-login.json: iam-root-login/notify dry-run, iam-root-login/sns-security delivered, iam-root-login/bus-central forwarded');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^patchbay route: no rule "nope"/);
  });
});
