/**
 * Plain-text tables for terminal output: columns padded to their widest cell, a rule under the header.
 * No colours and no box drawing, so output stays readable in CI logs and greppable.
 *
 * @example
 * renderTable(['rule', 'result'], [['iam-root-login', 'PASS']]);
 * // rule            result
 * // --------------  ------
 * // iam-root-login  PASS
 */

/**
 * Render rows under a header. Cells are converted with `String()`; trailing spaces are trimmed.
 * @param header - column titles.
 * @param rows - one array of cells per row, as long as `header`.
 * @returns the table, one line per row, ending with a newline.
 */
export function renderTable(header: readonly string[], rows: ReadonlyArray<readonly unknown[]>): string {
  const cells = [header.map(String), ...rows.map((row) => header.map((_, i) => String(row[i] ?? '')))];
  const widths = header.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  const line = (row: readonly string[]): string => row.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd();
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n') + '\n';
}
