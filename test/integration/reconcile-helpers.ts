// Runs reconcile passes in-process against the emulator, with the gateway's call
// counters at hand, on a scratch copy of a manifests folder.
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ECSClient } from '@aws-sdk/client-ecs';
import { AwsGateways, isMutatingOperation } from '../../src/aws/index.js';
import { main } from '../../src/cli/main.js';
import { loadManifests } from '../../src/manifests/index.js';
import { type PassOptions, type PassResult, runReconcilePass } from '../../src/pipeline/reconcile-pass.js';
import { emulatorEnv, sdkClientConfig } from './emulator-helpers.js';

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');

/** A scratch copy of a manifests folder (default: the example estate) that a test may edit. */
export function scratchManifests(from = join(REPO_ROOT, 'manifests')): string {
  const dir = mkdtempSync(join(tmpdir(), 'ecs-reconciler-test-'));
  cpSync(from, dir, { recursive: true });
  return dir;
}

export function emulatorVars(): Map<string, string> {
  return new Map(Object.entries(emulatorEnv().vars));
}

export interface PassRun extends PassResult {
  calls: Record<string, number>;
  mutatingCalls: number;
}

/** The pass options a test sets beyond the common ones (prune safety, repository, release). */
type ExtraPassOptions = Partial<
  Pick<PassOptions, 'allowEmpty' | 'maxPrune' | 'release' | 'repository' | 'implicitControllerId' | 'adoptCloudFormation' | 'regions'>
>;

interface ReconcileOptions extends ExtraPassOptions {
  mode?: 'plan' | 'apply' | 'report';
  prune?: boolean;
  adopt?: boolean;
  controllerId?: string;
  keepRevisions?: number;
  onCall?: (operation: string) => void;
  clusters?: (clusterName: string) => boolean;
  /** the default region (--region); default the emulator's */
  region?: string;
  /** the variables (--var); default the emulator's env file, as --var-file gives it */
  vars?: ReadonlyMap<string, string>;
}

export async function reconcile(dir: string, opts: ReconcileOptions = {}): Promise<PassRun> {
  const env = emulatorEnv();
  const region = opts.region ?? env.region;
  const load = await loadManifests(dir, { defaultRegion: region, vars: opts.vars ?? emulatorVars() });
  const gateways = new AwsGateways({ endpoint: env.endpoint, rateLimits: 'off' });
  if (opts.onCall) gateways.counter.listener = (_service, operation) => opts.onCall!(operation);
  try {
    const pass = await runReconcilePass(load, {
      gateways,
      controllerId: opts.controllerId ?? 'default',
      defaultRegion: region,
      mode: opts.mode ?? 'plan',
      prune: opts.prune ?? false,
      adopt: opts.adopt ?? false,
      keepRevisions: opts.keepRevisions ?? 5,
      ...(opts.allowEmpty ? { allowEmpty: true } : {}),
      ...(opts.maxPrune !== undefined ? { maxPrune: opts.maxPrune } : {}),
      ...(opts.release ? { release: opts.release } : {}),
      ...(opts.repository ? { repository: opts.repository } : {}),
      ...(opts.implicitControllerId ? { implicitControllerId: true } : {}),
      ...(opts.adoptCloudFormation ? { adoptCloudFormation: true } : {}),
      ...(opts.regions ? { regions: opts.regions } : {}),
      ...(opts.clusters ? { clusters: opts.clusters } : {}),
      now: () => new Date(),
    });
    return { ...pass, calls: gateways.counter.byOperation(), mutatingCalls: gateways.counter.total(isMutatingOperation) };
  } finally {
    gateways.destroy();
  }
}

export function states(pass: PassResult): Record<string, string> {
  return Object.fromEntries(pass.diffs.map((d) => [d.id, d.state]));
}

export function ecsClient(): ECSClient {
  return new ECSClient(sdkClientConfig());
}

/** The CLI in-process, as a user runs it, against the emulator's region (rate limits off). */
export async function runCli(argv: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const env = emulatorEnv();
  const code = await main(argv, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env: { ...process.env, AWS_REGION: env.region, ECS_RECONCILER_RATE_LIMITS: 'off', ...extraEnv },
    cwd: process.cwd(),
  });
  return { code, stdout, stderr };
}
