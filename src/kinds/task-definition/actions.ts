/** A TaskDefinition's actions: a new revision, tags on the newest, deregistering old or orphaned revisions. */

import { type ActionRun, syncTags } from '../../apply/action-run.js';
import { OWNERSHIP_KEYS } from '../../apply/ownership.js';
import { AwsCallError, type Gateway as AwsGateway, sleepUnlessAborted, tagsToList, waitSignal } from '../../aws/index.js';
import type { ResourceDiff } from '../../diff/types.js';
import type { Json } from '../../model/json.js';
import type { LiveTaskDefinitionFamily } from '../../model/live.js';
import { TAG } from '../../model/resource.js';
import type { AddAction, PlanOptions } from '../../plan/prune.js';
import type { Plan } from '../../plan/types.js';
import { familyArns } from './read.js';

export function planTaskDefinitionCreate(d: ResourceDiff, add: AddAction): void {
  add(d, 'register-task-definition', 'in the manifests, not live');
}

export function planTaskDefinitionChange(d: ResourceDiff, why: string, _plan: Plan, add: AddAction): void {
  const fields = d.changes.map((c) => c.path);
  const content = fields.filter((f) => !f.startsWith('tags.'));
  if (content.length) add(d, 'register-task-definition', `${why}: a new revision (revisions are immutable)`, content);
  else add(d, 'tag-resource', why, fields);
}

export function planTaskDefinitionDelete(d: ResourceDiff, inUse: ReadonlySet<string>, plan: Plan, add: AddAction): void {
  const fam = d.live as LiveTaskDefinitionFamily;
  // a revision a service's deployment still runs (a pinned family:revision, say) stays
  const revisions = fam.activeRevisionArns.filter((arn) => !inUse.has(arn));
  const kept = fam.activeRevisionArns.length - revisions.length;
  if (revisions.length === 0) {
    plan.skipped.push({ resource: d.id, reason: 'orphaned, kept: a service still runs its revisions', error: false });
    return;
  }
  add(
    d,
    'deregister-task-definition',
    `no longer in the manifests: every ACTIVE revision deregistered${kept ? ` but the ${kept} a service still runs` : ''}`,
    [],
    revisions,
  );
}

/** Old revisions of a managed family beyond --keep-revisions, never one a service still runs. */
export function planRevisionPrune(d: ResourceDiff, opts: PlanOptions, inUse: ReadonlySet<string>, add: AddAction): void {
  if (!opts.loadComplete) return;
  const fam = d.live as LiveTaskDefinitionFamily | undefined;
  if (!fam) return;
  const surplus = fam.activeRevisionArns.slice(Math.max(1, opts.keepRevisions)).filter((arn) => !inUse.has(arn));
  if (surplus.length) add(d, 'deregister-task-definition', `keep the newest ${opts.keepRevisions} revision(s) (--keep-revisions)`, [], surplus);
}

async function findRegistered(gw: AwsGateway, family: string, desiredHash: string, controllerId: string): Promise<string | undefined> {
  const arns = await familyArns(gw, family);
  for (const arn of arns.slice(0, 3)) {
    const { tags } = await gw.describeTaskDefinition(arn);
    if (tags[TAG.managedBy] === controllerId && tags[TAG.appliedHash] === desiredHash) return arn;
  }
  return undefined;
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
      // a shutdown ends the backoff, not the check: a revision the failed attempt registered is still found
      await sleepUnlessAborted(Math.min(8000, 250 * 2 ** attempt), waitSignal());
      const found = await findRegistered(gw, family, desiredHash, controllerId).catch(() => undefined);
      if (found) return found;
      if (waitSignal()?.aborted) throw err;
    }
  }
}

async function registerTaskDefinition({ d, gw, ctx, registered, allTags }: ActionRun): Promise<string | undefined> {
  const target = d.target ?? {};
  const arn = await registerOnce(gw, d.name, { ...(target as Json), family: d.name, tags: tagsToList(allTags()) }, d.desiredHash ?? '', ctx.controllerId);
  registered.set(d.id, arn);
  return arn;
}

async function tagTaskDefinition({ d, gw, allTags }: ActionRun): Promise<string | undefined> {
  const fam = d.live as LiveTaskDefinitionFamily;
  await syncTags(gw, fam.latest.arn, fam.latest.tags, allTags());
  return fam.latest.arn;
}

async function deregisterTaskDefinition({ action, gw, ctx }: ActionRun): Promise<string | undefined> {
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

/** Every revision this controller registered loses its ownership tags; the family is then unmanaged. */
export async function releaseTaskDefinition(fam: LiveTaskDefinitionFamily, gw: AwsGateway, controllerId: string): Promise<string> {
  let n = 0;
  for (const arn of fam.activeRevisionArns) {
    const { tags } = await gw.describeTaskDefinition(arn);
    if (tags[TAG.managedBy] !== controllerId) continue;
    await gw.untagResource(
      arn,
      OWNERSHIP_KEYS.filter((k) => k in tags),
    );
    n++;
  }
  return `${n} revision(s) released`;
}

// The kind's action names join the plan's (src/plan/types.ts ActionNames): no list outside this folder.
declare module '../../plan/types.js' {
  interface ActionNames {
    'register-task-definition': true;
    'deregister-task-definition': true;
  }
}

export const TASK_DEFINITION_ACTIONS = {
  'register-task-definition': { order: 2, run: registerTaskDefinition },
  'tag-resource': { order: 3, run: tagTaskDefinition },
  'deregister-task-definition': { order: 9, run: deregisterTaskDefinition, stage: 'prune', destructive: true },
} as const;
