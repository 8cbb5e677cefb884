// The start-up extensions of scripts/emulator_ext/prune_gaps.py: moto answering as the
// ECS API reference documents. Each fails on plain moto (ECS_EMULATOR_NO_EXTENSIONS=1).
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DeleteClusterCommand,
  DeleteServiceCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
} from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { emulatorVar, sdkClientConfig } from './emulator-helpers.js';

const ecs = new ECSClient(sdkClientConfig());
const networkConfiguration = () => ({ awsvpcConfiguration: { subnets: [emulatorVar('SUBNET_A')] } });

async function errorName(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (err) {
    return (err as { name?: string }).name;
  }
}

describe('DeleteCluster refuses a cluster with something in it (ECS API reference, DeleteCluster errors)', () => {
  it('ClusterContainsServicesException while a service is in it, ClusterContainsTasksException while a task runs, then deletes', async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: 'busy' }));
    const td = await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'busy',
        requiresCompatibilities: ['FARGATE'],
        networkMode: 'awsvpc',
        cpu: '256',
        memory: '512',
        containerDefinitions: [{ name: 'x', image: 'busybox' }],
      }),
    );
    const arn = td.taskDefinition!.taskDefinitionArn!;
    await ecs.send(
      new CreateServiceCommand({
        cluster: 'busy',
        serviceName: 'svc',
        taskDefinition: arn,
        desiredCount: 0,
        launchType: 'FARGATE',
        networkConfiguration: networkConfiguration(),
      }),
    );
    expect(await errorName(ecs.send(new DeleteClusterCommand({ cluster: 'busy' })))).toBe('ClusterContainsServicesException');

    await ecs.send(new DeleteServiceCommand({ cluster: 'busy', service: 'svc', force: true }));
    const run = await ecs.send(
      new RunTaskCommand({ cluster: 'busy', taskDefinition: arn, launchType: 'FARGATE', networkConfiguration: networkConfiguration() }),
    );
    expect(await errorName(ecs.send(new DeleteClusterCommand({ cluster: 'busy' })))).toBe('ClusterContainsTasksException');

    await ecs.send(new StopTaskCommand({ cluster: 'busy', task: run.tasks![0]!.taskArn! }));
    const deleted = await ecs.send(new DeleteClusterCommand({ cluster: 'busy' }));
    expect(deleted.cluster?.status).toBe('INACTIVE');
  });
});
