/**
 * Reads the live estate through the gateway: the clusters, services and task
 * definition families the manifests name or that carry this controller's managed-by
 * tag, per region. Call economy matters (ECS throttles per account): clusters are
 * described 100 a call, services 10 a call with their tags, task definition revisions
 * once per process (cached by ARN in the gateway).
 */
import {
  type Gateway as AwsGateway,
  type Gateways as AwsGateways,
  nameFromArn,
  type LiveCluster as SdkCluster,
  type LiveService as SdkService,
  tagsFromList,
} from '../aws/index.js';
import { projectLiveCluster, projectLiveService, projectLiveTaskDefinition } from '../diff/projection.js';
import { readClusterCapacity } from '../kinds/cluster/capacity.js';
import { kindOf, REGISTRY } from '../kinds/registry.js';
import { readScalingOf, scalingFromApi, scalingResourceId } from '../kinds/service/scaling-read.js';
import {
  type Json,
  type LiveCluster,
  type LiveDeployment,
  type LiveEstate,
  type LiveRevision,
  type LiveService,
  type LiveTaskDefinitionFamily,
  liveMapOf,
} from '../model/live.js';
import { type DesiredResource, resourceId, TAG } from '../model/resource.js';
import { revisionOf } from '../model/revision-arn.js';
import { recordedRevision, recordedRevisionOf } from '../model/revision-record.js';

export interface ReadLiveOptions {
  controllerId: string;
  /** regions to read even when no manifest names them (where managed resources may be orphaned) */
  regions: readonly string[];
  /** wanted resources: their clusters, services and families are read even when unmanaged */
  desired: ReadonlyArray<Pick<DesiredResource, 'kind' | 'name' | 'region' | 'cluster'>>;
  /** --cluster selectors (pipeline/shard.ts): other clusters are not read at all */
  clusters?: (clusterName: string) => boolean;
  /** services whose tasks are read too (for health); none by default */
  onProgress?: (message: string) => void;
}

/**
 * The projection of a revision, memoized on the gateway's cached response object: a
 * revision never changes, so neither does its projection, and the same object lets the
 * diff memoize its normalization too.
 */
const projections = new WeakMap<object, Json>();
function projectedRevision(td: Json): Json {
  let p = projections.get(td);
  if (!p) {
    p = projectLiveTaskDefinition(td);
    projections.set(td, p);
  }
  return p;
}

export function emptyEstate(): LiveEstate {
  return { clusters: new Map(), services: new Map(), families: new Map(), byKind: new Map(), unreadable: new Map() };
}

function isManagedBy(tags: Record<string, string>, controllerId: string): boolean {
  return tags[TAG.managedBy] === controllerId;
}

export async function readLiveEstate(gateways: AwsGateways, opts: ReadLiveOptions): Promise<LiveEstate> {
  const estate = emptyEstate();
  const regions = new Set<string>(opts.regions);
  for (const d of opts.desired) regions.add(d.region);
  for (const region of [...regions].sort()) {
    try {
      await readRegion(gateways.forRegion(region), region, opts, estate);
    } catch (err) {
      estate.unreadable.set(region, err instanceof Error ? err.message : String(err));
    }
  }
  return estate;
}

