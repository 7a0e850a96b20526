/**
 * The EventBridge schema registry of the service: one `AWS::EventSchemas::Registry`, one `AWS::EventSchemas::Schema`
 * per schema file under `schemas/` (loaded by `src/schemas`), and one `AWS::EventSchemas::Discoverer` per bus that
 * runs schema discovery (discovered schemas land in EventBridge's own `discovered-schemas` registry).
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-eventschemas-registry.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-eventschemas-schema.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-eventschemas-discoverer.html
 */
import type { EventSchemaFile, SchemasConfig } from '../catalog';
import type { ResolvedBus } from './buses';
import { getAtt, type CfnOutput, type CfnResource } from './cfn';
import { discovererLogicalId, SCHEMA_REGISTRY_LOGICAL_ID, schemaLogicalId } from './logical-ids';

/** Registry names: at most 64 characters. */
export const REGISTRY_NAME_MAX_LENGTH = 64;

/** The registry's name: configured, else `<service>-<stage>`. */
export function registryName(config: SchemasConfig, service: string, stage: string): string {
  return config.registryName ?? `${service}-${stage}`;
}

/**
 * The registry, its schemas and the discoverers.
 * @example
 * compileRegistry({ discoverers: ['default'], crossAccount: true }, [file], { default: defaultBus }, 'patchbay', 'dev').resources
 * // { PatchbaySchemaRegistry: { Type: 'AWS::EventSchemas::Registry', Properties: { RegistryName: 'patchbay-dev', ... } },
 * //   PatchbaySchemaOrdersCreated: { Type: 'AWS::EventSchemas::Schema', Properties: { RegistryName: { 'Fn::GetAtt': [...] }, SchemaName: 'orders-created', Type: 'JSONSchemaDraft4', Content: '{...}' } },
 * //   PatchbaySchemaDiscovererDefault: { Type: 'AWS::EventSchemas::Discoverer', Properties: { SourceArn: {...}, CrossAccount: true } } }
 */
export function compileRegistry(
  config: SchemasConfig,
  files: readonly EventSchemaFile[],
  buses: Record<string, ResolvedBus>,
  service: string,
  stage: string,
): { resources: Record<string, CfnResource>; outputs: Record<string, CfnOutput> } {
  const name = registryName(config, service, stage);
  const resources: Record<string, CfnResource> = {
    [SCHEMA_REGISTRY_LOGICAL_ID]: {
      Type: 'AWS::EventSchemas::Registry',
      Properties: { RegistryName: name, Description: config.description ?? `patchbay: event schemas of ${service}-${stage}` },
    },
  };
  for (const file of files) {
    resources[schemaLogicalId(file.name)] = {
      Type: 'AWS::EventSchemas::Schema',
      Properties: {
        RegistryName: getAtt(SCHEMA_REGISTRY_LOGICAL_ID, 'RegistryName'),
        SchemaName: file.name,
        Type: file.type,
        Content: file.content,
        Description: `patchbay: ${file.filePath}`,
      },
    };
  }
  for (const key of config.discoverers) {
    const bus = buses[key];
    if (!bus) continue;
    resources[discovererLogicalId(key)] = {
      Type: 'AWS::EventSchemas::Discoverer',
      Properties: { SourceArn: bus.arn, CrossAccount: config.crossAccount, Description: `patchbay: schema discovery on bus "${key}"` },
    };
  }
  return {
    resources,
    outputs: { [`${SCHEMA_REGISTRY_LOGICAL_ID}Name`]: { Description: 'Name of the patchbay schema registry', Value: getAtt(SCHEMA_REGISTRY_LOGICAL_ID, 'RegistryName') } },
  };
}
