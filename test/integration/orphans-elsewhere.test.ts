// Orphans where no manifest looks any more (issue 13, item 7): a region no manifest names
// is read with --regions; a managed service in a cluster no manifest names is found by
// its own managed-by tag (Resource Groups Tagging API), not by listing known clusters.
import { mkdtempSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateClusterCommand, DescribeClustersCommand, DescribeServicesCommand, ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { sdkClientConfig } from './emulator-helpers.js';
import { reconcile, states } from './reconcile-helpers.js';

const FAR = 'us-west-1';

describe('orphans no manifest names any more are still found', () => {
  it('in a region only --regions names: reported orphaned, pruned with --prune', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecs-reconciler-regions-'));
    writeFileSync(join(dir, 'keep.yaml'), 'apiVersion: ecs-reconciler/v1\nkind: Cluster\nmetadata: { name: keep }\nspec: {}\n');
    writeFileSync(join(dir, 'far.yaml'), `apiVersion: ecs-reconciler/v1\nkind: Cluster\nmetadata: { name: far, region: ${FAR} }\nspec: {}\n`);
    await reconcile(dir, { mode: 'apply' });
    unlinkSync(join(dir, 'far.yaml'));

    const blind = await reconcile(dir, { prune: true });
    expect(states(blind)[`Cluster/${FAR}/far`]).toBeUndefined();
    const seen = await reconcile(dir, { prune: true, regions: [FAR] });
    expect(states(seen)[`Cluster/${FAR}/far`]).toBe('orphaned');
    const pruned = await reconcile(dir, { mode: 'apply', prune: true, regions: [FAR] });
    expect(pruned.calls.DeleteCluster).toBe(1);
    const west = new ECSClient({ ...sdkClientConfig(), region: FAR });
    expect((await west.send(new DescribeClustersCommand({ clusters: ['far'] }))).clusters?.[0]?.status).toBe('INACTIVE');
  });

  it('in a cluster no manifest names and this controller does not own: found by its managed-by tag', async () => {
    const ecs = new ECSClient(sdkClientConfig());
    const ext = await ecs.send(new CreateClusterCommand({ clusterName: 'platform-owned' }));
    await ecs.send(new RegisterTaskDefinitionCommand({ family: 'sidecar', containerDefinitions: [{ name: 'x', image: 'busybox', memory: 64 }] }));
    const dir = mkdtempSync(join(tmpdir(), 'ecs-reconciler-elsewhere-'));
    writeFileSync(join(dir, 'keep.yaml'), 'apiVersion: ecs-reconciler/v1\nkind: Cluster\nmetadata: { name: keep2 }\nspec: {}\n');
    writeFileSync(
      join(dir, 'svc.yaml'),
      `apiVersion: ecs-reconciler/v1\nkind: Service\nmetadata: { name: sidecar, cluster: "${ext.cluster!.clusterArn}" }\nspec: { taskDefinition: "sidecar:1", desiredCount: 0, launchType: EC2 }\n`,
    );
    const applied = await reconcile(dir, { mode: 'apply' });
    expect(applied.results.filter((r) => r.outcome !== 'applied')).toEqual([]);
    unlinkSync(join(dir, 'svc.yaml'));

    const plan = await reconcile(dir, { prune: true });
    expect(states(plan)['Service/us-east-1/platform-owned/sidecar']).toBe('orphaned');
    expect(plan.calls.GetResources).toBe(1);
    const pruned = await reconcile(dir, { mode: 'apply', prune: true });
    expect(pruned.calls.DeleteService).toBe(1);
    const svc = await ecs.send(new DescribeServicesCommand({ cluster: 'platform-owned', services: ['sidecar'] }));
    expect(svc.services?.[0]?.status).not.toBe('ACTIVE');
    // the cluster is not this controller's: never touched
    expect((await ecs.send(new DescribeClustersCommand({ clusters: ['platform-owned'] }))).clusters?.[0]?.status).toBe('ACTIVE');
  });
});
