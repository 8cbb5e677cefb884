// Vitest global setup of the `integration` project: starts one ECS emulator
// (scripts/emulator: moto server + this project's extensions, on 127.0.0.1) per test
// worker, all at once, and provides their endpoints and network ids to the test files.
// Each file runs in one worker and talks only to that worker's emulator (emulatorEnv()
// picks it by VITEST_POOL_ID), so files in different workers never see each other's
// state, and each file still starts from a reset emulator (reset-emulator.ts).
//
// ECS_ENDPOINT_FOR_TESTS=http://127.0.0.1:N[,http://127.0.0.1:M...] uses emulators
// already running (started by hand with scripts/emulator) instead, one a worker; their
// env files are read from ECS_ENV_FILE_FOR_TESTS (as many, comma-separated), else from
// .emulator.env at the repo root (one emulator only). ECS_TEST_WORKERS sets the number of
// workers (vitest.config.ts; default 3).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

export interface EmulatorContext {
  /** e.g. http://127.0.0.1:41229 */
  endpoint: string;
  region: string;
  /** the env file scripts/emulator wrote (NAME=value lines) */
  envFile: string;
  /** its contents: AWS_REGION, ECS_ENDPOINT, SUBNET_A, SUBNET_B, SECURITY_GROUP, TARGET_GROUP_ARN, VPC_ID, ... */
  vars: Record<string, string>;
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** one emulator per test worker: worker VITEST_POOL_ID=n uses emulators[n - 1] */
    emulators: EmulatorContext[];
  }
}

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SCRIPT = join(REPO_ROOT, 'scripts', 'emulator');
const START_TIMEOUT_MS = 120_000;
const HOW_TO_GET_IT =
  'The integration tests need the local ECS emulator: scripts/emulator installs moto into .venv/ ' +
  'on its first run, which needs python3 with the venv module (e.g. apt-get install python3 python3-venv) ' +
  'and access to the Python package index (PyPI). Run scripts/emulator by hand to see what is missing.';

export function parseEnvFile(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) continue;
    const eq = trimmed.indexOf('=');
    if (eq > 0) vars[trimmed.slice(0, eq)] = trimmed.slice(eq + 1);
  }
  return vars;
}

function log(msg: string): void {
  process.stderr.write(`[emulator] ${msg}\n`);
}

function startEmulator(envFile: string): Promise<{ child: ChildProcess; endpoint: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(SCRIPT, ['--env-file', envFile, '--exit-on-stdin-eof'], {
      cwd: REPO_ROOT,
      // stdin stays open as a lifeline: if this process dies without the teardown,
      // the emulator sees EOF and exits, so no emulator is left behind.
      stdio: ['pipe', 'pipe', 'pipe'],
      // a simulated rollout takes ECS_EMULATOR_ROLLOUT_SECONDS (scripts/emulator_ext/
      // deployments.py); 1 s keeps the tests that wait for one short
      env: { ECS_EMULATOR_ROLLOUT_SECONDS: '1', ...process.env },
    });
    let output = '';
    let stdoutBuf = '';
    let settled = false;
    const finish = (err: Error | null, endpoint?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        reject(err);
      } else {
        resolvePromise({ child, endpoint: endpoint! });
      }
    };
    const timer = setTimeout(() => {
      finish(
        new Error(`scripts/emulator did not print "ECS endpoint:" within ${START_TIMEOUT_MS / 1000}s.\n` + `${HOW_TO_GET_IT}\n--- its output ---\n${output}`),
      );
    }, START_TIMEOUT_MS);

    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      output += chunk;
      stdoutBuf += chunk;
      for (let nl = stdoutBuf.indexOf('\n'); nl >= 0; nl = stdoutBuf.indexOf('\n')) {
        const line = stdoutBuf.slice(0, nl).trim();
        stdoutBuf = stdoutBuf.slice(nl + 1);
        const m = /^ECS endpoint: (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
        if (m) finish(null, m[1]);
      }
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      output += chunk;
      // Progress (installing moto on the first run) and, later, the emulator's errors
      // (tracebacks behind an HTTP 500); request logs are off unless ECS_EMULATOR_VERBOSE=1.
      process.stderr.write(chunk);
    });
    child.on('error', (err) => {
      finish(new Error(`could not run ${SCRIPT}: ${err.message}\n${HOW_TO_GET_IT}`));
    });
    child.on('exit', (code, signal) => {
      finish(new Error(`scripts/emulator exited (${signal ?? `status ${code}`}) before it was ready.\n` + `${HOW_TO_GET_IT}\n--- its output ---\n${output}`));
    });
  });
}

