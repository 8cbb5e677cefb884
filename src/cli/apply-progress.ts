/**
 * Apply's progress on stderr: `[37/235] register-task-definition TaskDefinition/... `
 * as each action starts, its outcome when it ends, waits on the client-side rate limit
 * said as such (RegisterTaskDefinition sustains about one a second, so a first apply of
 * a big estate is slow on purpose), and an ETA once a run is long enough for one.
 */

import type { BucketSpec } from '../aws/index.js';
import type { PlannedAction } from '../plan/index.js';
import type { ActionResult } from '../plan/types.js';

/** Runs shorter than this many actions finish before an ETA would help. */
const ETA_MIN_ACTIONS = 20;
const ETA_MIN_DONE = 3;

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

export class ApplyProgress {
  private started: number | undefined;
  private done = 0;
  private total = 0;
  private width = 1;

  constructor(
    private readonly write: (text: string) => void,
    private readonly now: () => number = () => performance.now(),
  ) {}

  actionStarted(action: PlannedAction, index: number, total: number): void {
    this.started ??= this.now();
    this.total = total;
    this.width = String(total).length;
    const eta = this.eta();
    this.write(`[${String(index).padStart(this.width)}/${total}] ${action.kind} ${action.resource} ...${eta ? ` (ETA ${eta})` : ''}\n`);
  }

  actionEnded(r: ActionResult): void {
    this.done++;
    const mark = r.outcome === 'applied' ? '✓' : r.outcome === 'failed' ? '✗' : '·';
    const pad = ' '.repeat(this.width * 2 + 3);
    this.write(`${pad} ${mark} ${r.outcome}${r.message && r.outcome !== 'applied' ? `: ${r.message}` : ''} (${r.durationMs} ms)\n`);
  }

  rateLimitWait(operation: string, spec: BucketSpec): void {
    const pad = ' '.repeat(this.width * 2 + 3);
    this.write(`${pad} waiting on the client-side rate limit for ${operation} (${spec.rate} a second, bursts of ${spec.burst}; ECS's own throttling limits)\n`);
  }

  /** time left, from the mean time per action so far; undefined on short runs */
  private eta(): string | undefined {
    if (this.started === undefined || this.total < ETA_MIN_ACTIONS || this.done < ETA_MIN_DONE) return undefined;
    const perAction = (this.now() - this.started) / this.done;
    return formatDuration(perAction * (this.total - this.done));
  }
}

/** After Ctrl-C: what was done and what was not, for the person who pressed it. */
export function interruptionSummary(actions: readonly PlannedAction[], results: readonly ActionResult[]): string {
  const byAction = new Map(results.map((r) => [r.action, r]));
  const applied = results.filter((r) => r.outcome === 'applied').length;
  const failed = results.filter((r) => r.outcome === 'failed').length;
  const notStarted = actions.filter((a) => !byAction.has(a));
  const lines = [`Interrupted: ${results.length} of ${actions.length} action(s) ran (${applied} applied, ${failed} failed); ${notStarted.length} not started:`];
  for (const a of notStarted) lines.push(`  - ${a.kind} ${a.resource}`);
  lines.push('Run apply again to finish: it plans afresh from what is live now.');
  return `${lines.join('\n')}\n`;
}
