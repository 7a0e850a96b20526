/**
 * JSON Schema validation (ajv, draft-07, all errors) with ajv's errors turned into patchbay problems:
 * a stable code, the pointer of the offending node (the key itself for unknown keys), what was found and
 * what is allowed.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { CatalogIssueCode } from './errors';
import { escapePointerSegment } from './yaml-source';

/** A schema violation, before it is tied to a file and a source position. */
export interface SchemaProblem {
  code: CatalogIssueCode;
  pointer: string;
  /** The pointer names a mapping key (an unknown or misnamed key), not a value. */
  atKey: boolean;
  found: string;
  allowed: string;
}

/** Compile a schema once; the validator reports every violation (`allErrors`). */
export function compileSchema(schema: object): ValidateFunction {
  const ajv = new Ajv({ allErrors: true, verbose: true });
  return ajv.compile(schema);
}

/**
 * Validate `value` and describe each violation.
 *
 * @param validate - from {@link compileSchema}
 * @param value - the parsed document
 * @param codeForInvalid - the code of every violation that is not an unknown key
 */
export function schemaProblems(
  validate: ValidateFunction,
  value: unknown,
  codeForInvalid: CatalogIssueCode = CatalogIssueCode.SCHEMA_INVALID,
): SchemaProblem[] {
  if (validate(value)) return [];
  let errors = validate.errors ?? [];
  // A document that is not an object fails everything else for that reason only.
  const rootType = errors.find((error) => error.instancePath === '' && error.keyword === 'type');
  if (rootType) errors = [rootType];
  // Branch errors of oneOf (`must have required property 'pattern'`) are summarised by the oneOf error itself;
  // the inner errors of propertyNames are summarised by the propertyNames error.
  // An if/then failure is reported by the `then` errors themselves (`must match "then" schema` adds nothing).
  errors = errors.filter(
    (error) => error.keyword !== 'if' && !/\/(oneOf|anyOf)\/\d+\//.test(error.schemaPath) && !/\/propertyNames\/./.test(error.schemaPath),
  );
  return errors.map((error) => describe(error, codeForInvalid));
}

