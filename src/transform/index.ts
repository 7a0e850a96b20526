/**
 * EventBridge's target input engine (InputPath, InputTransformer, Input), pure: no AWS SDK, no Serverless.
 * See `./transform` for the rules it reproduces.
 */
export * from './transform';
export { parseJsonPath, readJsonPath, MAX_PATH_LENGTH, type PathSegment, type PathValue } from './json-path';
export { checkJsonSyntax, minifyJson, type JsonSyntaxProblem } from './json-check';
