/**
 * Pure: resource diffs -> ordered actions, each with a reason. Each kind plans its own
 * resources (src/kinds/<kind>/actions.ts); this stage orders them: creates and updates
 * by kind in registry order (clusters, task definition revisions, services: a service
 * follows the revision its TaskDefinition manifest now resolves to), then deletions in
 * reverse. Replacement only with the allow-replace annotation; prune only when asked,
 * only when loading was complete, never a resource marked prune "false", never a conflict.
 */
import type { ResourceDiff } from '../diff/types.js';
import type { PruneCandidate } from '../kinds/kind.js';
import { kindOf, REGISTRY, rankOf, stageOf } from '../kinds/registry.js';
import { ANNOTATION } from '../model/resource.js';
import { type AddAction, defaultMaxPrune, type PlanOptions, pruneRefusal } from '../plan/prune.js';
import type { ActionKind, Plan, PlannedAction } from '../plan/types.js';

export function planEstate(diffs: readonly ResourceDiff[], opts: PlanOptions): Plan {
  const plan: Plan = { actions: [], skipped: [] };
  const inUse = new Set<string>();
  // revisions a service's deployment runs, but not those of a service this plan deletes (it goes first)
  for (const d of diffs) {
    if (!d.live || (d.state === 'orphaned' && refusalOf(d, opts) === undefined)) continue;
    for (const arn of kindOf(d.kind).revisionsInUse?.(d.live) ?? []) inUse.add(arn);
  }
  const add = (d: ResourceDiff, kind: ActionKind, reason: string, fields: string[] = [], revisions?: string[]) =>
    plan.actions.push({ kind, resource: d.id, resourceKind: d.kind, reason, fields, ...(revisions ? { revisions } : {}) });
  /** deletions, held back until the whole prune stage is judged */
  const candidates: PruneCandidate[] = [];
  const addPrune =
    (orphan: boolean): AddAction =>
    (d, kind, reason, fields = [], revisions) =>
      candidates.push({ diff: d, orphan, action: { kind, resource: d.id, resourceKind: d.kind, reason, fields, ...(revisions ? { revisions } : {}) } });
  const releases = new Set<string>();
  for (const spec of opts.release ?? []) {
    const match = diffs.find((d) => (d.state === 'retained' || d.state === 'orphaned') && releaseMatches(spec, d));
    if (match) releases.add(match.id);
    else
      plan.skipped.push({
        resource: spec,
        reason: `--release ${spec}: no retained or orphaned resource of controller "${opts.controllerId}" has this id (write it as the plan shows it, e.g. Service/eu-west-1/prod/web)`,
        error: true,
      });
  }

  for (const d of diffs) {
    const kind = kindOf(d.kind);
    if (d.suspended) {
      // report only: not even ownership tags or old revisions are touched
      if (d.state !== 'in-sync') plan.skipped.push({ resource: d.id, reason: `suspended (${ANNOTATION.suspend}: "true"): reported, left alone`, error: false });
      continue;
    }
    if (releases.has(d.id)) {
      add(
        d,
        'release-resource',
        'released on purpose (--release): the ownership tags are removed, the resource itself is left as it is and no longer managed',
        ['tags'],
      );
      continue;
    }
    switch (d.state) {
      case 'missing':
        kind.planCreate(d, add);
        break;
      case 'pending':
      case 'drifted':
      case 'conflict': {
        if (d.state === 'conflict') {
          plan.skipped.push({ resource: d.id, reason: d.reason, error: false });
          break;
        }
        // its kind says the changes wait (a rollout someone else started): reported, tried next pass
        if (d.heldBack) {
          plan.skipped.push({ resource: d.id, reason: d.heldBack, error: false });
          break;
        }
        kind.planChange(d, changeReason(d), plan, add);
        break;
      }
      case 'in-sync':
        if (d.staleHash) add(d, 'tag-resource', 'content matches; ownership tags brought up to date', ['tags']);
        if (opts.prune) kind.planInSyncPrune?.(d, opts, inUse, addPrune(false));
        break;
      case 'orphaned':
        {
          const refusal = refusalOf(d, opts);
          if (refusal) plan.skipped.push({ resource: d.id, ...refusal });
          else kind.planDelete(d, inUse, plan, addPrune(true));
        }
        break;
      case 'retained':
        plan.skipped.push({ resource: d.id, reason: d.reason, error: false });
        break;
      case 'degraded': // a deployment ECS failed or rolled back: reported, not deployed again for this manifest
        plan.skipped.push({ resource: d.id, reason: d.reason, error: true });
        // a failure seen for the first time is remembered on the resource (its degraded record)
        if (d.degradedTag) add(d, 'tag-resource', 'record the failed deployment, so that no pass deploys it again', ['tags']);
        break;
      case 'invalid':
      case 'fighting': // src/pipeline/fight-guard.ts: reported, not applied again
        plan.skipped.push({ resource: d.id, reason: d.reason, error: true });
        break;
      case 'unknown': // its region could not be read: nothing is concluded, nothing done
        break;
    }
  }
  for (const kind of REGISTRY) kind.keepOnPrune?.(candidates, diffs, plan);
  judgePruneStage(candidates, diffs, opts, plan);
  plan.actions.sort(compareActions);
  return plan;
}

