#!/usr/bin/env node
// npm run bench: what a reconcile pass costs, in AWS calls first (ECS throttles per
// account and region, a budget shared with every other tool), then in CPU, memory and
// latency. On the local emulator (moto, started here unless --endpoint is given):
// for each estate size, apply it, then measure a cold pass (a new `plan` process), the
// daemon's warm steady-state passes (nothing changed) and one image change (file write
// to UpdateService). In memory, without the emulator: load, diff and plan of 1k, 5k
// and 10k generated resources. Prints one table, writes bench/results.json.
//
// Then the large estate (bench/large.mjs): 10,000 services over 10 clusters, applied
// once, and one daemon with --events-queue: its warm full pass, an event-driven heal,
// and the read calls an hour against 60-second polling.
//
//   node bench/run.mjs [--sizes 100,1000] [--pure-sizes 1000,5000,10000]
//                      [--large 10000] [--large-clusters 10] [--read-budget 20]
//                      [--endpoint URL --env-file PATH] [--no-emulator] [--out FILE]
//   node bench/run.mjs --quick   (100 services, 1k in memory, a 1,000-service large
//                                 estate: every row, in a few minutes)
//   --large 0 skips the large estate; --sizes '' skips the 100/1,000 rows.
//   --fake N: the in-memory gateway's rows (bench/fake-pass.mjs, compiled with
//   bench/tsconfig.fake.json): N services (default 10000; 0 skips), warm passes, event
//   heals and cold plans at 1,000 repeated --fake-repeat times (default 3, the median shown).
//   Creating 10,000 services on the emulator takes a while on a small machine; to
//   measure more than once on one estate, apply it once and keep the emulator up:
//   node bench/run.mjs --endpoint URL --env-file PATH --large-apply-only apply.json
//   node bench/run.mjs --endpoint URL --env-file PATH --large-applied apply.json
//   --large-heap-mb N: the large estate's daemon with --max-old-space-size=N instead of the
//   image's NODE_OPTIONS (at 10,000 services the image's 160 MB heap runs out: see README)
//   node bench/run.mjs --table-only bench/results.json   (print the table of a results file)
//   node bench/run.mjs --combine A.json,B.json [--out FILE]   (the rows of A, the large estate of B)
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Daemon, imageNodeOptions, isPassLine, localAwsEnv, procCpuSeconds, procMemoryMb, round, runCli, subtractCalls, sum } from './daemon.mjs';
import { CLUSTERS, estateCounts, LOWER_BOUND_FORMULA, lowerBound, serviceName, servicePath, serviceShape, serviceText, writeEstate } from './estate.mjs';
import { applyLargeEstate, benchLargeEstate } from './large.mjs';
import { measurePureStages } from './pure.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const REGION = 'us-east-1';
const INTERVAL = '5s';

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '100,1000' },
    'pure-sizes': { type: 'string', default: '1000,5000,10000' },
    large: { type: 'string', default: '10000' },
    'large-clusters': { type: 'string', default: '10' },
    'read-budget': { type: 'string', default: '20' },
    quick: { type: 'boolean', default: false },
    fake: { type: 'string', default: '10000' },
    'fake-repeat': { type: 'string', default: '3' },
    'large-apply-only': { type: 'string' },
    'large-applied': { type: 'string' },
    combine: { type: 'string' },
    'large-heap-mb': { type: 'string' },
    endpoint: { type: 'string' },
    'env-file': { type: 'string' },
    'no-emulator': { type: 'boolean', default: false },
    out: { type: 'string', default: join(ROOT, 'bench', 'results.json') },
    'table-only': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (args.help) {
  console.log(
    readFileSync(new URL(import.meta.url), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('//'))
      .map((l) => l.slice(3))
      .join('\n'),
  );
  process.exit(0);
}
// --quick: a smoke run of every row in a few minutes (the figures mean little at that size)
if (args.quick) Object.assign(args, { sizes: '100', 'pure-sizes': '1000', large: '1000', fake: '1000', 'fake-repeat': '1' });
const sizes = args['no-emulator'] ? [] : args.sizes.split(',').filter(Boolean).map(Number);
const pureSizes = args['pure-sizes'].split(',').filter(Boolean).map(Number);
const largeSize = args['no-emulator'] ? 0 : Number(args.large);
const largeClusters = Number(args['large-clusters']);
const readBudget = Number(args['read-budget']);

const log = (msg) => process.stderr.write(`[bench] ${msg}\n`);
const sortCalls = (calls) => Object.fromEntries(Object.entries(calls).sort(([a], [b]) => a.localeCompare(b)));

// ---- the emulator ------------------------------------------------------------------

async function startEmulator(envFile) {
  const child = spawn(join(ROOT, 'scripts', 'emulator'), ['--env-file', envFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (c) => (err += c));
  const endpoint = await new Promise((resolveEndpoint, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c) => {
      out += c;
      const m = /ECS endpoint: (http:\/\/\S+)/.exec(out);
      if (m) resolveEndpoint(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`scripts/emulator exited (${code}) before it was ready:\n${err}`)));
  });
  return {
    endpoint,
    stop: () =>
      new Promise((r) => {
        child.on('exit', r);
        child.kill('SIGTERM');
      }),
  };
}

