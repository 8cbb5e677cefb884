// Diff accuracy: desired specs (manifest, ECS input field names) against live responses
// shaped as the ECS API reference documents DescribeTaskDefinition / DescribeServices /
// DescribeClusters output. After projection + normalization, equal meaning must be
// deep-equal, and every real change must stay a difference.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { canonicalJson, type Json } from '../src/diff/normalize.js';
import { projectLiveCluster, projectLiveService, projectLiveTaskDefinition } from '../src/diff/projection.js';
import { normalizeCluster } from '../src/kinds/cluster/normalize.js';
import { normalizeService } from '../src/kinds/service/normalize.js';
import { normalizeTaskDefinition } from '../src/kinds/task-definition/normalize.js';
import { mulberry32 } from './seeded-random.js';

function fixture(name: string): Json {
  return JSON.parse(readFileSync(new URL(`./fixtures/normalize/${name}`, import.meta.url), 'utf8')) as Json;
}

function first(list: unknown): Json {
  if (!Array.isArray(list) || list.length === 0) throw new Error('expected a non-empty list');
  return list[0] as Json;
}

function expectSame(desired: Json, live: Json): void {
  expect(desired).toStrictEqual(live);
  expect(canonicalJson(desired)).toBe(canonicalJson(live));
}

function expectDifferent(desired: Json, live: Json): void {
  expect(canonicalJson(desired)).not.toBe(canonicalJson(live));
}

// ---- task definitions -------------------------------------------------------------------

const ARN = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/my-app-task:3';

/** A container as DescribeTaskDefinition returns it: ECS fills cpu 0, essential true and
 * empty lists for everything unset. */
function describedContainer(c: Json): Json {
  return {
    name: 'web',
    image: 'nginx:1.27',
    cpu: 0,
    essential: true,
    portMappings: [],
    environment: [],
    mountPoints: [],
    volumesFrom: [],
    systemControls: [],
    ...c,
  };
}

/** A DescribeTaskDefinition `taskDefinition`, with the output-only fields ECS adds. */
function describedTd(fields: Json, ...containers: Json[]): Json {
  return {
    taskDefinitionArn: ARN,
    family: 'my-app-task',
    revision: 3,
    status: 'ACTIVE',
    networkMode: 'awsvpc',
    volumes: [],
    placementConstraints: [],
    requiresAttributes: [{ name: 'ecs.capability.task-eni' }],
    compatibilities: ['EC2', 'FARGATE'],
    requiresCompatibilities: ['FARGATE'],
    cpu: '256',
    memory: '512',
    registeredAt: '2025-01-15T10:20:30.123000+00:00',
    registeredBy: 'arn:aws:sts::123456789012:assumed-role/deployer/session',
    containerDefinitions: (containers.length > 0 ? containers : [{}]).map(describedContainer),
    ...fields,
  };
}

/** A manifest spec (RegisterTaskDefinition input less family). */
function desiredTd(fields: Json, ...containers: Json[]): Json {
  return {
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: '256',
    memory: '512',
    containerDefinitions: (containers.length > 0 ? containers : [{}]).map((c) => ({
      name: 'web',
      image: 'nginx:1.27',
      ...c,
    })),
    ...fields,
  };
}

function tdPair(desired: Json, described: Json): [Json, Json] {
  return [normalizeTaskDefinition(desired), normalizeTaskDefinition(projectLiveTaskDefinition(described))];
}

describe('task definition projection', () => {
  it('a live task definition and the manifest it was registered from are in sync', () => {
    const live = fixture('describe-task-definition.json').taskDefinition as Json;
    expectSame(...tdPair(fixture('desired-task-definition.json'), live));
  });

  it('projection keeps only RegisterTaskDefinition input fields', () => {
    const live = fixture('describe-task-definition.json').taskDefinition as Json;
    expect(Object.keys(projectLiveTaskDefinition(live)).sort()).toEqual([
      'containerDefinitions',
      'cpu',
      'executionRoleArn',
      'memory',
      'networkMode',
      'placementConstraints',
      'requiresCompatibilities',
      'runtimePlatform',
      'taskRoleArn',
      'volumes',
    ]);
  });

  it('projection and normalization do not change or share the API response', () => {
    const live = fixture('describe-task-definition.json').taskDefinition as Json;
    const before = canonicalJson(live);
    const projected = projectLiveTaskDefinition(live);
    normalizeTaskDefinition(projected);
    first(projected.containerDefinitions).image = 'changed';
    expect(canonicalJson(live)).toBe(before);
  });

  it('a live task definition that differs only in revision is in sync', () => {
    const live = fixture('describe-task-definition.json').taskDefinition as Json;
    const next = { ...live, revision: 8, taskDefinitionArn: ARN.replace(':3', ':8') };
    expectSame(normalizeTaskDefinition(projectLiveTaskDefinition(live)), normalizeTaskDefinition(projectLiveTaskDefinition(next)));
  });
});

