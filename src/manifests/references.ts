/**
 * Pure checks across documents: two manifests claiming one resource, and Services
 * naming a TaskDefinition or Cluster that no manifest defines.
 */
import type { Problem } from '../model/problem.js';
import { resourceId, type DesiredResource } from '../model/resource.js';
import { closestWord } from './did-you-mean.js';

/** `family:revision` and ARNs pin a revision made elsewhere; a bare name is a TaskDefinition manifest. */
export function at(r: DesiredResource, field: string): { file: string; line: number; column: number } {
  const pos = r.fieldLocations?.[field];
  return { file: r.source.file, line: pos?.line ?? r.source.line, column: pos?.column ?? r.source.column };
}

export function isTaskDefinitionManifestReference(ref: string): boolean {
  return !ref.startsWith('arn:') && !ref.includes(':');
}

export function checkReferences(resources: readonly DesiredResource[]): { kept: DesiredResource[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const byId = new Map<string, DesiredResource>();
  const duplicates = new Set<DesiredResource>();
  for (const r of resources) {
    const id = resourceId(r);
    const first = byId.get(id);
    if (first) {
      duplicates.add(r);
      duplicates.add(first);
      problems.push({
        stage: 'validate',
        ...at(r, 'metadata.name'),
        resource: id,
        message: `${id} is also defined at ${first.source.file}:${first.source.line}: two manifests claim one resource`,
      });
    } else byId.set(id, r);
  }
  const clusters = resources.filter((r) => r.kind === 'Cluster');
  const families = resources.filter((r) => r.kind === 'TaskDefinition');
  const kept: DesiredResource[] = [];
  for (const r of resources) {
    if (duplicates.has(r)) continue;
    if (r.kind === 'Service') {
      let ok = true;
      if (!r.externalCluster && !clusters.some((c) => c.name === r.cluster && c.region === r.region)) {
        const guess = closestWord(r.cluster ?? '', clusters.filter((c) => c.region === r.region).map((c) => c.name));
        problems.push({
          stage: 'validate',
          ...at(r, 'metadata.cluster'),
          path: 'metadata.cluster',
          resource: resourceId(r),
          message: `cluster "${r.cluster}" is not defined by any Cluster manifest in ${r.region}`,
          hint: guess ? `did you mean "${guess}"?` : 'add a Cluster manifest, or name a cluster managed elsewhere by its ARN',
        });
        ok = false;
      }
      const td = r.spec.taskDefinition;
      if (typeof td === 'string' && isTaskDefinitionManifestReference(td) && !families.some((f) => f.name === td && f.region === r.region)) {
        const guess = closestWord(td, families.filter((f) => f.region === r.region).map((f) => f.name));
        problems.push({
          stage: 'validate',
          ...at(r, 'spec.taskDefinition'),
          path: 'spec.taskDefinition',
          resource: resourceId(r),
          message: `task definition "${td}" is not defined by any TaskDefinition manifest in ${r.region}`,
          hint: guess ? `did you mean "${guess}"?` : 'add a TaskDefinition manifest, or pin a revision made elsewhere as family:revision or an ARN',
        });
        ok = false;
      }
      if (!ok) continue;
    }
    kept.push(r);
  }
  return { kept, problems };
}
