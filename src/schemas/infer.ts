/**
 * Inferring a registry schema (JSON Schema draft-04, EventBridge's `JSONSchemaDraft4`) from sample events.
 *
 * Design: genson-js builds one schema from all samples of the event (properties are the union, `required` the
 * keys present in every sample, differing types become type lists or `anyOf`), which is plain draft-04. Patchbay
 * then pins what identifies the event: `source` and `detail-type` become one-value enums (so generated types are
 * literal and narrow a union), `time` gets `format: date-time`, the envelope fields come first, and the
 * EventBridge extensions `x-amazon-events-source` / `x-amazon-events-detail-type` name the event.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-schema.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-eventschemas-schema.html
 */
import { createCompoundSchema, type Schema } from 'genson-js';
import { SchemaError, SchemaErrorCode } from './errors';
import { DRAFT_04_URI, EVENTS_DETAIL_TYPE_KEY, EVENTS_SOURCE_KEY, SCHEMA_CONTENT_MAX_LENGTH, SCHEMAS_DIR } from './files';
import { EVENTS_DIR, eventKey, type SampleEvent } from './sample-events';

/** The top-level fields of every EventBridge event, in the order EventBridge writes them. */
export const ENVELOPE_FIELDS = ['version', 'id', 'detail-type', 'source', 'account', 'time', 'region', 'resources', 'detail'] as const;

/** Options of {@link inferEventSchema}. */
export interface InferEventSchemaOptions {
  /** The events' `source`, e.g. `aws.iam`. */
  source: string;
  /** The events' `detail-type`; may be left out when every sample of the source has the same one. */
  detailType?: string;
}

/**
 * An inferred schema, ready to write.
 *
 * @example
 * { "name": "aws.iam@aws-api-call-via-cloudtrail", "filePath": "schemas/aws.iam@aws-api-call-via-cloudtrail.json",
 *   "source": "aws.iam", "detailType": "AWS API Call via CloudTrail",
 *   "samples": ["events/iam/attach-role-policy.json", "events/iam/put-role-policy.json"],
 *   "schema": { "$schema": "http://json-schema.org/draft-04/schema#", "type": "object", ... },
 *   "text": "{\n  \"$schema\": ...\n}\n" }
 */
export interface InferredSchema {
  /** Registry schema name: `<source>@<detail-type slug>`. */
  name: string;
  /** Where it goes by default: `schemas/<name>.json`. */
  filePath: string;
  source: string;
  detailType: string;
  /** Project-relative paths of the samples it was inferred from. */
  samples: string[];
  schema: Record<string, unknown>;
  /** The schema as the file's text: two-space JSON and a final newline. */
  text: string;
}

/**
 * Infer the draft-04 schema of one event type from the sample events with that `source` (and `detail-type`).
 *
 * @param samples - sample events (see `loadSampleEvents`); files that are not JSON are skipped
 * @throws SchemaError `NO_SAMPLE_EVENTS` (no sample with that source/detail-type; the message lists those there are),
 *   `AMBIGUOUS_DETAIL_TYPE` (no detail-type given and the source's samples have several),
 *   `SCHEMA_TOO_LARGE` (over 100,000 characters as compact JSON; the message gives the size).
 * @example
 * inferEventSchema(await loadSampleEvents(root), { source: 'aws.iam', detailType: 'AWS API Call via CloudTrail' }).schema
 * // { "$schema": "http://json-schema.org/draft-04/schema#", "title": "aws.iam AWS API Call via CloudTrail", "type": "object",
 * //   "x-amazon-events-source": "aws.iam", "x-amazon-events-detail-type": "AWS API Call via CloudTrail",
 * //   "required": ["version", "id", "detail-type", ...], "properties": { "source": { "type": "string", "enum": ["aws.iam"] }, ... } }
 */
