// The rollout simulation of scripts/emulator_ext/deployments.py (and the blue/green load
// balancing scripts/emulator creates at start-up), driven with the AWS SDK clients only:
// moto answering as the ECS and CodeDeploy API references document deployments. Each
// test fails on plain moto (run with ECS_EMULATOR_NO_EXTENSIONS=1 to see it).

import {
  CodeDeployClient,
  CreateApplicationCommand,
  CreateDeploymentCommand,
  CreateDeploymentGroupCommand,
  GetDeploymentCommand,
} from '@aws-sdk/client-codedeploy';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  type Deployment,
  type DeploymentConfiguration,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  type Service,
  type Task,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { DescribeRulesCommand, DescribeTargetGroupsCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { describe, expect, it } from 'vitest';
import { emulatorVar, holdRollouts, releaseRollouts, sdkClientConfig } from './emulator-helpers.js';

const ecs = new ECSClient(sdkClientConfig());
const codeDeploy = new CodeDeployClient(sdkClientConfig());
const networkConfiguration = () => ({ awsvpcConfiguration: { subnets: [emulatorVar('SUBNET_A')] } });
// the env file says how long the emulator's rollouts take (absent on plain moto: 1 s then)
function rolloutMs(): number {
  try {
    return Number(emulatorVar('ECS_EMULATOR_ROLLOUT_SECONDS')) * 1000;
  } catch {
    return 1000;
  }
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let familySeq = 0;
async function revision(image: string, family = `rollout-${++familySeq}`): Promise<string> {
  const out = await ecs.send(
    new RegisterTaskDefinitionCommand({
      family,
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: '256',
      memory: '512',
      containerDefinitions: [{ name: 'app', image, essential: true, portMappings: [{ containerPort: 80 }] }],
    }),
  );
  return out.taskDefinition!.taskDefinitionArn!;
}

async function service(cluster: string, name: string): Promise<Service> {
  const out = await ecs.send(new DescribeServicesCommand({ cluster, services: [name] }));
  return out.services![0]!;
}

async function serviceTasks(cluster: string, name: string, desiredStatus: 'RUNNING' | 'STOPPED'): Promise<Task[]> {
  const arns = (await ecs.send(new ListTasksCommand({ cluster, serviceName: name, desiredStatus }))).taskArns ?? [];
  if (arns.length === 0) return [];
  return (await ecs.send(new DescribeTasksCommand({ cluster, tasks: arns }))).tasks ?? [];
}

/** polls DescribeServices until `done` holds (or fails with the last answer) */
async function waitFor(cluster: string, name: string, what: string, done: (s: Service) => boolean, timeoutMs = 15 * rolloutMs() + 5000): Promise<Service> {
  const deadline = Date.now() + timeoutMs;
  let last = await service(cluster, name);
  while (!done(last)) {
    if (Date.now() > deadline) throw new Error(`${name}: ${what} not reached; deployments: ${JSON.stringify(last.deployments)}`);
    await sleep(100);
    last = await service(cluster, name);
  }
  return last;
}

const primary = (s: Service): Deployment => s.deployments!.find((d) => d.status === 'PRIMARY')!;

async function createRollingService(
  cluster: string,
  name: string,
  taskDefinition: string,
  deploymentConfiguration?: DeploymentConfiguration,
  desiredCount = 2,
): Promise<void> {
  await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
  await ecs.send(
    new CreateServiceCommand({
      cluster,
      serviceName: name,
      taskDefinition,
      desiredCount,
      launchType: 'FARGATE',
      networkConfiguration: networkConfiguration(),
      deploymentConfiguration,
    }),
  );
}

describe('rollouts (ECS API reference: Deployment, Task; extension "Rollouts")', () => {
  it('CreateService: one PRIMARY deployment IN_PROGRESS with PENDING tasks, then RUNNING tasks and COMPLETED', async () => {
    const td = await revision('public.ecr.aws/nginx/nginx:1.27');
    await createRollingService('roll-create', 'web', td);
    const first = await service('roll-create', 'web');
    expect(first.deployments).toHaveLength(1);
    expect(primary(first)).toMatchObject({ rolloutState: 'IN_PROGRESS', desiredCount: 2, runningCount: 0, pendingCount: 2 });
    expect(first.runningCount).toBe(0);
    expect(first.pendingCount).toBe(2);
    const pending = await serviceTasks('roll-create', 'web', 'RUNNING');
    expect(pending.map((t) => t.lastStatus)).toEqual(['PENDING', 'PENDING']);
    expect(pending.every((t) => t.group === 'service:web' && t.startedBy === primary(first).id && t.taskDefinitionArn === td)).toBe(true);

    const done = await waitFor('roll-create', 'web', 'COMPLETED', (s) => primary(s).rolloutState === 'COMPLETED');
    expect(done).toMatchObject({ runningCount: 2, pendingCount: 0 });
    expect(primary(done).rolloutStateReason).toBe(`ECS deployment ${primary(done).id} completed.`);
    expect(done.events!.map((e) => e.message)).toContain('(service web) has reached a steady state.');
    const running = await serviceTasks('roll-create', 'web', 'RUNNING');
    expect(running.map((t) => t.lastStatus)).toEqual(['RUNNING', 'RUNNING']);
    expect(running.every((t) => t.startedAt instanceof Date)).toBe(true);
  });

  it('UpdateService with a new revision: new PRIMARY IN_PROGRESS, old ACTIVE; old tasks STOPPING then STOPPED with a reason; the old deployment is gone at the end', async () => {
    const v1 = await revision('public.ecr.aws/nginx/nginx:1.27', 'roll-update');
    const v2 = await revision('public.ecr.aws/nginx/nginx:1.28', 'roll-update');
    await createRollingService('roll-update', 'web', v1);
    const before = await waitFor('roll-update', 'web', 'first rollout COMPLETED', (s) => primary(s).rolloutState === 'COMPLETED');
    const oldId = primary(before).id!;

    await ecs.send(new UpdateServiceCommand({ cluster: 'roll-update', service: 'web', taskDefinition: v2 }));
    const during = await service('roll-update', 'web');
    expect(during.deployments!.map((d) => [d.status, d.taskDefinition, d.rolloutState])).toEqual([
      ['PRIMARY', v2, 'IN_PROGRESS'],
      ['ACTIVE', v1, 'COMPLETED'],
    ]);
    expect(during.deployments![1]!.id).toBe(oldId);
    expect(during.runningCount).toBe(2); // the old tasks serve until the new ones run
    expect(during.pendingCount).toBe(2);

    const done = await waitFor('roll-update', 'web', 'second rollout COMPLETED', (s) => primary(s).rolloutState === 'COMPLETED');
    expect(done.deployments!.map((d) => d.taskDefinition)).toEqual([v2]);
    expect(done.taskDefinition).toBe(v2);
    const running = await serviceTasks('roll-update', 'web', 'RUNNING');
    expect(running.map((t) => [t.lastStatus, t.taskDefinitionArn])).toEqual([
      ['RUNNING', v2],
      ['RUNNING', v2],
    ]);
    // ListTasks: "The default status filter is RUNNING"
    const byDefault = (await ecs.send(new ListTasksCommand({ cluster: 'roll-update', serviceName: 'web' }))).taskArns ?? [];
    expect(byDefault.sort()).toEqual(running.map((t) => t.taskArn).sort());
    const stopped = await serviceTasks('roll-update', 'web', 'STOPPED');
    const old = stopped.filter((t) => t.taskDefinitionArn === v1);
    expect(old).toHaveLength(2);
    for (const t of old) {
      expect(t.lastStatus).toBe('STOPPED');
      expect(t.stopCode).toBe('ServiceSchedulerInitiated');
      expect(t.stoppedReason).toBe(`Scaling activity initiated by (deployment ${primary(done).id})`);
      expect(t.stoppedAt).toBeInstanceOf(Date);
    }
  });

  it('a desiredCount change scales the PRIMARY deployment: no new deployment, the extra task PENDING then RUNNING; scaling in stops tasks', async () => {
    const v1 = await revision('public.ecr.aws/nginx/nginx:1.27');
    await createRollingService('roll-scale', 'web', v1, undefined, 1);
    const before = await waitFor('roll-scale', 'web', 'COMPLETED', (s) => primary(s).rolloutState === 'COMPLETED');
    await ecs.send(new UpdateServiceCommand({ cluster: 'roll-scale', service: 'web', desiredCount: 3 }));
    const during = await service('roll-scale', 'web');
    expect(during.deployments!.map((d) => d.id)).toEqual([primary(before).id]);
    expect(during).toMatchObject({ desiredCount: 3, runningCount: 1, pendingCount: 2 });
    const scaled = await waitFor('roll-scale', 'web', '3 running', (s) => s.runningCount === 3);
    expect(scaled.pendingCount).toBe(0);
    await ecs.send(new UpdateServiceCommand({ cluster: 'roll-scale', service: 'web', desiredCount: 1 }));
    await waitFor('roll-scale', 'web', '1 running', (s) => s.runningCount === 1);
    const stopped = await serviceTasks('roll-scale', 'web', 'STOPPED');
    expect(stopped.map((t) => t.stopCode)).toEqual(['ServiceSchedulerInitiated', 'ServiceSchedulerInitiated']);
  });

  it('forceNewDeployment starts a new deployment of the same revision', async () => {
    const v1 = await revision('public.ecr.aws/nginx/nginx:1.27');
    await createRollingService('roll-force', 'web', v1, undefined, 1);
    const before = await waitFor('roll-force', 'web', 'COMPLETED', (s) => primary(s).rolloutState === 'COMPLETED');
    await ecs.send(new UpdateServiceCommand({ cluster: 'roll-force', service: 'web', forceNewDeployment: true }));
    const during = await service('roll-force', 'web');
    expect(during.deployments).toHaveLength(2);
    expect(primary(during)).toMatchObject({ rolloutState: 'IN_PROGRESS', taskDefinition: v1 });
    expect(primary(during).id).not.toBe(primary(before).id);
    await waitFor('roll-force', 'web', 'COMPLETED', (s) => s.deployments!.length === 1 && primary(s).rolloutState === 'COMPLETED');
  });
});

describe('-crashloop images and the deployment circuit breaker (DeploymentCircuitBreaker; extension "-crashloop")', () => {
  it('with rollback: tasks STOPPED (EssentialContainerExited), deployment FAILED, a rollback deployment of the previous revision completes', async () => {
    const good = await revision('public.ecr.aws/nginx/nginx:1.27', 'crash-rollback');
    const bad = await revision('public.ecr.aws/nginx/nginx:1.28-crashloop', 'crash-rollback');
    await createRollingService('crash-rollback', 'web', good, { deploymentCircuitBreaker: { enable: true, rollback: true } });
    const before = await waitFor('crash-rollback', 'web', 'COMPLETED', (s) => primary(s).rolloutState === 'COMPLETED');
    const goodId = primary(before).id!;

    await ecs.send(new UpdateServiceCommand({ cluster: 'crash-rollback', service: 'web', taskDefinition: bad }));
    const failedId = primary(await service('crash-rollback', 'web')).id!;
    const rolledBack = await waitFor(
      'crash-rollback',
      'web',
      'rollback COMPLETED',
      (s) => primary(s).rolloutState === 'COMPLETED' && primary(s).taskDefinition === good,
    );
    expect(rolledBack.taskDefinition).toBe(good);
    expect(primary(rolledBack).id).not.toBe(goodId);
    const events = rolledBack.events!.map((e) => e.message);
    expect(events).toContain(`(service web) (deployment ${failedId}) deployment failed: tasks failed to start.`);
    expect(events).toContain(`(service web) rolling back to deployment ${goodId}.`);
    const stopped = (await serviceTasks('crash-rollback', 'web', 'STOPPED')).filter((t) => t.taskDefinitionArn === bad);
    const exited = stopped.filter((t) => t.stopCode === 'EssentialContainerExited');
    expect(exited.length).toBeGreaterThanOrEqual(3); // the breaker's minimum threshold
    for (const t of exited) {
      expect(t.stoppedReason).toBe('Essential container in task exited');
      expect(t.lastStatus).toBe('STOPPED');
      expect(t.containers![0]!.exitCode).toBe(1);
    }
    expect((await serviceTasks('crash-rollback', 'web', 'RUNNING')).map((t) => [t.lastStatus, t.taskDefinitionArn])).toEqual([
      ['RUNNING', good],
      ['RUNNING', good],
    ]);
  });

  it("the FAILED deployment is reported with ECS's reason while the rollback runs", async () => {
    const good = await revision('public.ecr.aws/nginx/nginx:1.27', 'crash-observe');
    const bad = await revision('public.ecr.aws/nginx/nginx:1.28-crashloop', 'crash-observe');
    await createRollingService('crash-observe', 'web', good, { deploymentCircuitBreaker: { enable: true, rollback: true } });
    await waitFor('crash-observe', 'web', 'COMPLETED', (s) => primary(s).rolloutState === 'COMPLETED');
    await ecs.send(new UpdateServiceCommand({ cluster: 'crash-observe', service: 'web', taskDefinition: bad }));
    const seen = await waitFor('crash-observe', 'web', 'a FAILED deployment', (s) => s.deployments!.some((d) => d.rolloutState === 'FAILED'));
    const failed = seen.deployments!.find((d) => d.rolloutState === 'FAILED')!;
    expect(failed).toMatchObject({ taskDefinition: bad, rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.', runningCount: 0 });
    expect(failed.failedTasks).toBeGreaterThanOrEqual(3);
    expect(primary(seen)).toMatchObject({ taskDefinition: good });
    expect(primary(seen).rolloutStateReason).toMatch(/^ECS deployment circuit breaker: rolling back to deploymentId ecs-svc\/\d+\.$/);
  });

  it('without rollback: FAILED and stays FAILED; the service keeps the failing revision and the old tasks', async () => {
    const good = await revision('public.ecr.aws/nginx/nginx:1.27', 'crash-norollback');
    const bad = await revision('public.ecr.aws/nginx/nginx:1.28-crashloop', 'crash-norollback');
    await createRollingService('crash-norollback', 'web', good, { deploymentCircuitBreaker: { enable: true, rollback: false } });
    await waitFor('crash-norollback', 'web', 'COMPLETED', (s) => primary(s).rolloutState === 'COMPLETED');
    await ecs.send(new UpdateServiceCommand({ cluster: 'crash-norollback', service: 'web', taskDefinition: bad }));
    await waitFor('crash-norollback', 'web', 'FAILED', (s) => primary(s).rolloutState === 'FAILED');
    await sleep(2 * rolloutMs());
    const later = await service('crash-norollback', 'web');
    expect(primary(later)).toMatchObject({
      rolloutState: 'FAILED',
      taskDefinition: bad,
      rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.',
    });
    expect(later.taskDefinition).toBe(bad);
    expect(later.deployments!.find((d) => d.status === 'ACTIVE')).toMatchObject({ taskDefinition: good, runningCount: 2 });
    // a FAILED deployment launches no new tasks
    expect((await serviceTasks('crash-norollback', 'web', 'RUNNING')).every((t) => t.taskDefinitionArn === good)).toBe(true);
  });

  it('without the circuit breaker: stays IN_PROGRESS and ECS keeps replacing the tasks that exit', async () => {
    const good = await revision('public.ecr.aws/nginx/nginx:1.27', 'crash-nobreaker');
    const bad = await revision('public.ecr.aws/nginx/nginx:1.28-crashloop', 'crash-nobreaker');
    await createRollingService('crash-nobreaker', 'web', good, undefined, 1);
    await waitFor('crash-nobreaker', 'web', 'COMPLETED', (s) => primary(s).rolloutState === 'COMPLETED');
    await ecs.send(new UpdateServiceCommand({ cluster: 'crash-nobreaker', service: 'web', taskDefinition: bad }));
    await sleep(3 * rolloutMs());
    const later = await service('crash-nobreaker', 'web');
    expect(primary(later)).toMatchObject({ rolloutState: 'IN_PROGRESS', taskDefinition: bad });
    expect(primary(later).failedTasks).toBeGreaterThanOrEqual(4);
    expect(later.deployments!.find((d) => d.status === 'ACTIVE')).toMatchObject({ taskDefinition: good, runningCount: 1 });
    const pending = (await serviceTasks('crash-nobreaker', 'web', 'RUNNING')).filter((t) => t.taskDefinitionArn === bad);
    expect(pending.map((t) => t.lastStatus)).toEqual(['PENDING']);
  });
});

describe('CODE_DEPLOY services and CodeDeploy ECS deployments (extensions "UpdateService refuses ..." and "CodeDeploy ECS deployments")', () => {
  async function codeDeployService(cluster: string, v1: string): Promise<void> {
    await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
    await ecs.send(
      new CreateServiceCommand({
        cluster,
        serviceName: 'web',
        taskDefinition: v1,
        desiredCount: 1,
        launchType: 'FARGATE',
        networkConfiguration: networkConfiguration(),
        deploymentController: { type: 'CODE_DEPLOY' },
        loadBalancers: [{ targetGroupArn: emulatorVar('BLUE_TARGET_GROUP_ARN'), containerName: 'app', containerPort: 80 }],
      }),
    );
    await codeDeploy.send(new CreateApplicationCommand({ applicationName: cluster, computePlatform: 'ECS' }));
    await codeDeploy.send(
      new CreateDeploymentGroupCommand({
        applicationName: cluster,
        deploymentGroupName: 'web',
        serviceRoleArn: emulatorVar('ECS_LOAD_BALANCER_ROLE_ARN'),
        deploymentConfigName: 'CodeDeployDefault.ECSAllAtOnce',
        deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
        blueGreenDeploymentConfiguration: {
          terminateBlueInstancesOnDeploymentSuccess: { action: 'TERMINATE', terminationWaitTimeInMinutes: 0 },
          deploymentReadyOption: { actionOnTimeout: 'CONTINUE_DEPLOYMENT' },
        },
        ecsServices: [{ clusterName: cluster, serviceName: 'web' }],
        loadBalancerInfo: {
          targetGroupPairInfoList: [
            {
              targetGroups: [{ name: 'ecs-reconciler-blue' }, { name: 'ecs-reconciler-green' }],
              prodTrafficRoute: { listenerArns: [emulatorVar('PRODUCTION_LISTENER_ARN')] },
              testTrafficRoute: { listenerArns: [emulatorVar('TEST_LISTENER_ARN')] },
            },
          ],
        },
      }),
    );
  }

  const appSpec = (taskDefinition: string) =>
    JSON.stringify({
      version: 0.0,
      Resources: [
        {
          TargetService: {
            Type: 'AWS::ECS::Service',
            Properties: { TaskDefinition: taskDefinition, LoadBalancerInfo: { ContainerName: 'app', ContainerPort: 80 } },
          },
        },
      ],
    });

  async function deploy(
    application: string,
    taskDefinition: string,
    yaml = false,
    content = yaml
      ? `version: 0.0\nResources:\n  - TargetService:\n      Type: AWS::ECS::Service\n      Properties:\n        TaskDefinition: "${taskDefinition}"\n        LoadBalancerInfo:\n          ContainerName: app\n          ContainerPort: 80\n`
      : appSpec(taskDefinition),
  ): Promise<string> {
    const out = await codeDeploy.send(
      new CreateDeploymentCommand({
        applicationName: application,
        deploymentGroupName: 'web',
        revision: { revisionType: 'AppSpecContent', appSpecContent: { content } },
      }),
    );
    return out.deploymentId!;
  }

  async function waitForDeployment(id: string): Promise<{ status?: string; errorInformation?: { code?: string; message?: string } }> {
    const deadline = Date.now() + 10 * rolloutMs() + 5000;
    for (;;) {
      const info = (await codeDeploy.send(new GetDeploymentCommand({ deploymentId: id }))).deploymentInfo!;
      if (info.status === 'Succeeded' || info.status === 'Failed' || info.status === 'Stopped') return info;
      if (Date.now() > deadline) throw new Error(`deployment ${id} still ${info.status}`);
      await sleep(100);
    }
  }

  it("UpdateService with a taskDefinition is refused with ECS's error; desiredCount still updates", async () => {
    const v1 = await revision('public.ecr.aws/nginx/nginx:1.27', 'cd-refuse');
    const v2 = await revision('public.ecr.aws/nginx/nginx:1.28', 'cd-refuse');
    await codeDeployService('cd-refuse', v1);
    const err = await ecs.send(new UpdateServiceCommand({ cluster: 'cd-refuse', service: 'web', taskDefinition: v2 })).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.name).toBe('InvalidParameterException');
    expect(err?.message).toBe(
      'Unable to update task definition on services with a CODE_DEPLOY deployment controller. Use AWS CodeDeploy to trigger a new deployment.',
    );
    expect((await service('cd-refuse', 'web')).taskDefinition).toBe(v1);
    // the revision the service already runs too (CloudFormation's unchanged TaskDefinition is refused)
    const same = await ecs.send(new UpdateServiceCommand({ cluster: 'cd-refuse', service: 'web', taskDefinition: v1, desiredCount: 2 })).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(same?.name).toBe('InvalidParameterException');
    // and the network configuration, unchanged or not
    const current = (await service('cd-refuse', 'web')).networkConfiguration!;
    const network = await ecs.send(new UpdateServiceCommand({ cluster: 'cd-refuse', service: 'web', networkConfiguration: current, desiredCount: 2 })).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(network?.name).toBe('InvalidParameterException');
    expect(network?.message).toBe(
      'Unable to update network parameters on services with a CODE_DEPLOY deployment controller. Use AWS CodeDeploy to trigger a new deployment.',
    );
    expect((await service('cd-refuse', 'web')).desiredCount).toBe(1);
    const scaled = await ecs.send(new UpdateServiceCommand({ cluster: 'cd-refuse', service: 'web', desiredCount: 2 }));
    expect(scaled.service!.desiredCount).toBe(2);
  });

  it('a CODE_DEPLOY service runs a PRIMARY task set; a CodeDeploy deployment adds a replacement task set and Succeeds, and the service then runs the new revision', async () => {
    const v1 = await revision('public.ecr.aws/nginx/nginx:1.27', 'cd-ok');
    const v2 = await revision('public.ecr.aws/nginx/nginx:1.28', 'cd-ok');
    await codeDeployService('cd-ok', v1);
    const created = await service('cd-ok', 'web');
    expect(created.taskSets!.map((t) => [t.status, t.taskDefinition])).toEqual([['PRIMARY', v1]]);

    const id = await deploy('cd-ok', v2, true);
    // CodeDeploy's id shape (API reference, ContinueDeployment sample: "d-7S8EXAMPL"), not moto's UUID
    expect(id).toMatch(/^d-[A-Z0-9]{9}$/);
    const during = await service('cd-ok', 'web');
    expect(during.taskSets!.map((t) => [t.status, t.taskDefinition])).toEqual([
      ['PRIMARY', v1],
      ['ACTIVE', v2],
    ]);
    const inProgress = (await codeDeploy.send(new GetDeploymentCommand({ deploymentId: id }))).deploymentInfo!;
    expect(inProgress.status).toBe('InProgress');
    // GetDeployment never returns the AppSpec content, only its sha256
    expect(inProgress.revision?.appSpecContent?.content).toBeUndefined();
    expect(inProgress.revision?.appSpecContent?.sha256).toMatch(/^[0-9a-f]{64}$/);

    const info = await waitForDeployment(id);
    expect(info.status).toBe('Succeeded');
    const after = await service('cd-ok', 'web');
    expect(after.taskDefinition).toBe(v2);
    expect(after.taskSets!.map((t) => [t.status, t.taskDefinition, t.runningCount, t.stabilityStatus])).toEqual([['PRIMARY', v2, 1, 'STEADY_STATE']]);
    expect((await serviceTasks('cd-ok', 'web', 'RUNNING')).map((t) => [t.lastStatus, t.taskDefinitionArn])).toEqual([['RUNNING', v2]]);
  });

  // the AppSpec's NetworkConfiguration (CodeDeploy AppSpec reference, "AppSpec 'resources' section for Amazon ECS deployments")
  const networkAppSpec = (taskDefinition: string) =>
    JSON.stringify({
      version: 0.0,
      Resources: [
        {
          TargetService: {
            Type: 'AWS::ECS::Service',
            Properties: {
              TaskDefinition: taskDefinition,
              LoadBalancerInfo: { ContainerName: 'app', ContainerPort: 80 },
              NetworkConfiguration: {
                AwsvpcConfiguration: { Subnets: [emulatorVar('SUBNET_B')], SecurityGroups: [emulatorVar('SECURITY_GROUP')], AssignPublicIp: 'ENABLED' },
              },
            },
          },
        },
      ],
    });
  const newNetwork = () => ({
    awsvpcConfiguration: { subnets: [emulatorVar('SUBNET_B')], securityGroups: [emulatorVar('SECURITY_GROUP')], assignPublicIp: 'ENABLED' },
  });

  it('the AppSpec\'s NetworkConfiguration: the replacement task set runs with it, and it is the service\'s once the deployment Succeeds (extension part "CODE_DEPLOY NETWORK")', async () => {
    const v1 = await revision('public.ecr.aws/nginx/nginx:1.27', 'cd-net');
    await codeDeployService('cd-net', v1);
    const before = (await service('cd-net', 'web')).networkConfiguration;
    expect(before?.awsvpcConfiguration?.subnets).toEqual([emulatorVar('SUBNET_A')]);
    // the same revision, a new network: what a network-only change deploys; held under way
    // until the task sets are read, however loaded the machine (the test hook, test_hooks.py)
    await holdRollouts({ cluster: 'cd-net', service: 'web' });
    let id: string;
    try {
      id = await deploy('cd-net', v1, false, networkAppSpec(v1));
      const during = await service('cd-net', 'web');
      expect(during.networkConfiguration).toEqual(before);
      expect(during.taskSets!.map((t) => [t.status, t.networkConfiguration?.awsvpcConfiguration?.subnets])).toEqual([
        ['PRIMARY', [emulatorVar('SUBNET_A')]],
        ['ACTIVE', [emulatorVar('SUBNET_B')]],
      ]);
    } finally {
      await releaseRollouts();
    }
    expect((await waitForDeployment(id)).status).toBe('Succeeded');
    const after = await service('cd-net', 'web');
    expect(after.networkConfiguration).toEqual(newNetwork());
    expect(after.taskDefinition).toBe(v1);
  });

  it('a failed CodeDeploy deployment leaves the network configuration as it was', async () => {
    const v1 = await revision('public.ecr.aws/nginx/nginx:1.27', 'cd-net-crash');
    const bad = await revision('public.ecr.aws/nginx/nginx:1.28-crashloop', 'cd-net-crash');
    await codeDeployService('cd-net-crash', v1);
    const before = (await service('cd-net-crash', 'web')).networkConfiguration;
    expect((await waitForDeployment(await deploy('cd-net-crash', bad, false, networkAppSpec(bad)))).status).toBe('Failed');
    expect((await service('cd-net-crash', 'web')).networkConfiguration).toEqual(before);
  });

  it('an AppSpec NetworkConfiguration without Subnets is an invalid revision', async () => {
    const v1 = await revision('public.ecr.aws/nginx/nginx:1.27', 'cd-net-bad');
    await codeDeployService('cd-net-bad', v1);
    const content = networkAppSpec(v1).replace(/"Subnets":\[[^\]]*\],/, '');
    const err = await deploy('cd-net-bad', v1, false, content).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.name).toBe('InvalidRevisionException');
  });

  it('a -crashloop revision: the CodeDeploy deployment Fails and the service keeps the old revision', async () => {
    const v1 = await revision('public.ecr.aws/nginx/nginx:1.27', 'cd-crash');
    const bad = await revision('public.ecr.aws/nginx/nginx:1.28-crashloop', 'cd-crash');
    await codeDeployService('cd-crash', v1);
    const info = await waitForDeployment(await deploy('cd-crash', bad));
    expect(info.status).toBe('Failed');
    expect(info.errorInformation?.code).toBe('ECS_UPDATE_ERROR');
    const after = await service('cd-crash', 'web');
    expect(after.taskDefinition).toBe(v1);
    expect(after.taskSets!.map((t) => [t.status, t.taskDefinition])).toEqual([['PRIMARY', v1]]);
  });
});

describe('ECS-native blue/green, linear and canary fields (DeploymentConfiguration, AdvancedConfiguration)', () => {
  it('strategy defaults to ROLLING on DescribeServices', async () => {
    await createRollingService('bg-default', 'web', await revision('public.ecr.aws/nginx/nginx:1.27'), undefined, 0);
    expect((await service('bg-default', 'web')).deploymentConfiguration?.strategy).toBe('ROLLING');
  });

  it("BLUE_GREEN with bake time, lifecycle hooks and the load balancer's advancedConfiguration is kept as given and returned", async () => {
    const td = await revision('public.ecr.aws/nginx/nginx:1.27');
    await ecs.send(new CreateClusterCommand({ clusterName: 'bg-native' }));
    const deploymentConfiguration: DeploymentConfiguration = {
      strategy: 'BLUE_GREEN',
      bakeTimeInMinutes: 5,
      maximumPercent: 200,
      minimumHealthyPercent: 100,
      lifecycleHooks: [
        {
          hookTargetArn: 'arn:aws:lambda:us-east-1:123456789012:function:smoke',
          roleArn: emulatorVar('ECS_LOAD_BALANCER_ROLE_ARN'),
          lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'],
        },
      ],
    };
    const advancedConfiguration = {
      alternateTargetGroupArn: emulatorVar('GREEN_TARGET_GROUP_ARN'),
      productionListenerRule: emulatorVar('PRODUCTION_LISTENER_RULE_ARN'),
      testListenerRule: emulatorVar('TEST_LISTENER_RULE_ARN'),
      roleArn: emulatorVar('ECS_LOAD_BALANCER_ROLE_ARN'),
    };
    await ecs.send(
      new CreateServiceCommand({
        cluster: 'bg-native',
        serviceName: 'web',
        taskDefinition: td,
        desiredCount: 1,
        launchType: 'FARGATE',
        networkConfiguration: networkConfiguration(),
        deploymentConfiguration,
        loadBalancers: [{ targetGroupArn: emulatorVar('BLUE_TARGET_GROUP_ARN'), containerName: 'app', containerPort: 80, advancedConfiguration }],
      }),
    );
    const svc = await service('bg-native', 'web');
    expect(svc.deploymentConfiguration).toMatchObject(deploymentConfiguration);
    expect(svc.loadBalancers).toEqual([
      { targetGroupArn: emulatorVar('BLUE_TARGET_GROUP_ARN'), containerName: 'app', containerPort: 80, advancedConfiguration },
    ]);
    // an UpdateService that does not name the strategy keeps it
    await ecs.send(
      new UpdateServiceCommand({
        cluster: 'bg-native',
        service: 'web',
        deploymentConfiguration: { bakeTimeInMinutes: 2, lifecycleHooks: deploymentConfiguration.lifecycleHooks },
      }),
    );
    expect((await service('bg-native', 'web')).deploymentConfiguration).toMatchObject({ strategy: 'BLUE_GREEN', bakeTimeInMinutes: 2 });
  });

  it('BLUE_GREEN refuses a load balancer without advancedConfiguration and needs bakeTimeInMinutes; LINEAR needs linearConfiguration', async () => {
    const td = await revision('public.ecr.aws/nginx/nginx:1.27');
    await ecs.send(new CreateClusterCommand({ clusterName: 'bg-invalid' }));
    const base = { cluster: 'bg-invalid', taskDefinition: td, desiredCount: 1, launchType: 'FARGATE' as const, networkConfiguration: networkConfiguration() };
    const noAdvanced = await ecs
      .send(
        new CreateServiceCommand({
          ...base,
          serviceName: 'a',
          deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 1 },
          loadBalancers: [{ targetGroupArn: emulatorVar('BLUE_TARGET_GROUP_ARN'), containerName: 'app', containerPort: 80 }],
        }),
      )
      .then(
        () => undefined,
        (e: Error) => e,
      );
    expect(noAdvanced?.name).toBe('InvalidParameterException');
    expect(noAdvanced?.message).toMatch(/advancedConfiguration/);
    const noBakeTime = await ecs.send(new CreateServiceCommand({ ...base, serviceName: 'c', deploymentConfiguration: { strategy: 'BLUE_GREEN' } })).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(noBakeTime?.name).toBe('InvalidParameterException');
    expect(noBakeTime?.message).toMatch(/bakeTimeInMinutes/);
    const noLinear = await ecs.send(new CreateServiceCommand({ ...base, serviceName: 'b', deploymentConfiguration: { strategy: 'LINEAR' } })).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(noLinear?.name).toBe('InvalidParameterException');
    expect(noLinear?.message).toMatch(/linearConfiguration/);
  });
});

