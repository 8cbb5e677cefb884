// Runs reconcile passes in-process against the emulator, with the gateway's call
// counters at hand, on a scratch copy of a manifests folder.
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ECSClient } from '@aws-sdk/client-ecs';
import { AwsGateways, isMutatingOperation } from '../../src/aws/index.js';
import { loadManifests } from '../../src/manifests/index.js';
import { runReconcilePass, type PassResult } from '../../src/pipeline/reconcile-pass.js';
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

export async function reconcile(dir: string, opts: { mode?: 'plan' | 'apply' | 'report'; prune?: boolean; adopt?: boolean; controllerId?: string; keepRevisions?: number; onCall?: (operation: string) => void; clusters?: (clusterName: string) => boolean } = {}): Promise<PassRun> {
  const env = emulatorEnv();
  const load = await loadManifests(dir, { defaultRegion: env.region, vars: emulatorVars() });
  const gateways = new AwsGateways({ endpoint: env.endpoint, rateLimits: 'off' });
  if (opts.onCall) gateways.counter.listener = (_service, operation) => opts.onCall!(operation);
  try {
    const pass = await runReconcilePass(load, {
      gateways,
      controllerId: opts.controllerId ?? 'default',
      defaultRegion: env.region,
      mode: opts.mode ?? 'plan',
      prune: opts.prune ?? false,
      adopt: opts.adopt ?? false,
      keepRevisions: opts.keepRevisions ?? 5,
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
