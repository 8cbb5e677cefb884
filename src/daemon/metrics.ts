/**
 * The daemon's Prometheus metrics, with prom-client: the default process and Node.js
 * metrics every Node exporter has (process_cpu_seconds_total, process_resident_memory_bytes,
 * nodejs_heap_size_used_bytes, nodejs_eventloop_lag_seconds, nodejs_gc_duration_seconds,
 * ...), and the controller's own. Each metric keeps one label set on all its series, as
 * Prometheus' naming guide asks, so sum() and joins work.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { CallCounter } from '../aws/index.js';
import { RESOURCE_STATES } from '../diff/types.js';
import { packageVersion } from '../model/build-info.js';
import type { Report, ReportResource } from '../report/index.js';

const PASS_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

export class DaemonMetrics {
  readonly registry = new Registry();
  private readonly passes: Counter<'result'>;
  private readonly passDuration: Histogram;
  private readonly resources: Gauge<'state'>;
  private readonly driftDetected: Counter;
  private readonly actions: Counter<'kind' | 'result'>;
  private readonly lastSuccessfulPass: Gauge;
  /**
   * The resources of the last report, for the per-resource series: those are made from it
   * when they are scraped (each gauge's collect(), which prom-client calls right before it
   * reads the gauge's values) and let go after (render()). Held as series between scrapes,
   * at 10,000 services they were about 73,000 label sets and keys in prom-client, 8.6 MB
   * of the daemon's heap (issue 19); the report holds the same facts anyway.
   */
  private lastResources: readonly ReportResource[] = [];
  private readonly perResource: Array<Gauge<string>> = [];

  constructor(calls: CallCounter) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: 'ecs_reconciler_build_info',
      help: 'The running controller: its version and the Node.js it runs on (always 1).',
      labelNames: ['version', 'node'],
      registers,
    }).set({ version: packageVersion(), node: process.versions.node }, 1);
    this.passes = new Counter({ name: 'ecs_reconciler_passes_total', help: 'Reconcile passes, by result.', labelNames: ['result'], registers });
    for (const result of ['ok', 'failed']) this.passes.inc({ result }, 0);
    this.passDuration = new Histogram({
      name: 'ecs_reconciler_pass_duration_seconds',
      help: 'Duration of reconcile passes.',
      buckets: PASS_BUCKETS,
      registers,
    });
    this.resources = new Gauge({ name: 'ecs_reconciler_resources', help: 'Resources by state in the last pass.', labelNames: ['state'], registers });
    for (const state of RESOURCE_STATES) this.resources.set({ state }, 0);
    const resources = () => this.lastResources;
    const perResource = <L extends string>(config: { name: string; help: string; labelNames: L[]; fill: (g: Gauge<L>, r: ReportResource) => void }): void => {
      const { fill, ...rest } = config;
      this.perResource.push(
        new Gauge<L>({
          ...rest,
          registers,
          collect() {
            this.reset();
            for (const r of resources()) fill(this, r);
          },
        }) as unknown as Gauge<string>,
      );
    };
    perResource({
      name: 'ecs_reconciler_resource_info',
      help: 'Each resource of the last pass with its state (always 1); join on id.',
      labelNames: ['kind', 'id', 'state'],
      fill: (g, r) => g.set({ kind: r.kind, id: r.id, state: r.state }, 1),
    });
    this.driftDetected = new Counter({ name: 'ecs_reconciler_drift_detected_total', help: 'Resources seen drifted, summed over passes.', registers });
    this.actions = new Counter({
      name: 'ecs_reconciler_actions_total',
      help: 'Actions carried out, by kind and result.',
      labelNames: ['kind', 'result'],
      registers,
    });
    // The gateway's CallCounter is the one count (the benchmark reads it too): copied at scrape time.
    new Counter({
      name: 'ecs_reconciler_aws_calls_total',
      help: 'AWS API calls, by service, operation and outcome.',
      labelNames: ['service', 'operation', 'outcome'],
      registers,
      collect() {
        this.reset();
        for (const c of calls.snapshot()) this.inc({ service: c.service, operation: c.operation, outcome: c.outcome }, c.count);
      },
    });
    new Counter({
      name: 'ecs_reconciler_aws_throttled_total',
      help: 'AWS calls that ended throttled after retries.',
      registers,
      collect() {
        this.reset();
        this.inc(calls.throttled);
      },
    });
    perResource({
      name: 'ecs_reconciler_service_capacity',
      help: 'Services with auto scaling: current desiredCount (value="desired") and the scalable target bounds (min, max); cause: who set the desiredCount.',
      labelNames: ['resource', 'value', 'cause'],
      fill: (g, r) => {
        if (!r.scaling) return;
        const cause = r.scaling.desiredCountCause;
        g.set({ resource: r.id, value: 'desired', cause }, r.scaling.desiredCount);
        if (r.scaling.minCapacity !== undefined) g.set({ resource: r.id, value: 'min', cause }, r.scaling.minCapacity);
        if (r.scaling.maxCapacity !== undefined) g.set({ resource: r.id, value: 'max', cause }, r.scaling.maxCapacity);
      },
    });
    perResource({
      name: 'ecs_reconciler_cluster_capacity',
      help: 'Capacity of each cluster (its resource id) by provider (EC2: instances with no provider): value="container_instances", "running_tasks", and "target_capacity" (managed scaling target, percent) when the provider has one.',
      labelNames: ['cluster', 'provider', 'value'],
      fill: (g, r) => {
        const capacity = r.health && 'capacity' in r.health ? r.health.capacity : undefined;
        for (const c of capacity ?? []) {
          const at = { cluster: r.id, provider: c.provider };
          if (c.containerInstances !== undefined) g.set({ ...at, value: 'container_instances' }, c.containerInstances);
          g.set({ ...at, value: 'running_tasks' }, c.runningTasks);
          if (c.targetCapacity !== undefined) g.set({ ...at, value: 'target_capacity' }, c.targetCapacity);
        }
      },
    });
    this.lastSuccessfulPass = new Gauge({
      name: 'ecs_reconciler_last_successful_pass_timestamp_seconds',
      help: 'Unix time of the last pass with no failed action and AWS reachable.',
      registers,
    });
    this.lastSuccessfulPass.set(0);
    perResource({
      name: 'ecs_reconciler_service_rollout',
      help: 'Each service\'s PRIMARY deployment by rollout state (IN_PROGRESS, COMPLETED, FAILED; NONE when ECS gives none), always 1; degraded services are ecs_reconciler_resources{state="degraded"}.',
      labelNames: ['resource', 'state'],
      fill: (g, r) => {
        if (r.health && 'runningCount' in r.health) g.set({ resource: r.id, state: r.health.rolloutState ?? 'NONE' }, 1);
      },
    });
    perResource({
      name: 'ecs_reconciler_service_tasks',
      help: 'Each service\'s tasks: value="running", "pending" and "desired" (DescribeServices\' counts), "deployments" (deployments listed: 1 when steady).',
      labelNames: ['resource', 'value'],
      fill: (g, r) => {
        const h = r.health;
        if (!h || !('runningCount' in h)) return;
        g.set({ resource: r.id, value: 'running' }, h.runningCount);
        g.set({ resource: r.id, value: 'pending' }, h.pendingCount);
        g.set({ resource: r.id, value: 'desired' }, h.desiredCount);
        g.set({ resource: r.id, value: 'deployments' }, h.deployments);
      },
    });
  }

  observePass(seconds: number, ok: boolean): void {
    this.passes.inc({ result: ok ? 'ok' : 'failed' });
    this.passDuration.observe(seconds);
  }

  observeReport(report: Report, nowSeconds: number): void {
    for (const state of RESOURCE_STATES) this.resources.set({ state }, report.summary.byState[state] ?? 0);
    this.lastResources = report.resources;
    this.driftDetected.inc(report.summary.byState.drifted ?? 0);
    for (const r of report.resources) {
      for (const a of r.actions) {
        if (a.outcome !== 'applied' && a.outcome !== 'failed') continue;
        this.actions.inc({ kind: a.kind, result: a.outcome });
        // both results of a kind exist from its first action on: rate() of failures starts at 0, not absent
        this.actions.inc({ kind: a.kind, result: a.outcome === 'applied' ? 'failed' : 'applied' }, 0);
      }
    }
    if (report.summary.actionsFailed === 0 && report.problems.every((p) => p.stage !== 'read')) this.lastSuccessfulPass.set(nowSeconds);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  async render(): Promise<string> {
    try {
      return await this.registry.metrics();
    } finally {
      for (const g of this.perResource) g.reset();
    }
  }
}
