/**
 * Sharding (issue 19, item 5): `--cluster` selectors (repeatable, `*` and `?` globs) let
 * several controllers, each with its own --controller-id (and lease), split an account
 * by cluster. A controller keeps the Cluster and Service manifests of its clusters, and
 * the TaskDefinition manifests its services name (a family belongs to the shard whose
 * services run it); its live read lists services only in its clusters. Everything
 * outside is neither read, planned nor pruned: another shard's resources carry another
 * controller id and are never touched anyway, and unselected ones are not even looked at.
 */
import { kindOf } from '../kinds/registry.js';
import type { LoadResult } from '../manifests/index.js';
import { type DesiredResource, resourceId } from '../model/resource.js';

export type ClusterSelector = (clusterName: string) => boolean;

/** `prod-*`, `eu-?-api`, `batch`: a cluster name matches any one of them; none given, every cluster. */
export function clusterSelector(globs: readonly string[]): ClusterSelector | undefined {
  if (globs.length === 0) return undefined;
  const patterns = globs
    .flatMap((g) => g.split(','))
    .map((g) => g.trim())
    .filter(Boolean)
    .map(
      (g) =>
        new RegExp(
          '^' +
            g
              .split('')
              .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
              .join('') +
            '$',
        ),
    );
  return (name) => patterns.some((p) => p.test(name));
}

/** The part of the manifests that belongs to this shard. Invalid documents stay (they stop prune, as ever). */
export function selectShard(load: LoadResult, selected: ClusterSelector | undefined): LoadResult {
  if (!selected) return load;
  // a resource in a cluster goes with its cluster; a regional one (a task definition family) with the resources that need it
  const inShard = (r: DesiredResource) => {
    const cluster = kindOf(r.kind).clusterOf(r);
    return cluster !== undefined && selected(cluster);
  };
  const needed = new Set(load.resources.filter(inShard).flatMap((r) => kindOf(r.kind).dependsOn(r)));
  const resources = load.resources.filter((r) => (kindOf(r.kind).clusterOf(r) !== undefined ? inShard(r) : needed.has(resourceId(r))));
  return { ...load, resources };
}