describe('task definition: container defaults ECS fills in', () => {
  it("a container's cpu 0 is not drift", () => {
    expectSame(...tdPair(desiredTd({}, {}), describedTd({}, { cpu: 0 })));
  });

  it('a container cpu reservation is a difference', () => {
    expectDifferent(...tdPair(desiredTd({}, {}), describedTd({}, { cpu: 256 })));
  });

  it('essential true is not drift', () => {
    expectSame(...tdPair(desiredTd({}, {}), describedTd({}, { essential: true })));
    expectSame(...tdPair(desiredTd({}, { essential: true }), describedTd({}, { essential: true })));
  });

  it('essential false is a difference from an omitted essential', () => {
    expectDifferent(...tdPair(desiredTd({}, {}), describedTd({}, { essential: false })));
  });

  it('protocol tcp is not drift', () => {
    expectSame(
      ...tdPair(
        desiredTd({}, { portMappings: [{ containerPort: 80 }] }),
        describedTd({}, { portMappings: [{ containerPort: 80, hostPort: 80, protocol: 'tcp' }] }),
      ),
    );
  });

  it('protocol udp is a difference', () => {
    expectDifferent(
      ...tdPair(
        desiredTd({}, { portMappings: [{ containerPort: 53 }] }),
        describedTd({}, { portMappings: [{ containerPort: 53, hostPort: 53, protocol: 'udp' }] }),
      ),
    );
  });

  it('hostPort equal to containerPort in awsvpc is not drift', () => {
    expectSame(
      ...tdPair(
        desiredTd({}, { portMappings: [{ containerPort: 8080, protocol: 'tcp' }] }),
        describedTd({}, { portMappings: [{ containerPort: 8080, hostPort: 8080, protocol: 'tcp' }] }),
      ),
    );
  });

  it('hostPort equal to containerPort in host mode is not drift', () => {
    expectSame(
      ...tdPair(
        desiredTd({ networkMode: 'host' }, { portMappings: [{ containerPort: 8080 }] }),
        describedTd({ networkMode: 'host' }, { portMappings: [{ containerPort: 8080, hostPort: 8080, protocol: 'tcp' }] }),
      ),
    );
  });

  it('a hostPort differing from containerPort is a difference', () => {
    expectDifferent(
      ...tdPair(
        desiredTd({ networkMode: 'host' }, { portMappings: [{ containerPort: 8080 }] }),
        describedTd({ networkMode: 'host' }, { portMappings: [{ containerPort: 8080, hostPort: 9090, protocol: 'tcp' }] }),
      ),
    );
  });

  it('hostPort 0 in bridge mode is not drift (a dynamic port either way)', () => {
    expectSame(
      ...tdPair(
        desiredTd({ networkMode: 'bridge' }, { portMappings: [{ containerPort: 80 }] }),
        describedTd({ networkMode: 'bridge' }, { portMappings: [{ containerPort: 80, hostPort: 0, protocol: 'tcp' }] }),
      ),
    );
  });

  it('a static hostPort equal to containerPort in bridge mode is a difference from a dynamic one', () => {
    expectDifferent(
      ...tdPair(
        desiredTd({ networkMode: 'bridge' }, { portMappings: [{ containerPort: 80 }] }),
        describedTd({ networkMode: 'bridge' }, { portMappings: [{ containerPort: 80, hostPort: 80, protocol: 'tcp' }] }),
      ),
    );
  });

  it('health check defaults are not drift', () => {
    const command = ['CMD-SHELL', 'curl -f http://localhost/ || exit 1'];
    expectSame(
      ...tdPair(
        desiredTd({}, { healthCheck: { command } }),
        describedTd({}, { healthCheck: { command, interval: 30, timeout: 5, retries: 3, startPeriod: 0 } }),
      ),
    );
  });

  it('a changed health check interval is a difference', () => {
    const command = ['CMD-SHELL', 'true'];
    expectDifferent(
      ...tdPair(desiredTd({}, { healthCheck: { command } }), describedTd({}, { healthCheck: { command, interval: 10, timeout: 5, retries: 3 } })),
    );
  });

  it('versionConsistency enabled and false opt-in flags are not drift', () => {
    expectSame(...tdPair(desiredTd({}, {}), describedTd({}, { versionConsistency: 'enabled', privileged: false, readonlyRootFilesystem: false })));
  });

  it('readonlyRootFilesystem true is a difference', () => {
    expectDifferent(...tdPair(desiredTd({}, {}), describedTd({}, { readonlyRootFilesystem: true })));
  });
});

