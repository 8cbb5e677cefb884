// Tests of the local ECS emulator itself (scripts/emulator + scripts/emulator_ext/):
// its network, its reset, and each extension that closes a gap between moto 5.2.5 and
// the behaviour the ECS API reference documents. Every test marked [extension] fails
// against plain moto: run `ECS_EMULATOR_NO_EXTENSIONS=1 npx vitest run --project
// integration test/integration/emulator.test.ts` to see them fail.
import { ApplicationAutoScalingClient, DescribeScalableTargetsCommand, RegisterScalableTargetCommand } from '@aws-sdk/client-application-auto-scaling';
import { CreateTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  type CreateServiceCommandInput,
  DeleteServiceCommand,
  DeregisterTaskDefinitionCommand,
  DescribeClustersCommand,
  type DescribeClustersCommandOutput,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  ListClustersCommand,
  ListServicesCommand,
  ListTagsForResourceCommand,
  ListTaskDefinitionFamiliesCommand,
  ListTaskDefinitionsCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorEnv, emulatorVar, resetEmulator, sdkClientConfig } from './emulator-helpers.js';

const ecs = new ECSClient(sdkClientConfig());
const CLUSTER = 'emulator-test';
let taskDefArn = '';

afterAll(() => ecs.destroy());

async function registerWeb(family = 'web', image = 'nginx:1'): Promise<string> {
  const out = await ecs.send(
    new RegisterTaskDefinitionCommand({
      family,
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: '256',
      memory: '512',
      containerDefinitions: [{ name: 'app', image, portMappings: [{ containerPort: 80 }] }],
    }),
  );
  return out.taskDefinition!.taskDefinitionArn!;
}

function fargateService(name: string, extra: Partial<CreateServiceCommandInput> = {}): CreateServiceCommandInput {
  return {
    cluster: CLUSTER,
    serviceName: name,
    taskDefinition: taskDefArn,
    desiredCount: 1,
    launchType: 'FARGATE',
    networkConfiguration: {
      awsvpcConfiguration: { subnets: [emulatorVar('SUBNET_A'), emulatorVar('SUBNET_B')], securityGroups: [emulatorVar('SECURITY_GROUP')] },
    },
    ...extra,
  };
}

async function describeOne(name: string) {
  const out = await ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: [name], include: ['TAGS'] }));
  expect(out.failures ?? []).toEqual([]);
  return out.services![0]!;
}

beforeAll(async () => {
  await ecs.send(
    new CreateClusterCommand({ clusterName: CLUSTER, capacityProviders: ['FARGATE', 'FARGATE_SPOT'], tags: [{ key: 'team', value: 'platform' }] }),
  );
  taskDefArn = await registerWeb();
});

