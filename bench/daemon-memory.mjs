// The controller's own peak RSS at 10,000 services (issue 19): the real daemon
// (`ecs-reconciler run --events-queue URL`, bin/ecs-reconciler.js from dist/) in its own
// process against the in-memory fake account in another (bench/fake-aws-server.mjs, over
// HTTP and the AWS JSON protocol), so its VmHWM (/proc/PID/status) is the controller's
// alone: the SDK's HTTP, signing and parsing included, the fake account's copies and call
// log not. The estate is bench/estate.mjs's (10 clusters), every service with the 100
// events ECS keeps for a long-running service. Measured: VmHWM after the daemon's first
// pass (its cold start: every diff made, every revision read), after each warm full pass
// (POST /reconcile, nothing changed), and at the end, after an out-of-band UpdateService
// healed from its CloudTrail event; the daemon's CPU (/proc/PID/stat) and calls (/metrics)
// for the warm passes, as the other rows count them.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  awsReads,
  cloudTrailUpdateService,
  Daemon,
  imageNodeOptions,
  isPassLine,
  localAwsEnv,
  median,
  procCpuSeconds,
  procMemoryMb,
  round,
  subtractCalls,
  sum,
} from './daemon.mjs';
import { estateCounts, lowerBound, serviceName, serviceShape } from './estate.mjs';

const ROOT = new URL('..', import.meta.url).pathname;

