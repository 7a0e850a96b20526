/**
 * Amazon EventBridge's target input: what a target receives for an event, and which input configurations
 * `PutTargets` refuses, with AWS's messages.
 *
 * A target has at most one of `Input` (a constant JSON text), `InputPath` (one JSON path into the event) and
 * `InputTransformer` (`InputPathsMap` + `InputTemplate`); with none, the whole event is delivered.
 *
 * How a template is filled (reproducing the 41 cases recorded against AWS in
 * ../shared/conformance/eventbridge-input-transformers.json):
 * - A template whose first non-blank character is `{` is a JSON template. A placeholder outside a JSON string is
 *   replaced by the value's JSON (a string quoted, `""` when the path is missing); inside a string literal by the
 *   value's text unescaped (a string without quotes, an object or array as JSON with its quotes, which breaks the
 *   JSON). The result must be JSON, else nothing is delivered; it is delivered minified.
 * - Any other template is a string template: strings go in without quotes, numbers and booleans as written,
 *   objects and arrays as JSON with every `"` removed (`{acc_id:0a787ecb-4015,sf_id:baz}`, `[HIGH]`), missing
 *   paths as nothing. The text is delivered as it is.
 * - Predefined variables: `aws.events.rule-arn`, `aws.events.rule-name`, `aws.events.event.ingestion-time` (ISO
 *   8601), `aws.events.event` (the envelope without `detail`, `detail-type` as `detailType`, in the order id,
 *   account, detailType, time (the ingestion time), source, region, resources, version) and
 *   `aws.events.event.json` (the whole event); the last is accepted in JSON templates only.
 *
 * This module is pure: no AWS SDK, no Serverless, no I/O.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_InputTransformer.html
 */
import { checkJsonSyntax, minifyJson } from './json-check';
import { parseJsonPath, readJsonPath, type PathValue } from './json-path';

/** A target's input configuration, as PutTargets takes it. */
export interface TargetInput {
  /** Valid JSON text, delivered instead of the event; at most 8,192 characters. */
  Input?: string;
  /** A JSON path: the part of the event to deliver; at most 256 characters. */
  InputPath?: string;
  InputTransformer?: { InputPathsMap?: Record<string, string>; InputTemplate: string };
}

/** What fills the predefined variables. Absent fields are derived from the event (see {@link transformInput}). */
export interface TransformContext {
  'rule-name'?: string;
  'rule-arn'?: string;
  'event-bus-name'?: string;
  /** ISO 8601. */
  'ingestion-time'?: string;
}

/** What the target receives: a text, or nothing (the filled JSON template is not JSON). */
export type TransformOutcome = { delivered: true; text: string } | { delivered: false; reason: string };

/** Predefined variables, reserved: no InputPathsMap key may take these names. */
export const PREDEFINED_VARIABLES = ['aws.events.rule-arn', 'aws.events.rule-name', 'aws.events.event.ingestion-time', 'aws.events.event', 'aws.events.event.json'] as const;

/** PutTargets' limits. @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_InputTransformer.html */
export const INPUT_LIMITS = { inputTemplateChars: 8192, inputChars: 8192, inputPathsMapEntries: 100, pathChars: 256, keyChars: 256 } as const;

const KEY_PATTERN = /^[A-Za-z0-9_-]+$/;
const PLACEHOLDER = /<([A-Za-z0-9_.-]+)>/g;
const ENVELOPE_ORDER = ['id', 'account', 'detail-type', 'time', 'source', 'region', 'resources', 'version'] as const;

/** One placeholder of a template: its name, where it is, and whether it sits inside a JSON string literal. */
export interface TemplatePlaceholder {
  name: string;
  start: number;
  end: number;
  inString: boolean;
}

/** Whether EventBridge reads this template as JSON (first non-blank character `{`). */
export function isJsonTemplate(template: string): boolean {
  return template.trimStart().startsWith('{');
}

/**
 * The placeholders of a template, in order; in a JSON template, each with whether it is inside a string literal.
 * @example templatePlaceholders('{"a": <x>, "b": "<y>"}') // [{ name: 'x', inString: false, … }, { name: 'y', inString: true, … }]
 */
export function templatePlaceholders(template: string): TemplatePlaceholder[] {
  const json = isJsonTemplate(template);
  const found: TemplatePlaceholder[] = [];
  let inString = false;
  let scanned = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    if (json) {
      for (; scanned < match.index; scanned++) {
        const c = template[scanned];
        if (inString && c === '\\') scanned++;
        else if (c === '"') inString = !inString;
      }
    }
    found.push({ name: match[1], start: match.index, end: match.index + match[0].length, inString: json && inString });
    scanned = Math.max(scanned, match.index + match[0].length);
  }
  return found;
}

