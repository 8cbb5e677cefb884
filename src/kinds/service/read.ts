/**
 * The live read of services: all of each cluster the Cluster read kept (ListServices, then
 * DescribeServices 10 a call with tags), the managed ones elsewhere by their own tag, the
 * revision each PRIMARY deployment runs, stopped tasks where a deployment fails, and the
 * region's auto scaling in three whole-namespace reads. The clusters' capacity by provider
 * is read here too: it counts the services' tasks.
 */
import { type Gateway as AwsGateway, type DescribedServices, nameFromArn, type LiveService as SdkService, tagsFromList } from '../../aws/index.js';
import { projectLiveService } from '../../diff/projection.js';
import { parseServiceArn } from '../../model/ecs-arn.js';
import { isoTime } from '../../model/json.js';
import type { Json, LiveDeployment, LiveRevision, LiveService } from '../../model/live.js';
import { resourceId, TAG } from '../../model/resource.js';
import { recordedRevision, recordedRevisionOf } from '../../model/revision-record.js';
import { StringPool } from '../../model/string-pool.js';
import { readClusterCapacity } from '../cluster/capacity.js';
import type { LiveReadScope, NamedReadScope } from '../kind.js';
import { sameAsLast } from '../same-record.js';
import { readRevision, revisionsRecordedOn } from '../task-definition/read.js';
import { readOwnCodeDeployDeployment } from './codedeploy.js';
import { SERVICE_EVENTS_REPORTED } from './report.js';
import { isRolloutEvent } from './rollout.js';
import { readScalingInCycle, readScalingOf, scalingFromApi, scalingResourceId } from './scaling-read.js';
import { readServiceTasks, rolloutUnderWay } from './tasks.js';

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
    ...(isoTime(d.createdAt) ? { createdAt: isoTime(d.createdAt) } : {}),
    ...(isoTime(d.updatedAt) ? { updatedAt: isoTime(d.updatedAt) } : {}),
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
    // the report's latest few, and of the rest read only those the rollout judgement looks
    // for (a failed deployment, a rollback): at 10,000 services each event kept is about
    // 1.7 MB of the daemon's heap (issue 19)
    events: sameMessagesOnce(
      (svc.events ?? [])
        .filter((e, i) => i < SERVICE_EVENTS_REPORTED || isRolloutEvent(e.message ?? ''))
        .map((e) => {
          // two literals, not a spread: V8 then keeps both fields in the object itself (a spread's
          // second field goes to a property array of its own, 40 bytes an event)
          const at = isoTime(e.createdAt);
          const message = e.message ?? '';
          return at ? { at, message } : { message };
        }),
    ),
  };
}

/**
 * A steady service's events say the same thing again and again ("(service web) has reached
 * a steady state.", every few hours): one string for the equal messages of a service, not
 * one each (the report keeps each service's latest events for as long as it is the last).
 */
function sameMessagesOnce<E extends { message: string }>(events: E[]): E[] {
  const seen = new Map<string, string>();
  for (const e of events) {
    const kept = seen.get(e.message);
    if (kept === undefined) seen.set(e.message, e.message);
    else e.message = kept;
  }
  return events;
}

function primaryArnOf(svc: SdkService): string | undefined {
  const primary = (svc.deployments ?? []).find((d) => d.status === 'PRIMARY');
  return primary?.taskDefinition || svc.taskDefinition || undefined;
}

/**
 * A cluster's DescribeServices answers as soon as they come, before the next cluster is
 * read: the live record, and of each answer only what the rest of the read takes (the
 * revision it runs, where its tasks run). A region's answers are not kept whole until all
 * are read (issue 19: at 10,000 services, tens of MB of the SDK's objects held across the
 * read); one cluster's are, while its batches of 10 are described.
 */
interface DescribedService {
  cluster: string;
  live: LiveService;
  /** the last read's record of the service, when its answer is unchanged since (sameAsLast) */
  last?: LiveService;
  primaryArn: string | undefined;
  svc: { capacityProviderStrategy?: unknown; launchType?: unknown; runningCount?: number | undefined };
}

function described(svc: SdkService, cluster: string, region: string, strings: StringPool, answerTag?: string): DescribedService {
  // one string for the values services repeat (launch type, subnets, statuses, a cluster's name): kept as long as the record is
  const base = strings.ownAll(toLiveService(svc, cluster, region));
  const d: DescribedService = {
    cluster,
    // the pass adds its own fields (the revision, tasks, scaling) to a copy: the base stays as the answer made it
    live: { ...base },
    primaryArn: primaryArnOf(svc),
    svc: { capacityProviderStrategy: svc.capacityProviderStrategy, launchType: svc.launchType, runningCount: svc.runningCount },
  };
  if (answerTag !== undefined) answerRecords.set(d.live, { tag: answerTag, base, primaryArn: d.primaryArn, svc: d.svc });
  return d;
}

