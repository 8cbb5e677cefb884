#!/usr/bin/env node
// npm run bench: what a reconcile pass costs, in AWS calls first (ECS throttles per
// account and region, a budget shared with every other tool), then in CPU, memory and
// latency. On the local emulator (moto, started here unless --endpoint is given):
// for each estate size, apply it, then measure a cold pass (a new `plan` process), the
// daemon's warm steady-state passes (nothing changed) and one image change (file write
// to UpdateService). In memory, without the emulator: load, diff and plan of 1k, 5k
// and 10k generated resources. Prints one table, writes bench/results.json.
//
//   node bench/run.mjs [--sizes 100,1000] [--pure-sizes 1000,5000,10000]
//                      [--endpoint URL --env-file PATH] [--no-emulator] [--out FILE]
//   node bench/run.mjs --table-only bench/results.json   (print the table of a results file)
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Daemon, isPassLine, procCpuSeconds, procMemoryMb, subtractCalls } from './daemon.mjs';
import { CLUSTERS, estateCounts, serviceName, servicePath, serviceShape, serviceText, writeEstate } from './estate.mjs';
import { measurePureStages } from './pure.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const REGION = 'us-east-1';
const INTERVAL = '5s';

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '100,1000' },
    'pure-sizes': { type: 'string', default: '1000,5000,10000' },
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
const sizes = args['no-emulator'] ? [] : args.sizes.split(',').filter(Boolean).map(Number);
const pureSizes = args['pure-sizes'].split(',').filter(Boolean).map(Number);

const log = (msg) => process.stderr.write(`[bench] ${msg}\n`);
const round = (x, d = 0) => (x === undefined || x === null || Number.isNaN(x) ? x : Math.round(x * 10 ** d) / 10 ** d);
const sum = (calls) => Object.values(calls).reduce((a, b) => a + b, 0);
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

/** NODE_OPTIONS as the Dockerfile's ENV sets it for the daemon in the container. */
export function imageNodeOptions() {
  const m = /^ENV .*NODE_OPTIONS=(\S+)/m.exec(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
  return m ? { NODE_OPTIONS: m[1] } : {};
}

function readEnvFile(file) {
  const vars = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) vars[m[1]] = m[2];
  }
  return vars;
}

// ---- the lower bound of calls ------------------------------------------------------

export const LOWER_BOUND_FORMULA =
  'ceil(C/100) ListClusters + ceil(C/100) DescribeClusters + Σc ceil(Nc/100) ListServices + Σc ceil(Nc/10) DescribeServices' +
  ' + ceil(R/100) ListTaskDefinitions + ceil(T/50) DescribeScalableTargets + [T>0]·max(1, ceil(P/50)) DescribeScalingPolicies + [T>0]·max(1, ceil(S/50)) DescribeScheduledActions';

/**
 * The fewest calls that see the whole live state of the estate when nothing changed,
 * each term at the API's page or batch maximum (C clusters, Nc services in cluster c,
 * R ACTIVE task definition revisions, T scalable targets, P scaling policies, S
 * scheduled actions; revision bodies are immutable, so no DescribeTaskDefinition once
 * cached).
 */
export function lowerBound(counts) {
  const c = Math.ceil;
  const terms = {
    ListClusters: c(counts.clusters / 100),
    DescribeClusters: c(counts.clusters / 100),
    ListServices: counts.perCluster.reduce((n, k) => n + Math.max(1, c(k / 100)), 0),
    DescribeServices: counts.perCluster.reduce((n, k) => n + c(k / 10), 0),
    ListTaskDefinitions: Math.max(1, c(counts.taskDefinitionRevisions / 100)),
    DescribeScalableTargets: Math.max(1, c(counts.scalableTargets / 50)),
    DescribeScalingPolicies: counts.scalableTargets ? Math.max(1, c(counts.scalingPolicies / 50)) : 0,
    DescribeScheduledActions: counts.scalableTargets ? Math.max(1, c(counts.scheduledActions / 50)) : 0,
  };
  return { total: sum(terms), terms };
}

// ---- one estate size ---------------------------------------------------------------

function runCli(cliArgs, env) {
  const resultFile = join(tmpdir(), `ecs-reconciler-bench-${process.pid}-${Date.now()}.json`);
  const started = performance.now();
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bench', 'cli-child.mjs'), ...cliArgs], {
      env: { ...env, BENCH_RESULT_FILE: resultFile },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (c) => (err += c));
    child.on('exit', (code) => {
      const wallMs = performance.now() - started;
      try {
        const r = JSON.parse(readFileSync(resultFile, 'utf8'));
        rmSync(resultFile, { force: true });
        if (r.error) return reject(new Error(`${cliArgs[0]} failed: ${r.error}\n${err}`));
        resolveRun({ ...r, wallMs, exit: code, stderr: err });
      } catch (e) {
        reject(new Error(`${cliArgs[0]} (exit ${code}) left no result: ${e.message}\n${err}`));
      }
    });
  });
}

async function benchSize(n, emu) {
  const counts = estateCounts(n);
  const bound = lowerBound(counts);
  const dir = mkdtempSync(join(tmpdir(), `ecs-reconciler-bench-${n}-`));
  writeEstate(dir, n);
  const env = { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: REGION, ECS_RECONCILER_RATE_LIMITS: 'off' };
  const common = ['--var-file', emu.envFile, '--endpoint', emu.endpoint, '--region', REGION];
  const reset = await fetch(`${emu.endpoint}/ecs-reconciler/reset`, { method: 'POST' });
  if (!reset.ok) throw new Error(`emulator reset failed: HTTP ${reset.status}`);

  log(`${n} services: applying the estate (${counts.clusters} clusters, ${n} task definitions, ${n} services, ${counts.scalableTargets} with auto scaling)`);
  const apply = await runCli(['apply', dir, ...common, '--format', 'json', '--out', join(dir, '..', `apply-${n}.json`)], env);
  if (apply.exitCode !== 0) throw new Error(`apply exited ${apply.exitCode}:\n${apply.stderr.slice(-2000)}`);
  log(`${n} services: applied in ${round(apply.wallMs / 1000, 1)} s (${sum(apply.calls)} calls)`);

  const planFile = join(dir, '..', `plan-${n}.json`);
  const cold = await runCli(['plan', dir, ...common, '--format', 'json', '--out', planFile], env);
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
  if (results.loadDiff10kMs !== undefined)
    out.push({ target: 'load + diff of 10,000 resources < 3 s', value: `${results.loadDiff10kMs} ms`, met: results.loadDiff10kMs < TARGETS.loadDiff10kMs });
  return out;
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

  if (sizes.length) {
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
      for (const n of sizes) results.runs.push(await benchSize(n, emu));
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

if (args['table-only']) {
  const results = JSON.parse(readFileSync(args['table-only'], 'utf8'));
  process.stdout.write(renderTable(results));
} else {
  await main();
}
