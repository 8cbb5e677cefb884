/**
 * export: a CapacityProvider manifest for each provider an exported cluster uses (its
 * capacityProviders and its default strategy). FARGATE and FARGATE_SPOT are ECS's own and
 * never written. The spec is the projected live one with ECS's defaults spelled out: it
 * normalizes back to itself, so export, adopt, plan is in-sync.
 */
import { userTags } from '../../diff/resource-diff.js';
import type { Json, LiveCapacityProvider, LiveCluster, LiveEstate } from '../../model/live.js';
import { liveMapOf } from '../../model/live.js';
import { resourceId } from '../../model/resource.js';
import { normalizeCapacityProvider } from './diff.js';
import { RESERVED_PROVIDERS } from './read.js';

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