async function readRegion(gw: AwsGateway, region: string, opts: ReadLiveOptions, estate: LiveEstate): Promise<void> {
  const desired = opts.desired.filter((d) => d.region === region);
  const progress = opts.onProgress ?? (() => undefined);

  // The kinds that read themselves (src/kinds/<kind>/read.ts), in registry order.
  for (const kind of REGISTRY) {
    if (!kind.readLive) continue;
    const wanted = new Set(desired.filter((d) => d.kind === kind.name).map((d) => d.name));
    const map = liveMapOf(estate, kind.name);
    for (const live of await kind.readLive(gw, region, { wanted, controllerId: opts.controllerId })) map.set(resourceId({ ...live, kind: kind.name }), live);
  }

  // Clusters: every cluster of the region, 100 a call, so managed orphans are found too.
  const clusterArns = await gw.listClusterArns();
  const wantedClusterNames = new Set<string>();
  for (const d of desired) {
    // a Cluster manifest names its cluster, a Service manifest the one it runs in
    const cluster = kindOf(d.kind).clusterOf(d);
    if (cluster) wantedClusterNames.add(cluster);
  }
  const described = clusterArns.length ? await gw.describeClusters(clusterArns) : { clusters: [], missing: [] };
  const serviceClusters = new Set<string>();
  for (const c of described.clusters) {
    const live = toLiveCluster(c, region);
    if (opts.clusters && !opts.clusters(live.name)) continue;
    if (!wantedClusterNames.has(live.name) && !isManagedBy(live.tags, opts.controllerId)) continue;
    estate.clusters.set(resourceId(live), live);
    serviceClusters.add(live.name);
  }
  progress(`${region}: ${described.clusters.length} cluster(s)`);

  // Services: all of each relevant cluster, 10 a call with tags.
  const services: Array<{ cluster: string; svc: SdkService }> = [];
  for (const cluster of [...serviceClusters].sort()) {
    const arns = await gw.listServiceArns(cluster);
    if (arns.length === 0) continue;
    const r = await gw.describeServices(cluster, arns);
    for (const svc of r.services) services.push({ cluster, svc });
  }
  // Managed services in clusters no manifest names and this controller does not own (an
  // external cluster given by ARN, say) are found by their own managed-by tag: listing only
  // the known clusters would forget them for ever.
  const elsewhere = new Map<string, string[]>();
  for (const arn of await gw.findTaggedServiceArns(TAG.managedBy, opts.controllerId)) {
    const m = /:service\/([^/]+)\/([^/]+)$/.exec(arn);
    if (!m || serviceClusters.has(m[1]!)) continue;
    elsewhere.set(m[1]!, [...(elsewhere.get(m[1]!) ?? []), m[2]!]);
  }
  for (const [cluster, names] of [...elsewhere].sort(([a], [b]) => a.localeCompare(b))) {
    const r = await gw.describeServices(cluster, names);
    for (const svc of r.services) if (isManagedBy(tagsFromList(svc.tags), opts.controllerId)) services.push({ cluster, svc });
  }
  progress(`${region}: ${services.length} service(s)`);
  // Capacity by provider for the report (container instances only where a cluster has some)
  await readClusterCapacity(
    gw,
    [...estate.clusters.values()].filter((c) => c.region === region),
    services,
  );

  // Revisions the services record (ARN and content hash, written at apply): known without a
  // read. A record stays true after the service moved on, since the revision cannot change.
  const recorded = new Map<string, LiveRevision>();
  for (const { svc } of services) {
    const tags = tagsFromList(svc.tags);
    const rec = recordedRevisionOf(tags, tags[TAG.taskDefinition]);
    if (rec && !recorded.has(rec.arn)) recorded.set(rec.arn, recordedRevision(rec.arn, rec.hash, tags[TAG.managedBy]));
  }

  // Task definitions: every ACTIVE revision ARN, newest first, grouped by family.
  const revisionArns = await gw.listTaskDefinitionArns();
  const byFamily = new Map<string, string[]>();
  for (const arn of revisionArns) {
    const { family } = revisionOf(arn);
    const list = byFamily.get(family);
    if (list) list.push(arn);
    else byFamily.set(family, [arn]);
  }
  for (const list of byFamily.values()) list.sort((a, b) => revisionOf(b).revision - revisionOf(a).revision);
  const wantedFamilies = new Set(desired.filter((d) => d.kind === 'TaskDefinition').map((d) => d.name));

  for (const [family, arns] of byFamily) {
    const live = await familyFromRevisions(gw, region, family, arns, wantedFamilies.has(family), opts.controllerId, recorded);
    if (live) estate.families.set(resourceId(live), live);
  }
  progress(`${region}: ${byFamily.size} task definition famil${byFamily.size === 1 ? 'y' : 'ies'}`);

  // Auto scaling: the region's whole ECS namespace in three paginated reads.
  const targets = services.length ? await gw.listScalableTargets() : [];
  const policies = targets.length ? await gw.listScalingPolicies() : [];
  const actions = targets.length ? await gw.listScheduledActions() : [];
  const group = <T extends { ResourceId?: string | undefined }>(items: readonly T[]) => {
    const m = new Map<string, T[]>();
    for (const i of items) {
      const list = m.get(i.ResourceId ?? '');
      if (list) list.push(i);
      else m.set(i.ResourceId ?? '', [i]);
    }
    return m;
  };
  const targetById = new Map(targets.map((t) => [t.ResourceId ?? '', t]));
  const policiesById = group(policies);
  const actionsById = group(actions);

  for (const { cluster, svc } of services) {
    const live = await serviceFromApi(gw, svc, cluster, region, recorded);
    const scalingId = scalingResourceId(cluster, live.name);
    const target = targetById.get(scalingId);
    if (target) live.scaling = scalingFromApi(target, policiesById.get(scalingId) ?? [], actionsById.get(scalingId) ?? []);
    estate.services.set(resourceId(live), live);
  }
}

