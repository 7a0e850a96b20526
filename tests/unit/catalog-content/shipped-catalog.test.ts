/**
 * The starter rules patchbay ships in patterns/ keep their conventions, for the starter rules that are present:
 * users delete, edit and add rules freely, and their catalog is judged by `patchbay test` (its rule tests and its
 * named warnings), never by this suite. What this suite adds is what only our starter catalog promises.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Catalog, RuleDefinition } from '../../../src/catalog';
import { checkCatalog } from '../../../src/cli/catalog-checks';
import { loadProject } from '../../../src/cli/project';
import { presentStarterRules, REPO_ROOT, STARTER_RULES } from '../../support/starter-rules';

const present = presentStarterRules();

/**
 * Starter rules whose point is calls that failed or that every identity makes, so they do not leave failed calls
 * out: CIS 4.1 notifies refused calls, CIS 4.3 every root action (a failed one is root usage too).
 */
const TAKES_FAILED_CALLS = new Set(['cis-4-1-unauthorized-api-calls', 'cis-4-3-root-account-usage']);

describe('Starter rules (those present in patterns/)', () => {
  let catalog: Catalog;

  beforeAll(async () => {
    try {
      ({ catalog } = await loadProject(REPO_ROOT));
    } catch (error) {
      const issues = (error as { issues?: Array<{ message: string }> }).issues;
      throw new Error(issues ? `invalid catalog (patchbay test says the same):\n${issues.map((issue) => issue.message).join('\n')}` : String(error));
    }
  });

  const rule = (name: string): RuleDefinition => {
    const found = catalog.rules.find((candidate) => candidate.name === name);
    if (!found) throw new Error(`no rule ${name} in the catalog, though ${STARTER_RULES[name]} exists`);
    return found;
  };

  it('raise no catalog warning (selects that find nothing, empty subject fields, rules without tests)', async () => {
    // Act
    const warnings = await checkCatalog(catalog, REPO_ROOT);

    // Assess
    const starterFiles = new Set(present.map((name) => STARTER_RULES[name]));
    expect(warnings.filter((warning) => starterFiles.has(warning.filePath)).map((warning) => warning.message)).toEqual([]);
  });

  describe.each(present.length ? present : ['(none)'])('rule %s', (name) => {
    if (name === '(none)') {
      it('is absent: every starter rule was removed, nothing to check', () => expect(present).toEqual([]));
      return;
    }

    it('starts with the schema comment, relative to its own folder', () => {
      // Prepare
      const { filePath } = rule(name);
      const schema = path.posix.relative(path.posix.dirname(filePath), 'schemas/pattern-file.schema.json');

      // Assess
      expect(fs.readFileSync(path.join(REPO_ROOT, filePath), 'utf8').split('\n')[0]).toBe(`# yaml-language-server: $schema=${schema}`);
    });

    it('has a description and both match and no-match tests', () => {
      // Assess
      expect(rule(name).description).toEqual(expect.any(String));
      expect(rule(name).tests.match.length).toBeGreaterThan(0);
      expect(rule(name).tests.noMatch.length).toBeGreaterThan(0);
    });

    it('notifies through the notify function with selected fields and a subject', () => {
      // Assess
      for (const target of rule(name).targets) {
        expect(target).toEqual(
          expect.objectContaining({ function: 'notify', select: expect.any(Object), notify: { topic: expect.any(String), subject: expect.any(String) } }),
        );
        expect(Object.keys(target.select ?? {}).length).toBeGreaterThan(0);
      }
    });

    it('leaves failed CloudTrail API calls out, unless failed calls are its point', () => {
      // Prepare
      const pattern = rule(name).pattern as { 'detail-type'?: string[]; detail?: { errorCode?: unknown } };

      // Assess
      if (TAKES_FAILED_CALLS.has(name)) {
        expect(pattern.detail?.errorCode).not.toEqual([{ exists: false }]);
      } else if (pattern['detail-type']?.includes('AWS API Call via CloudTrail')) {
        expect(pattern.detail?.errorCode).toEqual([{ exists: false }]);
      }
    });
  });
});
