/** A CapacityProvider's actions: what the plan asks for, and the handlers that carry them out. */

import { type ActionRun, KeptForNow, releaseTags, syncTags } from '../../apply/action-run.js';
import { AwsCallError, type Gateway as AwsGateway, type CreateCapacityProviderCommandInput, nameFromArn, tagsToList } from '../../aws/index.js';
import type { ResourceDiff } from '../../diff/types.js';
import { isObject, type Json } from '../../model/json.js';
import type { LiveCapacityProvider } from '../../model/live.js';
import { ANNOTATION } from '../../model/resource.js';
import type { AddAction } from '../../plan/prune.js';
import type { Plan } from '../../plan/types.js';
import type { PruneCandidate } from '../kind.js';
import { capacityProviderSpecOf } from './schema.js';

export function planCapacityProviderCreate(d: ResourceDiff, add: AddAction): void {
  add(d, 'create-capacity-provider', 'in the manifests, not live');
}

export function planCapacityProviderChange(d: ResourceDiff, why: string, plan: Plan, add: AddAction): void {
  const fields = d.changes.map((c) => c.path);
  if (d.replacementFields.length) {
    if (d.desired?.annotations[ANNOTATION.allowReplace] === 'true') {
      add(
        d,
        'replace-capacity-provider',
        `${d.replacementFields.join(', ')} cannot change in place: delete and re-create (${ANNOTATION.allowReplace})`,
        fields,
      );
    } else {
      plan.skipped.push({
        resource: d.id,
        reason: `${d.replacementFields.join(', ')} cannot change in place (UpdateCapacityProvider does not take the Auto Scaling group, the provider type or its cluster); set ${ANNOTATION.allowReplace}: "true" to delete and re-create the capacity provider`,
        error: true,
      });
    }
    return;
  }
  const nonTag = fields.filter((f) => !f.startsWith('tags.'));
  if (nonTag.length) add(d, 'update-capacity-provider', why, nonTag);
  else add(d, 'tag-resource', why, fields);
}

export function planCapacityProviderDelete(d: ResourceDiff, _inUse: ReadonlySet<string>, _plan: Plan, add: AddAction): void {
  add(d, 'delete-capacity-provider', 'no longer in the manifests');
}

function strategyNames(spec: Json | undefined): string[] {
  const strategy = spec?.capacityProviderStrategy ?? spec?.defaultCapacityProviderStrategy;
  return Array.isArray(strategy) ? strategy.map((i) => (isObject(i) ? String(i.capacityProvider ?? '') : '')) : [];
}

/**
 * A provider is deleted only once nothing uses it: never while a service's strategy names
 * it (ECS: "You can only disassociate an existing capacity provider from a cluster if it's
 * not being used by any existing tasks"; PutClusterCapacityProviders answers
 * ResourceInUseException), nor while a Cluster manifest still names it. A live cluster
 * that still has it associated and that this pass does not change keeps it too (ECS answers
 * DeleteCapacityProvider with DELETE_FAILED).
 */
export function keepUsedCapacityProviders(candidates: PruneCandidate[], diffs: readonly ResourceDiff[], plan: Plan): void {
  for (let i = candidates.length - 1; i >= 0; i--) {
    const c = candidates[i]!;
    if (c.action.kind !== 'delete-capacity-provider') continue;
    const name = c.diff.name;
    const users: string[] = [];
    for (const d of diffs) {
      if (d.region !== c.diff.region || d.id === c.diff.id) continue;
      const wanted = d.desired ? (d.target ?? (d.desired.spec as Json)) : undefined;
      const live = d.live && 'spec' in d.live ? (d.live.spec as Json) : undefined;
      const namesIt = (spec: Json | undefined) =>
        strategyNames(spec).includes(name) || (Array.isArray(spec?.capacityProviders) && (spec.capacityProviders as unknown[]).includes(name));
      // a service counts while it is live, also one this pass deletes (its tasks keep the provider in use until they stop)
      if (d.kind === 'Service' && (namesIt(wanted) || namesIt(live))) users.push(`service ${d.name}`);
      // a cluster counts by what it will have: its manifest's target, or live when it has none
      if (d.kind === 'Cluster' && (d.desired ? namesIt(wanted) : !deletedWith(candidates, d.id) && namesIt(live))) users.push(`cluster ${d.name}`);
    }
    if (users.length) {
      candidates.splice(i, 1);
      plan.skipped.push({
        resource: c.diff.id,
        reason: `orphaned, not deleted: still used by ${users.join(', ')}; a capacity provider is deleted only once no cluster or service strategy names it (move the services off it and remove it from the cluster first)`,
        error: true,
      });
    }
  }
}

function deletedWith(candidates: readonly PruneCandidate[], id: string): boolean {
  return candidates.some((c) => c.diff.id === id && c.orphan);
}

/** The CreateCapacityProvider input of a manifest (its spec as written: ECS fills in the defaults). */
function createInput(run: ActionRun): CreateCapacityProviderCommandInput {
  // the spec as the schema parsed it (zod's type): CreateCapacityProvider's input less name
  const { tags: _t, ...spec } = capacityProviderSpecOf(run.d.desired!);
  return { ...(spec as Omit<CreateCapacityProviderCommandInput, 'name'>), name: run.d.name, tags: tagsToList(run.allTags()) };
}

