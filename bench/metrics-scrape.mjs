// One /metrics scrape of the daemon at scale: DaemonMetrics.render() over the report of
// an estate of N services, N task definitions and C clusters (bench/estate.mjs's shapes:
// services round-robin over the clusters, every tenth under auto scaling), each service
// with its health block (its rollout, its task counts) and each cluster with its capacity
// by provider, as a daemon pass leaves them. No emulator and no pipeline: the report is
// built here, so the figures are the scrape's alone. A scrape is render() and the text's
// UTF-8 encoding, which the response's res.end(text) does (src/daemon/http-server.ts).
// Prints one JSON line: the scrape's CPU (median over --runs scrapes, after --warmup
// ones), the bytes it allocated (heap used before and after each garbage collection
// during the scrape, from v8's GCProfiler, plus what is left on the heap; the encoded
// body is off the heap and not counted), the series and the body's size.
//   npm run build && node bench/metrics-scrape.mjs [--services 10000] [--clusters 10] [--runs 20] [--warmup 3] [--dist DIR]
// `--dist` is another build of the tree (a copy of an earlier dist/ beside a node_modules),
// to compare two builds in turns: A, B, A, B, each a new process.

import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { GCProfiler } from 'node:v8';
import { median, round } from './daemon.mjs';
import { CLUSTERS, serviceName, serviceShape } from './estate.mjs';

const { values: args } = parseArgs({
  options: {
    services: { type: 'string', default: '10000' },
    clusters: { type: 'string', default: String(CLUSTERS) },
    runs: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '3' },
    dist: { type: 'string' },
  },
});
const services = Number(args.services);
const clusters = Number(args.clusters);
const dist = args.dist ? pathToFileURL(`${args.dist.replace(/\/$/, '')}/`) : new URL('../dist/', import.meta.url);
const { DaemonMetrics } = await import(new URL('daemon/metrics.js', dist));
const { CallCounter } = await import(new URL('aws/index.js', dist));

const REGION = 'us-east-1';
const AT = '2026-01-01T00:00:00.000Z';

function resource(kind, id, name, extra) {
  return {
    id,
    kind,
    region: REGION,
    name,
    state: 'in-sync',
    reason: 'live matches the manifest',
    suspended: false,
    changes: [],
    ignored: [],
    actions: [],
    ...extra,
  };
}

/** The report of a steady estate: every resource in sync, every rollout COMPLETED, the scaled services' desiredCount the autoscaler's. */
function estateReport() {
  const resources = [];
  // estate.mjs names service i's cluster by i % clusters: the first `clusters` services name them all
  const clusterNames = Array.from({ length: clusters }, (_, c) => serviceShape(c, clusters).cluster);
  const perCluster = Math.ceil(services / clusters);
  for (const name of clusterNames) {
    resources.push(
      resource('Cluster', `Cluster/${REGION}/${name}`, name, {
        health: {
          capacityProviders: ['FARGATE', 'FARGATE_SPOT', `${name}-ec2`],
          runningTasks: perCluster * 2,
          pendingTasks: 0,
          activeServices: perCluster,
          registeredContainerInstances: 4,
          capacity: [
            { provider: 'FARGATE', runningTasks: perCluster * 2 - 12 },
            { provider: 'FARGATE_SPOT', runningTasks: 0 },
            { provider: `${name}-ec2`, containerInstances: 4, runningTasks: 12, targetCapacity: 80 },
          ],
        },
      }),
    );
  }
  for (let i = 0; i < services; i++) {
    const name = serviceName(i);
    resources.push(resource('TaskDefinition', `TaskDefinition/${REGION}/${name}`, name, {}));
  }
  for (let i = 0; i < services; i++) {
    const name = serviceName(i);
    const shape = serviceShape(i, clusters);
    const desiredCount = shape.autoScaling ? 3 : 2;
    resources.push(
      resource('Service', `Service/${REGION}/${shape.cluster}/${name}`, name, {
        cluster: shape.cluster,
        ...(shape.autoScaling
          ? {
              scaling: {
                desiredCount,
                minCapacity: 1,
                maxCapacity: 4,
                policies: ['cpu60'],
                scheduledActions: shape.scheduled ? ['night'] : [],
                desiredCountCause: 'autoscaler',
              },
            }
          : {}),
        health: {
          rolloutState: 'COMPLETED',
          desiredCount,
          runningCount: desiredCount,
          pendingCount: 0,
          deployments: 1,
          failedTasks: 0,
          tasks: { RUNNING: desiredCount },
          tasksFrom: 'service counts',
          stoppedReasons: [],
          events: [],
          runsOn: ['FARGATE'],
        },
      }),
    );
  }
  return {
    schemaVersion: 1,
    generatedAt: AT,
    controllerId: 'default',
    mode: 'apply',
    loadComplete: true,
    summary: { resources: resources.length, byState: { 'in-sync': resources.length }, actionsPlanned: 0, actionsApplied: 0, actionsFailed: 0, problems: 0 },
    resources,
    problems: [],
  };
}

const metrics = new DaemonMetrics(new CallCounter());
metrics.observePass(12.5, true);
metrics.observeReport(estateReport(), Date.parse(AT) / 1000);

let text = '';
let body = Buffer.alloc(0);
for (let i = 0; i < Number(args.warmup); i++) body = Buffer.from(await metrics.render(), 'utf8');
const cpuMs = [];
const wallMs = [];
const allocatedMb = [];
for (let i = 0; i < Number(args.runs); i++) {
  const profiler = new GCProfiler();
  profiler.start();
  body = undefined;
  const heapBefore = process.memoryUsage().heapUsed;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  text = await metrics.render();
  body = Buffer.from(text, 'utf8');
  const t1 = performance.now();
  const c = process.cpuUsage(c0);
  const heapAfter = process.memoryUsage().heapUsed;
  const { statistics } = profiler.stop();
  // what the collections freed plus what is still on the heap: every byte the render allocated
  let freed = 0;
  for (const s of statistics) freed += s.beforeGC.heapStatistics.usedHeapSize - s.afterGC.heapStatistics.usedHeapSize;
  cpuMs.push((c.user + c.system) / 1000);
  wallMs.push(t1 - t0);
  allocatedMb.push((heapAfter - heapBefore + freed) / 2 ** 20);
}
const series = text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
console.log(
  JSON.stringify({
    dist: args.dist ?? 'dist',
    services,
    clusters,
    runs: cpuMs.length,
    scrapeCpuMsMedian: round(median(cpuMs), 1),
    scrapeCpuMsMin: round(Math.min(...cpuMs), 1),
    scrapeWallMsMedian: round(median(wallMs), 1),
    allocatedMbMedian: round(median(allocatedMb), 1),
    series,
    bodyMb: round(body.length / 2 ** 20, 2),
  }),
);
