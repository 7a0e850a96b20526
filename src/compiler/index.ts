/**
 * The compiler: a catalog -> CloudFormation fragments (rules with function, sns and eventBus targets, Lambda
 * permissions, encrypted topics and their policies, dead-letter queues, forward roles, buses with policies and
 * archives, the schema registry, the CloudTrail trail) plus per-function environment and publish rights, and the
 * AWS limits the template must respect. Pure functions.
 *
 * Public API:
 * - compileCatalog(catalog, { service, stage, region?, account?, functionLogicalIds? }) -> CompiledCatalog   throws CompilerError
 * - checkDeployment(catalog, buses, { service, stage, region?, account? }) -> coded errors and warnings (./checks)
 * - publishStatements(topicKeys, keyEncryptedTopics) -> IamStatement[]   (snsPublishStatement for the SNS part)
 * - checkStackLimits(catalog, usage, { service }) -> { issues, warnings }   500 resources, 1,000,000 bytes, with a split plan
 * - logical IDs and physical names: ./logical-ids
 */
export * from './errors';
export * from './logical-ids';
export * from './compile-catalog';
export { resolveBuses, busPolicyStatements, busPolicyLength, BUS_POLICY_MAX_LENGTH, type ResolvedBus, type BusPolicyStatement } from './buses';
export { topicKeyStatement, DEAD_LETTER_RETENTION_IN_SECONDS } from './delivery';
export { checkStackLimits, checkNameLimits, rulesPerBusWarnings, STACK_RESOURCES_MAX, TEMPLATE_BYTES_MAX, WARNING_RATIO, type StackUsage } from './limits';
export { checkDeployment, CLOUDTRAIL_API_CALL, GLOBAL_SERVICE_SOURCES, GLOBAL_SERVICES_REGION, type DeploymentTarget, type CheckContext } from './checks';
export { registryName } from './registry';
export { trailName } from './trail';
