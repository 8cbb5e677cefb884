/**
 * The daemon's page: plain server-rendered HTML, usable without JavaScript (filters are
 * a GET form), with a few lines of script that refresh the content without a reload.
 */

import { RESOURCE_STATES } from '../diff/types.js';
import { capacityLineText } from '../kinds/cluster/report.js';
import { findKind } from '../kinds/registry.js';
import { type ServiceTaskList, tasksByStateText } from '../kinds/service/report.js';
import type { Report, ReportResource } from './model.js';
import { formatValue, shortRevision, summaryLine } from './render-text.js';
import { hiddenLine, needsAttention, SHOW_MODES, type ShowMode } from './show.js';
import { specYaml } from './spec-yaml.js';

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

export interface PageFilters {
  state?: string;
  cluster?: string;
  /** changed (default): resources with something to do; all: every resource */
  show?: ShowMode;
}

/** `?show=` from a query: anything but a known mode is the default */
export function showModeOf(value: string | null | undefined): ShowMode | undefined {
  return (SHOW_MODES as readonly string[]).includes(value ?? '') ? (value as ShowMode) : undefined;
}

function clusterOf(r: ReportResource): string {
  return findKind(r.kind)?.clusterOf(r) ?? '';
}

function filterResources(report: Report, f: PageFilters): ReportResource[] {
  // a state asked for by name is shown even when it is in-sync
  const show = f.state ? 'all' : (f.show ?? 'changed');
  return report.resources.filter(
    (r) => (show === 'all' || needsAttention(r)) && (!f.state || r.state === f.state) && (!f.cluster || clusterOf(r) === f.cluster),
  );
}

function healthCell(r: ReportResource, staticPage: boolean): string {
  const h = r.health;
  if (!h) return '';
  if ('runningCount' in h) {
    const stopped = h.stoppedReasons.length ? `<br><small>stopped: ${h.stoppedReasons.map((x) => escapeHtml(x.reason)).join('; ')}</small>` : '';
    const events = h.events.length
      ? `<details><summary><small>events</small></summary><ul>${h.events.map((e) => `<li><small>${escapeHtml(e.at ?? '')} ${escapeHtml(e.message)}</small></li>`).join('')}</ul></details>`
      : '';
    const runsOn = h.runsOn?.length ? `<br><small>on ${h.runsOn.map(escapeHtml).join(' + ')}</small>` : '';
    const byState = Object.entries(h.tasks).filter(([, n]) => n > 0);
    // the daemon reads a service's task list on demand (/report/tasks); a saved page has no daemon behind it
    const taskList = staticPage ? '' : ` <a class="task-list" href="/report/tasks?service=${encodeURIComponent(r.id)}&amp;format=html">task list</a>`;
    const tasks = `<br><small class="tasks">tasks: ${byState.length ? byState.map(([st, n]) => `${escapeHtml(st)} ${n}`).join(', ') : 'none'}${h.tasksFrom === 'task list' ? ' (task list)' : ''}</small>${taskList}`;
    const dep = h.primaryDeployment;
    const rollout = dep
      ? `<br><small class="deployment">${escapeHtml(dep.revision)} (${escapeHtml(dep.id)}${dep.startedByThisController ? '' : ', not started by this controller'})</small>`
      : '';
    return `<span class="health">${h.runningCount}/${h.desiredCount} running${h.pendingCount ? `, ${h.pendingCount} pending` : ''}</span>${runsOn}${tasks}${rollout}${h.rolloutState ? `<br><small>rollout ${escapeHtml(h.rolloutState)}${h.deployments > 1 ? ` (${h.deployments} deployments)` : ''}</small>` : ''}${h.failedTasks ? `<br><small>${h.failedTasks} failed task(s)</small>` : ''}${stopped}${events}`;
  }
  const capacity = h.capacity?.length
    ? `<ul class="capacity">${h.capacity.map((c) => `<li><small>${escapeHtml(capacityLineText(c))}</small></li>`).join('')}</ul>`
    : h.capacityProviders.length
      ? `<br><small>${h.capacityProviders.map(escapeHtml).join(', ')}</small>`
      : '';
  return `<span class="health">${h.runningTasks} task(s) running, ${h.activeServices} service(s)</span>${capacity}`;
}

