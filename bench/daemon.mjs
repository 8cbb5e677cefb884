// The controller as child processes: one CLI command (bench/cli-child.mjs), and the
// daemon with its JSON log lines, its /metrics, and its CPU and memory from /proc
// (Linux), so the figures are the controller's alone.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** user + system CPU seconds of one process (not its children), from /proc/PID/stat */
export function procCpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // fields after the command name (which may hold spaces) in parentheses
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  return (utime + stime) / CLK_TCK;
}

/**
 * NODE_OPTIONS as the Dockerfile's ENV sets it for the daemon in the container (quoted when
 * it holds several flags), and MALLOC_ARENA_MAX when it sets one, as an env fragment: the
 * daemon is measured as users run it.
 */
export function imageNodeOptions() {
  const dockerfile = readFileSync(new URL('../Dockerfile', import.meta.url), 'utf8');
  const m = /^ENV .*NODE_OPTIONS=(?:"([^"]*)"|(\S+))/m.exec(dockerfile);
  const arenas = /^ENV .*MALLOC_ARENA_MAX=(\d+)/m.exec(dockerfile);
  return { ...(m ? { NODE_OPTIONS: m[1] ?? m[2] } : {}), ...(arenas ? { MALLOC_ARENA_MAX: arenas[1] } : {}) };
}

/** VmHWM (peak resident set) and VmRSS in MB, from /proc/PID/status */
export function procMemoryMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { peakRssMb: kb('VmHWM') / 1024, rssMb: kb('VmRSS') / 1024 };
}

/**
 * ecs_reconciler_aws_calls_total summed over outcome, by operation; SQS's own calls
 * (ReceiveMessage, DeleteMessageBatch of the events queue) apart, as `sqs:Operation`:
 * they are not ECS or Application Auto Scaling reads and draw on no budget of theirs.
 */
function callsFromMetrics(text) {
  const out = {};
  for (const m of text.matchAll(/^ecs_reconciler_aws_calls_total\{([^}]*)\} (\d+)$/gm)) {
    const operation = /operation="([^"]+)"/.exec(m[1])?.[1];
    if (!operation) continue;
    const key = /service="sqs"/.test(m[1]) ? `sqs:${operation}` : operation;
    out[key] = (out[key] ?? 0) + Number(m[2]);
  }
  return out;
}

/** the ECS, Application Auto Scaling and tagging reads among calls by operation (not SQS) */
export function awsReads(calls) {
  return Object.entries(calls).reduce((n, [op, k]) => n + (!op.startsWith('sqs:') && /^(Describe|List|Get)/.test(op) ? k : 0), 0);
}

export function subtractCalls(after, before) {
  const out = {};
  for (const [op, n] of Object.entries(after)) {
    const d = n - (before[op] ?? 0);
    if (d) out[op] = d;
  }
  return out;
}

/** a pass's summary line (`pass N: ...`, with awsCalls), or `pass N failed` */
export function isPassLine(l) {
  return typeof l.passId === 'number' && typeof l.msg === 'string' && l.msg.startsWith('pass ');
}

