/**
 * The daemon's Prometheus metrics, kept by hand (a few counters, gauges and one
 * histogram do not need a library) and rendered in the text exposition format.
 */
import type { CallCounter } from '../aws/index.js';
import { RESOURCE_STATES } from '../diff/types.js';
import type { Report } from '../report/index.js';

const PASS_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

function label(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

export class DaemonMetrics {
  passes = { ok: 0, failed: 0 };
  private readonly durationBuckets = new Array<number>(PASS_BUCKETS.length).fill(0);
  private durationSum = 0;
  private durationCount = 0;
  driftDetected = 0;
  readonly actions = new Map<string, { applied: number; failed: number }>();
  lastSuccessfulPassSeconds = 0;
  resourcesByState: Record<string, number> = {};
  private scaling: Array<{ resource: string; current: number; min?: number; max?: number; cause: string }> = [];
  up = 1;

  constructor(private readonly calls: CallCounter) {}

  observePass(seconds: number, ok: boolean): void {
    if (ok) this.passes.ok++;
    else this.passes.failed++;
    this.durationSum += seconds;
    this.durationCount++;
    PASS_BUCKETS.forEach((b, i) => {
      if (seconds <= b) this.durationBuckets[i]!++;
    });
  }

  observeReport(report: Report, nowSeconds: number): void {
    this.resourcesByState = { ...report.summary.byState };
    this.scaling = report.resources.filter((r) => r.scaling).map((r) => ({ resource: r.id, current: r.scaling!.desiredCount, ...(r.scaling!.minCapacity !== undefined ? { min: r.scaling!.minCapacity } : {}), ...(r.scaling!.maxCapacity !== undefined ? { max: r.scaling!.maxCapacity } : {}), cause: r.scaling!.desiredCountCause }));
    this.driftDetected += report.summary.byState.drifted ?? 0;
    for (const r of report.resources) {
      for (const a of r.actions) {
        if (a.outcome !== 'applied' && a.outcome !== 'failed') continue;
        const c = this.actions.get(a.kind) ?? { applied: 0, failed: 0 };
        c[a.outcome]++;
        this.actions.set(a.kind, c);
      }
    }
    if (report.summary.actionsFailed === 0 && report.problems.every((p) => p.stage !== 'read')) this.lastSuccessfulPassSeconds = nowSeconds;
  }

  render(): string {
    const out: string[] = [];
    const help = (name: string, type: string, text: string) => out.push(`# HELP ${name} ${text}`, `# TYPE ${name} ${type}`);
    help('ecs_reconciler_passes_total', 'counter', 'Reconcile passes, by result.');
    out.push(`ecs_reconciler_passes_total{result="ok"} ${this.passes.ok}`, `ecs_reconciler_passes_total{result="failed"} ${this.passes.failed}`);
    help('ecs_reconciler_pass_duration_seconds', 'histogram', 'Duration of reconcile passes.');
    PASS_BUCKETS.forEach((b, i) => out.push(`ecs_reconciler_pass_duration_seconds_bucket{le="${b}"} ${this.durationBuckets[i]}`));
    out.push(`ecs_reconciler_pass_duration_seconds_bucket{le="+Inf"} ${this.durationCount}`);
    out.push(`ecs_reconciler_pass_duration_seconds_sum ${this.durationSum.toFixed(6)}`, `ecs_reconciler_pass_duration_seconds_count ${this.durationCount}`);
    help('ecs_reconciler_resources', 'gauge', 'Resources by state in the last pass.');
    for (const s of RESOURCE_STATES) out.push(`ecs_reconciler_resources{state="${s}"} ${this.resourcesByState[s] ?? 0}`);
    help('ecs_reconciler_drift_detected_total', 'counter', 'Resources seen drifted, summed over passes.');
    out.push(`ecs_reconciler_drift_detected_total ${this.driftDetected}`);
    help('ecs_reconciler_actions_total', 'counter', 'Actions carried out, by kind and result.');
    for (const [kind, c] of [...this.actions].sort()) {
      out.push(`ecs_reconciler_actions_total{kind="${label(kind)}",result="applied"} ${c.applied}`, `ecs_reconciler_actions_total{kind="${label(kind)}",result="failed"} ${c.failed}`);
    }
    help('ecs_reconciler_aws_calls_total', 'counter', 'AWS API calls, by service, operation and outcome.');
    for (const c of this.calls.snapshot()) {
      out.push(`ecs_reconciler_aws_calls_total{service="${label(c.service)}",operation="${label(c.operation)}",outcome="${label(c.outcome)}"} ${c.count}`);
    }
    help('ecs_reconciler_aws_throttled_total', 'counter', 'AWS calls that ended throttled after retries.');
    out.push(`ecs_reconciler_aws_throttled_total ${this.calls.throttled}`);
    help('ecs_reconciler_service_capacity', 'gauge', 'Services with auto scaling: current desiredCount and the scalable target bounds.');
    for (const c of this.scaling) {
      out.push(`ecs_reconciler_service_capacity{resource="${label(c.resource)}",value="desired",cause="${label(c.cause)}"} ${c.current}`);
      if (c.min !== undefined) out.push(`ecs_reconciler_service_capacity{resource="${label(c.resource)}",value="min"} ${c.min}`);
      if (c.max !== undefined) out.push(`ecs_reconciler_service_capacity{resource="${label(c.resource)}",value="max"} ${c.max}`);
    }
    help('ecs_reconciler_last_successful_pass_timestamp_seconds', 'gauge', 'Unix time of the last pass with no failed action and AWS reachable.');
    out.push(`ecs_reconciler_last_successful_pass_timestamp_seconds ${this.lastSuccessfulPassSeconds}`);
    return out.join('\n') + '\n';
  }
}
