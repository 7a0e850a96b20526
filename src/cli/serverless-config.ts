/**
 * serverless.yml as `sls package` sees it, without starting Serverless: variables resolved by osls's own resolver
 * (`osls/lib/configuration/variables`, the side-resolution entry point Serverless offers for this), with the
 * sources that work offline: `${opt:…}` (`--stage`, `--region`, `--param`), `${param:…}` (`--param`, then
 * `params.<stage>`, then `params.default`, as Serverless orders them), `${self:…}`, `${sls:stage}`, `${env:…}`,
 * `${file(…)}` and `${strToBool(…)}`. Sources that need AWS (`${ssm:…}`, `${cf:…}`, `${s3:…}`, `${aws:…}`) stay as
 * written; the catalog then says which value it could not use.
 *
 * The stage is `--stage`, else the resolved `provider.stage`, else `dev`; the Region `--region`, else the resolved
 * `provider.region`, else `us-east-1`: what Serverless's AWS provider (`getStage`, `getRegion`) answers.
 *
 * @see https://www.serverless.com/framework/docs/guides/variables
 * @see https://www.serverless.com/framework/docs/guides/parameters
 */
import path from 'node:path';
import { CatalogError, createIssue, parseYamlSource, type CatalogIssue, type YamlSource } from '../catalog';
import { loadServerlessYaml } from '../catalog/serverless-yaml';
import { promises as fs } from 'node:fs';

/** What the command line says about the deployment, as `sls` options. */
export interface DeploymentOptions {
  /** `--stage`. */
  stage?: string;
  /** `--region`. */
  region?: string;
  /** `--param key=value`, repeatable. */
  params?: string[];
}

/** serverless.yml resolved, with the deployment it describes. */
export interface ResolvedServerlessConfig {
  /** The configuration with its variables resolved. */
  config: Record<string, unknown>;
  stage: string;
  region: string;
  /** Project-relative name of the file (`serverless.yml` or `serverless.yaml`). */
  filePath: string;
  /** Its parsed source, for positions; absent when unreadable. */
  source?: YamlSource;
}

/** The issue code of a variable osls could not resolve (a `CONFIG_INVALID` of the catalog: the config as written cannot be used). */
const UNRESOLVED = 'CONFIG_INVALID' as const;

type Source = { resolve: (...args: never[]) => unknown };
type ResolveVariables = (input: { serviceDir: string; configuration: Record<string, unknown>; options: Record<string, unknown>; sources: Record<string, Source> }) => Promise<void>;

/**
 * Read and resolve serverless.yml of `rootDir`.
 * @throws CatalogError: YAML problems (`YAML_SYNTAX`, `YAML_DUPLICATE_KEY`, `FILE_READ_FAILED`), and one
 *   `CONFIG_INVALID` per variable that cannot be resolved (pointer and position of the property, osls's reason),
 *   e.g. `serverless.yml:61:18: /custom/patchbay/patternsDir: Cannot resolve variable …: Value not found at "param" source; …`.
 * @example
 * const { config, stage } = await resolveServerlessConfig('examples/aggregation', { stage: 'prod', params: ['role=member'] });
 * stage; // 'prod'
 * (config.custom as any).patchbay.patternsDir; // 'patterns/member'
 */
export async function resolveServerlessConfig(rootDir: string, options: DeploymentOptions = {}): Promise<ResolvedServerlessConfig> {
  const raw = await loadServerlessYaml(rootDir);
  const { filePath, source } = await readSource(rootDir);
  const configuration = structuredClone(raw);
  const slsOptions: Record<string, unknown> = {
    ...(options.stage !== undefined ? { stage: options.stage } : {}),
    ...(options.region !== undefined ? { region: options.region } : {}),
    ...(options.params?.length ? { param: [...options.params] } : {}),
  };
  /* eslint-disable @typescript-eslint/no-require-imports -- osls is CommonJS without types */
  const resolveVariables = require('osls/lib/configuration/variables') as ResolveVariables;
  const instance = { configurationInput: structuredClone(raw), processedInput: { options: slsOptions } };
  const sources: Record<string, Source> = {
    env: require('osls/lib/configuration/variables/sources/env'),
    file: require('osls/lib/configuration/variables/sources/file'),
    opt: require('osls/lib/configuration/variables/sources/opt'),
    self: require('osls/lib/configuration/variables/sources/self'),
    strToBool: require('osls/lib/configuration/variables/sources/str-to-bool'),
    sls: require('osls/lib/configuration/variables/sources/instance-dependent/get-sls')(),
    param: require('osls/lib/configuration/variables/sources/instance-dependent/param')(instance),
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
  try {
    await resolveVariables({ serviceDir: rootDir, configuration, options: slsOptions, sources });
  } catch (error) {
    throw new CatalogError(resolutionIssues(error, filePath, source), { cause: error });
  }
  const provider = (configuration.provider ?? {}) as Record<string, unknown>;
  const stage = options.stage ?? (typeof provider.stage === 'string' ? provider.stage : 'dev');
  const region = options.region ?? (typeof provider.region === 'string' ? provider.region : 'us-east-1');
  return { config: configuration, stage, region, filePath, ...(source ? { source } : {}) };
}

async function readSource(rootDir: string): Promise<{ filePath: string; source?: YamlSource }> {
  for (const filePath of ['serverless.yml', 'serverless.yaml']) {
    try {
      const source = parseYamlSource(await fs.readFile(path.join(rootDir, filePath), 'utf8'));
      return { filePath, ...(source.errors.length ? {} : { source }) };
    } catch {
      // next name
    }
  }
  return { filePath: 'serverless.yml' };
}

/** osls's "Variables resolution errored with: - Cannot resolve variable at "a.b": reason" as one issue per property. */
function resolutionIssues(error: unknown, filePath: string, source: YamlSource | undefined): CatalogIssue[] {
  const message = error instanceof Error ? error.message : String(error);
  const issues: CatalogIssue[] = [];
  for (const line of message.split('\n')) {
    const match = /^\s*- (.*?at "([^"]+)".*?)[,.]?$/.exec(line) ?? /^\s*- (.*)$/.exec(line);
    if (!match) continue;
    const pointer = match[2] === undefined ? '' : `/${match[2].split('.').map((segment) => segment.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;
    const position = pointer ? source?.locate(pointer) : undefined;
    issues.push(
      createIssue({
        code: UNRESOLVED,
        filePath,
        pointer,
        line: position?.line,
        column: position?.column,
        found: match[1],
        allowed: 'a variable that resolves as `sls package` would resolve it: pass --stage, --region and --param like sls, or give it a default (${param:x, \'value\'})',
      }),
    );
  }
  if (issues.length === 0) issues.push(createIssue({ code: UNRESOLVED, filePath, pointer: '', found: message, allowed: 'variables that resolve offline' }));
  return issues;
}