function readEnvFile(file) {
  const vars = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) vars[m[1]] = m[2];
  }
  return vars;
}

// ---- one estate size ---------------------------------------------------------------

async function benchSize(n, emu) {
  const counts = estateCounts(n);
  const bound = lowerBound(counts);
  const dir = mkdtempSync(join(tmpdir(), `ecs-reconciler-bench-${n}-`));
  writeEstate(dir, n);
  const env = { ...process.env, ...localAwsEnv(REGION) };
  const common = ['--var-file', emu.envFile, '--endpoint', emu.endpoint, '--region', REGION];
  const reset = await fetch(`${emu.endpoint}/ecs-reconciler/reset`, { method: 'POST' });
  if (!reset.ok) throw new Error(`emulator reset failed: HTTP ${reset.status}`);

  log(`${n} services: applying the estate (${counts.clusters} clusters, ${n} task definitions, ${n} services, ${counts.scalableTargets} with auto scaling)`);
  const apply = await runCli(ROOT, ['apply', dir, ...common, '--format', 'json', '--out', join(dir, '..', `apply-${n}.json`)], env);
  if (apply.exitCode !== 0) throw new Error(`apply exited ${apply.exitCode}:\n${apply.stderr.slice(-2000)}`);
  log(`${n} services: applied in ${round(apply.wallMs / 1000, 1)} s (${sum(apply.calls)} calls)`);

  const planFile = join(dir, '..', `plan-${n}.json`);
  const cold = await runCli(ROOT, ['plan', dir, ...common, '--format', 'json', '--out', planFile], env);
  const planReport = JSON.parse(readFileSync(planFile, 'utf8'));
  rmSync(planFile, { force: true });
  rmSync(join(dir, '..', `apply-${n}.json`), { force: true });
  if (cold.exitCode !== 0) throw new Error(`cold plan exited ${cold.exitCode}:\n${cold.stderr.slice(-2000)}`);
  const coldStates = planReport.summary?.byState ?? {};
  log(`${n} services: cold plan ${round(cold.wallMs)} ms, ${sum(cold.calls)} calls, ${round(cold.cpuSeconds, 2)} s CPU, states ${JSON.stringify(coldStates)}`);

  // The daemon: pass 1 is its own cold pass (empty revision cache), passes 2 and 3 are warm.
  // It runs with the container image's NODE_OPTIONS (its heap cap), as users run it.
  const daemon = new Daemon(
    [join(ROOT, 'bin', 'ecs-reconciler.js'), 'run', dir, ...common, '--listen', '127.0.0.1:0', '--interval', INTERVAL, '--log-format', 'json'],
    { ...env, ...imageNodeOptions() },
  );
  try {
    const p1 = await daemon.nextPass();
    const memCold = procMemoryMb(daemon.pid);
    const m1 = await daemon.metrics();
    const cpu1 = procCpuSeconds(daemon.pid);
    const p2 = await daemon.nextPass(p1);
    const cpu2 = procCpuSeconds(daemon.pid);
    const m2 = await daemon.metrics();
    const p3 = await daemon.nextPass(p2);
    const cpu3 = procCpuSeconds(daemon.pid);
    const m3 = await daemon.metrics();
    const memWarm = procMemoryMb(daemon.pid);
    for (const p of [p1, p2, p3]) if (typeof p.awsCalls !== 'number') throw new Error(`daemon pass failed: ${JSON.stringify(p)}`);
    const warmCalls = sortCalls(subtractCalls(m2, m1));
    const warm3Calls = sortCalls(subtractCalls(m3, m2));
    log(
      `${n} services: daemon pass 1 ${p1.durationMs} ms / ${p1.awsCalls} calls; warm passes ${p2.durationMs} ms / ${p2.awsCalls} calls and ${p3.durationMs} ms / ${p3.awsCalls} calls`,
    );

    // One image changed: the file write to the update-service action in the log (its
    // line is written when UpdateService has returned; the write and the line share this
    // machine's clock). The resync timer has just restarted (pass 3 ended), so the pass
    // this starts is the change's own.
    const changed = 1;
    const svc = serviceName(changed);
    const resource = `Service/${REGION}/${serviceShape(changed).cluster}/${svc}`;
    const from = daemon.lines.length;
    const cpuBefore = procCpuSeconds(daemon.pid);
    const wroteAt = Date.now();
    writeFileSync(join(dir, servicePath(changed)), serviceText(changed, { imageTag: '1.28' }));
    const updated = await daemon.waitFor((l) => l.action === 'update-service' && l.resource === resource, {
      from,
      what: `update-service ${resource}`,
      timeoutMs: 120_000,
    });
    const changePass = await daemon.waitFor((l) => l.passId === updated.passId && isPassLine(l), { from, what: 'the change pass' });
    const cpuAfter = procCpuSeconds(daemon.pid);
    const m4 = await daemon.metrics();
    const changeActions = daemon.lines
      .slice(from)
      .filter((l) => l.passId === updated.passId && l.action)
      .map((l) => `${l.action} ${l.outcome}`);
    const memEnd = procMemoryMb(daemon.pid);
    const change = {
      writeToUpdateMs: (typeof updated.time === 'number' ? updated.time : Date.parse(updated.time)) - wroteAt,
      passDurationMs: changePass.durationMs,
      calls: sortCalls(subtractCalls(m4, m3)),
      cpuSeconds: round(cpuAfter - cpuBefore, 2),
      actions: changeActions,
    };
    log(`${n} services: image change: write → update-service ${change.writeToUpdateMs} ms; pass ${change.passDurationMs} ms, ${sum(change.calls)} calls`);

    return {
      services: n,
      clusters: counts.clusters,
      autoScaledServices: counts.scalableTargets,
      scheduledActions: counts.scheduledActions,
      applySeconds: round(apply.wallMs / 1000, 1),
      applyCalls: sum(apply.calls),
      coldCalls: sum(cold.calls),
      coldCallsByOperation: sortCalls(cold.calls),
      coldDescribeTaskDefinitionCalls: cold.calls.DescribeTaskDefinition ?? 0,
      coldWallMs: round(cold.wallMs),
      coldCpuSeconds: round(cold.cpuSeconds, 2),
      coldPeakRssMb: round(cold.peakRssMb),
      coldStates,
      daemonFirstPass: { durationMs: p1.durationMs, awsCalls: p1.awsCalls, cpuSeconds: round(cpu1, 2), actionsApplied: p1.actionsApplied },
      warmCalls: sum(warmCalls),
      warmCallsFromLog: p2.awsCalls,
      countersAgree: p2.awsCalls === sum(warmCalls),
      warmCallsByOperation: warmCalls,
      warmCallsNextPass: sum(warm3Calls),
      warmDescribeTaskDefinitionCalls: warmCalls.DescribeTaskDefinition ?? 0,
      warmMutatingCalls: sum(Object.fromEntries(Object.entries(warmCalls).filter(([op]) => !/^(Describe|List|Get)/.test(op)))),
      warmActionsApplied: p2.actionsApplied,
      warmStates: p2.states,
      lowerBoundCalls: bound.total,
      lowerBoundTerms: bound.terms,
      warmToLowerBound: round(sum(warmCalls) / bound.total, 2),
      warmWallMs: p2.durationMs,
      warmCpuSeconds: round(cpu2 - cpu1, 2),
      warmCpuSecondsNextPass: round(cpu3 - cpu2, 2),
      controllerCpuSeconds: round(Math.max(cold.cpuSeconds, cpu2 - cpu1), 2),
      daemonPeakRssAfterFirstPassMb: round(memCold.peakRssMb),
      daemonRssMb: round(memWarm.rssMb),
      daemonPeakRssMb: round(memEnd.peakRssMb),
      peakRssMb: round(Math.max(cold.peakRssMb, memEnd.peakRssMb)),
      imageChange: change,
      writeToUpdateMs: change.writeToUpdateMs,
    };
  } finally {
    await daemon.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- the table ---------------------------------------------------------------------

const TARGETS = {
  warmToLowerBound: 1.2,
  warmDescribeTaskDefinitionCalls: 0,
  controllerCpuSeconds: 2,
  peakRssMb: 200,
  writeToUpdateMs: 1000,
  loadDiff10kMs: 3000,
  // issue 19
  coldToLowerBound: 1.2,
  largeWarmToLowerBound: 1.2,
  largeWarmCpuSeconds: 3,
  largePeakRssMb: 300,
  eventToUpdateMs: 2000,
  readsPerHourRatio: 20,
  coldPlanCpuSeconds: 2,
};

function verdict(ok) {
  return ok ? 'met' : 'MISSED';
}

function targetsOf(results) {
  const big = results.runs.find((r) => r.services === 1000) ?? results.runs.at(-1);
  const out = [];
  for (const r of results.runs) {
    out.push({ target: `warm pass ≤ 1.2× lower bound (${r.services})`, value: `${r.warmToLowerBound}×`, met: r.warmToLowerBound <= TARGETS.warmToLowerBound });
    out.push({
      target: `warm pass: 0 DescribeTaskDefinition (${r.services})`,
      value: String(r.warmDescribeTaskDefinitionCalls),
      met: r.warmDescribeTaskDefinitionCalls === 0,
    });
    out.push({
      target: `file write → UpdateService < 1 s (${r.services})`,
      value: `${r.writeToUpdateMs} ms`,
      met: r.writeToUpdateMs < TARGETS.writeToUpdateMs,
    });
  }
  if (big) {
    out.push({
      target: `controller CPU < 2 s, warm ${big.services}-service pass (daemon)`,
      value: `${big.warmCpuSeconds} s`,
      met: big.warmCpuSeconds < TARGETS.controllerCpuSeconds,
    });
    out.push({
      target: `controller CPU < 2 s, cold ${big.services}-service pass (new process)`,
      value: `${big.coldCpuSeconds} s`,
      met: big.coldCpuSeconds < TARGETS.controllerCpuSeconds,
    });
    out.push({
      target: `peak RSS < 200 MB at ${big.services} services, cold \`plan\` process`,
      value: `${big.coldPeakRssMb} MB`,
      met: big.coldPeakRssMb < TARGETS.peakRssMb,
    });
    out.push({
      target: `peak RSS < 200 MB at ${big.services} services, daemon`,
      value: `${big.daemonPeakRssMb} MB`,
      met: big.daemonPeakRssMb < TARGETS.peakRssMb,
    });
  }
  const cold = results.runs.find((r) => r.services === 1000);
  if (cold)
    out.push({
      target: 'cold plan ≤ 1.2× lower bound (1000)',
      value: `${cold.coldCalls} calls, ${round(cold.coldCalls / cold.lowerBoundCalls, 2)}×`,
      met: cold.coldCalls / cold.lowerBoundCalls <= TARGETS.coldToLowerBound,
    });
  const L = results.large;
  if (L) {
    const at = L.services.toLocaleString('en-US');
    out.push({
      target: `warm pass ≤ 1.2× lower bound (${at}, daemon with events)`,
      value: `${L.warmCalls} calls, ${L.warmToLowerBound}×`,
      met: L.warmToLowerBound <= TARGETS.largeWarmToLowerBound,
    });
    out.push({ target: `controller CPU ≤ 3 s, warm ${at}-service pass`, value: `${L.warmCpuSeconds} s`, met: L.warmCpuSeconds <= TARGETS.largeWarmCpuSeconds });
    out.push({ target: `peak RSS < 300 MB at ${at} services, daemon`, value: `${L.daemonPeakRssMb} MB`, met: L.daemonPeakRssMb < TARGETS.largePeakRssMb });
    out.push({
      target: `event sent → healing UpdateService < 2 s (${at}, resync 30 min away)`,
      value: `${L.eventToUpdateMs} ms`,
      met: L.eventToUpdateMs < TARGETS.eventToUpdateMs,
    });
    out.push({
      target: `read calls an hour ≥ 20× fewer than 60 s polling (${at}, ${L.readsPerHour.assumedEventsPerHour} events an hour)`,
      value: `${L.readsPerHour.ratio}× fewer`,
      met: L.readsPerHour.ratio >= TARGETS.readsPerHourRatio,
    });
  }
  const F = results.fake;
  if (F?.rows) {
    const at = `${F.services.toLocaleString('en-US')}, in-memory gateway`;
    const w = F.rows['warm full pass'];
    const h = F.rows.readsPerHour;
    out.push({
      target: `warm pass ≤ 1.2× lower bound (${at})`,
      value: `${w.calls} calls, ${F.rows.warmToLowerBound}×`,
      met: F.rows.warmToLowerBound <= TARGETS.largeWarmToLowerBound,
    });
    out.push({
      target: `controller CPU ≤ 3 s, warm pass (${at}, median of ${w.runs.length})`,
      value: `${w.medianCpuSeconds} s`,
      met: w.medianCpuSeconds <= TARGETS.largeWarmCpuSeconds,
    });
    if (w.maxPeakRssMb !== undefined)
      out.push({
        target: `peak RSS < 300 MB over the warm pass (${at}: the fake account shares the process)`,
        value: `${w.maxPeakRssMb} MB`,
        met: w.maxPeakRssMb < TARGETS.largePeakRssMb,
      });
    const D = F.daemonMemory;
    if (D)
      out.push({
        target: `peak RSS < 300 MB, the daemon's own process (${D.services.toLocaleString('en-US')} services, the fake account in another process over HTTP, NODE_OPTIONS ${D.daemonNodeOptions || 'none'})`,
        value: D.died ? `died after ${D.passesFinished} pass(es): ${D.died} (${D.peakRssMbBeforeDeath} MB)` : `${D.peakRssMb} MB`,
        met: !D.died && D.peakRssMb < TARGETS.largePeakRssMb,
      });
    if (D && !D.died)
      out.push({
        target: `controller CPU ≤ 3 s, warm pass, the daemon's own process (SDK, HTTP and JSON included; median of ${D.warmPasses.length})`,
        value: `${D.medianWarmCpuSeconds} s${F.sdkFloor ? ` (its reads alone, through the same gateway: ${F.sdkFloor.medianReadCpuSeconds} s)` : ''}`,
        met: D.medianWarmCpuSeconds <= TARGETS.largeWarmCpuSeconds,
      });
    const heal = F.rows['event-driven heal'];
    out.push({
      target: `event → healing UpdateService < 2 s (${at}, median of ${heal.runs.length}, resync 30 min away)`,
      value: `${heal.medianEventToUpdateServiceMs} ms wall, ${heal.medianCpuSeconds} s CPU`,
      met: heal.medianEventToUpdateServiceMs < TARGETS.eventToUpdateMs,
    });
    out.push({
      target: `read calls an hour ≥ 20× fewer than 60 s polling (${at}, the resync in slices, ${h.E} events an hour)`,
      value: `${h.ratio}× fewer`,
      met: h.ratio >= TARGETS.readsPerHourRatio,
    });
  }
  if (F?.coldPlan) {
    const c = F.coldPlan;
    out.push({
      target: `cold plan ≤ 1.2× lower bound (${c.services}, in-memory gateway)`,
      value: `${c.calls} calls, ${c.callsToLowerBound}×`,
      met: c.callsToLowerBound <= TARGETS.coldToLowerBound,
    });
    out.push({
      target: `cold plan < 2 s CPU (${c.services}, in-memory gateway, new process, median of ${c.runs.length})`,
      value: `${c.medianCpuSeconds} s (pass ${c.medianPassCpuSeconds} s + the CLI's modules ${c.medianCliModulesCpuSeconds} s)`,
      met: c.medianCpuSeconds < TARGETS.coldPlanCpuSeconds,
    });
  }
  if (F?.coldPlanOverHttp) {
    const c = F.coldPlanOverHttp;
    out.push({
      target: `cold plan < 2 s CPU (${c.services}, the real CLI process against the fake account over HTTP, median of ${c.runs.length})`,
      value: `${c.medianCpuSeconds} s (${c.runs[0].calls} calls)`,
      met: c.medianCpuSeconds < TARGETS.coldPlanCpuSeconds,
    });
  }
  if (results.loadDiff10kMs !== undefined)
    out.push({ target: 'load + diff of 10,000 resources < 3 s', value: `${results.loadDiff10kMs} ms`, met: results.loadDiff10kMs < TARGETS.loadDiff10kMs });
  return out;
}

function renderLarge(L) {
  const at = L.services.toLocaleString('en-US');
  const calls = (c) =>
    Object.entries(c)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
  const h = L.readsPerHour;
  const rows = [
    [`create the estate: ${L.created}`, `${L.applySeconds} s, ${L.applyCalls} calls, ${L.applyCpuSeconds} s CPU, peak RSS ${L.applyPeakRssMb} MB`],
    [
      'daemon start pass (its own cold pass, paced): time, calls, CPU since start, peak RSS',
      `${L.startPass.durationMs} ms, ${L.startPass.awsCalls}, ${L.startPass.cpuSeconds} s, ${L.startPass.peakRssMb} MB`,
    ],
    ['warm full pass (nothing changed): calls', String(L.warmCalls)],
    ['  lower bound, ratio', `${L.lowerBoundCalls}, ${L.warmToLowerBound}×`],
    [
      '  of which DescribeTaskDefinition, GetResources',
      `${L.warmDescribeTaskDefinitionCalls}, ${L.warmCallsByOperation.GetResources ?? 0} (bound ${L.lowerBoundTerms.GetResources})`,
    ],
    [`  wall time (--read-budget ${L.readBudget}), controller CPU`, `${L.warmWallMs} ms, ${L.warmCpuSeconds} s`],
    ['  at the default --read-budget 5 its Describe/List reads take at least', `${L.warmPacedSecondsAtDefaultBudget} s`],
    ['daemon peak RSS: after the warm pass, at the end', `${L.peakRssAfterWarmPassMb} MB, ${L.daemonPeakRssMb} MB`],
    ['out-of-band UpdateService, its CloudTrail event sent → healing UpdateService', `${L.eventToUpdateMs} ms`],
    ['  the event pass: read, reads, all calls', `${L.event.read}, ${L.event.reads}, ${calls(L.event.calls)}`],
    ['read calls an hour, 60 s polling: 60 × F', `60 × ${h.fullPassReads} = ${h.polling60s.toLocaleString('en-US')}`],
    [
      `read calls an hour, events + 30 min resync counted as whole reads: 2 × F + E × e (E = ${h.assumedEventsPerHour}; in slices the resync reads more: the in-memory rows' C)`,
      `2 × ${h.fullPassReads} + ${h.assumedEventsPerHour} × ${h.eventPassReads} = ${h.eventsAndResync30m.toLocaleString('en-US')}, ${h.ratio}× fewer`,
    ],
    ['  events an hour at which it is still 20× fewer (E = F / e)', String(h.eventsPerHourAt20x)],
  ];
  return [
    `| ${at} services, ${L.clusters} clusters: \`${L.daemonArgs}\` | |`,
    '| --- | --- |',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
    `Warm full pass calls at ${at} services: ${calls(L.warmCallsByOperation)}.`,
    `Lower bound: ${calls(L.lowerBoundTerms)} = ${L.lowerBoundCalls}.`,
    `Reads an hour: ${h.formula}.`,
  ];
}

/** The in-memory gateway's rows (bench/fake-pass.mjs): the controller's own work, no emulator. */
function renderFake(F) {
  const calls = (c) =>
    Object.entries(c)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
  const lines = [];
  const rows = [];
  if (F.rows) {
    const R = F.rows;
    const w = R['warm full pass'];
    const heal = R['event-driven heal'];
    const cycle = R['resync cycle in slices (reads only)'];
    const h = R.readsPerHour;
    const t = R['targeted pass (one event, nothing to heal)'];
    rows.push(
      ['warm full pass (nothing changed): calls, lower bound, ratio', `${w.calls}, ${R.lowerBoundCalls}, ${R.warmToLowerBound}×`],
      [
        `  controller CPU, median of ${w.runs.length} (each run; load average)`,
        `${w.medianCpuSeconds} s (${w.runs.map((r) => `${r.cpuSeconds} s`).join(', ')}; load ${w.runs.map((r) => r.loadAverage).join(', ')})`,
      ],
      ['  wall time, median', `${w.medianWallMs} ms`],
      ...(w.maxPeakRssMb !== undefined ? [['  peak RSS over the pass (VmHWM; the process holds the fake account too)', `${w.maxPeakRssMb} MB`]] : []),
      ['first pass after a restart (everything diffed): CPU', `${R['first pass after a restart'].cpuSeconds} s`],
      ['targeted pass, one event, nothing to heal: calls, CPU', `${t.calls}, ${t.cpuSeconds} s`],
      [
        `event → healing UpdateService (targeted pass, resync 30 min away), median of ${heal.runs.length}`,
        `${heal.medianEventToUpdateServiceMs} ms wall (${heal.runs.map((r) => `${r.updateServiceAtMs} ms`).join(', ')}), ${heal.medianCpuSeconds} s CPU`,
      ],
      ['  the event pass: reads, all calls', `${heal.reads}, ${calls(heal.byOperation)}`],
      [`one 30-minute resync in slices of at most 100 resources: slices, reads (C)`, `${cycle.slices}, ${cycle.reads}`],
      ['  of which', calls(cycle.byOperation)],
      ['read calls an hour, 60 s polling: 60 × F', `60 × ${h.F} = ${h.polling60s.toLocaleString('en-US')}`],
      [
        `read calls an hour, events + 30 min resync in slices: 2 × C + E × e (E = ${h.E})`,
        `2 × ${h.C} + ${h.E} × ${h.e} = ${h.eventsAndResync30m.toLocaleString('en-US')}, ${h.ratio}× fewer`,
      ],
    );
  }
  if (F.coldPlan) {
    const c = F.coldPlan;
    rows.push(
      [
        `cold plan at ${c.services.toLocaleString('en-US')} services (a new process): calls, lower bound, DescribeTaskDefinition`,
        `${c.calls}, ${c.lowerBoundCalls}, ${c.describeTaskDefinition}`,
      ],
      [
        `  CPU, median of ${c.runs.length}: the pass and its JSON report, the CLI's modules`,
        `${c.medianCpuSeconds} s: ${c.medianPassCpuSeconds} s + ${c.medianCliModulesCpuSeconds} s (passes ${c.runs.map((r) => `${r.passCpuSeconds} s`).join(', ')}; load ${c.runs.map((r) => r.loadAverage).join(', ')})`,
      ],
    );
  }
  if (F.coldPlanOverHttp) {
    const c = F.coldPlanOverHttp;
    rows.push([
      `cold plan at ${c.services.toLocaleString('en-US')} services, the real CLI process against the fake account over HTTP (${c.eventsPerService} events a service): calls, CPU (median of ${c.runs.length}), peak RSS`,
      `${c.runs[0].calls}, ${c.medianCpuSeconds} s (${c.runs.map((r) => `${r.cpuSeconds} s`).join(', ')}; load ${c.runs.map((r) => r.loadAverage).join(', ')}), ${Math.max(...c.runs.map((r) => r.peakRssMb))} MB`,
    ]);
  }
  if (F.sdkFloor) {
    const f = F.sdkFloor;
    rows.push([
      `the warm pass's ${f.reads} reads alone through the real gateway over HTTP (bench/sdk-floor.mjs: the SDK's and HTTP's share), CPU, median of ${f.runs.length}`,
      `${f.medianReadCpuSeconds} s (${f.runs.map((r) => `${r.cpuSeconds} s`).join(', ')})`,
    ]);
  }
  const D = F.daemonMemory;
  if (D?.died)
    rows.push([
      `the daemon's own process (\`run --events-queue\`, NODE_OPTIONS ${D.daemonNodeOptions || 'none'}) against the fake account over HTTP`,
      `died after ${D.passesFinished} pass(es): ${D.died}; peak RSS ${D.peakRssMbBeforeDeath} MB`,
    ]);
  else if (D)
    rows.push(
      [
        `the daemon's own process (\`run --events-queue\`, NODE_OPTIONS ${D.daemonNodeOptions || 'none'}) against the fake account over HTTP (${D.eventsPerService} events a service): peak RSS (VmHWM)`,
        `${D.peakRssMb} MB (after its first pass ${D.firstPass.peakRssMb} MB; after each warm pass ${D.warmPasses.map((w) => `${w.peakRssMb} MB`).join(', ')})`,
      ],
      [
        `  its first pass; warm full passes: calls (lower bound ${D.lowerBoundCalls}), CPU (SDK, HTTP and JSON included), wall`,
        `${D.firstPass.durationMs} ms, ${D.firstPass.awsCalls} calls, ${D.firstPass.cpuSecondsSinceStart} s CPU since start; ${D.warmPasses.map((w) => `${w.calls} calls ${w.cpuSeconds} s ${w.durationMs} ms`).join('; ')}`,
      ],
      ['  event → healing UpdateService (its CloudTrail event on the queue)', `${D.eventToUpdateServiceMs} ms`],
    );
  lines.push(`| ${F.services.toLocaleString('en-US')} services, ${F.clusters} clusters, **in-memory gateway** (\`bench/fake-pass.mjs\`) | |`, '| --- | --- |');
  lines.push(...rows.map((r) => `| ${r.join(' | ')} |`));
  if (F.rows) lines.push('', `Reads an hour: ${F.rows.readsPerHour.formula}.`);
  return lines;
}

export function renderTable(results) {
  const lines = [];
  const runs = results.runs;
  if (runs.length) {
    const head = ['', ...runs.map((r) => `${r.services.toLocaleString('en-US')} services`)];
    const row = (label, f) => [label, ...runs.map((r) => f(r))];
    const calls = (c) =>
      Object.entries(c)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ');
    const rows = [
      row('create the estate (apply): time, calls', (r) => `${r.applySeconds} s, ${r.applyCalls}`),
      row('cold pass (new `plan` process): calls', (r) => String(r.coldCalls)),
      row('  of which DescribeTaskDefinition', (r) => String(r.coldDescribeTaskDefinitionCalls)),
      row('  wall time, CPU, peak RSS', (r) => `${r.coldWallMs} ms, ${r.coldCpuSeconds} s, ${r.coldPeakRssMb} MB`),
      row('warm pass (daemon, nothing changed): calls', (r) => String(r.warmCalls)),
      row('  lower bound, ratio', (r) => `${r.lowerBoundCalls}, ${r.warmToLowerBound}×`),
      row('  of which DescribeTaskDefinition', (r) => String(r.warmDescribeTaskDefinitionCalls)),
      row('  wall time, controller CPU', (r) => `${r.warmWallMs} ms, ${r.warmCpuSeconds} s`),
      row('daemon peak RSS: after its cold pass, at the end', (r) => `${r.daemonPeakRssAfterFirstPassMb} MB, ${r.daemonPeakRssMb} MB`),
      row('one image changed: calls in that pass', (r) => String(sum(r.imageChange.calls))),
      row('  file write → UpdateService (daemon)', (r) => `${r.writeToUpdateMs} ms`),
    ];
    const table = [head, head.map(() => '---'), ...rows];
    lines.push(...table.map((cells) => `| ${cells.join(' | ')} |`));
    lines.push('');
    for (const r of runs) {
      lines.push(`Warm pass calls at ${r.services.toLocaleString('en-US')} services: ${calls(r.warmCallsByOperation)}.`);
      lines.push(`Lower bound: ${calls(r.lowerBoundTerms)} = ${r.lowerBoundCalls}.`);
    }
    lines.push('');
    lines.push(`Lower bound = ${LOWER_BOUND_FORMULA}.`);
    lines.push('');
  }
  if (results.large) lines.push(...renderLarge(results.large), '');
  if (results.fake) lines.push(...renderFake(results.fake), '');
  if (results.pure?.length) {
    lines.push(
      '| in memory, no AWS | resources | YAML parse (one thread) | load: parse on every core, validate, references | load on one thread | diff (all in-sync) | plan | load + diff | per 1,000 resources |',
    );
    lines.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const p of results.pure) {
      lines.push(
        `| ${p.files} files, ${p.megabytes} MB | ${p.resources.toLocaleString('en-US')} | ${p.yamlParseMs} ms | ${p.loadMs} ms | ${p.loadOneThreadMs ?? '—'} ms | ${p.diffMs} ms | ${p.planMs} ms | ${p.loadDiffMs} ms | ${round((p.loadDiffMs / p.resources) * 1000)} ms |`,
      );
    }
    lines.push('');
  }
  lines.push('| target | value | |');
  lines.push('| --- | --- | --- |');
  for (const t of targetsOf(results)) lines.push(`| ${t.target} | ${t.value} | ${verdict(t.met)} |`);
  return `${lines.join('\n')}\n`;
}

// ---- the in-memory gateway ---------------------------------------------------------

/** bench/fake-pass.mjs in its own process (its figures are that process's alone); its rows. */
function runFakePass(services, repeat) {
  log(`in-memory gateway: ${services} services, cold plans at 1,000, ${repeat} run(s) each`);
  const build = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'bench', 'tsconfig.fake.json')], {
    stdio: 'inherit',
  });
  if (build.status !== 0) throw new Error('tsc -p bench/tsconfig.fake.json failed');
  const out = join(mkdtempSync(join(tmpdir(), 'ecs-reconciler-bench-fake-')), 'fake.json');
  const run = spawnSync(
    process.execPath,
    ['--expose-gc', join(ROOT, 'bench', 'fake-pass.mjs'), '--services', String(services), '--repeat', String(repeat), '--json', out],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  if (run.status !== 0) throw new Error(`bench/fake-pass.mjs exited ${run.status}`);
  const results = JSON.parse(readFileSync(out, 'utf8'));
  rmSync(dirname(out), { recursive: true, force: true });
  return results;
}