async function readRevision(gw: AwsGateway, arn: string): Promise<LiveRevision> {
  const { taskDefinition, tags } = await gw.describeTaskDefinition(arn);
  const { family, revision } = revisionOf(taskDefinition.taskDefinitionArn ?? arn);
  return { arn: taskDefinition.taskDefinitionArn ?? arn, family, revision, tags, spec: projectedRevision(taskDefinition as Json) };
}

/**
 * A family from its ACTIVE revision ARNs (newest first); undefined when neither wanted
 * nor ours. A family no manifest wants is about to be judged orphaned (its prune tag
 * decides), so its revisions are read whole, never taken from a record.
 */
async function familyFromRevisions(
  gw: AwsGateway,
  region: string,
  family: string,
  arns: string[],
  wanted: boolean,
  controllerId: string,
  recorded?: ReadonlyMap<string, LiveRevision>,
): Promise<LiveTaskDefinitionFamily | undefined> {
  const known = wanted ? recorded?.get(arns[0]!) : undefined;
  const latest = known ?? (await readRevision(gw, arns[0]!));
  let latestManaged: LiveRevision | undefined = isManagedBy(latest.tags, controllerId) ? latest : undefined;
  if (!latestManaged && wanted) {
    // Someone registered a newer revision by hand: find ours further back (cached reads).
    for (const arn of arns.slice(1)) {
      const r = await readRevision(gw, arn);
      if (isManagedBy(r.tags, controllerId)) {
        latestManaged = r;
        break;
      }
    }
  }
  if (!wanted && !latestManaged) return undefined;
  return { kind: 'TaskDefinition', region, name: family, activeRevisionArns: arns, latest, ...(latestManaged ? { latestManaged } : {}) };
}

function primaryArnOf(svc: SdkService): string | undefined {
  const primary = (svc.deployments ?? []).find((d) => d.status === 'PRIMARY');
  return primary?.taskDefinition || svc.taskDefinition || undefined;
}

