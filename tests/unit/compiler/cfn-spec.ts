/**
 * Check generated resources against the CloudFormation resource specification (@aws-cdk/aws-service-spec, the
 * database aws-cdk generates its L1 constructs from): known resource types, known property names at every
 * depth, required properties present, primitive types right. Intrinsic functions are accepted anywhere.
 */
import { loadAwsServiceSpecSync } from '@aws-cdk/aws-service-spec';

type SpecType = { type: string; element?: SpecType; types?: SpecType[]; reference?: { $ref: string } };
type SpecProperty = { type: SpecType; required?: boolean };
type SpecProperties = Record<string, SpecProperty>;

let database: ReturnType<typeof loadAwsServiceSpecSync> | undefined;
function db(): ReturnType<typeof loadAwsServiceSpecSync> {
  database ??= loadAwsServiceSpecSync();
  return database;
}

/** Every problem of these resources, as `<logical id>.<property path>: <problem>`; `[]` when they conform. */
export function specProblems(resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>): string[] {
  const problems: string[] = [];
  for (const [id, resource] of Object.entries(resources)) {
    const found = db().lookup('resource', 'cloudFormationType', 'equals', resource.Type);
    if (found.length !== 1) {
      problems.push(`${id}: unknown resource type ${resource.Type}`);
      continue;
    }
    checkProperties(id, resource.Properties ?? {}, found[0].properties as unknown as SpecProperties, problems);
  }
  return problems;
}

function checkProperties(at: string, value: unknown, properties: SpecProperties, problems: string[]): void {
  if (isIntrinsic(value)) return;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    problems.push(`${at}: expected an object`);
    return;
  }
  for (const [key, item] of Object.entries(value)) {
    const property = properties[key];
    if (!property) problems.push(`${at}.${key}: unknown property (known: ${Object.keys(properties).join(', ')})`);
    else checkType(`${at}.${key}`, item, property.type, problems);
  }
  for (const [key, property] of Object.entries(properties)) {
    if (property.required && !(key in value)) problems.push(`${at}.${key}: required property missing`);
  }
}

function checkType(at: string, value: unknown, type: SpecType, problems: string[]): void {
  if (isIntrinsic(value)) return;
  switch (type.type) {
    case 'string':
      if (!['string', 'number', 'boolean'].includes(typeof value)) problems.push(`${at}: expected a string`);
      return;
    case 'integer':
    case 'number':
      if (typeof value !== 'number' && !(typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value)))) problems.push(`${at}: expected a number`);
      return;
    case 'boolean':
      if (typeof value !== 'boolean' && value !== 'true' && value !== 'false') problems.push(`${at}: expected a boolean`);
      return;
    case 'array':
      if (!Array.isArray(value)) problems.push(`${at}: expected an array`);
      else value.forEach((item, index) => checkType(`${at}[${index}]`, item, type.element!, problems));
      return;
    case 'map':
      if (value === null || typeof value !== 'object') problems.push(`${at}: expected a map`);
      else for (const [key, item] of Object.entries(value)) checkType(`${at}.${key}`, item, type.element!, problems);
      return;
    case 'ref': {
      const definition = db().get('typeDefinition', type.reference!.$ref) as unknown as { properties: SpecProperties };
      checkProperties(at, value, definition.properties, problems);
      return;
    }
    case 'union': {
      const attempts = type.types!.map((member) => {
        const memberProblems: string[] = [];
        checkType(at, value, member, memberProblems);
        return memberProblems;
      });
      if (!attempts.some((attempt) => attempt.length === 0)) problems.push(...attempts.sort((a, b) => a.length - b.length)[0]);
      return;
    }
    default:
      return; // json, date-time, tag, null: anything goes
  }
}

function isIntrinsic(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::') || keys[0] === 'Condition');
}
