// The emulator's EC2 capacity (scripts/emulator_ext/capacity.py, issue 17): the Auto
// Scaling group made at start-up, capacity providers answering as the ECS API reference
// documents, container instances registered as the ECS agent would, EC2 tasks with
// their network bindings, DAEMON services. Driven with the SDK clients directly (no
// src/ code). Every test marked [extension] fails on plain moto: run
// `ECS_EMULATOR_NO_EXTENSIONS=1 npx vitest run --project integration test/integration/emulator-capacity.test.ts`.
import {
  CreateCapacityProviderCommand,
  CreateClusterCommand,
  CreateServiceCommand,
  DeleteCapacityProviderCommand,
  DeleteServiceCommand,
  DeregisterContainerInstanceCommand,
  DescribeCapacityProvidersCommand,
  DescribeClustersCommand,
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  ListContainerInstancesCommand,
  PutClusterCapacityProvidersCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  UpdateCapacityProviderCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { beforeEach, describe, expect, it } from 'vitest';
import { emulatorVar, resetEmulator, sdkClientConfig } from './emulator-helpers.js';

const ecs = new ECSClient(sdkClientConfig());

async function failure(p: Promise<unknown>): Promise<{ name?: string; message?: string } | undefined> {
  try {
    await p;
    return undefined;
  } catch (err) {
    return { name: (err as Error).name, message: (err as Error).message };
  }
}

/** The example estate's EC2 cluster (its instances' ECS_CLUSTER) with the EC2 provider over the emulator's ASG. */
async function ec2Cluster(provider = 'ec2'): Promise<string> {
  const cluster = emulatorVar('EC2_CLUSTER');
  await ecs.send(new CreateCapacityProviderCommand({ name: provider, autoScalingGroupProvider: { autoScalingGroupArn: emulatorVar('EC2_ASG_ARN') } }));
  await ecs.send(new CreateClusterCommand({ clusterName: cluster, capacityProviders: ['FARGATE', provider] }));
  return cluster;
}

async function describeProvider(name: string, include?: 'TAGS') {
  const out = await ecs.send(new DescribeCapacityProvidersCommand({ capacityProviders: [name], ...(include ? { include: [include] } : {}) }));
  return out.capacityProviders?.[0];
}

beforeEach(async () => {
  await resetEmulator();
});

describe('start-up: the Auto Scaling group of the example estate', () => {
  it('writes the ASG name and ARN, the launch template and the EC2 cluster to the env file', () => {
    expect(emulatorVar('EC2_ASG_NAME')).toBe('ecs-reconciler-emulator-ec2');
    expect(emulatorVar('EC2_ASG_ARN')).toMatch(
      /^arn:aws:autoscaling:[a-z0-9-]+:\d{12}:autoScalingGroup:[0-9a-f-]+:autoScalingGroupName\/ecs-reconciler-emulator-ec2$/,
    );
    expect(emulatorVar('EC2_LAUNCH_TEMPLATE_ID')).toMatch(/^lt-/);
    expect(emulatorVar('EC2_CLUSTER')).toBe('prod');
  });

  it('[extension] its instances register into the cluster their ECS_CLUSTER names, as the ECS agent does; registeredContainerInstancesCount follows', async () => {
    const cluster = await ec2Cluster();
    const arns = (await ecs.send(new ListContainerInstancesCommand({ cluster }))).containerInstanceArns ?? [];
    expect(arns).toHaveLength(2);
    const instances = (await ecs.send(new DescribeContainerInstancesCommand({ cluster, containerInstances: arns }))).containerInstances ?? [];
    for (const ci of instances) {
      expect(ci).toMatchObject({ status: 'ACTIVE', agentConnected: true, capacityProviderName: 'ec2' });
      expect(ci.ec2InstanceId).toMatch(/^i-/);
    }
    expect((await ecs.send(new DescribeClustersCommand({ clusters: [cluster] }))).clusters?.[0]?.registeredContainerInstancesCount).toBe(2);

    // another cluster gets none: the agent joins only the cluster its config names
    await ecs.send(new CreateClusterCommand({ clusterName: 'other' }));
    expect((await ecs.send(new ListContainerInstancesCommand({ cluster: 'other' }))).containerInstanceArns).toEqual([]);

    const gone = await ecs.send(new DeregisterContainerInstanceCommand({ cluster, containerInstance: arns[0]! }));
    expect(gone.containerInstance?.status).toBe('INACTIVE');
    expect((await ecs.send(new DescribeClustersCommand({ clusters: [cluster] }))).clusters?.[0]?.registeredContainerInstancesCount).toBe(1);
  });
});

describe('capacity providers as the ECS API reference documents them', () => {
  it('[extension] CreateCapacityProvider fills the documented defaults, managedDraining ENABLED included, and resolves an ASG given by name', async () => {
    const created = await ecs.send(
      new CreateCapacityProviderCommand({ name: 'ec2', autoScalingGroupProvider: { autoScalingGroupArn: emulatorVar('EC2_ASG_NAME') } }),
    );
    expect(created.capacityProvider).toEqual({
      capacityProviderArn: expect.stringMatching(/:capacity-provider\/ec2$/),
      name: 'ec2',
      status: 'ACTIVE',
      type: 'EC2_AUTOSCALING',
      autoScalingGroupProvider: {
        autoScalingGroupArn: emulatorVar('EC2_ASG_ARN'),
        managedScaling: { status: 'DISABLED', targetCapacity: 100, minimumScalingStepSize: 1, maximumScalingStepSize: 10000, instanceWarmupPeriod: 300 },
        managedTerminationProtection: 'DISABLED',
        managedDraining: 'ENABLED',
      },
      tags: [],
    });
  });

  it('[extension] CreateCapacityProvider refuses a second provider of the name, a second provider over the ASG, reserved prefixes and out-of-range scaling', async () => {
    const asg = emulatorVar('EC2_ASG_ARN');
    await ecs.send(new CreateCapacityProviderCommand({ name: 'ec2', autoScalingGroupProvider: { autoScalingGroupArn: asg } }));
    expect(await failure(ecs.send(new CreateCapacityProviderCommand({ name: 'ec2', autoScalingGroupProvider: { autoScalingGroupArn: asg } })))).toEqual({
      name: 'ClientException',
      message: 'The specified capacity provider already exists. To change the configuration of an existing capacity provider, update the capacity provider.',
    });
    expect(await failure(ecs.send(new CreateCapacityProviderCommand({ name: 'ec2-again', autoScalingGroupProvider: { autoScalingGroupArn: asg } })))).toEqual({
      name: 'ClientException',
      message:
        'The specified Auto Scaling group ARN is already being used by another capacity provider. Specify a unique Auto Scaling group ARN and try again.',
    });
    for (const name of ['ecs-x', 'FargateX', 'aws_cp']) {
      expect((await failure(ecs.send(new CreateCapacityProviderCommand({ name, autoScalingGroupProvider: { autoScalingGroupArn: 'other-asg' } }))))?.name).toBe(
        'InvalidParameterException',
      );
    }
    for (const targetCapacity of [0, 101]) {
      const f = await failure(
        ecs.send(
          new CreateCapacityProviderCommand({
            name: `t${targetCapacity}`,
            autoScalingGroupProvider: { autoScalingGroupArn: 'other-asg', managedScaling: { status: 'ENABLED', targetCapacity } },
          }),
        ),
      );
      expect(f?.name).toBe('InvalidParameterException');
    }
  });

  it('[extension] UpdateCapacityProvider changes managed scaling, termination protection and draining (UPDATE_IN_PROGRESS, then UPDATE_COMPLETE); an unknown provider is a ClientException', async () => {
    await ecs.send(
      new CreateCapacityProviderCommand({
        name: 'ec2',
        autoScalingGroupProvider: { autoScalingGroupArn: emulatorVar('EC2_ASG_ARN'), managedScaling: { status: 'ENABLED', targetCapacity: 100 } },
      }),
    );
    const updated = await ecs.send(
      new UpdateCapacityProviderCommand({
        name: 'ec2',
        autoScalingGroupProvider: { managedScaling: { status: 'ENABLED', targetCapacity: 80 }, managedDraining: 'DISABLED' },
      }),
    );
    // the answer is the provider as it was, the update in progress; Describe shows it done
    expect(updated.capacityProvider).toMatchObject({
      updateStatus: 'UPDATE_IN_PROGRESS',
      autoScalingGroupProvider: { managedScaling: { targetCapacity: 100 }, managedDraining: 'ENABLED' },
    });
    expect((await describeProvider('ec2'))?.updateStatus).toBe('UPDATE_COMPLETE');
    expect((await describeProvider('ec2'))?.autoScalingGroupProvider).toMatchObject({
      managedScaling: { status: 'ENABLED', targetCapacity: 80, minimumScalingStepSize: 1, maximumScalingStepSize: 10000, instanceWarmupPeriod: 300 },
      managedDraining: 'DISABLED',
      autoScalingGroupArn: emulatorVar('EC2_ASG_ARN'),
    });
    expect(
      (await failure(ecs.send(new UpdateCapacityProviderCommand({ name: 'ec2', autoScalingGroupProvider: { managedScaling: { targetCapacity: 0 } } }))))?.name,
    ).toBe('InvalidParameterException');
    expect((await failure(ecs.send(new UpdateCapacityProviderCommand({ name: 'nope', autoScalingGroupProvider: { managedDraining: 'ENABLED' } }))))?.name).toBe(
      'ClientException',
    );
  });

  it('[extension] DeleteCapacityProvider answers DELETE_FAILED while a cluster has it, then DELETE_IN_PROGRESS and INACTIVE once detached', async () => {
    const cluster = await ec2Cluster();
    const refused = await ecs.send(new DeleteCapacityProviderCommand({ capacityProvider: 'ec2' }));
    expect(refused.capacityProvider).toMatchObject({
      status: 'ACTIVE',
      updateStatus: 'DELETE_FAILED',
      updateStatusReason: `The capacity provider cannot be deleted because it is associated with cluster: ${cluster}. Remove the capacity provider from the cluster and try again.`,
    });
    expect((await describeProvider('ec2'))?.status).toBe('ACTIVE');

    await ecs.send(new PutClusterCapacityProvidersCommand({ cluster, capacityProviders: ['FARGATE'], defaultCapacityProviderStrategy: [] }));
    const deleted = await ecs.send(new DeleteCapacityProviderCommand({ capacityProvider: 'ec2' }));
    expect(deleted.capacityProvider).toMatchObject({ name: 'ec2', status: 'ACTIVE', updateStatus: 'DELETE_IN_PROGRESS' });
    expect(await describeProvider('ec2')).toMatchObject({ status: 'INACTIVE', updateStatus: 'DELETE_COMPLETE' });
    const all = (await ecs.send(new DescribeCapacityProvidersCommand({}))).capacityProviders ?? [];
    expect(all.map((p) => p.name)).not.toContain('ec2');
    expect((await failure(ecs.send(new DeleteCapacityProviderCommand({ capacityProvider: 'FARGATE' }))))?.name).toBe('InvalidParameterException');
  });

  it('[extension] DescribeCapacityProviders lists FARGATE and FARGATE_SPOT, pages of at most 10, and tags only with include TAGS', async () => {
    await ecs.send(
      new CreateCapacityProviderCommand({
        name: 'ec2',
        autoScalingGroupProvider: { autoScalingGroupArn: emulatorVar('EC2_ASG_ARN') },
        tags: [{ key: 'team', value: 'platform' }],
      }),
    );
    const all = await ecs.send(new DescribeCapacityProvidersCommand({}));
    expect(all.capacityProviders?.map((p) => p.name)).toEqual(['FARGATE', 'FARGATE_SPOT', 'ec2']);
    expect(all.capacityProviders?.[0]).toMatchObject({ name: 'FARGATE', status: 'ACTIVE', tags: [] });
    expect((await describeProvider('ec2'))?.tags).toEqual([]);
    expect((await describeProvider('ec2', 'TAGS'))?.tags).toEqual([{ key: 'team', value: 'platform' }]);
    const page = await ecs.send(new DescribeCapacityProvidersCommand({ maxResults: 2 }));
    expect(page.capacityProviders).toHaveLength(2);
    const rest = await ecs.send(new DescribeCapacityProvidersCommand({ maxResults: 2, nextToken: page.nextToken! }));
    expect(rest.capacityProviders?.map((p) => p.name)).toEqual(['ec2']);
    expect((await failure(ecs.send(new DescribeCapacityProvidersCommand({ maxResults: 11 }))))?.name).toBe('InvalidParameterException');
    const missing = await ecs.send(new DescribeCapacityProvidersCommand({ capacityProviders: ['nope'] }));
    expect(missing.failures?.[0]).toMatchObject({ reason: 'MISSING', arn: expect.stringMatching(/capacity-provider\/nope$/) });
  });

  it('[extension] managedInstancesProvider (ECS Managed Instances) is kept and returned, scoped to its cluster', async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: 'mi' }));
    const managedInstancesProvider = {
      infrastructureRoleArn: 'arn:aws:iam::123456789012:role/ecsInfrastructureRole',
      instanceLaunchTemplate: {
        ec2InstanceProfileArn: 'arn:aws:iam::123456789012:instance-profile/ecsInstanceRole',
        networkConfiguration: { subnets: [emulatorVar('SUBNET_A')], securityGroups: [emulatorVar('SECURITY_GROUP')] },
      },
      propagateTags: 'CAPACITY_PROVIDER' as const,
    };
    const created = await ecs.send(new CreateCapacityProviderCommand({ name: 'managed', cluster: 'mi', managedInstancesProvider }));
    expect(created.capacityProvider).toMatchObject({ name: 'managed', status: 'ACTIVE', type: 'MANAGED_INSTANCES', cluster: 'mi', managedInstancesProvider });
    expect(created.capacityProvider?.autoScalingGroupProvider).toBeUndefined();
    expect((await describeProvider('managed'))?.managedInstancesProvider).toEqual(managedInstancesProvider);
  });
});

