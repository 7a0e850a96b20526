/**
 * The aggregation example (examples/aggregation), packaged as its README says for each role, stage prod, offline:
 * members forward to the central account's bus with a role allowed to put events there only; the central account
 * creates that bus, admits its organization, archives, and alerts through SNS.
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { specProblems } from '../unit/compiler/cfn-spec';
import { securityProblems } from '../unit/compiler/security-assertions';
import { copyService, idsOf, readTemplate, repoRoot, runSls, type Run, type Template } from './package-helpers';

const example = path.join(repoRoot, 'examples/aggregation');
const CENTRAL_BUS_ARN = 'arn:aws:events:us-east-1:111122223333:event-bus/aggregation-prod-central';

async function packageRole(role: string): Promise<{ dir: string; run: Run; template?: Template }> {
  const dir = await copyService(example, `patchbay-aggregation-${role}-`);
  const run = await runSls(dir, ['package', '--stage', 'prod', `--param=role=${role}`]);
  return { dir, run, template: run.code === 0 ? await readTemplate(dir) : undefined };
}

describe('Example: examples/aggregation', () => {
  const dirs: string[] = [];
  let member: Awaited<ReturnType<typeof packageRole>>;
  let central: Awaited<ReturnType<typeof packageRole>>;

  beforeAll(async () => {
    [member, central] = await Promise.all([packageRole('member'), packageRole('central')]);
    dirs.push(member.dir, central.dir);
  });

  afterAll(async () => {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('packages for both roles with --stage prod --param="role=..."', () => {
    // Assess
    expect([member.run.code, central.run.code]).toEqual([0, 0]);
    expect(member.run.output).toContain('Packaging aggregation for stage prod');
  });

  describe('role=member', () => {
    it('warns, without failing, that the CloudTrail rules need a trail logging in each member account (the example has none: README)', () => {
      // Assess
      expect(member.run.code).toBe(0);
      expect(member.run.output).toMatch(
        /serverless\.yml:\d+:\d+: warning: \/custom\/patchbay: 2 rules match "AWS API Call via CloudTrail" events \(patterns\/member\/forward-iam-changes\.yml, patterns\/member\/forward-root-activity\.yml\) .*\[CLOUDTRAIL_TRAIL_REQUIRED\]/,
      );
      expect(central.run.output).not.toContain('CLOUDTRAIL_TRAIL_REQUIRED');
    });

    it("forwards every rule's events unchanged to the central bus ARN, with the forward role and a dead-letter queue", () => {
      // Prepare
      const template = member.template!;

      // Assess
      const rules = idsOf(template, 'AWS::Events::Rule');
      expect(rules).toEqual(['PatchbayRuleForwardFindings', 'PatchbayRuleForwardIamChanges', 'PatchbayRuleForwardRootActivity']);
      for (const id of rules) {
        expect(template.Resources[id].Properties).not.toHaveProperty('EventBusName');
        expect(template.Resources[id].Properties.Targets).toEqual([
          {
            Id: 'bus-central',
            Arn: CENTRAL_BUS_ARN,
            RoleArn: { 'Fn::GetAtt': ['PatchbayForwardRoleCentral', 'Arn'] },
            DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['PatchbayDeadLetterQueue', 'Arn'] } },
          },
        ]);
      }
    });

    it('lets EventBridge put events on the central bus only, for these rules only', () => {
      // Prepare
      const role = member.template!.Resources.PatchbayForwardRoleCentral.Properties;

      // Assess
      expect(role.Policies).toEqual([
        { PolicyName: 'put-events', PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'events:PutEvents', Resource: CENTRAL_BUS_ARN }] } },
      ]);
      expect(role.AssumeRolePolicyDocument.Statement[0].Condition.ArnEquals['aws:SourceArn']).toEqual(
        ['forward-findings', 'forward-iam-changes', 'forward-root-activity'].map((rule) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:rule/aggregation.prod.${rule}` })),
      );
    });

    it('creates no bus, policy, topic or archive of its own', () => {
      // Assess
      for (const type of ['AWS::Events::EventBus', 'AWS::Events::EventBusPolicy', 'AWS::SNS::Topic', 'AWS::Events::Archive']) expect(idsOf(member.template!, type)).toEqual([]);
    });
  });

  describe('role=central', () => {
    it('creates the central bus under the name members forward to', () => {
      // Assess
      expect(central.template!.Resources.PatchbayBusCentral.Properties.Name).toBe('aggregation-prod-central');
      expect(central.template!.Outputs.PatchbayBusCentralArn.Value).toEqual({ 'Fn::GetAtt': ['PatchbayBusCentral', 'Arn'] });
    });

    it('admits the organization, and only it: events:PutEvents on this bus with aws:PrincipalOrgID', () => {
      // Assess
      expect(idsOf(central.template!, 'AWS::Events::EventBusPolicy').map((id) => central.template!.Resources[id].Properties)).toEqual([
        {
          EventBusName: { Ref: 'PatchbayBusCentral' },
          StatementId: 'aggregation-prod-central-org-o-a1b2c3d4e5',
          Statement: {
            Effect: 'Allow',
            Principal: '*',
            Action: 'events:PutEvents',
            Resource: { 'Fn::GetAtt': ['PatchbayBusCentral', 'Arn'] },
            Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
          },
        },
      ]);
    });

    it('archives the bus, alerts from it without re-alerting on replays, and forwards its own account too', () => {
      // Prepare
      const { Resources } = central.template!;

      // Assess
      expect(Resources.PatchbayArchiveCentral.Properties).toEqual(expect.objectContaining({ ArchiveName: 'aggregation-prod-central', RetentionDays: 90 }));
      for (const id of ['PatchbayRuleHighSeverityFinding', 'PatchbayRuleRootActivity', 'PatchbayRuleIamChanges']) {
        expect(Resources[id].Properties.EventBusName).toEqual({ Ref: 'PatchbayBusCentral' });
        expect(Resources[id].Properties.EventPattern['replay-name']).toEqual([{ exists: false }]);
        expect(Resources[id].Properties.Targets[0].Arn).toEqual({ Ref: 'PatchbayTopicSecurity' });
      }
      expect(Resources.PatchbayRuleForwardOwnEvents.Properties.Targets[0]).toEqual(expect.objectContaining({ Arn: { 'Fn::GetAtt': ['PatchbayBusCentral', 'Arn'] } }));
    });
  });

  it.each(['member', 'central'])('role=%s conforms to the resource specification and passes the security assertions', (role) => {
    // Prepare
    const { template } = role === 'member' ? member : central;

    // Assess
    expect(specProblems(template!.Resources)).toEqual([]);
    expect(securityProblems(template!.Resources)).toEqual([]);
  });
});