async function createCapacityProvider(run: ActionRun): Promise<string | undefined> {
  const p = await run.gw.createCapacityProvider(createInput(run));
  return p.capacityProviderArn;
}

/**
 * UpdateCapacityProvider takes AutoScalingGroupProviderUpdate (managedScaling,
 * managedTerminationProtection, managedDraining) or the Managed Instances configuration.
 * It is asynchronous: its answer is the provider as it was (updateStatus UPDATE_IN_PROGRESS,
 * EC2-NOTES.md), so nothing is read from it; the next pass reads the new values.
 */
async function updateCapacityProvider({ d, gw, allTags }: ActionRun): Promise<string | undefined> {
  const live = d.live as LiveCapacityProvider;
  const target = d.target ?? {};
  const asg = isObject(target.autoScalingGroupProvider) ? target.autoScalingGroupProvider : undefined;
  const changed = d.changes.some((c) => !c.path.startsWith('tags.'));
  if (changed && asg) {
    const { autoScalingGroupArn: _fixed, ...update } = asg;
    await gw.updateCapacityProvider({ name: d.name, autoScalingGroupProvider: update as never });
  } else if (changed && isObject(target.managedInstancesProvider)) {
    await gw.updateCapacityProvider({ name: d.name, managedInstancesProvider: target.managedInstancesProvider as never });
  }
  await syncTags(gw, live.arn, live.tags, allTags());
  return undefined;
}

async function tagCapacityProvider({ d, gw, allTags }: ActionRun): Promise<string | undefined> {
  const live = d.live as LiveCapacityProvider;
  await syncTags(gw, live.arn, live.tags, allTags());
  return live.arn;
}

/**
 * DeleteCapacityProvider does not fail for a provider a cluster still has: it answers
 * updateStatus DELETE_FAILED with the reason (AWS Knowledge Center, ecs-capacity-provider-error;
 * EC2-NOTES.md). That answer is a failure here, with ECS's words.
 */
async function deleteProvider(gw: AwsGateway, name: string): Promise<void> {
  const answer = await gw.deleteCapacityProvider(name);
  if (answer.updateStatus !== 'DELETE_FAILED') return;
  const reason = answer.updateStatusReason ?? 'ECS did not say why';
  // still associated (a cluster keeps it while tasks run on it): deleted on a later pass
  if (/associated with cluster/i.test(reason)) throw new KeptForNow(`kept for now: ${reason}`);
  throw new AwsCallError('DeleteCapacityProvider', 'DELETE_FAILED', `DeleteCapacityProvider: DELETE_FAILED: ${reason}`, false, false);
}

async function deleteCapacityProvider({ d, gw }: ActionRun): Promise<string | undefined> {
  await deleteProvider(gw, d.name);
  return undefined;
}

/** A new Auto Scaling group is a new provider: the old one is deleted (it must be detached first, as ECS requires), then the new one made. */
async function replaceCapacityProvider(run: ActionRun): Promise<string | undefined> {
  const { gw, d } = run;
  // ECS deletes a provider only once no cluster has it ("Remove the capacity provider from the
  // cluster and try again"): each cluster that has it lets go of it first, then has the new one
  // back with the same default strategy. PutClusterCapacityProviders refuses to let go while a
  // service or task runs on it (ResourceInUseException): that refusal is this action's failure,
  // in ECS's words, and the clusters already detached get the old provider back.
  const arns = await gw.listClusterArns();
  const holding = (arns.length ? (await gw.describeClusters(arns)).clusters : []).filter((c) => c.capacityProviders?.includes(d.name));
  const associate = (c: (typeof holding)[number], without?: string) =>
    gw.putClusterCapacityProviders({
      cluster: c.clusterName ?? nameFromArn(c.clusterArn ?? ''),
      capacityProviders: (c.capacityProviders ?? []).filter((p) => p !== without),
      defaultCapacityProviderStrategy: (c.defaultCapacityProviderStrategy ?? []).filter((s) => s.capacityProvider !== without),
    });
  const detached: typeof holding = [];
  try {
    for (const c of holding) {
      await associate(c, d.name);
      detached.push(c);
    }
    await deleteProvider(gw, d.name);
  } catch (err) {
    for (const c of detached) await associate(c);
    throw err;
  }
  const arn = await createCapacityProvider(run);
  for (const c of holding) await associate(c);
  return arn;
}

export async function releaseCapacityProvider(live: LiveCapacityProvider, gw: AwsGateway): Promise<string> {
  await releaseTags(gw, live.arn, live.tags);
  return `${live.arn} released`;
}

/** Order within a pass: creates and updates first, deletions last (ranked against every kind's in src/pipeline/plan.ts). */
// The kind's action names join the plan's (src/plan/types.ts ActionNames): no list outside this folder.
declare module '../../plan/types.js' {
  interface ActionNames {
    'create-capacity-provider': true;
    'update-capacity-provider': true;
    'replace-capacity-provider': true;
    'delete-capacity-provider': true;
  }
}

export const CAPACITY_PROVIDER_ACTIONS = {
  'create-capacity-provider': { order: 0, run: createCapacityProvider },
  'update-capacity-provider': { order: 1, run: updateCapacityProvider },
  'replace-capacity-provider': { order: 2, run: replaceCapacityProvider, destructive: true },
  'tag-resource': { order: 3, run: tagCapacityProvider },
  'delete-capacity-provider': { order: 10, run: deleteCapacityProvider, stage: 'prune', destructive: true },
} as const;
