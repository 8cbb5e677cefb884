// A cluster's capacity by provider (issue 17 item 6): the counting rules on plain data,
// the live read's calls on the in-memory gateway (container instances only where a
// cluster has some), and the lines the report's formats show.
import { describe, expect, it } from 'vitest';
import { capacityByProvider, serviceCapacityProviders } from '../src/kinds/cluster/capacity.js';
import { capacityLineText } from '../src/kinds/cluster/report.js';
import { readLiveEstate } from '../src/live/index.js';
import { renderMarkdown, renderPage, renderText } from '../src/report/index.js';
import { InMemoryGateways } from './support/in-memory-gateway.js';
import { FAKE_REGION, passOnFake } from './support/pass-on-fake.js';

const EC2_ESTATE = `apiVersion: ecs-reconciler/v1
kind: Cluster
metadata: { name: prod }
spec:
  capacityProviders: [FARGATE, ec2]
---
apiVersion: ecs-reconciler/v1
kind: TaskDefinition
metadata: { name: web }
spec:
  containerDefinitions:
    - { name: web, image: "nginx:1.27", memoryReservation: 128, portMappings: [{ containerPort: 80 }] }
---
apiVersion: ecs-reconciler/v1
kind: Service
metadata: { name: web, cluster: prod }
spec:
  taskDefinition: web
  desiredCount: 2
  launchType: EC2
`;