async function serviceFromApi(
  gw: AwsGateway,
  svc: SdkService,
  cluster: string,
  region: string,
  recorded?: ReadonlyMap<string, LiveRevision>,
): Promise<LiveService> {
  const live = toLiveService(svc, cluster, region);
  const primaryArn = primaryArnOf(svc);
  if (primaryArn) {
    const rec = recordedRevisionOf(live.tags, primaryArn);
    live.primaryRevision =
      recorded?.get(primaryArn) ?? (rec ? recordedRevision(rec.arn, rec.hash, live.tags[TAG.managedBy]) : await readRevision(gw, primaryArn));
  }
  // Health detail costs calls: only for a deployment that reports failed tasks (cached per failure count).
  // (after a circuit-breaker rollback the failed tasks are the ACTIVE deployment's, not the PRIMARY's)
  const failing = live.deployments.find((d) => d.status === 'PRIMARY' && d.failedTasks > 0) ?? live.deployments.find((d) => d.failedTasks > 0);
  if (failing) {
    const tasks = await gw.describeStoppedTasks(cluster, live.name, `${live.arn}|${failing.id ?? failing.taskDefinitionArn}|${failing.failedTasks}`);
    live.stoppedTasks = tasks.map((t) => ({
      arn: t.taskArn ?? '',
      lastStatus: t.lastStatus ?? 'STOPPED',
      ...(t.stoppedReason ? { stoppedReason: t.stoppedReason } : {}),
      ...(iso(t.stoppedAt) ? { stoppedAt: iso(t.stoppedAt) } : {}),
    }));
  }
  return live;
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
): Promise<LiveEstate> {
  const estate: LiveEstate = {
    clusters: new Map(base.clusters),
    services: new Map(base.services),
    families: new Map(base.families),
    byKind: new Map([...base.byKind].map(([kind, m]) => [kind, new Map(m)])),
    unreadable: new Map(base.unreadable),
  };
  const regions = [...new Set(refs.map((r) => r.region))];
  for (const region of regions) {
    const gw = gateways.forRegion(region);
    const mine = refs.filter((r) => r.region === region);
    for (const kind of REGISTRY) {
      if (!kind.readLive || !mine.some((r) => r.kind === kind.name)) continue;
      const map = liveMapOf(estate, kind.name);
      for (const [id, live] of map) if (live.region === region) map.delete(id);
      const wanted = new Set(mine.filter((r) => r.kind === kind.name).map((r) => r.name));
      for (const live of await kind.readLive(gw, region, { wanted, controllerId })) map.set(resourceId({ ...live, kind: kind.name }), live);
    }
    const clusterNames = [...new Set(mine.filter((r) => r.kind === 'Cluster').map((r) => r.name))];
    if (clusterNames.length) {
      const r = await gw.describeClusters(clusterNames);
      for (const name of clusterNames) estate.clusters.delete(resourceId({ kind: 'Cluster', region, name }));
      for (const c of r.clusters) {
        const live = toLiveCluster(c, region);
        estate.clusters.set(resourceId(live), live);
      }
    }
    const byCluster = new Map<string, string[]>();
    for (const r of mine.filter((x) => x.kind === 'Service' && x.cluster)) byCluster.set(r.cluster!, [...(byCluster.get(r.cluster!) ?? []), r.name]);
    // Auto scaling is re-read with the services, by their resource ids: a scalable target,
    // policy or scheduled action changed by hand is drift that an event's pass and each
    // resync slice must see (a slice is the resync of its resources), not only the next whole read.
    const scaling = await readScalingOf(
      gw,
      [...byCluster].flatMap(([cluster, names]) => names.map((name) => scalingResourceId(cluster, name))),
    );
    for (const [cluster, names] of byCluster) {
      const r = await gw.describeServices(cluster, names);
      for (const name of names) {
        const id = resourceId({ kind: 'Service', region, cluster, name });
        estate.services.delete(id);
        const svc = r.services.find((s) => s.serviceName === name);
        if (!svc) continue;
        const live = await serviceFromApi(gw, svc, cluster, region, new Map());
        const liveScaling = scaling.get(scalingResourceId(cluster, name));
        if (liveScaling) live.scaling = liveScaling;
        estate.services.set(id, live);
      }
    }
    for (const name of new Set(mine.filter((r) => r.kind === 'TaskDefinition').map((r) => r.name))) {
      const id = resourceId({ kind: 'TaskDefinition', region, name });
      const arns = (await gw.listTaskDefinitionArns({ familyPrefix: name })).filter((a) => revisionOf(a).family === name);
      arns.sort((a, b) => revisionOf(b).revision - revisionOf(a).revision);
      const before = estate.families.get(id);
      estate.families.delete(id);
      if (!arns.length) continue;
      // a revision never changes: the ones the last read held are not described again
      // (a resync slice refreshes 100 families; at 10,000 the gateway's revision cache cannot hold them all)
      const known = new Map<string, LiveRevision>();
      for (const r of [before?.latest, before?.latestManaged]) if (r) known.set(r.arn, r);
      const live = await familyFromRevisions(gw, region, name, arns, true, controllerId, known);
      if (live) estate.families.set(id, live);
    }
  }
  return estate;
}

