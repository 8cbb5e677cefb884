// Small helpers for integration tests that talk to the ECS emulator started by
// test/integration/global-setup.ts.
import { inject } from 'vitest';
import type { EmulatorContext } from './global-setup.js';

export type { EmulatorContext };

/** The running emulator: endpoint, region, env file and its NAME=value pairs. */
export function emulatorEnv(): EmulatorContext {
  return inject('emulator');
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
