/**
 * Pure checks across documents: two manifests claiming one resource, and what each kind
 * names in other manifests (the kind's referenceProblems: a Service's cluster and task
 * definition, a Cluster's capacity providers).
 */
import { findKind } from '../kinds/registry.js';
import type { Problem } from '../model/problem.js';
import { type DesiredResource, fieldLocation, type InvalidResource, resourceId } from '../model/resource.js';

/** A resource that parsed but is not kept: state `invalid` (never orphaned, never pruned). */
function asInvalid(r: DesiredResource): InvalidResource {
  return { kind: r.kind, name: r.name, region: r.region, ...(r.cluster !== undefined ? { cluster: r.cluster } : {}), source: r.source };
}

export function checkReferences(
  resources: readonly DesiredResource[],
  invalid: readonly InvalidResource[] = [],
  defaultRegion = '',
): { kept: DesiredResource[]; rejected: InvalidResource[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const byId = new Map<string, DesiredResource>();
  const duplicates = new Set<DesiredResource>();
  for (const r of resources) {
    const id = resourceId(r);
    const first = byId.get(id);
    if (first) {
      duplicates.add(r);
      duplicates.add(first);
      const there = fieldLocation(first, 'metadata.name');
      const jsonName = r.source.file.toLowerCase().endsWith('.json') ? findKind(r.kind)?.plainJson?.nameField : undefined;
      problems.push({
        stage: 'validate',
        ...fieldLocation(r, 'metadata.name'),
        path: jsonName ?? 'metadata.name',
        resource: id,
        message: `${id} is also defined at ${there.file}:${there.line}:${there.column}: two manifests claim one resource, so neither is loaded`,
        hint: 'keep one of them',
      });
    } else byId.set(id, r);
  }
  // The manifests that load, and the names of those that do not (broken, or claimed
  // twice): a resource naming one of the latter is not loaded either, without a second
  // problem (its cause is already reported).
  const broken = new Set<string>();
  for (const r of duplicates) broken.add(`${r.kind}/${r.region}/${r.name}`);
  for (const inv of invalid) if (inv.kind && inv.name) broken.add(`${inv.kind}/${inv.region ?? defaultRegion}/${inv.name}`);
  const check = { all: resources, loaded: resources.filter((r) => !duplicates.has(r)), broken };
  const kept: DesiredResource[] = [];
  const rejected: InvalidResource[] = [];
  for (const r of resources) {
    if (duplicates.has(r)) {
      rejected.push(asInvalid(r));
      continue;
    }
    // what the kind itself checks of the manifests it names
    const found = findKind(r.kind)?.referenceProblems?.(r, check);
    if (found) problems.push(...found.problems);
    if (found && !found.ok) {
      rejected.push(asInvalid(r));
      continue;
    }
    kept.push(r);
  }
  // A document that does not load still names what it names (its kind's referenceFields):
  // checked now, so a broken file needs one run of validate, not one per kind of problem.
  for (const inv of invalid) {
    const refs = inv.references;
    const kind = findKind(inv.kind);
    if (!refs || !kind?.referenceProblems) continue;
    const region = inv.region ?? defaultRegion;
    const named: DesiredResource = {
      kind: kind.name,
      region,
      name: inv.name ?? '?',
      ...(refs.cluster !== undefined ? { cluster: refs.cluster } : {}),
      // a cluster it does not name usably (missing, a ${VAR}) is not looked for
      externalCluster: refs.externalCluster === true || refs.cluster === undefined,
      annotations: {},
      spec: refs.spec,
      source: inv.source,
      fieldLocations: refs.fieldLocations,
    };
    problems.push(...kind.referenceProblems(named, check).problems);
  }
  return { kept, rejected, problems };
}
