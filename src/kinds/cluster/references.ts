/**
 * What a Cluster manifest names in other manifests: its capacity providers. FARGATE and
 * FARGATE_SPOT are ECS's own; another name is a CapacityProvider manifest of the region,
 * or a provider made elsewhere. A name that is neither but close to a manifest's is a
 * typo: rejected with a did-you-mean (ECS would refuse it at apply: "the capacity
 * provider must already be created", PutClusterCapacityProviders).
 */
import { closestWord } from '../../model/did-you-mean.js';
import type { Problem } from '../../model/problem.js';
import { type DesiredResource, resourceId } from '../../model/resource.js';
import { type ClusterSpec, clusterSpecOf } from './schema.js';

const RESERVED = new Set(['FARGATE', 'FARGATE_SPOT']);

/** The capacity provider names a cluster spec uses, with the field each is at. */
function clusterProviderNames(spec: ClusterSpec): Array<{ name: string; path: string }> {
  const out: Array<{ name: string; path: string }> = [];
  (spec.capacityProviders ?? []).forEach((name, i) => {
    out.push({ name, path: `spec.capacityProviders[${i}]` });
  });
  (spec.defaultCapacityProviderStrategy ?? []).forEach((item, i) => {
    out.push({ name: item.capacityProvider, path: `spec.defaultCapacityProviderStrategy[${i}].capacityProvider` });
  });
  return out;
}

/** The ids of the CapacityProvider resources a cluster associates (created before it, deleted after it). */
export function clusterProviderIds(d: DesiredResource): string[] {
  const names = new Set(clusterProviderNames(clusterSpecOf(d)).map((p) => p.name));
  return [...names].filter((n) => !RESERVED.has(n)).map((name) => resourceId({ kind: 'CapacityProvider', region: d.region, name }));
}

export function clusterReferenceProblems(d: DesiredResource, all: readonly DesiredResource[]): Problem[] {
  const named = clusterProviderNames(clusterSpecOf(d));
  // most clusters name no provider, or only FARGATE: no walk of every manifest for them (10,000 services, issue 19)
  if (named.every(({ name }) => RESERVED.has(name))) return [];
  const manifests = all.filter((r) => r.kind === 'CapacityProvider' && r.region === d.region).map((r) => r.name);
  const problems: Problem[] = [];
  for (const { name, path } of named) {
    if (RESERVED.has(name) || manifests.includes(name)) continue;
    const guess = closestWord(name, [...manifests, ...RESERVED]);
    if (!guess) continue;
    const pos = d.fieldLocations?.[path] ?? d.fieldLocations?.spec;
    problems.push({
      stage: 'validate',
      file: d.source.file,
      line: pos?.line ?? d.source.line,
      column: pos?.column ?? d.source.column,
      path,
      resource: resourceId(d),
      message: `capacity provider "${name}" is not defined by any CapacityProvider manifest in ${d.region}`,
      hint: `did you mean "${guess}"?`,
    });
  }
  return problems;
}
