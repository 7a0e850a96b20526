/**
 * CloudTrail record -> EventBridge event, on the corpus: every record converts or says why not, and the records
 * inside real EventBridge envelopes convert back to those envelopes' fields.
 */
import fs from 'node:fs';
import path from 'node:path';
import { convertCloudTrailRecord, eventIdOf, reachesRuleState, sourceOf, isCloudTrailDocument, type DeliveryFacts } from '../../../src/cloudtrail';

const CORPUS = path.resolve(__dirname, '../../../../shared/events-corpus');
const json = (file: string): Record<string, unknown> => JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
const filesIn = (dir: string): string[] => fs.readdirSync(path.join(CORPUS, dir)).filter((n) => n.endsWith('.json')).sort().map((n) => path.join(CORPUS, dir, n));

describe('Function: convertCloudTrailRecord', () => {
  const envelopes = ['cloudtrail-api-call', 'console-signin', 'cloudtrail-service-event'].flatMap(filesIn);

  /**
   * The S3 Batch Operations examples of the S3 user guide are documentation placeholders that disagree with
   * themselves: the envelope says account 123456789012, the record (which has no recipientAccountId) says
   * userIdentity.accountId 1111222233334444 / 11112223334444. The converter can only use the record.
   */
  const accountPlaceholders = new Set(['s3-batchops-jobcreated.json', 's3-batchops-jobstatuschanged.json']);

  it.each(envelopes.map((f) => [path.basename(f), f]))('gives the envelope EventBridge delivered for the record of %s', (name, file) => {
    // Prepare
    const envelope = json(file);
    const detail = envelope.detail as Record<string, unknown>;
    // Act
    const result = convertCloudTrailRecord(detail);
    // Assess
    if (!('event' in result)) throw new Error(`skipped: ${result.skipped}`);
    expect(result.event).toEqual(
      expect.objectContaining({ version: '0', source: envelope.source, 'detail-type': envelope['detail-type'], region: envelope.region, resources: [], detail }),
    );
    if (!accountPlaceholders.has(name)) expect(result.event.account).toBe(envelope.account);
    // EventBridge stamps `time` when it receives the event, a few seconds after eventTime (3 s in the real
    // iam-deleterolepermissionsboundary capture); the record only has eventTime.
    expect(result.event.time).toBe(detail.eventTime);
    const lagMs = Date.parse(envelope.time as string) - Date.parse(detail.eventTime as string);
    expect(lagMs).toBeGreaterThanOrEqual(0);
    expect(lagMs).toBeLessThan(5 * 60_000);
  });

  const records = filesIn('cloudtrail-records');
  const expectedSkips: Record<string, string> = { 'stratus-s3-deleteobject-dataevent.json': 'no eventTime' };

  it.each(records.map((f) => [path.basename(f), f]))('converts %s or says why it cannot', (name, file) => {
    // Prepare
    const record = json(file);
    // Act
    const result = convertCloudTrailRecord(record);
    // Assess
    if (expectedSkips[name]) {
      expect(result).toEqual({ skipped: expectedSkips[name] });
      return;
    }
    if (!('event' in result)) throw new Error(`skipped: ${result.skipped}`);
    const eventType = record.eventType ?? 'AwsApiCall';
    const detailType = { AwsApiCall: 'AWS API Call via CloudTrail', AwsConsoleSignIn: 'AWS Console Sign In via CloudTrail', AwsConsoleSignin: 'AWS Console Sign In via CloudTrail', AwsCloudTrailInsight: 'AWS Insight via CloudTrail' }[eventType as string];
    expect(result.event['detail-type']).toBe(detailType);
    const eventSource = (record.eventSource ?? (record.insightDetails as Record<string, unknown>).eventSource) as string;
    expect(result.event.source).toBe(`aws.${eventSource.replace('.amazonaws.com', '')}`);
    expect(result.event.time).toBe(record.eventTime);
    expect(result.event.region).toBe(record.awsRegion);
    expect(result.event.detail).toBe(record);
    expect(result.event.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(convertCloudTrailRecord(record)).toEqual(result);
  });

  it('maps every documented eventType, and refuses an unknown one', () => {
    const base = { eventSource: 'ec2.amazonaws.com', eventTime: '2026-01-01T00:00:00Z', awsRegion: 'eu-west-1', recipientAccountId: '111122223333', eventID: 'x' };
    const detailType = (eventType: string) => {
      const result = convertCloudTrailRecord({ ...base, eventType });
      return 'event' in result ? result.event['detail-type'] : result.skipped;
    };
    expect(detailType('AwsApiCall')).toBe('AWS API Call via CloudTrail');
    expect(detailType('AwsConsoleSignIn')).toBe('AWS Console Sign In via CloudTrail');
    expect(detailType('AwsConsoleAction')).toBe('AWS Console Action via CloudTrail');
    expect(detailType('AwsServiceEvent')).toBe('AWS Service Event via CloudTrail');
    expect(detailType('AwsCloudTrailInsight')).toBe('AWS Insight via CloudTrail');
    expect(detailType('Nope')).toBe('unknown eventType "Nope"');
  });

  it('skips records without eventSource or eventTime, and non-objects', () => {
    expect(convertCloudTrailRecord({ eventTime: '2026-01-01T00:00:00Z', awsRegion: 'us-east-1' })).toEqual({ skipped: 'no eventSource' });
    expect(convertCloudTrailRecord({ eventSource: 'iam.amazonaws.com', awsRegion: 'us-east-1' })).toEqual({ skipped: 'no eventTime' });
    expect(convertCloudTrailRecord(null)).toEqual({ skipped: 'not a JSON object' });
    expect(convertCloudTrailRecord([1])).toEqual({ skipped: 'not a JSON object' });
  });

  it('derives the id from eventID, deterministically', () => {
    const record = { eventSource: 'iam.amazonaws.com', eventTime: '2026-01-01T00:00:00Z', awsRegion: 'us-east-1', recipientAccountId: '1', eventID: 'abc' };
    const result = convertCloudTrailRecord(record);
    expect('event' in result && result.event.id).toBe(eventIdOf('abc'));
    expect(eventIdOf('abc')).not.toBe(eventIdOf('abd'));
  });

  it('states the delivery facts: read-only management, data, global service outside us-east-1', () => {
    const base = { eventSource: 'iam.amazonaws.com', eventTime: '2026-01-01T00:00:00Z', recipientAccountId: '1', eventID: 'e' };
    const facts = (extra: Record<string, unknown>) => {
      const result = convertCloudTrailRecord({ ...base, awsRegion: 'us-east-1', ...extra });
      return 'facts' in result ? result.facts : undefined;
    };
    expect(facts({ readOnly: true })).toEqual({ readOnlyManagement: true, dataEvent: false, globalElsewhere: false });
    expect(facts({ readOnly: true, eventCategory: 'Data', eventSource: 's3.amazonaws.com' })).toEqual({ readOnlyManagement: false, dataEvent: true, globalElsewhere: false });
    expect(facts({ awsRegion: 'eu-west-1' })).toEqual({ readOnlyManagement: false, dataEvent: false, globalElsewhere: true });
    expect(facts({ awsRegion: 'eu-west-1', eventSource: 'sts.amazonaws.com' })?.globalElsewhere).toBe(true);
    expect(facts({ awsRegion: 'eu-west-1', eventSource: 'ec2.amazonaws.com' })?.globalElsewhere).toBe(false);
  });
});

describe('Function: reachesRuleState', () => {
  const plain: DeliveryFacts = { readOnlyManagement: false, dataEvent: false, globalElsewhere: false };
  it.each<{ name: string; facts: Partial<DeliveryFacts>; state: string; expected: boolean; dataEventsLogged?: boolean }>([
    { name: 'write event, ENABLED', facts: {}, state: 'ENABLED', expected: true },
    { name: 'write event, DISABLED', facts: {}, state: 'DISABLED', expected: false },
    { name: 'read-only event, ENABLED', facts: { readOnlyManagement: true }, state: 'ENABLED', expected: false },
    { name: 'read-only event, ALL_CLOUDTRAIL', facts: { readOnlyManagement: true }, state: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS', expected: true },
    { name: 'global service elsewhere', facts: { globalElsewhere: true }, state: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS', expected: false },
    { name: 'data event, logged (default)', facts: { dataEvent: true }, state: 'ENABLED', expected: true },
    { name: 'data event, not logged', facts: { dataEvent: true }, state: 'ENABLED', expected: false, dataEventsLogged: false },
  ])('$name', ({ facts, state, expected, dataEventsLogged }) => {
    expect(reachesRuleState({ ...plain, ...facts }, state, dataEventsLogged === undefined ? {} : { dataEventsLogged })).toBe(expected);
  });
});

describe('Function: sourceOf / isCloudTrailDocument', () => {
  it('maps eventSource to aws.<prefix> with the exceptions', () => {
    expect(sourceOf('dynamodb.amazonaws.com')).toBe('aws.dynamodb');
    expect(sourceOf('monitoring.amazonaws.com')).toBe('aws.cloudwatch');
  });
  it('tells CloudTrail documents from EventBridge events', () => {
    expect(isCloudTrailDocument({ Records: [] })).toBe(true);
    expect(isCloudTrailDocument(json(path.join(CORPUS, 'cloudtrail-records/kms-schedulekeydeletion.json')))).toBe(true);
    expect(isCloudTrailDocument(json(path.join(CORPUS, 'cloudtrail-api-call/ec2-createimage.json')))).toBe(false);
  });
});