export function inferEventSchema(samples: readonly SampleEvent[], options: InferEventSchemaOptions): InferredSchema {
  const keyed = samples.flatMap((sample) => {
    const key = sample.error === undefined ? eventKey(sample.event) : undefined;
    return key ? [{ ...key, filePath: sample.filePath, event: sample.event as Record<string, unknown> }] : [];
  });
  const ofSource = keyed.filter((sample) => sample.source === options.source);
  const detailTypes = [...new Set(ofSource.map((sample) => sample.detailType))].sort();
  if (options.detailType === undefined && detailTypes.length > 1) {
    throw new SchemaError(
      SchemaErrorCode.AMBIGUOUS_DETAIL_TYPE,
      `samples of source "${options.source}" have ${detailTypes.length} detail-types: give one with --detail-type (${detailTypes.map((d) => JSON.stringify(d)).join(', ')})`,
    );
  }
  const detailType = options.detailType ?? detailTypes[0];
  const chosen = ofSource.filter((sample) => sample.detailType === detailType);
  if (detailType === undefined || chosen.length === 0) {
    const known = [...new Set(keyed.map((sample) => `${sample.source} / ${sample.detailType}`))].sort();
    throw new SchemaError(
      SchemaErrorCode.NO_SAMPLE_EVENTS,
      `no sample event under ${EVENTS_DIR}/ has source "${options.source}"${options.detailType !== undefined ? ` and detail-type "${options.detailType}"` : ''}; ` +
        `samples there: ${known.join('; ') || '(none)'}`,
    );
  }

  const inferred = createCompoundSchema(chosen.map((sample) => sample.event)) as Schema & Record<string, unknown>;
  const properties: Record<string, unknown> = { ...(inferred.properties ?? {}) };
  properties.source = { type: 'string', enum: [options.source] };
  properties['detail-type'] = { type: 'string', enum: [detailType] };
  if (isStringSchema(properties.time)) properties.time = { type: 'string', format: 'date-time' };
  const envelopeFirst = <T extends string>(keys: readonly T[]) => [
    ...ENVELOPE_FIELDS.filter((field) => (keys as readonly string[]).includes(field)),
    ...keys.filter((key) => !(ENVELOPE_FIELDS as readonly string[]).includes(key)),
  ];
  const name = schemaNameFor(options.source, detailType);
  const schema: Record<string, unknown> = {
    $schema: DRAFT_04_URI,
    title: `${options.source} ${detailType}`,
    description: `Inferred by patchbay schemas infer from ${chosen.length} sample event${chosen.length === 1 ? '' : 's'} under ${EVENTS_DIR}/.`,
    type: 'object',
    [EVENTS_SOURCE_KEY]: options.source,
    [EVENTS_DETAIL_TYPE_KEY]: detailType,
    required: envelopeFirst(inferred.required ?? []),
    properties: Object.fromEntries(envelopeFirst(Object.keys(properties)).map((key) => [key, properties[key]])),
  };
  const compactLength = JSON.stringify(schema).length;
  const filePath = `${SCHEMAS_DIR}/${name}.json`;
  if (compactLength > SCHEMA_CONTENT_MAX_LENGTH) {
    throw new SchemaError(
      SchemaErrorCode.SCHEMA_TOO_LARGE,
      `the schema inferred for ${name} is ${compactLength} characters (as compact JSON); EventBridge allows at most ${SCHEMA_CONTENT_MAX_LENGTH}`,
      { filePath },
    );
  }
  return {
    name,
    filePath,
    source: options.source,
    detailType,
    samples: chosen.map((sample) => sample.filePath),
    schema,
    text: `${JSON.stringify(schema, null, 2)}\n`,
  };
}

/**
 * The registry schema name of an event type: `<source>@<detail-type slug>`, characters outside `[.\-_A-Za-z0-9]`
 * of the source turned into `-`.
 * @example schemaNameFor('aws.iam', 'AWS API Call via CloudTrail') // 'aws.iam@aws-api-call-via-cloudtrail'
 */
export function schemaNameFor(source: string, detailType: string): string {
  return `${source.replace(/[^.\-_A-Za-z0-9]+/g, '-')}@${slugify(detailType)}`;
}

/**
 * Lower-case words joined by `-`.
 * @example slugify('EC2 Instance State-change Notification') // 'ec2-instance-state-change-notification'
 */
export function slugify(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'event';
}

function isStringSchema(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'string';
}
