/**
 * Carries a plan out through the gateway. Every resource it creates or changes is
 * tagged (managed-by, applied-hash, source, git revision). A resource's actions stop at
 * its first error while the other resources go on; a service whose task definition
 * could not be registered is not touched.
 */
import { AwsCallError, errorDetails, tagsToList, type ErrorDetails, type AwsGateway, type AwsGateways, type LiveService as SdkService } from '../aws/index.js';
import type { ResourceDiff } from '../diff/types.js';
import { specHash } from '../diff/hash.js';
import type { LiveCluster, LiveService, LiveTaskDefinitionFamily } from '../model/live.js';
import { ANNOTATION, resourceId, TAG, type DesiredResource } from '../model/resource.js';
import type { Problem } from '../model/problem.js';
import { stageOf, type ActionResult, type Plan, type PlannedAction } from '../plan/types.js';
import { OPTIONAL_OWNERSHIP_KEYS, OWNERSHIP_KEYS, ownershipTags } from './ownership.js';
import { revisionRecordTags } from '../model/revision-record.js';
import { removeScaling, suspendScaleIn, syncScaling } from './scaling.js';
import { emptyRecord, ownValue } from '../model/own-keys.js';

type Json = Record<string, unknown>;

export interface ApplyContext {
  gateways: AwsGateways;
  controllerId: string;
  gitRevision?: string;
  /** called once per action, before its first call: index counts from 1 */
  onActionStart?: (action: PlannedAction, index: number, total: number) => void;
  /** this run's repository (remote and path), recorded on every resource applied */
  repository?: string;
  /** called once per action, when it ends */
  onAction?: (result: ActionResult) => void;
  /** checked before each action: a shutdown lets the action under way finish and starts nothing new */
  shouldStop?: () => boolean;
  /** bound for waiting on a replaced service to go INACTIVE */
  replaceTimeoutMs?: number;
  /** bound for waiting on a rollout while scale-in is suspended */
  rolloutTimeoutMs?: number;
}


export interface ApplyResult {
  results: ActionResult[];
  problems: Problem[];
  stopped: boolean;
}

const EMPTY_SERVICE_VALUES: Json = {
  loadBalancers: [],
  serviceRegistries: [],
  placementConstraints: [],
  placementStrategy: [],
  capacityProviderStrategy: [],
  enableExecuteCommand: false,
  enableECSManagedTags: false,
  propagateTags: 'NONE',
  healthCheckGracePeriodSeconds: 0,
  availabilityZoneRebalancing: 'ENABLED',
  deploymentConfiguration: { maximumPercent: 200, minimumHealthyPercent: 100, deploymentCircuitBreaker: { enable: false, rollback: false } },
  volumeConfigurations: [],
  vpcLatticeConfigurations: [],
};