describe('task definition: order-free lists', () => {
  it('environment order is not drift', () => {
    expectSame(
      ...tdPair(
        desiredTd(
          {},
          {
            environment: [
              { name: 'B', value: '2' },
              { name: 'A', value: '1' },
            ],
          },
        ),
        describedTd(
          {},
          {
            environment: [
              { name: 'A', value: '1' },
              { name: 'B', value: '2' },
            ],
          },
        ),
      ),
    );
  });

  it('a real environment change is a difference', () => {
    expectDifferent(...tdPair(desiredTd({}, { environment: [{ name: 'A', value: '1' }] }), describedTd({}, { environment: [{ name: 'A', value: '2' }] })));
  });

  it('secrets order is not drift', () => {
    const a = { name: 'A', valueFrom: 'arn:aws:ssm:eu-west-1:123456789012:parameter/a' };
    const b = { name: 'B', valueFrom: 'arn:aws:ssm:eu-west-1:123456789012:parameter/b' };
    expectSame(...tdPair(desiredTd({}, { secrets: [b, a] }), describedTd({}, { secrets: [a, b] })));
  });

  it('a changed secret source is a difference', () => {
    expectDifferent(
      ...tdPair(
        desiredTd({}, { secrets: [{ name: 'A', valueFrom: 'arn:aws:ssm:eu-west-1:123456789012:parameter/a' }] }),
        describedTd({}, { secrets: [{ name: 'A', valueFrom: 'arn:aws:ssm:eu-west-1:123456789012:parameter/a2' }] }),
      ),
    );
  });

  it('environmentFiles order is a difference (files are processed top down)', () => {
    const f1 = { value: 'arn:aws:s3:::bucket/one.env', type: 's3' };
    const f2 = { value: 'arn:aws:s3:::bucket/two.env', type: 's3' };
    expectDifferent(...tdPair(desiredTd({}, { environmentFiles: [f1, f2] }), describedTd({}, { environmentFiles: [f2, f1] })));
  });

  it('mountPoints order and readOnly false are not drift', () => {
    expectSame(
      ...tdPair(
        desiredTd(
          {},
          {
            mountPoints: [
              { sourceVolume: 'b', containerPath: '/b' },
              { sourceVolume: 'a', containerPath: '/a' },
            ],
          },
        ),
        describedTd(
          {},
          {
            mountPoints: [
              { sourceVolume: 'a', containerPath: '/a', readOnly: false },
              { sourceVolume: 'b', containerPath: '/b', readOnly: false },
            ],
          },
        ),
      ),
    );
  });

  it('a read-only mount point is a difference', () => {
    expectDifferent(
      ...tdPair(
        desiredTd({}, { mountPoints: [{ sourceVolume: 'a', containerPath: '/a' }] }),
        describedTd({}, { mountPoints: [{ sourceVolume: 'a', containerPath: '/a', readOnly: true }] }),
      ),
    );
  });

  it('volumesFrom order is a difference (later sources can shadow earlier ones)', () => {
    const a = { sourceContainer: 'a' };
    const b = { sourceContainer: 'b' };
    expectDifferent(...tdPair(desiredTd({}, { volumesFrom: [a, b] }), describedTd({}, { volumesFrom: [b, a] })));
  });

  it('dockerLabels key order is not drift', () => {
    expectSame(...tdPair(desiredTd({}, { dockerLabels: { b: '2', a: '1' } }), describedTd({}, { dockerLabels: { a: '1', b: '2' } })));
  });

  it('a changed docker label is a difference', () => {
    expectDifferent(...tdPair(desiredTd({}, { dockerLabels: { a: '1' } }), describedTd({}, { dockerLabels: { a: '1', b: '2' } })));
  });

  it('ulimits, systemControls and dependsOn order is not drift', () => {
    const desired = desiredTd(
      { networkMode: 'bridge' },
      {
        ulimits: [
          { name: 'nproc', softLimit: 1024, hardLimit: 2048 },
          { name: 'core', softLimit: 0, hardLimit: 0 },
        ],
        systemControls: [
          { namespace: 'net.ipv4.tcp_keepalive_time', value: '60' },
          { namespace: 'net.core.somaxconn', value: '1024' },
        ],
        dependsOn: [
          { containerName: 'z', condition: 'START' },
          { containerName: 'a', condition: 'HEALTHY' },
        ],
      },
    );
    const described = describedTd(
      { networkMode: 'bridge' },
      {
        ulimits: [
          { name: 'core', softLimit: 0, hardLimit: 0 },
          { name: 'nproc', softLimit: 1024, hardLimit: 2048 },
        ],
        systemControls: [
          { namespace: 'net.core.somaxconn', value: '1024' },
          { namespace: 'net.ipv4.tcp_keepalive_time', value: '60' },
        ],
        dependsOn: [
          { containerName: 'a', condition: 'HEALTHY' },
          { containerName: 'z', condition: 'START' },
        ],
      },
    );
    expectSame(...tdPair(desired, described));
  });

  it('a changed ulimit is a difference', () => {
    expectDifferent(
      ...tdPair(
        desiredTd({}, { ulimits: [{ name: 'nofile', softLimit: 1024, hardLimit: 4096 }] }),
        describedTd({}, { ulimits: [{ name: 'nofile', softLimit: 1024, hardLimit: 8192 }] }),
      ),
    );
  });

  it('portMappings order is not drift', () => {
    expectSame(
      ...tdPair(
        desiredTd({}, { portMappings: [{ containerPort: 443 }, { containerPort: 80 }, { containerPort: 80, protocol: 'udp' }] }),
        describedTd(
          {},
          {
            portMappings: [
              { containerPort: 80, hostPort: 80, protocol: 'udp' },
              { containerPort: 80, hostPort: 80, protocol: 'tcp' },
              { containerPort: 443, hostPort: 443, protocol: 'tcp' },
            ],
          },
        ),
      ),
    );
  });

  it('extraHosts order is not drift, but the order of entries for one hostname is', () => {
    const a = { hostname: 'a.internal', ipAddress: '10.0.0.1' };
    const b = { hostname: 'b.internal', ipAddress: '10.0.0.2' };
    const b2 = { hostname: 'b.internal', ipAddress: '10.0.0.3' };
    expectSame(...tdPair(desiredTd({}, { extraHosts: [b, a] }), describedTd({}, { extraHosts: [a, b] })));
    expectDifferent(...tdPair(desiredTd({}, { extraHosts: [b, b2] }), describedTd({}, { extraHosts: [b2, b] })));
  });

  it('logConfiguration secretOptions order is not drift', () => {
    const s1 = { name: 'apikey', valueFrom: 'arn:aws:ssm:eu-west-1:123456789012:parameter/k1' };
    const s2 = { name: 'token', valueFrom: 'arn:aws:ssm:eu-west-1:123456789012:parameter/k2' };
    const log = (secretOptions: Json[]): Json => ({
      logConfiguration: { logDriver: 'splunk', options: { 'splunk-url': 'https://splunk.example' }, secretOptions },
    });
    expectSame(...tdPair(desiredTd({}, log([s2, s1])), describedTd({}, log([s1, s2]))));
  });

  it('containerDefinitions order is not drift', () => {
    expectSame(
      ...tdPair(
        desiredTd({}, { name: 'b', image: 'busybox' }, { name: 'a', image: 'nginx:1.27' }),
        describedTd({}, { name: 'a', image: 'nginx:1.27' }, { name: 'b', image: 'busybox' }),
      ),
    );
  });

  it('a changed image is a difference', () => {
    expectDifferent(...tdPair(desiredTd({}, { image: 'nginx:1.27' }), describedTd({}, { image: 'nginx:1.28' })));
  });

  it('placementConstraints and requiresCompatibilities order is not drift', () => {
    const c1 = { type: 'memberOf', expression: 'attribute:ecs.instance-type =~ t3.*' };
    const c2 = { type: 'memberOf', expression: 'attribute:ecs.os-type == linux' };
    expectSame(
      ...tdPair(
        desiredTd({ networkMode: 'bridge', requiresCompatibilities: ['FARGATE', 'EC2'], placementConstraints: [c2, c1] }, {}),
        describedTd({ networkMode: 'bridge', requiresCompatibilities: ['EC2', 'FARGATE'], placementConstraints: [c1, c2] }, {}),
      ),
    );
  });

  it('an added requiresCompatibilities entry is a difference', () => {
    expectDifferent(...tdPair(desiredTd({ requiresCompatibilities: ['FARGATE'] }, {}), describedTd({ requiresCompatibilities: ['EC2', 'FARGATE'] }, {})));
  });
});

