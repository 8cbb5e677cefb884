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
import type { Report } from '../report/index.js';

const PASS_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

export class DaemonMetrics {
  readonly registry = new Registry();
  private readonly passes: Counter<'result'>;
  private readonly passDuration: Histogram;
  private readonly resources: Gauge<'state'>;
  private readonly resourceInfo: Gauge<'kind' | 'id' | 'state'>;
  private readonly driftDetected: Counter;
  private readonly actions: Counter<'kind' | 'result'>;
  private readonly serviceCapacity: Gauge<'resource' | 'value' | 'cause'>;
  private readonly clusterCapacity: Gauge<'cluster' | 'provider' | 'value'>;
  private readonly lastSuccessfulPass: Gauge;
  private readonly serviceRollout: Gauge<'resource' | 'state'>;
  private readonly serviceTasks: Gauge<'resource' | 'value'>;

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
    this.resourceInfo = new Gauge({
      name: 'ecs_reconciler_resource_info',
      help: 'Each resource of the last pass with its state (always 1); join on id.',
      labelNames: ['kind', 'id', 'state'],
      registers,
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
    this.serviceCapacity = new Gauge({
      name: 'ecs_reconciler_service_capacity',
      help: 'Services with auto scaling: current desiredCount (value="desired") and the scalable target bounds (min, max); cause: who set the desiredCount.',
      labelNames: ['resource', 'value', 'cause'],
      registers,
    });
    this.clusterCapacity = new Gauge({
      name: 'ecs_reconciler_cluster_capacity',
      help: 'Capacity of each cluster (its resource id) by provider (EC2: instances with no provider): value="container_instances", "running_tasks", and "target_capacity" (managed scaling target, percent) when the provider has one.',
      labelNames: ['cluster', 'provider', 'value'],
      registers,
    });
    this.lastSuccessfulPass = new Gauge({
      name: 'ecs_reconciler_last_successful_pass_timestamp_seconds',
      help: 'Unix time of the last pass with no failed action and AWS reachable.',
      registers,
    });
    this.lastSuccessfulPass.set(0);
    this.serviceRollout = new Gauge({
      name: 'ecs_reconciler_service_rollout',
      help: 'Each service\'s PRIMARY deployment by rollout state (IN_PROGRESS, COMPLETED, FAILED; NONE when ECS gives none), always 1; degraded services are ecs_reconciler_resources{state="degraded"}.',
      labelNames: ['resource', 'state'],
      registers,
    });
    this.serviceTasks = new Gauge({
      name: 'ecs_reconciler_service_tasks',
      help: 'Each service\'s tasks: value="running", "pending" and "desired" (DescribeServices\' counts), "deployments" (deployments listed: 1 when steady).',
      labelNames: ['resource', 'value'],
      registers,
    });
  }

  observePass(seconds: number, ok: boolean): void {
    this.passes.inc({ result: ok ? 'ok' : 'failed' });
    this.passDuration.observe(seconds);
  }

  observeReport(report: Report, nowSeconds: number): void {
    for (const state of RESOURCE_STATES) this.resources.set({ state }, report.summary.byState[state] ?? 0);
    this.resourceInfo.reset();
    for (const r of report.resources) this.resourceInfo.set({ kind: r.kind, id: r.id, state: r.state }, 1);
    this.serviceCapacity.reset();
    for (const r of report.resources) {
      if (!r.scaling) continue;
      const cause = r.scaling.desiredCountCause;
      this.serviceCapacity.set({ resource: r.id, value: 'desired', cause }, r.scaling.desiredCount);
      if (r.scaling.minCapacity !== undefined) this.serviceCapacity.set({ resource: r.id, value: 'min', cause }, r.scaling.minCapacity);
      if (r.scaling.maxCapacity !== undefined) this.serviceCapacity.set({ resource: r.id, value: 'max', cause }, r.scaling.maxCapacity);
    }
    this.clusterCapacity.reset();
    for (const r of report.resources) {
      const capacity = r.health && 'capacity' in r.health ? r.health.capacity : undefined;
      for (const c of capacity ?? []) {
        const at = { cluster: r.id, provider: c.provider };
        if (c.containerInstances !== undefined) this.clusterCapacity.set({ ...at, value: 'container_instances' }, c.containerInstances);
        this.clusterCapacity.set({ ...at, value: 'running_tasks' }, c.runningTasks);
        if (c.targetCapacity !== undefined) this.clusterCapacity.set({ ...at, value: 'target_capacity' }, c.targetCapacity);
      }
    }
    this.serviceRollout.reset();
    this.serviceTasks.reset();
    for (const r of report.resources) {
      const h = r.health;
      if (!h || !('runningCount' in h)) continue;
      this.serviceRollout.set({ resource: r.id, state: h.rolloutState ?? 'NONE' }, 1);
      this.serviceTasks.set({ resource: r.id, value: 'running' }, h.runningCount);
      this.serviceTasks.set({ resource: r.id, value: 'pending' }, h.pendingCount);
      this.serviceTasks.set({ resource: r.id, value: 'desired' }, h.desiredCount);
      this.serviceTasks.set({ resource: r.id, value: 'deployments' }, h.deployments);
    }
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

  render(): Promise<string> {
    return this.registry.metrics();
  }
}
