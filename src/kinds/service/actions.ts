/** A Service's actions: create, update in place, replace, delete, tags, and its auto scaling. */

import { type ActionRun, releaseTags, syncTags, topLevel } from '../../apply/action-run.js';
import { type Gateway as AwsGateway, type LiveService as SdkService, sleepUnlessAborted, tagsToList, waitSignal } from '../../aws/index.js';
import { specHash } from '../../diff/hash.js';
import type { ResourceDiff } from '../../diff/types.js';
import type { Json } from '../../model/json.js';
import type { LiveService, LiveTaskDefinitionFamily } from '../../model/live.js';
import { ANNOTATION, type DesiredResource, resourceId, TAG } from '../../model/resource.js';
import { revisionRecordTags } from '../../model/revision-record.js';
import type { AddAction } from '../../plan/prune.js';
import type { Plan } from '../../plan/types.js';
import { CODE_DEPLOY_FIELDS, codeDeployRecordValue, deployThroughCodeDeploy, networkFingerprint, runningRevisionArn, usesCodeDeploy } from './codedeploy.js';
import { removeScaling, suspendScaleIn, syncScaling } from './scaling-apply.js';
import { type ServiceSpec, serviceSpecOf } from './schema.js';

export function planServiceCreate(d: ResourceDiff, add: AddAction): void {
  add(d, 'create-service', 'in the manifests, not live');
  if (d.targetScaling) add(d, 'update-scaling', 'auto scaling: register the scalable target, then its policies and scheduled actions', ['autoScaling']);
}

export function planServiceChange(d: ResourceDiff, why: string, plan: Plan, add: AddAction): void {
  const fields = d.changes.map((c) => c.path);
  if (d.replacementFields.length) {
    if (d.desired?.annotations[ANNOTATION.allowReplace] === 'true') {
      add(d, 'replace-service', `${d.replacementFields.join(', ')} cannot change in place: delete and re-create (${ANNOTATION.allowReplace})`, fields);
    } else {
      plan.skipped.push({
        resource: d.id,
        reason: `${d.replacementFields.join(', ')} cannot change in place (UpdateService does not take it); set ${ANNOTATION.allowReplace}: "true" to delete and re-create the service`,
        error: true,
      });
    }
    return;
  }
  const scalingFields = fields.filter((f) => f === 'autoScaling' || f.startsWith('autoScaling.'));
  const rest = fields.filter((f) => !scalingFields.includes(f));
  const nonTag = rest.filter((f) => !f.startsWith('tags.'));
  if (nonTag.length) add(d, 'update-service', why, nonTag);
  // a scaling-only change still moves the service's applied-hash tag
  else add(d, 'tag-resource', why, rest.length ? rest : ['tags']);
  if (scalingFields.length) {
    add(
      d,
      'update-scaling',
      d.targetScaling ? `${why}: auto scaling (target before policies)` : `${why}: auto scaling removed (policies and scheduled actions, then the target)`,
      scalingFields,
    );
  }
}

