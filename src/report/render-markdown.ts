/** A pull-request comment: a summary table, then a collapsible section per changed resource. */
import { formatProblem } from '../model/problem.js';
import { markdownCode, markdownText, oneLine } from './escape.js';
import type { Report } from './model.js';
import { escapeHtml } from './render-html.js';
import { formatValue, summaryLine } from './render-text.js';

function healthText(r: Report['resources'][number]): string {
  const h = r.health;
  if (!h) return '—';
  if ('runningCount' in h) return `${h.runningCount}/${h.desiredCount} running${h.rolloutState ? `, ${h.rolloutState.toLowerCase()}` : ''}${h.failedTasks ? `, ${h.failedTasks} failed` : ''}`;
  return `${h.runningTasks} task(s)`;
}

export function renderMarkdown(report: Report): string {
  const out: string[] = [];
  out.push(`### ecs-reconciler ${report.mode}${report.gitRevision ? ` at ${markdownCode(report.gitRevision.slice(0, 12))}` : ''}`, '');
  out.push(summaryLine(report), '');
  out.push('| state | count |', '| --- | ---: |');
  for (const [state, n] of Object.entries(report.summary.byState)) if (n > 0) out.push(`| ${state} | ${n} |`);
  out.push('');
  out.push('| resource | state | since | health | changes | actions |', '| --- | --- | --- | --- | ---: | --- |');
  for (const r of report.resources) {
    out.push(`| ${markdownCode(r.id)} | ${r.state}${r.suspended ? ' (suspended)' : ''}${r.history?.flapping ? ' ⚠ flapping' : ''} | ${markdownText(r.history?.since ?? '—')} | ${markdownText(healthText(r))} | ${r.changes.length} | ${markdownText(r.actions.map((a) => a.kind).join(', ') || '—')} |`);
  }
  for (const r of report.resources) {
    if (r.changes.length === 0 && r.ignored.length === 0 && r.actions.length === 0 && !r.skipped) continue;
    out.push('', `<details><summary><code>${escapeHtml(oneLine(r.id))}</code>: ${r.state}</summary>`, '');
    out.push(`${markdownText(r.reason)}${r.source ? ` (${markdownCode(r.source)})` : ''}`, '');
    if (r.changes.length || r.ignored.length) {
      out.push('| field | live | desired | cause |', '| --- | --- | --- | --- |');
      for (const c of r.changes) out.push(`| ${markdownCode(c.path)} | ${markdownCode(formatValue(c.live))} | ${markdownCode(formatValue(c.desired))} | ${c.cause} |`);
      for (const c of r.ignored) out.push(`| ${markdownCode(c.path)} | ${markdownCode(formatValue(c.live))} | ${markdownCode(formatValue(c.desired))} | ${c.cause === 'autoscaler' ? 'autoscaler (not reverted)' : 'ignored'} |`);
      out.push('');
    }
    const h = r.health;
    if (h && 'runningCount' in h) {
      for (const x of h.stoppedReasons) out.push(`- stopped task ${markdownText(x.task)}: ${markdownText(x.reason)}`);
      for (const e of h.events.slice(0, 3)) out.push(`- event: ${markdownText(e.message)}`);
    }
    for (const a of r.actions) out.push(`- ${a.kind}${a.outcome && a.outcome !== 'planned' ? ` (${a.outcome})` : ''}: ${markdownText(a.reason)}`);
    if (r.skipped) out.push(`- ${r.skipped.error ? '**not applied**' : 'left alone'}: ${markdownText(r.skipped.reason)}`);
    out.push('', '</details>');
  }
  if (report.problems.length) {
    out.push('', '#### Problems', '');
    for (const p of report.problems) out.push(`- ${markdownCode(formatProblem(p))}`);
  }
  return out.join('\n') + '\n';
}
