// Runs one ecs-reconciler command (the compiled CLI's main, as bin/ecs-reconciler.js
// does) in this fresh process, then writes to the file named by BENCH_RESULT_FILE:
// the AWS calls by operation (the gateway's own CallCounter middleware, tallied across
// every counter the process makes), this process's CPU time (user + system, this
// process only: the emulator is another process) and its peak RSS.
//   node bench/cli-child.mjs plan DIR --format json --out /dev/null ...
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const dist = new URL('../dist/', import.meta.url);
const { CallCounter } = await import(new URL('aws/call-counter.js', dist));
const { main } = await import(new URL('cli/main.js', dist));

const calls = {};
const record = CallCounter.prototype.record;
CallCounter.prototype.record = function (service, operation, outcome, attempts) {
  calls[operation] = (calls[operation] ?? 0) + 1;
  return record.call(this, service, operation, outcome, attempts);
};

const started = performance.now();
let code;
let error;
try {
  code = await main(process.argv.slice(2));
} catch (err) {
  code = 1;
  error = err instanceof Error ? err.stack : String(err);
}
const commandMs = performance.now() - started;
const ru = process.resourceUsage();
const result = {
  exitCode: code,
  calls,
  // from process start: module loading counts, as it does for a user's `plan`
  processMs: Math.round(performance.now()),
  commandMs: Math.round(commandMs),
  cpuSeconds: (ru.userCPUTime + ru.systemCPUTime) / 1e6,
  userCpuSeconds: ru.userCPUTime / 1e6,
  systemCpuSeconds: ru.systemCPUTime / 1e6,
  peakRssMb: ru.maxRSS / 1024,
  ...(error ? { error } : {}),
};
if (process.env.BENCH_RESULT_FILE) writeFileSync(process.env.BENCH_RESULT_FILE, JSON.stringify(result));
else process.stderr.write(`${JSON.stringify(result)}\n`);
process.exitCode = code;
