/**
 * Pure checks across documents: two manifests claiming one resource, and Services
 * naming a TaskDefinition or Cluster that no manifest defines.
 */
import { findKind } from '../kinds/registry.js';
import { closestWord } from '../model/did-you-mean.js';
import type { Problem } from '../model/problem.js';
import { type DesiredResource, type InvalidResource, resourceId } from '../model/resource.js';

/** `family:revision` and ARNs pin a revision made elsewhere; a bare name is a TaskDefinition manifest. */
function at(r: DesiredResource, field: string): { file: string; line: number; column: number } {
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
  const context: ReferenceContext = { clusters, families, broken, clusterKeys, familyKeys };
  for (const r of resources) {
    if (duplicates.has(r)) {
      rejected.push(asInvalid(r));
      continue;
    }
    if (r.kind === 'Service') {
      const found = serviceReferenceProblems(
        {
          id: resourceId(r),
          region: r.region,
          cluster: r.cluster,
          externalCluster: r.externalCluster === true,
          taskDefinition: r.spec.taskDefinition,
          at: (f) => at(r, f),
        },
        context,
      );
      problems.push(...found.problems);
      if (!found.ok) {
        rejected.push(asInvalid(r));
        continue;
      }
    }
    // what the kind itself checks of the manifests it names (a Cluster's capacity providers)
    const own = findKind(r.kind)?.referenceProblems?.(r, resources) ?? [];
    if (own.length) {
      problems.push(...own);
      rejected.push(asInvalid(r));
      continue;
    }
    kept.push(r);
  }
  // A Service document that does not load still names its cluster and task definition:
  // checked now, so a broken file needs one run of validate, not one per kind of problem.
  for (const inv of invalid) {
    const refs = inv.references;
    if (inv.kind !== 'Service' || !refs) continue;
    const region = inv.region ?? defaultRegion;
    const where = (f: string) => ({
      file: inv.source.file,
      line: refs.fieldLocations[f]?.line ?? inv.source.line,
      column: refs.fieldLocations[f]?.column ?? inv.source.column,
    });
    const id = resourceId({ kind: 'Service', region, ...(refs.cluster !== undefined ? { cluster: refs.cluster } : {}), name: inv.name ?? '?' });
    const found = serviceReferenceProblems(
      {
        id,
        region,
        cluster: refs.cluster,
        externalCluster: refs.externalCluster === true || refs.cluster === undefined,
        taskDefinition: refs.taskDefinition,
        at: where,
      },
      context,
    );
    problems.push(...found.problems);
  }
  return { kept, rejected, problems };
}

interface ReferenceContext {
  clusters: readonly DesiredResource[];
  families: readonly DesiredResource[];
  /** names of Cluster and TaskDefinition manifests that do not load: a Service naming one gets no second problem */
  broken: ReadonlySet<string>;
  clusterKeys: ReadonlySet<string>;
  familyKeys: ReadonlySet<string>;
}

interface ServiceReferences {
  id: string;
  region: string;
  cluster: string | undefined;
  externalCluster: boolean;
  taskDefinition: unknown;
  at: (field: string) => { file: string; line: number; column: number };
}

function serviceReferenceProblems(r: ServiceReferences, c: ReferenceContext): { ok: boolean; problems: Problem[] } {
  const problems: Problem[] = [];
  let ok = true;
  if (!r.externalCluster && !c.clusterKeys.has(`${r.region}/${r.cluster}`)) {
    ok = false;
    if (!c.broken.has(`Cluster/${r.region}/${r.cluster}`)) {
      const guess = closestWord(
        r.cluster ?? '',
        c.clusters.filter((x) => x.region === r.region).map((x) => x.name),
      );
      problems.push({
        stage: 'validate',
        ...r.at('metadata.cluster'),
        path: 'metadata.cluster',
        resource: r.id,
        message: `cluster "${r.cluster}" is not defined by any Cluster manifest in ${r.region}`,
        hint: guess ? `did you mean "${guess}"?` : 'add a Cluster manifest, or name a cluster managed elsewhere by its ARN',
      });
    }
  }
  const td = r.taskDefinition;
  if (typeof td === 'string' && isTaskDefinitionManifestReference(td) && !c.familyKeys.has(`${r.region}/${td}`)) {
    ok = false;
    if (!c.broken.has(`TaskDefinition/${r.region}/${td}`)) {
      const guess = closestWord(
        td,
        c.families.filter((f) => f.region === r.region).map((f) => f.name),
      );
      problems.push({
        stage: 'validate',
        ...r.at('spec.taskDefinition'),
        path: 'spec.taskDefinition',
        resource: r.id,
        message: `task definition "${td}" is not defined by any TaskDefinition manifest in ${r.region}`,
        hint: guess ? `did you mean "${guess}"?` : 'add a TaskDefinition manifest, or pin a revision made elsewhere as family:revision or an ARN',
      });
    }
  }
  return { ok, problems };
}
