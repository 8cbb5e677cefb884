/**
 * The daemon's page: plain server-rendered HTML, usable without JavaScript (filters are
 * a GET form), with a few lines of script that refresh the content without a reload.
 */
import type { Report, ReportResource } from './model.js';
import { formatValue, summaryLine } from './render-text.js';

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

export interface PageFilters {
  state?: string;
  cluster?: string;
}

function clusterOf(r: ReportResource): string {
  return r.kind === 'Cluster' ? r.name : (r.cluster ?? '');
}

export function filterResources(report: Report, f: PageFilters): ReportResource[] {
  return report.resources.filter((r) => (!f.state || r.state === f.state) && (!f.cluster || clusterOf(r) === f.cluster));
}

function resourceRows(r: ReportResource): string {
  const changes = [...r.changes, ...r.ignored]
    .map((c) => `<li><code>${escapeHtml(c.path)}</code>: <span class="live">${escapeHtml(formatValue(c.live))}</span> → <span class="desired">${escapeHtml(formatValue(c.desired))}</span> <small>(${escapeHtml(r.ignored.includes(c) ? (c.cause === 'autoscaler' ? 'autoscaler, not reverted' : 'ignored') : c.cause)})</small></li>`)
    .join('');
  const actions = r.actions.map((a) => `<li>${escapeHtml(a.kind)}${a.outcome && a.outcome !== 'planned' ? ` <b>${escapeHtml(a.outcome)}</b>` : ''}: ${escapeHtml(a.reason)}</li>`).join('');
  return `<tr class="state-${escapeHtml(r.state)}" data-state="${escapeHtml(r.state)}" data-cluster="${escapeHtml(clusterOf(r))}">
<td><span class="badge">${escapeHtml(r.state)}</span>${r.suspended ? ' <small>suspended</small>' : ''}</td>
<td>${escapeHtml(r.kind)}</td><td><code>${escapeHtml(r.id)}</code>${r.source ? `<br><small>${escapeHtml(r.source)}</small>` : ''}</td>
<td>${escapeHtml(r.reason)}${changes ? `<ul class="changes">${changes}</ul>` : ''}${actions ? `<ul class="actions">${actions}</ul>` : ''}</td></tr>`;
}

export function renderPageContent(report: Report | undefined, f: PageFilters): string {
  if (!report) return '<p id="summary">No reconcile pass has finished yet.</p>';
  const rows = filterResources(report, f).map(resourceRows).join('\n');
  const problems = report.problems.length ? `<h2>Problems</h2><ul class="problems">${report.problems.map((p) => `<li><code>${escapeHtml([p.file, p.line].filter(Boolean).join(':'))}</code> ${escapeHtml(p.path ? `${p.path}: ` : '')}${escapeHtml(p.message)}</li>`).join('')}</ul>` : '';
  return `<p id="summary">${escapeHtml(summaryLine(report))} <small>Pass at ${escapeHtml(report.generatedAt)}${report.gitRevision ? `, commit ${escapeHtml(report.gitRevision.slice(0, 12))}` : ''}.</small></p>
<table id="resources"><thead><tr><th>state</th><th>kind</th><th>resource</th><th>details</th></tr></thead><tbody>
${rows || '<tr><td colspan="4">No resource matches.</td></tr>'}
</tbody></table>${problems}`;
}

export function renderPage(report: Report | undefined, f: PageFilters): string {
  const states = ['in-sync', 'pending', 'drifted', 'missing', 'orphaned', 'conflict', 'invalid'];
  const clusters = [...new Set((report?.resources ?? []).map(clusterOf).filter(Boolean))].sort();
  const option = (v: string, cur?: string) => `<option value="${escapeHtml(v)}"${v === cur ? ' selected' : ''}>${escapeHtml(v || 'all')}</option>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ecs-reconciler drift report</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:1.5rem;color:#1b1f24}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #d0d7de;padding:.4rem;text-align:left;vertical-align:top}
.badge{padding:.1rem .4rem;border-radius:.3rem;background:#eaeef2;font-weight:600}
.state-in-sync .badge{background:#dafbe1}.state-drifted .badge,.state-invalid .badge{background:#ffebe9}
.state-pending .badge,.state-missing .badge{background:#fff8c5}.state-conflict .badge,.state-orphaned .badge{background:#ddf4ff}
.live{color:#a40e26}.desired{color:#116329}ul{margin:.2rem 0;padding-left:1.2rem}form{margin:.8rem 0}
</style></head><body>
<h1>ecs-reconciler drift report</h1>
<form id="filters" method="get" action="/">
<label>state <select name="state">${option('', f.state)}${states.map((s) => option(s, f.state)).join('')}</select></label>
<label>cluster <select name="cluster">${option('', f.cluster)}${clusters.map((c) => option(c, f.cluster)).join('')}</select></label>
<button type="submit">filter</button>
</form>
<div id="content">${renderPageContent(report, f)}</div>
<script>
// Refresh the content every few seconds without a reload, keeping the filters.
(function(){
  var form=document.getElementById('filters');
  form.addEventListener('change',function(){form.submit();});
  setInterval(function(){
    var q=new URLSearchParams(new FormData(form));q.set('partial','1');
    fetch('/?'+q.toString(),{cache:'no-store'}).then(function(r){return r.ok?r.text():null}).then(function(t){
      if(t!==null){document.getElementById('content').innerHTML=t;}
    }).catch(function(){});
  },3000);
})();
</script>
</body></html>
`;
}
