import fc from 'fast-check';
import {
  MESSAGE_LINE_MAX_CHARS,
  SNS_LIMITS,
  fillTemplate,
  renderMessage,
  renderMessageAttributes,
  renderNotification,
  renderSubject,
  sanitizeSubject,
  truncateUtf8,
  type NotificationInput,
} from '../../../src/runtime';
import { readEvent } from '../../fixtures/runtime/fixtures';

/** What SNS accepts as a subject: 1-99 ASCII printable characters, starting with a letter, number or punctuation. */
const VALID_SUBJECT = /^[\x21-\x7E][\x20-\x7E]{0,98}$/;

/** Hard characters for subjects: control characters, line breaks, Unicode spaces, accents, emoji, lone surrogates. */
const nastyChar = fc.oneof(
  fc.constantFrom('\n', '\r', '\t', '\u0000', '\u001F', '\u007F', '\u0085', '\u00A0', '\u2028', '\u2029', '\u200B', '\uFEFF'),
  fc.constantFrom('é', 'ß', 'Å', '…', '“', '”', '–', '😀', '表', '\uD800', '\uDFFF', '\u0301', 'ﬁ', 'Ａ'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }),
);
const nastyString = fc.string({ unit: nastyChar, maxLength: 300 });

function input(overrides: Partial<NotificationInput> = {}): NotificationInput {
  return {
    rule: { name: 'dynamodb-delete-table', description: 'A DynamoDB table was deleted' },
    event: readEvent('dynamodb-delete-table'),
    fields: { table: 'orders', actor: 'arn:aws:iam::123456789012:user/alice' },
    ...overrides,
  };
}

describe('Function: renderSubject', () => {
  it('fills select keys and envelope placeholders', () => {
    // Act
    const subject = renderSubject('{table}: {rule} {account} {region} {time}', input());
    const envelope = fillTemplate('{detail-type}|{source}|{id}', input());

    // Assess
    expect(subject).toBe('orders: dynamodb-delete-table 123456789012 us-east-1 2025-05-01T12:34:56Z');
    expect(envelope).toBe('AWS API Call via CloudTrail|aws.dynamodb|6a7e8feb-b491-4cf7-a9f1-bf3703467718');
  });

  it('cuts a long rendered subject to 99 characters', () => {
    // Act
    const subject = renderSubject('[{rule}] {table} deleted by {actor} in {account}/{region} at {time}', input());

    // Assess
    expect(subject).toBe('[dynamodb-delete-table] orders deleted by arn:aws:iam::123456789012:user/alice in 123456789012/u...');
    expect(subject).toHaveLength(99);
  });

  it('renders missing, null and empty values as -', () => {
    // Act
    const subject = renderSubject('{table} {nope} {empty} {nothing}', input({ fields: { table: null, empty: '', nothing: undefined } }));

    // Assess
    expect(subject).toBe('- - - -');
  });

  it('lets a select key shadow an envelope field of the same name', () => {
    // Act
    const subject = renderSubject('from {source}', input({ fields: { source: 'mine' } }));

    // Assess
    expect(subject).toBe('from mine');
  });

  it('renders non-string values as compact JSON', () => {
    // Act
    const subject = renderSubject('{n} {b} {list} {obj}', input({ fields: { n: 0, b: false, list: ['a', 1], obj: { k: 'v' } } }));

    // Assess
    expect(subject).toBe('0 false ["a",1] {"k":"v"}');
  });

  it('defaults to [<rule>] <detail-type> from <source>', () => {
    // Act
    const subject = renderSubject(undefined, input());

    // Assess
    expect(subject).toBe('[dynamodb-delete-table] AWS API Call via CloudTrail from aws.dynamodb');
  });

  it('builds the default from the envelope even when a select key has an envelope name', () => {
    // Act
    const subject = renderSubject(undefined, input({ fields: { source: 'selected', rule: 'selected' } }));

    // Assess
    expect(subject).toBe('[dynamodb-delete-table] AWS API Call via CloudTrail from aws.dynamodb');
  });

  it('falls back to the default when the template renders to nothing', () => {
    // Act
    const subject = renderSubject('\n\t{blank} \u0007', input({ fields: { blank: ' \u0000 ' } }));

    // Assess
    expect(subject).toBe('[dynamodb-delete-table] AWS API Call via CloudTrail from aws.dynamodb');
  });

  it('removes line breaks and control characters an event smuggles into a field', () => {
    // Act
    const subject = renderSubject('Table {table} deleted', input({ fields: { table: 'orders\r\nBcc: victim@example.com\u0000\u001b[31m' } }));

    // Assess
    expect(subject).toBe('Table orders Bcc: victim@example.com [31m deleted');
  });

  it('property: any template and field values give a valid SNS subject', () => {
    fc.assert(
      fc.property(nastyString, fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(nastyString, fc.jsonValue())), (template, fields) => {
        // Act
        const subject = renderSubject(template, input({ fields }));

        // Assess
        expect(subject).toMatch(VALID_SUBJECT);
      }),
      { numRuns: 500 },
    );
  });
});

