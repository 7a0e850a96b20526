/** Read a project's serverless.yml as plain data, with YAML problems as catalog issues. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { CatalogError, CatalogIssueCode, createIssue } from './errors';
import { yamlIssues } from './load-catalog';
import { isObject } from './schema-problems';
import { parseYamlSource } from './yaml-source';

/**
 * Read `serverless.yml` (or `serverless.yaml`) of a project as plain data, without resolving Serverless
 * variables: `${sls:stage}`, `${param:x, 'default'}` stay as written, which is enough to know the keys of
 * `functions` and `custom.patchbay.topics`. CloudFormation short-form tags (`!Ref`, `!Sub`) become plain values.
 *
 * @param rootDir - the project root
 * @returns the document, e.g. `{ service: 'patchbay', functions: { notify: {...} }, custom: {...} }`
 * @throws CatalogError (`FILE_READ_FAILED`, `YAML_SYNTAX`, `YAML_DUPLICATE_KEY`, `YAML_ALIAS_LIMIT`,
 *   `YAML_MULTIPLE_DOCUMENTS`) when there is no such file or it does not parse.
 */
export async function loadServerlessYaml(rootDir: string): Promise<Record<string, unknown>> {
  for (const name of ['serverless.yml', 'serverless.yaml']) {
    let text: string;
    try {
      text = await fs.readFile(path.join(rootDir, name), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw new CatalogError([createIssue({ code: CatalogIssueCode.FILE_READ_FAILED, filePath: name, pointer: '', found: String(error) })], { cause: error });
    }
    const source = parseYamlSource(text);
    if (source.errors.length) throw new CatalogError(yamlIssues(source.errors, name));
    return isObject(source.value) ? source.value : {};
  }
  throw new CatalogError([
    createIssue({ code: CatalogIssueCode.FILE_READ_FAILED, filePath: 'serverless.yml', pointer: '', found: `no serverless.yml or serverless.yaml in ${rootDir}` }),
  ]);
}

