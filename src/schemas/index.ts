/**
 * EventBridge schema registry support: schema files of a project, schemas inferred from sample events, TypeScript
 * code bindings, and sample-event validation. Pure logic over files; `patchbay schemas` is the command line.
 *
 * - loadSchemaFiles(rootDir) -> SchemaFile[]                 schemas/**\/*.json for AWS::EventSchemas::Schema
 * - inferEventSchema(samples, { source, detailType }) -> InferredSchema
 * - generateEventTypes(schemas) -> string                    one TypeScript file, deterministic
 * - validateSampleEvents(rootDir) -> SampleEventIssue[]      events/ against their schemas (`patchbay test`)
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-eventschemas-schema.html
 */
export * from './errors';
export * from './files';
export * from './sample-events';
export * from './draft4';
export * from './infer';
export * from './codegen';
export * from './validate';