function topLevel(path: string): string {
  return path.split(/[.[]/)[0] ?? path;
}

export async function applyPlan(plan: Plan, diffs: readonly ResourceDiff[], ctx: ApplyContext): Promise<ApplyResult> {
  const byId = new Map(diffs.map((d) => [d.id, d]));
  const failed = new Set<string>();
  const registered = new Map<string, string>(); // TaskDefinition id -> revision ARN registered now
  const results: ActionResult[] = [];
  const problems: Problem[] = [];
  let stopped = false;
  /** why the prune stage does not run, once an apply-stage action failed */
  let pruneBlocked: string | undefined;

  for (const [index, action] of plan.actions.entries()) {
    if (ctx.shouldStop?.()) {
      stopped = true;
      break;
    }
    const d = byId.get(action.resource);
    const started = performance.now();
    const finish = (outcome: ActionResult['outcome'], message?: string, error?: ErrorDetails) => {
      const r: ActionResult = { action, outcome, durationMs: Math.round(performance.now() - started), ...(message ? { message } : {}), ...(error ? { error } : {}) };
      results.push(r);
      ctx.onAction?.(r);
    };
    const stage = stageOf(action.kind);
    if (stage === 'prune' && pruneBlocked === undefined) {
      // Flux's rule: deletions run only after every create and update of the pass succeeded
      // (a renamed service whose new copy failed to create must not lose the old one).
      const notApplied = results.filter((r) => stageOf(r.action.kind) === 'apply' && r.outcome !== 'applied');
      if (notApplied.length) pruneBlocked = `prune skipped: ${notApplied.length} create or update action(s) of this pass did not succeed (${notApplied[0]!.action.kind} ${notApplied[0]!.action.resource}); nothing is deleted until every create and update succeeds`;
      else pruneBlocked = '';
      if (pruneBlocked) problems.push({ stage: 'prune', message: pruneBlocked });
    }
    if (stage === 'prune' && pruneBlocked) {
      finish('skipped', pruneBlocked);
      continue;
    }
    if (!d || failed.has(action.resource)) {
      finish('skipped', 'an earlier action on this resource failed');
      continue;
    }
    const blockedBy = dependencyFailure(d, failed);
    if (blockedBy) {
      failed.add(d.id);
      finish('skipped', `${blockedBy} failed; this service is left as it is`);
      problems.push({ stage: 'apply', resource: d.id, message: `not applied: ${blockedBy} failed` });
      continue;
    }
    ctx.onActionStart?.(action, index + 1, plan.actions.length);
    try {
      const gw = ctx.gateways.forRegion(d.region);
      const message = await runAction(action, d, gw, ctx, registered, byId);
      finish('applied', message);
    } catch (err) {
      if (err instanceof KeptForNow) {
        finish('skipped', err.message);
        continue;
      }
      failed.add(d.id);
      const message = err instanceof Error ? err.message : String(err);
      finish('failed', message, errorDetails(err));
      problems.push({ stage, resource: d.id, message: `${action.kind} failed: ${message}` });
    }
  }
  return { results, problems, stopped };
}

/** A deletion that the live state forbids right now (a cluster with something still in it): skipped, tried again next pass. */
class KeptForNow extends Error {}

function dependencyFailure(d: ResourceDiff, failed: ReadonlySet<string>): string | undefined {
  if (d.kind !== 'Service' || !d.desired) return undefined;
  const clusterId = resourceId({ kind: 'Cluster', region: d.region, name: d.cluster ?? '' });
  if (failed.has(clusterId)) return clusterId;
  const ref = String(d.desired.spec.taskDefinition ?? '');
  if (!ref.includes(':')) {
    const tdId = resourceId({ kind: 'TaskDefinition', region: d.region, name: ref });
    if (failed.has(tdId)) return tdId;
  }
  return undefined;
}

async function runAction(
  action: PlannedAction,
  d: ResourceDiff,
  gw: AwsGateway,
  ctx: ApplyContext,
  registered: Map<string, string>,
  byId: ReadonlyMap<string, ResourceDiff>,
): Promise<string | undefined> {
  const owned = () => ownershipTags({ controllerId: ctx.controllerId, desiredHash: d.desiredHash ?? '', ...(d.desired ? { desired: d.desired } : {}), ...(ctx.gitRevision ? { gitRevision: ctx.gitRevision } : {}), ...(d.fightTag ? { fightTag: d.fightTag } : {}), ...(ctx.repository ? { repository: ctx.repository } : {}) });
  const allTags = () => ({ ...(d.targetTags ?? {}), ...owned() });
  // A service also records the revision it is given and that revision's content hash, so a new process need not describe it.
  const serviceTags = (runsArn: string | undefined) => ({ ...allTags(), ...revisionRecordTags(runsArn, d.taskDefinitionHash, Object.keys(d.targetTags ?? {}).length) });
  switch (action.kind) {
    case 'create-cluster': {
      const spec = d.desired!.spec;
      const { tags: _t, ...rest } = spec;
      const c = await gw.createCluster({ ...(rest as Json), clusterName: d.name, tags: tagsToList(allTags()) });
      return c.clusterArn;
    }
    case 'update-cluster': {
      const live = d.live as LiveCluster;
      const target = d.target ?? {};
      const changed = new Set(action.fields.map(topLevel));
      const update: Json = {};
      // containerInsights dropped from the manifest means "disabled", which UpdateCluster must be told.
      if (changed.has('settings')) update.settings = (target.settings as unknown[] | undefined)?.length ? target.settings : [{ name: 'containerInsights', value: 'disabled' }];
      if (changed.has('configuration')) update.configuration = target.configuration ?? {};
      if (changed.has('serviceConnectDefaults') && target.serviceConnectDefaults) update.serviceConnectDefaults = target.serviceConnectDefaults;
      if (Object.keys(update).length) await gw.updateCluster({ cluster: d.name, ...update });
      if (changed.has('capacityProviders') || changed.has('defaultCapacityProviderStrategy')) {
        await gw.putClusterCapacityProviders({
          cluster: d.name,
          capacityProviders: (target.capacityProviders as string[] | undefined) ?? [],
          defaultCapacityProviderStrategy: (target.defaultCapacityProviderStrategy as never[] | undefined) ?? [],
        });
      }
      await syncTags(gw, live.arn, live.tags, allTags());
      return undefined;
    }
    case 'register-task-definition': {
      const target = d.target ?? {};
      const arn = await registerOnce(gw, d.name, { ...(target as Json), family: d.name, tags: tagsToList(allTags()) }, d.desiredHash ?? '', ctx.controllerId);
      registered.set(d.id, arn);
      return arn;
    }
    case 'tag-resource': {
      if (d.kind === 'TaskDefinition') {
        const fam = d.live as LiveTaskDefinitionFamily;
        await syncTags(gw, fam.latest.arn, fam.latest.tags, allTags());
        return fam.latest.arn;
      }
      const live = d.live as LiveCluster | LiveService;
      await syncTags(gw, live.arn, live.tags, live.kind === 'Service' ? serviceTags(live.primaryRevision?.arn) : allTags());
      return live.arn;
    }
    case 'create-service': {
      const created = await createService(d, gw, serviceTags(resolveTaskDefinition(d, registered, byId)), registered, byId);
      return created.serviceArn;
    }
    case 'update-service': {
      const live = d.live as LiveService;
      const target = d.target ?? {};
      const update: Json = {};
      for (const field of new Set(action.fields.map(topLevel))) {
        if (field === 'taskDefinition' || field === 'tags') continue;
        if (field === 'launchType') {
          // launch type <-> capacity providers is an in-place transition: an empty strategy returns to the launch type
          if (!target.capacityProviderStrategy) update.capacityProviderStrategy = [];
          continue;
        }
        update[field] = target[field] ?? EMPTY_SERVICE_VALUES[field];
      }
      const deploys = action.fields.some((f) => f === 'taskDefinition');
      if (deploys) update.taskDefinition = resolveTaskDefinition(d, registered, byId);
      if (Object.keys(update).length) {
        // ecspresso's --suspend-auto-scaling: no scale-in while the new revision rolls out;
        // the resume runs whatever happens (and a crash leaves a drift the next pass restores).
        const suspendScaleInFor = deploys && d.targetScaling && live.scaling && d.desired?.annotations[ANNOTATION.suspendScaleInDuringDeploy] === 'true';
        const resume = suspendScaleInFor ? await suspendScaleIn(gw, d.cluster!, d.name, d.targetScaling!) : undefined;
        try {
          await gw.updateService({ cluster: d.cluster!, service: d.name, ...update });
          if (resume) await waitForRollout(gw, d.cluster!, d.name, ctx.rolloutTimeoutMs ?? 10 * 60_000);
        } finally {
          await resume?.();
        }
      }
      await syncTags(gw, live.arn, live.tags, serviceTags(deploys ? String(update.taskDefinition) : live.primaryRevision?.arn));
      return Object.keys(update).join(', ') || 'tags';
    }
    case 'replace-service': {
      await gw.deleteService(d.cluster!, d.name);
      await waitUntilGone(gw, d.cluster!, d.name, ctx.replaceTimeoutMs ?? 10 * 60_000);
      // remembered on the new service: a replacement is never repeated for the same manifest (src/diff/fight-guard.ts)
      const created = await createService(d, gw, { ...serviceTags(resolveTaskDefinition(d, registered, byId)), [TAG.replacedFor]: d.desiredHash ?? '' }, registered, byId, true);
      return created.serviceArn;
    }
    case 'update-scaling': {
      const live = d.live as LiveService | undefined;
      return syncScaling(gw, d.cluster!, d.name, d.targetScaling, live?.scaling);
    }
    case 'delete-service': {
      const live = d.live as LiveService;
      await removeScaling(gw, live.cluster, live.name, live.scaling);
      if (live.desiredCount > 0) await gw.updateService({ cluster: live.cluster, service: live.name, desiredCount: 0 });
      await gw.deleteService(live.cluster, live.name);
      return live.arn;
    }
    case 'deregister-task-definition': {
      let n = 0;
      for (const arn of action.revisions ?? []) {
        // only revisions this controller registered: a hand-made revision in the family is not ours to remove
        const { tags } = await gw.describeTaskDefinition(arn);
        if (tags[TAG.managedBy] !== ctx.controllerId) continue;
        await gw.deregisterTaskDefinition(arn);
        n++;
      }
      return `${n} revision(s) deregistered`;
    }
    case 'delete-cluster': {
      await requireEmptyCluster(gw, d.name);
      await gw.deleteCluster(d.name);
      return undefined;
    }
    case 'release-resource':
      return releaseResource(d, gw, ctx.controllerId);
  }
}

/**
 * Read live, just before deleting: a cluster is deleted only when no service (ACTIVE or
 * DRAINING: ECS refuses DeleteCluster while a service is either, ClusterContainsServicesException)
 * and no task (ClusterContainsTasksException) is left in it, whoever owns them. Services this
 * pass deleted are DRAINING until their tasks stop, so the cluster goes on a later pass.
 */
async function requireEmptyCluster(gw: AwsGateway, cluster: string): Promise<void> {
  const serviceArns = await gw.listServiceArns(cluster);
  const services = serviceArns.length ? (await gw.describeServices(cluster, serviceArns)).services : [];
  const tasks = await gw.listClusterTaskArns(cluster);
  if (services.length || tasks.length) {
    const names = services.map((s) => `${s.serviceName ?? nameOf(s.serviceArn)} (${s.status})`).slice(0, 5).join(', ');
    throw new KeptForNow(`kept for now: ${services.length ? `${services.length} service(s) still in it: ${names}` : ''}${services.length && tasks.length ? '; ' : ''}${tasks.length ? `${tasks.length} task(s) still running` : ''}. Deleted on a later pass once it is empty`);
  }
}

function nameOf(arn: string | undefined): string {
  return arn ? arn.slice(arn.lastIndexOf('/') + 1) : '?';
}

/** Removes every ownership tag: the resource is left as it is and no longer managed (nor pruned). */
async function releaseResource(d: ResourceDiff, gw: AwsGateway, controllerId: string): Promise<string> {
  const ownKeys = (tags: Record<string, string>) => OWNERSHIP_KEYS.filter((k) => k in tags);
  if (d.live?.kind === 'TaskDefinition') {
    let n = 0;
    for (const arn of d.live.activeRevisionArns) {
      const { tags } = await gw.describeTaskDefinition(arn);
      if (tags[TAG.managedBy] !== controllerId) continue;
      await gw.untagResource(arn, ownKeys(tags));
      n++;
    }
    return `${n} revision(s) released`;
  }
  const live = d.live as LiveCluster | LiveService;
  await gw.untagResource(live.arn, ownKeys(live.tags));
  return `${live.arn} released`;
}

/**
 * RegisterTaskDefinition has no idempotency token: when an attempt fails in a way that
 * may hide a success (throttling, 5xx, a lost answer), the family's newest revisions are
 * checked for one this controller registered with this applied-hash before trying again.
 */
async function registerOnce(gw: AwsGateway, family: string, input: Json, desiredHash: string, controllerId: string): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      const r = await gw.registerTaskDefinition(input as never);
      return r.taskDefinition.taskDefinitionArn ?? '';
    } catch (err) {
      if (!(err instanceof AwsCallError) || !err.retryable || attempt >= 5) throw err;
      await new Promise((res) => setTimeout(res, Math.min(8000, 250 * 2 ** attempt)));
      const found = await findRegistered(gw, family, desiredHash, controllerId).catch(() => undefined);
      if (found) return found;
    }
  }
}