function describe(error: ErrorObject, codeForInvalid: CatalogIssueCode): SchemaProblem {
  const at = error.instancePath;
  const params = error.params as Record<string, unknown>;
  const parent = (error.parentSchema ?? {}) as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const known = Object.keys((parent.properties as object | undefined) ?? {});
      return {
        code: CatalogIssueCode.SCHEMA_UNKNOWN_KEY,
        pointer: `${at}/${escapePointerSegment(key)}`,
        atKey: true,
        found: `unknown key ${JSON.stringify(key)}`,
        allowed: known.length ? `allowed keys: ${known.join(', ')}` : 'no other keys are allowed',
      };
    }
    case 'required':
      return {
        code: codeForInvalid,
        pointer: at,
        atKey: false,
        found: `missing required key ${JSON.stringify(params.missingProperty)}`,
        allowed: `add ${JSON.stringify(params.missingProperty)}`,
      };
    case 'oneOf': {
      // Our oneOfs are "exactly one of these keys": [{ required: [a] }, { required: [b] }, ...].
      const keys = ((parent.oneOf as { required?: string[] }[] | undefined) ?? []).flatMap((branch) => branch.required ?? []);
      const present = keys.filter((key) => isObject(error.data) && key in error.data);
      const list = (words: string[], last: string): string => (words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} ${last} ${words[words.length - 1]}`);
      return {
        code: codeForInvalid,
        pointer: at,
        atKey: false,
        found: present.length ? `both ${list(present, 'and')}` : `neither ${list(keys, 'nor')}`,
        allowed: ONE_OF_HELP[keys.join(',')] ?? `exactly one of ${list(keys, 'or')}`,
      };
    }
    case 'anyOf':
      return { code: codeForInvalid, pointer: at, atKey: false, found: describeValue(error.data), allowed: String(parent.description ?? 'a valid value') };
    case 'propertyNames': {
      const key = String(params.propertyName);
      const names = (parent.propertyNames ?? {}) as Record<string, unknown>;
      return {
        code: codeForInvalid,
        pointer: `${at}/${escapePointerSegment(key)}`,
        atKey: true,
        found: `key ${JSON.stringify(key)}`,
        allowed: `keys matching ${String(names.pattern)}${names.maxLength ? ` (at most ${names.maxLength} characters)` : ''}`,
      };
    }
    case 'type': {
      // serverless.yml read without Serverless (the patchbay CLI) keeps ${...} variables as strings.
      const unresolved = typeof error.data === 'string' && /\$\{[^}]+\}/.test(error.data) ? ' (a Serverless variable, not resolved outside sls)' : '';
      return { code: codeForInvalid, pointer: at, atKey: false, found: `${describeValue(error.data)}${unresolved}`, allowed: `${article(String(params.type))}` };
    }
    case 'const':
      return {
        code: codeForInvalid,
        pointer: at,
        atKey: false,
        found: describeValue(error.data),
        allowed: `only ${JSON.stringify(params.allowedValue)}${typeof parent.description === 'string' ? ` (${parent.description})` : ''}`,
      };
    case 'enum':
      return {
        code: codeForInvalid,
        pointer: at,
        atKey: false,
        found: describeValue(error.data),
        allowed: `one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
      };
    case 'pattern':
      return { code: codeForInvalid, pointer: at, atKey: false, found: describeValue(error.data), allowed: `a string matching ${String(params.pattern)}` };
    case 'minItems':
    case 'maxItems':
      return {
        code: codeForInvalid,
        pointer: at,
        atKey: false,
        found: `${Array.isArray(error.data) ? error.data.length : '?'} items`,
        allowed: `${parent.minItems ?? 0} to ${parent.maxItems ?? 'any number of'} items`,
      };
    case 'minLength':
    case 'maxLength':
      return {
        code: codeForInvalid,
        pointer: at,
        atKey: false,
        found: `${typeof error.data === 'string' ? error.data.length : '?'} characters`,
        allowed: `${parent.minLength ?? 0} to ${parent.maxLength ?? 'any number of'} characters`,
      };
    case 'minProperties':
    case 'maxProperties': {
      const count = isObject(error.data) ? Object.keys(error.data).length : 0;
      return {
        code: codeForInvalid,
        pointer: at,
        atKey: false,
        found: `${count} ${count === 1 ? 'entry' : 'entries'}`,
        allowed: error.keyword === 'maxProperties' ? `at most ${String(parent.maxProperties)} entries` : `at least ${String(parent.minProperties)} ${parent.minProperties === 1 ? 'entry' : 'entries'}`,
      };
    }
    case 'uniqueItems':
      return { code: codeForInvalid, pointer: at, atKey: false, found: 'a list with the same item twice', allowed: 'each item once' };
    case 'minimum':
    case 'maximum':
      return {
        code: codeForInvalid,
        pointer: at,
        atKey: false,
        found: describeValue(error.data),
        allowed: `a number from ${parent.minimum ?? '-infinity'} to ${parent.maximum ?? 'infinity'}`,
      };
    default:
      return { code: codeForInvalid, pointer: at, atKey: false, found: describeValue(error.data), allowed: error.message ?? 'a valid value' };
  }
}

/** What each "exactly one of" choice means, by its keys. */
const ONE_OF_HELP: Record<string, string> = {
  'pattern,schedule': 'exactly one of pattern (an event pattern) or schedule (rate(...) or cron(...))',
  'function,eventBus,sns': 'exactly one of function (a function of serverless.yml), eventBus (a bus key or event bus ARN) or sns (a topic key)',
};

/** `"abc"`, `123`, `null`, `an array`, `an object`, truncated to 80 characters. */
export function describeValue(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (isObject(value)) return 'an object';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function article(type: string): string {
  const names = type.split(',');
  return names.map((name) => (name === 'array' || name === 'object' || name === 'integer' ? `an ${name}` : name === 'null' ? 'null' : `a ${name}`)).join(' or ');
}

/**
 * Whether a parsed YAML/JSON value is a plain object (not null, not an array).
 * @example isObject({ source: ['aws.iam'] }) // true; isObject([]) // false
 */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
