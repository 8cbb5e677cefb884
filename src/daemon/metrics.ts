/**
 * The daemon's Prometheus metrics, with prom-client: the default process and Node.js
 * metrics every Node exporter has (process_cpu_seconds_total, process_resident_memory_bytes,
 * nodejs_heap_size_used_bytes, nodejs_eventloop_lag_seconds, nodejs_gc_duration_seconds,
 * ...), and the controller's own. Each metric keeps one label set on all its series, as
 * Prometheus' naming guide asks, so sum() and joins work.
 *
 * The per-resource families (resource_info, service_capacity, cluster_capacity,
 * service_rollout, service_tasks: about 73,000 series at 10,000 services) are written as
 * Prometheus text straight from the last report at each scrape; through prom-client's
 * Gauge.set (a label object, a hash key and a record a series, then the registry's
 * formatting of each) one scrape cost 0.6-0.7 s of CPU and 267 MB of garbage, now
 * 0.06-0.08 s and 21 MB (issue 19; bench/metrics-scrape.mjs). They stay declared as
 * prom-client Gauges, which render their HELP and TYPE lines in the registry's order, so
 * /metrics reads as before, byte for byte (test/metrics.test.ts compares it with
 * prom-client's own rendering).
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { CallCounter } from '../aws/index.js';
import { RESOURCE_STATES } from '../diff/types.js';
import { packageVersion } from '../model/build-info.js';
import type { Report, ReportResource } from '../report/index.js';
import type { HeapReading } from './heap-watch.js';

const PASS_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

/**
 * A label value as the text exposition format writes it: "label_value can be any
 * sequence of UTF-8 characters, but the backslash (\), double-quote ("), and line feed
 * (\n) characters have to be escaped as \\, \", and \n, respectively"
 * (https://prometheus.io/docs/instrumenting/exposition_formats/, Text format details),
 * which is prom-client's escaping too. Resource ids come from the manifests and from AWS.
 */
