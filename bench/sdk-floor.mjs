// The floor under the daemon's warm pass (issue 19): the warm pass's own reads alone,
// through the product's real gateway (AwsGateways of dist/src/aws, the AWS SDK clients
// with the gateway's middleware) over HTTP to the fake account (bench/fake-aws-server.mjs
// in another process, every service with the 100 events ECS keeps), in a child process
// that does nothing else: no diff, no plan, no report, no daemon. The read is the one the
// pipeline makes (readLiveEstate of dist/src/live, with the estate's manifests as the
// desired set) and, as the daemon's, after the last read's estate (an unchanged answer is
// not decoded again), so its calls are a warm pass's (1,427 at 10,000 services). Its CPU (the
// child's process.cpuUsage over each read, its garbage collection included) is how much
// of the daemon's warm pass is the SDK's and HTTP's share; the daemon row's CPU less this
// is the controller's own. The first read warms the task definition cache, the sockets
// and the JIT, as a daemon's first pass does; the following reads are measured.
//   npm run build && npx tsc -p bench/tsconfig.fake.json && node bench/sdk-floor.mjs [--services 10000] [--repeat 3] [--profile DIR]
// (as a row of bench/fake-pass.mjs: --sdk-floor N)
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { imageNodeOptions, median, round } from './daemon.mjs';
import { startServer } from './daemon-memory.mjs';
import { estateCounts, lowerBound } from './estate.mjs';

const REGION = 'eu-west-1';
const READ = /^(Describe|List|Get)/;

/**
 * @param {number} n services
 * @param {{clusters: number, repeat: number, eventsPerService: number, nodeOptions: string, profile?: string, log: (m: string) => void}} o
 */