describe('the emulator and its network', () => {
  it('provides an endpoint on 127.0.0.1 and the network ids in the env file', () => {
    const env = emulatorEnv();
    expect(env.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(env.vars.ECS_ENDPOINT).toBe(env.endpoint);
    expect(env.vars.AWS_REGION).toBe(env.region);
    expect(env.vars.SUBNET_A).toMatch(/^subnet-/);
    expect(env.vars.SUBNET_B).toMatch(/^subnet-/);
    expect(env.vars.SECURITY_GROUP).toMatch(/^sg-/);
    expect(env.vars.VPC_ID).toMatch(/^vpc-/);
    expect(env.vars.TARGET_GROUP_ARN).toMatch(/^arn:aws:elasticloadbalancing:[a-z0-9-]+:\d+:targetgroup\//);
  });

  it('accepts a Fargate service on its subnets, security group and target group (and rejects an unknown subnet)', async () => {
    const svc = await ecs.send(
      new CreateServiceCommand(
        fargateService('net-check', {
          loadBalancers: [{ targetGroupArn: emulatorVar('TARGET_GROUP_ARN'), containerName: 'app', containerPort: 80 }],
        }),
      ),
    );
    expect(svc.service!.loadBalancers![0]!.targetGroupArn).toBe(emulatorVar('TARGET_GROUP_ARN'));
    await expect(
      ecs.send(
        new CreateServiceCommand({
          ...fargateService('bad-subnet'),
          networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-00000000000000000'] } },
        }),
      ),
    ).rejects.toThrow(/subnet-00000000000000000/);
  });

  it('reset empties ECS, Application Auto Scaling and DynamoDB but keeps the network', async () => {
    const aas = new ApplicationAutoScalingClient(sdkClientConfig());
    const ddb = new DynamoDBClient(sdkClientConfig());
    try {
      await ecs.send(new CreateServiceCommand(fargateService('to-be-reset')));
      await aas.send(
        new RegisterScalableTargetCommand({
          ServiceNamespace: 'ecs',
          ResourceId: `service/${CLUSTER}/to-be-reset`,
          ScalableDimension: 'ecs:service:DesiredCount',
          MinCapacity: 1,
          MaxCapacity: 4,
        }),
      );
      await ddb.send(
        new CreateTableCommand({
          TableName: 'locks',
          AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );

      await resetEmulator();

      expect((await ecs.send(new ListClustersCommand({}))).clusterArns).toEqual([]);
      expect((await ecs.send(new ListTaskDefinitionsCommand({}))).taskDefinitionArns).toEqual([]);
      expect((await aas.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs' }))).ScalableTargets).toEqual([]);
      expect((await ddb.send(new ListTablesCommand({}))).TableNames).toEqual([]);

      // the network survived: a service on the same subnets / security group is accepted
      await ecs.send(new CreateClusterCommand({ clusterName: CLUSTER, capacityProviders: ['FARGATE', 'FARGATE_SPOT'] }));
      taskDefArn = await registerWeb();
      const again = await ecs.send(new CreateServiceCommand(fargateService('after-reset')));
      expect(again.service!.networkConfiguration!.awsvpcConfiguration!.subnets).toEqual([emulatorVar('SUBNET_A'), emulatorVar('SUBNET_B')]);
    } finally {
      aas.destroy();
      ddb.destroy();
    }
  });
});

describe('[extension] CreateService keeps what ECS keeps', () => {
  it('DescribeServices returns the deploymentConfiguration given to CreateService', async () => {
    const deploymentConfiguration = {
      maximumPercent: 150,
      minimumHealthyPercent: 50,
      deploymentCircuitBreaker: { enable: true, rollback: true },
    };
    await ecs.send(new CreateServiceCommand(fargateService('dc', { deploymentConfiguration })));
    // strategy: "ROLLING" is ECS's default (DeploymentConfiguration.strategy), returned when not given
    expect((await describeOne('dc')).deploymentConfiguration).toEqual({ ...deploymentConfiguration, strategy: 'ROLLING' });
  });

  it('DescribeServices returns the documented deploymentConfiguration defaults when none is given', async () => {
    await ecs.send(new CreateServiceCommand(fargateService('dc-default')));
    expect((await describeOne('dc-default')).deploymentConfiguration).toEqual({
      maximumPercent: 200,
      minimumHealthyPercent: 100,
      deploymentCircuitBreaker: { enable: false, rollback: false },
      strategy: 'ROLLING',
    });
  });

  it('DescribeServices returns the capacityProviderStrategy given, and then no launchType', async () => {
    const capacityProviderStrategy = [
      { capacityProvider: 'FARGATE', weight: 1, base: 1 },
      { capacityProvider: 'FARGATE_SPOT', weight: 3, base: 0 },
    ];
    const input = fargateService('cps', { capacityProviderStrategy });
    delete input.launchType;
    await ecs.send(new CreateServiceCommand(input));
    const svc = await describeOne('cps');
    expect(svc.capacityProviderStrategy).toEqual(capacityProviderStrategy);
    expect(svc.launchType).toBeUndefined();
    expect(svc.deployments![0]!.capacityProviderStrategy).toEqual(capacityProviderStrategy);
  });

  it("uses the cluster's defaultCapacityProviderStrategy when neither launchType nor capacityProviderStrategy is given", async () => {
    const defaultCapacityProviderStrategy = [{ capacityProvider: 'FARGATE_SPOT', weight: 1, base: 0 }];
    await ecs.send(
      new CreateClusterCommand({ clusterName: 'with-default-cps', capacityProviders: ['FARGATE', 'FARGATE_SPOT'], defaultCapacityProviderStrategy }),
    );
    const input = { ...fargateService('uses-default'), cluster: 'with-default-cps' };
    delete input.launchType;
    const svc = (await ecs.send(new CreateServiceCommand(input))).service!;
    expect(svc.capacityProviderStrategy).toEqual(defaultCapacityProviderStrategy);
    expect(svc.launchType).toBeUndefined();
  });

  it('DescribeServices returns healthCheckGracePeriodSeconds, enableExecuteCommand, enableECSManagedTags, propagateTags, platformVersion, availabilityZoneRebalancing, createdAt', async () => {
    await ecs.send(
      new CreateServiceCommand(
        fargateService('flags', {
          loadBalancers: [{ targetGroupArn: emulatorVar('TARGET_GROUP_ARN'), containerName: 'app', containerPort: 80 }],
          healthCheckGracePeriodSeconds: 45,
          enableExecuteCommand: true,
          enableECSManagedTags: true,
          propagateTags: 'SERVICE',
          platformVersion: '1.4.0',
          availabilityZoneRebalancing: 'DISABLED',
        }),
      ),
    );
    const svc = await describeOne('flags');
    expect(svc).toMatchObject({
      healthCheckGracePeriodSeconds: 45,
      enableExecuteCommand: true,
      enableECSManagedTags: true,
      propagateTags: 'SERVICE',
      platformVersion: '1.4.0',
      availabilityZoneRebalancing: 'DISABLED',
    });
    expect(svc.createdAt).toBeInstanceOf(Date);
  });

  it('DescribeServices returns the documented defaults: enableExecuteCommand false, platformVersion LATEST, assignPublicIp DISABLED, AZ rebalancing ENABLED', async () => {
    await ecs.send(new CreateServiceCommand(fargateService('defaults')));
    const svc = await describeOne('defaults');
    expect(svc).toMatchObject({
      enableExecuteCommand: false,
      enableECSManagedTags: false,
      propagateTags: 'NONE',
      platformVersion: 'LATEST',
      availabilityZoneRebalancing: 'ENABLED',
      placementConstraints: [],
      placementStrategy: [],
      schedulingStrategy: 'REPLICA',
      deploymentController: { type: 'ECS' },
    });
    expect(svc.networkConfiguration!.awsvpcConfiguration!.assignPublicIp).toBe('DISABLED');
  });

  it('DescribeServices returns placementConstraints and placementStrategy (EC2 launch type)', async () => {
    const placementConstraints = [{ type: 'distinctInstance' as const }];
    const placementStrategy = [
      { type: 'spread' as const, field: 'attribute:ecs.availability-zone' },
      { type: 'binpack' as const, field: 'memory' },
    ];
    await ecs.send(new CreateServiceCommand(fargateService('placed', { launchType: 'EC2', placementConstraints, placementStrategy })));
    const svc = await describeOne('placed');
    expect(svc.placementConstraints).toEqual(placementConstraints);
    expect(svc.placementStrategy).toEqual(placementStrategy);
  });

  it('the deployment carries the serviceConnectConfiguration given to CreateService', async () => {
    const serviceConnectConfiguration = {
      enabled: true,
      namespace: 'internal',
      services: [{ portName: 'http', clientAliases: [{ port: 80, dnsName: 'web' }] }],
    };
    await ecs.send(new CreateServiceCommand(fargateService('sc', { serviceConnectConfiguration })));
    const svc = await describeOne('sc');
    expect(svc.deployments![0]!.serviceConnectConfiguration).toEqual(serviceConnectConfiguration);
  });

  it('CreateService on a name that is already ACTIVE fails: "Creation of service was not idempotent."', async () => {
    await ecs.send(new CreateServiceCommand(fargateService('twice')));
    await expect(ecs.send(new CreateServiceCommand(fargateService('twice', { desiredCount: 5 })))).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: expect.stringMatching(/not idempotent/),
    });
    expect((await describeOne('twice')).desiredCount).toBe(1);
  });
});

describe('[extension] UpdateService', () => {
  it('resolves "family:revision" to the task definition ARN, on the service and its PRIMARY deployment', async () => {
    await ecs.send(new CreateServiceCommand(fargateService('upd', { desiredCount: 2 })));
    const rev2 = await registerWeb('web', 'nginx:2');
    const family = rev2.split('/').pop()!; // "web:N"
    await ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'upd', taskDefinition: family, desiredCount: 3 }));
    const svc = await describeOne('upd');
    expect(svc.taskDefinition).toBe(rev2);
    expect(svc.desiredCount).toBe(3);
    const primary = svc.deployments!.find((d) => d.status === 'PRIMARY')!;
    expect(primary.taskDefinition).toBe(rev2);
    expect(primary.desiredCount).toBe(3);
  });

  it('keeps the deploymentConfiguration and capacityProviderStrategy it is given (launch type replaced)', async () => {
    await ecs.send(new CreateServiceCommand(fargateService('upd2')));
    const capacityProviderStrategy = [{ capacityProvider: 'FARGATE_SPOT', weight: 1, base: 0 }];
    await ecs.send(
      new UpdateServiceCommand({
        cluster: CLUSTER,
        service: 'upd2',
        deploymentConfiguration: { maximumPercent: 300, minimumHealthyPercent: 0 },
        capacityProviderStrategy,
        forceNewDeployment: true,
      }),
    );
    const svc = await describeOne('upd2');
    expect(svc.deploymentConfiguration).toEqual({
      maximumPercent: 300,
      minimumHealthyPercent: 0,
      deploymentCircuitBreaker: { enable: false, rollback: false },
      strategy: 'ROLLING',
    });
    expect(svc.capacityProviderStrategy).toEqual(capacityProviderStrategy);
    expect(svc.launchType).toBeUndefined();
  });
});

describe('[extension] pagination and listing', () => {
  it('ListServices pages through 25 services with maxResults 10 (10 + 10 + 5), and defaults to pages of 10', async () => {
    const cluster = 'paged';
    await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
    const names = Array.from({ length: 25 }, (_, i) => `svc-${String(i).padStart(2, '0')}`);
    for (const name of names) {
      await ecs.send(new CreateServiceCommand({ ...fargateService(name), cluster, desiredCount: 0 }));
    }
    const sizes: number[] = [];
    const arns: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await ecs.send(new ListServicesCommand({ cluster, maxResults: 10, nextToken }));
      sizes.push(page.serviceArns!.length);
      arns.push(...page.serviceArns!);
      nextToken = page.nextToken;
    } while (nextToken);
    expect(sizes).toEqual([10, 10, 5]);
    expect(arns.map((a) => a.split('/').pop()).sort()).toEqual(names);

    const first = await ecs.send(new ListServicesCommand({ cluster }));
    expect(first.serviceArns).toHaveLength(10);
    expect(first.nextToken).toBeTruthy();
  });

  it('ListServices does not list a deleted service (DescribeServices still shows it INACTIVE)', async () => {
    await ecs.send(new CreateServiceCommand(fargateService('gone', { desiredCount: 0 })));
    await ecs.send(new DeleteServiceCommand({ cluster: CLUSTER, service: 'gone' }));
    const listed = await ecs.send(new ListServicesCommand({ cluster: CLUSTER, maxResults: 100 }));
    expect(listed.serviceArns!.some((a) => a.endsWith('/gone'))).toBe(false);
    expect((await describeOne('gone')).status).toBe('INACTIVE');
  });

  it('ListTaskDefinitions pages through 25 revisions with maxResults 10, sorted by family and revision (ASC and DESC)', async () => {
    for (let i = 0; i < 25; i++) await registerWeb('paged-td', `nginx:${i}`);
    const arns: string[] = [];
    const sizes: number[] = [];
    let nextToken: string | undefined;
    do {
      const page = await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: 'paged-td', maxResults: 10, nextToken }));
      sizes.push(page.taskDefinitionArns!.length);
      arns.push(...page.taskDefinitionArns!);
      nextToken = page.nextToken;
    } while (nextToken);
    expect(sizes).toEqual([10, 10, 5]);
    expect(arns.map((a) => Number(a.split(':').pop()))).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    const desc = await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: 'paged-td', sort: 'DESC', maxResults: 1 }));
    expect(desc.taskDefinitionArns![0]).toMatch(/:25$/);
  });

  it('ListClusters pages with maxResults', async () => {
    for (let i = 0; i < 3; i++) await ecs.send(new CreateClusterCommand({ clusterName: `extra-${i}` }));
    const all = (await ecs.send(new ListClustersCommand({}))).clusterArns!;
    expect(all.length).toBeGreaterThanOrEqual(4);
    const first = await ecs.send(new ListClustersCommand({ maxResults: 2 }));
    expect(first.clusterArns).toHaveLength(2);
    const rest = await ecs.send(new ListClustersCommand({ maxResults: 100, nextToken: first.nextToken }));
    expect([...first.clusterArns!, ...rest.clusterArns!]).toEqual(all);
    expect(rest.nextToken).toBeUndefined();
  });

  it('ListTaskDefinitionFamilies pages, and lists only families with an ACTIVE revision by default', async () => {
    const onlyRev = await registerWeb('retired', 'nginx:1');
    await ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: onlyRev }));
    const active = await ecs.send(new ListTaskDefinitionFamiliesCommand({}));
    expect(active.families).not.toContain('retired');
    expect(active.families).toContain('web');
    const inactive = await ecs.send(new ListTaskDefinitionFamiliesCommand({ status: 'INACTIVE' }));
    expect(inactive.families).toContain('retired');
    const one = await ecs.send(new ListTaskDefinitionFamiliesCommand({ maxResults: 1 }));
    expect(one.families).toHaveLength(1);
    expect(one.nextToken).toBeTruthy();
  });

  it('RunTask runs a Fargate task definition whose memory is set only at task level', async () => {
    const out = await ecs.send(
      new RunTaskCommand({
        cluster: CLUSTER,
        taskDefinition: taskDefArn,
        launchType: 'FARGATE',
        networkConfiguration: fargateService('x').networkConfiguration,
      }),
    );
    expect(out.tasks).toHaveLength(1);
    expect(out.tasks![0]!.taskDefinitionArn).toBe(taskDefArn);
  });

  it('CreateService and RunTask accept an awsvpcConfiguration without securityGroups (VPC default group)', async () => {
    const networkConfiguration = { awsvpcConfiguration: { subnets: [emulatorVar('SUBNET_A')] } };
    const svc = await ecs.send(new CreateServiceCommand({ ...fargateService('no-sg'), networkConfiguration }));
    expect(svc.service!.networkConfiguration!.awsvpcConfiguration!.subnets).toEqual([emulatorVar('SUBNET_A')]);
    const run = await ecs.send(new RunTaskCommand({ cluster: CLUSTER, taskDefinition: taskDefArn, launchType: 'FARGATE', networkConfiguration }));
    expect(run.tasks).toHaveLength(1);
  });

  it('ListTasks pages through 20 tasks with maxResults 15', async () => {
    const cluster = 'tasks';
    await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
    // container-level memory, so this test does not depend on the RunTask memory fix
    const td = await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'with-container-memory',
        requiresCompatibilities: ['FARGATE'],
        networkMode: 'awsvpc',
        cpu: '256',
        memory: '512',
        containerDefinitions: [{ name: 'app', image: 'nginx', memory: 512 }],
      }),
    );
    for (let i = 0; i < 2; i++) {
      await ecs.send(
        new RunTaskCommand({
          cluster,
          taskDefinition: td.taskDefinition!.taskDefinitionArn!,
          count: 10,
          launchType: 'FARGATE',
          networkConfiguration: fargateService('x').networkConfiguration,
        }),
      );
    }
    const first = await ecs.send(new ListTasksCommand({ cluster, maxResults: 15 }));
    expect(first.taskArns).toHaveLength(15);
    const second = await ecs.send(new ListTasksCommand({ cluster, maxResults: 15, nextToken: first.nextToken }));
    expect(second.taskArns).toHaveLength(5);
    expect(second.nextToken).toBeUndefined();
    expect(new Set([...first.taskArns!, ...second.taskArns!]).size).toBe(20);
  });

  it('DescribeServices rejects more than 10 services in one call', async () => {
    const services = Array.from({ length: 11 }, (_, i) => `s${i}`);
    await expect(ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
  });
});

