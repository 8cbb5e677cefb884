/** The terminal format: one line per resource with its state, then `path: live → desired`. */
import { formatProblem } from '../model/problem.js';
import type { Report, ReportChange, ReportResource } from './model.js';

const STATE_MARK: Record<string, string> = {
  'in-sync': '=',
  pending: '~',
  drifted: '!',
  missing: '+',
  orphaned: '-',
  conflict: 'x',
  invalid: '?',
  retained: 'k',
};

export function formatValue(v: unknown): string {
  if (v === undefined) return '(unset)';
  if (typeof v === 'string') return v.length > 120 ? JSON.stringify(`${v.slice(0, 117)}...`) : JSON.stringify(v);
  const s = JSON.stringify(v);
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}

function changeLine(c: ReportChange, note?: string): string {
  const cause = c.cause === 'manifest' ? '' : ` (${c.cause})`;
  return `      ${c.path}: ${formatValue(c.live)} → ${formatValue(c.desired)}${cause}${note ? ` [${note}]` : ''}`;
}

function resourceLines(r: ReportResource, verbose: boolean): string[] {
  const lines: string[] = [];
  const suspended = r.suspended ? ' (suspended)' : '';
  lines.push(`  ${STATE_MARK[r.state] ?? ' '} ${r.state.padEnd(8)} ${r.id}${suspended}${r.state === 'in-sync' ? '' : `: ${r.reason}`}`);
  for (const c of r.changes) lines.push(changeLine(c));
  if (r.scaling && (verbose || r.state !== 'in-sync' || r.scaling.desiredCountCause !== 'manifest')) {
    const s = r.scaling;
    lines.push(`      scaling: ${s.desiredCount} task(s) wanted, range ${s.minCapacity ?? '?'}-${s.maxCapacity ?? '?'}, set by ${s.desiredCountCause}; policies ${s.policies.join(', ') || 'none'}${s.scheduledActions.length ? `; scheduled ${s.scheduledActions.join(', ')}` : ''}`);
  }
  if (verbose || r.state !== 'in-sync') for (const c of r.ignored) lines.push(changeLine(c, c.cause === 'autoscaler' ? 'owned by the autoscaler, not reverted' : 'ignored'));
  const h = r.health;
  if (h && 'runningCount' in h && (verbose || h.failedTasks > 0 || h.rolloutState === 'FAILED')) {
    lines.push(`      health: ${h.runningCount}/${h.desiredCount} running, ${h.pendingCount} pending${h.rolloutState ? `, rollout ${h.rolloutState}` : ''}${h.failedTasks ? `, ${h.failedTasks} failed task(s)` : ''}`);
    for (const x of h.stoppedReasons) lines.push(`        stopped ${x.task}: ${x.reason}`);
  }
  if (r.history?.flapping) lines.push(`      flapping: ${r.history.driftedPasses} drifted pass(es) recently`);
  for (const a of r.actions) {
    const outcome = a.outcome && a.outcome !== 'planned' ? ` ${a.outcome}` : '';
    lines.push(`      → ${a.stage === 'prune' ? 'prune: ' : ''}${a.kind}${outcome}: ${a.reason}${a.message && a.outcome === 'failed' ? `: ${a.message}` : ''}`);
  }
  if (r.skipped && r.state !== 'conflict' && r.state !== 'invalid') lines.push(`      ${r.skipped.error ? '✗' : '·'} ${r.skipped.reason}`);
  return lines;
}

export function renderText(report: Report, opts: { verbose?: boolean } = {}): string {
  const out: string[] = [];
  const header = report.mode === 'apply' ? 'Apply' : report.mode === 'plan' ? 'Plan' : 'Report';
  out.push(`${header} (controller "${report.controllerId}"${report.repository ? `, repository ${report.repository}` : ''}${report.gitRevision ? `, commit ${report.gitRevision.slice(0, 12)}` : ''}):`);
  for (const r of report.resources) out.push(...resourceLines(r, opts.verbose ?? false));
  if (report.resources.length === 0) out.push('  (no resources)');
  if (report.problems.length) {
    out.push('', 'Problems:');
    for (const p of report.problems) out.push(`  ${formatProblem(p)}`);
  }
  if (!report.loadComplete) out.push('', 'Some manifests did not load: nothing is pruned until they do.');
  if (report.prune?.status === 'refused') out.push('', `Prune stage: ${report.prune.reason}`);
  else if (report.prune?.status === 'planned' && report.prune.deletions > 0) out.push('', `Prune stage: ${report.prune.deletions} orphaned resource(s) deleted after every create and update succeeds (bound: --max-prune ${report.prune.maxPrune}, of ${report.prune.managed} managed).`);
  out.push('', summaryLine(report));
  return out.join('\n') + '\n';
}

export function summaryLine(report: Report): string {
  const states = Object.entries(report.summary.byState)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`)
    .join(', ');
  const s = report.summary;
  const acts = report.mode === 'apply' ? `${s.actionsApplied} action(s) applied, ${s.actionsFailed} failed` : `${s.actionsPlanned} action(s) planned`;
  return `${s.resources} resource(s)${states ? `: ${states}` : ''}; ${acts}${s.problems ? `; ${s.problems} problem(s)` : ''}.`;
}