/** `Service/eu-west-1/prod/web`, or without the region (`Service/prod/web`, `Cluster/prod`). */
function releaseMatches(spec: string, d: ResourceDiff): boolean {
  if (spec === d.id) return true;
  const parts = d.id.split('/');
  return [parts[0], ...parts.slice(2)].join('/') === spec;
}

/** Why an orphan is not deleted, judged on the tags its kind keeps ownership in. */
function refusalOf(d: ResourceDiff, opts: PlanOptions): { reason: string; error: boolean } | undefined {
  return pruneRefusal(d.live ? kindOf(d.kind).ownershipTagsOf(d.live) : undefined, opts);
}

function changeReason(d: ResourceDiff): string {
  return d.state === 'drifted'
    ? 'restore what git says (changed outside git)'
    : d.live && !d.appliedHash
      ? 'adopt: take over and converge'
      : 'the manifest changed';
}

/**
 * The prune stage as a whole: it runs only when the manifests yield something, when it
 * deletes no more than --max-prune resources, when the controller id tells this estate
 * from another, and when no create or update of the pass is refused (Flux: prune is
 * skipped whenever anything before it failed). Refused, nothing is deleted, and the
 * reason says how to go on.
 */
function judgePruneStage(candidates: readonly PruneCandidate[], diffs: readonly ResourceDiff[], opts: PlanOptions, plan: Plan): void {
  const managed = diffs.filter((d) => d.live !== undefined && kindOf(d.kind).managedBy(d.live, opts.controllerId)).length;
  const maxPrune = opts.maxPrune ?? defaultMaxPrune(managed);
  const deleted = new Set(candidates.filter((c) => c.orphan).map((c) => c.diff.id));
  if (!opts.prune) {
    plan.prune = { status: 'off', deletions: 0, managed, maxPrune };
    return;
  }
  const desiredCount = diffs.filter((d) => d.desired).length;
  // creates and updates refused at plan time (a replacement not allowed, say); not the orphans' own refusals
  const applyStage = new Set(diffs.filter((d) => d.state !== 'orphaned' && d.state !== 'retained').map((d) => d.id));
  const refusedBefore = plan.skipped.filter((s) => s.error && applyStage.has(s.resource));
  let refusal: string | undefined;
  if (candidates.length && desiredCount === 0 && !opts.allowEmpty) {
    refusal = `prune refused: the manifests yield no resources at all (an empty folder, a wrong git ref, a git rm, a sync to an empty commit?), so pruning would delete all ${deleted.size} managed resource(s). Check the folder; pass --allow-empty to prune to empty on purpose`;
  } else if (deleted.size > maxPrune) {
    refusal = `prune refused: it would delete ${deleted.size} of the ${managed} resource(s) this controller manages, more than --max-prune ${maxPrune}${opts.maxPrune === undefined ? ' (default: the larger of 5 and a quarter of what is managed)' : ''}. Check the plan; pass --max-prune ${deleted.size} to go on`;
  } else if (candidates.length && opts.implicitControllerId && !opts.repository) {
    refusal = `prune refused: the controller id is the default "${opts.controllerId}" and the folder is not in a git checkout, so nothing tells this estate's resources from another's that uses the default too. Pass --controller-id ID (the same on every run) to prune`;
  } else if (candidates.length && refusedBefore.length) {
    refusal = `prune skipped: ${refusedBefore.length} create or update of this pass cannot be made (${refusedBefore[0]!.resource}: ${refusedBefore[0]!.reason}); nothing is deleted until every create and update succeeds`;
  }
  if (refusal) {
    for (const id of deleted) plan.skipped.push({ resource: id, reason: refusal, error: true });
    plan.prune = { status: 'refused', reason: refusal, deletions: deleted.size, managed, maxPrune };
    return;
  }
  for (const c of candidates) plan.actions.push(c.action);
  plan.prune = { status: 'planned', deletions: deleted.size, managed, maxPrune };
}

/** Release sits between the updates and the deletions. */
const RELEASE_ORDER = 7.5;

function actionOrder(a: PlannedAction): number {
  return a.kind === 'release-resource' ? RELEASE_ORDER : (kindOf(a.resourceKind).actions[a.kind as ActionKind]?.order ?? RELEASE_ORDER);
}

const isDeletion = (a: PlannedAction) => stageOf(a.kind) === 'prune';

/**
 * Creates and updates first, by resource kind in registry order (a cluster's tag-only
 * change is still a cluster's), then deletions in reverse registry order (services,
 * revisions, clusters); within a kind, by the kind's action order, then ids in a stable order.
 */
function compareActions(a: PlannedAction, b: PlannedAction): number {
  const da = isDeletion(a);
  const db = isDeletion(b);
  if (da !== db) return da ? 1 : -1;
  const byKind = rankOf(a.resourceKind) - rankOf(b.resourceKind);
  if (byKind !== 0) return da ? -byKind : byKind;
  return actionOrder(a) - actionOrder(b) || a.resource.localeCompare(b.resource);
}