async function findRegistered(gw: AwsGateway, family: string, desiredHash: string, controllerId: string): Promise<string | undefined> {
  const arns = (await gw.listTaskDefinitionArns({ familyPrefix: family })).filter((a) => a.slice(a.lastIndexOf('/') + 1, a.lastIndexOf(':')) === family);
  for (const arn of arns.slice(0, 3)) {
    const { tags } = await gw.describeTaskDefinition(arn);
    if (tags[TAG.managedBy] === controllerId && tags[TAG.appliedHash] === desiredHash) return arn;
  }
  return undefined;
}

function resolveTaskDefinition(d: ResourceDiff, registered: ReadonlyMap<string, string>, byId: ReadonlyMap<string, ResourceDiff>): string {
  const ref = String(d.desired?.spec.taskDefinition ?? '');
  if (ref.includes(':')) return ref;
  const tdId = resourceId({ kind: 'TaskDefinition', region: d.region, name: ref });
  const now = registered.get(tdId);
  if (now) return now;
  const fam = byId.get(tdId)?.live as LiveTaskDefinitionFamily | undefined;
  if (fam) return fam.latest.arn;
  return ref;
}

async function createService(d: ResourceDiff, gw: AwsGateway, tags: Record<string, string>, registered: ReadonlyMap<string, string>, byId: ReadonlyMap<string, ResourceDiff>, replacing = false): Promise<SdkService> {
  const desired = d.desired as DesiredResource;
  const { tags: _t, autoScaling: _a, taskDefinition: _td, ...rest } = desired.spec;
  // ECS makes CreateService idempotent by clientToken: a retried or restarted create never makes a second service.
  const clientToken = specHash({ cluster: d.cluster, service: d.name, hash: d.desiredHash, replacing });
  return gw.createService({
    ...(rest as Json),
    ...(rest.desiredCount === undefined && rest.schedulingStrategy !== 'DAEMON' ? { desiredCount: initialDesiredCount(desired.spec) } : {}),
    cluster: d.cluster!,
    serviceName: d.name,
    // an EXTERNAL deployment controller's service may have no task definition (its task sets do)
    ...(desired.spec.taskDefinition !== undefined ? { taskDefinition: resolveTaskDefinition(d, registered, byId) } : {}),
    tags: tagsToList(tags),
    clientToken,
  });
}

