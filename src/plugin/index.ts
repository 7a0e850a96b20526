/**
 * The patchbay Serverless plugin (osls / Serverless Framework v3): Serverless glue only.
 *
 * Hooks:
 * - `before:package:initialize` (`sls package`, `sls deploy`): read `custom.patchbay`, load and validate every
 *   pattern file and compile the catalog, before anything is written (`package:cleanup` has just emptied
 *   `.serverless`; `package:initialize` writes the first template file): a problem fails the command with every
 *   issue listed and a Serverless error of the same code, and no template is saved.
 * - `before:package:createDeploymentArtifacts`: bundle each Node.js function with esbuild, write its
 *   `patchbay-manifest.json`, zip the two as the function's artifact, and add the `PATCHBAY_TOPIC_ARN_<KEY>`
 *   environment variables.
 * - `before:deploy:function:packageFunction` (`sls deploy function -f x`): the same for one function. The
 *   topic-ARN variables are `Ref`s, which makes `deploy function` leave the deployed environment as it is.
 * - `before:invoke:local:invoke` (`sls invoke local -f x -p event.json`): validate, bundle one function (no zip)
 *   and point `invoke local` at the bundle (`extraServicePath`), so the handler runs as deployed, manifest and all.
 * - `package:compileEvents`: merge the rules, Lambda permissions, topics, subscriptions and dead-letter-queue
 *   policy into the template, and let the service role publish to the topics the rules name.
 *
 * IAM: Serverless v3 gives all functions one role (`IamRoleLambdaExecution`); per-function roles need another
 * plugin. patchbay adds one `sns:Publish` statement to that role whose resources are the union of the topics
 * named by the rules of the functions using it: never `*`, never a configured topic no rule names. A function with
 * its own `role` gets nothing added and a warning naming the topics to grant. No KMS statement is needed: topics
 * use the AWS-managed key `alias/aws/sns`, whose key policy already allows use through SNS within the account.
 */
import path from 'node:path';
import { CatalogError, buildManifest, loadCatalog, readProjectConfig, projectConfigSchema, type Catalog } from '../catalog';
import { CompilerError, compileCatalog, snsPublishStatement, type CompiledCatalog } from '../compiler';
import { BundleError, bundleFunction } from './bundle';
import type { Serverless, ServerlessFunction, ServerlessLog, ServerlessOptions } from './serverless-types';

/** Which command a preparation serves. */
type Mode = 'package' | 'deploy-function' | 'invoke-local';

/** The validated catalog and its compiled template fragments. */
interface Prepared {
  catalog: Catalog;
  compiled: CompiledCatalog;
}

/**
 * The plugin class osls instantiates (`plugins: [./plugin.js]`).
 *
 * @example
 * # serverless.yml
 * plugins: [./plugin.js]
 * custom:
 *   patchbay:
 *     topics:
 *       security: { subscriptions: [{ protocol: email, endpoint: security@example.com }] }
 * functions:
 *   notify: { handler: handlers/notify.handler }
 */
export default class PatchbayPlugin {
  readonly hooks: Record<string, () => Promise<void> | void>;
  private readonly serverless: Serverless;
  private readonly options: ServerlessOptions;
  private readonly log: ServerlessLog | undefined;
  private prepared: Prepared | undefined;

  constructor(serverless: Serverless, options: ServerlessOptions = {}, utils?: { log?: ServerlessLog }) {
    this.serverless = serverless;
    this.options = options;
    this.log = utils?.log;
    // osls rejects unknown configuration: declare custom.patchbay (a copy: osls normalises schemas in place).
    serverless.configSchemaHandler.defineCustomProperties({
      properties: { patchbay: structuredClone(projectConfigSchema) as unknown as object },
    });
    // Configuration is read in hooks only: variables are not resolved yet here.
    this.hooks = {
      // After package:cleanup, before package:initialize writes the first template file.
      'before:package:initialize': async () => void (await this.validate()),
      'before:package:createDeploymentArtifacts': () => this.bundle('package'),
      'before:deploy:function:packageFunction': () => this.bundle('deploy-function'),
      'before:invoke:local:invoke': () => this.bundle('invoke-local'),
      'package:compileEvents': () => this.mergeIntoTemplate(),
    };
  }

  /** Read the config, load and validate the catalog, compile it: everything that can fail on user input. */
  private async validate(): Promise<Prepared> {
    const { service } = this.serverless;
    const provider = this.serverless.getProvider('aws');
    const prepared = await this.translateErrors(async () => {
      const config = readProjectConfig({ service: service.service, functions: service.functions ?? {}, custom: service.custom ?? {} });
      const catalog = await loadCatalog({ rootDir: this.serverless.serviceDir, config });
      this.checkDeadLetterQueue(config.deadLetterQueue);
      const functionLogicalIds = Object.fromEntries(service.getAllFunctions().map((key) => [key, provider.naming.getLambdaLogicalId(key)]));
      const compiled = compileCatalog(catalog, { service: service.service, stage: provider.getStage(), functionLogicalIds });
      return { catalog, compiled };
    });
    this.log?.info(`patchbay: ${prepared.catalog.rules.length} rules, ${Object.keys(prepared.catalog.config.topics).length} topics`);
    this.prepared = prepared;
    return prepared;
  }

