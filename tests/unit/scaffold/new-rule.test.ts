/**
 * The pattern patchbay new derives for a sample event: it matches that event (every event of the real corpus),
 * is a pattern EventBridge accepts, selects only fields the event has, and its YAML reads back as the same rule.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { matchEventPattern, parseEventPattern } from '../../../src/pattern';
import { selectFields } from '../../../src/runtime/select';
import { deriveRule, kebab, NewRuleError, renderPatternFile } from '../../../src/scaffold/new-rule';
import { sharedPath } from '../../support/shared';

function corpusEvents(): [string, Record<string, unknown>][] {
  const root = sharedPath('events-corpus');
  const out: [string, Record<string, unknown>][] = [];
  for (const dir of fs.readdirSync(root, { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    for (const name of fs.readdirSync(path.join(root, dir.name)).filter((n) => n.endsWith('.json')).sort()) {
      const event = JSON.parse(fs.readFileSync(path.join(root, dir.name, name), 'utf8')) as Record<string, unknown>;
      if (typeof event['detail-type'] === 'string' && typeof event.source === 'string') out.push([`${dir.name}/${name}`, event]);
    }
  }
  return out;
}

describe('Function: deriveRule', () => {
  const events = corpusEvents();

  it('finds the real EventBridge events of ../shared/events-corpus', () => {
    expect(events.length).toBeGreaterThan(40);
  });

  it.each(events)('derives a valid pattern that matches %s, and selects only fields it has', (_file, event) => {
    // Act
    const rule = deriveRule(event);

    // Assess
    expect(matchEventPattern(parseEventPattern(rule.pattern), event)).toBe(true);
    const selected = selectFields(rule.select, event);
    expect(Object.entries(selected).filter(([, value]) => value === null)).toEqual([]);
    // The subject names built-in fields and selected ones only.
    for (const [, key] of rule.subject.matchAll(/\{([^}]+)\}/g)) expect(['account', 'region', 'source', 'detail-type', 'time', 'id', 'rule', ...Object.keys(selected)]).toContain(key);
    expect(rule.suggestedName).toMatch(/^[a-z0-9-]+\/[a-z0-9-]+$/);
  });

  it('matches the distinguishing fields of a CloudTrail API call: eventSource, eventName and success', () => {
    // Prepare
    const event = { source: 'aws.dynamodb', 'detail-type': 'AWS API Call via CloudTrail', detail: { eventSource: 'dynamodb.amazonaws.com', eventName: 'DeleteBackup', requestParameters: { backupArn: 'arn:x' }, userIdentity: { arn: 'arn:aws:iam::1:user/a' }, sourceIPAddress: '192.0.2.1' } };

    // Act
    const rule = deriveRule(event);

    // Assess
    expect(rule.pattern).toEqual({
      source: ['aws.dynamodb'],
      'detail-type': ['AWS API Call via CloudTrail'],
      detail: { eventSource: ['dynamodb.amazonaws.com'], eventName: ['DeleteBackup'], errorCode: [{ exists: false }] },
    });
    expect(rule.select).toEqual({ actor: 'detail.userIdentity.arn', sourceIp: 'detail.sourceIPAddress', resource: 'detail.requestParameters.backupArn' });
    expect(rule.subject).toBe('DeleteBackup {resource} by {actor} in {account} {region}');
    expect(rule.suggestedName).toBe('dynamodb/delete-backup');
    // A failed call of the same API is not matched.
    expect(matchEventPattern(parseEventPattern(rule.pattern), { ...event, detail: { ...event.detail, errorCode: 'AccessDenied' } })).toBe(false);
  });

  it('keeps the error code of a failed call, and the root identity and outcome of a console sign-in', () => {
    // Act
    const failed = deriveRule({ source: 'aws.iam', 'detail-type': 'AWS API Call via CloudTrail', detail: { eventSource: 'iam.amazonaws.com', eventName: 'AttachRolePolicy', errorCode: 'AccessDenied' } });
    const signIn = deriveRule({ source: 'aws.signin', 'detail-type': 'AWS Console Sign In via CloudTrail', detail: { eventSource: 'signin.amazonaws.com', eventName: 'ConsoleLogin', userIdentity: { type: 'Root' }, responseElements: { ConsoleLogin: 'Failure' } } });

    // Assess
    expect(failed.pattern.detail).toEqual({ eventSource: ['iam.amazonaws.com'], eventName: ['AttachRolePolicy'], errorCode: ['AccessDenied'] });
    expect(failed.suggestedName).toBe('iam/attach-role-policy-access-denied');
    expect(signIn.pattern.detail).toEqual({ eventSource: ['signin.amazonaws.com'], eventName: ['ConsoleLogin'], userIdentity: { type: ['Root'] }, responseElements: { ConsoleLogin: ['Failure'] } });
    expect(signIn.suggestedName).toBe('signin/root-console-login-failure');
  });

  it.each([
    ['a CloudTrail log record', { eventSource: 'iam.amazonaws.com', eventName: 'CreateUser' }, /a CloudTrail log record without string "source" and "detail-type"/],
    ['an array', [], /the event is an array/],
    ['null', null, /the event is null/],
  ])('refuses %s (NEW_RULE_NOT_AN_EVENT)', (_name, input, message) => {
    // Act
    const error = (() => {
      try {
        deriveRule(input);
      } catch (e) {
        return e;
      }
      return undefined;
    })();

    // Assess
    expect(error).toBeInstanceOf(NewRuleError);
    expect(error).toMatchObject({ code: 'NEW_RULE_NOT_AN_EVENT', message: expect.stringMatching(message) });
  });
});

describe('Function: renderPatternFile', () => {
  it('writes YAML that reads back as the derived pattern, target and tests, quoting what YAML would misread', () => {
    // Prepare
    const rule = deriveRule({ source: 'aws.ec2', 'detail-type': 'EC2 Instance State-change Notification', detail: { 'instance-id': 'i-1', state: 'off' } });

    // Act
    const text = renderPatternFile(rule, { eventPath: 'events/ec2/off.json', functionKey: 'notify', topic: 'yes', noMatch: 'events/ec2/on.json', schemaPath: '../../schemas/pattern-file.schema.json' });

    // Assess
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../../schemas/pattern-file.schema.json');
    expect(parse(text)).toEqual({
      description: rule.description,
      pattern: { source: ['aws.ec2'], 'detail-type': ['EC2 Instance State-change Notification'], detail: { state: ['off'] } },
      targets: [{ function: 'notify', select: { instance: 'detail."instance-id"' }, notify: { topic: 'yes', subject: 'EC2 instance {instance} off in {account} {region}' } }],
      tests: { match: ['events/ec2/off.json'], 'no-match': ['events/ec2/on.json'] },
    });
  });
});

describe('Function: kebab', () => {
  it.each([
    ['DeleteTable', 'delete-table'],
    ['EC2 Instance State-change Notification', 'ec2-instance-state-change-notification'],
    ['CreateDBInstance', 'create-db-instance'],
    ['NON_COMPLIANT', 'non-compliant'],
  ])('%s -> %s', (input, output) => {
    expect(kebab(input)).toBe(output);
  });
});