// ---- main --------------------------------------------------------------------------

async function main() {
  const started = performance.now();
  const results = {
    generatedAt: new Date().toISOString(),
    node: process.version,
    cpus: (await import('node:os')).cpus().length,
    emulator: 'moto 5.2.5 (scripts/emulator), rate limits off',
    estate: `${CLUSTERS} clusters; N task definitions and N services round-robin over them; every 10th service with autoScaling (1 target-tracking policy), every 50th also a scheduled action`,
    lowerBoundFormula: LOWER_BOUND_FORMULA,
    runs: [],
  };

  log(`in-memory stages on ${pureSizes.join(', ')} resources`);
  results.pure = await measurePureStages(pureSizes, {
    log: (r) => log(`  ${r.resources} resources: load ${r.loadMs} ms (one thread ${r.loadOneThreadMs} ms), diff ${r.diffMs} ms, plan ${r.planMs} ms`),
  });
  const tenK = results.pure.find((p) => p.resources === 10000);
  if (tenK) results.loadDiff10kMs = tenK.loadDiffMs;

  if (Number(args.fake)) results.fake = runFakePass(Number(args.fake), Number(args['fake-repeat']));

  if (sizes.length || largeSize) {
    let emu;
    let stopEmulator = async () => {};
    if (args.endpoint) {
      if (!args['env-file']) throw new Error("--endpoint needs --env-file (the emulator's env file: SUBNET_A, SECURITY_GROUP, ...)");
      emu = { endpoint: args.endpoint, envFile: resolve(args['env-file']) };
    } else {
      const envDir = mkdtempSync(join(tmpdir(), 'ecs-reconciler-bench-emu-'));
      const envFile = join(envDir, 'emulator.env');
      log('starting the emulator (scripts/emulator)');
      const started = await startEmulator(envFile);
      emu = { endpoint: started.endpoint, envFile };
      stopEmulator = async () => {
        await started.stop();
        rmSync(envDir, { recursive: true, force: true });
      };
    }
    readEnvFile(emu.envFile);
    try {
      // The large estate first when it is already applied on --endpoint (the rows below reset the emulator).
      const large = async () => {
        const env = { ...process.env, ...localAwsEnv(REGION) };
        const applied = args['large-applied'] ? JSON.parse(readFileSync(args['large-applied'], 'utf8')) : undefined;
        const started = performance.now();
        results.large = await benchLargeEstate(largeSize, emu, {
          root: ROOT,
          region: REGION,
          clusters: largeClusters,
          readBudget,
          env,
          daemonEnv: { ...env, ...(args['large-heap-mb'] ? { NODE_OPTIONS: `--max-old-space-size=${Number(args['large-heap-mb'])}` } : imageNodeOptions()) },
          log,
          ...(applied ? { applied } : {}),
        });
        results.large.benchSeconds = round((performance.now() - started) / 1000);
      };
      if (largeSize && args['large-applied']) await large();
      for (const n of sizes) results.runs.push(await benchSize(n, emu));
      if (largeSize && !args['large-applied']) await large();
    } finally {
      await stopEmulator();
    }
  }
  results.totalSeconds = round((performance.now() - started) / 1000);
  results.targets = targetsOf(results);

  const table = renderTable(results);
  process.stdout.write(`\n${table}`);
  mkdirSync(dirname(args.out), { recursive: true });
  writeFileSync(args.out, `${JSON.stringify(results, null, 2)}\n`);
  log(`wrote ${args.out} (${results.totalSeconds} s in all)`);
}