/**
 * A REPLICA service whose manifest leaves desiredCount out keeps whatever count it has
 * (the diff never compares it); but CreateService needs one ([API] desiredCount: "This is
 * required if schedulingStrategy is REPLICA or isn't specified"). A new service starts at
 * its auto scaling minimum, else at 1, as CloudFormation's AWS::ECS::Service does ("For
 * new services, if a desired count is not specified, a default value of 1 is used").
 */
function initialDesiredCount(spec: Json): number {
  const min = (spec.autoScaling as { minCapacity?: unknown } | undefined)?.minCapacity;
  return typeof min === 'number' ? min : 1;
}

/** Until the PRIMARY deployment's rollout completes or fails (or only one deployment is left). */
async function waitForRollout(gw: AwsGateway, cluster: string, service: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await gw.describeServices(cluster, [service]);
    const deployments = r.services[0]?.deployments ?? [];
    const primary = deployments.find((x) => x.status === 'PRIMARY');
    if (!primary || deployments.length <= 1 || primary.rolloutState === 'COMPLETED') return;
    if (primary.rolloutState === 'FAILED') throw new Error(`the rollout of ${service} failed: ${primary.rolloutStateReason ?? 'no reason given'}`);
    if (Date.now() > deadline) throw new Error(`the rollout of ${service} did not finish within ${Math.round(timeoutMs / 1000)}s`);
    await new Promise((res) => setTimeout(res, 5000));
  }
}

async function waitUntilGone(gw: AwsGateway, cluster: string, service: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await gw.describeServices(cluster, [service]);
    if (r.services.length === 0) return;
    if (Date.now() > deadline) throw new Error(`service ${service} still ${r.services[0]?.status} after ${Math.round(timeoutMs / 1000)}s; cannot re-create it yet`);
    await new Promise((res) => setTimeout(res, 2000));
  }
}

/** TagResource what differs, UntagResource user tags the manifest dropped (ownership keys kept unless obsolete). */
async function syncTags(gw: AwsGateway, arn: string, live: Record<string, string>, wanted: Record<string, string>): Promise<void> {
  const add: Record<string, string> = emptyRecord();
  for (const [k, v] of Object.entries(wanted)) if (ownValue(live, k) !== v) add[k] = v;
  const remove = Object.keys(live).filter((k) => {
    if (Object.hasOwn(wanted, k) || k.toLowerCase().startsWith('aws:')) return false;
    if (k.startsWith('ecs-reconciler:')) return (OPTIONAL_OWNERSHIP_KEYS as readonly string[]).includes(k);
    return true;
  });
  await gw.tagResource(arn, add);
  await gw.untagResource(arn, remove);
}