/**
 * Check a target's input configuration as PutTargets does.
 * @param targetId - the target's `Id`, as AWS's messages name it.
 * @returns AWS's message (a `ValidationException`) when PutTargets refuses the configuration, else undefined.
 * @example validateTargetInput({ InputTransformer: { InputTemplate: '"<x>"' } }, 't1')
 *   // 'InputTemplate for target t1 contains invalid placeholder x.'
 */
export function validateTargetInput(input: TargetInput, targetId: string): string | undefined {
  const given = (['Input', 'InputPath', 'InputTransformer'] as const).filter((key) => input[key] !== undefined);
  if (given.length > 1) return `Only one of Input, InputPath, or InputTransformer must be provided for target ${targetId}.`;
  if (input.Input !== undefined) {
    if (typeof input.Input !== 'string' || input.Input.length > INPUT_LIMITS.inputChars) return modelError('input', input.Input, `Member must have length less than or equal to ${INPUT_LIMITS.inputChars}`);
    const problem = checkJsonSyntax(input.Input);
    // AWS's own text (Jackson's location): JSON syntax error in input for target 1: [Source: (String)"env:dev"; line: 1, column: 4]
    if (problem) return `JSON syntax error in input for target ${targetId}: [Source: (String)${JSON.stringify(input.Input)}; line: ${problem.line}, column: ${problem.column}]`;
    return undefined;
  }
  if (input.InputPath !== undefined) {
    if (typeof input.InputPath !== 'string' || input.InputPath.length > INPUT_LIMITS.pathChars) return modelError('inputPath', input.InputPath, `Member must have length less than or equal to ${INPUT_LIMITS.pathChars}`);
    return parseJsonPath(input.InputPath) ? undefined : `InputPath for target ${targetId} is invalid.`;
  }
  const transformer = input.InputTransformer;
  if (transformer === undefined) return undefined;
  const template = transformer.InputTemplate;
  if (typeof template !== 'string' || template.length < 1 || template.length > INPUT_LIMITS.inputTemplateChars) {
    return modelError('inputTransformer.inputTemplate', template, `Member must have length ${typeof template === 'string' && template.length > 0 ? `less than or equal to ${INPUT_LIMITS.inputTemplateChars}` : 'greater than or equal to 1'}`);
  }
  const map = transformer.InputPathsMap ?? {};
  const keys = Object.keys(map);
  if (keys.length > INPUT_LIMITS.inputPathsMapEntries) return modelError('inputTransformer.inputPathsMap', `${keys.length} entries`, `Map value must have length less than or equal to ${INPUT_LIMITS.inputPathsMapEntries}`);
  for (const key of keys) {
    if (key.length > INPUT_LIMITS.keyChars || !KEY_PATTERN.test(key)) {
      return modelError('inputTransformer.inputPathsMap', key, 'Map keys must satisfy constraint: [Member must have length less than or equal to 256, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: [A-Za-z0-9\\_\\-]+]');
    }
    const path = map[key];
    if (typeof path !== 'string' || path.length > INPUT_LIMITS.pathChars) return modelError('inputTransformer.inputPathsMap', path, 'Map value must satisfy constraint: [Member must have length less than or equal to 256]');
    if (!parseJsonPath(path)) return `InputPath for target ${targetId} is invalid.`;
  }
  const placeholders = templatePlaceholders(template);
  for (const { name } of placeholders) {
    if (!Object.hasOwn(map, name) && !(PREDEFINED_VARIABLES as readonly string[]).includes(name)) {
      return `InputTemplate for target ${targetId} contains invalid placeholder ${name}.`;
    }
  }
  const json = isJsonTemplate(template);
  if (!json && placeholders.some((p) => p.name === 'aws.events.event.json')) {
    return `InputTemplate for target ${targetId} contains placeholder aws.events.event.json valid only for JSON template.`;
  }
  if (json) {
    // Every placeholder stands for some value: outside strings `null` (so one used as an object key fails, as the
    // API reference forbids), inside strings nothing. What is left must be JSON.
    const problem = checkJsonSyntax(fill(template, placeholders, (p) => (p.inString ? '' : 'null')));
    // patchbay's wording: AWS's text for this refusal is not on record (it is refused, as the API reference says
    // the template must then be valid JSON).
    if (problem) return `Invalid InputTemplate for target ${targetId}: ${problem.reason}.`;
  }
  return undefined;
}

/** AWS's request-model error (`1 validation error detected: …`), for limits the API model encodes. */
function modelError(member: string, value: unknown, constraint: string): string {
  return `1 validation error detected: Value '${typeof value === 'string' ? value : JSON.stringify(value)}' at 'targets.1.member.${member}' failed to satisfy constraint: ${constraint}`;
}

