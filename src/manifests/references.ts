/**
 * Pure checks across documents: two manifests claiming one resource, and Services
 * naming a TaskDefinition or Cluster that no manifest defines.
 */
import type { Problem } from '../model/problem.js';
import { resourceId, type DesiredResource, type InvalidResource } from '../model/resource.js';
import { closestWord } from './did-you-mean.js';

/** `family:revision` and ARNs pin a revision made elsewhere; a bare name is a TaskDefinition manifest. */
export function at(r: DesiredResource, field: string): { file: string; line: number; column: number } {
  const pos = r.fieldLocations?.[field];
  return { file: r.source.file, line: pos?.line ?? r.source.line, column: pos?.column ?? r.source.column };
}

export function isTaskDefinitionManifestReference(ref: string): boolean {
  return !ref.startsWith('arn:') && !ref.includes(':');
}

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
      const there = at(first, 'metadata.name');
      problems.push({
        stage: 'validate',
        ...at(r, 'metadata.name'),
        path: r.source.file.toLowerCase().endsWith('.json') ? 'family' : 'metadata.name',
        resource: id,
        message: `${id} is also defined at ${there.file}:${there.line}:${there.column}: two manifests claim one resource, so neither is loaded`,
        hint: 'keep one of them',
      });
    } else byId.set(id, r);
  }
  // Cluster and TaskDefinition manifests that load, and the names of those that do not
  // (broken, or claimed twice): a Service naming one of the latter is not loaded
  // either, without a second problem (its cause is already reported).
  const clusters = resources.filter((r) => r.kind === 'Cluster' && !duplicates.has(r));
  const families = resources.filter((r) => r.kind === 'TaskDefinition' && !duplicates.has(r));
  const broken = new Set<string>();
  for (const r of duplicates) broken.add(`${r.kind}/${r.region}/${r.name}`);
  for (const inv of invalid) if (inv.kind && inv.name) broken.add(`${inv.kind}/${inv.region ?? defaultRegion}/${inv.name}`);
  const kept: DesiredResource[] = [];
  const rejected: InvalidResource[] = [];
  const clusterKeys = new Set(clusters.map((c) => `${c.region}/${c.name}`));
  const familyKeys = new Set(families.map((f) => `${f.region}/${f.name}`));
  for (const r of resources) {
    if (duplicates.has(r)) {
      rejected.push(asInvalid(r));
      continue;
    }
    if (r.kind === 'Service') {
      let ok = true;
      if (!r.externalCluster && !clusterKeys.has(`${r.region}/${r.cluster}`)) {
        ok = false;
        if (!broken.has(`Cluster/${r.region}/${r.cluster}`)) {
          const guess = closestWord(r.cluster ?? '', clusters.filter((c) => c.region === r.region).map((c) => c.name));
          problems.push({
            stage: 'validate',
            ...at(r, 'metadata.cluster'),
            path: 'metadata.cluster',
            resource: resourceId(r),
            message: `cluster "${r.cluster}" is not defined by any Cluster manifest in ${r.region}`,
            hint: guess ? `did you mean "${guess}"?` : 'add a Cluster manifest, or name a cluster managed elsewhere by its ARN',
          });
        }
      }
      const td = r.spec.taskDefinition;
      if (typeof td === 'string' && isTaskDefinitionManifestReference(td) && !familyKeys.has(`${r.region}/${td}`)) {
        ok = false;
        if (!broken.has(`TaskDefinition/${r.region}/${td}`)) {
          const guess = closestWord(td, families.filter((f) => f.region === r.region).map((f) => f.name));
          problems.push({
            stage: 'validate',
            ...at(r, 'spec.taskDefinition'),
            path: 'spec.taskDefinition',
            resource: resourceId(r),
            message: `task definition "${td}" is not defined by any TaskDefinition manifest in ${r.region}`,
            hint: guess ? `did you mean "${guess}"?` : 'add a TaskDefinition manifest, or pin a revision made elsewhere as family:revision or an ARN',
          });
        }
      }
      if (!ok) {
        rejected.push(asInvalid(r));
        continue;
      }
    }
    kept.push(r);
  }
  return { kept, rejected, problems };
}