describe('the blue/green load balancing scripts/emulator creates at start-up', () => {
  it('two target groups, production and test listener rules forwarding to them, and a role for ECS, in the env file', async () => {
    const elbv2 = new ElasticLoadBalancingV2Client(sdkClientConfig());
    const blue = emulatorVar('BLUE_TARGET_GROUP_ARN');
    const green = emulatorVar('GREEN_TARGET_GROUP_ARN');
    const groups = (await elbv2.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [blue, green] }))).TargetGroups!;
    expect(groups.map((g) => [g.TargetGroupName, g.TargetType, g.VpcId])).toEqual([
      ['ecs-reconciler-blue', 'ip', emulatorVar('VPC_ID')],
      ['ecs-reconciler-green', 'ip', emulatorVar('VPC_ID')],
    ]);
    const rules = (
      await elbv2.send(new DescribeRulesCommand({ RuleArns: [emulatorVar('PRODUCTION_LISTENER_RULE_ARN'), emulatorVar('TEST_LISTENER_RULE_ARN')] }))
    ).Rules!;
    const weights = rules.map((r) => Object.fromEntries(r.Actions![0]!.ForwardConfig!.TargetGroups!.map((t) => [t.TargetGroupArn, t.Weight])));
    expect(weights).toEqual([
      { [blue]: 100, [green]: 0 },
      { [blue]: 0, [green]: 100 },
    ]);
    expect(emulatorVar('ECS_LOAD_BALANCER_ROLE_ARN')).toMatch(/^arn:aws:iam::\d{12}:role\//);
  });
});
