// The pure work of a daemon pass at scale, on the in-memory fake gateway
// (test/support/in-memory-gateway.ts): no emulator, no network, so the CPU and heap
// figures are the controller's alone. Builds C clusters x N services through the
// pipeline's own apply, then measures, on one EstateReconciler-like sequence of passes
// sharing the daemon's caches: the first pass after a restart (cold caches), a warm full
// pass (nothing changed) and a targeted pass for one service's event.
//   npx tsc -p bench/tsconfig.fake.json && node bench/fake-pass.mjs [--services 10000] [--clusters 10]
// (`--cpu-prof` / `--heap-prof` on the node command line profile the same passes.)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { estateCounts, lowerBound, writeEstate } from './estate.mjs';

const { values: args } = parseArgs({
  options: {
    profile: { type: 'string' },
    services: { type: 'string', default: '10000' },
    clusters: { type: 'string', default: '10' },
    json: { type: 'string' },
  },
});
const n = Number(args.services);
const clusters = Number(args.clusters);
const dist = new URL('../dist-bench/', import.meta.url);
const { InMemoryGateways } = await import(new URL('test/support/in-memory-gateway.js', dist));
const { runReconcilePass } = await import(new URL('src/pipeline/reconcile-pass.js', dist));
const { refreshLiveResources } = await import(new URL('src/live/index.js', dist));
const { ParseCache } = await import(new URL('src/manifests/index.js', dist));
const { DiffCache } = await import(new URL('src/pipeline/diff-cache.js', dist));

const REGION = 'eu-west-1';
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const mb = (b) => Math.round(b / 2 ** 20);
const round = (x, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

const dir = mkdtempSync(join(tmpdir(), 'ecs-reconciler-fake-pass-'));
const rows = {};
try {
  writeEstate(dir, n, { clusters });
  const fake = new InMemoryGateways({ regions: [REGION] });
  const cache = new ParseCache();
  // the daemon's caches (EstateReconciler): the parse cache and the diff cache, kept across passes
  const diffCache = new DiffCache();
  const source = { dir, vars: [], varFiles: [], env: {}, varEnv: [], varEnvPrefixes: [], defaultRegion: REGION, cache };
  const base = {
    controllerId: 'default',
    defaultRegion: REGION,
    prune: false,
    adopt: false,
    keepRevisions: 5,
    now: () => new Date(),
  };
  const inspector = args.profile ? new (await import('node:inspector/promises')).Session() : undefined;
  if (inspector) {
    inspector.connect();
    await inspector.post('Profiler.enable');
  }
  async function pass(label, extra = {}, gateways = fake) {
    globalThis.gc?.();
    if (inspector) await inspector.post('Profiler.start');
    const c0 = cpu();
    const t0 = performance.now();
    const callsBefore = gateways.counter.total();
    const before = { ...diffCache.stats };
    const r = await runReconcilePass(source, { ...base, gateways, mode: 'apply', diffCache, ...extra });
    if (inspector) {
      const { profile } = await inspector.post('Profiler.stop');
      (await import('node:fs')).writeFileSync(join(args.profile, `${label.replace(/[^a-z0-9]+/gi, '-')}.cpuprofile`), JSON.stringify(profile));
    }
    const row = {
      cpuSeconds: round(cpu() - c0),
      wallMs: Math.round(performance.now() - t0),
      calls: gateways.counter.total() - callsBefore,
      heapUsedMb: mb(process.memoryUsage().heapUsed),
      rssMb: mb(process.memoryUsage().rss),
      resources: r.diffs.length,
      actions: r.results.length,
      diffed: diffCache.stats.misses + diffCache.stats.uncacheable - before.misses - before.uncacheable,
      diffCacheHits: diffCache.stats.hits - before.hits,
    };
    rows[label] = row;
    process.stderr.write(`[fake-pass] ${label}: ${JSON.stringify(row)}\n`);
    return r;
  }
  await pass('create (apply of the whole estate)');
  // a restart: new gateways object on the same account (the task definition cache is lost), same parse cache
  const restarted = fake.restarted();
  await pass('first pass after a restart', {}, restarted);
  await pass('warm full pass', {}, restarted);
  const warm = await pass('warm full pass, again', {}, restarted);
  // a targeted pass: one service named by an event, the rest from the last pass
  const target = warm.diffs.find((d) => d.kind === 'Service');
  await pass(
    'targeted pass (one event)',
    {
      live: () =>
        refreshLiveResources(restarted, warm.live, [{ kind: target.kind, region: target.region, name: target.name, cluster: target.cluster }], 'default'),
    },
    restarted,
  );
  // an out-of-band change and its event: the targeted pass heals it (UpdateService); the
  // time is the pass's, from the event's arrival (SQS's own delivery not included)
  const [, , cluster, name] = target.id.split('/');
  await restarted.forRegion(REGION).updateService({ cluster, service: name, desiredCount: 9 });
  const healed = await pass(
    'event-driven heal (targeted pass after an out-of-band UpdateService)',
    {
      live: () =>
        refreshLiveResources(restarted, warm.live, [{ kind: target.kind, region: target.region, name: target.name, cluster: target.cluster }], 'default'),
    },
    restarted,
  );
  rows.healActions = healed.results.map((r) => `${r.action.kind} ${r.action.resource}: ${r.outcome}`);
  rows.lowerBoundCalls = lowerBound(estateCounts(n, clusters)).total;
  rows.loadAverage = (await import('node:os')).loadavg().map((l) => round(l, 1));
  rows.peakRssMb = mb(process.resourceUsage().maxRSS * 1024);
  process.stderr.write(`[fake-pass] peak RSS ${rows.peakRssMb} MB\n`);
  if (args.json) (await import('node:fs')).writeFileSync(args.json, `${JSON.stringify({ services: n, clusters, rows }, null, 2)}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
