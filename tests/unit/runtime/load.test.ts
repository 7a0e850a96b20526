import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { checkEventPattern } from '../../../src/pattern';
import { compileManifest, isCompiledManifest, loadManifest, type ManifestIssue, type RoutingManifest } from '../../../src/runtime';
import { fixturePath, readFixture, readManifest } from '../../fixtures/runtime/fixtures';

interface InvalidCase {
  name: string;
  manifest: unknown;
  /** Expected issue pointers, in order. */
  issues: string[];
}

describe('Function: compileManifest', () => {
  it('compiles the test manifest: rules in order, targets by id, schedule rules without a pattern', () => {
    // Act
    const compiled = compileManifest(readManifest());

    // Assess
    expect(isCompiledManifest(compiled)).toBe(true);
    expect(compiled.rules.map((rule) => [rule.name, rule.pattern !== undefined, rule.targets.map((t) => t.id)])).toEqual([
      ['dynamodb-delete-table', true, ['notify']],
      ['dynamodb-table-changes', true, ['audit']],
      ['signin-root-login', true, ['notify']],
      ['nightly-report', false, ['notify']],
    ]);
    expect(compiled.index.size).toBe(3);
    expect(compiled.rulesByName.get('dynamodb-table-changes')!.targetsById.get('audit')).toEqual(
      expect.objectContaining({ id: 'audit', topic: 'audit', pointer: '/rules/1/targets/0', subject: undefined }),
    );
  });

  it('returns a compiled manifest unchanged and compiles one manifest object once', () => {
    // Prepare
    const manifest = readManifest();

    // Act
    const first = compileManifest(manifest);
    const second = compileManifest(manifest);

    // Assess
    expect(second).toBe(first);
    expect(compileManifest(first)).toBe(first);
  });

  it('accepts a target without notify (it fails only when an event reaches it)', () => {
    // Prepare
    const manifest = readManifest();
    delete manifest.rules[0]!.targets[0]!.notify;

    // Act
    const compiled = compileManifest(manifest);

    // Assess
    expect(compiled.rules[0]!.targets[0]!.topic).toBeUndefined();
  });

  it('does not apply the 2,048-character pattern quota to deployed rules', () => {
    // Prepare
    const manifest = readManifest();
    manifest.rules[0]!.pattern = { source: ['aws.dynamodb'], detail: { eventName: Array.from({ length: 300 }, (_, i) => `Event${i}`) } };

    // Act
    const act = () => compileManifest(manifest);

    // Assess
    expect(JSON.stringify(manifest.rules[0]!.pattern).length).toBeGreaterThan(2048);
    expect(act).not.toThrow();
  });

  it('does not run the wildcard complexity check at cold start: the manifest holds patterns sls package validated', () => {
    // Prepare: a wildcard sls package refuses as too complex (13 live states), which the runtime loads as given.
    const manifest = readManifest();
    manifest.rules[0]!.pattern = { source: ['aws.dynamodb'], detail: { eventSource: [{ wildcard: '*:*:*:*:*:event-bus/*' }] } };
    expect(checkEventPattern(manifest.rules[0]!.pattern as object)?.message).toContain('Rule is too complex');

    // Act
    const compiled = compileManifest(manifest);

    // Assess: loaded, and matching as the wildcard says.
    expect(compiled.index.match({ source: 'aws.dynamodb', detail: { eventSource: 'a:b:c:d:e:event-bus/x' } })).toEqual([0]);
  });

  it.each(readFixture<InvalidCase[]>('invalid-manifests.json').map((c) => [c.name, c] as const))('reports %s', (_, invalid) => {
    // Act
    let error: unknown;
    try {
      compileManifest(invalid.manifest as RoutingManifest, 'patchbay-manifest.json');
    } catch (thrown) {
      error = thrown;
    }

    // Assess
    expect(error).toEqual(expect.objectContaining({ name: 'InvalidManifestError', code: 'INVALID_MANIFEST', filePath: 'patchbay-manifest.json' }));
    expect((error as { issues: ManifestIssue[] }).issues.map((issue) => issue.pointer)).toEqual(invalid.issues);
  });

  it('says where the first problem is and how many more there are', () => {
    // Prepare
    const manifest = readManifest();
    manifest.rules[0]!.targets[0]!.filter = 'detail.[';
    manifest.rules[1]!.targets[0]!.notify = { topic: 'nope' };

    // Act
    const act = () => compileManifest(manifest, 'patchbay-manifest.json');

    // Assess
    expect(act).toThrow(
      'patchbay-manifest.json#/rules/0/targets/0/filter: Invalid JMESPath expression "detail.[": Invalid jmespath expression: parse error at column 8, found unexpected end of expression (EOF); 1 more issue',
    );
  });

  it('keeps the pattern engine error as the cause of a pattern issue', () => {
    // Prepare
    const manifest = readManifest();
    manifest.rules[2]!.pattern = { source: 'aws.signin' };

    // Act
    const act = () => compileManifest(manifest);

    // Assess
    expect(act).toThrow(
      expect.objectContaining({
        issues: [
          expect.objectContaining({
            pointer: '/rules/2/pattern/source',
            cause: expect.objectContaining({ name: 'InvalidEventPatternError', code: 'InvalidEventPatternException' }),
          }),
        ],
      }),
    );
  });
});

describe('Function: loadManifest', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'patchbay-manifest-'));

  it('reads and compiles a manifest file', () => {
    // Act
    const compiled = loadManifest(fixturePath('manifest.json'));

    // Assess
    expect(compiled.filePath).toBe(fixturePath('manifest.json'));
    expect(compiled.rules).toHaveLength(4);
  });

  it.each([
    ['a missing file', 'missing.json', undefined, 'file not found'],
    ['a file that is not JSON', 'broken.json', '{ "version": 1,', 'not valid JSON'],
  ])('fails with INVALID_MANIFEST for %s', (_, name, content, reason) => {
    // Prepare
    const filePath = path.join(dir, name);
    if (content !== undefined) writeFileSync(filePath, content);

    // Act
    const act = () => loadManifest(filePath);

    // Assess
    expect(act).toThrow(expect.objectContaining({ name: 'InvalidManifestError', code: 'INVALID_MANIFEST', filePath }));
    expect(act).toThrow(reason);
  });
});