function toLiveCluster(c: SdkCluster, region: string): LiveCluster {
  return {
    kind: 'Cluster',
    region,
    name: c.clusterName ?? nameFromArn(c.clusterArn ?? ''),
    arn: c.clusterArn ?? '',
    tags: tagsFromList(c.tags),
    spec: projectLiveCluster(c as Json),
    runningTasksCount: c.runningTasksCount ?? 0,
    pendingTasksCount: c.pendingTasksCount ?? 0,
    activeServicesCount: c.activeServicesCount ?? 0,
    registeredContainerInstancesCount: c.registeredContainerInstancesCount ?? 0,
    capacityProviders: c.capacityProviders ?? [],
  };
}

function iso(d: unknown): string | undefined {
  return d instanceof Date ? d.toISOString() : typeof d === 'string' ? d : undefined;
}

function toLiveService(svc: SdkService, cluster: string, region: string): LiveService {
  const deployments: LiveDeployment[] = (svc.deployments ?? []).map((d) => ({
    ...(d.id ? { id: d.id } : {}),
    status: d.status ?? 'UNKNOWN',
    taskDefinitionArn: d.taskDefinition ?? '',
    ...(d.rolloutState ? { rolloutState: d.rolloutState } : {}),
    ...(d.rolloutStateReason ? { rolloutStateReason: d.rolloutStateReason } : {}),
    desiredCount: d.desiredCount ?? 0,
    runningCount: d.runningCount ?? 0,
    pendingCount: d.pendingCount ?? 0,
    failedTasks: d.failedTasks ?? 0,
    ...(iso(d.createdAt) ? { createdAt: iso(d.createdAt) } : {}),
    ...(iso(d.updatedAt) ? { updatedAt: iso(d.updatedAt) } : {}),
  }));
  const primary = deployments.find((d) => d.status === 'PRIMARY');
  const primaryArn = primary?.taskDefinitionArn || svc.taskDefinition;
  return {
    kind: 'Service',
    region,
    cluster,
    name: svc.serviceName ?? nameFromArn(svc.serviceArn ?? ''),
    arn: svc.serviceArn ?? '',
    tags: tagsFromList(svc.tags),
    spec: projectLiveService(svc as Json, primaryArn ? { primaryTaskDefinitionArn: primaryArn } : {}),
    status: svc.status ?? 'UNKNOWN',
    desiredCount: svc.desiredCount ?? 0,
    runningCount: svc.runningCount ?? 0,
    pendingCount: svc.pendingCount ?? 0,
    deployments,
    events: (svc.events ?? []).slice(0, 10).map((e) => ({ ...(iso(e.createdAt) ? { createdAt: iso(e.createdAt) } : {}), message: e.message ?? '' })),
  };
}

/**
 * Describes the revisions known only by record that a diff asked for (a changed
 * manifest whose fields are to be shown, an ignore rule that takes a field from live),
 * or all of them (`'all'`, for export), and puts the full revisions in their place. A
 * region whose reads fail is marked unreadable, as a failed live read is.
 */
export async function describeRecordedRevisions(gateways: AwsGateways, live: LiveEstate, wanted: ReadonlySet<string> | 'all'): Promise<void> {
  const full = new Map<string, LiveRevision>();
  const resolve = async (region: string, rev: LiveRevision | undefined): Promise<LiveRevision | undefined> => {
    if (!rev || rev.spec || (wanted !== 'all' && !wanted.has(rev.arn)) || live.unreadable.has(region)) return rev;
    let r = full.get(rev.arn);
    if (!r) {
      try {
        r = await readRevision(gateways.forRegion(region), rev.arn);
      } catch (err) {
        live.unreadable.set(region, err instanceof Error ? err.message : String(err));
        return rev;
      }
      full.set(rev.arn, r);
    }
    return r;
  };
  for (const fam of live.families.values()) {
    fam.latest = (await resolve(fam.region, fam.latest))!;
    const managed = await resolve(fam.region, fam.latestManaged);
    if (managed) fam.latestManaged = managed.arn === fam.latest.arn ? fam.latest : managed;
  }
  for (const svc of live.services.values()) {
    const primary = await resolve(svc.region, svc.primaryRevision);
    if (primary) svc.primaryRevision = primary;
  }
}