export class Daemon {
  constructor(args, env) {
    this.lines = [];
    this.stderr = '';
    this.address = '';
    this.waiters = [];
    this.child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.pid = this.child.pid;
    let buf = '';
    this.child.stdout.setEncoding('utf8').on('data', (chunk) => {
      buf += chunk;
      for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
        const text = buf.slice(0, i);
        buf = buf.slice(i + 1);
        let line;
        try {
          line = JSON.parse(text);
        } catch {
          continue;
        }
        line.receivedAt = Date.now();
        this.lines.push(line);
        if (typeof line.listen === 'string') this.address = line.listen;
        this.waiters = this.waiters.filter((w) => {
          if (!w.pred(line)) return true;
          w.resolve(line);
          return false;
        });
      }
    });
    this.child.stderr.setEncoding('utf8').on('data', (c) => (this.stderr += c));
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
  }

  /** the first matching line at or after index `from` (past or future) */
  waitFor(pred, { from = 0, timeoutMs = 300_000, what = 'a log line' } = {}) {
    const seen = this.lines.slice(from).find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const t = setTimeout(
        () =>
          reject(
            new Error(
              `timed out waiting for ${what}; last lines:\n${this.lines
                .slice(-5)
                .map((l) => JSON.stringify(l))
                .join('\n')}\n${this.stderr}`,
            ),
          ),
        timeoutMs,
      );
      this.exited.then((code) => reject(new Error(`the daemon exited (${code}) while waiting for ${what}:\n${this.stderr}`)));
      this.waiters.push({
        pred: (l) => this.lines.indexOf(l) >= from && pred(l),
        resolve: (l) => {
          clearTimeout(t);
          resolve(l);
        },
      });
    });
  }

  /** the first pass summary line after `after` (a line), or the first one at all */
  nextPass(after, opts = {}) {
    const from = after ? this.lines.indexOf(after) + 1 : 0;
    return this.waitFor((l) => isPassLine(l), { from, what: 'the next pass', ...opts });
  }

  async metrics() {
    return (await this.scrape()).calls;
  }

  /**
   * /metrics: the calls by operation, the seconds V8 spent collecting garbage so far
   * (nodejs_gc_duration_seconds, every kind), and the last pass's live heap against the
   * cap (src/daemon/heap-watch.ts), in MB
   */
  async scrape() {
    const text = await (await fetch(`http://${this.address}/metrics`)).text();
    let gcSeconds = 0;
    for (const m of text.matchAll(/^nodejs_gc_duration_seconds_sum\{[^}]*\} ([\d.e+-]+)$/gm)) gcSeconds += Number(m[1]);
    const gaugeMb = (name) => Math.round(Number(new RegExp(`^${name} ([\\d.e+-]+)$`, 'm').exec(text)?.[1] ?? 0) / 2 ** 20);
    return {
      calls: callsFromMetrics(text),
      gcSeconds,
      heapLiveMb: gaugeMb('ecs_reconciler_heap_live_bytes'),
      heapLimitMb: gaugeMb('ecs_reconciler_heap_limit_bytes'),
    };
  }

  async stop() {
    if (this.child.exitCode === null) this.child.kill('SIGTERM');
    return this.exited;
  }
}

/** One CLI command in a new process (bench/cli-child.mjs): its calls, CPU, peak RSS, wall time. */
export function runCli(root, cliArgs, env) {
  const resultFile = join(tmpdir(), `ecs-reconciler-bench-${process.pid}-${Date.now()}.json`);
  const started = performance.now();
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [join(root, 'bench', 'cli-child.mjs'), ...cliArgs], {
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

/** A number rounded to d decimals; anything else (undefined, NaN, a string) as it is. */
/** The environment of a controller process against a local endpoint (the emulator, the fake account): dummy keys, the region, no client-side rate limits. */
export const localAwsEnv = (region) => ({ AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: region, ECS_RECONCILER_RATE_LIMITS: 'off' });

export const round = (x, d = 0) => (typeof x === 'number' && !Number.isNaN(x) ? Math.round(x * 10 ** d) / 10 ** d : x);

/** The median (of an even count, the mean of the middle two). */
export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** The calls of a by-operation count, all together. */
export const sum = (calls) => Object.values(calls).reduce((a, b) => a + b, 0);

/**
 * The CloudTrail "AWS API Call via CloudTrail" event of an UpdateService, in the EventBridge
 * envelope the AWS documentation shows (test/fixtures/events/cloudtrail-update-service.json),
 * as the events queue receives it.
 */
export function cloudTrailUpdateService(region, cluster, service, desiredCount) {
  const e = JSON.parse(readFileSync(new URL('../test/fixtures/events/cloudtrail-update-service.json', import.meta.url), 'utf8'));
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  Object.assign(e, { id: `bench-${Date.now()}`, time: now, region });
  Object.assign(e.detail, { eventTime: now, awsRegion: region, requestParameters: { cluster, service, desiredCount } });
  return JSON.stringify(e);
}