describe('capacity by provider, on plain data', () => {
  it('counts ACTIVE and DRAINING instances and their running tasks under their provider; instances with none under EC2', () => {
    const lines = capacityByProvider({
      capacityProviders: ['FARGATE', 'ec2'],
      instances: [
        { capacityProviderName: 'ec2', status: 'ACTIVE', runningTasksCount: 2 },
        { capacityProviderName: 'ec2', status: 'DRAINING', runningTasksCount: 1 },
        { capacityProviderName: 'ec2', status: 'REGISTERING', runningTasksCount: 0 },
        { status: 'ACTIVE', runningTasksCount: 4 },
      ],
      services: [{ providers: ['FARGATE'], runningCount: 3 }],
      targets: new Map([['ec2', 80]]),
    });
    expect(lines).toEqual([
      { provider: 'EC2', containerInstances: 1, runningTasks: 4 },
      { provider: 'FARGATE', runningTasks: 3 },
      { provider: 'ec2', containerInstances: 2, runningTasks: 3, targetCapacity: 80 },
    ]);
  });

  it('a provider with nothing on it still has its line; a service over both Fargate providers counts under both; one mixing EC2 and Fargate only by its instances', () => {
    const lines = capacityByProvider({
      capacityProviders: ['FARGATE', 'FARGATE_SPOT', 'ec2'],
      instances: [],
      services: [
        { providers: ['FARGATE', 'FARGATE_SPOT'], runningCount: 4 },
        { providers: ['FARGATE', 'ec2'], runningCount: 5 },
        { providers: ['EC2'], runningCount: 1 },
      ],
      targets: new Map(),
    });
    expect(lines).toEqual([
      { provider: 'FARGATE', runningTasks: 0 },
      { provider: 'FARGATE+FARGATE_SPOT', runningTasks: 4 },
      { provider: 'FARGATE_SPOT', runningTasks: 0 },
      { provider: 'ec2', containerInstances: 0, runningTasks: 0 },
    ]);
  });

  it("a service runs on its strategy's providers (the cluster default ECS reports) or its launch type", () => {
    expect(serviceCapacityProviders({ capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT' }, { capacityProvider: 'FARGATE' }] })).toEqual([
      'FARGATE',
      'FARGATE_SPOT',
    ]);
    expect(serviceCapacityProviders({ launchType: 'EC2' })).toEqual(['EC2']);
    expect(serviceCapacityProviders({})).toEqual([]);
  });

  it('reads as one line per provider', () => {
    expect(capacityLineText({ provider: 'ec2', containerInstances: 2, runningTasks: 3, targetCapacity: 80 })).toBe(
      'ec2: 2 instance(s), 3 task(s) running, target 80%',
    );
    expect(capacityLineText({ provider: 'FARGATE', runningTasks: 1 })).toBe('FARGATE: 1 task(s) running');
  });
});

describe('capacity in the live read and the report, on the fake gateway', () => {
  it('a Fargate-only cluster costs no container-instance read and no provider read by name', async () => {
    const fake = new InMemoryGateways();
    await fake.forRegion(FAKE_REGION).createCluster({ clusterName: 'web', capacityProviders: ['FARGATE'] });
    fake.clearCalls();
    const estate = await readLiveEstate(fake, { controllerId: 'default', regions: [], desired: [{ kind: 'Cluster', name: 'web', region: FAKE_REGION }] });
    expect(fake.callsOf('ListContainerInstances')).toEqual([]);
    expect(fake.callsOf('DescribeContainerInstances')).toEqual([]);
    // the one regional listing is the CapacityProvider kind's own read (orphans, ownership);
    // the report asks for no provider by name
    expect(fake.callsOf('DescribeCapacityProviders').filter((c) => c.input.capacityProviders !== undefined)).toEqual([]);
    expect(fake.callsOf('DescribeCapacityProviders')).toHaveLength(1);
    expect([...estate.clusters.values()][0]!.capacity).toEqual([{ provider: 'FARGATE', runningTasks: 0 }]);
  });

  it('an EC2 bridge-mode service converges in sync; the cluster reports its instances by provider and the target, the service what it runs on', async () => {
    const fake = new InMemoryGateways();
    const gw = fake.forRegion(FAKE_REGION);
    gw.putCapacityProvider({
      name: 'ec2',
      status: 'ACTIVE',
      type: 'EC2_AUTOSCALING',
      autoScalingGroupProvider: {
        autoScalingGroupArn: 'arn:aws:autoscaling:eu-west-1:123456789012:autoScalingGroup:1:autoScalingGroupName/ec2',
        managedScaling: { status: 'ENABLED', targetCapacity: 80 },
      },
    });
    const first = await passOnFake(fake, EC2_ESTATE);
    expect(first.problems).toEqual([]);
    gw.registerContainerInstances('prod', [
      {
        containerInstanceArn: 'arn:aws:ecs:eu-west-1:123456789012:container-instance/prod/a',
        status: 'ACTIVE',
        capacityProviderName: 'ec2',
        runningTasksCount: 1,
      },
      {
        containerInstanceArn: 'arn:aws:ecs:eu-west-1:123456789012:container-instance/prod/b',
        status: 'ACTIVE',
        capacityProviderName: 'ec2',
        runningTasksCount: 1,
      },
    ]);
    fake.clearCalls();
    const second = await passOnFake(fake, EC2_ESTATE, { mode: 'plan' });
    expect(Object.values(Object.fromEntries(second.diffs.map((d) => [d.id, d.state])))).toEqual(['in-sync', 'in-sync', 'in-sync']);
    expect(fake.callsOf('DescribeContainerInstances')).toHaveLength(1);
    // the CapacityProvider kind's listing (no names), then the report's read of the provider the cluster names
    expect(fake.callsOf('DescribeCapacityProviders').map((c) => c.input.capacityProviders)).toEqual([undefined, ['ec2']]);

    const cluster = second.report.resources.find((r) => r.kind === 'Cluster')!;
    expect(cluster.health).toMatchObject({
      registeredContainerInstances: 2,
      capacity: [
        { provider: 'FARGATE', runningTasks: 0 },
        { provider: 'ec2', containerInstances: 2, runningTasks: 2, targetCapacity: 80 },
      ],
    });
    const service = second.report.resources.find((r) => r.kind === 'Service')!;
    expect(service.health).toMatchObject({ runsOn: ['EC2'] });

    const all = { ...second.report, resources: second.report.resources };
    const text = renderText(all, { show: 'all' });
    expect(text).toContain('capacity: FARGATE: 0 task(s) running; ec2: 2 instance(s), 2 task(s) running, target 80%');
    expect(text).toContain('runs on: EC2');
    expect(renderMarkdown(all, { show: 'all' })).toContain('ec2: 2 instance(s), 2 task(s) running, target 80%');
    expect(renderPage(all, { show: 'all' })).toContain('<li><small>ec2: 2 instance(s), 2 task(s) running, target 80%</small></li>');
  });

  it("a provider the manifests hold is read once a pass: the report takes its target from the CapacityProvider kind's read, asking for no provider by name", async () => {
    const fake = new InMemoryGateways();
    const asg = 'arn:aws:autoscaling:eu-west-1:123456789012:autoScalingGroup:1:autoScalingGroupName/ec2';
    const estate = `apiVersion: ecs-reconciler/v1
kind: CapacityProvider
metadata: { name: ec2 }
spec:
  autoScalingGroupProvider:
    autoScalingGroupArn: ${asg}
    managedScaling: { status: ENABLED, targetCapacity: 70 }
---
apiVersion: ecs-reconciler/v1
kind: Cluster
metadata: { name: prod }
spec:
  capacityProviders: [FARGATE, ec2]
`;
    const first = await passOnFake(fake, estate);
    expect(first.problems).toEqual([]);
    fake.forRegion(FAKE_REGION).registerContainerInstances('prod', [
      {
        containerInstanceArn: 'arn:aws:ecs:eu-west-1:123456789012:container-instance/prod/a',
        status: 'ACTIVE',
        capacityProviderName: 'ec2',
        runningTasksCount: 0,
      },
    ]);
    fake.clearCalls();
    const second = await passOnFake(fake, estate, { mode: 'plan' });
    expect(second.diffs.map((d) => d.state)).toEqual(['in-sync', 'in-sync']);
    // one regional listing, the kind's; none by name
    expect(fake.callsOf('DescribeCapacityProviders').map((c) => c.input.capacityProviders)).toEqual([undefined]);
    const cluster = second.report.resources.find((r) => r.kind === 'Cluster')!;
    expect(cluster.health).toMatchObject({
      capacity: [
        { provider: 'FARGATE', runningTasks: 0 },
        { provider: 'ec2', containerInstances: 1, runningTasks: 0, targetCapacity: 70 },
      ],
    });
  });

  it('a capacity read that fails (an IAM policy without the new reads) leaves the capacity out and the region readable', async () => {
    const fake = new InMemoryGateways();
    const gw = fake.forRegion(FAKE_REGION);
    await gw.createCluster({ clusterName: 'prod' });
    gw.registerContainerInstances('prod', [{ containerInstanceArn: 'arn:aws:ecs:eu-west-1:123456789012:container-instance/prod/a', status: 'ACTIVE' }]);
    gw.failNext('ListContainerInstances', { code: 'AccessDeniedException', message: 'not authorized to perform: ecs:ListContainerInstances' });
    const estate = await readLiveEstate(fake, { controllerId: 'default', regions: [], desired: [{ kind: 'Cluster', name: 'prod', region: FAKE_REGION }] });
    expect([...estate.unreadable.values()]).toEqual([]);
    const cluster = [...estate.clusters.values()][0]!;
    expect(cluster.registeredContainerInstancesCount).toBe(1);
    expect(cluster.capacity).toBeUndefined();
  });
});