describe('task definition: task-level values', () => {
  it('task cpu and memory given in vCPU, GB or as numbers are not drift', () => {
    expectSame(...tdPair(desiredTd({ cpu: '0.25 vCPU', memory: '1 GB' }, {}), describedTd({ cpu: '256', memory: '1024' }, {})));
    expectSame(...tdPair(desiredTd({ cpu: 1024, memory: 2048 }, {}), describedTd({ cpu: '1024', memory: '2048' }, {})));
    expectSame(...tdPair(desiredTd({ cpu: '1 vcpu', memory: '2GB' }, {}), describedTd({ cpu: '1024', memory: '2048' }, {})));
  });

  it('a different task memory is a difference', () => {
    expectDifferent(...tdPair(desiredTd({ memory: '1 GB' }, {}), describedTd({ memory: '2048' }, {})));
  });

  it('an omitted networkMode is bridge', () => {
    const { networkMode: _omitted, ...desired } = desiredTd({ requiresCompatibilities: ['EC2'] }, {});
    expectSame(...tdPair(desired, describedTd({ networkMode: 'bridge', requiresCompatibilities: ['EC2'] }, {})));
  });

  it('awsvpc is a difference from an omitted networkMode', () => {
    const { networkMode: _omitted, ...desired } = desiredTd({}, {});
    expectDifferent(...tdPair(desired, describedTd({ networkMode: 'awsvpc' }, {})));
  });

  it('volumes order, an empty host and an EFS root directory of / are not drift', () => {
    expectSame(
      ...tdPair(
        desiredTd({ volumes: [{ name: 'scratch' }, { name: 'data', efsVolumeConfiguration: { fileSystemId: 'fs-1' } }] }, {}),
        describedTd(
          {
            volumes: [
              { name: 'data', efsVolumeConfiguration: { fileSystemId: 'fs-1', rootDirectory: '/', transitEncryption: 'DISABLED' } },
              { name: 'scratch', host: {} },
            ],
          },
          {},
        ),
      ),
    );
  });

  it('a different EFS root directory is a difference', () => {
    expectDifferent(
      ...tdPair(
        desiredTd({ volumes: [{ name: 'data', efsVolumeConfiguration: { fileSystemId: 'fs-1' } }] }, {}),
        describedTd({ volumes: [{ name: 'data', efsVolumeConfiguration: { fileSystemId: 'fs-1', rootDirectory: '/app' } }] }, {}),
      ),
    );
  });

  it('numeric strings where the API takes a number are not drift', () => {
    expectSame(
      ...tdPair(
        desiredTd({}, { memoryReservation: '128', portMappings: [{ containerPort: '80', hostPort: '80' }], stopTimeout: '30' }),
        describedTd({}, { memoryReservation: 128, portMappings: [{ containerPort: 80, hostPort: 80, protocol: 'tcp' }], stopTimeout: 30 }),
      ),
    );
  });

  it('a numeric string where the API takes a string stays a string', () => {
    const out = normalizeTaskDefinition(desiredTd({}, { user: '1000', environment: [{ name: 'PORT', value: '80' }] }));
    const container = first(out.containerDefinitions);
    expect(container.user).toBe('1000');
    expect(first(container.environment).value).toBe('80');
  });

  it('a different number given as a string is a difference', () => {
    expectDifferent(...tdPair(desiredTd({}, { memoryReservation: '128' }), describedTd({}, { memoryReservation: 256 })));
  });

  it('empty lists, empty objects and nulls are not drift', () => {
    expectSame(
      ...tdPair(
        desiredTd({ placementConstraints: [], volumes: [] }, { command: [], dockerLabels: {}, linuxParameters: { capabilities: { add: [] } }, links: null }),
        describedTd({}, {}),
      ),
    );
  });

  it('normalization is idempotent', () => {
    const live = fixture('describe-task-definition.json').taskDefinition as Json;
    const once = normalizeTaskDefinition(projectLiveTaskDefinition(live));
    expect(normalizeTaskDefinition(once)).toStrictEqual(once);
  });
});

// ---- services ---------------------------------------------------------------------------

const TD_ARN = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/my-app-task:7';
const TG = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web/0123456789abcdef';

/** A DescribeServices `services[]` item with what ECS fills in for a plain REPLICA
 * service on Fargate. */
function describedService(fields: Json): Json {
  return {
    serviceArn: 'arn:aws:ecs:eu-west-1:123456789012:service/prod/web',
    serviceName: 'web',
    clusterArn: 'arn:aws:ecs:eu-west-1:123456789012:cluster/prod',
    loadBalancers: [],
    serviceRegistries: [],
    status: 'ACTIVE',
    desiredCount: 2,
    runningCount: 2,
    pendingCount: 0,
    launchType: 'FARGATE',
    platformVersion: 'LATEST',
    platformFamily: 'Linux',
    taskDefinition: TD_ARN,
    deploymentConfiguration: {
      deploymentCircuitBreaker: { enable: false, rollback: false },
      maximumPercent: 200,
      minimumHealthyPercent: 100,
      alarms: { alarmNames: [], rollback: false, enable: false },
      strategy: 'ROLLING',
    },
    deployments: [{ id: 'ecs-svc/1', status: 'PRIMARY', taskDefinition: TD_ARN, desiredCount: 2, rolloutState: 'COMPLETED' }],
    events: [],
    createdAt: new Date('2025-01-15T10:00:00Z'),
    placementConstraints: [],
    placementStrategy: [],
    networkConfiguration: {
      awsvpcConfiguration: { subnets: ['subnet-0a'], securityGroups: ['sg-0a'], assignPublicIp: 'DISABLED' },
    },
    healthCheckGracePeriodSeconds: 0,
    schedulingStrategy: 'REPLICA',
    deploymentController: { type: 'ECS' },
    createdBy: 'arn:aws:iam::123456789012:role/deployer',
    enableECSManagedTags: false,
    propagateTags: 'NONE',
    enableExecuteCommand: false,
    availabilityZoneRebalancing: 'ENABLED',
    ...fields,
  };
}

