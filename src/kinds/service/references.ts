/**
 * What a Service manifest names in other manifests: its cluster (a Cluster manifest of
 * the region, unless named by ARN: managed elsewhere) and its task definition (a
 * TaskDefinition manifest, unless pinned as family:revision or an ARN). A name that is
 * neither is refused with a did-you-mean; a name of a manifest that does not load refuses
 * the service without a second problem (its cause is already reported).
 */
import { closestWord } from '../../model/did-you-mean.js';
import type { Problem } from '../../model/problem.js';
import { type DesiredResource, fieldLocation, resourceId } from '../../model/resource.js';
import type { ReferenceCheck } from '../kind.js';

/** `family:revision` and ARNs pin a revision made elsewhere; a bare name is a TaskDefinition manifest. */
export function isTaskDefinitionManifestReference(ref: string): boolean {
  return !ref.includes(':');
}

/** The manifest fields a Service names other manifests by: located in the file, and read from a document that does not load. */
export const SERVICE_REFERENCE_FIELDS = ['spec.taskDefinition'] as const;

/** The loaded manifests' names by `kind/region`, made once per check (a large estate has thousands of services). */
const namesByCheck = new WeakMap<readonly DesiredResource[], Map<string, Set<string>>>();
function namesOf(c: ReferenceCheck, kind: string, region: string): ReadonlySet<string> {
  let byKey = namesByCheck.get(c.loaded);
  if (!byKey) {
    byKey = new Map();
    for (const x of c.loaded) {
      const key = `${x.kind}/${x.region}`;
      const names = byKey.get(key);
      if (names) names.add(x.name);
      else byKey.set(key, new Set([x.name]));
    }
    namesByCheck.set(c.loaded, byKey);
  }
  return byKey.get(`${kind}/${region}`) ?? new Set();
}

export function serviceReferenceProblems(r: DesiredResource, c: ReferenceCheck): { ok: boolean; problems: Problem[] } {
  const problems: Problem[] = [];
  const id = resourceId(r);
  let ok = true;
  const clusters = namesOf(c, 'Cluster', r.region);
  const families = namesOf(c, 'TaskDefinition', r.region);
  if (!r.externalCluster && !clusters.has(r.cluster ?? '')) {
    ok = false;
    if (!c.broken.has(`Cluster/${r.region}/${r.cluster}`)) {
      const guess = closestWord(r.cluster ?? '', [...clusters]);
      problems.push({
        stage: 'validate',
        ...fieldLocation(r, 'metadata.cluster'),
        path: 'metadata.cluster',
        resource: id,
        message: `cluster "${r.cluster}" is not defined by any Cluster manifest in ${r.region}`,
        hint: guess ? `did you mean "${guess}"?` : 'add a Cluster manifest, or name a cluster managed elsewhere by its ARN',
      });
    }
  }
  const td = r.spec.taskDefinition;
  if (typeof td === 'string' && isTaskDefinitionManifestReference(td) && !families.has(td)) {
    ok = false;
    if (!c.broken.has(`TaskDefinition/${r.region}/${td}`)) {
      const guess = closestWord(td, [...families]);
      problems.push({
        stage: 'validate',
        ...fieldLocation(r, 'spec.taskDefinition'),
        path: 'spec.taskDefinition',
        resource: id,
        message: `task definition "${td}" is not defined by any TaskDefinition manifest in ${r.region}`,
        hint: guess ? `did you mean "${guess}"?` : 'add a TaskDefinition manifest, or pin a revision made elsewhere as family:revision or an ARN',
      });
    }
  }
  return { ok, problems };
}
