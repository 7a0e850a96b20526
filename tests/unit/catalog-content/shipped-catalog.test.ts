/**
 * The shipped catalog (patterns/ + events/): every pattern file validates, every rule's sample-event tests pass
 * (through the same code as `patchbay test`), and the starter rules keep their conventions.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Catalog, RuleDefinition } from '../../../src/catalog';
import { loadProject } from '../../../src/cli/project';
import { describeRuleTest, runRuleTests, type RuleTestResult } from '../../../src/cli/rule-tests';
import { parseTestEvent } from '../../../src/pattern';
import { compileSelect, fillTemplate, sanitizeSubject, SNS_LIMITS } from '../../../src/runtime';

const REPO = path.resolve(__dirname, '../../..');
const OUR_ACCOUNTS = ['111122223333', '444455556666'];

/** The starter rules and the topic each notifies. */
const STARTER_RULES: Record<string, 'security' | 'operations'> = {
  'cloudtrail-trail-changed': 'security',
  'config-rule-non-compliant': 'operations',
  'dynamodb-delete-table': 'security',
  'ec2-instance-stopped-or-terminated': 'operations',
  'ec2-security-group-open-to-world': 'security',
  'iam-policy-attached': 'security',
  'kms-key-deletion-scheduled': 'security',
  's3-bucket-permissions-changed': 'security',
  'signin-failed-sign-in': 'security',
  'signin-root-sign-in': 'security',
};

function listFiles(dir: string, pattern: RegExp): string[] {
  return fs
    .readdirSync(path.join(REPO, dir), { recursive: true, encoding: 'utf8' })
    .filter((file) => pattern.test(file))
    .map((file) => `${dir}/${file.split(path.sep).join('/')}`)
    .sort();
}

function readEvent(file: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(REPO, file), 'utf8')) as Record<string, unknown>;
}

describe('Shipped catalog', () => {
  let catalog: Catalog;
  let results: RuleTestResult[];

  beforeAll(async () => {
    try {
      ({ catalog } = await loadProject(REPO));
    } catch (error) {
      const issues = (error as { issues?: Array<{ message: string }> }).issues;
      throw new Error(issues ? `invalid catalog:\n${issues.map((issue) => issue.message).join('\n')}` : String(error));
    }
    results = await runRuleTests(catalog, REPO);
  });

  it('validates every pattern file', () => {
    // Assess
    expect(catalog.rules.map((rule) => rule.filePath)).toEqual(listFiles('patterns', /\.ya?ml$/));
  });

  it('ships the starter rules, each notifying its topic', () => {
    // Assess
    const topics = Object.fromEntries(catalog.rules.map((rule) => [rule.name, [...new Set(rule.targets.map((t) => t.notify?.topic))].join(',')]));
    expect(topics).toEqual(STARTER_RULES);
  });

  it('passes every rule test', () => {
    // Assess
    expect(results.length).toBeGreaterThanOrEqual(30);
    expect(results.filter((result) => !result.passed).map((result) => `${result.rule} ${result.event}: ${describeRuleTest(result)}`)).toEqual([]);
  });

  describe.each(Object.keys(STARTER_RULES))('rule %s', (name) => {
    const rule = (): RuleDefinition => {
      const found = catalog.rules.find((candidate) => candidate.name === name);
      if (!found) throw new Error(`no rule ${name}`);
      return found;
    };

    it('starts with the schema comment, relative to its own folder', () => {
      // Prepare
      const { filePath } = rule();
      const schema = path.posix.relative(path.posix.dirname(filePath), 'schemas/pattern-file.schema.json');

      // Assess
      expect(fs.readFileSync(path.join(REPO, filePath), 'utf8').split('\n')[0]).toBe(`# yaml-language-server: $schema=${schema}`);
    });

    it('has a description and both match and no-match tests', () => {
      // Assess
      expect(rule().description).toEqual(expect.any(String));
      expect(rule().tests.match.length).toBeGreaterThan(0);
      expect(rule().tests.noMatch.length).toBeGreaterThan(0);
    });

    it('targets notify with selected fields and a subject', () => {
      // Assess
      for (const target of rule().targets) {
        expect(target).toEqual(
          expect.objectContaining({ function: 'notify', select: expect.any(Object), notify: { topic: STARTER_RULES[name], subject: expect.any(String) } }),
        );
        expect(Object.keys(target.select ?? {}).length).toBeGreaterThan(0);
      }
    });

    it('leaves failed CloudTrail API calls out', () => {
      // Prepare
      const pattern = rule().pattern as { 'detail-type'?: string[]; detail?: { errorCode?: unknown } };

      // Assess
      if (pattern['detail-type']?.includes('AWS API Call via CloudTrail')) {
        expect(pattern.detail?.errorCode).toEqual([{ exists: false }]);
      }
    });

    it('renders a whole subject (every placeholder found, under the SNS limit) for every match event', () => {
      // Prepare
      for (const target of rule().targets) {
        const select = compileSelect(target.select);
        for (const file of rule().tests.match) {
          const event = readEvent(file);
          const fields = select.evaluate(event);
          const input = { rule: { name }, event, fields };
          const placeholders = [...(target.notify?.subject ?? '').matchAll(/\{([^{}]*)\}/g)].map((m) => m[1]);

          // Act
          const filled = fillTemplate(target.notify?.subject ?? '', input);

          // Assess
          for (const placeholder of placeholders) {
            expect({ file, placeholder, value: fields[placeholder] ?? event[placeholder] ?? null }).toEqual({ file, placeholder, value: expect.anything() });
          }
          expect(sanitizeSubject(filled)).toBe(filled);
          expect(filled.length).toBeLessThanOrEqual(SNS_LIMITS.subjectMaxChars);
        }
      }
    });

    it('selects fields that exist in its match events', () => {
      // Prepare
      const target = rule().targets[0];
      const values = rule().tests.match.map((file) => compileSelect(target.select).evaluate(readEvent(file)));

      // Assess
      for (const key of Object.keys(target.select ?? {})) {
        expect({ key, found: values.some((fields) => fields[key] !== null && fields[key] !== undefined) }).toEqual({ key, found: true });
      }
    });
  });

  describe('sample events', () => {
    const files = listFiles('events', /\.json$/);

    it('are all used by a rule test', () => {
      // Prepare
      const used = new Set(catalog.rules.flatMap((rule) => [...rule.tests.match, ...rule.tests.noMatch]));

      // Assess
      expect(files.filter((file) => !used.has(file))).toEqual([]);
    });

    it('have unique event ids', () => {
      // Prepare
      const ids = files.map((file) => readEvent(file).id);

      // Assess
      expect(new Set(ids).size).toBe(files.length);
    });

    it.each(files)('%s is a valid EventBridge event from one of our accounts', (file) => {
      // Prepare
      const text = fs.readFileSync(path.join(REPO, file), 'utf8');
      const event = readEvent(file);
      const detail = event.detail as Record<string, unknown>;

      // Assess
      expect(() => parseTestEvent(text)).not.toThrow();
      expect(event).toEqual(expect.objectContaining({ version: '0', resources: expect.any(Array), detail: expect.any(Object) }));
      expect(OUR_ACCOUNTS).toContain(event.account);
      expect(file.startsWith(`events/${String(event.source).replace(/^aws\./, '')}/`)).toBe(true);
      if (String(event['detail-type']).endsWith('via CloudTrail')) {
        // EventBridge copies these from the CloudTrail record.
        expect({ time: event.time, region: event.region, account: event.account }).toEqual({
          time: detail.eventTime,
          region: detail.awsRegion,
          account: detail.recipientAccountId,
        });
      }
    });
  });
});
