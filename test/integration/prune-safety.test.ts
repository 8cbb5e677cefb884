// The prune stage on the emulator (issue 13, items 1, 2, 3, 13): nothing is deleted by
// an empty folder, after a failed create, from another repository, or out from under
// something still running; prune "false" is retained and released on purpose.
import { mkdtempSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeClustersCommand, DescribeServicesCommand, ListTasksCommand, RunTaskCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { emulatorVar } from './emulator-helpers.js';
import { ecsClient, reconcile, scratchManifests, states } from './reconcile-helpers.js';

const deletes = (calls: Record<string, number>) => (calls.DeleteService ?? 0) + (calls.DeleteCluster ?? 0) + (calls.DeregisterTaskDefinition ?? 0);

async function serviceStatus(cluster: string, service: string): Promise<{ status?: string; desiredCount?: number } | undefined> {
  const r = await ecsClient().send(new DescribeServicesCommand({ cluster, services: [service] }));
  return r.services?.[0];
}

async function clusterStatus(cluster: string): Promise<string | undefined> {
  const r = await ecsClient().send(new DescribeClustersCommand({ clusters: [cluster] }));
  return r.clusters?.[0]?.status;
}

const SCRATCH_CLUSTER = (name: string) => `apiVersion: ecs-reconciler/v1\nkind: Cluster\nmetadata: { name: ${name} }\nspec: { capacityProviders: [FARGATE] }\n`;

describe('the prune stage on the emulator', () => {
  const dir = scratchManifests();

  it('applies the example estate', async () => {
    const applied = await reconcile(dir, { mode: 'apply' });
    expect(applied.results.filter((r) => r.outcome !== 'applied')).toEqual([]);
  });

  it('an empty folder with --prune deletes nothing, exit-worthy, and says how to go on', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'ecs-reconciler-empty-'));
    const pass = await reconcile(empty, { mode: 'apply', prune: true });
    expect(deletes(pass.calls)).toBe(0);
    expect(pass.mutatingCalls).toBe(0);
    expect(pass.plan.prune).toMatchObject({ status: 'refused' });
    expect(pass.problems).toContainEqual(
      expect.objectContaining({ stage: 'prune', message: expect.stringMatching(/yield no resources at all.*--allow-empty/) }),
    );
    expect(pass.report.prune?.status).toBe('refused');
    expect((await serviceStatus('prod', 'web'))?.status).toBe('ACTIVE');
  });

  it('a renamed service whose new copy fails to create keeps the old one running: prune waits', async () => {
    const api = join(dir, 'api', 'api.yaml');
    const original = readFileSync(api, 'utf8');
    // the new name, pinned to a revision that does not exist: CreateService fails
    writeFileSync(
      api,
      original.replace(
        /metadata:\n {2}name: api\n {2}cluster: prod\nspec:\n {2}taskDefinition: api\n/,
        'metadata:\n  name: api-v2\n  cluster: prod\nspec:\n  taskDefinition: api:999\n',
      ),
    );
    const pass = await reconcile(dir, { mode: 'apply', prune: true });
    expect(pass.results.find((r) => r.action.kind === 'create-service')?.outcome).toBe('failed');
    expect(pass.calls.DeleteService ?? 0).toBe(0);
    expect(pass.calls.UpdateService ?? 0).toBe(0);
    expect(pass.results.find((r) => r.action.kind === 'delete-service')).toMatchObject({
      outcome: 'skipped',
      message: expect.stringMatching(/prune skipped: 1 create or update/),
    });
    expect(pass.problems).toContainEqual(expect.objectContaining({ stage: 'prune' }));
    expect(await serviceStatus('prod', 'api')).toMatchObject({ status: 'ACTIVE', desiredCount: 3 });

    // fixed: the new one is created, then (and only then) the old one goes
    writeFileSync(api, original.replace(/metadata:\n {2}name: api\n {2}cluster: prod\n/, 'metadata:\n  name: api-v2\n  cluster: prod\n'));
    const fixed = await reconcile(dir, { mode: 'apply', prune: true });
    expect(fixed.results.filter((r) => r.outcome !== 'applied')).toEqual([]);
    expect(fixed.results.map((r) => r.action.kind)).toEqual(['create-service', 'delete-service']);
    expect((await serviceStatus('prod', 'api-v2'))?.status).toBe('ACTIVE');
  });

  it('a cluster is not deleted while a task someone else started runs in it, and is once it stops', async () => {
    writeFileSync(join(dir, 'scratch.yaml'), SCRATCH_CLUSTER('scratch'));
    await reconcile(dir, { mode: 'apply' });
    const ecs = ecsClient();
    const td = (await ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: ['web'] }))).services![0]!.taskDefinition!;
    const run = await ecs.send(
      new RunTaskCommand({
        cluster: 'scratch',
        taskDefinition: td,
        launchType: 'FARGATE',
        networkConfiguration: { awsvpcConfiguration: { subnets: [emulatorVar('SUBNET_A')] } },
      }),
    );
    expect(run.tasks).toHaveLength(1);
    unlinkSync(join(dir, 'scratch.yaml'));

    const kept = await reconcile(dir, { mode: 'apply', prune: true });
    expect(kept.calls.DeleteCluster ?? 0).toBe(0);
    // moto's DescribeClusters does not count RunTask's tasks, so the plan sees an empty cluster: the
    // live read just before DeleteCluster finds the task (and real ECS would refuse: ClusterContainsTasksException)
    expect(kept.results.find((r) => r.action.resource === 'Cluster/us-east-1/scratch')).toMatchObject({
      outcome: 'skipped',
      message: expect.stringMatching(/kept for now: 1 task\(s\) still running/),
    });
    expect(await clusterStatus('scratch')).toBe('ACTIVE');

    await ecs.send(new StopTaskCommand({ cluster: 'scratch', task: run.tasks![0]!.taskArn! }));
    expect((await ecs.send(new ListTasksCommand({ cluster: 'scratch', desiredStatus: 'RUNNING' }))).taskArns).toEqual([]);
    const gone = await reconcile(dir, { mode: 'apply', prune: true });
    expect(gone.calls.DeleteCluster).toBe(1);
    expect(await clusterStatus('scratch')).toBe('INACTIVE');
  });

  it('prune "false" is retained, never deleted, and --release lets it go without deleting it', async () => {
    unlinkSync(join(dir, 'worker', 'worker-service.yaml'));
    const kept = await reconcile(dir, { mode: 'apply', prune: true });
    expect(states(kept)['Service/us-east-1/batch/worker']).toBe('retained');
    expect(kept.calls.DeleteService ?? 0).toBe(0);
    expect(kept.report.summary.byState.retained).toBe(1);

    const released = await reconcile(dir, { mode: 'apply', release: ['Service/batch/worker'] });
    expect(released.results.map((r) => [r.action.kind, r.outcome])).toEqual([['release-resource', 'applied']]);
    expect(released.calls.UntagResource).toBe(1);
    const after = await reconcile(dir, { mode: 'apply', prune: true });
    expect(after.diffs.find((d) => d.id === 'Service/us-east-1/batch/worker')).toBeUndefined();
    expect(after.calls.DeleteService ?? 0).toBe(0);
    expect((await serviceStatus('batch', 'worker'))?.status).toBe('ACTIVE');
  });

  it('two repositories sharing the default controller id never prune each other', async () => {
    const a = scratchManifests(dir);
    writeFileSync(join(a, 'team-a.yaml'), SCRATCH_CLUSTER('team-a'));
    await reconcile(a, { mode: 'apply', repository: 'github.com/acme/a/manifests', implicitControllerId: true });
    // repository b: the same folder without team-a's cluster
    const b = scratchManifests(dir);
    const pass = await reconcile(b, { mode: 'apply', prune: true, repository: 'github.com/acme/b/manifests', implicitControllerId: true });
    expect(pass.calls.DeleteCluster ?? 0).toBe(0);
    expect(pass.problems).toContainEqual(
      expect.objectContaining({
        stage: 'prune',
        resource: 'Cluster/us-east-1/team-a',
        message: expect.stringMatching(/applied from the repository "github.com\/acme\/a\/manifests", not from this one/),
      }),
    );
    expect(await clusterStatus('team-a')).toBe('ACTIVE');
    // its own repository prunes it
    const own = await reconcile(scratchManifests(dir), { mode: 'apply', prune: true, repository: 'github.com/acme/a/manifests', implicitControllerId: true });
    expect(own.problems).toEqual([]);
    expect(own.calls.DeleteCluster).toBe(1);
  });
});
