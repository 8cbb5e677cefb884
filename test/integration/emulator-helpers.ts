// Small helpers for integration tests that talk to the ECS emulator started by
// test/integration/global-setup.ts.
import { inject } from 'vitest';
import type { EmulatorContext } from './global-setup.js';

export type { EmulatorContext };

/**
 * This test file's emulator: endpoint, region, env file and its NAME=value pairs. Files
 * run in parallel workers, each worker with an emulator of its own (global-setup.ts);
 * vitest numbers the workers running at once 1..maxWorkers in VITEST_POOL_ID.
 */
export function emulatorEnv(): EmulatorContext {
  const emulators = inject('emulators');
  const poolId = Number(process.env.VITEST_POOL_ID ?? '1');
  const emulator = emulators[poolId - 1];
  if (!emulator) throw new Error(`test worker ${poolId} has no emulator: the global setup started ${emulators.length}`);
  return emulator;
}

/** A network id the emulator created (SUBNET_A, SUBNET_B, SECURITY_GROUP, TARGET_GROUP_ARN, VPC_ID, ...). */
export function emulatorVar(name: string): string {
  const value = emulatorEnv().vars[name];
  if (value === undefined) throw new Error(`the emulator's env file has no ${name}`);
  return value;
}

/** Config for any AWS SDK v3 client: `new ECSClient(sdkClientConfig())`. */
export function sdkClientConfig(region?: string): {
  region: string;
  endpoint: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
} {
  const env = emulatorEnv();
  return {
    region: region ?? env.region,
    endpoint: env.endpoint,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  };
}

/**
 * Empty the emulator's ECS, Application Auto Scaling and DynamoDB state (every region),
 * keeping the VPC, subnets, security group and target group.
 */
export async function resetEmulator(): Promise<void> {
  const { endpoint } = emulatorEnv();
  const res = await fetch(`${endpoint}/ecs-reconciler/reset`, { method: 'POST' });
  if (!res.ok) {
    throw new Error(`resetting the emulator at ${endpoint} failed: HTTP ${res.status} ${await res.text()}`);
  }
}

/**
 * Hold one service's rollouts where they are (the emulator's HOLD test hook,
 * scripts/emulator_ext/test_hooks.py) until releaseRollouts(): for a test that needs a
 * rollout still under way at its next call, however long a busy machine takes to get
 * there (the emulator's rollout takes 1 s; ECS's take minutes).
 */
export async function holdRollouts(service: { cluster: string; service: string; region?: string }): Promise<void> {
  const { endpoint, region } = emulatorEnv();
  const res = await fetch(`${endpoint}/ecs-reconciler/test-hooks/hold`, {
    method: 'POST',
    body: JSON.stringify({ region: service.region ?? region, cluster: service.cluster, service: service.service }),
  });
  if (!res.ok) throw new Error(`holding the rollouts of ${service.cluster}/${service.service} failed: HTTP ${res.status} ${await res.text()}`);
}

/** Release every hold: the held rollouts move on as the emulator's rollout time says. */
export async function releaseRollouts(): Promise<void> {
  const { endpoint } = emulatorEnv();
  const res = await fetch(`${endpoint}/ecs-reconciler/test-hooks/hold`, { method: 'DELETE' });
  if (!res.ok) throw new Error(`releasing the held rollouts failed: HTTP ${res.status} ${await res.text()}`);
}
