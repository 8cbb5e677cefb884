/**
 * Reads the live estate through the gateway, per region, kind by kind: each kind reads
 * itself (src/kinds/<kind>/read.ts: readLive) into its part of the estate (liveOf), in
 * registry order except where a kind's read takes what another kind read (readAfter: a
 * service is listed in the clusters read, a family's newest revision may be known from a
 * service's record). Call economy matters (ECS throttles per account): each kind's read
 * says how it batches.
 */
import type { Gateways as AwsGateways } from '../aws/index.js';
import type { ResourceKind, ResyncCycle } from '../kinds/kind.js';
import { kindOf, REGISTRY } from '../kinds/registry.js';
import type { LiveEstate } from '../model/live.js';
import { type DesiredResource, resourceId } from '../model/resource.js';

export interface ReadLiveOptions {
  controllerId: string;
  /** regions to read even when no manifest names them (where managed resources may be orphaned) */
  regions: readonly string[];
  /** wanted resources: their clusters, services and families are read even when unmanaged */
  desired: ReadonlyArray<Pick<DesiredResource, 'kind' | 'name' | 'region' | 'cluster'>>;
  /** --cluster selectors (pipeline/shard.ts): other clusters are not read at all */
  clusters?: (clusterName: string) => boolean;
  onProgress?: (message: string) => void;
  /** the last whole read's estate: each kind's read may take from it what is unchanged (LiveReadScope.previous) */
  previous?: LiveEstate;
}

export function emptyEstate(): LiveEstate {
  return { clusters: new Map(), services: new Map(), families: new Map(), byKind: new Map(), unreadable: new Map() };
}

/** An estate without a single record (emptyEstate's, or a read that found nothing). */
export function holdsNoRecord(estate: LiveEstate): boolean {
  return estate.clusters.size === 0 && estate.services.size === 0 && estate.families.size === 0 && [...estate.byKind.values()].every((m) => m.size === 0);
}

/** The registry's kinds in read order: registry order, each kind after the kinds its read takes from (readAfter). */
function readOrder(kinds: readonly ResourceKind[]): ResourceKind[] {
  const order: ResourceKind[] = [];
  const placing = new Set<string>();
  const place = (k: ResourceKind) => {
    if (order.includes(k) || placing.has(k.name)) return;
    placing.add(k.name);
    for (const name of k.readAfter ?? []) {
      const before = kinds.find((x) => x.name === name);
      if (before) place(before);
    }
    order.push(k);
  };
  for (const k of kinds) place(k);
  return order;
}

export async function readLiveEstate(gateways: AwsGateways, opts: ReadLiveOptions): Promise<LiveEstate> {
  const estate = emptyEstate();
  const regions = new Set<string>(opts.regions);
  for (const d of opts.desired) regions.add(d.region);
  for (const region of [...regions].sort()) {
    try {
      const desired = opts.desired.filter((d) => d.region === region);
      // a resource names the cluster it is (a Cluster manifest) or sits in (a Service): read it even when unmanaged
      const wantedClusters = new Set<string>();
      for (const d of desired) {
        const cluster = kindOf(d.kind).clusterOf(d);
        if (cluster) wantedClusters.add(cluster);
      }
      const gw = gateways.forRegion(region);
      for (const kind of readOrder(REGISTRY)) {
        const wanted = new Set(desired.filter((d) => d.kind === kind.name).map((d) => d.name));
        const lives = await kind.readLive(gw, region, {
          wanted,
          controllerId: opts.controllerId,
          wantedClusters,
          estate,
          ...(opts.previous ? { previous: opts.previous } : {}),
          ...(opts.clusters ? { clusterSelected: opts.clusters } : {}),
          ...(opts.onProgress ? { progress: opts.onProgress } : {}),
        });
        const map = kind.liveOf(estate);
        for (const live of lives) map.set(resourceId({ ...live, kind: kind.name }), live);
      }
    } catch (err) {
      estate.unreadable.set(region, err instanceof Error ? err.message : String(err));
    }
  }
  return estate;
}

/** A copy of the estate whose maps may change without touching the one it came from. */
function copyEstate(base: LiveEstate): LiveEstate {
  return {
    clusters: new Map(base.clusters),
    services: new Map(base.services),
    families: new Map(base.families),
    byKind: new Map([...base.byKind].map(([kind, m]) => [kind, new Map(m)])),
    unreadable: new Map(base.unreadable),
  };
}

/**
 * A targeted read for a pass that a file change started: only the named resources are
 * read again (a few calls instead of the whole estate), the rest is taken from the last
 * full read, which the resync timer renews. Resources not found are dropped (missing).
 */
export async function refreshLiveResources(
  gateways: AwsGateways,
  base: LiveEstate,
  refs: ReadonlyArray<Pick<DesiredResource, 'kind' | 'name' | 'region' | 'cluster'>>,
  controllerId: string,
  /** a paced resync cycle's state, carried from slice to slice (NamedReadScope.cycle) */
  cycle?: ResyncCycle,
): Promise<LiveEstate> {
  const estate = copyEstate(base);
  const regions = [...new Set(refs.map((r) => r.region))];
  for (const region of regions) {
    const gw = gateways.forRegion(region);
    const mine = refs.filter((r) => r.region === region);
    for (const kind of readOrder(REGISTRY)) {
      const named = mine.filter((r) => r.kind === kind.name);
      if (named.length === 0) continue;
      const map = kind.liveOf(estate);
      if (kind.readNamed) {
        // the last pass's records, untouched: the estate is a copy (copyEstate)
        const before = kind.liveOf(base);
        for (const r of named) {
          if (kind.inCluster && !r.cluster) continue;
          map.delete(resourceId({ kind: kind.name, region, name: r.name, ...(kind.inCluster ? { cluster: r.cluster! } : {}) }));
        }
        for (const live of await kind.readNamed(gw, region, { refs: named, controllerId, before, ...(cycle ? { cycle } : {}) }))
          map.set(resourceId({ ...live, kind: kind.name }), live);
      } else {
        // no targeted read: the kind's region is read again as a whole
        for (const [id, live] of map) if (live.region === region) map.delete(id);
        const wanted = new Set(named.map((r) => r.name));
        for (const live of await kind.readLive(gw, region, { wanted, controllerId })) map.set(resourceId({ ...live, kind: kind.name }), live);
      }
    }
  }
  return estate;
}

/**
 * Describes what the estate knows only by record (a revision by its ARN and hash) that a
 * diff asked for, or all of it (`'all'`, for export): each kind that keeps records fills
 * in its own (src/kinds/<kind>/read.ts: describeRecorded).
 */
export async function describeRecordedRevisions(gateways: AwsGateways, live: LiveEstate, wanted: ReadonlySet<string> | 'all'): Promise<void> {
  for (const kind of REGISTRY) await kind.describeRecorded?.(gateways, live, wanted);
}