/**
 * What a service's record was made from, when its answer came with a tag (the gateway's
 * describeServices `answerTags`): the tag, the record as that answer made it (before a pass
 * added its revision, tasks and scaling), and what the rest of the read takes of the answer.
 * The next read hands the tag back as known; an answer that is the same is not decoded
 * again, and its record is made from this one (issue 19: a steady estate's warm pass).
 * Held as long as the record is: the last read's estate.
 */
interface AnswerRecord {
  tag: string;
  base: LiveService;
  primaryArn: string | undefined;
  svc: DescribedService['svc'];
}
const answerRecords = new WeakMap<LiveService, AnswerRecord>();

/** The known answers of some services of the last read (by ARN, for describeServices' `known`), and those records by ARN. */
function knownAnswers(before: Iterable<LiveService>): { known: Map<string, string>; records: Map<string, LiveService> } {
  const known = new Map<string, string>();
  const records = new Map<string, LiveService>();
  for (const live of before) {
    const rec = answerRecords.get(live);
    if (!rec || !live.arn) continue;
    known.set(live.arn, rec.tag);
    records.set(live.arn, live);
  }
  return { known, records };
}

/**
 * A cluster's DescribeServices answer as described services, the unchanged ones made from
 * their last records; the decoded ones share their equal strings through `strings` (one
 * pool a read).
 */
function describedInOrder(
  r: DescribedServices,
  records: ReadonlyMap<string, LiveService> | undefined,
  cluster: string,
  region: string,
  strings: StringPool,
): DescribedService[] {
  const out: DescribedService[] = [];
  for (const svc of r.services) out.push(described(svc, cluster, region, strings, r.answerTags?.get(svc.serviceArn ?? '')));
  for (const arn of r.unchanged ?? []) {
    const last = records?.get(arn);
    const rec = last && answerRecords.get(last);
    if (!last || !rec) continue;
    const live = { ...rec.base };
    answerRecords.set(live, rec);
    out.push({ cluster, live, primaryArn: rec.primaryArn, svc: rec.svc, last });
  }
  return out;
}

async function serviceFromApi(
  gw: AwsGateway,
  { cluster, live, primaryArn }: DescribedService,
  recorded?: ReadonlyMap<string, LiveRevision>,
): Promise<LiveService> {
  if (primaryArn) {
    const rec = recordedRevisionOf(live.tags, primaryArn);
    live.primaryRevision =
      recorded?.get(primaryArn) ?? (rec ? recordedRevision(rec.arn, rec.hash, live.tags[TAG.managedBy]) : await readRevision(gw, primaryArn));
  }
  const codeDeployDeployment = await readOwnCodeDeployDeployment(gw, live);
  if (codeDeployDeployment) live.codeDeployDeployment = codeDeployDeployment;
  // Health detail costs calls: only for a deployment that reports failed tasks (cached per failure count).
  // (after a circuit-breaker rollback the failed tasks are the ACTIVE deployment's, not the PRIMARY's)
  const failing = live.deployments.find((d) => d.status === 'PRIMARY' && d.failedTasks > 0) ?? live.deployments.find((d) => d.failedTasks > 0);
  if (rolloutUnderWay(live)) {
    // the task list while a rollout is under way; its stopped tasks say why the rollout's
    // tasks failed (no second read): all of them when a deployment counts failed tasks,
    // else those the PRIMARY deployment started (ECS's startedBy), which a rollout stops only when they fail
    const tasks = await readServiceTasks(gw, cluster, live.name);
    live.tasks = tasks;
    const primaryId = live.deployments.find((d) => d.status === 'PRIMARY')?.id;
    const stopped = tasks.filter((t) => t.lastStatus === 'STOPPED' && (failing || (primaryId !== undefined && t.startedBy === primaryId)));
    if (stopped.length)
      live.stoppedTasks = stopped.map((t) => ({
        arn: t.arn,
        lastStatus: t.lastStatus,
        ...(t.stoppedReason ? { stoppedReason: t.stoppedReason } : {}),
        ...(t.stoppedAt ? { stoppedAt: t.stoppedAt } : {}),
      }));
  } else if (failing) {
    const tasks = await gw.describeStoppedTasks(cluster, live.name, `${live.arn}|${failing.id ?? failing.taskDefinitionArn}|${failing.failedTasks}`);
    live.stoppedTasks = tasks.map((t) => ({
      arn: t.taskArn ?? '',
      lastStatus: t.lastStatus ?? 'STOPPED',
      ...(t.stoppedReason ? { stoppedReason: t.stoppedReason } : {}),
      ...(isoTime(t.stoppedAt) ? { stoppedAt: isoTime(t.stoppedAt) } : {}),
    }));
  }
  return live;
}