// moto already does these; they guard the controller's assumptions about tags.
describe('tags (moto 5.2.5 already matches ECS)', () => {
  it('keeps service tags and returns them with include: ["TAGS"] only', async () => {
    await ecs.send(new CreateServiceCommand(fargateService('tagged', { tags: [{ key: 'app', value: 'web' }] })));
    expect((await describeOne('tagged')).tags).toEqual([{ key: 'app', value: 'web' }]);
    const noTags = await ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: ['tagged'] }));
    expect(noTags.services![0]!.tags).toBeUndefined();
    const arn = noTags.services![0]!.serviceArn!;
    expect((await ecs.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags).toEqual([{ key: 'app', value: 'web' }]);
  });

  it('keeps task definition and cluster tags', async () => {
    const td = await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'tagged-td',
        requiresCompatibilities: ['FARGATE'],
        networkMode: 'awsvpc',
        cpu: '256',
        memory: '512',
        containerDefinitions: [{ name: 'app', image: 'nginx' }],
        tags: [{ key: 'owner', value: 'me' }],
      }),
    );
    const described = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'tagged-td', include: ['TAGS'] }));
    expect(described.tags).toEqual([{ key: 'owner', value: 'me' }]);
    expect((await ecs.send(new ListTagsForResourceCommand({ resourceArn: td.taskDefinition!.taskDefinitionArn! }))).tags).toEqual([
      { key: 'owner', value: 'me' },
    ]);
    const clusters: DescribeClustersCommandOutput = await ecs.send(new DescribeClustersCommand({ clusters: [CLUSTER], include: ['TAGS'] }));
    // the cluster was re-created without tags by the reset test; create a tagged one
    expect(clusters.clusters![0]!.clusterName).toBe(CLUSTER);
    const tagged = await ecs.send(new CreateClusterCommand({ clusterName: 'tagged-cluster', tags: [{ key: 'env', value: 'dev' }] }));
    expect((await ecs.send(new ListTagsForResourceCommand({ resourceArn: tagged.cluster!.clusterArn! }))).tags).toEqual([{ key: 'env', value: 'dev' }]);
    const withTags = await ecs.send(new DescribeClustersCommand({ clusters: ['tagged-cluster'], include: ['TAGS'] }));
    expect(withTags.clusters![0]!.tags).toEqual([{ key: 'env', value: 'dev' }]);
  });
});