function desiredService(fields: Json): Json {
  return {
    taskDefinition: TD_ARN,
    desiredCount: 2,
    launchType: 'FARGATE',
    networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-0a'], securityGroups: ['sg-0a'] } },
    ...fields,
  };
}

function svcPair(desired: Json, described: Json): [Json, Json] {
  return [normalizeService(desired), normalizeService(projectLiveService(described, {}))];
}

describe('service projection', () => {
  it('a live service and its manifest are in sync', () => {
    const live = first(fixture('describe-services.json').services);
    expectSame(normalizeService(fixture('desired-service.json')), normalizeService(projectLiveService(live, {})));
  });

  it('roleArn is read back as role and the taskDefinition from the PRIMARY deployment', () => {
    const live = describedService({
      roleArn: 'arn:aws:iam::123456789012:role/ecsServiceRole',
      taskDefinition: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/my-app-task:8',
      deployments: [
        { status: 'ACTIVE', taskDefinition: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/my-app-task:6' },
        { status: 'PRIMARY', taskDefinition: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/my-app-task:8' },
      ],
    });
    const projected = projectLiveService(live, {});
    expect(projected.role).toBe('arn:aws:iam::123456789012:role/ecsServiceRole');
    expect(projected).not.toHaveProperty('roleArn');
    expect(projected.taskDefinition).toBe('arn:aws:ecs:eu-west-1:123456789012:task-definition/my-app-task:8');
    expect(projectLiveService(live, { primaryTaskDefinitionArn: TD_ARN }).taskDefinition).toBe(TD_ARN);
    for (const outputOnly of ['serviceArn', 'status', 'runningCount', 'deployments', 'events', 'createdAt', 'createdBy']) {
      expect(projected).not.toHaveProperty(outputOnly);
    }
  });

  it('serviceConnectConfiguration and volumeConfigurations are read from the PRIMARY deployment', () => {
    const sc = {
      enabled: true,
      namespace: 'arn:aws:servicediscovery:eu-west-1:123456789012:namespace/ns-abc',
      services: [{ portName: 'http', discoveryName: 'http', clientAliases: [{ port: 80 }] }],
    };
    const live = describedService({
      deployments: [
        { status: 'PRIMARY', taskDefinition: TD_ARN, serviceConnectConfiguration: sc, volumeConfigurations: [] },
        { status: 'ACTIVE', taskDefinition: TD_ARN, serviceConnectConfiguration: { enabled: false } },
      ],
    });
    expect(projectLiveService(live, {}).serviceConnectConfiguration).toEqual(sc);
    // discoveryName equal to portName is what ECS uses when none is given.
    expectSame(...svcPair(desiredService({ serviceConnectConfiguration: { ...sc, services: [{ portName: 'http', clientAliases: [{ port: '80' }] }] } }), live));
  });

  it('a changed service connect discovery name is a difference', () => {
    const sc = (discoveryName: string): Json => ({ enabled: true, namespace: 'ns', services: [{ portName: 'http', discoveryName }] });
    expectDifferent(
      ...svcPair(
        desiredService({ serviceConnectConfiguration: sc('web') }),
        describedService({ deployments: [{ status: 'PRIMARY', taskDefinition: TD_ARN, serviceConnectConfiguration: sc('http') }] }),
      ),
    );
  });
});

describe('service: defaults ECS fills in', () => {
  it('REPLICA deployment configuration defaults are not drift', () => {
    expectSame(...svcPair(desiredService({}), describedService({})));
    expectSame(...svcPair(desiredService({ deploymentConfiguration: { maximumPercent: 200, minimumHealthyPercent: 100 } }), describedService({})));
  });

  it('minimumHealthyPercent 50 is a difference', () => {
    expectDifferent(...svcPair(desiredService({}), describedService({ deploymentConfiguration: { maximumPercent: 200, minimumHealthyPercent: 50 } })));
  });

  it('DAEMON deployment configuration defaults are not drift', () => {
    const daemonLive = describedService({
      schedulingStrategy: 'DAEMON',
      launchType: 'EC2',
      platformVersion: undefined,
      deploymentConfiguration: { maximumPercent: 100, minimumHealthyPercent: 0 },
    });
    expectSame(...svcPair(desiredService({ schedulingStrategy: 'DAEMON', launchType: 'EC2' }), daemonLive));
  });

  it('a DAEMON service with the REPLICA maximumPercent is a difference', () => {
    expectDifferent(
      ...svcPair(
        desiredService({ schedulingStrategy: 'DAEMON', launchType: 'EC2' }),
        describedService({ schedulingStrategy: 'DAEMON', launchType: 'EC2', deploymentConfiguration: { maximumPercent: 200, minimumHealthyPercent: 0 } }),
      ),
    );
  });

  it('a circuit breaker turned on is a difference', () => {
    expectDifferent(
      ...svcPair(desiredService({}), describedService({ deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: false } } })),
    );
  });

  it('scheduling strategy, deployment controller, tag propagation and exec defaults are not drift', () => {
    expectSame(
      ...svcPair(
        desiredService({
          schedulingStrategy: 'REPLICA',
          deploymentController: { type: 'ECS' },
          propagateTags: 'NONE',
          enableECSManagedTags: false,
        }),
        describedService({}),
      ),
    );
  });

  it('enableExecuteCommand true is a difference', () => {
    expectDifferent(...svcPair(desiredService({}), describedService({ enableExecuteCommand: true })));
  });

  it('propagateTags SERVICE is a difference', () => {
    expectDifferent(...svcPair(desiredService({}), describedService({ propagateTags: 'SERVICE' })));
  });

  it('platformVersion LATEST is not drift', () => {
    expectSame(...svcPair(desiredService({ platformVersion: 'LATEST' }), describedService({})));
    expectSame(...svcPair(desiredService({}), describedService({ platformVersion: 'LATEST' })));
  });

  it('a pinned platform version is a difference', () => {
    expectDifferent(...svcPair(desiredService({}), describedService({ platformVersion: '1.4.0' })));
  });

  it('healthCheckGracePeriodSeconds 0 is not drift', () => {
    expectSame(...svcPair(desiredService({}), describedService({ healthCheckGracePeriodSeconds: 0 })));
  });

  it('a health check grace period is a difference', () => {
    expectDifferent(...svcPair(desiredService({}), describedService({ healthCheckGracePeriodSeconds: 60 })));
  });

  it('assignPublicIp DISABLED and subnet and security group order are not drift', () => {
    expectSame(
      ...svcPair(
        desiredService({ networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-0b', 'subnet-0a'], securityGroups: ['sg-2', 'sg-1'] } } }),
        describedService({
          networkConfiguration: {
            awsvpcConfiguration: { subnets: ['subnet-0a', 'subnet-0b'], securityGroups: ['sg-1', 'sg-2'], assignPublicIp: 'DISABLED' },
          },
        }),
      ),
    );
  });

  it('a public IP or a removed subnet is a difference', () => {
    const desired = desiredService({ networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-0a', 'subnet-0b'] } } });
    expectDifferent(
      ...svcPair(
        desired,
        describedService({ networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-0a', 'subnet-0b'], assignPublicIp: 'ENABLED' } } }),
      ),
    );
    expectDifferent(
      ...svcPair(desired, describedService({ networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-0a'], assignPublicIp: 'DISABLED' } } })),
    );
  });

  it('loadBalancers order is not drift', () => {
    const lb1 = { targetGroupArn: `${TG}-a`, containerName: 'web', containerPort: 80 };
    const lb2 = { targetGroupArn: `${TG}-b`, containerName: 'web', containerPort: 8080 };
    expectSame(...svcPair(desiredService({ loadBalancers: [lb2, lb1] }), describedService({ loadBalancers: [lb1, lb2] })));
  });

  it('a changed load balancer container port is a difference', () => {
    expectDifferent(
      ...svcPair(
        desiredService({ loadBalancers: [{ targetGroupArn: TG, containerName: 'web', containerPort: 80 }] }),
        describedService({ loadBalancers: [{ targetGroupArn: TG, containerName: 'web', containerPort: 8080 }] }),
      ),
    );
  });

  it('capacityProviderStrategy order and zero weight or base are not drift', () => {
    expectSame(
      ...svcPair(
        desiredService({
          launchType: undefined,
          capacityProviderStrategy: [
            { capacityProvider: 'FARGATE_SPOT', weight: 3 },
            { capacityProvider: 'FARGATE', weight: 1, base: 1 },
          ],
        }),
        describedService({
          launchType: undefined,
          capacityProviderStrategy: [
            { capacityProvider: 'FARGATE', weight: 1, base: 1 },
            { capacityProvider: 'FARGATE_SPOT', weight: 3, base: 0 },
          ],
        }),
      ),
    );
  });

  it('a changed capacity provider weight is a difference', () => {
    expectDifferent(
      ...svcPair(
        desiredService({ launchType: undefined, capacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }] }),
        describedService({ launchType: undefined, capacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 2, base: 0 }] }),
      ),
    );
  });

  it('availabilityZoneRebalancing ENABLED is not drift', () => {
    expectSame(...svcPair(desiredService({}), describedService({ availabilityZoneRebalancing: 'ENABLED' })));
  });

  it('availabilityZoneRebalancing DISABLED is a difference', () => {
    expectDifferent(...svcPair(desiredService({}), describedService({ availabilityZoneRebalancing: 'DISABLED' })));
  });

  it('the ECS service-linked role ECS reports is not drift from no role', () => {
    expectSame(
      ...svcPair(desiredService({}), describedService({ roleArn: 'arn:aws:iam::123456789012:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS' })),
    );
  });

  it('a role given by name is not drift from the role ARN ECS returns', () => {
    expectSame(...svcPair(desiredService({ role: 'ecsServiceRole' }), describedService({ roleArn: 'arn:aws:iam::123456789012:role/ecsServiceRole' })));
    expectSame(...svcPair(desiredService({ role: '/ops/lbRole' }), describedService({ roleArn: 'arn:aws:iam::123456789012:role/ops/lbRole' })));
  });

  it('a different role is a difference', () => {
    expectDifferent(...svcPair(desiredService({ role: 'ecsServiceRole' }), describedService({ roleArn: 'arn:aws:iam::123456789012:role/otherRole' })));
  });
});

describe('service: lists', () => {
  it('placementConstraints order is not drift', () => {
    const c1 = { type: 'distinctInstance' };
    const c2 = { type: 'memberOf', expression: 'attribute:ecs.instance-type =~ t3.*' };
    expectSame(
      ...svcPair(
        desiredService({ launchType: 'EC2', placementConstraints: [c2, c1] }),
        describedService({ launchType: 'EC2', platformVersion: undefined, placementConstraints: [c1, c2] }),
      ),
    );
  });

  it('placementStrategy order is a difference (strategies apply in order)', () => {
    const spread = { type: 'spread', field: 'attribute:ecs.availability-zone' };
    const binpack = { type: 'binpack', field: 'memory' };
    expectDifferent(
      ...svcPair(
        desiredService({ launchType: 'EC2', placementStrategy: [spread, binpack] }),
        describedService({ launchType: 'EC2', placementStrategy: [binpack, spread] }),
      ),
    );
  });

  it('spread by host is not drift from spread by instanceId', () => {
    expectSame(
      ...svcPair(
        desiredService({ launchType: 'EC2', placementStrategy: [{ type: 'spread', field: 'host' }] }),
        describedService({ launchType: 'EC2', placementStrategy: [{ type: 'spread', field: 'instanceId' }] }),
      ),
    );
  });

  it('the taskDefinition is compared as given (the caller resolves it to an ARN)', () => {
    expectDifferent(...svcPair(desiredService({ taskDefinition: 'my-app-task:7' }), describedService({})));
    expectDifferent(...svcPair(desiredService({}), describedService({ taskDefinition: TD_ARN.replace(':7', ':8'), deployments: [] })));
  });

  it('desiredCount as a numeric string is not drift, a changed desiredCount is a difference', () => {
    expectSame(...svcPair(desiredService({ desiredCount: '2' }), describedService({})));
    expectDifferent(...svcPair(desiredService({ desiredCount: 3 }), describedService({})));
  });
});

// ---- clusters ---------------------------------------------------------------------------

function describedCluster(fields: Json): Json {
  return {
    clusterArn: 'arn:aws:ecs:eu-west-1:123456789012:cluster/prod',
    clusterName: 'prod',
    status: 'ACTIVE',
    registeredContainerInstancesCount: 0,
    runningTasksCount: 0,
    pendingTasksCount: 0,
    activeServicesCount: 0,
    statistics: [],
    tags: [],
    settings: [{ name: 'containerInsights', value: 'disabled' }],
    capacityProviders: [],
    defaultCapacityProviderStrategy: [],
    attachments: [],
    ...fields,
  };
}

function clusterPair(desired: Json, described: Json): [Json, Json] {
  return [normalizeCluster(desired), normalizeCluster(projectLiveCluster(described))];
}

describe('cluster', () => {
  it('a live cluster and its manifest are in sync', () => {
    const live = first(fixture('describe-clusters.json').clusters);
    expectSame(
      ...clusterPair(
        {
          capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
          defaultCapacityProviderStrategy: [
            { capacityProvider: 'FARGATE', weight: 1, base: 1 },
            { capacityProvider: 'FARGATE_SPOT', weight: '3' },
          ],
          settings: [{ name: 'containerInsights', value: 'enabled' }],
          serviceConnectDefaults: { namespace: 'arn:aws:servicediscovery:eu-west-1:123456789012:namespace/ns-abcdefghijklmnop' },
        },
        live,
      ),
    );
  });

  it('projection keeps only CreateCluster input fields', () => {
    const live = first(fixture('describe-clusters.json').clusters);
    expect(Object.keys(projectLiveCluster(live)).sort()).toEqual([
      'capacityProviders',
      'defaultCapacityProviderStrategy',
      'serviceConnectDefaults',
      'settings',
    ]);
  });

  it('containerInsights disabled is not drift from no settings', () => {
    expectSame(...clusterPair({}, describedCluster({})));
    expectSame(...clusterPair({ settings: [{ name: 'containerInsights', value: 'disabled' }] }, describedCluster({})));
  });

  it('containerInsights enabled is a difference', () => {
    expectDifferent(...clusterPair({}, describedCluster({ settings: [{ name: 'containerInsights', value: 'enabled' }] })));
  });

  it('capacityProviders and default strategy order is not drift', () => {
    expectSame(
      ...clusterPair(
        {
          capacityProviders: ['FARGATE_SPOT', 'FARGATE'],
          defaultCapacityProviderStrategy: [
            { capacityProvider: 'FARGATE_SPOT', weight: 1 },
            { capacityProvider: 'FARGATE', weight: 1 },
          ],
        },
        describedCluster({
          capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
          defaultCapacityProviderStrategy: [
            { capacityProvider: 'FARGATE', weight: 1, base: 0 },
            { capacityProvider: 'FARGATE_SPOT', weight: 1, base: 0 },
          ],
        }),
      ),
    );
  });

  it('a changed default strategy base is a difference', () => {
    expectDifferent(
      ...clusterPair(
        { defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }] },
        describedCluster({ defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1, base: 2 }] }),
      ),
    );
  });

  it('execute command logging DEFAULT is not drift', () => {
    expectSame(
      ...clusterPair(
        { configuration: { executeCommandConfiguration: { kmsKeyId: 'k' } } },
        describedCluster({ configuration: { executeCommandConfiguration: { kmsKeyId: 'k', logging: 'DEFAULT' } } }),
      ),
    );
    expectDifferent(...clusterPair({}, describedCluster({ configuration: { executeCommandConfiguration: { logging: 'NONE' } } })));
  });
});

// ---- canonicalJson ------------------------------------------------------------------------

describe('canonicalJson', () => {
  it('does not depend on object key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, 2], c: 'x' } })).toBe(canonicalJson({ a: { c: 'x', d: [1, 2] }, b: 1 }));
    expect(canonicalJson({ b: 1, a: 2 })).toBe('{"a":2,"b":1}');
  });

  it('keeps list order and leaves out undefined members', () => {
    expect(canonicalJson([2, 1])).not.toBe(canonicalJson([1, 2]));
    expect(canonicalJson({ a: undefined, b: null })).toBe('{"b":null}');
    expect(canonicalJson(undefined)).toBe('null');
  });

  it('is equal for a manifest and the live task definition it matches', () => {
    const live = fixture('describe-task-definition.json').taskDefinition as Json;
    expect(canonicalJson(normalizeTaskDefinition(fixture('desired-task-definition.json')))).toBe(
      canonicalJson(normalizeTaskDefinition(projectLiveTaskDefinition(live))),
    );
  });
});