export async function benchSdkFloor(n, o) {
  const dir = mkdtempSync(join(tmpdir(), `ecs-reconciler-bench-sdk-floor-${n}-`));
  const server = startServer(dir, n, o.clusters, o.eventsPerService);
  try {
    const { endpoint } = await server.ready;
    o.log(`sdk floor: the fake account (${n} services) serving at ${endpoint}`);
    const childArgs = ['--expose-gc', fileURLToPath(import.meta.url), '--child', dir, '--endpoint', endpoint, '--repeat', String(o.repeat)];
    if (o.profile) childArgs.push('--profile', o.profile);
    // the daemon's own heap settings (the image's NODE_OPTIONS): its young generation's size sets how often it collects
    const child = spawn(process.execPath, childArgs, {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: REGION, NODE_OPTIONS: o.nodeOptions },
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c) => {
      out += c;
    });
    const code = await new Promise((resolve) => child.on('exit', resolve));
    if (code !== 0) throw new Error(`the sdk floor's child exited ${code}`);
    const { runs, byOperation } = JSON.parse(out.trim().split('\n').at(-1));
    const reads = Object.values(byOperation).reduce((a, b) => a + b, 0);
    return {
      measuredAt: new Date().toISOString(),
      services: n,
      clusters: o.clusters,
      eventsPerService: o.eventsPerService,
      what: "readLiveEstate (the pipeline's live read) through AwsGateways from dist/, alone in a child process, over HTTP to bench/fake-aws-server.mjs",
      nodeOptions: o.nodeOptions,
      runs,
      reads,
      lowerBoundCalls: lowerBound(estateCounts(n, o.clusters)).total,
      byOperation,
      medianReadCpuSeconds: round(median(runs.map((r) => r.cpuSeconds)), 2),
      medianReadWallMs: median(runs.map((r) => r.wallMs)),
    };
  } finally {
    server.child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The child: the estate's manifests loaded once, then one warming read and `repeat` measured ones. */
async function readsAlone(dir, endpoint, repeat, profileDir) {
  const dist = new URL('../dist/', import.meta.url);
  const { AwsGateways } = await import(new URL('aws/index.js', dist));
  const { emptyEstate, readLiveEstate } = await import(new URL('live/index.js', dist));
  const { loadDesired } = await import(new URL('pipeline/load-desired.js', dist));
  const load = await loadDesired({ dir, vars: [], varFiles: [], env: {}, varEnv: [], varEnvPrefixes: [], defaultRegion: REGION });
  if (load.problems.length) throw new Error(`the estate's manifests did not load: ${JSON.stringify(load.problems[0])}`);
  const gateways = new AwsGateways({ endpoint, rateLimits: 'off' });
  // as the daemon reads: each read after the last one's estate (a service whose answer is
  // unchanged is not decoded again); the warming read after none, as the daemon's first pass
  let previous = emptyEstate();
  const readOnce = async () => {
    const live = await readLiveEstate(gateways, { controllerId: 'default', regions: [REGION], desired: load.resources, previous });
    previous = live;
    return live;
  };
  const first = await readOnce();
  if (first.unreadable.size) throw new Error(`the warming read failed: ${[...first.unreadable.values()][0]}`);
  const inspector = profileDir ? new (await import('node:inspector/promises')).Session() : undefined;
  if (inspector) {
    mkdirSync(profileDir, { recursive: true });
    inspector.connect();
    await inspector.post('Profiler.enable');
  }
  const runs = [];
  let byOperation;
  for (let i = 0; i < repeat; i++) {
    globalThis.gc?.();
    if (inspector) await inspector.post('Profiler.start');
    const before = gateways.counter.byOperation();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const live = await readOnce();
    const u = process.cpuUsage(c0);
    const wallMs = Math.round(performance.now() - t0);
    if (inspector) {
      const { profile } = await inspector.post('Profiler.stop');
      writeFileSync(join(profileDir, `sdk-floor-read-${i + 1}.cpuprofile`), JSON.stringify(profile));
    }
    if (live.unreadable.size) throw new Error(`read ${i + 1} failed: ${[...live.unreadable.values()][0]}`);
    byOperation = Object.fromEntries(
      Object.entries(gateways.counter.byOperation())
        .map(([op, k]) => [op, k - (before[op] ?? 0)])
        .filter(([op, k]) => k > 0 && READ.test(op)),
    );
    const run = {
      cpuSeconds: round((u.user + u.system) / 1e6, 2),
      userSeconds: round(u.user / 1e6, 2),
      systemSeconds: round(u.system / 1e6, 2),
      wallMs,
      services: live.services.size,
      heapUsedMb: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
      loadAverage: round(loadavg()[0], 1),
    };
    process.stderr.write(`[sdk-floor] read ${i + 1}: ${JSON.stringify(run)}\n`);
    runs.push(run);
  }
  gateways.destroy();
  process.stdout.write(`${JSON.stringify({ runs, byOperation })}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values: args } = parseArgs({
    options: {
      child: { type: 'string' },
      endpoint: { type: 'string' },
      services: { type: 'string', default: '10000' },
      clusters: { type: 'string', default: '10' },
      repeat: { type: 'string', default: '3' },
      'events-per-service': { type: 'string', default: '100' },
      profile: { type: 'string' },
      // the child's NODE_OPTIONS (default: the container image's)
      'node-options': { type: 'string' },
    },
  });
  if (args.child) await readsAlone(args.child, args.endpoint, Number(args.repeat), args.profile);
  else {
    const row = await benchSdkFloor(Number(args.services), {
      clusters: Number(args.clusters),
      repeat: Math.max(1, Number(args.repeat)),
      eventsPerService: Number(args['events-per-service']),
      nodeOptions: args['node-options'] ?? imageNodeOptions().NODE_OPTIONS ?? '',
      ...(args.profile ? { profile: args.profile } : {}),
      log: (m) => process.stderr.write(`[sdk-floor] ${m}\n`),
    });
    process.stdout.write(`${JSON.stringify(row, null, 2)}\n`);
  }
}
