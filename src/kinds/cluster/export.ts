/**
 * export: the clusters are what an export selects (--cluster, --all-clusters): each is a
 * folder, `<cluster>/cluster.yaml`, written with the capacity providers it uses (before
 * it: a cluster names them, and they are created first).
 */
import { nameFromArn } from '../../aws/index.js';
import { userTags } from '../../diff/resource-diff.js';
import type { Json, LiveCluster } from '../../model/live.js';
import { sortedOrNone } from '../../model/own-keys.js';
import { resourceId } from '../../model/resource.js';
import { RESERVED_PROVIDERS } from '../capacity-provider/read.js';
import type { ExportChoice, KindExport } from '../kind.js';
import { normalizeCluster } from './normalize.js';

/** The normalized live cluster spec with its user tags: a Cluster manifest's spec. */
export function exportClusterSpec(c: LiveCluster): Json {
  const spec = normalizeCluster(c.spec);
  const tags = sortedOrNone(userTags(c.tags));
  return { ...spec, ...(tags ? { tags } : {}) };
}

/** The capacity providers a cluster uses (its capacityProviders and its default strategy), less ECS's own FARGATE and FARGATE_SPOT. */
function providersUsedBy(cluster: LiveCluster): string[] {
  const strategy = (cluster.spec.defaultCapacityProviderStrategy as Array<{ capacityProvider?: string }> | undefined) ?? [];
  const names = new Set([...cluster.capacityProviders, ...strategy.map((i) => i.capacityProvider ?? '')]);
  return [...names].filter((n) => n && !RESERVED_PROVIDERS.has(n)).sort();
}

/** export: the spec's keys in reading order, by path (`''` the spec itself, `[]` a list's items); other keys follow alphabetically, tags last. */
const CLUSTER_KEY_ORDER: Readonly<Record<string, readonly string[]>> = {
  '': ['capacityProviders', 'defaultCapacityProviderStrategy', 'settings', 'configuration', 'serviceConnectDefaults'],
  'defaultCapacityProviderStrategy[]': ['capacityProvider', 'weight', 'base'],
  'settings[]': ['name', 'value'],
};

export const CLUSTER_EXPORT: KindExport<LiveCluster> = {
  listAll: async (gw) => (await gw.listClusterArns()).map(nameFromArn).sort(),
  // the named clusters, by name; a stack's is left out with everything in it
  selectRoots: (selection, estate, ownership) =>
    [...selection.clusters].sort().map((name): ExportChoice<LiveCluster> => {
      const resource = resourceId({ kind: 'Cluster', region: selection.region, name });
      const live = estate.clusters.get(resource);
      if (!live) return { skipped: { resource, reason: 'not found' } };
      const stack = ownership.stackReason(live.tags);
      return stack ? { skipped: { resource, reason: `${stack}, nor its services` } } : { live };
    }),
  links: (c) => ({
    references: providersUsedBy(c).map((name) => ({
      kind: 'CapacityProvider',
      id: resourceId({ kind: 'CapacityProvider', region: c.region, name }),
      before: true,
      ifLeftOut: 'the cluster names it as a provider made elsewhere',
    })),
  }),
  document: (c, { ownership }) => {
    const notes: string[] = [];
    const other = ownership.otherOwnerNote(`Cluster ${c.name}`, c.tags);
    if (other) notes.push(other);
    // its services' manifests name it: written even under --managed-only, and said so
    if (!ownership.wanted(c.tags))
      notes.push(`Cluster ${c.name} is not managed by this controller; exported all the same (--managed-only), as its services' manifests name it.`);
    return { metadata: { name: c.name, region: c.region }, spec: exportClusterSpec(c), annotationTags: c.tags, notes };
  },
  file: (c) => ({ path: `${c.name}/cluster.yaml`, what: `cluster ${c.name}` }),
  keyOrder: CLUSTER_KEY_ORDER,
};
