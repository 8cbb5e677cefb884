/**
 * I/O: reads what an export needs through the gateway. readLiveEstate with the chosen
 * clusters as `desired` (so every service of theirs is described, with the revision its
 * PRIMARY deployment runs and its auto scaling), then, for each family those revisions
 * belong to, its newest ACTIVE revision: the revision the engine compares a service
 * naming the family with.
 */
import { type Gateways as AwsGateways, nameFromArn } from '../aws/index.js';
import { projectLiveTaskDefinition } from '../diff/projection.js';
import { REGISTRY } from '../kinds/registry.js';
import { describeRecordedRevisions, readLiveEstate } from '../live/read-live.js';
import { type Json, type LiveEstate, type LiveRevision, liveMapOf } from '../model/live.js';
import { resourceId } from '../model/resource.js';
import { revisionOf } from '../model/revision-arn.js';

export interface ReadForExportOptions {
  region: string;
  /** cluster names, or every cluster of the region */
  clusters: readonly string[] | 'all';
  controllerId: string;
  onProgress?: (message: string) => void;
}

export interface ExportRead {
  live: LiveEstate;
  clusters: string[];
  /** named clusters that do not exist */
  notFound: string[];
}

export async function readForExport(gateways: AwsGateways, opts: ReadForExportOptions): Promise<ExportRead> {
  const { region } = opts;
  const gw = gateways.forRegion(region);
  const names = opts.clusters === 'all' ? (await gw.listClusterArns()).map(nameFromArn).sort() : [...new Set(opts.clusters)];
  const live = await readLiveEstate(gateways, {
    controllerId: opts.controllerId,
    regions: [region],
    desired: names.map((name) => ({ kind: 'Cluster' as const, name, region })),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  });
  // the kinds that read themselves and export what the clusters use (capacity providers): every one of the region
  for (const kind of REGISTRY) {
    if (!kind.readLive || !kind.exportFor) continue;
    const map = liveMapOf(live, kind.name);
    for (const l of await kind.readLive(gw, region, { wanted: new Set(), controllerId: opts.controllerId, all: true }))
      map.set(resourceId({ ...l, kind: kind.name }), l);
  }
  // an export writes every revision out whole: none is taken from a service's record
  await describeRecordedRevisions(gateways, live, 'all');
  const unreadable = live.unreadable.get(region);
  if (unreadable !== undefined) throw new Error(`cannot read ${region}: ${unreadable}`);
  const notFound = names.filter((name) => !live.clusters.has(resourceId({ kind: 'Cluster', region, name })));

  // The families the services run, with their newest ACTIVE revision.
  const families = new Set<string>();
  for (const s of live.services.values()) if (s.primaryRevision) families.add(s.primaryRevision.family);
  for (const family of [...families].sort()) {
    const id = resourceId({ kind: 'TaskDefinition', region, name: family });
    if (live.families.has(id)) continue;
    // familyPrefix matches by prefix: keep the family's own revisions
    const arns = (await gw.listTaskDefinitionArns({ familyPrefix: family })).filter((a) => revisionOf(a).family === family);
    if (arns.length === 0) continue;
    arns.sort((a, b) => revisionOf(b).revision - revisionOf(a).revision);
    const { taskDefinition, tags } = await gw.describeTaskDefinition(arns[0]!);
    const arn = taskDefinition.taskDefinitionArn ?? arns[0]!;
    const latest: LiveRevision = { arn, ...revisionOf(arn), tags, spec: projectLiveTaskDefinition(taskDefinition as Json) };
    live.families.set(id, { kind: 'TaskDefinition', region, name: family, activeRevisionArns: arns, latest });
  }
  opts.onProgress?.(`${region}: ${families.size} task definition famil${families.size === 1 ? 'y' : 'ies'} in use`);
  return { live, clusters: names.filter((n) => !notFound.includes(n)), notFound };
}
