/**
 * export: a CapacityProvider manifest for each provider an exported cluster uses (its
 * capacityProviders and its default strategy). FARGATE and FARGATE_SPOT are ECS's own and
 * never written. The spec is the projected live one with ECS's defaults spelled out: it
 * normalizes back to itself, so export, adopt, plan is in-sync.
 */

import type { Gateway as AwsGateway } from '../../aws/index.js';
import { userTags } from '../../diff/resource-diff.js';
import type { Json, LiveCapacityProvider, LiveCluster, LiveEstate } from '../../model/live.js';
import { liveMapOf } from '../../model/live.js';
import { resourceId } from '../../model/resource.js';
import { normalizeCapacityProvider } from './diff.js';
import { RESERVED_PROVIDERS, readCapacityProviders } from './read.js';

/** export writes the providers the clusters use, whoever manages them: every one of the region is read. */
export async function readCapacityProvidersForExport(gw: AwsGateway, region: string, estate: LiveEstate, when: 'before' | 'after'): Promise<void> {
  if (when !== 'before') return;
  const map = liveMapOf<LiveCapacityProvider>(estate, 'CapacityProvider');
  for (const p of await readCapacityProviders(gw, region, { wanted: new Set(), controllerId: '', all: true })) map.set(resourceId(p), p);
}

function providersUsedBy(cluster: LiveCluster): string[] {
  const strategy = (cluster.spec.defaultCapacityProviderStrategy as Array<{ capacityProvider?: string }> | undefined) ?? [];
  const names = new Set([...cluster.capacityProviders, ...strategy.map((i) => i.capacityProvider ?? '')]);
  return [...names].filter((n) => n && !RESERVED_PROVIDERS.has(n)).sort();
}

export function exportCapacityProviders(
  clusters: readonly LiveCluster[],
  estate: LiveEstate,
): Array<{ name: string; region: string; spec: Json; tags: Record<string, string> }> {
  const live = liveMapOf<LiveCapacityProvider>(estate, 'CapacityProvider');
  const out: Array<{ name: string; region: string; spec: Json; tags: Record<string, string> }> = [];
  const seen = new Set<string>();
  for (const c of clusters) {
    for (const name of providersUsedBy(c)) {
      const id = resourceId({ kind: 'CapacityProvider', region: c.region, name });
      const p = live.get(id);
      if (!p || seen.has(id)) continue;
      seen.add(id);
      const tags = userTags(p.tags);
      out.push({ name, region: c.region, spec: { ...normalizeCapacityProvider(p.spec, p.spec), ...(Object.keys(tags).length ? { tags } : {}) }, tags: p.tags });
    }
  }
  return out;
}

/** export: the spec's keys in reading order, by path (`''` the spec itself, `[]` a list's items); other keys follow alphabetically, tags last. */
export const CAPACITY_PROVIDER_KEY_ORDER: Readonly<Record<string, readonly string[]>> = {
  '': ['autoScalingGroupProvider', 'managedInstancesProvider'],
  autoScalingGroupProvider: ['autoScalingGroupArn', 'managedScaling', 'managedTerminationProtection', 'managedDraining'],
  'autoScalingGroupProvider.managedScaling': ['status', 'targetCapacity', 'minimumScalingStepSize', 'maximumScalingStepSize', 'instanceWarmupPeriod'],
};