export function startServer(dir, n, clusters, eventsPerService) {
  const child = spawn(
    process.execPath,
    [
      join(ROOT, 'bench', 'fake-aws-server.mjs'),
      '--dir',
      dir,
      '--services',
      String(n),
      '--clusters',
      String(clusters),
      '--events-per-service',
      String(eventsPerService),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const ready = new Promise((resolve, reject) => {
    let buf = '';
    child.stdout.setEncoding('utf8').on('data', (c) => {
      buf += c;
      const i = buf.indexOf('\n');
      if (i >= 0) resolve(JSON.parse(buf.slice(0, i)));
    });
    child.on('exit', (code) => reject(new Error(`bench/fake-aws-server.mjs exited ${code} before it listened`)));
  });
  return { child, ready };
}

/**
 * @param {number} n services
 * @param {{clusters: number, repeat: number, region: string, nodeOptions: string, eventsPerService: number, heapSnapshots?: string, log: (m: string) => void}} o
 */
export async function benchDaemonMemory(n, o) {
  const { clusters, region, log } = o;
  const dir = mkdtempSync(join(tmpdir(), `ecs-reconciler-bench-daemon-memory-${n}-`));
  const server = startServer(dir, n, clusters, o.eventsPerService);
  let daemon;
  try {
    const t0 = performance.now();
    const { endpoint, queueUrl } = await server.ready;
    log(`daemon memory: the fake account (${n} services) serving at ${endpoint} after ${round((performance.now() - t0) / 1000, 1)} s`);
    // the image's malloc arenas (Dockerfile), unless this run sets its own
    const { MALLOC_ARENA_MAX } = imageNodeOptions();
    const env = {
      ...(MALLOC_ARENA_MAX ? { MALLOC_ARENA_MAX } : {}),
      ...process.env,
      ...localAwsEnv(region),
      // --heap-snapshots DIR: V8 writes a snapshot there on SIGUSR2 (measure() sends it
      // between two warm passes and in the middle of one), for bench/heap-retainers.mjs
      NODE_OPTIONS: o.heapSnapshots ? `${o.nodeOptions} --heapsnapshot-signal=SIGUSR2 --diagnostic-dir=${o.heapSnapshots}` : o.nodeOptions,
    };
    // --read-budget 1000: the resync is not paced (the default 5 a second spreads a full
    // read of 1,427 calls over about 5 minutes; what a pass holds is the same either way)
    daemon = new Daemon(
      [
        join(ROOT, 'bin', 'ecs-reconciler.js'),
        'run',
        dir,
        '--endpoint',
        endpoint,
        '--region',
        region,
        '--listen',
        '127.0.0.1:0',
        '--events-queue',
        queueUrl,
        '--read-budget',
        '1000',
        // the spread resync's slices a day apart (30 min: one every 9 s), out of the measured passes' way
        '--interval',
        '24h',
        '--log-format',
        'json',
      ],
      env,
    );
    const passTimeout = { timeoutMs: 1_200_000 };
    // VmHWM read every 250 ms as well: a daemon that dies (its heap out of memory) leaves no /proc to read
    let lastPeakMb = 0;
    const poll = setInterval(() => {
      try {
        // a process that is exiting has a /proc/PID/status without VmHWM
        const { peakRssMb } = procMemoryMb(daemon.pid);
        if (Number.isFinite(peakRssMb)) lastPeakMb = peakRssMb;
      } catch {
        // exited
      }
    }, 250);
    try {
      return await measure(daemon, { endpoint, n, clusters, region, passTimeout, o: { ...o, mallocArenaMax: env.MALLOC_ARENA_MAX }, log });
    } catch (err) {
      // a failed fetch of /metrics may come first: the exit follows within moments
      await Promise.race([daemon.exited, new Promise((resolve) => setTimeout(resolve, 3000))]);
      if (daemon.child.exitCode === null && daemon.child.signalCode === null) throw err;
      // the daemon died: the row says so, with how far it got and its last peak RSS
      const fatal = /FATAL ERROR: ([^\n]*)/.exec(daemon.stderr)?.[1] ?? `exited ${daemon.child.exitCode ?? daemon.child.signalCode}`;
      const passes = daemon.lines.filter(isPassLine).length;
      log(`daemon memory: the daemon died after ${passes} pass(es): ${fatal} (peak RSS ${round(lastPeakMb)} MB)`);
      return {
        services: n,
        clusters,
        eventsPerService: o.eventsPerService,
        daemonNodeOptions: o.nodeOptions,
        daemonMallocArenaMax: env.MALLOC_ARENA_MAX ?? 'glibc default',
        died: fatal,
        passesFinished: passes,
        peakRssMbBeforeDeath: round(lastPeakMb),
      };
    } finally {
      clearInterval(poll);
    }
  } finally {
    await daemon?.stop();
    server.child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A heap snapshot of the daemon (SIGUSR2), waited for until V8 has finished writing it: the
 * daemon answers /healthz again only once the snapshot, written on its main thread, is done. */
async function heapSnapshot(daemon, dir, what, log) {
  const before = new Set(readdirSync(dir));
  daemon.child.kill('SIGUSR2');
  const t0 = performance.now();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const added = readdirSync(dir).filter((f) => !before.has(f) && f.endsWith('.heapsnapshot'));
    if (added.length === 0) continue;
    const ok = await fetch(`http://${daemon.address}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (!ok) continue;
    const file = join(dir, added[0]);
    log(`daemon memory: heap snapshot ${what}: ${file} (${round(statSync(file).size / 2 ** 20)} MB, ${round((performance.now() - t0) / 1000, 1)} s)`);
    return file;
  }
}

async function measure(daemon, { endpoint, n, clusters, region, passTimeout, o, log }) {
  const p1 = await daemon.nextPass(undefined, passTimeout);
  if (typeof p1.awsCalls !== 'number') throw new Error(`the daemon's first pass failed: ${JSON.stringify(p1)}`);
  const mem1 = procMemoryMb(daemon.pid);
  const cpu1 = procCpuSeconds(daemon.pid);
  let { calls: m, gcSeconds: gc } = await daemon.scrape();
  log(`daemon memory: first pass ${p1.durationMs} ms, ${p1.awsCalls} calls, ${round(cpu1, 1)} s CPU since start, peak RSS ${round(mem1.peakRssMb)} MB`);
  const warm = [];
  let last = p1;
  for (let i = 0; i < o.repeat; i++) {
    const from = daemon.lines.length;
    const cpu0 = procCpuSeconds(daemon.pid);
    const res = await fetch(`http://${daemon.address}/reconcile`, { method: 'POST' });
    if (res.status !== 202) throw new Error(`POST /reconcile answered ${res.status}: ${await res.text()}`);
    // the second warm pass's snapshot: half way through its read (the first warm pass's length),
    // the figures of that pass then include the snapshot's pause
    if (o.heapSnapshots && i === 1) {
      await new Promise((resolve) => setTimeout(resolve, warm[0].durationMs / 2));
      await heapSnapshot(daemon, o.heapSnapshots, 'in the middle of warm pass 2', log);
    }
    const prev = last;
    last = await daemon.waitFor((l) => isPassLine(l) && l.passId > prev.passId && l.reasons?.includes('webhook: manual'), {
      from,
      what: `warm full pass ${i + 1}`,
      ...passTimeout,
    });
    if (last.read !== 'full') throw new Error(`warm pass ${i + 1} was not a full read: ${JSON.stringify(last)}`);
    const { calls: m2, gcSeconds: gc2, heapLiveMb, heapLimitMb } = await daemon.scrape();
    const calls = subtractCalls(m2, m);
    const gcSeconds = gc2 - gc;
    m = m2;
    gc = gc2;
    const ecsCalls = Object.fromEntries(Object.entries(calls).filter(([op]) => !op.startsWith('sqs:')));
    const mem = procMemoryMb(daemon.pid);
    const row = {
      durationMs: last.durationMs,
      calls: sum(ecsCalls),
      reads: awsReads(calls),
      cpuSeconds: round(procCpuSeconds(daemon.pid) - cpu0, 2),
      // of that CPU, V8's garbage collection (its pauses on the main thread)
      gcSeconds: round(gcSeconds, 2),
      // the pass's live heap (after a full collection) against V8's limit: how near the image's cap the estate runs
      heapLiveMb,
      heapLimitMb,
      peakRssMb: round(mem.peakRssMb),
      rssMb: round(mem.rssMb),
      states: last.states,
      actionsApplied: last.actionsApplied,
    };
    log(`daemon memory: warm full pass ${i + 1}: ${JSON.stringify(row)}`);
    warm.push(row);
    if (o.heapSnapshots && i === 0) await heapSnapshot(daemon, o.heapSnapshots, 'between warm passes 1 and 2', log);
  }
  // an out-of-band change and its CloudTrail event: the targeted pass heals it
  const index = [...Array(n).keys()].find((i) => i > 0 && !serviceShape(i, clusters).autoScaling);
  const svc = serviceName(index);
  const cluster = serviceShape(index, clusters).cluster;
  const resource = `Service/${region}/${cluster}/${svc}`;
  const from = daemon.lines.length;
  const sentAt = Date.now();
  const oob = await fetch(`${endpoint}/bench/out-of-band`, {
    method: 'POST',
    body: JSON.stringify({ cluster, service: svc, desiredCount: 7, event: cloudTrailUpdateService(region, cluster, svc, 7) }),
  });
  if (!oob.ok) throw new Error(`the out-of-band change failed: HTTP ${oob.status}`);
  const healed = await daemon.waitFor((l) => l.action === 'update-service' && l.resource === resource, {
    from,
    what: `the healing update-service of ${resource}`,
    timeoutMs: 120_000,
  });
  if (healed.outcome !== 'applied') throw new Error(`the event pass did not heal ${resource}: ${JSON.stringify(healed)}`);
  const healMs = Date.parse(healed.time) - sentAt;
  const end = procMemoryMb(daemon.pid);
  const bound = lowerBound(estateCounts(n, clusters)).total;
  const result = {
    services: n,
    clusters,
    eventsPerService: o.eventsPerService,
    daemonArgs: 'run --events-queue URL --read-budget 1000 --interval 24h',
    daemonNodeOptions: o.nodeOptions,
    daemonMallocArenaMax: o.mallocArenaMax ?? 'glibc default',
    fakeAccount: 'bench/fake-aws-server.mjs, another process (the AWS JSON protocol over HTTP)',
    firstPass: {
      durationMs: p1.durationMs,
      awsCalls: p1.awsCalls,
      cpuSecondsSinceStart: round(cpu1, 2),
      peakRssMb: round(mem1.peakRssMb),
      states: p1.states,
    },
    warmPasses: warm,
    warmCalls: warm.at(-1).calls,
    lowerBoundCalls: bound,
    medianWarmCpuSeconds: median(warm.map((w) => w.cpuSeconds)),
    eventToUpdateServiceMs: healMs,
    peakRssMb: round(end.peakRssMb),
    rssAtEndMb: round(end.rssMb),
  };
  log(`daemon memory: event → update-service ${healMs} ms; peak RSS ${result.peakRssMb} MB (RSS at the end ${result.rssAtEndMb} MB)`);
  return result;
}
