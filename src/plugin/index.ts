/**
 * The patchbay Serverless plugin (osls / Serverless Framework v3): Serverless glue only.
 *
 * Hooks:
 * - `before:package:cleanup` (`sls package`, `sls deploy`): read `custom.patchbay`, load and validate every
 *   pattern file (and registry schema file), compile the catalog and check the AWS limits that can be known now
 *   (names, bus policies, an estimate of the stack's resources), before anything is removed or written: a problem
 *   fails the command with every issue listed (file, pointer, line, column) and a Serverless error of the same code,
 *   and the previous `.serverless/` stays as it was. Then the previous `.serverless/` is set aside
 *   (`previous-output.ts`): the `error` hook puts it back if the package fails later (a handler that does not
 *   bundle, a template over a limit), `after:package:finalize` deletes it.
 * - `before:package:createDeploymentArtifacts`: bundle each Node.js function with esbuild, write its
 *   `patchbay-manifest.json`, zip the two as the function's artifact, and add the `PATCHBAY_TOPIC_ARN_<KEY>`
 *   environment variables.
 * - `before:deploy:function:packageFunction` (`sls deploy function -f x`): the same for one function. The
 *   topic-ARN variables are `Ref`s, which makes `deploy function` leave the deployed environment as it is.
 * - `before:invoke:local:invoke` (`sls invoke local -f x -p event.json`): validate, bundle one function (no zip)
 *   and point `invoke local` at the bundle (`extraServicePath`), so the handler runs as deployed, manifest and all.
 * - `package:compileEvents`: merge the compiled resources and outputs into the template, and let the service role
 *   publish to the topics the rules name.
 * - `before:aws:package:finalize:saveServiceState`: with every plugin's resources and `resources.Resources` in the
 *   template, check CloudFormation's 500 resources and 1,000,000 bytes exactly (failing with a plan of which rules go
 *   to which extra stack), before the update template is written.
 *
 * Config schema: osls validates `custom.*` against what plugins declare before any hook runs, with its own messages,
 * no codes and no positions, and stops there. patchbay declares `custom.patchbay` as an object only and validates it
 * itself (`readProjectConfig`: the full JSON Schema plus the checks a schema cannot express), so every problem of the
 * config comes back at once, each with a code, a pointer, a line and a column; then, with a valid config, every
 * problem of the pattern files the same way.
 *
 * IAM: Serverless v3 gives all functions one role (`IamRoleLambdaExecution`); per-function roles need another
 * plugin. patchbay adds one `sns:Publish` statement to that role whose resources are the union of the topics
 * named by the rules of the functions using it: never `*`, never a configured topic no rule names; plus
 * `kms:GenerateDataKey*`/`kms:Decrypt` on the patchbay topic key when one of those topics uses it (topics EventBridge
 * publishes to). A function with its own `role` gets nothing added and a warning naming what to grant. Topics that
 * use the AWS-managed key `alias/aws/sns` need no KMS statement: its key policy already allows use through SNS.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { CatalogError, buildManifest, loadCatalog, parseYamlSource, readProjectConfig, type Catalog, type YamlSource } from '../catalog';
import { CompilerError, checkStackLimits, compileCatalog, publishStatements, type CompiledCatalog } from '../compiler';
import { BundleError, bundleFunction } from './bundle';
import { setAsidePreviousOutput, type PreviousOutput } from './previous-output';
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
  private previousOutput: PreviousOutput | undefined;

  constructor(serverless: Serverless, options: ServerlessOptions = {}, utils?: { log?: ServerlessLog }) {
    this.serverless = serverless;
    this.options = options;
    this.log = utils?.log;
    // Declared as an object only: patchbay validates it itself, every problem with its code and position (see the
    // module comment). The full schema is projectConfigSchema.
    serverless.configSchemaHandler.defineCustomProperties({ properties: { patchbay: { ...PATCHBAY_CONFIG_DECLARATION } } });
    // Configuration is read in hooks only: variables are not resolved yet here.
    this.hooks = {
      // Before package:cleanup empties .serverless: a catalog error leaves the previous output untouched.
      'before:package:cleanup': () => this.validateAndSetAsidePreviousOutput(),
      'before:package:initialize': async () => void (this.prepared ?? (await this.validate())),
      'after:package:finalize': () => this.previousOutput?.discard(),
      error: () => this.restorePreviousOutput(),
      'before:package:createDeploymentArtifacts': () => this.bundle('package'),
      'before:deploy:function:packageFunction': () => this.bundle('deploy-function'),
      'before:invoke:local:invoke': () => {
        quietSdkNodeVersionWarning(process.env);
        return this.bundle('invoke-local');
      },
      'package:compileEvents': () => this.mergeIntoTemplate(),
      // After mergeCustomProviderResources (resources.Resources), before the update template is saved.
      'before:aws:package:finalize:saveServiceState': () => this.checkFinalTemplate(),
    };
  }

  /** Validate first (nothing touched when the catalog is invalid), then move the previous `.serverless/` aside. */
  private async validateAndSetAsidePreviousOutput(): Promise<void> {
    await this.validate();
    this.previousOutput = await setAsidePreviousOutput(this.serverless.serviceDir);
  }

  /** The command failed: put the previous `.serverless/` back, unless the new package was already complete. */
  private async restorePreviousOutput(): Promise<void> {
    const previous = this.previousOutput;
    this.previousOutput = undefined;
    if (!previous) return;
    try {
      await previous.restore();
      this.log?.notice('patchbay: the package failed; the previous .serverless/ output is back in place');
    } catch (error) {
      this.log?.warning(`patchbay: could not put the previous .serverless/ back: ${(error as Error).message}`);
    }
  }

  /** Read the config, load and validate the catalog, compile it: everything that can fail on user input. */
  private async validate(): Promise<Prepared> {
    const { service } = this.serverless;
    const provider = this.serverless.getProvider('aws');
    const prepared = await this.translateErrors(async () => {
      const { filePath, source } = await this.readConfigSource();
      const config = readProjectConfig(
        { service: service.service, functions: service.functions ?? {}, resources: service.resources ?? {}, custom: service.custom ?? {} },
        { filePath, source },
      );
      const catalog = await loadCatalog({ rootDir: this.serverless.serviceDir, config, configSource: source, configFilePath: filePath });
      const functionLogicalIds = Object.fromEntries(service.getAllFunctions().map((key) => [key, provider.naming.getLambdaLogicalId(key)]));
      const compiled = compileCatalog(catalog, { service: service.service, stage: provider.getStage(), region: provider.getRegion(), functionLogicalIds, configFilePath: filePath });
      this.checkStackEstimate(catalog, compiled, filePath);
      return { catalog, compiled };
    });
    const { rules, config } = prepared.catalog;
    this.log?.info(`patchbay: ${rules.length} rules, ${Object.keys(config.topics).length} topics, ${Object.keys(config.buses).length} buses`);
    const suppressed = new Set(config.suppressWarnings ?? []);
    for (const warning of prepared.compiled.warnings) {
      if (!suppressed.has(/\[([A-Z0-9_]+)\]$/.exec(warning)?.[1] ?? '')) this.log?.warning(warning);
    }
    this.prepared = prepared;
    return prepared;
  }

  /** serverless.yml's text, parsed with positions (`undefined` when it is not YAML we can read: no positions then). */
  private async readConfigSource(): Promise<{ filePath: string; source?: YamlSource }> {
    const filePath = (this.serverless.configurationFilename ?? 'serverless.yml').split(path.sep).join('/');
    if (!/\.ya?ml$/i.test(filePath)) return { filePath };
    try {
      const source = parseYamlSource(await fs.readFile(path.resolve(this.serverless.serviceDir, filePath), 'utf8'));
      return { filePath, source: source.errors.length ? undefined : source };
    } catch {
      return { filePath };
    }
  }

  /**
   * Before anything is written: the stack limits with what Serverless will add estimated (its deployment bucket and
   * policy; per function a log group, the function, a version, an event-invoke config when configured; the role;
   * resources.Resources). The exact check follows before the update template is saved.
   */
  private checkStackEstimate(catalog: Catalog, compiled: CompiledCatalog, filePath: string): void {
    const { service } = this.serverless;
    // Not generated yet before package:initialize: Serverless's own resources are estimated below.
    const template = service.provider.compiledCloudFormationTemplate ?? { Resources: {} };
    const userResources = service.resources?.Resources ?? {};
    let extra = Object.keys(userResources).length;
    // Serverless creates its deployment bucket (and policy) unless one is named; osls sets the option to null when absent.
    const bucket = service.provider.deploymentBucket as string | { name?: string } | null | undefined;
    const namedBucket = typeof bucket === 'string' || (typeof bucket === 'object' && bucket !== null && Boolean(bucket.name));
    if (!template.Resources.ServerlessDeploymentBucket && !namedBucket) extra += 2;
    let sharedRole = false;
    for (const key of service.getAllFunctions()) {
      const fn = service.getFunction(key);
      extra += 2; // log group, function
      if (service.provider.versionFunctions !== false && fn.versionFunction !== false) extra += 1;
      if (fn.destinations !== undefined || fn.maximumRetryAttempts !== undefined || fn.maximumEventAge !== undefined) extra += 1;
      if (fn.role === undefined) sharedRole = true;
    }
    if (sharedRole && service.provider.role === undefined && service.provider.iam?.role === undefined && !template.Resources.IamRoleLambdaExecution) extra += 1;
    const resources = { ...template.Resources, ...compiled.resources };
    const templateBytes = JSON.stringify({ ...template, Resources: resources, Outputs: { ...template.Outputs, ...compiled.outputs } }).length + JSON.stringify(userResources).length;
    const { issues } = checkStackLimits(catalog, { resources, extraResources: extra, templateBytes }, { service: service.service }, { filePath, locate: catalog.locate });
    if (issues.length) throw CompilerError.fromIssues(issues);
  }

  /** The exact stack limits, on the template every plugin has compiled. */
  private checkFinalTemplate(): void {
    const prepared = this.prepared;
    if (!prepared) return;
    const template = this.serverless.service.provider.compiledCloudFormationTemplate;
    const { issues, warnings } = checkStackLimits(
      prepared.catalog,
      { resources: template.Resources, templateBytes: Buffer.byteLength(JSON.stringify(template)) },
      { service: this.serverless.service.service },
      { locate: prepared.catalog.locate },
    );
    for (const warning of warnings) this.log?.warning(warning);
    if (issues.length) {
      const error = CompilerError.fromIssues(issues);
      throw new this.serverless.classes.Error(error.message, error.code);
    }
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
    const { keyEncryptedTopics } = prepared.compiled;
    for (const [functionKey, topics] of Object.entries(prepared.compiled.functionPublishTopics)) {
      if (topics.length === 0) continue;
      const functionObject: ServerlessFunction = this.serverless.service.getFunction(functionKey);
      const statements = role?.Properties?.Policies?.[0]?.PolicyDocument.Statement;
      if (functionObject.role !== undefined || !statements) {
        const key = topics.some((topic) => keyEncryptedTopics.includes(topic)) ? ', and kms:GenerateDataKey*/kms:Decrypt on the key PatchbayTopicKey' : '';
        this.log?.warning(
          `patchbay: function "${functionKey}" does not use the service role ${roleId}: grant it sns:Publish on ${topics.map((topic) => `${service(this.serverless)}-${this.serverless.getProvider('aws').getStage()}-${topic}`).join(', ')}${key}`,
        );
        continue;
      }
      for (const topic of topics) sharedTopics.add(topic);
    }
    if (sharedTopics.size > 0) role!.Properties!.Policies![0].PolicyDocument.Statement.push(...publishStatements([...sharedTopics], keyEncryptedTopics));
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

/** What osls is told about `custom.patchbay` (patchbay validates the rest itself: `projectConfigSchema`). */
export const PATCHBAY_CONFIG_DECLARATION = {
  type: 'object',
  description: 'patchbay: validated by the patchbay plugin (every problem at once, with file, pointer, line and column); schema: projectConfigSchema in src/catalog/project-config.ts',
} as const;

function service(serverless: Serverless): string {
  return serverless.service.service;
}

/**
 * `sls invoke local` runs the handler in this Node process; the AWS SDK then warns that this Node (20) will soon be
 * too old for it, which is about the developer's machine, not the function (deployed on nodejs22.x). Silenced the
 * SDK's own way, unless the variable is set already.
 * @see https://github.com/aws/aws-sdk-js-v3/blob/main/packages/core/src/submodules/client/emitWarningIfUnsupportedVersion.ts
 */
export function quietSdkNodeVersionWarning(env: NodeJS.ProcessEnv): void {
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  // Embedded-metric-format lines are for CloudWatch, not for a terminal (Powertools' own switch).
  env.POWERTOOLS_METRICS_DISABLED ??= 'true';
}