/**
 * What the target receives for `event`, under a configuration PutTargets accepted ({@link validateTargetInput}).
 *
 * @param event - the event as EventBridge delivers it (`version, id, detail-type, source, account, time, region,
 *   resources, detail`, in that order).
 * @param context - the predefined variables' values. Defaults: `ingestion-time` the event's `time`; `rule-arn`
 *   `arn:aws:events:<region>:<account>:rule/[<event-bus-name>/]<rule-name>` (the bus part unless the bus is `default`).
 * @throws Error when the configuration is one PutTargets refuses (validate first).
 * @example transformInput({ detail: { a: 'b' } }, { InputPath: '$.detail.a' }) // { delivered: true, text: '"b"' }
 */
export function transformInput(event: unknown, input: TargetInput, context: TransformContext = {}): TransformOutcome {
  if (input.Input !== undefined) return { delivered: true, text: input.Input };
  if (input.InputPath !== undefined) {
    const segments = parseJsonPath(input.InputPath);
    if (!segments) throw new Error(`InputPath ${JSON.stringify(input.InputPath)} is not a path EventBridge accepts`);
    const read = readJsonPath(event, segments);
    if (!read.found) return { delivered: false, reason: `${input.InputPath} is not in the event` };
    return { delivered: true, text: JSON.stringify(read.value) };
  }
  if (input.InputTransformer === undefined) return { delivered: true, text: JSON.stringify(event) };

  const { InputTemplate: template, InputPathsMap: map = {} } = input.InputTransformer;
  const values = new Map<string, PathValue>();
  for (const [key, path] of Object.entries(map)) {
    const segments = parseJsonPath(path);
    if (!segments) throw new Error(`InputPathsMap path ${JSON.stringify(path)} is not a path EventBridge accepts`);
    values.set(key, readJsonPath(event, segments));
  }
  for (const [name, value] of Object.entries(predefinedValues(event, context))) values.set(name, { found: true, value });

  const placeholders = templatePlaceholders(template);
  if (!isJsonTemplate(template)) {
    return { delivered: true, text: fill(template, placeholders, (p) => stringTemplateText(values.get(p.name))) };
  }
  const filled = fill(template, placeholders, (p) => jsonTemplateText(values.get(p.name), p.inString));
  const problem = checkJsonSyntax(filled);
  if (problem) return { delivered: false, reason: `the filled template is not JSON (${problem.reason}, line ${problem.line}, column ${problem.column})` };
  return { delivered: true, text: minifyJson(filled) };
}

function fill(template: string, placeholders: readonly TemplatePlaceholder[], text: (p: TemplatePlaceholder) => string): string {
  let out = '';
  let at = 0;
  for (const placeholder of placeholders) {
    out += template.slice(at, placeholder.start) + text(placeholder);
    at = placeholder.end;
  }
  return out + template.slice(at);
}

function stringTemplateText(value: PathValue | undefined): string {
  if (!value?.found) return '';
  const v = value.value;
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && v !== null) return JSON.stringify(v).replaceAll('"', '');
  return JSON.stringify(v);
}

function jsonTemplateText(value: PathValue | undefined, inString: boolean): string {
  if (!value?.found) return inString ? '' : '""';
  const v = value.value;
  if (inString && typeof v === 'string') return v;
  return JSON.stringify(v);
}

function predefinedValues(event: unknown, context: TransformContext): Record<(typeof PREDEFINED_VARIABLES)[number], unknown> {
  const envelope = typeof event === 'object' && event !== null && !Array.isArray(event) ? (event as Record<string, unknown>) : {};
  const ingestionTime = context['ingestion-time'] ?? (typeof envelope.time === 'string' ? envelope.time : new Date(0).toISOString());
  const ruleName = context['rule-name'] ?? 'rule';
  const bus = context['event-bus-name'] ?? 'default';
  const ruleArn = context['rule-arn'] ?? `arn:aws:events:${String(envelope.region ?? 'us-east-1')}:${String(envelope.account ?? '123456789012')}:rule/${bus === 'default' ? '' : `${bus}/`}${ruleName}`;
  const original: Record<string, unknown> = {};
  for (const key of ENVELOPE_ORDER) {
    if (key === 'time') original.time = ingestionTime;
    else if (Object.hasOwn(envelope, key)) original[key === 'detail-type' ? 'detailType' : key] = envelope[key];
  }
  return {
    'aws.events.rule-arn': ruleArn,
    'aws.events.rule-name': ruleName,
    'aws.events.event.ingestion-time': ingestionTime,
    'aws.events.event': original,
    'aws.events.event.json': event,
  };
}
