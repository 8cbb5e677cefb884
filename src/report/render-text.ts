/** The terminal format: one line per resource with its state, then `path: live → desired`. */
import { capacityLineText } from '../kinds/cluster/report.js';
import { tasksByStateText } from '../kinds/service/report.js';
import { formatProblem } from '../model/problem.js';
import { oneLine, terminalText } from './escape.js';
import type { Report, ReportChange, ReportResource } from './model.js';
import { hiddenLine, listedResources, type ShowMode } from './show.js';
import { specYaml } from './spec-yaml.js';

const STATE_MARK: Record<string, string> = {
  'in-sync': '=',
  pending: '~',
  drifted: '!',
  missing: '+',
  orphaned: '-',
  conflict: 'x',
  invalid: '?',
  unknown: '.',
  degraded: 'v',
  fighting: '#',
  retained: 'k',
};

/** 12 hex digits of the commit, and `-dirty` when the manifests had uncommitted changes (src/manifests/git.ts). */
export function shortRevision(rev: string): string {
  return rev.endsWith('-dirty') ? `${rev.slice(0, 12)}-dirty` : rev.slice(0, 12);
}

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
  lines.push(...createdLines(r));
  if (r.scaling && (verbose || r.state !== 'in-sync' || r.scaling.desiredCountCause !== 'manifest')) {
    const s = r.scaling;
    lines.push(
      `      scaling: ${s.desiredCount} task(s) wanted, range ${s.minCapacity ?? '?'}-${s.maxCapacity ?? '?'}, set by ${s.desiredCountCause}; policies ${s.policies.join(', ') || 'none'}${s.scheduledActions.length ? `; scheduled ${s.scheduledActions.join(', ')}` : ''}`,
    );
  }
  if (verbose || r.state !== 'in-sync')
    for (const c of r.ignored) lines.push(changeLine(c, c.cause === 'autoscaler' ? 'owned by the autoscaler, not reverted' : 'ignored'));
  const h = r.health;
  if (
    h &&
    'runningCount' in h &&
    (verbose || h.failedTasks > 0 || h.rolloutState === 'FAILED' || r.state === 'degraded' || h.tasksFrom === 'task list' || h.codeDeployDeployment)
  ) {
    lines.push(
      `      health: ${h.runningCount}/${h.desiredCount} running, ${h.pendingCount} pending${h.rolloutState ? `, rollout ${h.rolloutState}` : ''}${h.failedTasks ? `, ${h.failedTasks} failed task(s)` : ''}${h.codeDeployDeployment ? `, CodeDeploy deployment ${oneLine(h.codeDeployDeployment.id)} ${oneLine(h.codeDeployDeployment.status)}` : ''}`,
    );
    lines.push(`      tasks: ${tasksByStateText(h.tasks)} (${h.tasksFrom})`);
    const dep = h.primaryDeployment;
    if (dep)
      lines.push(
        `      deployment: ${oneLine(dep.id)} of ${oneLine(dep.revision)}${dep.startedByThisController ? '' : ' (not started by this controller)'}${dep.since ? ` since ${dep.since}` : ''}`,
      );
    for (const x of h.stoppedReasons) lines.push(`        stopped ${oneLine(x.task)}: ${oneLine(x.reason)}`);
  }
  // capacity: a cluster's by provider (always when it has EC2 instances), a service's provider
  if (h && 'runningTasks' in h && h.capacity?.length && (verbose || h.capacity.some((c) => c.containerInstances !== undefined)))
    lines.push(`      capacity: ${h.capacity.map((c) => oneLine(capacityLineText(c))).join('; ')}`);
  if (h && 'runningCount' in h && h.runsOn?.length) lines.push(`      runs on: ${oneLine(h.runsOn.join(' + '))}`);
  if (r.fight)
    lines.push(`      fighting since ${r.fight.since}: applied on ${r.fight.applied} passes in a row, came back each time: ${r.fight.fields.join(', ')}`);
  if (r.history?.flapping) lines.push(`      flapping: ${r.history.driftedPasses} drifted pass(es) recently`);
  for (const a of r.actions) {
    const outcome = a.outcome && a.outcome !== 'planned' ? ` ${a.outcome}` : '';
    lines.push(
      `      → ${a.stage === 'prune' ? 'prune: ' : ''}${a.kind}${outcome}: ${oneLine(a.reason)}${a.message && a.outcome === 'failed' ? `: ${oneLine(a.message)}` : ''}`,
    );
  }
  if (r.skipped && r.state !== 'conflict' && r.state !== 'invalid' && r.state !== 'fighting')
    lines.push(`      ${r.skipped.error ? '✗' : '·'} ${r.skipped.reason}`);
  return lines;
}

/** A create's fields, nested as YAML under `+ `, as Terraform lists a new resource's attributes. */
function createdLines(r: ReportResource, indent = '      '): string[] {
  if (!r.creates) return [];
  if (Object.keys(r.creates).length === 0) return [`${indent}+ (no fields set: ECS's defaults)`];
  return specYaml(r.creates)
    .trimEnd()
    .split('\n')
    .map((l) => `${indent}+ ${l}`);
}

export function renderText(report: Report, opts: { verbose?: boolean; show?: ShowMode } = {}): string {
  const out: string[] = [];
  const header = report.mode === 'apply' ? 'Apply' : report.mode === 'plan' ? 'Plan' : 'Report';
  out.push(
    `${header} (controller "${report.controllerId}"${report.repository ? `, repository ${oneLine(report.repository)}` : ''}${report.gitRevision ? `, commit ${shortRevision(report.gitRevision)}` : ''}):`,
  );
  const { listed, hidden } = listedResources(report, opts.show ?? (opts.verbose ? 'all' : 'changed'));
  for (const r of listed) out.push(...resourceLines(r, opts.verbose ?? false));
  if (report.resources.length === 0) out.push('  (no resources)');
  if (hidden) out.push(`  ${hiddenLine(hidden)}`);
  if (report.problems.length) {
    out.push('', 'Problems:');
    for (const p of report.problems) out.push(`  ${formatProblem(p)}`);
  }
  if (!report.loadComplete) out.push('', 'Some manifests did not load: nothing is pruned until they do.');
  if (report.prune?.status === 'refused') out.push('', `Prune stage: ${report.prune.reason}`);
  else if (report.prune?.status === 'planned' && report.prune.deletions > 0)
    out.push(
      '',
      `Prune stage: ${report.prune.deletions} orphaned resource(s) deleted after every create and update succeeds (bound: --max-prune ${report.prune.maxPrune}, of ${report.prune.managed} managed).`,
    );
  out.push('', summaryLine(report));
  // text from live ECS and from file names reaches a terminal: no ESC sequence or control character does
  return `${terminalText(out.join('\n'))}\n`;
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