// Task definition defaults: NOT fixed in the emulator (the controller's normalization
// rules must cope with both). For a minimal Fargate task definition
//   { family, requiresCompatibilities: [FARGATE], networkMode: awsvpc, cpu: '256',
//     memory: '512', containerDefinitions: [{ name, image, portMappings: [{ containerPort: 80 }] }] }
// moto 5.2.5 DescribeTaskDefinition returns (asserted below):
//   taskDefinitionArn, family, revision, status ACTIVE, networkMode awsvpc, cpu '256',
//   memory '512', requiresCompatibilities [FARGATE], compatibilities [EC2, FARGATE],
//   volumes [], placementConstraints [], and per container: cpu 0, essential true,
//   environment [], mountPoints [], volumesFrom [], portMappings exactly as sent.
// Amazon ECS (API reference: TaskDefinition, ContainerDefinition, PortMapping) also returns:
//   - registeredAt and registeredBy (moto: absent);
//   - requiresAttributes, e.g. com.amazonaws.ecs.capability.docker-remote-api.1.18,
//     ecs.capability.task-eni (moto: absent);
//   - per container: systemControls [] (moto: absent);
//   - per port mapping in awsvpc mode: hostPort = containerPort and protocol 'tcp'
//     ("protocol ... The default is tcp"; "hostPort ... must match containerPort" for
//     awsvpc) (moto: only containerPort);
//   - networkMode is kept as sent: moto forces awsvpc whenever FARGATE is required,
//     ECS rejects a Fargate task definition in another mode instead;
//   - taskDefinition 'family' alone means the latest ACTIVE revision; moto takes the
//     latest revision whatever its status.
// So a diff of desired vs live task definitions must drop registeredAt/registeredBy/
// requiresAttributes/compatibilities and fill the defaults above on both sides.
describe('task definition defaults (moto fills fewer than ECS; see the comment above)', () => {
  it('DescribeTaskDefinition of a minimal Fargate task definition on moto', async () => {
    const arn = await registerWeb('minimal', 'nginx:1');
    const td = (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }))).taskDefinition!;
    expect(td).toMatchObject({
      family: 'minimal',
      networkMode: 'awsvpc',
      cpu: '256',
      memory: '512',
      status: 'ACTIVE',
      requiresCompatibilities: ['FARGATE'],
      compatibilities: ['EC2', 'FARGATE'],
      volumes: [],
      placementConstraints: [],
    });
    expect(td.containerDefinitions![0]).toEqual({
      name: 'app',
      image: 'nginx:1',
      cpu: 0,
      essential: true,
      environment: [],
      mountPoints: [],
      volumesFrom: [],
      portMappings: [{ containerPort: 80 }],
    });
    // absent on moto, present on ECS:
    expect(td.registeredAt).toBeUndefined();
    expect(td.requiresAttributes).toBeUndefined();
  });
});

