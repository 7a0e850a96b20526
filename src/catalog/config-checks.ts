/**
 * What the JSON Schema cannot say about `custom.patchbay`: bus kinds and partner names, open bus policies, unknown
 * bus keys, archive patterns, dead-letter queues, trail consistency. Guards its own inputs: runs on any shape,
 * reports only what it can check, with specific codes that replace the schema's generic ones at the same pointer.
 */
import { CatalogIssueCode, type CatalogIssueInput } from './errors';
import { EVENT_BUS_ARN_PATTERN, EVENT_BUS_NAME_PATTERN, EVENT_PATTERN_LENGTH, PARTNER_EVENT_SOURCE_PATTERN, TRAIL_DATA_RESOURCES_MAX } from './config-schema';
import { checkPattern } from './pattern-check';
import { describeValue, isObject } from './schema-problems';
import { ALL_DATA_RESOURCES, DEFAULT_BUS } from './types';
import { toPointer } from './yaml-source';

/**
 * What the schema cannot say about `custom.patchbay`. Guards its own inputs: runs on any shape, reports only what
 * it can check.
 */
export function checkConfigSemantics(patchbay: Record<string, unknown>, queues: string[] | undefined): CatalogIssueInput[] {
  const issues: CatalogIssueInput[] = [];
  const at = (...segments: (string | number)[]): string => `/custom/patchbay${toPointer(segments)}`;
  const add = (input: Omit<CatalogIssueInput, 'filePath'>): void => void issues.push({ ...input, filePath: '' });
  const buses = isObject(patchbay.buses) ? patchbay.buses : {};
  const maxLength = typeof patchbay.maxEventPatternLengthInChars === 'number' ? patchbay.maxEventPatternLengthInChars : EVENT_PATTERN_LENGTH.default;

  for (const [key, bus] of Object.entries(buses)) {
    if (!isObject(bus)) continue;
    if (key !== DEFAULT_BUS) checkBusKind(key, bus, at, add);
    checkPolicy(key, bus, at, add);
    if (isObject(bus.archive) && isObject(bus.archive.pattern)) {
      const problem = checkPattern(bus.archive.pattern, maxLength);
      if (problem) add({ code: problem.code, pointer: `${at('buses', key, 'archive', 'pattern')}${problem.pointer}`, found: problem.found, allowed: problem.allowed });
    }
  }

  const knownBuses = [DEFAULT_BUS, ...Object.keys(buses).filter((key) => key !== DEFAULT_BUS)];
  if (isObject(patchbay.schemas) && Array.isArray(patchbay.schemas.discoverers)) {
    patchbay.schemas.discoverers.forEach((key, index) => {
      if (typeof key === 'string' && !knownBuses.includes(key)) {
        add({ code: CatalogIssueCode.UNKNOWN_BUS, pointer: at('schemas', 'discoverers', index), found: `bus ${JSON.stringify(key)}`, allowed: `a bus key: ${knownBuses.join(', ')}` });
      }
    });
  }

  if (typeof patchbay.deadLetterQueue === 'string' && queues !== undefined && !queues.includes(patchbay.deadLetterQueue)) {
    add({
      code: CatalogIssueCode.UNKNOWN_DEAD_LETTER_QUEUE,
      pointer: at('deadLetterQueue'),
      found: `queue ${JSON.stringify(patchbay.deadLetterQueue)}`,
      allowed: queues.length ? `the logical ID of an AWS::SQS::Queue under resources.Resources: ${queues.join(', ')}` : 'the logical ID of an AWS::SQS::Queue under resources.Resources (it declares none); or remove it and patchbay creates one',
    });
  }

  if (isObject(patchbay.trail)) checkTrail(patchbay.trail, at, add);

  if (isObject(patchbay.alarms) && typeof patchbay.alarms.topic === 'string') {
    const topics = isObject(patchbay.topics) ? Object.keys(patchbay.topics) : [];
    if (!topics.includes(patchbay.alarms.topic)) {
      add({
        code: CatalogIssueCode.UNKNOWN_TOPIC,
        pointer: at('alarms', 'topic'),
        found: `topic ${JSON.stringify(patchbay.alarms.topic)}`,
        allowed: topics.length ? `a key of custom.patchbay.topics: ${topics.join(', ')}` : 'a key of custom.patchbay.topics (it defines none)',
      });
    }
  }
  return issues;
}

