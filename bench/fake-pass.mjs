// The pure work of a daemon pass at scale, on the in-memory fake gateway
// (test/support/in-memory-gateway.ts): no emulator, no network, so the CPU and heap
// figures are the controller's alone (and the fake's own copies of every answer, which
// share the process). Builds C clusters x N services through the pipeline's own apply,
// then measures, on one EstateReconciler-like sequence of passes sharing the daemon's
// caches: the first pass after a restart (cold caches), warm full passes (nothing
// changed; repeated, the median reported), a targeted pass for one service's event, the
// event-driven heal of an out-of-band UpdateService (repeated), one whole resync cycle in
// the slices `run --events-queue --read-budget` makes of it (its calls), and from those
// the read calls an hour against 60-second polling. In child processes (each a new
// process, as every CI `plan` is): the cold plan at --cold-plan services, repeated.
//   npx tsc -p bench/tsconfig.fake.json && node --expose-gc bench/fake-pass.mjs [--services 10000] [--clusters 10]
//     [--repeat 3] [--cold-plan 1000] [--cold-plan-http N] [--daemon-memory N] [--sdk-floor N] [--json FILE] [--profile DIR]
// (`--profile DIR` writes one .cpuprofile per measured pass.)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchColdPlanOverHttp } from './cold-plan-http.mjs';
import { imageNodeOptions, median } from './daemon.mjs';
import { benchDaemonMemory } from './daemon-memory.mjs';
import { estateCounts, lowerBound, writeEstate } from './estate.mjs';
import { benchSdkFloor } from './sdk-floor.mjs';

const startCpu = process.cpuUsage();
const { values: args } = parseArgs({
  options: {
    profile: { type: 'string' },
    services: { type: 'string', default: '10000' },
    clusters: { type: 'string', default: '10' },
    repeat: { type: 'string', default: '3' },
    // the cold plan's row: a new process planning this many services (0: none)
    'cold-plan': { type: 'string', default: '1000' },
    // internal: this process is one cold plan
    'cold-plan-child': { type: 'string' },
    json: { type: 'string' },
    // the daemon's own peak RSS at this many services (bench/daemon-memory.mjs: the daemon
    // in its own process, the fake account behind HTTP in another; 0: none), and its NODE_OPTIONS
    'daemon-memory': { type: 'string' },
    'daemon-node-options': { type: 'string' },
    // a folder for the daemon's heap snapshots (bench/daemon-memory.mjs; for bench/heap-retainers.mjs)
    'daemon-heap-snapshots': { type: 'string' },
    'events-per-service': { type: 'string', default: '100' },
    // the cold plan as the real CLI against the fake account over HTTP at this many services (bench/cold-plan-http.mjs; default --cold-plan; 0: none)
    'cold-plan-http': { type: 'string' },
    // the warm pass's reads alone through the real gateway at this many services (bench/sdk-floor.mjs; 0: none)
    'sdk-floor': { type: 'string' },
  },
});
const clusters = Number(args.clusters);
const repeat = Math.max(1, Number(args.repeat));
const dist = new URL('../dist-bench/', import.meta.url);
const REGION = 'eu-west-1';
/** with events on, the resync every 30 minutes, in slices of at most 100 resources (src/daemon/manager.ts) */
const RESYNC_MS = 30 * 60_000;
const SLICE_SIZE = 100;
/** 60-second polling: a full pass a minute; events on: the 30-minute resync twice an hour */
const POLL_PASSES_PER_HOUR = 60;
const RESYNC_CYCLES_PER_HOUR = 2;
/** out-of-band changes an hour the event figure assumes (stated beside it, with the E at which 20x stops holding) */
const ASSUMED_EVENTS_PER_HOUR = 60;
const READ = /^(Describe|List|Get)/;

