// Issue 12 ("Never fight ECS") on the emulator, which answers in ECS's shapes through the
// start-up extensions (scripts/emulator_ext/ecs_gaps.py GAP 1, 9 and 10): for each class
// of server-filled or differently spelled value, apply, then plan again finds nothing,
// and a second apply makes no mutating call at all. The documented ECS shape of each is
// unit-tested in test/ecs-shapes.test.ts.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { emulatorEnv, emulatorVar, resetEmulator } from './emulator-helpers.js';
import { ecsClient, type PassRun, REPO_ROOT, reconcile, scratchManifests, states } from './reconcile-helpers.js';

const ESTATES = join(REPO_ROOT, 'test', 'fixtures', 'ecs-shapes', 'estates');
const ecs = ecsClient();
afterAll(() => ecs.destroy());
// each class alone on an empty account: nothing of another estate reads as orphaned
beforeEach(async () => {
  await resetEmulator();
});

function changesOf(pass: PassRun): string[] {
  return pass.diffs.flatMap((d) => d.changes.map((c) => `${d.id} ${c.path}: ${JSON.stringify(c.live)} -> ${JSON.stringify(c.desired)}`));
}

/** apply; plan again finds nothing; a second apply makes no mutating call. */
async function convergesAtOnce(estate: string): Promise<{ dir: string; applied: PassRun; plan: PassRun }> {
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
  return { dir, applied, plan };
}

describe('class 1: launch type and strategy inherited from the cluster', () => {
  it('a service without either, in a cluster without a default strategy, runs on EC2 and is in sync at once', async () => {
    await convergesAtOnce('launch-type-ec2');
    const svc = (await ecs.send(new DescribeServicesCommand({ cluster: 'shapes-ec2', services: ['web'] }))).services![0]!;
    expect(svc.launchType).toBe('EC2');
  });

  it("a service without either takes the cluster's default strategy: never drift, never a replacement (allow-replace on)", async () => {
    const { applied } = await convergesAtOnce('cluster-default-strategy');
    expect(applied.calls.CreateService).toBe(1);
    const svc = (await ecs.send(new DescribeServicesCommand({ cluster: 'shapes-cps', services: ['web'] }))).services![0]!;
    expect(svc.launchType).toBeUndefined();
    expect(svc.capacityProviderStrategy?.map((s) => s.capacityProvider).sort()).toEqual(['FARGATE', 'FARGATE_SPOT']);
  });
});

describe('class 2: Service Connect without namespace', () => {
  it("the cluster's default namespace ECS fills in is no drift", async () => {
    await convergesAtOnce('service-connect-default');
  });
});

describe('classes 3, 4, 9: roles by name, "" and null, task sizes in vCPU and GB', () => {
  it('one revision is registered, and none again', async () => {
    const { applied } = await convergesAtOnce('roles-empty-units');
    expect(applied.calls.RegisterTaskDefinition).toBe(1);
    const td = (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'shapes-td-app' }))).taskDefinition!;
    expect(td.taskRoleArn).toMatch(/^arn:aws:iam::\d{12}:role\/ecsTaskRole$/);
    expect([td.cpu, td.memory]).toEqual(['256', '512']);
    expect(td.containerDefinitions![0]!.environment).toEqual([{ name: 'EMPTY_ON_PURPOSE', value: '' }]);
  });
});

describe('class 5: an EXTERNAL deployment controller without task definition', () => {
  it('is created and then in sync', async () => {
    const { applied } = await convergesAtOnce('external-controller');
    expect(applied.calls.CreateService).toBe(1);
  });
});

describe('class 6: describe-task-definition output as task-definition.json', () => {
  it('is registered once, and its service is in sync', async () => {
    const { applied } = await convergesAtOnce('describe-output');
    expect(applied.calls.RegisterTaskDefinition).toBe(1);
  });
});

describe('class 7: desiredCount left out', () => {
  it('keeps what the service has: a count changed by hand is neither drift nor sent back', async () => {
    const { dir } = await convergesAtOnce('desired-count-left-out');
    await ecs.send(new UpdateServiceCommand({ cluster: 'shapes-count', service: 'web', desiredCount: 3 }));
    const plan = await reconcile(dir, { mode: 'plan' });
    expect(changesOf(plan)).toEqual([]);
    const again = await reconcile(dir, { mode: 'apply' });
    expect(again.mutatingCalls, JSON.stringify(again.calls)).toBe(0);
    const svc = (await ecs.send(new DescribeServicesCommand({ cluster: 'shapes-count', services: ['web'] }))).services![0]!;
    expect(svc.desiredCount).toBe(3);
  });
});

describe("class 8: auto scaling in the Application Auto Scaling API's names", () => {
  it('a scheduled action with scheduledActionName and scalableTargetAction is put once, then in sync', async () => {
    const { applied } = await convergesAtOnce('scaling-api-names');
    expect(applied.calls.PutScheduledAction).toBe(1);
  });
});

describe('export of resources made by hand in these shapes never writes what the loader refuses', () => {
  it('exports, validates, adopts with ownership tags only, and is in sync', async () => {
    await ecs.send(
      new CreateClusterCommand({
        clusterName: 'by-hand',
        capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
        defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1, base: 0 }],
      }),
    );
    const td = await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'by-hand-app',
        networkMode: 'awsvpc',
        requiresCompatibilities: ['FARGATE'],
        cpu: '.25 vcpu',
        memory: '.5 gb',
        taskRoleArn: 'ecsTaskRole',
        executionRoleArn: '',
        containerDefinitions: [{ name: 'app', image: 'nginx:1.27', hostname: '', portMappings: [{ containerPort: 80, appProtocol: '' as never }] }],
      }),
    );
    await ecs.send(
      new CreateServiceCommand({
        cluster: 'by-hand',
        serviceName: 'web',
        taskDefinition: td.taskDefinition!.taskDefinitionArn!,
        desiredCount: 1,
        networkConfiguration: { awsvpcConfiguration: { subnets: [emulatorVar('SUBNET_A')], securityGroups: [emulatorVar('SECURITY_GROUP')] } },
      }),
    );
    const out = join(mkdtempSync(join(tmpdir(), 'ecs-reconciler-shapes-export-')), 'estate');
    const env = emulatorEnv();
    let stderr = '';
    const io = (extra: Record<string, string> = {}) => ({
      stdout: () => undefined,
      stderr: (t: string) => (stderr += t),
      env: { ...process.env, AWS_REGION: env.region, ECS_RECONCILER_RATE_LIMITS: 'off', ...extra },
      cwd: process.cwd(),
    });
    expect(await main(['export', '--cluster', 'by-hand', '--out', out, '--endpoint', env.endpoint], io()), stderr).toBe(0);
    expect(await main(['validate', out], io()), stderr).toBe(0);
    const adopted = await reconcile(out, { mode: 'apply', adopt: true });
    expect(adopted.problems).toEqual([]);
    expect(adopted.results.map((r) => r.action.kind).sort()).toEqual(['tag-resource', 'tag-resource', 'tag-resource']);
    const plan = await reconcile(out, { mode: 'plan' });
    expect(changesOf(plan)).toEqual([]);
    expect(Object.values(states(plan))).toEqual(['in-sync', 'in-sync', 'in-sync']);
  });
});