function resourceRows(r: ReportResource, hiddenRow = false, staticPage = false): string {
  const changes = [...r.changes, ...r.ignored]
    .map(
      (c) =>
        `<li><code>${escapeHtml(c.path)}</code>: <span class="live">${escapeHtml(formatValue(c.live))}</span> → <span class="desired">${escapeHtml(formatValue(c.desired))}</span> <small>(${escapeHtml(r.ignored.includes(c) ? (c.cause === 'autoscaler' ? 'autoscaler, not reverted' : 'ignored') : c.cause)})</small></li>`,
    )
    .join('');
  const creates = r.creates ? `<details class="creates"><summary>created with</summary><pre>${escapeHtml(specYaml(r.creates))}</pre></details>` : '';
  const actions = r.actions
    .map(
      (a) =>
        `<li>${escapeHtml(a.kind)}${a.outcome && a.outcome !== 'planned' ? ` <b>${escapeHtml(a.outcome)}</b>` : ''}: ${escapeHtml(a.reason)}${a.outcome === 'failed' && a.message ? `: ${escapeHtml(a.message)}` : ''}</li>`,
    )
    .join('');
  const scaling = r.scaling
    ? `<br><small>scaling ${r.scaling.minCapacity ?? '?'}–${r.scaling.maxCapacity ?? '?'}, desiredCount set by ${escapeHtml(r.scaling.desiredCountCause)}; policies ${escapeHtml(r.scaling.policies.join(', ') || 'none')}</small>`
    : '';
  const hist = r.history
    ? `<br><small title="passes in this state: ${r.history.passesInState}; passes drifted: ${r.history.driftedPasses}">since ${escapeHtml(r.history.since)}</small>${r.history.flapping ? ' <span class="flap">flapping</span>' : ''}`
    : '';
  return `<tr class="resource state-${escapeHtml(r.state)}" data-id="${escapeHtml(r.id)}" data-state="${escapeHtml(r.state)}" data-cluster="${escapeHtml(clusterOf(r))}" data-changed="${needsAttention(r)}"${hiddenRow ? ' hidden' : ''}>
<td><span class="badge">${escapeHtml(r.state)}</span>${r.suspended ? ' <small>suspended</small>' : ''}${hist}</td>
<td>${escapeHtml(r.kind)}</td><td><code>${escapeHtml(r.id)}</code>${r.source ? `<br><small>${escapeHtml(r.source)}</small>` : ''}</td>
<td>${healthCell(r, staticPage)}${scaling}</td>
<td>${escapeHtml(r.reason)}${changes ? `<ul class="changes">${changes}</ul>` : ''}${creates}${actions ? `<ul class="actions">${actions}</ul>` : ''}${r.fight ? `<p class="error fight">fighting since <time>${escapeHtml(r.fight.since)}</time>: applied on ${r.fight.applied} passes in a row, came back each time: ${r.fight.fields.map((f) => `<code>${escapeHtml(f)}</code>`).join(', ')}</p>` : ''}${r.skipped?.error && !r.fight ? `<p class="error">${escapeHtml(r.skipped.reason)}</p>` : ''}</td></tr>`;
}

export function renderPageContent(report: Report | undefined, f: PageFilters, staticPage = false): string {
  if (!report) return '<p id="summary">No reconcile pass has finished yet.</p>';
  // a saved page filters in the page itself: every row is there, the in-sync ones hidden until "show all"
  const rows = staticPage
    ? filterResources(report, { ...f, show: 'all' })
        .map((r) => resourceRows(r, (f.show ?? 'changed') === 'changed' && !f.state && !needsAttention(r), true))
        .join('\n')
    : filterResources(report, f)
        .map((r) => resourceRows(r))
        .join('\n');
  const hidden =
    !f.state && (f.show ?? 'changed') === 'changed'
      ? report.resources.filter((r) => !needsAttention(r) && (!f.cluster || clusterOf(r) === f.cluster)).length
      : 0;
  const problems = report.problems.length
    ? `<h2>Problems</h2><ul class="problems">${report.problems.map((p) => `<li><code>${escapeHtml([p.file, p.line, p.column].filter((x) => x !== undefined).join(':'))}</code> ${escapeHtml(p.path ? `${p.path}: ` : '')}${escapeHtml(p.message)}${p.resource ? ` <small>${escapeHtml(p.resource)}</small>` : ''}</li>`).join('')}</ul>`
    : '';
  return `<p id="summary">${escapeHtml(summaryLine(report))} <small>Pass at <time>${escapeHtml(report.generatedAt)}</time>${report.gitRevision ? `, commit ${escapeHtml(shortRevision(report.gitRevision))}` : ''}${report.loadComplete ? '' : '; some manifests did not load, nothing is pruned'}.</small>${hidden ? ` <small id="hidden">${escapeHtml(hiddenLine(hidden).replace('--show all', 'show: all'))}</small>` : ''}</p>
<table id="resources"><thead><tr><th>state</th><th>kind</th><th>resource</th><th>health</th><th>details</th></tr></thead><tbody>
${rows || '<tr><td colspan="5">No resource matches.</td></tr>'}
</tbody></table>${problems}`;
}

