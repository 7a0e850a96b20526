/**
 * The catalog: pattern files and project config, loaded and validated into typed rules.
 *
 * Public API:
 * - readProjectConfig(serverlessConfig, { source? }) -> ProjectConfig   throws CatalogError (every issue at once)
 * - loadServerlessYaml(rootDir) -> Promise<serverless.yml as data>  throws CatalogError
 * - loadCatalog({ rootDir, patternsDir?, config }) -> Promise<Catalog>  throws CatalogError (every issue at once)
 * - buildManifest(catalog, { service, stage, functionName }) -> RoutingManifest
 */
export * from './errors';
export * from './types';
export { loadCatalog, BUILT_IN_SUBJECT_FIELDS, RESERVED_INPUT_VARIABLES, type LoadCatalogOptions } from './load-catalog';
export {
  readProjectConfig,
  loadServerlessYaml,
  projectConfigSchema,
  SUBSCRIPTION_PROTOCOLS,
  EVENT_PATTERN_LENGTH,
  DEFAULT_MAX_RULES_PER_EVENT_BUS,
  PARTNER_EVENT_SOURCE_PATTERN,
  EVENT_BUS_ARN_PATTERN,
  BUS_KEY_PATTERN,
  type ReadProjectConfigOptions,
} from './project-config';
export { checkPattern, type PatternProblem } from './pattern-check';
export { buildManifest, type BuildManifestOptions } from './manifest';
export { deriveRuleName, assignTargetIds, targetIdBase, topicPhysicalName, isDefaultBus, RULE_NAME_PATTERN } from './names';
export { checkJmesPath, type JmesPathProblem } from './jmespath';
export { parseYamlSource, parsePointer, toPointer, escapePointerSegment, type YamlSource, type SourcePosition } from './yaml-source';
