// EC2 services on the emulator (issue 17 item 3): bridge mode with dynamic host ports,
// host mode, DAEMON scheduling, placement constraints and strategies, in the cluster
// `prod` that the emulator gives container instances (scripts/emulator_ext/capacity.py).
// Each estate converges, plans in-sync, and a second apply makes no mutating call; export
// of such services round-trips. The ECS shapes these rely on (hostPort 0 + tcp answered
// for a left-out bridge hostPort, DAEMON desiredCount = instances) are the extensions'
// (CAPACITY GAP 12, 13), each with its own test in emulator-capacity.test.ts.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateCapacityProviderCommand, DescribeServicesCommand, DescribeTaskDefinitionCommand, ListTasksCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { renderText } from '../../src/report/index.js';
import { emulatorEnv, emulatorVar, resetEmulator } from './emulator-helpers.js';
import { ecsClient, type PassRun, REPO_ROOT, reconcile, runCli, scratchManifests, states } from './reconcile-helpers.js';

const ESTATES = join(REPO_ROOT, 'test', 'fixtures', 'ec2-services');
const ecs = ecsClient();
afterAll(() => ecs.destroy());
beforeEach(async () => {
  await resetEmulator();
});

function changesOf(pass: PassRun): string[] {
  return pass.diffs.flatMap((d) => d.changes.map((c) => `${d.id} ${c.path}: ${JSON.stringify(c.live)} -> ${JSON.stringify(c.desired)}`));
}

async function convergesAtOnce(estate: string): Promise<{ dir: string; applied: PassRun }> {
  const dir = scratchManifests(join(ESTATES, estate));
  const applied = await reconcile(dir, { mode: 'apply' });
  expect(applied.problems, JSON.stringify(applied.problems)).toEqual([]);
  const plan = await reconcile(dir, { mode: 'plan' });
  expect(changesOf(plan)).toEqual([]);
  expect(
    Object.values(states(plan)).every((s) => s === 'in-sync'),
    JSON.stringify(states(plan)),
  ).toBe(true);
  const again = await reconcile(dir, { mode: 'apply' });
  expect(again.mutatingCalls, JSON.stringify(again.calls)).toBe(0);
  return { dir, applied };
}

async function service(name: string) {
  return (await ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: [name] }))).services![0]!;
}

it('the EC2 cluster of these estates is the one the emulator gives container instances', () => {
  expect(emulatorVar('EC2_CLUSTER')).toBe('prod');
});

describe('bridge mode with dynamic host ports', () => {
  it('converges and plans in-sync: hostPort left out and hostPort 0 are the same dynamic mapping', async () => {
    const { applied } = await convergesAtOnce('bridge');
    expect(applied.calls.CreateService).toBe(1);
    const svc = await service('web-bridge');
    expect(svc.launchType).toBe('EC2');
    // "A platform version is only specified for tasks that are hosted on Fargate" (Service.platformVersion)
    expect(svc.platformVersion).toBeUndefined();
    expect(svc.networkConfiguration?.awsvpcConfiguration).toBeUndefined();
    const td = (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'web-bridge' }))).taskDefinition!;
    expect(td.containerDefinitions!.find((c) => c.name === 'web')!.portMappings).toEqual([
      { containerPort: 80, hostPort: 0, protocol: 'tcp' },
      { containerPort: 443, hostPort: 0, protocol: 'tcp' },
    ]);
  });

  it('while its tasks run, a plan finds nothing to change', async () => {
    // The emulator's rollout (deployments.py) starts a service's tasks without placing them on a
    // container instance (ECS would, with ephemeral host ports: emulator-capacity.test.ts covers
    // that for RunTask); the network bindings are runtime state and never part of the diff.
    const dir = scratchManifests(join(ESTATES, 'bridge'));
    await reconcile(dir, { mode: 'apply' });
    const arns = (await ecs.send(new ListTasksCommand({ cluster: 'prod', serviceName: 'web-bridge' }))).taskArns ?? [];
    expect(arns.length).toBeGreaterThan(0);
    const plan = await reconcile(dir, { mode: 'plan' });
    expect(changesOf(plan)).toEqual([]);
    expect(states(plan)).toMatchObject({ 'Service/us-east-1/prod/web-bridge': 'in-sync' });
  });
});

describe('host mode', () => {
  it('converges and plans in-sync: a host port left out is the container port', async () => {
    await convergesAtOnce('host');
    const td = (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'metrics-host' }))).taskDefinition!;
    expect(td.containerDefinitions![0]!.portMappings).toEqual([
      { containerPort: 9100, hostPort: 9100, protocol: 'tcp' },
      { containerPort: 9101, hostPort: 9101, protocol: 'tcp' },
    ]);
  });
});