export function renderPage(report: Report | undefined, f: PageFilters, opts: { static?: boolean; show?: ShowMode } = {}): string {
  if (opts.show && !f.show) f = { ...f, show: opts.show };
  const states = RESOURCE_STATES;
  const clusters = [...new Set((report?.resources ?? []).map(clusterOf).filter(Boolean))].sort();
  const option = (v: string, cur?: string) => `<option value="${escapeHtml(v)}"${v === cur ? ' selected' : ''}>${escapeHtml(v || 'all')}</option>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ecs-reconciler drift report</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:1.5rem;color:#1b1f24}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #d0d7de;padding:.4rem;text-align:left;vertical-align:top}
.badge{padding:.1rem .4rem;border-radius:.3rem;background:#eaeef2;font-weight:600}
.state-in-sync .badge{background:#dafbe1}.state-drifted .badge,.state-invalid .badge,.state-fighting .badge{background:#ffebe9}.state-unknown .badge{background:#eaeef2}
.state-pending .badge,.state-missing .badge{background:#fff8c5}.state-conflict .badge,.state-orphaned .badge{background:#ddf4ff}
.flap{color:#a40e26;font-weight:600}.error{color:#a40e26}.live{color:#a40e26}.desired{color:#116329}ul{margin:.2rem 0;padding-left:1.2rem}form{margin:.8rem 0}
</style></head><body>
<h1>ecs-reconciler drift report</h1>
<form id="filters" method="get" action="${opts.static ? '' : '/'}">
<label>state <select name="state">${option('', f.state)}${states.map((s) => option(s, f.state)).join('')}</select></label>
<label>cluster <select name="cluster">${option('', f.cluster)}${clusters.map((c) => option(c, f.cluster)).join('')}</select></label>
<label>show <select name="show">${SHOW_MODES.map((m) => `<option value="${m}"${m === (f.show ?? 'changed') ? ' selected' : ''}>${m}</option>`).join('')}</select></label>
<button type="submit">filter</button>
</form>
<div id="content">${renderPageContent(report, f, opts.static)}</div>
${opts.static ? STATIC_SCRIPT : LIVE_SCRIPT}
</body></html>
`;
}

// Served by the daemon: filters reload the page (works without JavaScript too); the
// content refreshes every few seconds without a reload.
const LIVE_SCRIPT = `<script>
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
</script>`;

// A saved page (report --format html): filtering happens in the page itself.
const STATIC_SCRIPT = `<script>
(function(){
  var form=document.getElementById('filters');
  function apply(){
    var st=form.state.value, cl=form.cluster.value, sh=form.show.value;
    document.querySelectorAll('tr.resource').forEach(function(tr){
      tr.hidden=(st&&tr.dataset.state!==st)||(cl&&tr.dataset.cluster!==cl)||(!st&&sh==='changed'&&tr.dataset.changed!=='true');
    });
  }
  form.addEventListener('change',apply);form.addEventListener('submit',function(e){e.preventDefault();apply();});
})();
</script>`;

/** /report/tasks?format=html: one service's tasks by last status, the stopped ones with their reasons. */
export function renderTaskListPage(list: ServiceTaskList): string {
  const cell = (v: string | undefined) => `<td>${escapeHtml(v ?? '')}</td>`;
  const rows = list.list
    .map(
      (t) =>
        `<tr class="task status-${escapeHtml(t.lastStatus)}">${cell(t.lastStatus)}${cell(t.task)}${cell(t.revision)}${cell(t.startedAt)}${cell(t.stoppedAt)}${cell([t.stopCode, t.stoppedReason].filter(Boolean).join(': '))}</tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>tasks of ${escapeHtml(list.service)}</title>
<style>body{font:14px/1.4 system-ui,sans-serif;margin:1.5rem}table{border-collapse:collapse}th,td{border-bottom:1px solid #d0d7de;padding:.3rem .5rem;text-align:left}</style>
</head><body>
<h1>tasks of <code>${escapeHtml(list.service)}</code></h1>
<p id="by-state">${escapeHtml(tasksByStateText(list.tasks))} <small>read at <time>${escapeHtml(list.readAt)}</time></small> <a href="/">back to the report</a></p>
<table id="tasks"><thead><tr><th>last status</th><th>task</th><th>revision</th><th>started</th><th>stopped</th><th>stopped because</th></tr></thead><tbody>
${rows || '<tr><td colspan="6">No tasks.</td></tr>'}
</tbody></table>
</body></html>
`;
}
