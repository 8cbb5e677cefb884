/** A pull-request comment: a summary table, then a collapsible section per changed resource. */
import { formatProblem } from '../model/problem.js';
import type { Report } from './model.js';
import { formatValue, summaryLine } from './render-text.js';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function healthText(r: Report['resources'][number]): string {
  const h = r.health;
  if (!h) return '—';
  if ('runningCount' in h) return `${h.runningCount}/${h.desiredCount} running${h.rolloutState ? `, ${h.rolloutState.toLowerCase()}` : ''}${h.failedTasks ? `, ${h.failedTasks} failed` : ''}`;
  return `${h.runningTasks} task(s)`;
}

export function renderMarkdown(report: Report): string {
  const out: string[] = [];
  out.push(`### ecs-reconciler ${report.mode}${report.gitRevision ? ` at \`${report.gitRevision.slice(0, 12)}\`` : ''}`, '');
  out.push(summaryLine(report), '');
  out.push(`Controller \`${cell(report.controllerId)}\`${report.repository ? `, repository \`${cell(report.repository)}\`` : ''}.`, '');
  if (report.prune?.status === 'refused') out.push(`**Prune stage refused**: ${cell(report.prune.reason ?? '')}`, '');
  else if (report.prune?.status === 'planned' && report.prune.deletions > 0) out.push(`Prune stage: ${report.prune.deletions} deletion(s), after every create and update succeeds.`, '');
  out.push('| state | count |', '| --- | ---: |');
  for (const [state, n] of Object.entries(report.summary.byState)) if (n > 0) out.push(`| ${state} | ${n} |`);
  out.push('');
  out.push('| resource | state | since | health | changes | actions |', '| --- | --- | --- | --- | ---: | --- |');
  for (const r of report.resources) {
    out.push(`| \`${cell(r.id)}\` | ${r.state}${r.suspended ? ' (suspended)' : ''}${r.history?.flapping ? ' ⚠ flapping' : ''} | ${cell(r.history?.since ?? '—')} | ${cell(healthText(r))} | ${r.changes.length} | ${cell(r.actions.map((a) => a.kind).join(', ') || '—')} |`);
  }
  for (const r of report.resources) {
    if (r.changes.length === 0 && r.ignored.length === 0 && r.actions.length === 0 && !r.skipped) continue;
    out.push('', `<details><summary><code>${r.id}</code>: ${r.state}</summary>`, '');
    out.push(`${r.reason}${r.source ? ` (\`${r.source}\`)` : ''}`, '');
    if (r.changes.length || r.ignored.length) {
      out.push('| field | live | desired | cause |', '| --- | --- | --- | --- |');
      for (const c of r.changes) out.push(`| \`${cell(c.path)}\` | \`${cell(formatValue(c.live))}\` | \`${cell(formatValue(c.desired))}\` | ${c.cause} |`);
      for (const c of r.ignored) out.push(`| \`${cell(c.path)}\` | \`${cell(formatValue(c.live))}\` | \`${cell(formatValue(c.desired))}\` | ${c.cause === 'autoscaler' ? 'autoscaler (not reverted)' : 'ignored'} |`);
      out.push('');
    }
    const h = r.health;
    if (h && 'runningCount' in h) {
      for (const x of h.stoppedReasons) out.push(`- stopped task ${x.task}: ${x.reason}`);
      for (const e of h.events.slice(0, 3)) out.push(`- event: ${e.message}`);
    }
    for (const a of r.actions) out.push(`- ${a.stage === 'prune' ? 'prune: ' : ''}${a.kind}${a.outcome && a.outcome !== 'planned' ? ` (${a.outcome})` : ''}: ${a.reason}`);
    if (r.skipped) out.push(`- ${r.skipped.error ? '**not applied**' : 'left alone'}: ${r.skipped.reason}`);
    out.push('', '</details>');
  }
  if (report.problems.length) {
    out.push('', '#### Problems', '');
    for (const p of report.problems) out.push(`- \`${cell(formatProblem(p))}\``);
  }
  return out.join('\n') + '\n';
}