describe('Function: sanitizeSubject', () => {
  it.each([
    ['accents are stripped', 'Tablé “orders” – supprimée…', 'Table "orders" - supprimee...'],
    ['white space collapses', '  a \t\n b\u00A0\u2028c  ', 'a b c'],
    ['other non-ASCII characters become ?', 'Table 表 deleted 😀', 'Table ? deleted ?'],
    ['full-width letters become ASCII', 'ＤｅｌｅｔｅＴａｂｌｅ', 'DeleteTable'],
    ['control characters become spaces', 'a\u0000b\u007Fc\u009Fd', 'a b c d'],
    ['only white space gives nothing', ' \n\t\u0000 ', ''],
  ])('%s', (_, text, expected) => {
    // Act
    const subject = sanitizeSubject(text);

    // Assess
    expect(subject).toBe(expected);
  });

  it('cuts at 99 characters, ending in ... without a space before it', () => {
    // Prepare
    const text = `${'x'.repeat(95)} ${'y'.repeat(20)}`;

    // Act
    const subject = sanitizeSubject(text);

    // Assess
    expect(subject).toBe(`${'x'.repeat(95)}...`);
    expect(subject.length).toBeLessThanOrEqual(SNS_LIMITS.subjectMaxChars);
  });

  it('keeps a 99-character subject whole', () => {
    // Prepare
    const text = 'a'.repeat(99);

    // Act
    const subject = sanitizeSubject(text);

    // Assess
    expect(subject).toBe(text);
  });

  it('property: any string gives at most 99 printable ASCII characters, single-spaced and trimmed', () => {
    fc.assert(
      fc.property(nastyString, (text) => {
        // Act
        const subject = sanitizeSubject(text);

        // Assess
        expect(subject.length).toBeLessThanOrEqual(99);
        expect(subject).toMatch(/^[\x20-\x7E]*$/);
        expect(subject).not.toMatch(/^ | $| {2}/);
      }),
      { numRuns: 1000 },
    );
  });

  it('property: a clean short subject is kept as it is', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-ascii', maxLength: 99 }), (raw) => {
        // Prepare
        const clean = raw.replace(/[^\x21-\x7E]+/g, ' ').replace(/ {2,}/g, ' ').trim();

        // Act
        const subject = sanitizeSubject(clean);

        // Assess
        expect(subject).toBe(clean);
      }),
    );
  });

  it('property: a long subject ends in ... and starts like the original', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 ,.:-]{100,200}$/), (text) => {
        // Prepare
        const clean = text.replace(/ {2,}/g, ' ').trim();
        fc.pre(clean.length > 99);

        // Act
        const subject = sanitizeSubject(clean);

        // Assess
        expect(subject.endsWith('...')).toBe(true);
        expect(clean.startsWith(subject.slice(0, -3))).toBe(true);
      }),
    );
  });
});

