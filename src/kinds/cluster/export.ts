/** export: what a Cluster manifest written from live looks like. */
import { userTags } from '../../diff/resource-diff.js';
import type { Json, LiveCluster } from '../../model/live.js';
import { sortedOrNone } from '../../model/own-keys.js';
import { normalizeCluster } from './normalize.js';

/** The normalized live cluster spec with its user tags: a Cluster manifest's spec. */
export function exportClusterSpec(c: LiveCluster): Json {
  const spec = normalizeCluster(c.spec);
  const tags = sortedOrNone(userTags(c.tags));
  return { ...spec, ...(tags ? { tags } : {}) };
}

/** export: the spec's keys in reading order, by path (`''` the spec itself, `[]` a list's items); other keys follow alphabetically, tags last. */
export const CLUSTER_KEY_ORDER: Readonly<Record<string, readonly string[]>> = {
  '': ['capacityProviders', 'defaultCapacityProviderStrategy', 'settings', 'configuration', 'serviceConnectDefaults'],
  'defaultCapacityProviderStrategy[]': ['capacityProvider', 'weight', 'base'],
  'settings[]': ['name', 'value'],
};
