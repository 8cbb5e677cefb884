// The CapacityProvider kind end to end on the emulator: the example estate (a Fargate and
// an EC2 service side by side in prod, over the prod-ec2 provider) converges from an empty
// account, plans in-sync and applies nothing the second time; a targetCapacity change is
// one UpdateCapacityProvider; a provider whose manifest goes is detached, then deleted,
// only with --prune and never while a service's strategy uses it; the export round trip.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeCapacityProvidersCommand, DescribeClustersCommand } from '@aws-sdk/client-ecs';
import { beforeAll, describe, expect, it } from 'vitest';
import { emulatorEnv, emulatorVar, resetEmulator } from './emulator-helpers.js';
import { ecsClient, reconcile, runCli, scratchManifests, states } from './reconcile-helpers.js';

const PROVIDER = 'CapacityProvider/us-east-1/prod-ec2';

async function provider(name = 'prod-ec2') {
  const r = await ecsClient().send(new DescribeCapacityProvidersCommand({ capacityProviders: [name], include: ['TAGS'] }));
  return r.capacityProviders?.[0];
}

async function prodProviders(): Promise<string[]> {
  const r = await ecsClient().send(new DescribeClustersCommand({ clusters: ['prod'] }));
  return r.clusters?.[0]?.capacityProviders ?? [];
}

