import type { CfnResource } from '../../../src/compiler';

/** Logical IDs of the resources of one type. */
export function idsOfType(resources: Record<string, CfnResource>, type: string): string[] {
  return Object.entries(resources)
    .filter(([, resource]) => resource.Type === type)
    .map(([id]) => id);
}

/**
 * Like aws-cdk's `Template.hasResourceProperties`: the resource of this logical ID has this type and at least
 * these properties (deeply, objects partially).
 */
export function expectResource(resources: Record<string, CfnResource>, id: string, type: string, properties: Record<string, unknown>): void {
  expect(resources[id]).toEqual(expect.objectContaining({ Type: type, Properties: partial(properties) }));
}

function partial(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(partial);
  if (value !== null && typeof value === 'object' && !isAsymmetricMatcher(value)) {
    return expect.objectContaining(Object.fromEntries(Object.entries(value).map(([key, item]) => [key, partial(item)])));
  }
  return value;
}

function isAsymmetricMatcher(value: object): boolean {
  return typeof (value as { asymmetricMatch?: unknown }).asymmetricMatch === 'function';
}
