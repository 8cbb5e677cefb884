/**
 * The live read of clusters: every cluster of the region (ListClusters, then
 * DescribeClusters 100 a call with tags and settings), so a managed cluster no manifest
 * names any more is found and judged orphaned.
 */
import { type Gateway as AwsGateway, type LiveCluster as DescribedCluster, nameFromArn, tagsFromList } from '../../aws/index.js';
import { projectLiveCluster } from '../../diff/projection.js';
import type { Json, LiveCluster } from '../../model/live.js';
import { TAG } from '../../model/resource.js';
import type { LiveReadScope, NamedReadScope } from '../kind.js';

function toLiveCluster(c: DescribedCluster, region: string): LiveCluster {
  return {
    kind: 'Cluster',
    region,
    name: c.clusterName ?? nameFromArn(c.clusterArn ?? ''),
    arn: c.clusterArn ?? '',
    tags: tagsFromList(c.tags),
    spec: projectLiveCluster(c as Json),
    runningTasksCount: c.runningTasksCount ?? 0,
    pendingTasksCount: c.pendingTasksCount ?? 0,
    activeServicesCount: c.activeServicesCount ?? 0,
    registeredContainerInstancesCount: c.registeredContainerInstancesCount ?? 0,
    capacityProviders: c.capacityProviders ?? [],
  };
}

/** The region's clusters a manifest names (a Cluster, or the cluster a Service runs in) or this controller manages, within the --cluster selectors. */
export async function readClusters(gw: AwsGateway, region: string, scope: LiveReadScope): Promise<LiveCluster[]> {
  const clusterArns = await gw.listClusterArns();
  const described = clusterArns.length ? await gw.describeClusters(clusterArns) : { clusters: [], missing: [] };
  const out: LiveCluster[] = [];
  for (const c of described.clusters) {
    const live = toLiveCluster(c, region);
    if (scope.clusterSelected && !scope.clusterSelected(live.name)) continue;
    const wanted = scope.all || scope.wanted.has(live.name) || scope.wantedClusters?.has(live.name);
    if (!wanted && live.tags[TAG.managedBy] !== scope.controllerId) continue;
    out.push(live);
  }
  scope.progress?.(`${region}: ${described.clusters.length} cluster(s)`);
  return out;
}

/** The named clusters only: one DescribeClusters call. */
export async function readNamedClusters(gw: AwsGateway, region: string, scope: NamedReadScope<LiveCluster>): Promise<LiveCluster[]> {
  const names = [...new Set(scope.refs.map((r) => r.name))];
  if (names.length === 0) return [];
  const r = await gw.describeClusters(names);
  return r.clusters.map((c) => toLiveCluster(c, region));
}