type At = (...segments: (string | number)[]) => string;
type Add = (input: Omit<CatalogIssueInput, 'filePath'>) => void;

function checkBusKind(key: string, bus: Record<string, unknown>, at: At, add: Add): void {
  const kinds = ['type', 'existing'].filter((field) => bus[field] !== undefined);
  if (kinds.length !== 1) {
    add({
      code: CatalogIssueCode.BUS_CONFIG_INVALID,
      pointer: at('buses', key),
      found: kinds.length ? 'both type and existing' : 'neither type nor existing',
      allowed: 'exactly one of type: custom, type: partner (with eventSourceName), or existing: <name or ARN>',
    });
    return;
  }
  const notFor = (fields: string[], kind: string): void => {
    for (const field of fields) {
      if (bus[field] !== undefined) {
        add({ code: CatalogIssueCode.BUS_CONFIG_INVALID, pointer: at('buses', key, field), found: `${field} on ${kind}`, allowed: `no ${field} on ${kind}` });
      }
    }
  };
  if (bus.existing !== undefined) {
    notFor(['name', 'description', 'eventSourceName'], 'an existing bus');
    if (typeof bus.existing === 'string' && !EVENT_BUS_ARN_PATTERN.test(bus.existing) && !EVENT_BUS_NAME_PATTERN.test(bus.existing)) {
      add({
        code: CatalogIssueCode.BUS_CONFIG_INVALID,
        pointer: at('buses', key, 'existing'),
        found: describeValue(bus.existing),
        allowed: 'an event bus name (1-256 characters of [/.-_A-Za-z0-9]) or ARN (arn:aws:events:<region>:<account>:event-bus/<name>)',
      });
    }
    return;
  }
  if (bus.type === 'custom') {
    notFor(['eventSourceName'], 'a custom bus');
    if (typeof bus.name === 'string' && (bus.name.includes('/') || bus.name.startsWith('aws.'))) {
      add({ code: CatalogIssueCode.BUS_CONFIG_INVALID, pointer: at('buses', key, 'name'), found: describeValue(bus.name), allowed: 'a custom bus name: no "/", not starting with "aws."' });
    }
  }
  if (bus.type === 'partner') {
    notFor(['description'], 'a partner bus');
    if (bus.eventSourceName === undefined) {
      add({ code: CatalogIssueCode.PARTNER_EVENT_SOURCE_INVALID, pointer: at('buses', key), found: 'a partner bus without eventSourceName', allowed: 'eventSourceName: aws.partner/<partner>/<...>' });
    } else if (typeof bus.eventSourceName === 'string' && !PARTNER_EVENT_SOURCE_PATTERN.test(bus.eventSourceName)) {
      add({
        code: CatalogIssueCode.PARTNER_EVENT_SOURCE_INVALID,
        pointer: at('buses', key, 'eventSourceName'),
        found: describeValue(bus.eventSourceName),
        allowed: `a partner event source name matching ${PARTNER_EVENT_SOURCE_PATTERN.source}, e.g. aws.partner/auth0.com/example-tenant/auth0.logs`,
      });
    }
    if (typeof bus.name === 'string' && bus.name !== bus.eventSourceName) {
      add({
        code: CatalogIssueCode.PARTNER_EVENT_SOURCE_INVALID,
        pointer: at('buses', key, 'name'),
        found: `name ${JSON.stringify(bus.name)}`,
        allowed: `a partner event bus is named after its event source: remove name or set it to ${JSON.stringify(bus.eventSourceName)}`,
      });
    }
  }
}