// ---- the compiled walker and the canonical text: exactly what was hashed before --------------
// Applied hashes are recorded on live resources (test/applied-hash.golden.test.ts): the
// compiled tables and the sorted-order shortcut must give the very text and normal form
// the path-joining walker and the sorted copy gave, on odd input too.

/** canonicalJson as it was first written: a copy with every object's keys sorted, stringified. */
function sortedCopyJson(value: unknown): string {
  const sorted = (v: unknown): unknown => {
    if (v !== null && typeof v === 'object' && 'toJSON' in v) {
      const toJSON = (v as { toJSON: unknown }).toJSON;
      if (typeof toJSON === 'function') return sorted(toJSON.call(v));
    }
    if (Array.isArray(v)) return v.map(sorted);
    if (typeof v === 'object' && v !== null && !(v instanceof Date)) {
      const out: Json = Object.create(null);
      for (const k of Object.keys(v).sort()) out[k] = sorted((v as Json)[k]);
      return out;
    }
    return v;
  };
  return JSON.stringify(sorted(value)) ?? 'null';
}

describe('canonicalJson gives the sorted copy’s text', () => {
  const nullRecord = (entries: Array<[string, unknown]>): Json => Object.assign(Object.create(null) as Json, Object.fromEntries(entries));
  const cases: Array<[string, unknown]> = [
    ['keys out of order, nested', { b: { z: 1, y: [{ d: 1, c: 2 }] }, a: null }],
    ['integer-like keys (listed first, in numeric order, by every object)', { b: 1, 10: 'x', 9: 'y', a: { 2: 1, 10: 2 } }],
    ['keys already in order', { a: 1, b: { c: [1, 'x', null], d: true } }],
    [
      'null-prototype records, one with a "__proto__" key',
      nullRecord([
        ['__proto__', 'p'],
        [
          'a',
          nullRecord([
            ['y', 1],
            ['x', 2],
          ]),
        ],
      ]),
    ],
    ['Dates, one invalid', { at: new Date(1700000000000), bad: new Date(Number.NaN), list: [new Date(0)] }],
    ['a toJSON that answers unsorted keys', { a: { toJSON: () => ({ y: 1, x: 2 }) } }],
    ['a member named toJSON that is not a function', { toJSON: 'x', a: 1 }],
    [
      'boxed values, a Map and a class instance',
      // keys in order, so that only what these objects are can tell the two texts apart
      {
        c: new (class Point {
          x = 2;
          y = 1;
        })(),
        m: new Map([['k', 1]]),
        n: Object(1),
        s: Object('ab'),
      },
    ],
    // biome-ignore lint/suspicious/noSparseArray: a hole is what is tested
    ['holes, undefined and functions in lists and objects', { l: [1, , undefined, () => 1], u: undefined, f: () => 1 }],
    ['numbers JSON cannot write', [Number.NaN, -0, Number.POSITIVE_INFINITY, 1e21]],
    ['nothing at all', undefined],
    ['a string', 'x"y'],
  ];
  for (const [name, value] of cases) it(`for ${name}`, () => expect(canonicalJson(value)).toBe(sortedCopyJson(value)));

  it('for seeded random trees of objects, lists and scalars', () => {
    const random = mulberry32(19);
    const keys = ['a', 'b', 'B', '_', '0', '1', '10', '2', 'é', 'aa', '__proto__', 'toJSON'];
    const tree = (depth: number): unknown => {
      const r = random();
      if (depth > 3 || r < 0.3) return [1, 'x', null, undefined, true, 0, -1.5, ''][Math.floor(random() * 8)];
      if (r < 0.5) return Array.from({ length: Math.floor(random() * 4) }, () => tree(depth + 1));
      const o: Json = random() < 0.5 ? {} : Object.create(null);
      for (let i = Math.floor(random() * 5); i > 0; i--) {
        Object.defineProperty(o, keys[Math.floor(random() * keys.length)] as string, {
          value: tree(depth + 1),
          enumerable: true,
          configurable: true,
          writable: true,
        });
      }
      return o;
    };
    for (let i = 0; i < 2000; i++) {
      const value = tree(0);
      expect(canonicalJson(value)).toBe(sortedCopyJson(value));
    }
  });
});