const cpuSince = (u0) => {
  const u = process.cpuUsage(u0);
  return (u.user + u.system) / 1e6;
};
const mb = (b) => Math.round(b / 2 ** 20);
const round = (x, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
const load1 = () => round(loadavg()[0], 1);

/** Linux: VmHWM (peak RSS) is reset to the current RSS by writing 5 to clear_refs, so a pass's own peak can be read after it. */
function resetPeakRss() {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}
function peakRssMb() {
  const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : mb(process.resourceUsage().maxRSS * 1024);
}

// a cold plan child loads the CLI's own modules (the AWS SDK clients among them) first, as a
// `plan` process does: the dispatcher and the plan command's (main.ts loads a command's when it runs)
let cliModulesCpuSeconds;
if (args['cold-plan-child']) {
  const c0 = process.cpuUsage();
  await import(new URL('src/cli/main.js', dist));
  await import(new URL('src/cli/plan.js', dist));
  cliModulesCpuSeconds = cpuSince(c0);
}
const { InMemoryGateways } = await import(new URL('test/support/in-memory-gateway.js', dist));
const { runReconcilePass } = await import(new URL('src/pipeline/reconcile-pass.js', dist));
const { refreshLiveResources } = await import(new URL('src/live/index.js', dist));
const { ParseCache } = await import(new URL('src/manifests/index.js', dist));
const { DiffCache } = await import(new URL('src/pipeline/diff-cache.js', dist));
const { planResyncSlices } = await import(new URL('src/daemon/controller.js', dist));

const base = { controllerId: 'default', defaultRegion: REGION, prune: false, adopt: false, keepRevisions: 5, now: () => new Date() };
const sourceOf = (dir, cache) => ({ dir, vars: [], varFiles: [], env: {}, varEnv: [], varEnvPrefixes: [], defaultRegion: REGION, ...(cache ? { cache } : {}) });
const targetOf = (d) => ({ kind: d.kind, region: d.region, name: d.name, ...(d.cluster ? { cluster: d.cluster } : {}) });

/** One cold `plan` in this process: the estate applied on the fake first (not measured), then a plan as the CLI runs it. */
async function coldPlanChild(n) {
  const moduleCpuSeconds = cpuSince(startCpu);
  const dir = mkdtempSync(join(tmpdir(), 'ecs-reconciler-cold-plan-'));
  try {
    writeEstate(dir, n, { clusters });
    const fake = new InMemoryGateways({ regions: [REGION] });
    await runReconcilePass(sourceOf(dir), { ...base, gateways: fake, mode: 'apply' });
    const gateways = fake.restarted();
    globalThis.gc?.();
    const inspector = args.profile ? new (await import('node:inspector/promises')).Session() : undefined;
    if (inspector) {
      inspector.connect();
      await inspector.post('Profiler.enable');
      await inspector.post('Profiler.start');
    }
    const c1 = process.cpuUsage();
    const t1 = performance.now();
    const r = await runReconcilePass(sourceOf(dir), { ...base, gateways, mode: 'plan' });
    // the CLI's --format json: the report rendered and written
    const text = `${JSON.stringify(r.report, null, 2)}\n`;
    writeFileSync(join(dir, 'plan.json'), text);
    const passCpuSeconds = cpuSince(c1);
    if (inspector) {
      const { profile } = await inspector.post('Profiler.stop');
      writeFileSync(join(args.profile, `cold-plan-${n}.cpuprofile`), JSON.stringify(profile));
    }
    process.stdout.write(
      `${JSON.stringify({
        passCpuSeconds: round(passCpuSeconds),
        passWallMs: Math.round(performance.now() - t1),
        cliModulesCpuSeconds: round(cliModulesCpuSeconds),
        processStartCpuSeconds: round(moduleCpuSeconds),
        calls: gateways.counter.total(),
        describeTaskDefinition: gateways.counter.byOperation().DescribeTaskDefinition ?? 0,
        states: r.report.summary.byState,
        loadAverage: load1(),
      })}\n`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function coldPlans(n) {
  const runs = [];
  for (let i = 0; i < repeat; i++) {
    const child = spawnSync(
      process.execPath,
      ['--expose-gc', new URL(import.meta.url).pathname, '--cold-plan-child', String(n), '--clusters', String(clusters)],
      {
        encoding: 'utf8',
        maxBuffer: 2 ** 26,
      },
    );
    if (child.status !== 0) throw new Error(`cold plan child exited ${child.status}:\n${child.stderr}`);
    const run = JSON.parse(child.stdout.trim().split('\n').at(-1));
    process.stderr.write(`[fake-pass] cold plan ${n} (${i + 1}/${repeat}): ${JSON.stringify(run)}\n`);
    runs.push(run);
  }
  const lowerBoundCalls = lowerBound(estateCounts(n, clusters)).total;
  return {
    services: n,
    runs,
    medianPassCpuSeconds: round(median(runs.map((r) => r.passCpuSeconds))),
    medianCliModulesCpuSeconds: round(median(runs.map((r) => r.cliModulesCpuSeconds))),
    medianCpuSeconds: round(median(runs.map((r) => r.passCpuSeconds + r.cliModulesCpuSeconds))),
    calls: runs[0].calls,
    lowerBoundCalls,
    callsToLowerBound: round(runs[0].calls / lowerBoundCalls),
    describeTaskDefinition: runs[0].describeTaskDefinition,
  };
}

async function largeEstate(n) {
  const dir = mkdtempSync(join(tmpdir(), 'ecs-reconciler-fake-pass-'));
  const rows = {};
  try {
    writeEstate(dir, n, { clusters });
    const fake = new InMemoryGateways({ regions: [REGION] });
    // the daemon's caches (EstateReconciler): the parse cache and the diff cache, kept across passes
    const diffCache = new DiffCache();
    const source = sourceOf(dir, new ParseCache());
    const inspector = args.profile ? new (await import('node:inspector/promises')).Session() : undefined;
    if (inspector) {
      inspector.connect();
      await inspector.post('Profiler.enable');
    }
    async function pass(label, extra = {}, gateways = fake) {
      globalThis.gc?.();
      const peakReset = resetPeakRss();
      if (inspector) await inspector.post('Profiler.start');
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const callsBefore = gateways.counter.byOperation();
      const before = { ...diffCache.stats };
      // the time of the first UpdateService, from the pass's start (an event's heal)
      let updateServiceAtMs;
      gateways.counter.listener = (_service, operation) => {
        if (operation === 'UpdateService' && updateServiceAtMs === undefined) updateServiceAtMs = performance.now() - t0;
      };
      const r = await runReconcilePass(source, { ...base, gateways, mode: 'apply', diffCache, ...extra });
      const cpuSeconds = cpuSince(c0);
      const wallMs = Math.round(performance.now() - t0);
      gateways.counter.listener = undefined;
      if (inspector) {
        const { profile } = await inspector.post('Profiler.stop');
        writeFileSync(join(args.profile, `${label.replace(/[^a-z0-9]+/gi, '-')}.cpuprofile`), JSON.stringify(profile));
      }
      const after = gateways.counter.byOperation();
      const byOperation = Object.fromEntries(
        Object.entries(after)
          .map(([op, k]) => [op, k - (callsBefore[op] ?? 0)])
          .filter(([, k]) => k > 0),
      );
      const row = {
        cpuSeconds: round(cpuSeconds),
        wallMs,
        calls: Object.values(byOperation).reduce((a, b) => a + b, 0),
        reads: Object.entries(byOperation).reduce((a, [op, k]) => a + (READ.test(op) ? k : 0), 0),
        ...(updateServiceAtMs !== undefined ? { updateServiceAtMs: Math.round(updateServiceAtMs) } : {}),
        heapUsedMb: mb(process.memoryUsage().heapUsed),
        rssMb: mb(process.memoryUsage().rss),
        ...(peakReset ? { peakRssMb: peakRssMb() } : {}),
        resources: r.diffs.length,
        actions: r.results.length,
        diffed: diffCache.stats.misses + diffCache.stats.uncacheable - before.misses - before.uncacheable,
        diffCacheHits: diffCache.stats.hits - before.hits,
        loadAverage: load1(),
      };
      process.stderr.write(`[fake-pass] ${label}: ${JSON.stringify(row)}\n`);
      return { r, row, byOperation };
    }
    rows['create (apply of the whole estate)'] = (await pass('create (apply of the whole estate)')).row;
    // a restart: new gateways object on the same account (the task definition cache is lost), same parse cache
    const restarted = fake.restarted();
    rows['first pass after a restart'] = (await pass('first pass after a restart', {}, restarted)).row;
    const warmRuns = [];
    let warm;
    for (let i = 0; i < repeat; i++) {
      warm = await pass(`warm full pass ${i + 1}`, {}, restarted);
      warmRuns.push(warm.row);
    }
    rows['warm full pass'] = {
      runs: warmRuns,
      medianCpuSeconds: round(median(warmRuns.map((w) => w.cpuSeconds))),
      medianWallMs: median(warmRuns.map((w) => w.wallMs)),
      calls: warm.row.calls,
      reads: warm.row.reads,
      byOperation: warm.byOperation,
      ...(warm.row.peakRssMb !== undefined ? { maxPeakRssMb: Math.max(...warmRuns.map((w) => w.peakRssMb)) } : {}),
    };
    // a targeted pass: one service named by an event, the rest from the last pass
    const target = warm.r.diffs.find((d) => d.kind === 'Service');
    const eventPass = { live: () => refreshLiveResources(restarted, warm.r.live, [targetOf(target)], 'default') };
    rows['targeted pass (one event, nothing to heal)'] = (await pass('targeted pass (one event)', eventPass, restarted)).row;
    // an out-of-band change and its event: the targeted pass heals it (UpdateService); the
    // time is from the event's arrival to UpdateService (SQS's own delivery not included)
    const [, , cluster, name] = target.id.split('/');
    const heals = [];
    let healed;
    for (let i = 0; i < repeat; i++) {
      await restarted.forRegion(REGION).updateService({ cluster, service: name, desiredCount: 9 + i });
      healed = await pass(`event-driven heal ${i + 1}`, eventPass, restarted);
      heals.push(healed.row);
    }
    rows['event-driven heal'] = {
      runs: heals,
      medianEventToUpdateServiceMs: median(heals.map((h) => h.updateServiceAtMs)),
      medianCpuSeconds: round(median(heals.map((h) => h.cpuSeconds))),
      reads: healed.row.reads,
      byOperation: healed.byOperation,
      actions: healed.r.results.map((x) => `${x.action.kind} ${x.action.resource}: ${x.outcome}`),
    };
    // One whole resync cycle in slices, as `run --events-queue --read-budget` spreads it:
    // every resource the last pass knew, at most SLICE_SIZE a slice; each slice's reads are
    // its targeted read (refreshLiveResources, what EstateReconciler calls for a slice).
    const slices = planResyncSlices(warm.r.diffs.map(targetOf), RESYNC_MS, SLICE_SIZE);
    const cycleBefore = restarted.counter.byOperation();
    const c0 = process.cpuUsage();
    // the slices of one cycle carry their page cursors from one to the next (EstateReconciler's resyncCycle)
    const state = new Map();
    for (const [i, s] of slices.entries())
      await refreshLiveResources(restarted, warm.r.live, s.targets, 'default', { state, slicesLeft: slices.length - 1 - i, fresh: new Set() });
    const cycleAfter = restarted.counter.byOperation();
    const cycleByOperation = Object.fromEntries(
      Object.entries(cycleAfter)
        .map(([op, k]) => [op, k - (cycleBefore[op] ?? 0)])
        .filter(([, k]) => k > 0),
    );
    const cycleReads = Object.entries(cycleByOperation).reduce((a, [op, k]) => a + (READ.test(op) ? k : 0), 0);
    rows['resync cycle in slices (reads only)'] = {
      slices: slices.length,
      reads: cycleReads,
      byOperation: cycleByOperation,
      readCpuSeconds: round(cpuSince(c0)),
    };
    const F = warm.row.reads;
    const C = cycleReads;
    const e = healed.row.reads;
    const E = ASSUMED_EVENTS_PER_HOUR;
    const polling = POLL_PASSES_PER_HOUR * F;
    const events = RESYNC_CYCLES_PER_HOUR * C + E * e;
    rows.readsPerHour = {
      formula: `polling = ${POLL_PASSES_PER_HOUR} × F; events = ${RESYNC_CYCLES_PER_HOUR} × C + E × e; F = reads of one warm full pass, C = reads of one resync cycle in slices, e = reads of one event-driven pass (all measured), E = out-of-band events an hour (assumed ${E})`,
      F,
      C,
      e,
      E,
      polling60s: polling,
      eventsAndResync30m: events,
      ratio: round(polling / events, 1),
      // the E at which the ratio falls to 20: 60 F / (2 C + E e) = 20
      eventsPerHourAt20x: Math.max(0, Math.floor((polling / 20 - RESYNC_CYCLES_PER_HOUR * C) / Math.max(1, e))),
    };
    rows.lowerBoundCalls = lowerBound(estateCounts(n, clusters)).total;
    rows.warmToLowerBound = round(warm.row.calls / rows.lowerBoundCalls);
    rows.processPeakRssMb = mb(process.resourceUsage().maxRSS * 1024);
    process.stderr.write(`[fake-pass] reads an hour: ${JSON.stringify(rows.readsPerHour)}\n`);
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (args['cold-plan-child']) {
  await coldPlanChild(Number(args['cold-plan-child']));
} else {
  const results = { generatedAt: new Date().toISOString(), node: process.version, services: Number(args.services), clusters, repeat };
  if (Number(args['cold-plan'])) results.coldPlan = coldPlans(Number(args['cold-plan']));
  if (Number(args.services)) results.rows = await largeEstate(Number(args.services));
  const daemonServices = Number(args['daemon-memory'] ?? args.services);
  if (daemonServices)
    results.daemonMemory = await benchDaemonMemory(daemonServices, {
      clusters,
      repeat,
      region: REGION,
      nodeOptions: args['daemon-node-options'] ?? imageNodeOptions().NODE_OPTIONS ?? '',
      eventsPerService: Number(args['events-per-service']),
      heapSnapshots: args['daemon-heap-snapshots'],
      log: (m) => process.stderr.write(`[fake-pass] ${m}\n`),
    });
  const coldPlanHttp = Number(args['cold-plan-http'] ?? args['cold-plan']);
  if (coldPlanHttp)
    results.coldPlanOverHttp = await benchColdPlanOverHttp(coldPlanHttp, {
      clusters,
      repeat,
      region: REGION,
      eventsPerService: Number(args['events-per-service']),
      log: (m) => process.stderr.write(`[fake-pass] ${m}\n`),
    });
  const floorServices = Number(args['sdk-floor'] ?? args.services);
  if (floorServices)
    results.sdkFloor = await benchSdkFloor(floorServices, {
      clusters,
      repeat,
      eventsPerService: Number(args['events-per-service']),
      nodeOptions: args['daemon-node-options'] ?? imageNodeOptions().NODE_OPTIONS ?? '',
      log: (m) => process.stderr.write(`[fake-pass] ${m}\n`),
    });
  if (args.json) writeFileSync(args.json, `${JSON.stringify(results, null, 2)}\n`);
}
