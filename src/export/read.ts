/**
 * I/O: reads what an export needs through the gateway. readLiveEstate with the chosen
 * roots (the kind whose export step selects roots: the clusters) as `desired` (so every
 * service of theirs is described, with the revision its PRIMARY deployment runs and its
 * auto scaling), then what each kind's export reads besides (its export step's read: every
 * capacity provider; the newest ACTIVE revision of each family the services run, the
 * revision the engine compares a service naming the family with).
 */
import type { Gateways as AwsGateways } from '../aws/index.js';
import { REGISTRY } from '../kinds/registry.js';
import { describeRecordedRevisions, readLiveEstate } from '../live/read-live.js';
import type { LiveEstate } from '../model/live.js';
import { resourceId } from '../model/resource.js';

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
  const roots = REGISTRY.filter((kind) => kind.export?.selectRoots);
  const names =
    opts.clusters === 'all'
      ? [...new Set((await Promise.all(roots.map((kind) => kind.export?.listAll?.(gw) ?? []))).flat())].sort()
      : [...new Set(opts.clusters)];
  const live = await readLiveEstate(gateways, {
    controllerId: opts.controllerId,
    regions: [region],
    desired: roots.flatMap((kind) => names.map((name) => ({ kind: kind.name, name, region }))),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  });
  // what each kind's export needs beyond a pass's read (every capacity provider of the region)
  for (const kind of REGISTRY) await kind.export?.read?.(gw, region, live, 'before', opts.onProgress);
  // an export writes every revision out whole: none is taken from a service's record
  await describeRecordedRevisions(gateways, live, 'all');
  const unreadable = live.unreadable.get(region);
  if (unreadable !== undefined) throw new Error(`cannot read ${region}: ${unreadable}`);
  const notFound = names.filter((name) => !roots.some((kind) => kind.liveOf(live).has(resourceId({ kind: kind.name, region, name }))));

  // and what it needs of the resources read (the families the services run, at their newest revision)
  for (const kind of REGISTRY) await kind.export?.read?.(gw, region, live, 'after', opts.onProgress);
  return { live, clusters: names.filter((n) => !notFound.includes(n)), notFound };
}
