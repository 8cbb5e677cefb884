// Two controllers with their own ids split one account by --cluster: each applies its
// shard of the same manifests (prod and its services / batch and its worker), and
// neither ever reads into, plans for or writes to the other's resources.
import { DescribeClustersCommand, DescribeServicesCommand } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { TAG } from '../../src/model/resource.js';
import { clusterSelector } from '../../src/pipeline/shard.js';
import { ecsClient, reconcile, scratchManifests, states } from './reconcile-helpers.js';

const PROD = { controllerId: 'shard-prod', clusters: clusterSelector(['prod'])! };
const BATCH = { controllerId: 'shard-batch', clusters: clusterSelector(['b*'])! };

async function managedBy(cluster: string, services: string[]): Promise<Record<string, string | undefined>> {
  const ecs = ecsClient();
  const c = await ecs.send(new DescribeClustersCommand({ clusters: [cluster], include: ['TAGS'] }));
  const out: Record<string, string | undefined> = { [cluster]: c.clusters?.[0]?.tags?.find((t) => t.key === TAG.managedBy)?.value };
  const s = await ecs.send(new DescribeServicesCommand({ cluster, services, include: ['TAGS'] }));
  for (const svc of s.services ?? []) out[`${cluster}/${svc.serviceName}`] = svc.tags?.find((t) => t.key === TAG.managedBy)?.value;
  return out;
}

describe('two shards splitting an account', () => {
  const dir = scratchManifests();

  it('each shard applies only its clusters, their services and task definitions', async () => {
    const prod = await reconcile(dir, { mode: 'apply', ...PROD });
    expect(prod.results.filter((r) => r.outcome !== 'applied')).toEqual([]);
    expect(Object.keys(states(prod)).sort()).toEqual([
      // the cluster's capacity provider goes with the shard of the cluster that associates it
      'CapacityProvider/us-east-1/prod-ec2',
      'Cluster/us-east-1/prod',
      'Service/us-east-1/prod/api',
      'Service/us-east-1/prod/cache',
      'Service/us-east-1/prod/web',
      'TaskDefinition/us-east-1/api',
      'TaskDefinition/us-east-1/cache',
      'TaskDefinition/us-east-1/web',
    ]);
    const batch = await reconcile(dir, { mode: 'apply', ...BATCH });
    expect(batch.results.filter((r) => r.outcome !== 'applied')).toEqual([]);
    expect(Object.keys(states(batch)).sort()).toEqual(['Cluster/us-east-1/batch', 'Service/us-east-1/batch/worker', 'TaskDefinition/us-east-1/worker']);
    expect(await managedBy('prod', ['web', 'api'])).toEqual({ prod: 'shard-prod', 'prod/web': 'shard-prod', 'prod/api': 'shard-prod' });
    expect(await managedBy('batch', ['worker'])).toEqual({ batch: 'shard-batch', 'batch/worker': 'shard-batch' });
  });

  it("with prune on, neither shard sees the other's resources as orphans, and neither reads the other's services", async () => {
    for (const shard of [PROD, BATCH]) {
      const calls: string[] = [];
      const again = await reconcile(dir, { mode: 'apply', prune: true, ...shard, onCall: (op) => calls.push(op) });
      expect(again.plan.actions).toEqual([]);
      expect(again.mutatingCalls).toBe(0);
      expect(Object.values(states(again)).every((s) => s === 'in-sync')).toBe(true);
      // ListServices once: only the shard's own cluster is read
      expect(calls.filter((op) => op === 'ListServices')).toHaveLength(1);
    }
  });
});
