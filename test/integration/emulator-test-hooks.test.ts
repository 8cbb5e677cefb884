// The emulator's HOLD test hook (scripts/emulator_ext/test_hooks.py), which the tests that
// need a rollout still under way at their next call rely on: a held service's new
// deployment stays IN_PROGRESS past the emulator's rollout time, other services' move
// on, and once released (or after a reset) it completes as the rollout time says.
import { CreateClusterCommand, CreateServiceCommand, DescribeServicesCommand, RegisterTaskDefinitionCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { emulatorVar, holdRollouts, releaseRollouts, resetEmulator } from './emulator-helpers.js';
import { ecsClient } from './reconcile-helpers.js';

const CLUSTER = 'hooks';
const ecs = ecsClient();
const rolloutMs = () => Number(emulatorVar('ECS_EMULATOR_ROLLOUT_SECONDS')) * 1000;

async function revision(image: string): Promise<string> {
  const out = await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'hooks-web',
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: '256',
      memory: '512',
      containerDefinitions: [{ name: 'app', image, essential: true }],
    }),
  );
  return out.taskDefinition!.taskDefinitionArn!;
}

async function rolloutStates(service: string): Promise<string[]> {
  const out = await ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: [service] }));
  return (out.services?.[0]?.deployments ?? []).map((d) => `${d.status} ${d.rolloutState}`);
}

async function completedService(name: string, taskDefinition: string): Promise<void> {
  await ecs.send(
    new CreateServiceCommand({
      cluster: CLUSTER,
      serviceName: name,
      taskDefinition,
      desiredCount: 1,
      launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets: [emulatorVar('SUBNET_A')] } },
    }),
  );
  await expect.poll(() => rolloutStates(name), { timeout: 30_000, interval: 100 }).toEqual(['PRIMARY COMPLETED']);
}

describe("the emulator's hold test hook", () => {
  it('keeps a held service rolling out past the rollout time, moves the others, and completes it once released', async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
    const first = await revision('public.ecr.aws/nginx/nginx:1.27');
    await completedService('held', first);
    await completedService('free', first);
    const second = await revision('public.ecr.aws/nginx/nginx:1.28');

    await holdRollouts({ cluster: CLUSTER, service: 'held' });
    await ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'held', taskDefinition: second }));
    await ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'free', taskDefinition: second }));
    // the other service completes as the rollout time says ...
    await expect.poll(() => rolloutStates('free'), { timeout: 30_000, interval: 100 }).toEqual(['PRIMARY COMPLETED']);
    // ... and the held one is still under way well after its rollout time (what is asserted
    // here is that time passing moves nothing: a wait of a few rollout times is the point)
    await new Promise((r) => setTimeout(r, 3 * rolloutMs()));
    expect(await rolloutStates('held')).toEqual(['PRIMARY IN_PROGRESS', 'ACTIVE COMPLETED']);

    await releaseRollouts();
    await expect.poll(() => rolloutStates('held'), { timeout: 30_000, interval: 100 }).toEqual(['PRIMARY COMPLETED']);
  });

  it('is released by a reset, as every test hook is', async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
    await holdRollouts({ cluster: CLUSTER, service: 'held' });
    await resetEmulator();
    await ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
    const first = await revision('public.ecr.aws/nginx/nginx:1.27');
    await completedService('held', first);
  });
});