function stopEmulator(child: ChildProcess): Promise<void> {
  return new Promise((resolvePromise) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolvePromise();
    const killTimer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(killTimer);
      resolvePromise();
    });
    child.kill('SIGTERM');
  });
}

/** How many workers the project runs files in (vitest.config.ts maxWorkers; vitest sets 1 without file parallelism). */
function workerCount(project: TestProject): number {
  const n = Number(project.config.maxWorkers);
  return Number.isInteger(n) && n > 0 ? n : 1;
}

function externalEmulators(external: string, workers: number): EmulatorContext[] {
  const endpoints = external
    .split(',')
    .map((e) => e.trim().replace(/\/+$/, ''))
    .filter(Boolean);
  const envFiles = (process.env.ECS_ENV_FILE_FOR_TESTS ?? (endpoints.length === 1 ? join(REPO_ROOT, '.emulator.env') : '')).split(',').map((f) => f.trim());
  if (endpoints.length < workers) {
    throw new Error(
      `ECS_ENDPOINT_FOR_TESTS names ${endpoints.length} emulator(s) for ${workers} test workers: each worker needs its own ` +
        '(the test files reset the emulator they use); give one endpoint per worker, or run with ECS_TEST_WORKERS=1',
    );
  }
  return endpoints.map((endpoint, i) => {
    const envFile = envFiles[i] ?? '';
    const vars = envFile && existsSync(envFile) ? parseEnvFile(readFileSync(envFile, 'utf8')) : {};
    if (vars.ECS_ENDPOINT && vars.ECS_ENDPOINT !== endpoint) {
      throw new Error(`ECS_ENDPOINT_FOR_TESTS has ${endpoint} but ${envFile} is for ${vars.ECS_ENDPOINT}`);
    }
    log(`using the running emulator at ${endpoint} (ECS_ENDPOINT_FOR_TESTS)`);
    return { endpoint, region: vars.AWS_REGION ?? 'us-east-1', envFile, vars: { ...vars, ECS_ENDPOINT: endpoint } };
  });
}

interface StartedEmulator {
  context: EmulatorContext;
  stop: () => Promise<void>;
}

async function startOwnEmulator(): Promise<StartedEmulator> {
  const dir = mkdtempSync(join(tmpdir(), 'ecs-reconciler-emulator-'));
  const envFile = join(dir, 'emulator.env');
  let started: { child: ChildProcess; endpoint: string };
  try {
    started = await startEmulator(envFile);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const { child, endpoint } = started;
  const stop = async (): Promise<void> => {
    await stopEmulator(child);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const vars = parseEnvFile(readFileSync(envFile, 'utf8'));
    if (vars.ECS_ENDPOINT !== endpoint) {
      throw new Error(`${envFile} has ECS_ENDPOINT=${vars.ECS_ENDPOINT}, expected ${endpoint}`);
    }
    log(`ready at ${endpoint}`);
    return { context: { endpoint, region: vars.AWS_REGION ?? 'us-east-1', envFile, vars }, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const workers = workerCount(project);
  const external = process.env.ECS_ENDPOINT_FOR_TESTS;
  if (external) {
    project.provide('emulators', externalEmulators(external, workers));
    return async () => {};
  }

  log(`starting ${workers} emulator(s), one per test worker (the first run installs moto into .venv/, up to ${START_TIMEOUT_MS / 1000}s) ...`);
  const results = await Promise.allSettled(Array.from({ length: workers }, () => startOwnEmulator()));
  const started = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const teardown = async (): Promise<void> => {
    await Promise.all(started.map((e) => e.stop()));
  };
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await teardown();
    throw failed.reason;
  }
  project.provide(
    'emulators',
    started.map((e) => e.context),
  );
  return teardown;
}