describe('DAEMON scheduling', () => {
  it('converges and plans in-sync: the desiredCount ECS sets (one task per instance) is never drift', async () => {
    await convergesAtOnce('daemon');
    const svc = await service('log-agent');
    expect(svc.schedulingStrategy).toBe('DAEMON');
    expect(svc.launchType).toBe('EC2');
    expect(svc.desiredCount).toBe(2);
  });
});

describe('placement constraints and strategies', () => {
  it('round-trip with no drift, the strategies in their order', async () => {
    await convergesAtOnce('placement');
    const svc = await service('api-placed');
    expect(svc.placementStrategy).toEqual([
      { type: 'spread', field: 'attribute:ecs.availability-zone' },
      { type: 'binpack', field: 'memory' },
    ]);
    expect(svc.placementConstraints).toHaveLength(2);
  });

  it('a reordered strategy list is a change (ECS applies the strategies in order)', async () => {
    const dir = scratchManifests(join(ESTATES, 'placement'));
    await reconcile(dir, { mode: 'apply' });
    const { writeFileSync, readFileSync } = await import('node:fs');
    const file = join(dir, 'all.yaml');
    const text = readFileSync(file, 'utf8');
    writeFileSync(
      file,
      text.replace(
        '    - { type: spread, field: "attribute:ecs.availability-zone" }\n    - { type: binpack, field: memory }',
        '    - { type: binpack, field: memory }\n    - { type: spread, field: "attribute:ecs.availability-zone" }',
      ),
    );
    const plan = await reconcile(dir, { mode: 'plan' });
    expect(states(plan)).toMatchObject({ 'Service/us-east-1/prod/api-placed': 'pending' });
    expect(changesOf(plan).some((c) => c.includes('placementStrategy'))).toBe(true);
  });
});

describe('export of EC2 services', () => {
  it('round-trips: the exported manifests of bridge, host, DAEMON and placed services plan in-sync', async () => {
    for (const estate of ['bridge', 'host', 'daemon', 'placement']) {
      await reconcile(scratchManifests(join(ESTATES, estate)), { mode: 'apply' });
    }
    const out = mkdtempSync(join(tmpdir(), 'ec2-export-'));
    const exported = await runCli(['export', '--cluster', 'prod', '--out', out, '--endpoint', emulatorEnv().endpoint]);
    expect(exported.code, exported.stderr).toBe(0);
    const plan = await reconcile(out, { mode: 'plan', adopt: true });
    expect(plan.problems, JSON.stringify(plan.problems)).toEqual([]);
    expect(changesOf(plan)).toEqual([]);
    expect(
      plan.diffs
        .filter((d) => d.kind === 'Service')
        .map((d) => d.name)
        .sort(),
    ).toEqual(['api-placed', 'log-agent', 'metrics-host', 'web-bridge']);
  });
});

describe('capacity by provider in the report (issue 17 item 6)', () => {
  it("the cluster's container instances and the provider's managed scaling target are reported; the service's launch type is what it runs on", async () => {
    // the provider over the emulator's Auto Scaling group, made as another tool would (the
    // CapacityProvider kind is not in these estates); its instances register into `prod`
    await ecs.send(
      new CreateCapacityProviderCommand({
        name: 'ec2',
        autoScalingGroupProvider: { autoScalingGroupArn: emulatorVar('EC2_ASG_ARN'), managedScaling: { status: 'ENABLED', targetCapacity: 80 } },
      }),
    );
    const dir = scratchManifests(join(ESTATES, 'bridge'));
    const { writeFileSync, readFileSync } = await import('node:fs');
    const file = join(dir, 'all.yaml');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace('metadata: { name: prod }\nspec: {}', 'metadata: { name: prod }\nspec:\n  capacityProviders: [ec2]'),
    );
    const applied = await reconcile(dir, { mode: 'apply' });
    expect(applied.problems, JSON.stringify(applied.problems)).toEqual([]);
    const plan = await reconcile(dir, { mode: 'plan' });
    expect(changesOf(plan)).toEqual([]);
    const cluster = plan.report.resources.find((r) => r.kind === 'Cluster')!;
    expect(cluster.health).toMatchObject({
      registeredContainerInstances: 2,
      capacity: [{ provider: 'ec2', containerInstances: 2, targetCapacity: 80 }],
    });
    expect(plan.calls.DescribeContainerInstances).toBe(1);
    expect(plan.report.resources.find((r) => r.kind === 'Service')!.health).toMatchObject({ runsOn: ['EC2'] });
    expect(renderText(plan.report, { show: 'all' })).toMatch(/capacity: ec2: 2 instance\(s\), \d+ task\(s\) running, target 80%/);
  });
});
