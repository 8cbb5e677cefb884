// The cold `plan` as a user's CI runs it: the real CLI (bin/ecs-reconciler.js's main, through
// bench/cli-child.mjs) in a new process, against the fake account served over HTTP by another
// process (bench/fake-aws-server.mjs: the AWS JSON protocols, keep-alive connections, each
// service with the 100 events ECS keeps). Unlike the in-memory cold-plan row, the SDK's
// clients, signing, HTTP and deserializing count, as they do in CI; unlike the emulator's
// row, the connections are reused (moto's werkzeug closes each one) and the account answers
// at once. Reports the process's own CPU (user + system), its calls and its peak RSS.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { localAwsEnv, median, round, sum } from './daemon.mjs';
import { startServer } from './daemon-memory.mjs';

const ROOT = new URL('..', import.meta.url).pathname;

/**
 * @param {number} n services
 * @param {{clusters: number, repeat: number, region: string, eventsPerService: number, log: (m: string) => void}} o
 */
export async function benchColdPlanOverHttp(n, o) {
  const dir = mkdtempSync(join(tmpdir(), `ecs-reconciler-bench-cold-plan-http-${n}-`));
  // the plan's report and the child's figures, outside the manifests folder (a .json there is a manifest)
  const outDir = mkdtempSync(join(tmpdir(), `ecs-reconciler-bench-cold-plan-http-out-`));
  const server = startServer(dir, n, o.clusters, o.eventsPerService);
  try {
    const { endpoint } = await server.ready;
    const env = {
      ...process.env,
      ...localAwsEnv(o.region),
      // as a CI job runs the CLI: no heap flags of the daemon's image
      NODE_OPTIONS: '',
    };
    const runs = [];
    for (let i = 0; i < o.repeat; i++) {
      const resultFile = join(outDir, `result-${i}.json`);
      const p = spawnSync(
        process.execPath,
        [
          join(ROOT, 'bench', 'cli-child.mjs'),
          'plan',
          dir,
          '--endpoint',
          endpoint,
          '--region',
          o.region,
          '--format',
          'json',
          '--out',
          join(outDir, 'plan.json'),
        ],
        { env: { ...env, BENCH_RESULT_FILE: resultFile }, encoding: 'utf8' },
      );
      const r = JSON.parse(readFileSync(resultFile, 'utf8'));
      // exit 0: nothing to change (the estate is the manifests'); anything else is a failed row
      if (p.status !== 0 || r.exitCode !== 0)
        throw new Error(`cold plan over HTTP exited ${p.status} (${r.exitCode}): ${p.stdout.slice(-2000)}${p.stderr.slice(-2000)}${r.error ?? ''}`);
      runs.push({
        cpuSeconds: round(r.cpuSeconds, 2),
        processMs: r.processMs,
        calls: sum(r.calls),
        describeTaskDefinition: r.calls.DescribeTaskDefinition ?? 0,
        peakRssMb: round(r.peakRssMb),
        loadAverage: round(loadavg()[0], 1),
      });
      o.log(`cold plan over HTTP ${i + 1}/${o.repeat}: ${JSON.stringify(runs.at(-1))}`);
    }
    return { services: n, eventsPerService: o.eventsPerService, medianCpuSeconds: median(runs.map((r) => r.cpuSeconds)), runs };
  } finally {
    server.child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
    rmSync(outDir, { recursive: true, force: true });
  }
}
