/**
 * The compiler: a catalog -> CloudFormation fragments (rules, Lambda permissions, encrypted topics,
 * subscriptions, dead-letter queue policy) plus per-function environment and publish rights. Pure functions.
 *
 * Public API:
 * - compileCatalog(catalog, { service, stage, functionLogicalIds? }) -> CompiledCatalog   throws CompilerError
 * - snsPublishStatement(topicKeys) -> IamStatement
 * - logical IDs and physical names: ./logical-ids
 */
export * from './errors';
export * from './logical-ids';
export * from './compile-catalog';