export function planServiceDelete(d: ResourceDiff, _inUse: ReadonlySet<string>, _plan: Plan, add: AddAction): void {
  const svc = d.live as LiveService;
  add(d, 'delete-service', `no longer in the manifests: scaled to 0, then deleted (${svc.desiredCount} task(s) now)`);
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

/** A service also records the revision it is given and that revision's content hash, so a new process need not describe it. */
function serviceTags({ d, allTags }: ActionRun, runsArn: string | undefined, deploymentId?: string): Record<string, string> {
  // the deployment this controller started (ECS's Deployment has no "started by"): how
  // its failure is told from someone else's (src/kinds/service/rollout.ts)
  const started = deploymentId ?? (d.live as LiveService | undefined)?.tags[TAG.deployment];
  return {
    ...allTags(),
    ...revisionRecordTags(runsArn, d.taskDefinitionHash, Object.keys(d.targetTags ?? {}).length),
    ...(started ? { [TAG.deployment]: started } : {}),
  };
}

const primaryDeploymentId = (svc: SdkService): string | undefined => svc.deployments?.find((x) => x.status === 'PRIMARY')?.id;

async function createServiceAction(run: ActionRun): Promise<string | undefined> {
  const { d, gw, registered, byId } = run;
  const created = await createService(d, gw, serviceTags(run, resolveTaskDefinition(d, registered, byId)), registered, byId);
  return created.serviceArn;
}

async function updateService(run: ActionRun): Promise<string | undefined> {
  const { d, gw, action, ctx, registered, byId } = run;
  const live = d.live as LiveService;
  const target = d.target ?? {};
  // the service as it is once this action is done: what CodeDeploy deploys and the record says
  const deployed = { ...live.spec, ...target };
  const update: Json = {};
  // CODE_DEPLOY: a new revision or network configuration goes through CodeDeploy, never
  // UpdateService, which ECS refuses for them (codedeploy.ts)
  const throughCodeDeploy = usesCodeDeploy(live.spec) && action.fields.some((f) => CODE_DEPLOY_FIELDS.has(topLevel(f)));
  for (const field of new Set(action.fields.map(topLevel))) {
    if (field === 'taskDefinition' || field === 'tags') continue;
    if (throughCodeDeploy && CODE_DEPLOY_FIELDS.has(field)) continue;
    if (field === 'launchType') {
      // launch type <-> capacity providers is an in-place transition: an empty strategy returns to the launch type
      if (!target.capacityProviderStrategy) update.capacityProviderStrategy = [];
      continue;
    }
    update[field] = target[field] ?? EMPTY_SERVICE_VALUES[field];
  }
  const deploys = action.fields.some((f) => f === 'taskDefinition');
  let deploymentId: string | undefined;
  const newRevision = deploys ? resolveTaskDefinition(d, registered, byId) : undefined;
  if (deploys && !throughCodeDeploy) update.taskDefinition = newRevision;
  if (throughCodeDeploy) {
    const block = d.desired ? serviceSpecOf(d.desired).codeDeploy : undefined;
    if (!block)
      throw new Error(
        `${d.name} uses the CODE_DEPLOY deployment controller: ECS takes a new task definition or network configuration only through CodeDeploy; give the Service a codeDeploy: { applicationName, deploymentGroupName } block`,
      );
    // a network-only change deploys the revision the service runs now, with the new network
    const revision = newRevision ?? runningRevisionArn(live);
    if (!revision) throw new Error(`${d.name}: no task definition revision known for the CodeDeploy deployment of its network configuration`);
    deploymentId = await deployThroughCodeDeploy(gw, revision, deployed, block);
  }
  if (Object.keys(update).length) {
    // ecspresso's --suspend-auto-scaling: no scale-in while the new revision rolls out;
    // the resume runs whatever happens (and a crash leaves a drift the next pass restores).
    const suspendScaleInFor = deploys && d.targetScaling && live.scaling && d.desired?.annotations[ANNOTATION.suspendScaleInDuringDeploy] === 'true';
    const resume = suspendScaleInFor ? await suspendScaleIn(gw, d.cluster!, d.name, d.targetScaling!) : undefined;
    try {
      const updated = await gw.updateService({ cluster: d.cluster!, service: d.name, ...update });
      if (deploys && !throughCodeDeploy) deploymentId = primaryDeploymentId(updated);
      if (resume) await waitForRollout(gw, d.cluster!, d.name, ctx.rolloutTimeoutMs ?? 10 * 60_000);
    } finally {
      await resume?.();
    }
  }
  // a CodeDeploy deployment is recorded with the network configuration it gives: how the live service tells it is in place (codedeploy.ts)
  const recorded = throughCodeDeploy && deploymentId ? codeDeployRecordValue(deploymentId, networkFingerprint(deployed)) : deploymentId;
  await syncTags(gw, live.arn, live.tags, serviceTags(run, deploys ? newRevision : live.primaryRevision?.arn, recorded));
  if (throughCodeDeploy) return [`CodeDeploy deployment ${deploymentId}`, ...Object.keys(update)].join(', ');
  return Object.keys(update).join(', ') || 'tags';
}

async function replaceService(run: ActionRun): Promise<string | undefined> {
  const { d, gw, ctx, registered, byId } = run;
  await gw.deleteService(d.cluster!, d.name);
  await waitUntilGone(gw, d.cluster!, d.name, ctx.replaceTimeoutMs ?? 10 * 60_000);
  // remembered on the new service: a replacement is never repeated for the same manifest (src/pipeline/fight-guard.ts)
  const created = await createService(
    d,
    gw,
    { ...serviceTags(run, resolveTaskDefinition(d, registered, byId)), [TAG.replacedFor]: d.desiredHash ?? '' },
    registered,
    byId,
    true,
  );
  return created.serviceArn;
}

async function updateScaling({ d, gw }: ActionRun): Promise<string | undefined> {
  const live = d.live as LiveService | undefined;
  return syncScaling(gw, d.cluster!, d.name, d.targetScaling, live?.scaling);
}

async function tagService(run: ActionRun): Promise<string | undefined> {
  const live = run.d.live as LiveService;
  // degraded: only the failure is recorded; the revision record keeps naming the revision
  // this controller gave it (the one that failed), never the one ECS rolled back to
  if (run.d.state === 'degraded' && run.d.degradedTag) {
    await run.gw.tagResource(live.arn, { [TAG.degraded]: run.d.degradedTag });
    return `${live.arn}: failed deployment recorded`;
  }
  await syncTags(run.gw, live.arn, live.tags, serviceTags(run, live.primaryRevision?.arn));
  return live.arn;
}

async function deleteService({ d, gw }: ActionRun): Promise<string | undefined> {
  const live = d.live as LiveService;
  await removeScaling(gw, live.cluster, live.name, live.scaling);
  if (live.desiredCount > 0) await gw.updateService({ cluster: live.cluster, service: live.name, desiredCount: 0 });
  await gw.deleteService(live.cluster, live.name);
  return live.arn;
}

export async function releaseService(live: LiveService, gw: AwsGateway): Promise<string> {
  await releaseTags(gw, live.arn, live.tags);
  return `${live.arn} released`;
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

async function createService(
  d: ResourceDiff,
  gw: AwsGateway,
  tags: Record<string, string>,
  registered: ReadonlyMap<string, string>,
  byId: ReadonlyMap<string, ResourceDiff>,
  replacing = false,
): Promise<SdkService> {
  const desired = d.desired as DesiredResource;
  const spec = serviceSpecOf(desired);
  const { tags: _t, autoScaling: _a, taskDefinition: _td, codeDeploy: _cd, ...rest } = spec;
  // ECS makes CreateService idempotent by clientToken: a retried or restarted create never makes a second service.
  const clientToken = specHash({ cluster: d.cluster, service: d.name, hash: d.desiredHash, replacing });
  return gw.createService({
    ...(rest as Json),
    ...(rest.desiredCount === undefined && rest.schedulingStrategy !== 'DAEMON' ? { desiredCount: initialDesiredCount(spec.autoScaling) } : {}),
    cluster: d.cluster!,
    serviceName: d.name,
    // an EXTERNAL deployment controller's service may have no task definition (its task sets do)
    ...(spec.taskDefinition !== undefined ? { taskDefinition: resolveTaskDefinition(d, registered, byId) } : {}),
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
function initialDesiredCount(autoScaling: ServiceSpec['autoScaling']): number {
  return autoScaling?.minCapacity ?? 1;
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
    // a shutdown ends the wait, not the rollout: ECS goes on with it, and the next pass reads where it is
    await sleepUnlessAborted(5000, waitSignal());
    if (waitSignal()?.aborted) throw new Error(`the wait for the rollout of ${service} was interrupted (the pass was stopped); the rollout goes on in ECS`);
  }
}

async function waitUntilGone(gw: AwsGateway, cluster: string, service: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await gw.describeServices(cluster, [service]);
    if (r.services.length === 0) return;
    if (Date.now() > deadline)
      throw new Error(`service ${service} still ${r.services[0]?.status} after ${Math.round(timeoutMs / 1000)}s; cannot re-create it yet`);
    await sleepUnlessAborted(2000, waitSignal());
    // deleted, not yet re-created: the next pass finds it missing and creates it
    if (waitSignal()?.aborted)
      throw new Error(`the wait for ${service} to go INACTIVE was interrupted (the pass was stopped); it is re-created on a later pass`);
  }
}

// The kind's action names join the plan's (src/plan/types.ts ActionNames): no list outside this folder.
declare module '../../plan/types.js' {
  interface ActionNames {
    'create-service': true;
    'update-service': true;
    'replace-service': true;
    'update-scaling': true;
    'delete-service': true;
  }
}

export const SERVICE_ACTIONS = {
  'tag-resource': { order: 3, run: tagService },
  'create-service': { order: 4, run: createServiceAction },
  'update-service': { order: 5, run: updateService },
  'replace-service': { order: 6, run: replaceService, destructive: true },
  'update-scaling': { order: 7, run: updateScaling },
  'delete-service': { order: 8, run: deleteService, stage: 'prune', destructive: true },
} as const;