describe('the compiled walker', () => {
  it('a key holding dots is matched by the path its dots spell, as the joined path always matched it', () => {
    const container = { name: 'web', image: 'nginx', 'healthCheck.interval': '30', 'healthCheck.timeout': '7' };
    expect(normalizeTaskDefinition({ containerDefinitions: [container] })).toEqual({
      containerDefinitions: [{ name: 'web', image: 'nginx', 'healthCheck.timeout': 7 }],
    });
  });

  it('an empty string below every rule is kept where it is data and dropped where it means unset', () => {
    const container = {
      name: 'web',
      image: 'nginx',
      user: '',
      dockerLabels: { empty: '' },
      environment: [{ name: 'EMPTY', value: '' }],
      logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '' } },
      command: ['', 'x'],
    };
    expect(normalizeTaskDefinition({ containerDefinitions: [container] })).toEqual({
      containerDefinitions: [
        {
          name: 'web',
          image: 'nginx',
          dockerLabels: { empty: '' },
          environment: [{ name: 'EMPTY', value: '' }],
          logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '' } },
          command: ['', 'x'],
        },
      ],
    });
  });

  it('its result shares no object with its input, even where no rule changed anything', () => {
    const spec = desiredTd({}, { portMappings: [{ containerPort: 80 }], environment: [{ name: 'A', value: '1' }], dockerLabels: { a: '1' } });
    const before = canonicalJson(spec);
    const out = normalizeTaskDefinition(spec);
    const c = first(out.containerDefinitions);
    first(c.portMappings).containerPort = 81;
    first(c.environment).value = '2';
    (c.dockerLabels as Json).a = '2';
    out.cpu = '1';
    expect(canonicalJson(spec)).toBe(before);
  });

  it('builds every object it returns without a prototype, its keys in sorted order', () => {
    const out = normalizeTaskDefinition(desiredTd({}, { environment: [{ value: '1', name: 'A' }], dockerLabels: { b: '1', a: '2' } }));
    const objects = (v: unknown): Json[] =>
      Array.isArray(v) ? v.flatMap(objects) : typeof v === 'object' && v !== null ? [v as Json, ...Object.values(v).flatMap(objects)] : [];
    for (const o of objects(out)) {
      expect(Object.getPrototypeOf(o)).toBeNull();
      expect(Object.keys(o)).toEqual(Object.keys(o).sort());
    }
  });
});