/** The services of the clusters the Cluster read kept (readAfter), and this controller's elsewhere. */
export async function readServices(gw: AwsGateway, region: string, scope: LiveReadScope): Promise<LiveService[]> {
  const clusters = [...(scope.estate?.clusters.values() ?? [])].filter((c) => c.region === region);
  const serviceClusters = new Set(clusters.map((c) => c.name));
  // Services: all of each relevant cluster, 10 a call with tags.
  const services: DescribedService[] = [];
  // the last read's records of this region's services: an answer that is the same is not
  // decoded again (a read with no last estate, a CLI run's, asks for no answer tags at all)
  const last = scope.previous ? knownAnswers([...scope.previous.services.values()].filter((l) => l.region === region)) : undefined;
  const strings = new StringPool();
  for (const cluster of [...serviceClusters].sort()) {
    const arns = await gw.listServiceArns(cluster);
    if (arns.length === 0) continue;
    const r = await gw.describeServices(cluster, arns, last?.known);
    // in the order listed, as a read without known answers gives them (any other after them)
    const byArn = new Map(describedInOrder(r, last?.records, cluster, region, strings).map((d) => [d.live.arn, d]));
    for (const arn of arns) {
      const d = byArn.get(arn);
      if (!d) continue;
      services.push(d);
      byArn.delete(arn);
    }
    services.push(...byArn.values());
  }
  // Managed services in clusters no manifest names and this controller does not own (an
  // external cluster given by ARN, say) are found by their own managed-by tag: listing only
  // the known clusters would forget them for ever.
  const elsewhere = new Map<string, string[]>();
  for (const arn of await gw.findTaggedServiceArns(TAG.managedBy, scope.controllerId)) {
    const found = parseServiceArn(arn);
    if (!found || serviceClusters.has(found.cluster)) continue;
    elsewhere.set(found.cluster, [...(elsewhere.get(found.cluster) ?? []), found.name]);
  }
  for (const [cluster, names] of [...elsewhere].sort(([a], [b]) => a.localeCompare(b))) {
    const r = await gw.describeServices(cluster, names, last?.known);
    for (const d of describedInOrder(r, last?.records, cluster, region, strings)) if (d.live.tags[TAG.managedBy] === scope.controllerId) services.push(d);
  }
  scope.progress?.(`${region}: ${services.length} service(s)`);
  // Capacity by provider for the report (container instances only where a cluster has some)
  // the providers' managed scaling targets come from the CapacityProvider read (readAfter)
  if (scope.estate) await readClusterCapacity(gw, clusters, services, scope.estate);

  const recorded = revisionsRecordedOn(services.map(({ live }) => live));

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

  const out: LiveService[] = [];
  for (const d of services) {
    const live = await serviceFromApi(gw, d, recorded);
    const scalingId = scalingResourceId(d.cluster, live.name);
    const target = targetById.get(scalingId);
    if (target) live.scaling = scalingFromApi(target, policiesById.get(scalingId) ?? [], actionsById.get(scalingId) ?? []);
    out.push(sameAsLast(live, d.last));
  }
  return out;
}

/** The named services only (DescribeServices per cluster); auto scaling is kept from the last full read. */
export async function readNamedServices(gw: AwsGateway, region: string, scope: NamedReadScope<LiveService>): Promise<LiveService[]> {
  const byCluster = new Map<string, string[]>();
  for (const r of scope.refs) if (r.cluster) byCluster.set(r.cluster, [...(byCluster.get(r.cluster) ?? []), r.name]);
  // Auto scaling is re-read with the services, by their resource ids: a scalable target,
  // policy or scheduled action changed by hand is drift that an event's pass and each
  // resync slice must see (a slice is the resync of its resources), not only the next whole read.
  // A resync slice takes the policies and scheduled actions from the cycle's namespace
  // pages (readScalingInCycle), so the whole cycle reads them about once.
  const scalingIds = [...byCluster].flatMap(([cluster, names]) => names.map((name) => ({ cluster, name, scalingId: scalingResourceId(cluster, name) })));
  const scaling = scope.cycle
    ? await readScalingInCycle(
        gw,
        scope.cycle,
        scalingIds.map(({ cluster, name, scalingId }) => {
          const id = resourceId({ kind: 'Service', region, cluster, name });
          return { scalingId, id, before: scope.before.get(id)?.scaling };
        }),
      )
    : await readScalingOf(
        gw,
        scalingIds.map((s) => s.scalingId),
      );
  const out: LiveService[] = [];
  // the last read's records of the named services (not the whole estate's: an event's pass names a few)
  const last = knownAnswers(
    [...byCluster].flatMap(([cluster, names]) =>
      names.flatMap((name) => {
        const before = scope.before.get(resourceId({ kind: 'Service', region, cluster, name }));
        return before ? [before] : [];
      }),
    ),
  );
  const strings = new StringPool();
  for (const [cluster, names] of byCluster) {
    const r = await gw.describeServices(cluster, names, last.known);
    const byName = new Map(describedInOrder(r, last.records, cluster, region, strings).map((d) => [d.live.name, d]));
    for (const name of names) {
      const d = byName.get(name);
      if (!d) continue;
      const live = await serviceFromApi(gw, d);
      const liveScaling = scaling.get(scalingResourceId(cluster, name));
      if (liveScaling) live.scaling = liveScaling;
      out.push(sameAsLast(live, d.last));
    }
  }
  return out;
}
