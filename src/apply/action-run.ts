/**
 * What one action's handler is given: the resource's diff, its region's gateway, the
 * tags to write, and what earlier actions of the pass registered. Shared by every kind's
 * handlers (src/kinds/<kind>/actions.ts); the loop that runs them is src/pipeline/apply.ts.
 */
import type { Gateway as AwsGateway, Gateways as AwsGateways } from '../aws/index.js';
import type { ResourceDiff } from '../diff/types.js';
import { emptyRecord, ownValue } from '../model/own-keys.js';
import type { ActionResult, PlannedAction } from '../plan/types.js';
import { OPTIONAL_OWNERSHIP_KEYS, OWNERSHIP_KEYS, ownershipTags } from './ownership.js';

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

export interface ActionRun {
  action: PlannedAction;
  d: ResourceDiff;
  gw: AwsGateway;
  ctx: ApplyContext;
  /** resource id -> what an earlier action of this pass made (a TaskDefinition: the revision ARN registered now) */
  registered: Map<string, string>;
  byId: ReadonlyMap<string, ResourceDiff>;
  /** the user tags wanted plus this controller's ownership tags */
  allTags(): Record<string, string>;
  /**
   * Part of the change is left undone on purpose, because live forbids it for now (a
   * capacity provider a service still runs on): the resource is not converged, and the
   * same difference will be back next pass. That is a wait, not another tool changing it
   * back, so the fight record is not advanced: from this call on, allTags() carries the
   * record as live has it (call it before writing the tags). `what` becomes the action's
   * message when the handler gives none.
   */
  keptNotConverged(what: string): void;
  /** what keptNotConverged was told, in order */
  readonly kept: readonly string[];
}

export function actionRun(
  action: PlannedAction,
  d: ResourceDiff,
  gw: AwsGateway,
  ctx: ApplyContext,
  registered: Map<string, string>,
  byId: ReadonlyMap<string, ResourceDiff>,
  /** the fight record as live has it (src/pipeline/fight-guard.ts liveFightTag): what a kept change leaves */
  liveFightTag: string | undefined,
): ActionRun {
  const kept: string[] = [];
  const owned = () => {
    const fightTag = kept.length ? liveFightTag : d.fightTag;
    return ownershipTags({
      controllerId: ctx.controllerId,
      desiredHash: d.desiredHash ?? '',
      ...(d.desired ? { desired: d.desired } : {}),
      ...(ctx.gitRevision ? { gitRevision: ctx.gitRevision } : {}),
      ...(fightTag ? { fightTag } : {}),
      ...(d.degradedTag ? { degradedTag: d.degradedTag } : {}),
      ...(ctx.repository ? { repository: ctx.repository } : {}),
    });
  };
  return {
    action,
    d,
    gw,
    ctx,
    registered,
    byId,
    allTags: () => ({ ...(d.targetTags ?? {}), ...owned() }),
    keptNotConverged: (what) => {
      kept.push(what);
    },
    kept,
  };
}

/** A deletion that the live state forbids right now (a cluster with something still in it): skipped, tried again next pass. */
export class KeptForNow extends Error {}

/** The top-level field of a changed path (`deploymentConfiguration.maximumPercent` -> `deploymentConfiguration`). */
export function topLevel(path: string): string {
  return path.split(/[.[]/)[0] ?? path;
}

/** TagResource what differs, UntagResource user tags the manifest dropped (ownership keys kept unless obsolete). */
export async function syncTags(gw: AwsGateway, arn: string, live: Record<string, string>, wanted: Record<string, string>): Promise<void> {
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

/** Removes every ownership key from one resource's tags (release-resource): it is then unmanaged, and never pruned. */
export async function releaseTags(gw: AwsGateway, arn: string, tags: Record<string, string>): Promise<void> {
  await gw.untagResource(
    arn,
    OWNERSHIP_KEYS.filter((k) => k in tags),
  );
}
