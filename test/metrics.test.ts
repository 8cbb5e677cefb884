// /metrics as Prometheus users expect: prom-client's process and Node.js metrics, the
// controller's series with one label set each, resource_info and build_info.
import { Gauge, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { CallCounter } from '../src/aws/index.js';
import { DaemonMetrics } from '../src/daemon/metrics.js';
import { RESOURCE_STATES } from '../src/diff/types.js';
import { planEstate } from '../src/pipeline/plan.js';
import { buildReport } from '../src/report/build-report.js';
import type { Report, ReportResource } from '../src/report/index.js';
import { CLUSTER_ID, clusterSpec, desired, diff, estate, SVC_ID, syncedEstate, TD_ID } from './engine-fixtures.js';
import { mulberry32 } from './seeded-random.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Prometheus text exposition: every sample line must parse; labels as a record. */
function parse(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# HELP ')) continue;
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) {
      types.set(type[1]!, type[2]!);
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not Prometheus text: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return { samples, types };
}

function report() {
  const s = syncedEstate();
  const c = desired('Cluster', 'prod', clusterSpec({ tags: { team: 'api' } }));
  const diffs = diff([c, s.desired[1]!, s.desired[2]!], estate({ clusters: [s.live.cluster], families: [s.live.family], services: [s.live.service] }));
  const plan = planEstate(diffs, { prune: false, loadComplete: true, keepRevisions: 5, controllerId: 'default' });
  return buildReport({ diffs, plan, problems: [], loadComplete: true, controllerId: 'default', mode: 'plan', now: new Date('2026-01-01T00:00:00Z') });
}

async function scrape(metrics: DaemonMetrics) {
  return parse(await metrics.render());
}

describe('/metrics', () => {
  it("has prom-client's default process and Node.js metrics: memory, heap, event-loop lag, GC", async () => {
    const { types } = await scrape(new DaemonMetrics(new CallCounter()));
    for (const name of [
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_heap_size_used_bytes',
      'nodejs_eventloop_lag_seconds',
      'nodejs_gc_duration_seconds',
    ]) {
      expect(types.has(name), name).toBe(true);
    }
  });

  it('has build_info with the version and the Node.js version', async () => {
    const { samples } = await scrape(new DaemonMetrics(new CallCounter()));
    const info = samples.filter((s) => s.name === 'ecs_reconciler_build_info');
    expect(info).toEqual([
      { name: 'ecs_reconciler_build_info', labels: { version: expect.stringMatching(/^\d+\.\d+\.\d+/), node: process.versions.node }, value: 1 },
    ]);
  });

  it('keeps every series the README lists, with their types', async () => {
    const metrics = new DaemonMetrics(new CallCounter());
    metrics.observePass(0.4, true);
    metrics.observeReport(report(), 1_767_225_600);
    const { types } = await scrape(metrics);
    expect(Object.fromEntries([...types].filter(([n]) => n.startsWith('ecs_reconciler_')))).toEqual({
      ecs_reconciler_build_info: 'gauge',
      ecs_reconciler_passes_total: 'counter',
      ecs_reconciler_pass_duration_seconds: 'histogram',
      ecs_reconciler_resources: 'gauge',
      ecs_reconciler_resource_info: 'gauge',
      ecs_reconciler_drift_detected_total: 'counter',
      ecs_reconciler_actions_total: 'counter',
      ecs_reconciler_aws_calls_total: 'counter',
      ecs_reconciler_aws_throttled_total: 'counter',
      ecs_reconciler_service_capacity: 'gauge',
      ecs_reconciler_cluster_capacity: 'gauge',
      ecs_reconciler_last_successful_pass_timestamp_seconds: 'gauge',
      ecs_reconciler_service_rollout: 'gauge',
      ecs_reconciler_service_tasks: 'gauge',
      ecs_reconciler_heap_live_bytes: 'gauge',
      ecs_reconciler_heap_limit_bytes: 'gauge',
    });
  });

  it("has each service's rollout state (service_rollout{resource,state}) and its running, pending and desired tasks (service_tasks{resource,value})", async () => {
    const metrics = new DaemonMetrics(new CallCounter());
    const r = report();
    const svc = r.resources.find((x) => x.id === SVC_ID)!;
    svc.health = {
      rolloutState: 'IN_PROGRESS',
      desiredCount: 3,
      runningCount: 1,
      pendingCount: 2,
      deployments: 2,
      failedTasks: 0,
      tasks: { PENDING: 2, RUNNING: 1, STOPPING: 0, STOPPED: 1 },
      tasksFrom: 'task list',
      stoppedReasons: [],
      events: [],
    };
    metrics.observeReport(r, 1_767_225_600);
    const { samples } = await scrape(metrics);
    expect(samples.filter((s) => s.name === 'ecs_reconciler_service_rollout')).toEqual([
      { name: 'ecs_reconciler_service_rollout', labels: { resource: SVC_ID, state: 'IN_PROGRESS' }, value: 1 },
    ]);
    const tasks = samples.filter((s) => s.name === 'ecs_reconciler_service_tasks').map((s) => `${s.labels.resource} ${s.labels.value} ${s.value}`);
    expect(tasks.sort()).toEqual([`${SVC_ID} deployments 2`, `${SVC_ID} desired 3`, `${SVC_ID} pending 2`, `${SVC_ID} running 1`]);
    // the next pass replaces the series: a rollout that completed leaves no IN_PROGRESS behind
    svc.health.rolloutState = 'COMPLETED';
    metrics.observeReport(r, 1_767_225_601);
    const after = (await scrape(metrics)).samples.filter((s) => s.name === 'ecs_reconciler_service_rollout');
    expect(after.map((s) => s.labels.state)).toEqual(['COMPLETED']);
  });

  it('has a cluster_capacity{cluster,provider,value} gauge per provider of each cluster: instances, running tasks, the managed scaling target', async () => {
    const metrics = new DaemonMetrics(new CallCounter());
    const r = report();
    const cluster = r.resources.find((x) => x.id === CLUSTER_ID)!;
    cluster.health = {
      capacityProviders: ['FARGATE', 'ec2'],
      runningTasks: 5,
      pendingTasks: 0,
      activeServices: 2,
      capacity: [
        { provider: 'FARGATE', runningTasks: 2 },
        { provider: 'ec2', containerInstances: 2, runningTasks: 3, targetCapacity: 80 },
      ],
    };
    metrics.observeReport(r, 1_767_225_600);
    const { samples } = await scrape(metrics);
    const capacity = samples.filter((s) => s.name === 'ecs_reconciler_cluster_capacity').map((s) => `${s.labels.provider} ${s.labels.value} ${s.value}`);
    expect(capacity.sort()).toEqual(['FARGATE running_tasks 2', 'ec2 container_instances 2', 'ec2 running_tasks 3', 'ec2 target_capacity 80']);
    expect(samples.filter((s) => s.name === 'ecs_reconciler_cluster_capacity').every((s) => s.labels.cluster === CLUSTER_ID)).toBe(true);
  });

  it('has one resource_info{kind,id,state} series per resource of the last pass, and resources{state} for every state', async () => {
    const metrics = new DaemonMetrics(new CallCounter());
    metrics.observeReport(report(), 1_767_225_600);
    const { samples } = await scrape(metrics);
    const info = samples.filter((s) => s.name === 'ecs_reconciler_resource_info');
    expect(info.map((s) => s.labels).sort((a, b) => a.id!.localeCompare(b.id!))).toEqual([
      { kind: 'Cluster', id: CLUSTER_ID, state: 'pending' },
      { kind: 'Service', id: SVC_ID, state: 'in-sync' },
      { kind: 'TaskDefinition', id: TD_ID, state: 'in-sync' },
    ]);
    expect(info.every((s) => s.value === 1)).toBe(true);
    const byState = samples.filter((s) => s.name === 'ecs_reconciler_resources');
    expect(byState.map((s) => s.labels.state).sort()).toEqual([...RESOURCE_STATES].sort());
    expect(byState.find((s) => s.labels.state === 'pending')?.value).toBe(1);
  });

  it('counts AWS calls from the gateway counter at scrape time', async () => {
    const calls = new CallCounter();
    const metrics = new DaemonMetrics(calls);
    calls.record('ecs', 'DescribeServices', 'success', 1);
    calls.record('ecs', 'DescribeServices', 'success', 1);
    calls.record('ecs', 'UpdateService', 'ThrottlingException', 8);
    calls.throttled++;
    const { samples } = await scrape(metrics);
    expect(samples.find((s) => s.name === 'ecs_reconciler_aws_calls_total' && s.labels.operation === 'DescribeServices')).toEqual({
      name: 'ecs_reconciler_aws_calls_total',
      labels: { service: 'ecs', operation: 'DescribeServices', outcome: 'success' },
      value: 2,
    });
    expect(samples.find((s) => s.name === 'ecs_reconciler_aws_throttled_total')?.value).toBe(1);
  });

  it('gives every series of a metric the same label names', async () => {
    const metrics = new DaemonMetrics(new CallCounter());
    metrics.observePass(0.4, true);
    metrics.observePass(3, false);
    const r = report();
    // a service under auto scaling: desired, min and max series with one label set
    const web = r.resources.find((x) => x.id === SVC_ID)!;
    web.scaling = { ...web.scaling, desiredCount: 4, minCapacity: 2, maxCapacity: 10, desiredCountCause: 'autoscaler' } as NonNullable<typeof web.scaling>;
    metrics.observeReport(r, 1_767_225_600);
    const { samples } = await scrape(metrics);
    const labelSets = new Map<string, Set<string>>();
    for (const s of samples) {
      if (!s.name.startsWith('ecs_reconciler_')) continue;
      const base = s.name.replace(/_(bucket|sum|count)$/, '');
      const names = Object.keys(s.labels)
        .filter((l) => l !== 'le')
        .sort()
        .join(',');
      (labelSets.get(base) ?? labelSets.set(base, new Set()).get(base)!).add(names);
    }
    for (const [name, sets] of labelSets) expect([...sets], name).toHaveLength(1);
    expect(samples.filter((s) => s.name === 'ecs_reconciler_service_capacity').map((s) => [s.labels.value, s.labels.cause, s.value])).toEqual([
      ['desired', 'autoscaler', 4],
      ['min', 'autoscaler', 2],
      ['max', 'autoscaler', 10],
    ]);
    expect(samples.find((s) => s.name === 'ecs_reconciler_passes_total' && s.labels.result === 'failed')?.value).toBe(1);
    expect(samples.find((s) => s.name === 'ecs_reconciler_pass_duration_seconds_count')?.value).toBe(2);
  });
});

const PER_RESOURCE_FAMILIES = [
  'ecs_reconciler_resource_info',
  'ecs_reconciler_service_capacity',
  'ecs_reconciler_cluster_capacity',
  'ecs_reconciler_service_rollout',
  'ecs_reconciler_service_tasks',
];

/**
 * The per-resource families as prom-client rendered them (src/daemon/metrics.ts before
 * issue 19 wrote them by hand): the same names, help texts, label objects and fill order,
 * through Gauge.set and Registry.metrics(). The reference the daemon's text must equal.
 */
async function promClientRendering(resources: readonly ReportResource[]): Promise<Map<string, string>> {
  const registry = new Registry();
  const registers = [registry];
  const info = new Gauge({
    name: 'ecs_reconciler_resource_info',
    help: 'Each resource of the last pass with its state (always 1); join on id.',
    labelNames: ['kind', 'id', 'state'],
    registers,
  });
  const capacity = new Gauge({
    name: 'ecs_reconciler_service_capacity',
    help: 'Services with auto scaling: current desiredCount (value="desired") and the scalable target bounds (min, max); cause: who set the desiredCount.',
    labelNames: ['resource', 'value', 'cause'],
    registers,
  });
  const clusterCapacity = new Gauge({
    name: 'ecs_reconciler_cluster_capacity',
    help: 'Capacity of each cluster (its resource id) by provider (EC2: instances with no provider): value="container_instances", "running_tasks", and "target_capacity" (managed scaling target, percent) when the provider has one.',
    labelNames: ['cluster', 'provider', 'value'],
    registers,
  });
  const rollout = new Gauge({
    name: 'ecs_reconciler_service_rollout',
    help: 'Each service\'s PRIMARY deployment by rollout state (IN_PROGRESS, COMPLETED, FAILED; NONE when ECS gives none), always 1; degraded services are ecs_reconciler_resources{state="degraded"}.',
    labelNames: ['resource', 'state'],
    registers,
  });
  const tasks = new Gauge({
    name: 'ecs_reconciler_service_tasks',
    help: 'Each service\'s tasks: value="running", "pending" and "desired" (DescribeServices\' counts), "deployments" (deployments listed: 1 when steady).',
    labelNames: ['resource', 'value'],
    registers,
  });
  for (const r of resources) {
    info.set({ kind: r.kind, id: r.id, state: r.state }, 1);
    if (r.scaling) {
      const cause = r.scaling.desiredCountCause;
      capacity.set({ resource: r.id, value: 'desired', cause }, r.scaling.desiredCount);
      if (r.scaling.minCapacity !== undefined) capacity.set({ resource: r.id, value: 'min', cause }, r.scaling.minCapacity);
      if (r.scaling.maxCapacity !== undefined) capacity.set({ resource: r.id, value: 'max', cause }, r.scaling.maxCapacity);
    }
    const h = r.health;
    for (const c of h && 'capacity' in h ? (h.capacity ?? []) : []) {
      const at = { cluster: r.id, provider: c.provider };
      if (c.containerInstances !== undefined) clusterCapacity.set({ ...at, value: 'container_instances' }, c.containerInstances);
      clusterCapacity.set({ ...at, value: 'running_tasks' }, c.runningTasks);
      if (c.targetCapacity !== undefined) clusterCapacity.set({ ...at, value: 'target_capacity' }, c.targetCapacity);
    }
    if (h && 'runningCount' in h) {
      rollout.set({ resource: r.id, state: h.rolloutState ?? 'NONE' }, 1);
      tasks.set({ resource: r.id, value: 'running' }, h.runningCount);
      tasks.set({ resource: r.id, value: 'pending' }, h.pendingCount);
      tasks.set({ resource: r.id, value: 'desired' }, h.desiredCount);
      tasks.set({ resource: r.id, value: 'deployments' }, h.deployments);
    }
  }
  return familiesOf(await registry.metrics());
}

/** A scrape's families by name: in the text format each is a block, with a blank line between two (a label value never holds a raw line feed). */
function familiesOf(text: string): Map<string, string> {
  expect(text.endsWith('\n')).toBe(true);
  const families = new Map<string, string>();
  for (const block of text.slice(0, -1).split('\n\n')) families.set(/^# HELP (\S+) /.exec(block)![1]!, block);
  return families;
}

/** Ids and label values no ECS name has, but a report may carry: the exposition format's three escapes, separators, unicode. */
const ODD_TEXTS = [
  'quote"d',
  'back\\slash',
  'line\nfeed',
  '\\"\n\\n\\\\"', // already looking escaped
  'ünïcødé 日本 🙂 \u202e\u200f',
  'tab\tand\rcarriage return',
  'braces{a="b"} 1 # comment=',
  '',
  '\ud800 lone surrogate',
];
/** ids that are names on Object.prototype: a plain object keyed by id would lose or corrupt them */
const PROTOTYPE_IDS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];
const ODD_NUMBERS = [0, -0, 1, 7, 0.1 + 0.2, 1e21, -3, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 2 ** 53 + 2];

/** Every branch of the per-resource families: scaling with and without bounds, rollout state or none, capacity with and without instances and target. */
function oddResources(template: ReportResource[], pick: (n: number) => number): ReportResource[] {
  const cluster = template.find((r) => r.kind === 'Cluster')!;
  const service = template.find((r) => r.kind === 'Service')!;
  const taskDefinition = template.find((r) => r.kind === 'TaskDefinition')!;
  const text = () => ODD_TEXTS[pick(ODD_TEXTS.length)]!;
  const number = () => ODD_NUMBERS[pick(ODD_NUMBERS.length)]!;
  const state = () => RESOURCE_STATES[pick(RESOURCE_STATES.length)]!;
  const out: ReportResource[] = [];
  for (let i = 0; i < 60; i++) {
    // the index keeps each id apart: one series a label set, as a report has each id once
    const id = `${text()}/${i}/${text()}`;
    const shape = i % 4;
    if (shape === 0) {
      const capacity = Array.from({ length: pick(3) }, (_, p) => ({
        provider: `${text()}#${p}`,
        runningTasks: number(),
        ...(pick(2) ? { containerInstances: number() } : {}),
        ...(pick(2) ? { targetCapacity: number() } : {}),
      }));
      out.push({
        ...cluster,
        id,
        state: state(),
        health: { capacityProviders: [], runningTasks: 1, pendingTasks: 0, activeServices: 1, ...(pick(4) ? { capacity } : {}) },
      });
    } else if (shape === 3) {
      out.push({ ...taskDefinition, id, state: state() });
    } else {
      const rolloutState = pick(3) ? { rolloutState: pick(2) ? 'IN_PROGRESS' : text() } : {};
      const scaling = pick(2)
        ? {
            scaling: {
              desiredCount: number(),
              ...(pick(3) ? { minCapacity: number() } : {}),
              ...(pick(3) ? { maxCapacity: number() } : {}),
              policies: [],
              scheduledActions: [],
              desiredCountCause: pick(2) ? ('autoscaler' as const) : ('manifest' as const),
            },
          }
        : {};
      const health = {
        ...rolloutState,
        desiredCount: number(),
        runningCount: number(),
        pendingCount: number(),
        deployments: number(),
        failedTasks: 0,
        tasks: {},
        tasksFrom: 'service counts' as const,
        stoppedReasons: [],
        events: [],
      };
      const { scaling: _scaling, health: _health, ...plain } = service;
      out.push({ ...plain, id, state: state(), ...scaling, ...(pick(6) ? { health } : {}) });
    }
  }
  for (const id of PROTOTYPE_IDS) {
    const { scaling: _scaling, ...plain } = service;
    out.push({ ...plain, id });
  }
  return out;
}

describe('/metrics per-resource families, written from the report', () => {
  it("are byte for byte what prom-client's gauges rendered, over odd ids and values (quotes, backslashes, line feeds, unicode, NaN and infinities)", async () => {
    for (const seed of [1, 2, 3, 19]) {
      const random = mulberry32(seed);
      const base = report();
      const r: Report = { ...base, resources: [...base.resources, ...oddResources(base.resources, (n) => Math.floor(random() * n))] };
      const metrics = new DaemonMetrics(new CallCounter());
      metrics.observeReport(r, 1_767_225_600);
      const scraped = familiesOf(await metrics.render());
      const reference = await promClientRendering(r.resources);
      for (const name of PER_RESOURCE_FAMILIES) expect(scraped.get(name), `${name}, seed ${seed}`).toBe(reference.get(name));
      // the escapes were exercised, not only plain ids
      expect(scraped.get('ecs_reconciler_resource_info')).toContain('quote\\"d');
      expect(scraped.get('ecs_reconciler_service_tasks')).toMatch(/ (Nan|\+Inf|-Inf)$/m);
      for (const id of PROTOTYPE_IDS) expect(scraped.get('ecs_reconciler_service_rollout')).toContain(`{resource="${id}",`);
    }
  });

  it('are what prom-client rendered for a report with none of them: the HELP and TYPE lines alone', async () => {
    const scraped = familiesOf(await new DaemonMetrics(new CallCounter()).render());
    const reference = await promClientRendering([]);
    for (const name of PER_RESOURCE_FAMILIES) expect(scraped.get(name), name).toBe(reference.get(name));
  });

  it('keep their places among the other families, as the registry ordered them', async () => {
    const metrics = new DaemonMetrics(new CallCounter());
    metrics.observeReport(report(), 1_767_225_600);
    const names = [...familiesOf(await metrics.render()).keys()];
    expect(names.filter((n) => n.startsWith('ecs_reconciler_'))).toEqual([
      'ecs_reconciler_build_info',
      'ecs_reconciler_passes_total',
      'ecs_reconciler_pass_duration_seconds',
      'ecs_reconciler_resources',
      'ecs_reconciler_resource_info',
      'ecs_reconciler_drift_detected_total',
      'ecs_reconciler_actions_total',
      'ecs_reconciler_aws_calls_total',
      'ecs_reconciler_aws_throttled_total',
      'ecs_reconciler_service_capacity',
      'ecs_reconciler_cluster_capacity',
      'ecs_reconciler_last_successful_pass_timestamp_seconds',
      'ecs_reconciler_service_rollout',
      'ecs_reconciler_service_tasks',
      'ecs_reconciler_heap_live_bytes',
      'ecs_reconciler_heap_limit_bytes',
    ]);
    // prom-client's process and Node.js families first, as collectDefaultMetrics registered them
    expect(names.findIndex((n) => n.startsWith('ecs_reconciler_'))).toBe(names.filter((n) => !n.startsWith('ecs_reconciler_')).length);
  });

  it('keep the content type the registry gives: the text format 0.0.4', () => {
    expect(new DaemonMetrics(new CallCounter()).contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
  });
});
