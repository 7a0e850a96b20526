/**
 * GitHub Actions annotations: one workflow command per problem, so a pull request shows each on the changed line
 * (`::error file=patterns/iam/bad.yml,line=7,col=9,title=INVALID_EVENT_PATTERN::…`).
 *
 * Escaping follows GitHub's workflow-command rules: in the message `%`, `\r`, `\n` become `%25`, `%0D`, `%0A`;
 * in properties `:` and `,` become `%3A`, `%2C` as well.
 * @see https://docs.github.com/en/actions/reference/workflow-commands-for-github-actions#setting-an-error-message
 */

/** One annotation. */
export interface Annotation {
  level: 'error' | 'warning' | 'notice';
  /** Project-relative path (the repository root in CI). */
  file: string;
  line?: number;
  column?: number;
  /** Shown as the annotation's title, e.g. the problem code. */
  title?: string;
  message: string;
}

/**
 * The workflow command for one annotation, with a trailing newline.
 * @example formatGithubAnnotation({ level: 'warning', file: 'serverless.yml', line: 3, title: 'CODE', message: 'a, b: c' });
 * // '::warning file=serverless.yml,line=3,title=CODE::a, b: c\n'
 */
export function formatGithubAnnotation(annotation: Annotation): string {
  const properties = [
    `file=${escapeProperty(annotation.file)}`,
    ...(annotation.line !== undefined ? [`line=${annotation.line}`] : []),
    ...(annotation.column !== undefined ? [`col=${annotation.column}`] : []),
    ...(annotation.title !== undefined ? [`title=${escapeProperty(annotation.title)}`] : []),
  ];
  return `::${annotation.level} ${properties.join(',')}::${escapeData(annotation.message)}\n`;
}

function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
