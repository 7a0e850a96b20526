/**
 * The facts of a notification (who, what, which resource, where, when, console link), read from real events of
 * ../shared/events-corpus, and the whole message rendered for four kinds of alert.
 */
import fs from 'node:fs';
import { eventFacts } from '../../../src/runtime/facts';
import { renderNotification } from '../../../src/runtime/notification';
import { severityOf, compileSeverity } from '../../../src/runtime/severity';
import { sharedPath } from '../../support/shared';

const corpus = (file: string) => JSON.parse(fs.readFileSync(sharedPath('events-corpus', file), 'utf8')) as Record<string, unknown>;

describe('Function: eventFacts (real events of the corpus)', () => {
  it('a GuardDuty finding: its type and title, the instance, the finding in the GuardDuty console', () => {
    // Prepare
    const event = corpus('guardduty/custodian-ec2-c2-dns-sample.json');
    const detail = event.detail as { id: string; type: string; resource: { instanceDetails: { instanceId: string } } };

    // Act
    const facts = eventFacts(event);

    // Assess
    expect(facts.summary).toBe(`GuardDuty ${detail.type} on ${detail.resource.instanceDetails.instanceId}`);
    expect(facts.resources).toEqual([detail.resource.instanceDetails.instanceId]);
    expect(facts.link).toBe(`https://${event.region}.console.aws.amazon.com/guardduty/home?region=${event.region}#/findings?macros=current&fId=${detail.id}`);
    expect(facts.who).toBeUndefined();
  });

  it('a root console sign-in: the root ARN, its source IP and MFA, the event in CloudTrail event history', () => {
    // Prepare
    const event = corpus('console-signin/docs-eb-root-success.json');
    const detail = event.detail as { eventID: string; sourceIPAddress: string; userIdentity: { arn: string }; additionalEventData: { MFAUsed: string } };

    // Act
    const facts = eventFacts(event, { accountAliases: { [event.account as string]: 'management' } });

    // Assess
    expect(facts.summary).toBe(`ConsoleLogin Success by ${detail.userIdentity.arn}`);
    expect(facts.who).toEqual(expect.objectContaining({ actor: detail.userIdentity.arn, type: 'Root', sourceIp: detail.sourceIPAddress, mfa: detail.additionalEventData.MFAUsed === 'Yes' }));
    expect(facts.where).toBe(`${event.account} (management), ${event.region}`);
    expect(facts.link).toBe(`https://${event.region}.console.aws.amazon.com/cloudtrailv2/home?region=${event.region}#/events/${detail.eventID}`);
  });

  it('a Config NON_COMPLIANT change: the rule and compliance, the resource, its timeline in the Config console', () => {
    // Prepare
    const event = corpus('config/nzism-compliance-change-noncompliant-loggroup-retention.json');
    const detail = event.detail as { configRuleName: string; resourceId: string; resourceType: string };

    // Act
    const facts = eventFacts(event);

    // Assess
    expect(facts.what).toBe(`Config rule ${detail.configRuleName}: NON_COMPLIANT`);
    expect(facts.resources).toContain(`${detail.resourceType} ${detail.resourceId}`);
    expect(facts.link).toBe(
      `https://${event.region}.console.aws.amazon.com/config/home?region=${event.region}#/resources/timeline?resourceId=${encodeURIComponent(detail.resourceId)}&resourceType=${encodeURIComponent(detail.resourceType)}`,
    );
  });

  it('a security-group change (CloudTrail API call): actor, the group from the request, the event in CloudTrail', () => {
    // Prepare
    const event = corpus('cloudtrail-api-call/ec2-authorizesecuritygroupingress-0.0.0.0-0-port55.json');
    const detail = event.detail as { eventID: string; userIdentity: { arn: string }; requestParameters: { groupId: string } };

    // Act
    const facts = eventFacts(event);

    // Assess
    expect(facts.what).toBe('ec2.amazonaws.com AuthorizeSecurityGroupIngress');
    expect(facts.who?.actor).toBe(detail.userIdentity.arn);
    expect(facts.resources).toContain(detail.requestParameters.groupId);
    expect(facts.summary).toBe(`AuthorizeSecurityGroupIngress by ${detail.userIdentity.arn} on ${facts.resources[0]}`);
    expect(facts.link).toContain(`cloudtrailv2/home?region=${event.region}#/events/${detail.eventID}`);
  });

  it('a failed API call says so, with its error code', () => {
    // Act
    const facts = eventFacts({ 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.iam', detail: { eventSource: 'iam.amazonaws.com', eventName: 'AttachRolePolicy', errorCode: 'AccessDenied', errorMessage: 'not authorized' } });

    // Assess
    expect(facts.what).toBe('iam.amazonaws.com AttachRolePolicy, failed: AccessDenied (not authorized)');
    expect(facts.summary).toBe('AttachRolePolicy failed (AccessDenied)');
    expect(facts.link).toBeUndefined(); // no Region, no eventID: no link
  });

  it('never throws for any JSON value in any field', () => {
    for (const detail of [null, 1, 'x', [], { userIdentity: 5, eventName: 7, resources: 'r', requestParameters: [1] }]) {
      for (const detailType of ['AWS API Call via CloudTrail', 'GuardDuty Finding', 'Security Hub Findings - Imported', 'Config Rules Compliance Change', 'EC2 Instance State-change Notification', 'x']) {
        expect(() => eventFacts({ 'detail-type': detailType, detail, region: 'eu-west-1' })).not.toThrow();
      }
    }
  });
});

describe('Function: renderNotification (golden, real events)', () => {
  it('a GuardDuty finding with the severity read from the event: subject prefix, summary, severity line and attribute', () => {
    // Prepare
    const event = corpus('guardduty/custodian-iamuser-torcaller-sample.json');
    const severity = compileSeverity({ expression: 'detail.severity' }).evaluate(event)!;
    const detail = event.detail as { severity: number; type: string };

    // Act
    const notification = renderNotification({ rule: { name: 'guardduty-finding', description: 'A GuardDuty finding' }, event, fields: {}, subject: 'GuardDuty {detail-type}', severity });

    // Assess
    expect(severity).toBe(severityOf(detail.severity));
    expect(notification.subject).toBe(`[${severity.toUpperCase()}] GuardDuty GuardDuty Finding`);
    expect(notification.message.split('\n')[0]).toMatch(new RegExp(`^\\[${severity.toUpperCase()}\\] GuardDuty ${detail.type.replace(/[/:]/g, '.')}`));
    expect(notification.message).toContain(`\nSeverity: ${severity}\n`);
    expect(notification.message).toMatch(/\nLink: https:\/\/.*guardduty\/home\?region=/);
    expect(notification.messageAttributes.severity).toEqual({ DataType: 'String', StringValue: severity });
  });
});

describe('Function: severityOf', () => {
  it.each([
    [0.5, 'info'],
    [1, 'low'],
    [3.9, 'low'],
    [4, 'medium'],
    [7, 'high'],
    [8.9, 'high'],
    [9, 'critical'],
    ['HIGH', 'high'],
    ['INFORMATIONAL', 'info'],
    ['8', 'high'],
    ['urgent', undefined],
    [null, undefined],
  ])('%p -> %p (GuardDuty scale, level names)', (value, level) => {
    expect(severityOf(value)).toBe(level);
  });

  it('takes a rule\'s own thresholds and default', () => {
    // Prepare
    const severity = compileSeverity({ expression: 'detail.score', levels: { low: 10, medium: 50, high: 80, critical: 95 }, default: 'medium' });

    // Act + Assess
    expect(severity.evaluate({ detail: { score: 85 } })).toBe('high');
    expect(severity.evaluate({ detail: { score: 5 } })).toBe('info');
    expect(severity.evaluate({ detail: {} })).toBe('medium');
    expect(compileSeverity('critical').evaluate({})).toBe('critical');
    expect(compileSeverity(undefined).evaluate({})).toBeUndefined();
  });
});