describe('the example estate with an EC2 capacity provider', () => {
  const dir = scratchManifests();
  beforeAll(async () => {
    await resetEmulator();
  });

  it('converges from an empty account: the provider first, then the cluster that associates it, then the services', async () => {
    const applied = await reconcile(dir, { mode: 'apply' });
    expect(applied.results.filter((r) => r.outcome !== 'applied')).toEqual([]);
    const order = applied.results.map((r) => `${r.action.kind} ${r.action.resource}`);
    expect(order[0]).toBe(`create-capacity-provider ${PROVIDER}`);
    expect(order.indexOf('create-cluster Cluster/us-east-1/prod')).toBeLessThan(order.indexOf('create-service Service/us-east-1/prod/cache'));
    const p = await provider();
    expect(p?.autoScalingGroupProvider?.autoScalingGroupArn).toBe(emulatorVar('EC2_ASG_ARN'));
    expect(p?.autoScalingGroupProvider?.managedScaling?.targetCapacity).toBe(90);
    expect(Object.fromEntries((p?.tags ?? []).map((t) => [t.key, t.value]))).toMatchObject({ team: 'web', 'ecs-reconciler:managed-by': 'default' });
    expect(await prodProviders()).toContain('prod-ec2');
  });

  it('then plans every resource in-sync (ECS-filled scaling defaults and draining are no drift)', async () => {
    const plan = await reconcile(dir);
    expect(plan.diffs.filter((d) => d.state !== 'in-sync').map((d) => ({ id: d.id, changes: d.changes }))).toEqual([]);
    expect(states(plan)[PROVIDER]).toBe('in-sync');
    expect(states(plan)['Service/us-east-1/prod/cache']).toBe('in-sync');
  });

  it('and a second apply makes no mutating call', async () => {
    const again = await reconcile(dir, { mode: 'apply' });
    expect(again.plan.actions).toEqual([]);
    expect(again.mutatingCalls).toBe(0);
  });

  it('a change of targetCapacity is one UpdateCapacityProvider', async () => {
    const file = join(dir, 'ec2', 'capacity.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('targetCapacity: 90', 'targetCapacity: 75'));
    const applied = await reconcile(dir, { mode: 'apply' });
    expect(applied.plan.actions.map((a) => `${a.kind} ${a.resource}`)).toEqual([`update-capacity-provider ${PROVIDER}`]);
    expect(applied.calls.UpdateCapacityProvider).toBe(1);
    expect(applied.mutatingCalls).toBe(1 + (applied.calls.TagResource ?? 0) + (applied.calls.UntagResource ?? 0));
    expect((await provider())?.autoScalingGroupProvider?.managedScaling?.targetCapacity).toBe(75);
    expect(states(await reconcile(dir))[PROVIDER]).toBe('in-sync');
  });

  it("a new Auto Scaling group while a service runs on it: the replacement fails in ECS's words and nothing is detached or deleted", async () => {
    const file = join(dir, 'ec2', 'capacity.yaml');
    const before = readFileSync(file, 'utf8');
    const otherGroup = 'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:11111111-1111-1111-1111-111111111111:autoScalingGroupName/prod-ec2-b';
    writeFileSync(
      file,
      before
        .replace(/autoScalingGroupArn: .*/, `autoScalingGroupArn: ${otherGroup}`)
        .replace('  name: prod-ec2\n', '  name: prod-ec2\n  annotations: { ecs-reconciler/allow-replace: "true" }\n'),
    );
    const run = await reconcile(dir, { mode: 'apply' });
    const replace = run.results.find((r) => r.action.kind === 'replace-capacity-provider');
    expect(replace?.outcome).toBe('failed');
    expect(replace?.message).toMatch(/ResourceInUseException/);
    expect(run.calls.DeleteCapacityProvider ?? 0).toBe(0);
    expect((await provider())?.autoScalingGroupProvider?.autoScalingGroupArn).toBe(emulatorVar('EC2_ASG_ARN'));
    expect(await prodProviders()).toContain('prod-ec2');
    writeFileSync(file, before);
    expect(states(await reconcile(dir))[PROVIDER]).toBe('in-sync');
  });

  it('its manifest removed while a service uses it: refused, nothing detached or deleted', async () => {
    rmSync(join(dir, 'ec2', 'capacity.yaml'));
    const clusters = join(dir, 'clusters', 'clusters.yaml');
    writeFileSync(clusters, readFileSync(clusters, 'utf8').replace('[FARGATE, FARGATE_SPOT, prod-ec2]', '[FARGATE, FARGATE_SPOT]'));
    const run = await reconcile(dir, { mode: 'apply', prune: true });
    expect(run.plan.actions.some((a) => a.kind === 'delete-capacity-provider')).toBe(false);
    expect(run.plan.skipped.find((s) => s.resource === PROVIDER)?.reason).toContain('still used by service cache');
    expect(run.calls.DeleteCapacityProvider ?? 0).toBe(0);
    expect((await provider())?.status).toBe('ACTIVE');
    // ECS refuses the detaching PutClusterCapacityProviders while the cache service's strategy names it
    expect(await prodProviders()).toContain('prod-ec2');
  });

  it('with the service that used it gone too, --prune takes the reverse order: service off it, association removed, then the provider', async () => {
    rmSync(join(dir, 'ec2', 'cache.yaml'));
    // pass 1: the service goes (prune stage); the association stays while its tasks use it, so the provider is kept
    const first = await reconcile(dir, { mode: 'apply', prune: true });
    const firstOrder = first.results.map((r) => `${r.action.kind} ${r.action.resource} ${r.outcome}`);
    expect(firstOrder, JSON.stringify([firstOrder, first.plan.skipped])).toContain('update-cluster Cluster/us-east-1/prod applied');
    expect(first.results.find((r) => r.action.kind === 'update-cluster')?.message).toContain('kept associated for now: prod-ec2');
    expect(firstOrder).toContain('delete-service Service/us-east-1/prod/cache applied');
    expect(first.calls.DeleteCapacityProvider ?? 0).toBe(0);
    expect(first.plan.skipped.find((s) => s.resource === PROVIDER)?.reason).toContain('still used by service cache');
    // later passes: once the service's tasks have stopped nothing uses it: detached (apply stage), then deleted (prune stage)
    let second = await reconcile(dir, { mode: 'apply', prune: true });
    for (let i = 0; i < 30 && !second.results.some((r) => r.action.kind === 'delete-capacity-provider' && r.outcome === 'applied'); i++) {
      expect(
        second.results.filter((r) => r.outcome === 'failed'),
        JSON.stringify(second.problems),
      ).toEqual([]);
      await new Promise((done) => setTimeout(done, 1000));
      second = await reconcile(dir, { mode: 'apply', prune: true });
    }
    const order = second.results.map((r) => `${r.action.kind} ${r.action.resource} ${r.outcome}`);
    const detach = order.indexOf('update-cluster Cluster/us-east-1/prod applied');
    const deleteProvider = order.indexOf(`delete-capacity-provider ${PROVIDER} applied`);
    expect(detach, JSON.stringify([order, second.plan.skipped, second.problems])).toBeGreaterThanOrEqual(0);
    expect(deleteProvider).toBeGreaterThan(detach);
    expect(await prodProviders()).not.toContain('prod-ec2');
    expect((await provider())?.status).toBe('INACTIVE');
    const third = await reconcile(dir, { mode: 'apply', prune: true });
    expect(third.plan.actions).toEqual([]);
  });

  it('without --prune an orphaned provider is only reported', async () => {
    const other = scratchManifests();
    await resetEmulator();
    await reconcile(other, { mode: 'apply' });
    rmSync(join(other, 'ec2'), { recursive: true });
    const clusters = join(other, 'clusters', 'clusters.yaml');
    writeFileSync(clusters, readFileSync(clusters, 'utf8').replace('[FARGATE, FARGATE_SPOT, prod-ec2]', '[FARGATE, FARGATE_SPOT]'));
    const run = await reconcile(other, { mode: 'apply' });
    expect(states(run)[PROVIDER]).toBe('orphaned');
    expect(run.calls.DeleteCapacityProvider ?? 0).toBe(0);
  });
});

describe('export of a cluster with an EC2 provider', () => {
  it('writes a CapacityProvider manifest for it (not FARGATE / FARGATE_SPOT), and export, adopt, plan is in-sync', async () => {
    await resetEmulator();
    const applied = await reconcile(scratchManifests(), { mode: 'apply' });
    expect(applied.results.filter((r) => r.outcome !== 'applied')).toEqual([]);
    const out = join(mkdtempSync(join(tmpdir(), 'ecs-reconciler-export-')), 'estate');
    const r = await runCli(['export', '--cluster', 'prod', '--out', out, '--endpoint', emulatorEnv().endpoint]);
    expect(r.code, r.stderr).toBe(0);
    const prodFile = readFileSync(join(out, 'prod', 'cluster.yaml'), 'utf8');
    expect(prodFile).toContain('kind: CapacityProvider');
    expect(prodFile).toContain('name: prod-ec2');
    expect(prodFile).not.toMatch(/name: FARGATE/);
    expect(readdirSync(join(out, 'prod'))).toContain('cache.yaml');
    const plan = await reconcile(out, { adopt: true });
    const notInSync = plan.diffs
      .filter((d) => d.desired && d.state !== 'in-sync')
      .map((d) => ({ id: d.id, state: d.state, reason: d.reason, changes: d.changes }));
    expect(notInSync, JSON.stringify(notInSync)).toEqual([]);
    expect(states(plan)[PROVIDER]).toBe('in-sync');
  });
});