async function applyOnly() {
  if (!args.endpoint || !args['env-file'])
    throw new Error('--large-apply-only needs --endpoint and --env-file (an emulator that stays up for the run that follows)');
  const env = { ...process.env, ...localAwsEnv(REGION) };
  const record = await applyLargeEstate(
    largeSize,
    { endpoint: args.endpoint, envFile: resolve(args['env-file']) },
    { root: ROOT, region: REGION, clusters: largeClusters, env, log },
  );
  writeFileSync(args['large-apply-only'], `${JSON.stringify(record, null, 2)}\n`);
  log(`wrote ${args['large-apply-only']}: pass it as --large-applied to measure on that estate`);
}

/** --combine A.json,B.json: the rows of A with the large estate of B (two runs, one results file). */
function combine() {
  const [a, b] = args.combine.split(',').map((f) => JSON.parse(readFileSync(f, 'utf8')));
  if (!b.large) throw new Error('--combine A,B: B has no large estate');
  const results = {
    ...a,
    large: b.large,
    parts: [
      { generatedAt: a.generatedAt, totalSeconds: a.totalSeconds, rows: 'in memory, 100 and 1,000 services' },
      { generatedAt: b.generatedAt, totalSeconds: b.totalSeconds, rows: `the ${b.large.services}-service estate` },
    ],
  };
  results.targets = targetsOf(results);
  process.stdout.write(renderTable(results));
  writeFileSync(args.out, `${JSON.stringify(results, null, 2)}\n`);
  log(`wrote ${args.out}`);
}

if (args['large-apply-only']) {
  await applyOnly();
} else if (args.combine) {
  combine();
} else if (args['table-only']) {
  const results = JSON.parse(readFileSync(args['table-only'], 'utf8'));
  process.stdout.write(renderTable(results));
} else {
  await main();
}