function checkPolicy(key: string, bus: Record<string, unknown>, at: At, add: Add): void {
  if (!isObject(bus.policy)) return;
  if (bus.type === 'partner' && bus.existing === undefined) {
    add({
      code: CatalogIssueCode.BUS_POLICY_NOT_ALLOWED,
      pointer: at('buses', key, 'policy'),
      found: 'a policy on a partner event bus',
      allowed: 'no policy: only its partner event source puts events on a partner bus; forward them to a custom bus to share them',
    });
  }
  const allow = isObject(bus.policy.allow) ? bus.policy.allow : {};
  const open = (value: unknown): boolean => typeof value === 'string' && value.trim().startsWith('*');
  const openFound = (pointer: string, what: string): void =>
    add({
      code: CatalogIssueCode.BUS_POLICY_OPEN,
      pointer,
      found: `${what} "*": any AWS account could put events on this bus`,
      allowed: 'name 12-digit accounts, an organization (o-...) or organizational units; patchbay never emits an open Principal "*"',
    });
  for (const field of ['accounts', 'organizationalUnits'] as const) {
    const list = allow[field];
    if (open(list)) openFound(at('buses', key, 'policy', 'allow', field), field);
    if (Array.isArray(list)) list.forEach((item, index) => open(item) && openFound(at('buses', key, 'policy', 'allow', field, index), `${field} entry`));
  }
  if (open(allow.organization)) openFound(at('buses', key, 'policy', 'allow', 'organization'), 'organization');
  for (const field of ['principal', 'principals', 'Principal']) {
    if (allow[field] !== undefined && (open(allow[field]) || (Array.isArray(allow[field]) && (allow[field] as unknown[]).some(open)))) {
      openFound(at('buses', key, 'policy', 'allow', field), field);
    }
  }
  const organization = typeof allow.organization === 'string' ? allow.organization : undefined;
  if (organization !== undefined && Array.isArray(allow.organizationalUnits)) {
    allow.organizationalUnits.forEach((path, index) => {
      if (typeof path === 'string' && /^o-/.test(path) && !path.startsWith(`${organization}/`)) {
        add({
          code: CatalogIssueCode.CONFIG_INVALID,
          pointer: at('buses', key, 'policy', 'allow', 'organizationalUnits', index),
          found: `organizational unit path ${JSON.stringify(path)} of another organization than ${organization}`,
          allowed: `a path starting with ${organization}/`,
        });
      }
    });
  }
}

function checkTrail(trail: Record<string, unknown>, at: At, add: Add): void {
  const readWriteType = isObject(trail.managementEvents) ? trail.managementEvents.readWriteType : undefined;
  if (Array.isArray(trail.insightSelectors) && readWriteType === 'ReadOnly') {
    const index = trail.insightSelectors.indexOf('ApiCallRateInsight');
    if (index >= 0) {
      add({
        code: CatalogIssueCode.TRAIL_CONFIG_INVALID,
        pointer: at('trail', 'insightSelectors', index),
        found: 'ApiCallRateInsight on a trail that logs read-only management events',
        allowed: 'ApiCallRateInsight analyses write management events: set managementEvents.readWriteType to All or WriteOnly',
      });
    }
  }
  if (isObject(trail.dataEvents)) {
    const count = ['s3Objects', 'lambdaFunctions'].reduce((sum, field) => sum + (Array.isArray((trail.dataEvents as Record<string, unknown>)[field]) ? ((trail.dataEvents as Record<string, unknown[]>)[field]).length : 0), 0);
    if (count > TRAIL_DATA_RESOURCES_MAX) {
      add({
        code: CatalogIssueCode.TRAIL_CONFIG_INVALID,
        pointer: at('trail', 'dataEvents'),
        found: `${count} data resources`,
        allowed: `at most ${TRAIL_DATA_RESOURCES_MAX} across a trail's event selectors (CloudTrail quota): use bucket prefixes or "all"`,
      });
    }
    for (const field of ['s3Objects', 'lambdaFunctions']) {
      const list = (trail.dataEvents as Record<string, unknown>)[field];
      if (Array.isArray(list) && list.includes(ALL_DATA_RESOURCES) && list.length > 1) {
        add({ code: CatalogIssueCode.TRAIL_CONFIG_INVALID, pointer: at('trail', 'dataEvents', field), found: `"all" with ${list.length - 1} more entries`, allowed: '"all" alone, or a list of ARNs' });
      }
    }
  }
}

