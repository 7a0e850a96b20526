/** Render a {@link BacktestReport} for people: plain text or Markdown. */
import type { BacktestReport } from './backtest';

/** Report formats of `patchbay backtest`. */
export const BACKTEST_FORMATS = ['text', 'markdown'] as const;
export type BacktestFormat = (typeof BACKTEST_FORMATS)[number];

const days = (byDay: Record<string, number>): string =>
  Object.entries(byDay)
    .map(([day, n]) => `${day} ${n}`)
    .join(', ') || '-';

/**
 * @example renderBacktestReport(report, 'text'); // '12 records, 11 converted, 1 skipped\n\niam-create-user: 2 matched, 2 notified\n…'
 */
export function renderBacktestReport(report: BacktestReport, format: BacktestFormat): string {
  const lines: string[] = [];
  const head = `${report.records} records, ${report.converted} converted, ${report.skipped.length} skipped${report.outsideWindow ? `, ${report.outsideWindow} outside --since/--until/--regions` : ''}`;
  if (format === 'markdown') {
    lines.push('## Backtest', '', head, '');
    if (report.rules.length) {
      lines.push('| Rule | Matched | Notified | By day | Top actors | Top resources | Sample subject |', '| --- | ---: | ---: | --- | --- | --- | --- |');
      for (const r of report.rules) {
        const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
        lines.push(
          `| \`${r.rule}\` | ${r.matched} | ${r.notified} | ${cell(days(r.byDay))} | ${cell(r.topActors.map((a) => `${a.arn} (${a.count})`).join('<br>') || '-')} | ${cell(r.topResources.map((a) => `${a.resource} (${a.count})`).join('<br>') || '-')} | ${cell(r.sample?.subject ?? '-')} |`,
        );
      }
      lines.push('');
    }
    lines.push(`**Never fired** (${report.neverFired.length}): ${report.neverFired.map((n) => `\`${n}\``).join(', ') || 'none'}`, '');
    if (report.notApplicable.length) lines.push(`**Not backtested** (${report.notApplicable.length}): ${report.notApplicable.map((n) => `\`${n.rule}\` (${n.reason})`).join(', ')}`, '');
    if (report.skipped.length) {
      lines.push('<details><summary>Skipped</summary>', '');
      for (const s of report.skipped) lines.push(`- ${s.file}${s.index >= 0 ? ` record ${s.index}` : ''}: ${s.reason}`);
      lines.push('', '</details>', '');
    }
    return lines.join('\n');
  }
  lines.push(head, '');
  for (const r of report.rules) {
    lines.push(`${r.rule}: ${r.matched} matched, ${r.notified} notified`);
    lines.push(`  by day: ${days(r.byDay)}`);
    if (r.topActors.length) lines.push(`  top actors: ${r.topActors.map((a) => `${a.arn} (${a.count})`).join(', ')}`);
    if (r.topResources.length) lines.push(`  top resources: ${r.topResources.map((a) => `${a.resource} (${a.count})`).join(', ')}`);
    if (r.sample) {
      lines.push(`  sample: ${r.sample.subject}`);
      // The notification's headline; --json carries the whole rendered message.
      const headline = r.sample.message.split('\n')[0].trim();
      if (headline) lines.push(`    ${headline}`);
    }
  }
  if (report.rules.length) lines.push('');
  lines.push(`never fired (${report.neverFired.length}): ${report.neverFired.join(', ') || 'none'}`);
  if (report.notApplicable.length) lines.push(`not backtested (${report.notApplicable.length}): ${report.notApplicable.map((n) => `${n.rule} (${n.reason})`).join(', ')}`);
  for (const s of report.skipped) lines.push(`skipped: ${s.file}${s.index >= 0 ? ` record ${s.index}` : ''}: ${s.reason}`);
  return `${lines.join('\n')}\n`;
}