describe('Function: renderMessage', () => {
  it('puts the one-line summary first, then who, what, which, where, when and the console link, then key: value lines, then --- and the fields as JSON', () => {
    // Act
    const message = renderMessage(input({ fields: { table: 'orders', count: 3, error: null } }));

    // Assess
    expect(message).toBe(
      [
        'DeleteTable by arn:aws:iam::123456789012:user/alice on arn:aws:dynamodb:us-east-1:123456789012:table/orders',
        'A DynamoDB table was deleted',
        'Rule: dynamodb-delete-table',
        '',
        'Who: arn:aws:iam::123456789012:user/alice (IAMUser), from 198.51.100.23, user agent: aws-cli/2.15.30 Python/3.11.8 Linux/6.1 exe/x86_64 command/dynamodb.delete-table',
        'What: dynamodb.amazonaws.com DeleteTable',
        'Which: arn:aws:dynamodb:us-east-1:123456789012:table/orders, orders',
        'Where: 123456789012, us-east-1',
        'When: 2025-05-01T12:34:56Z',
        'Link: https://us-east-1.console.aws.amazon.com/cloudtrailv2/home?region=us-east-1#/events/3c9f0a3e-2a55-4b0e-9d61-7f2f1e8c5b10',
        '',
        'Source: aws.dynamodb',
        'Detail type: AWS API Call via CloudTrail',
        'Event ID: 6a7e8feb-b491-4cf7-a9f1-bf3703467718',
        '',
        'table: orders',
        'count: 3',
        'error: -',
        '---',
        '{',
        '  "table": "orders",',
        '  "count": 3,',
        '  "error": null',
        '}',
      ].join('\n'),
    );
  });

  it('adds the severity to the summary line and its own line, and the account alias to where', () => {
    // Act
    const message = renderMessage(input({ severity: 'high', accountAliases: { '123456789012': 'prod-main' } }));

    // Assess
    expect(message.split('\n').slice(0, 4)).toEqual([
      '[HIGH] DeleteTable by arn:aws:iam::123456789012:user/alice on arn:aws:dynamodb:us-east-1:123456789012:table/orders',
      'A DynamoDB table was deleted',
      'Rule: dynamodb-delete-table',
      'Severity: high',
    ]);
    expect(message).toContain('\nWhere: 123456789012 (prod-main), us-east-1\n');
  });

  it('leaves out the description line, the facts an event lacks and the field lines when there are none', () => {
    // Act
    const message = renderMessage(input({ rule: { name: 'nightly-report' }, fields: {}, event: { source: 'aws.events', 'detail-type': 'Scheduled Event' } }));

    // Assess
    expect(message).toBe(
      'Scheduled Event from aws.events\nRule: nightly-report\n\nWhat: Scheduled Event from aws.events\nWhere: -\n\nSource: aws.events\nDetail type: Scheduled Event\nEvent ID: -\n---\n{}',
    );
  });

  it('shows who acted but never copies secrets or unselected data (the access key id and request values stay out)', () => {
    // Act
    const message = renderMessage(input());

    // Assess
    expect(JSON.stringify(readEvent('dynamodb-delete-table'))).toContain('AKIAIOSFODNN7EXAMPLE');
    expect(message).not.toContain('AKIAIOSFODNN7EXAMPLE');
    expect(message).toContain('from 198.51.100.23');
  });

  it('shows a multi-line value as JSON on its line and caps long values', () => {
    // Act
    const message = renderMessage(input({ fields: { policy: 'line 1\nline 2', long: 'z'.repeat(5000) } }));

    // Assess
    expect(message).toContain('policy: "line 1\\nline 2"\n');
    expect(message).toContain(`long: ${'z'.repeat(MESSAGE_LINE_MAX_CHARS - 3)}...\n`);
    expect(JSON.parse(message.split('\n---\n')[1]!)).toEqual({ policy: 'line 1\nline 2', long: 'z'.repeat(5000) });
  });

  it('cuts the JSON part of an oversized message to 256 KiB with a note', () => {
    // Prepare
    const big = 'é'.repeat(200_000); // 400,000 bytes of UTF-8

    // Act
    const message = renderMessage(input({ fields: { big } }));

    // Assess
    expect(Buffer.byteLength(message)).toBeLessThanOrEqual(262_144);
    expect(Buffer.byteLength(message)).toBeGreaterThan(262_000);
    expect(message).toMatch(/\n\.\.\. \[truncated: the selected fields are 400\d{3} bytes as JSON, \d+ shown; SNS messages are limited to 256 KiB\]$/);
    expect(message).not.toContain('\uFFFD');
  });

  it('property: the message never exceeds its byte budget, and when it fits the JSON part is the fields', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ maxLength: 10 }), fc.oneof(fc.jsonValue(), nastyString, fc.string({ minLength: 500, maxLength: 3000 }))),
        fc.integer({ min: 400, max: 20_000 }),
        (fields, maxBytes) => {
          // Act
          const message = renderMessage(input({ fields }), { maxBytes });

          // Assess
          expect(Buffer.byteLength(message)).toBeLessThanOrEqual(maxBytes);
          if (!message.includes('[truncated:')) {
            expect(JSON.parse(message.slice(message.indexOf('\n---\n') + 5))).toEqual(JSON.parse(JSON.stringify(fields)));
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('Function: renderMessageAttributes', () => {
  it('gives rule, source, detail-type, account, region and (when the rule has one) severity as String attributes', () => {
    // Act
    const attributes = renderMessageAttributes(input());
    const withSeverity = renderMessageAttributes(input({ severity: 'critical' }));

    // Assess
    expect(attributes).toEqual({
      rule: { DataType: 'String', StringValue: 'dynamodb-delete-table' },
      source: { DataType: 'String', StringValue: 'aws.dynamodb' },
      'detail-type': { DataType: 'String', StringValue: 'AWS API Call via CloudTrail' },
      account: { DataType: 'String', StringValue: '123456789012' },
      region: { DataType: 'String', StringValue: 'us-east-1' },
    });
    expect(withSeverity).toEqual({ ...attributes, severity: { DataType: 'String', StringValue: 'critical' } });
  });

  it('caps values at 256 characters, replaces characters SNS rejects, and omits empty values', () => {
    // Act
    const attributes = renderMessageAttributes({
      rule: { name: 'r' },
      event: { source: `a\u0000b${'😀'.repeat(300)}`, 'detail-type': '' },
    });

    // Assess
    expect(attributes['detail-type']).toBeUndefined();
    expect(Array.from(attributes.source!.StringValue!)).toHaveLength(256);
    expect(attributes.source!.StringValue!.startsWith('a?b😀')).toBe(true);
  });
});

describe('Function: renderNotification', () => {
  it('prefixes the subject with the severity, within the 99 characters', () => {
    // Act
    const short = renderNotification(input({ subject: 'DynamoDB table {table} deleted', severity: 'high' }));
    const long = renderNotification(input({ subject: 'x'.repeat(200), severity: 'medium' }));

    // Assess
    expect(short.subject).toBe('[HIGH] DynamoDB table orders deleted');
    expect(long.subject).toMatch(/^\[MEDIUM\] x+\.\.\.$/);
    expect(long.subject).toHaveLength(99);
  });

  it('renders subject, message and attributes for one target', () => {
    // Act
    const notification = renderNotification(input({ subject: 'DynamoDB table {table} deleted by {actor}' }));

    // Assess
    expect(notification).toEqual({
      subject: 'DynamoDB table orders deleted by arn:aws:iam::123456789012:user/alice',
      message: expect.stringMatching(/^DeleteTable by arn:aws:iam::123456789012:user\/alice on .*\nA DynamoDB table was deleted\nRule: dynamodb-delete-table\n/),
      messageAttributes: expect.objectContaining({ rule: { DataType: 'String', StringValue: 'dynamodb-delete-table' } }),
    });
  });

  it('makes lone surrogates in the subject, the fields, the description and the attributes well-formed', () => {
    // Prepare: JSON.parse('"\\ud800"') gives a lone surrogate, as an event from EventBridge can
    const lone = JSON.parse('"x\\ud800y\\udc00z"') as string;
    const event = { ...readEvent('dynamodb-delete-table'), source: `aws.${lone}`, 'detail-type': lone, account: lone };
    const isWellFormed = (text: string) => (text as string & { isWellFormed(): boolean }).isWellFormed();

    // Act
    const notification = renderNotification({
      rule: { name: 'dynamodb-delete-table', description: `described ${lone}` },
      event,
      fields: { [`key${lone}`]: lone, nested: { deep: [lone] } },
      subject: `Table {key${lone}} {source}`,
    });

    // Assess
    const strings = [notification.subject, notification.message, ...Object.values(notification.messageAttributes).map((a) => a.StringValue!)];
    expect(strings.every(isWellFormed)).toBe(true);
    expect(notification.message).toContain('described x\uFFFDy\uFFFDz\n');
    expect(notification.message).toContain('keyx\uFFFDy\uFFFDz: x\uFFFDy\uFFFDz\n');
    expect(notification.messageAttributes['detail-type']).toEqual({ DataType: 'String', StringValue: 'x?y?z' });
    expect(notification.subject).toBe('Table x?y?z aws.x?y?z');
  });

  it('property: any event strings give a well-formed notification', () => {
    const isWellFormed = (text: string) => (text as string & { isWellFormed(): boolean }).isWellFormed();
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (source, value, subject) => {
        // Act
        const notification = renderNotification({ rule: { name: 'r', description: value }, event: { source, 'detail-type': value }, fields: { [value]: value }, subject });

        // Assess
        expect([notification.subject, notification.message, ...Object.values(notification.messageAttributes).map((a) => a.StringValue!)].every(isWellFormed)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('keeps subject + message + attributes within 256 KiB together', () => {
    // Act
    const notification = renderNotification(input({ fields: { big: 'x'.repeat(300_000) }, subject: 'S'.repeat(500) }));

    // Assess
    const attributeBytes = Object.entries(notification.messageAttributes).reduce(
      (sum, [name, value]) => sum + Buffer.byteLength(name) + Buffer.byteLength(value.DataType!) + Buffer.byteLength(value.StringValue!),
      0,
    );
    expect(Buffer.byteLength(notification.message) + Buffer.byteLength(notification.subject) + attributeBytes).toBeLessThanOrEqual(262_144);
  });
});

describe('Function: truncateUtf8', () => {
  it('never splits a character', () => {
    // Act
    const cut = truncateUtf8('aé😀', 4);

    // Assess
    expect(cut).toBe('aé');
  });

  it('property: gives a prefix within the byte budget', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 50 }), fc.integer({ min: 0, max: 200 }), (text, maxBytes) => {
        // Act
        const cut = truncateUtf8(text, maxBytes);

        // Assess
        expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(maxBytes);
        expect(text.startsWith(cut)).toBe(true);
      }),
    );
  });
});