  /**
   * Bundle the functions (all for `package`, `--function` otherwise), write their manifests, and point
   * Serverless at the result: the zip as the artifact (`package`, `deploy function`) or the build directory
   * (`invoke local`).
   */
  private async bundle(mode: Mode): Promise<void> {
    const prepared = this.prepared ?? (await this.validate());
    const { service } = this.serverless;
    const stage = this.serverless.getProvider('aws').getStage();
    const serviceDir = this.serverless.serviceDir;
    const only = mode === 'package' ? undefined : this.options.function;
    for (const functionKey of service.getAllFunctions()) {
      if (only !== undefined && functionKey !== only) continue;
      const functionObject = service.getFunction(functionKey);
      const runtime = functionObject.runtime ?? service.provider.runtime ?? 'nodejs22.x';
      if (functionObject.image || !functionObject.handler || !runtime.startsWith('nodejs')) continue;
      if (mode !== 'invoke-local' && functionObject.package?.artifact) {
        this.log?.verbose(`patchbay: function "${functionKey}" has its own artifact; not bundled`);
        continue;
      }
      const manifest = buildManifest(prepared.catalog, { service: service.service, stage, functionName: functionKey });
      const bundle = await this.translateErrors(() =>
        bundleFunction({ serviceDir, functionKey, handler: functionObject.handler!, runtime, manifest, zip: mode !== 'invoke-local' }),
      );
      this.log?.verbose(`patchbay: bundled "${functionKey}" into ${path.relative(serviceDir, bundle.buildDir)}`);
      if (mode === 'invoke-local') {
        this.options.extraServicePath = path.relative(serviceDir, bundle.buildDir);
        continue;
      }
      functionObject.package = { ...functionObject.package, artifact: bundle.artifact };
      const environment = prepared.compiled.functionEnvironment[functionKey];
      if (environment) functionObject.environment = { ...functionObject.environment, ...environment };
    }
  }

  /** Add the compiled resources and outputs, and the publish statement of the shared role. */
  private mergeIntoTemplate(): void {
    const prepared = this.prepared;
    if (!prepared) return;
    const template = this.serverless.service.provider.compiledCloudFormationTemplate;
    for (const id of Object.keys(prepared.compiled.resources)) {
      if (template.Resources[id]) {
        throw new this.serverless.classes.Error(`patchbay resource ${id} is already defined in the template`, 'PATCHBAY_RESOURCE_CONFLICT');
      }
    }
    Object.assign(template.Resources, prepared.compiled.resources);
    template.Outputs = { ...template.Outputs, ...prepared.compiled.outputs };

    const roleId = this.serverless.getProvider('aws').naming.getRoleLogicalId();
    const role = template.Resources[roleId] as { Properties?: { Policies?: { PolicyDocument: { Statement: unknown[] } }[] } } | undefined;
    const sharedTopics = new Set<string>();
    for (const [functionKey, topics] of Object.entries(prepared.compiled.functionPublishTopics)) {
      if (topics.length === 0) continue;
      const functionObject: ServerlessFunction = this.serverless.service.getFunction(functionKey);
      const statements = role?.Properties?.Policies?.[0]?.PolicyDocument.Statement;
      if (functionObject.role !== undefined || !statements) {
        this.log?.warning(
          `patchbay: function "${functionKey}" does not use the service role ${roleId}: grant it sns:Publish on ${topics.map((topic) => `${service(this.serverless)}-${this.serverless.getProvider('aws').getStage()}-${topic}`).join(', ')}`,
        );
        continue;
      }
      for (const topic of topics) sharedTopics.add(topic);
    }
    if (sharedTopics.size > 0) role!.Properties!.Policies![0].PolicyDocument.Statement.push(snsPublishStatement([...sharedTopics]));
  }

  private checkDeadLetterQueue(logicalId: string | undefined): void {
    if (logicalId === undefined) return;
    const resource = this.serverless.service.resources?.Resources?.[logicalId];
    if (resource?.Type !== 'AWS::SQS::Queue') {
      throw new this.serverless.classes.Error(
        `custom.patchbay.deadLetterQueue "${logicalId}" must be the logical ID of an AWS::SQS::Queue under resources.Resources (found ${resource ? resource.Type : 'nothing'})`,
        'PATCHBAY_DEAD_LETTER_QUEUE_NOT_FOUND',
      );
    }
  }

  /** Run `action`, turning patchbay errors into Serverless errors with the same code. */
  private async translateErrors<T>(action: () => Promise<T> | T): Promise<T> {
    try {
      return await action();
    } catch (error) {
      if (error instanceof CatalogError || error instanceof CompilerError || error instanceof BundleError) {
        throw new this.serverless.classes.Error(error.message, error.code);
      }
      throw error;
    }
  }
}

function service(serverless: Serverless): string {
  return serverless.service.service;
}