describe('issue 12: the shapes ECS stores (scripts/emulator_ext/ecs_gaps.py GAP 9, 10, 11)', () => {
  it('[extension] RegisterTaskDefinition stores a role given by name as its full ARN in the account', async () => {
    const arn = (
      await ecs.send(
        new RegisterTaskDefinitionCommand({
          family: 'roles-by-name',
          taskRoleArn: 'ecsTaskRole',
          executionRoleArn: 'ecsTaskExecutionRole',
          containerDefinitions: [{ name: 'app', image: 'nginx:1', memory: 128 }],
        }),
      )
    ).taskDefinition!.taskDefinitionArn!;
    const account = /^arn:aws:ecs:[^:]+:(\d{12}):/.exec(arn)![1];
    const td = (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }))).taskDefinition!;
    expect(td.taskRoleArn).toBe(`arn:aws:iam::${account}:role/ecsTaskRole`);
    expect(td.executionRoleArn).toBe(`arn:aws:iam::${account}:role/ecsTaskExecutionRole`);
  });

  it('[extension] RegisterTaskDefinition converts cpu in vCPU and memory in GB to CPU units and MiB', async () => {
    const sizes: Array<[string, string, string, string]> = [
      ['.25 vcpu', '.5 gb', '256', '512'],
      ['1 vCPU', '2 GB', '1024', '2048'],
      ['512', '1GB', '512', '1024'],
    ];
    for (const [cpu, memory, units, mib] of sizes) {
      const out = await ecs.send(
        new RegisterTaskDefinitionCommand({
          family: 'sizes',
          requiresCompatibilities: ['FARGATE'],
          networkMode: 'awsvpc',
          cpu,
          memory,
          containerDefinitions: [{ name: 'app', image: 'nginx:1' }],
        }),
      );
      expect([out.taskDefinition!.cpu, out.taskDefinition!.memory]).toEqual([units, mib]);
    }
  });

  it('[extension] RegisterTaskDefinition leaves out optional members sent as "" and keeps the "" that is data', async () => {
    const out = await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'empty-strings',
        taskRoleArn: '',
        pidMode: '' as never,
        containerDefinitions: [
          {
            name: 'app',
            image: 'nginx:1',
            memory: 128,
            hostname: '',
            portMappings: [{ containerPort: 80, appProtocol: '' as never, name: '' }],
            environment: [{ name: 'EMPTY_ON_PURPOSE', value: '' }],
            dockerLabels: { empty: '' },
          },
        ],
      }),
    );
    const td = (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: out.taskDefinition!.taskDefinitionArn! }))).taskDefinition!;
    expect(td.taskRoleArn).toBeUndefined();
    expect(td.pidMode).toBeUndefined();
    const c = td.containerDefinitions![0]!;
    expect(c.hostname).toBeUndefined();
    // no networkMode: bridge, where ECS answers a left-out hostPort as 0 and protocol tcp
    // (capacity.py CAPACITY GAP 13); the "" members are gone
    expect(c.portMappings).toEqual([{ containerPort: 80, hostPort: 0, protocol: 'tcp' }]);
    expect(c.environment).toEqual([{ name: 'EMPTY_ON_PURPOSE', value: '' }]);
    expect(c.dockerLabels).toEqual({ empty: '' });
  });

  it("[extension] a Service Connect configuration without namespace gets the cluster's default namespace", async () => {
    const namespace = 'arn:aws:servicediscovery:us-east-1:123456789012:namespace/ns-emulator0000000';
    await ecs.send(new CreateClusterCommand({ clusterName: 'with-sc-default', serviceConnectDefaults: { namespace } }));
    const serviceConnectConfiguration = { enabled: true, services: [{ portName: 'http', clientAliases: [{ port: 80 }] }] };
    await ecs.send(new CreateServiceCommand({ ...fargateService('sc-default'), cluster: 'with-sc-default', serviceConnectConfiguration }));
    const out = await ecs.send(new DescribeServicesCommand({ cluster: 'with-sc-default', services: ['sc-default'] }));
    expect(out.services![0]!.deployments![0]!.serviceConnectConfiguration).toEqual({ ...serviceConnectConfiguration, namespace });
  });

  it("[extension] a cluster's default Service Connect namespace given by name is reported as a Cloud Map namespace ARN, the same for the same name", async () => {
    const created = await ecs.send(new CreateClusterCommand({ clusterName: 'sc-by-name', serviceConnectDefaults: { namespace: 'internal' } }));
    const arn = created.cluster!.serviceConnectDefaults!.namespace!;
    expect(arn).toMatch(/^arn:aws:servicediscovery:[a-z0-9-]+:\d{12}:namespace\/ns-[0-9a-f]{16}$/);
    const other = await ecs.send(new CreateClusterCommand({ clusterName: 'sc-by-name-2', serviceConnectDefaults: { namespace: 'internal' } }));
    expect(other.cluster!.serviceConnectDefaults!.namespace).toBe(arn);
    const described: DescribeClustersCommandOutput = await ecs.send(new DescribeClustersCommand({ clusters: ['sc-by-name'] }));
    expect(described.clusters![0]!.serviceConnectDefaults).toEqual({ namespace: arn });
  });

  it('a service with neither launchType nor strategy in a cluster without a default strategy reports launchType EC2 (plain moto does too)', async () => {
    const input = fargateService('no-launch-type');
    delete input.launchType;
    delete input.networkConfiguration;
    const ec2Td = await ecs.send(
      new RegisterTaskDefinitionCommand({ family: 'ec2-default', containerDefinitions: [{ name: 'app', image: 'nginx:1', memory: 128 }] }),
    );
    const svc = (await ecs.send(new CreateServiceCommand({ ...input, taskDefinition: ec2Td.taskDefinition!.taskDefinitionArn! }))).service!;
    expect(svc.launchType).toBe('EC2');
    expect(svc.capacityProviderStrategy ?? []).toEqual([]);
  });
});