describe('strategies and associations', () => {
  it('[extension] PutClusterCapacityProviders refuses to remove a provider a service uses (ResourceInUseException), and allows it once the service is gone', async () => {
    const cluster = await ec2Cluster();
    const putFargateOnly = () =>
      ecs.send(new PutClusterCapacityProvidersCommand({ cluster, capacityProviders: ['FARGATE'], defaultCapacityProviderStrategy: [] }));
    const td = await registerBridge('web');
    await ecs.send(
      new CreateServiceCommand({
        cluster,
        serviceName: 'web',
        taskDefinition: td,
        desiredCount: 1,
        capacityProviderStrategy: [{ capacityProvider: 'ec2', weight: 1 }],
      }),
    );
    expect(
      await failure(ecs.send(new PutClusterCapacityProvidersCommand({ cluster, capacityProviders: ['FARGATE'], defaultCapacityProviderStrategy: [] }))),
    ).toEqual({
      name: 'ResourceInUseException',
      message: 'The specified capacity provider is in use and cannot be removed.',
    });
    await ecs.send(new DeleteServiceCommand({ cluster, service: 'web', force: true }));
    // DeleteService stops the service's tasks (STOPPING, then STOPPED, in the rollout
    // simulation of deployments.py); a STOPPING task still holds its provider, as on ECS
    const deadline = Date.now() + 15_000;
    let ok: Awaited<ReturnType<typeof putFargateOnly>> | undefined;
    while (!ok) {
      try {
        ok = await putFargateOnly();
      } catch (error) {
        if ((error as Error).name !== 'ResourceInUseException' || Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
    expect(ok.cluster?.capacityProviders).toEqual(['FARGATE']);
  });

  it('[extension] a strategy naming a provider the cluster does not have is refused (CreateService, UpdateService, RunTask)', async () => {
    await ecs.send(new CreateCapacityProviderCommand({ name: 'ec2', autoScalingGroupProvider: { autoScalingGroupArn: emulatorVar('EC2_ASG_ARN') } }));
    await ecs.send(new CreateClusterCommand({ clusterName: 'fargate-only', capacityProviders: ['FARGATE'] }));
    const td = await registerBridge('web');
    const strategy = [{ capacityProvider: 'ec2', weight: 1 }];
    expect(
      (
        await failure(
          ecs.send(
            new CreateServiceCommand({ cluster: 'fargate-only', serviceName: 'web', taskDefinition: td, desiredCount: 1, capacityProviderStrategy: strategy }),
          ),
        )
      )?.name,
    ).toBe('InvalidParameterException');
    expect((await failure(ecs.send(new RunTaskCommand({ cluster: 'fargate-only', taskDefinition: td, capacityProviderStrategy: strategy }))))?.name).toBe(
      'InvalidParameterException',
    );
    await ecs.send(new CreateServiceCommand({ cluster: 'fargate-only', serviceName: 'web', taskDefinition: td, desiredCount: 0, launchType: 'EC2' }));
    expect((await failure(ecs.send(new UpdateServiceCommand({ cluster: 'fargate-only', service: 'web', capacityProviderStrategy: strategy }))))?.name).toBe(
      'InvalidParameterException',
    );
    // a cluster may be given only providers that exist and are ACTIVE
    expect((await failure(ecs.send(new CreateClusterCommand({ clusterName: 'ghost', capacityProviders: ['FARGATE', 'no-such-provider'] }))))?.name).toBe(
      'InvalidParameterException',
    );
    expect(
      (
        await failure(
          ecs.send(
            new PutClusterCapacityProvidersCommand({
              cluster: 'fargate-only',
              capacityProviders: ['FARGATE', 'no-such-provider'],
              defaultCapacityProviderStrategy: [],
            }),
          ),
        )
      )?.name,
    ).toBe('InvalidParameterException');
    // and a default strategy may name only the cluster's providers
    expect(
      (
        await failure(
          ecs.send(
            new PutClusterCapacityProvidersCommand({ cluster: 'fargate-only', capacityProviders: ['FARGATE'], defaultCapacityProviderStrategy: strategy }),
          ),
        )
      )?.name,
    ).toBe('InvalidParameterException');
  });

  it('[extension] a service on an EC2 provider strategy has no platformVersion (Fargate only) and keeps its placement constraints and strategy', async () => {
    const cluster = await ec2Cluster();
    const td = await registerBridge('web');
    const placementConstraints = [{ type: 'memberOf' as const, expression: 'attribute:ecs.instance-type =~ m5.*' }];
    const placementStrategy = [
      { type: 'spread' as const, field: 'attribute:ecs.availability-zone' },
      { type: 'binpack' as const, field: 'memory' },
    ];
    await ecs.send(
      new CreateServiceCommand({
        cluster,
        serviceName: 'web',
        taskDefinition: td,
        desiredCount: 1,
        capacityProviderStrategy: [{ capacityProvider: 'ec2', weight: 1, base: 0 }],
        placementConstraints,
        placementStrategy,
      }),
    );
    const svc = (await ecs.send(new DescribeServicesCommand({ cluster, services: ['web'] }))).services![0]!;
    expect(svc.platformVersion).toBeUndefined();
    expect(svc.launchType).toBeUndefined();
    expect(svc.capacityProviderStrategy).toEqual([{ capacityProvider: 'ec2', weight: 1, base: 0 }]);
    expect(svc.placementConstraints).toEqual(placementConstraints);
    expect(svc.placementStrategy).toEqual(placementStrategy);
  });
});

async function registerBridge(family: string, networkMode: 'bridge' | 'host' = 'bridge'): Promise<string> {
  const out = await ecs.send(
    new RegisterTaskDefinitionCommand({
      family,
      networkMode,
      requiresCompatibilities: ['EC2'],
      placementConstraints: [{ type: 'memberOf', expression: 'attribute:ecs.os-type == linux' }],
      containerDefinitions: [
        {
          name: 'web',
          image: 'nginx',
          memory: 128,
          essential: true,
          portMappings:
            networkMode === 'bridge'
              ? [{ containerPort: 80 }, { containerPort: 443, hostPort: 0 }, { containerPort: 9000, hostPort: 9000 }]
              : [{ containerPort: 8080 }],
        },
        { name: 'sidecar', image: 'busybox', memory: 64, essential: false },
      ],
    }),
  );
  return out.taskDefinition!.taskDefinitionArn!;
}

describe('EC2 tasks: bridge and host mode, DAEMON services', () => {
  it('[extension] DescribeTaskDefinition answers bridge-mode port mappings as ECS does (hostPort left out is 0, protocol tcp) and keeps its placement constraints', async () => {
    const td = await registerBridge('web');
    const def = (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: td }))).taskDefinition!;
    expect(def.networkMode).toBe('bridge');
    expect(def.containerDefinitions?.[0]?.portMappings).toEqual([
      { containerPort: 80, hostPort: 0, protocol: 'tcp' },
      { containerPort: 443, hostPort: 0, protocol: 'tcp' },
      { containerPort: 9000, hostPort: 9000, protocol: 'tcp' },
    ]);
    const host = (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: await registerBridge('hosted', 'host') }))).taskDefinition!;
    expect(host.containerDefinitions?.[0]?.portMappings).toEqual([{ containerPort: 8080, hostPort: 8080, protocol: 'tcp' }]);
    expect(def.placementConstraints).toEqual([{ type: 'memberOf', expression: 'attribute:ecs.os-type == linux' }]);
  });

  it('[extension] bridge mode: each container has network bindings, dynamic ports get distinct ephemeral host ports, the static one is reserved', async () => {
    const cluster = await ec2Cluster();
    const td = await registerBridge('web');
    const run = await ecs.send(
      new RunTaskCommand({ cluster, taskDefinition: td, count: 2, capacityProviderStrategy: [{ capacityProvider: 'ec2', weight: 1 }] }),
    );
    expect(run.tasks).toHaveLength(2);
    for (const t of run.tasks!) expect(t.lastStatus).toBe('RUNNING');
    const tasks = (await ecs.send(new DescribeTasksCommand({ cluster, tasks: run.tasks!.map((t) => t.taskArn!) }))).tasks!;
    for (const task of tasks) {
      expect(task).toMatchObject({ launchType: 'EC2', capacityProviderName: 'ec2' });
      expect(task.containerInstanceArn).toMatch(/:container-instance\//);
      expect(task.containers?.map((c) => c.name)).toEqual(['web', 'sidecar']);
      const web = task.containers![0]!.networkBindings!;
      expect(web.map((b) => b.containerPort)).toEqual([80, 443, 9000]);
      for (const b of web.slice(0, 2)) expect(b.hostPort).toBeGreaterThanOrEqual(49153);
      expect(web[2]).toEqual({ bindIP: '0.0.0.0', containerPort: 9000, hostPort: 9000, protocol: 'tcp' });
      expect(new Set(web.map((b) => b.hostPort)).size).toBe(3);
      expect(task.containers![1]!.networkBindings ?? []).toEqual([]);
    }
    // the two tasks hold host port 9000: they are on different instances
    expect(new Set(tasks.map((t) => t.containerInstanceArn)).size).toBe(2);
    const instances = (await ecs.send(new DescribeContainerInstancesCommand({ cluster, containerInstances: tasks.map((t) => t.containerInstanceArn!) })))
      .containerInstances!;
    for (const ci of instances) {
      const ports = ci.remainingResources?.find((r) => r.name === 'PORTS')?.stringSetValue ?? [];
      expect(ports).toContain('9000');
      expect(ports).not.toContain('0');
      expect(ci.runningTasksCount).toBe(1);
    }
    for (const t of tasks) await ecs.send(new StopTaskCommand({ cluster, task: t.taskArn! }));
  });

  it('[extension] bridge mode with only dynamic ports: several tasks share an instance; host mode binds the container port', async () => {
    const cluster = await ec2Cluster();
    const dyn = await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'dyn',
        networkMode: 'bridge',
        containerDefinitions: [{ name: 'app', image: 'nginx', memory: 128, portMappings: [{ containerPort: 80 }] }],
      }),
    );
    const run = await ecs.send(new RunTaskCommand({ cluster, taskDefinition: dyn.taskDefinition!.taskDefinitionArn!, count: 4, launchType: 'EC2' }));
    expect(run.tasks).toHaveLength(4);
    const byInstance = new Map<string, number[]>();
    for (const t of run.tasks!) {
      const port = t.containers![0]!.networkBindings![0]!.hostPort!;
      byInstance.set(t.containerInstanceArn!, [...(byInstance.get(t.containerInstanceArn!) ?? []), port]);
    }
    for (const ports of byInstance.values()) expect(new Set(ports).size).toBe(ports.length);

    const host = await registerBridge('hosted', 'host');
    const hosted = await ecs.send(new RunTaskCommand({ cluster, taskDefinition: host, launchType: 'EC2' }));
    expect(hosted.tasks?.[0]?.containers?.[0]?.networkBindings).toEqual([{ bindIP: '0.0.0.0', containerPort: 8080, hostPort: 8080, protocol: 'tcp' }]);
  });

  it('[extension] an EC2 task definition without task memory takes a container memoryReservation alone; neither is refused', async () => {
    // ContainerDefinition.memoryReservation: "If a task-level memory value is not specified, you must
    // specify a non-zero integer for one or both of memory or memoryReservation in a container definition."
    const soft = await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'soft-limit',
        requiresCompatibilities: ['EC2'],
        containerDefinitions: [{ name: 'app', image: 'nginx:1.27', memoryReservation: 64 }],
      }),
    );
    expect(soft.taskDefinition?.containerDefinitions?.[0]?.memoryReservation).toBe(64);
    const neither = await failure(
      ecs.send(
        new RegisterTaskDefinitionCommand({
          family: 'no-memory',
          requiresCompatibilities: ['EC2'],
          containerDefinitions: [{ name: 'app', image: 'nginx:1.27' }],
        }),
      ),
    );
    expect(neither?.name).toBe('ClientException');
    expect(neither?.message).toContain("'memory' or 'memoryReservation'");
  });

  it('[extension] a DAEMON service wants one task per active container instance', async () => {
    const cluster = await ec2Cluster();
    const td = await registerBridge('agent');
    await ecs.send(new CreateServiceCommand({ cluster, serviceName: 'agent', taskDefinition: td, schedulingStrategy: 'DAEMON', launchType: 'EC2' }));
    const svc = (await ecs.send(new DescribeServicesCommand({ cluster, services: ['agent'] }))).services![0]!;
    expect(svc).toMatchObject({ schedulingStrategy: 'DAEMON', desiredCount: 2, deploymentConfiguration: { maximumPercent: 100, minimumHealthyPercent: 0 } });
    expect(svc.deployments?.find((d) => d.status === 'PRIMARY')?.desiredCount).toBe(2);
  });
});