const LABEL_VALUE_ESCAPE = /[\\"\n]/;
const LABEL_VALUE_ESCAPES = /[\\"\n]/g;
function labelValue(s: string): string {
  // most values have nothing to escape: tested first, they are written as they are
  return LABEL_VALUE_ESCAPE.test(s) ? s.replace(LABEL_VALUE_ESCAPES, (c) => (c === '\n' ? '\\n' : `\\${c}`)) : s;
}

/** A sample's value as prom-client writes it (its util.getValueAsString): Nan, +Inf, -Inf, else JavaScript's number text. */
function sampleValue(n: number): string {
  if (Number.isNaN(n)) return 'Nan';
  if (!Number.isFinite(n)) return n < 0 ? '-Inf' : '+Inf';
  return `${n}`;
}

/** The series lines a resource gives a per-resource family, each after a line feed ('' for none). */
type ResourceSeries = (r: ReportResource) => string;

export class DaemonMetrics {
  /** in the text format 0.0.4 (its default content type), the one render() writes: the daemon negotiates no OpenMetrics */
  private readonly registry = new Registry();
  private readonly passes: Counter<'result'>;
  private readonly passDuration: Histogram;
  private readonly resources: Gauge<'state'>;
  private readonly driftDetected: Counter;
  private readonly actions: Counter<'kind' | 'result'>;
  private readonly lastSuccessfulPass: Gauge;
  private readonly heapLive: Gauge;
  private readonly heapLimit: Gauge;
  /**
   * The resources of the last report, for the per-resource series: those are written from
   * it when they are scraped (render()), never held. Held as series between scrapes, at
   * 10,000 services they were about 73,000 label sets and keys in prom-client, 8.6 MB of
   * the daemon's heap (issue 19); the report holds the same facts anyway.
   */
  private lastResources: readonly ReportResource[] = [];
  /** each per-resource family's series, by the family's name (its Gauge in the registry gives the HELP and TYPE lines) */
  private readonly perResource = new Map<string, ResourceSeries>();

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
    // A family's series are written in the order prom-client gave them (the resources'
    // order, then each resource's own), with the labels in its labelNames' order. A report
    // has each id once (diffEstate makes one diff an id; a duplicate manifest is invalid), so
    // no two lines repeat a label set: prom-client's hash map had nothing to merge.
    const perResource = (config: { name: string; help: string; labelNames: string[]; series: ResourceSeries }): void => {
      const { series, ...declared } = config;
      // never set: the registry renders its HELP and TYPE lines, render() its series
      new Gauge({ ...declared, registers });
      this.perResource.set(config.name, series);
    };
    perResource({
      name: 'ecs_reconciler_resource_info',
      help: 'Each resource of the last pass with its state (always 1); join on id.',
      labelNames: ['kind', 'id', 'state'],
      series: (r) => `\necs_reconciler_resource_info{kind="${labelValue(r.kind)}",id="${labelValue(r.id)}",state="${labelValue(r.state)}"} 1`,
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
      series: (r) => {
        const s = r.scaling;
        if (!s) return '';
        const at = `\necs_reconciler_service_capacity{resource="${labelValue(r.id)}",value="`;
        const cause = `",cause="${labelValue(s.desiredCountCause)}"} `;
        let text = `${at}desired${cause}${sampleValue(s.desiredCount)}`;
        if (s.minCapacity !== undefined) text += `${at}min${cause}${sampleValue(s.minCapacity)}`;
        if (s.maxCapacity !== undefined) text += `${at}max${cause}${sampleValue(s.maxCapacity)}`;
        return text;
      },
    });
    perResource({
      name: 'ecs_reconciler_cluster_capacity',
      help: 'Capacity of each cluster (its resource id) by provider (EC2: instances with no provider): value="container_instances", "running_tasks", and "target_capacity" (managed scaling target, percent) when the provider has one.',
      labelNames: ['cluster', 'provider', 'value'],
      series: (r) => {
        const capacity = r.health && 'capacity' in r.health ? r.health.capacity : undefined;
        if (!capacity) return '';
        let text = '';
        for (const c of capacity) {
          const at = `\necs_reconciler_cluster_capacity{cluster="${labelValue(r.id)}",provider="${labelValue(c.provider)}",value="`;
          if (c.containerInstances !== undefined) text += `${at}container_instances"} ${sampleValue(c.containerInstances)}`;
          text += `${at}running_tasks"} ${sampleValue(c.runningTasks)}`;
          if (c.targetCapacity !== undefined) text += `${at}target_capacity"} ${sampleValue(c.targetCapacity)}`;
        }
        return text;
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
      series: (r) =>
        r.health && 'runningCount' in r.health
          ? `\necs_reconciler_service_rollout{resource="${labelValue(r.id)}",state="${labelValue(r.health.rolloutState ?? 'NONE')}"} 1`
          : '',
    });
    perResource({
      name: 'ecs_reconciler_service_tasks',
      help: 'Each service\'s tasks: value="running", "pending" and "desired" (DescribeServices\' counts), "deployments" (deployments listed: 1 when steady).',
      labelNames: ['resource', 'value'],
      series: (r) => {
        const h = r.health;
        if (!h || !('runningCount' in h)) return '';
        const at = `\necs_reconciler_service_tasks{resource="${labelValue(r.id)}",value="`;
        return `${at}running"} ${sampleValue(h.runningCount)}${at}pending"} ${sampleValue(h.pendingCount)}${at}desired"} ${sampleValue(h.desiredCount)}${at}deployments"} ${sampleValue(h.deployments)}`;
      },
    });
    // src/daemon/heap-watch.ts: the live set against the cap, before the heap runs out
    this.heapLive = new Gauge({
      name: 'ecs_reconciler_heap_live_bytes',
      help: 'The highest V8 heap in use right after a full garbage collection, in the last pass that had one: the live set the estate needs.',
      registers,
    });
    this.heapLimit = new Gauge({
      name: 'ecs_reconciler_heap_limit_bytes',
      help: "V8's heap size limit (--max-old-space-size and the young generation); a live set past it ends the process.",
      registers,
    });
  }

  /** The pass's highest live heap (after a full collection; none ran: the last one stays) and the heap's cap. */
  observeHeap(heap: HeapReading): void {
    if (heap.liveBytes > 0) this.heapLive.set(heap.liveBytes);
    this.heapLimit.set(heap.limitBytes);
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

  /**
   * The registry's families in its order, as Registry.metrics() joins them in the text
   * format (a blank line between families, a line feed at the end), each per-resource
   * family's series written after its HELP and TYPE lines. One join of every piece makes
   * the text flat at once: appended to one string, the 73,000 lines were a rope that the
   * response's UTF-8 encoding flattened, 8 MB more garbage a scrape (bench/metrics-scrape.mjs).
   */
  async render(): Promise<string> {
    const resources = this.lastResources;
    const families = this.registry.getMetricsAsArray().map(({ name }) => name);
    const declared = await Promise.all(families.map((name) => this.registry.getSingleMetricAsString(name)));
    const pieces: string[] = [];
    for (const [i, name] of families.entries()) {
      if (i > 0) pieces.push('\n\n');
      pieces.push(declared[i]!);
      const series = this.perResource.get(name);
      if (series) for (const r of resources) pieces.push(series(r));
    }
    pieces.push('\n');
    return pieces.join('');
  }
}
