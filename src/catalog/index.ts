/**
 * The catalog: pattern files and project config, loaded and validated into typed rules.
 *
 * Public API:
 * - readProjectConfig(serverlessConfig) -> ProjectConfig           throws CatalogError
 * - loadServerlessYaml(rootDir) -> Promise<serverless.yml as data>  throws CatalogError
 * - loadCatalog({ rootDir, patternsDir?, config }) -> Promise<Catalog>  throws CatalogError (every issue at once)
 * - buildManifest(catalog, { service, stage, functionName }) -> RoutingManifest
 */
export * from './errors';
export * from './types';
export { loadCatalog, BUILT_IN_SUBJECT_FIELDS, type LoadCatalogOptions } from './load-catalog';
export { readProjectConfig, loadServerlessYaml, projectConfigSchema, SUBSCRIPTION_PROTOCOLS, EVENT_PATTERN_LENGTH } from './project-config';
export { buildManifest, type BuildManifestOptions } from './manifest';
export { deriveRuleName, assignTargetIds, topicPhysicalName, isDefaultBus, RULE_NAME_PATTERN } from './names';
export { checkJmesPath, type JmesPathProblem } from './jmespath';
export { parseYamlSource, parsePointer, toPointer, escapePointerSegment, type YamlSource, type SourcePosition } from './yaml-source';
