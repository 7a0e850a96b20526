/**
 * The slice of the Serverless Framework v3 (osls) plugin API this plugin uses. osls ships no types for it.
 * @see https://github.com/oss-serverless/osls/blob/4.x/docs/guides/plugins/creating-plugins.md
 */

/** A function of serverless.yml, as Serverless holds it after variable resolution. */
export interface ServerlessFunction {
  handler?: string;
  image?: unknown;
  runtime?: string;
  role?: unknown;
  environment?: Record<string, unknown>;
  versionFunction?: boolean;
  destinations?: unknown;
  maximumRetryAttempts?: number;
  maximumEventAge?: number;
  package?: { artifact?: string; individually?: boolean; patterns?: string[]; disable?: boolean };
}

/** A CloudFormation template under construction. */
export interface CompiledTemplate {
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown> } & Record<string, unknown>>;
  Outputs?: Record<string, unknown>;
}

/** `serverless` as passed to a plugin constructor. */
export interface Serverless {
  serviceDir: string;
  /** The config file's path relative to serviceDir (`serverless.yml`). */
  configurationFilename?: string;
  service: {
    service: string;
    custom?: Record<string, unknown>;
    functions?: Record<string, ServerlessFunction>;
    resources?: { Resources?: Record<string, { Type?: string } | undefined>; Outputs?: Record<string, unknown> };
    provider: {
      name: string;
      runtime?: string;
      role?: unknown;
      iam?: { role?: unknown };
      versionFunctions?: boolean;
      deploymentBucket?: unknown;
      compiledCloudFormationTemplate: CompiledTemplate;
    };
    getAllFunctions(): string[];
    getFunction(name: string): ServerlessFunction;
  };
  getProvider(name: 'aws'): {
    getStage(): string;
    /** `--region`, else `provider.region`, else `us-east-1`. */
    getRegion(): string;
    naming: { getLambdaLogicalId(functionKey: string): string; getRoleLogicalId(): string };
  };
  configSchemaHandler: { defineCustomProperties(schema: object): void };
  classes: { Error: new (message: string, code?: string) => Error };
}

/** CLI options shared by every plugin of a run (the same object: writes are seen by osls's own plugins). */
export interface ServerlessOptions {
  stage?: string;
  function?: string;
  /** Read by `invoke local`: a directory, relative to the service, to load handlers from. */
  extraServicePath?: string;
  [key: string]: unknown;
}

/** The logger osls hands a plugin as `{ log }`. */
export interface ServerlessLog {
  (message: string): void;
  error(message: string): void;
  warning(message: string): void;
  notice(message: string): void;
  info(message: string): void;
  verbose(message: string): void;
}
