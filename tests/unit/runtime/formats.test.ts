/**
 * Topic formats, golden on real corpus events: chat (Amazon Q Developer in chat applications custom notification),
 * json (the stable machine document) and text with one body per protocol for SMS subscribers.
 */
import fs from 'node:fs';
import { createPublishRequest } from '../../../src/runtime/publish';
import { renderNotification, SNS_LIMITS, type NotificationInput } from '../../../src/runtime/notification';
import type { JsonNotification } from '../../../src/runtime/formats';
import { sharedPath } from '../../support/shared';

const corpus = (file: string) => JSON.parse(fs.readFileSync(sharedPath('events-corpus', file), 'utf8')) as Record<string, any>;

const CASES: [string, string, Partial<NotificationInput>][] = [
  ['a GuardDuty finding', 'guardduty/custodian-ec2-c2-dns-sample.json', { severity: 'high', subject: 'GuardDuty finding {type}', fields: { type: 'Backdoor:EC2/C&CActivity.B!DNS' } }],
  ['a root sign-in', 'console-signin/docs-eb-root-success.json', { severity: 'critical', subject: 'Root signed in to {account}', fields: {} }],
  ['a Config NON_COMPLIANT change', 'config/nzism-compliance-change-noncompliant-loggroup-retention.json', { subject: 'Config: {resource} non-compliant', fields: { resource: 'log group' } }],
  ['a security-group change', 'cloudtrail-api-call/ec2-authorizesecuritygroupingress-0.0.0.0-0-port55.json', { severity: 'medium', subject: 'Security group opened', fields: {} }],
];

function input(file: string, overrides: Partial<NotificationInput>): NotificationInput {
  return { rule: { name: 'the-rule', description: 'What the rule watches' }, event: corpus(file), fields: {}, accountAliases: { '123456789012': 'prod-main' }, ...overrides };
}

describe('Format: text (default)', () => {
  it.each(CASES)('%s: the summary first, then who (when someone acted), what, which, where with the alias, when and the console link', (_name, file, overrides) => {
    // Act
    const { message } = renderNotification(input(file, overrides));
    const lines = message.split('\n');

    // Assess
    const event = corpus(file);
    expect(lines[0]).toMatch(overrides.severity ? new RegExp(`^\\[${overrides.severity.toUpperCase()}\\] \\S`) : /^\S/);
    if (event.detail?.userIdentity?.arn) expect(message).toContain(`\nWho: ${event.detail.userIdentity.arn}`);
    expect(message).toMatch(/\nWhat: .+\n/);
    // A console sign-in acts on no resource but the account itself.
    if (event['detail-type'] !== 'AWS Console Sign In via CloudTrail') expect(message).toMatch(/\nWhich: .+\n/);
    expect(message).toContain(`\nWhere: ${event.account}${event.account === '123456789012' ? ' (prod-main)' : ''}, ${event.region}\n`);
    expect(message).toContain(`\nWhen: ${event.time}\n`);
    expect(message).toMatch(/\nLink: https:\/\/[a-z0-9-]+\.console\.aws\.amazon\.com\//);
  });
});

describe('Format: chat (Amazon Q Developer in chat applications custom notification)', () => {
  it.each(CASES)('%s: version 1.0, source custom, a title with the severity, summary/who/what/which in the description, the console link as next step', (_name, file, overrides) => {
    // Act
    const { message, subject, messageStructure } = renderNotification({ ...input(file, overrides), format: 'chat' });
    const chat = JSON.parse(message);

    // Assess
    const event = corpus(file);
    expect(messageStructure).toBeUndefined();
    expect(chat).toEqual({
      version: '1.0',
      source: 'custom',
      id: event.id,
      content: {
        textType: 'client-markdown',
        title: expect.stringContaining(subject),
        description: expect.stringMatching(/^What the rule watches\n\*Summary:\* .+\n(\*Who:\* .+\n)?\*What:\* .+/),
        nextSteps: expect.arrayContaining([expect.stringMatching(/^Open it in the AWS console: https:\/\/.+\.console\.aws\.amazon\.com\//), 'Review rule the-rule']),
        keywords: expect.arrayContaining(['the-rule', event.source]),
      },
      metadata: expect.objectContaining({ threadId: 'the-rule', eventType: event['detail-type'], relatedResources: expect.any(Array) }),
    });
    if (overrides.severity) expect(chat.content.title).toMatch(/^:[a-z_]+: \[/);
    expect(Buffer.byteLength(message)).toBeLessThanOrEqual(SNS_LIMITS.payloadMaxBytes);
  });

  it('escapes Slack/Teams markdown in event values', () => {
    // Act
    const chat = JSON.parse(renderNotification({ ...input(CASES[0]![1], { fields: { note: '*bold* _x_ `y`' } }), format: 'chat' }).message);

    // Assess
    expect(chat.content.description).toContain('*note:* \\*bold\\* \\_x\\_ \\`y\\`');
  });
});

describe('Format: json (for machines)', () => {
  it.each(CASES)('%s: the documented stable document', (_name, file, overrides) => {
    // Act
    const { message, subject } = renderNotification({ ...input(file, overrides), format: 'json' });
    const doc = JSON.parse(message) as JsonNotification;

    // Assess
    const event = corpus(file);
    expect(doc).toEqual(
      expect.objectContaining({
        version: 1,
        rule: 'the-rule',
        description: 'What the rule watches',
        subject,
        summary: expect.any(String),
        what: expect.any(String),
        resources: expect.any(Array),
        where: expect.objectContaining({ account: event.account, region: event.region }),
        when: event.time,
        link: expect.stringMatching(/^https:\/\//),
        event: expect.objectContaining({ id: event.id, source: event.source, 'detail-type': event['detail-type'] }),
        fields: overrides.fields,
      }),
    );
    expect(doc.severity).toBe(overrides.severity);
  });

  it('leaves the selected fields out, and says so, when they would not fit in 256 KiB', () => {
    // Act
    const { message } = renderNotification({ ...input(CASES[0]![1], { fields: { big: 'x'.repeat(300_000) } }), format: 'json' });

    // Assess
    expect(Buffer.byteLength(message)).toBeLessThanOrEqual(SNS_LIMITS.payloadMaxBytes);
    expect(JSON.parse(message)).toEqual(expect.objectContaining({ fieldsOmitted: true }));
    expect(JSON.parse(message).fields).toBeUndefined();
  });
});

describe('Format: text with SMS subscribers (MessageStructure json)', () => {
  it('sends the full text by default and the subject alone by SMS', () => {
    // Act
    const notification = renderNotification({ ...input(CASES[1]![1], CASES[1]![2]), sms: true });
    const request = createPublishRequest('arn:aws:sns:us-east-1:123456789012:t', notification);

    // Assess
    expect(request.MessageStructure).toBe('json');
    const bodies = JSON.parse(request.Message!);
    expect(bodies.sms).toBe(request.Subject);
    expect(bodies.default).toMatch(/^\[CRITICAL\] ConsoleLogin Success by /);
    expect(bodies.email).toBe(bodies.default);
  });

  it('stays within 256 KiB with huge fields', () => {
    const notification = renderNotification({ ...input(CASES[1]![1], { fields: { big: '"\n'.repeat(150_000) } }), sms: true });
    expect(Buffer.byteLength(notification.message) + Buffer.byteLength(notification.subject)).toBeLessThanOrEqual(SNS_LIMITS.payloadMaxBytes);
  });
});
