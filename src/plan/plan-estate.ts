/**
 * Pure: resource diffs -> ordered actions, each with a reason. Order: clusters, then
 * task definition revisions, then services (a service follows the revision its
 * TaskDefinition manifest now resolves to), then deletions in reverse (services,
 * revisions, clusters). Replacement only with the allow-replace annotation; prune only
 * when asked, only when loading was complete, never a resource marked prune "false",
 * never a conflict.
 */
import type { LiveCluster, LiveService, LiveTaskDefinitionFamily } from '../model/live.js';
import { ANNOTATION, TAG } from '../model/resource.js';
import type { ResourceDiff } from '../diff/types.js';
import { stageOf, type ActionKind, type Plan, type PlannedAction } from './types.js';

export interface PlanOptions {
  prune: boolean;
  /** false when any manifest failed to load: then nothing is pruned */
  loadComplete: boolean;
  /** ACTIVE managed revisions kept per family when pruning (default 5) */
  keepRevisions: number;
  controllerId: string;
  /** --allow-empty: prune even when the manifests yield no resources at all */
  allowEmpty?: boolean;
  /** --max-prune: most orphaned resources one pass may delete; default defaultMaxPrune(managed) */
  maxPrune?: number;
  /** this run's repository (remote and path); prune never deletes a resource recorded from another */
  repository?: string;
  /** the controller id is the fallback `default`, not given: prune then needs the repository to tell estates apart */
  implicitControllerId?: boolean;
  /** --release: retained (or orphaned) resources whose ownership tags are removed on purpose */
  release?: readonly string[];
}

/**
 * The default bound on one pass's deletions: the larger of 5 and a quarter of what is
 * managed (rounded up). A folder emptied by mistake, a wrong git ref or a half-synced
 * checkout all show up as "everything orphaned"; a real clean-up is rarely that large,
 * and --max-prune N lets one through on purpose.
 */
export function defaultMaxPrune(managed: number): number {
  return Math.max(5, Math.ceil(managed * 0.25));
}

const ORDER: Record<ActionKind, number> = {
  'create-cluster': 0,
  'update-cluster': 1,
  'register-task-definition': 2,
  'tag-resource': 3,
  'create-service': 4,
  'update-service': 5,
  'replace-service': 6,
  'update-scaling': 7,
  'delete-service': 8,
  'deregister-task-definition': 9,
  'delete-cluster': 10,
  'release-resource': 7.5,
};

export function planEstate(diffs: readonly ResourceDiff[], opts: PlanOptions): Plan {
  const plan: Plan = { actions: [], skipped: [] };
  const inUse = new Set<string>();
  // revisions a service's deployment runs, but not those of a service this plan deletes (it goes first)
  for (const d of diffs) if (d.live?.kind === 'Service' && !(d.state === 'orphaned' && pruneRefusal(d, opts) === undefined)) for (const dep of d.live.deployments) inUse.add(dep.taskDefinitionArn);
  const add = (d: ResourceDiff, kind: ActionKind, reason: string, fields: string[] = [], revisions?: string[]) =>
    plan.actions.push({ kind, resource: d.id, resourceKind: d.kind, reason, fields, ...(revisions ? { revisions } : {}) });
  /** deletions, held back until the whole prune stage is judged */
  const candidates: Array<{ diff: ResourceDiff; action: PlannedAction; orphan: boolean }> = [];
  const addPrune = (orphan: boolean): Add => (d, kind, reason, fields = [], revisions) =>
    candidates.push({ diff: d, orphan, action: { kind, resource: d.id, resourceKind: d.kind, reason, fields, ...(revisions ? { revisions } : {}) } });
  const releases = new Set<string>();
  for (const spec of opts.release ?? []) {
    const match = diffs.find((d) => (d.state === 'retained' || d.state === 'orphaned') && releaseMatches(spec, d));
    if (match) releases.add(match.id);
    else plan.skipped.push({ resource: spec, reason: `--release ${spec}: no retained or orphaned resource of controller "${opts.controllerId}" has this id (write it as the plan shows it, e.g. Service/eu-west-1/prod/web)`, error: true });
  }

  for (const d of diffs) {
    if (d.suspended) {
      // report only: not even ownership tags or old revisions are touched
      if (d.state !== 'in-sync') plan.skipped.push({ resource: d.id, reason: `suspended (${ANNOTATION.suspend}: "true"): reported, left alone`, error: false });
      continue;
    }
    if (releases.has(d.id)) {
      add(d, 'release-resource', 'released on purpose (--release): the ownership tags are removed, the resource itself is left as it is and no longer managed', ['tags']);
      continue;
    }
    switch (d.state) {
      case 'missing':
        add(d, d.kind === 'Cluster' ? 'create-cluster' : d.kind === 'TaskDefinition' ? 'register-task-definition' : 'create-service', 'in the manifests, not live');
        if (d.kind === 'Service' && d.targetScaling) add(d, 'update-scaling', 'auto scaling: register the scalable target, then its policies and scheduled actions', ['autoScaling']);
        break;
      case 'pending':
      case 'drifted':
      case 'conflict': {
        if (d.state === 'conflict') {
          plan.skipped.push({ resource: d.id, reason: d.reason, error: false });
          break;
        }
        planChange(d, plan, add);
        break;
      }
      case 'in-sync':
        if (d.staleHash) add(d, 'tag-resource', 'content matches; ownership tags brought up to date', ['tags']);
        if (opts.prune && d.kind === 'TaskDefinition') planRevisionPrune(d, opts, inUse, addPrune(false));
        break;
      case 'orphaned':
        planOrphan(d, opts, plan, addPrune(true), inUse);
        break;
      case 'retained':
        plan.skipped.push({ resource: d.id, reason: d.reason, error: false });
        break;
      case 'invalid':
      case 'fighting': // src/diff/fight-guard.ts: reported, not applied again
        plan.skipped.push({ resource: d.id, reason: d.reason, error: true });
        break;
      case 'unknown': // its region could not be read: nothing is concluded, nothing done
        break;
    }
  }
  keepNonEmptyClusters(candidates, diffs, plan);
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

/**
 * A cluster is deleted only once empty, whoever owns what runs in it: a service this plan
 * does not delete (a hand-made one, another controller's, one kept by prune "false"), a
 * service a manifest still wants, or a task that no deleted service accounts for keeps it.
 * The apply stage reads the cluster again before deleting it.
 */
function keepNonEmptyClusters(candidates: Array<{ diff: ResourceDiff; action: PlannedAction; orphan: boolean }>, diffs: readonly ResourceDiff[], plan: Plan): void {
  const deletedServices = new Set(candidates.filter((c) => c.action.kind === 'delete-service').map((c) => c.diff.id));
  for (let i = candidates.length - 1; i >= 0; i--) {
    const c = candidates[i]!;
    if (c.action.kind !== 'delete-cluster') continue;
    const cluster = c.diff.live as LiveCluster;
    const inCluster = diffs.filter((d) => d.kind === 'Service' && d.region === c.diff.region && d.cluster === cluster.name);
    const staying = inCluster.filter((d) => !deletedServices.has(d.id) && (d.live || d.desired));
    const leaving = inCluster.filter((d) => deletedServices.has(d.id));
    const leavingTasks = leaving.reduce((n, d) => n + ((d.live as LiveService).runningCount + (d.live as LiveService).pendingCount), 0);
    const otherServices = Math.max(staying.filter((d) => d.live).length, cluster.activeServicesCount - leaving.length);
    const otherTasks = cluster.runningTasksCount + cluster.pendingTasksCount - leavingTasks;
    const wanted = staying.filter((d) => !d.live && d.desired);
    if (otherServices > 0 || otherTasks > 0 || wanted.length > 0) {
      candidates.splice(i, 1);
      const what = [
        otherServices > 0 ? `${otherServices} service(s)${staying.length ? ` (${staying.map((d) => d.name).join(', ')})` : ''}` : '',
        otherTasks > 0 ? `${otherTasks} task(s)` : '',
        wanted.length ? `the manifests still want ${wanted.map((d) => d.name).join(', ')} in it` : '',
      ].filter(Boolean).join(', ');
      plan.skipped.push({ resource: c.diff.id, reason: `orphaned, kept: ${what} still in it, whoever owns them; a cluster is deleted only once it is empty`, error: false });
    }
  }
}

function isOwnedBy(d: ResourceDiff, controllerId: string): boolean {
  if (!d.live) return false;
  if (d.live.kind === 'TaskDefinition') return d.live.latestManaged !== undefined;
  return d.live.tags[TAG.managedBy] === controllerId;
}

/**
 * The prune stage as a whole: it runs only when the manifests yield something, when it
 * deletes no more than --max-prune resources, when the controller id tells this estate
 * from another, and when no create or update of the pass is refused (Flux: prune is
 * skipped whenever anything before it failed). Refused, nothing is deleted, and the
 * reason says how to go on.
 */
function judgePruneStage(candidates: ReadonlyArray<{ diff: ResourceDiff; action: PlannedAction; orphan: boolean }>, diffs: readonly ResourceDiff[], opts: PlanOptions, plan: Plan): void {
  const managed = diffs.filter((d) => isOwnedBy(d, opts.controllerId)).length;
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

const KIND_ORDER: Record<PlannedAction['resourceKind'], number> = { Cluster: 0, TaskDefinition: 1, Service: 2 };
const isDeletion = (a: PlannedAction) => stageOf(a.kind) === 'prune';

/**
 * Creates and updates first, by resource kind (clusters, task definitions, services: a
 * cluster's tag-only change is still a cluster's), then deletions in reverse (services,
 * revisions, clusters: ORDER); within a kind, ids keep a stable order.
 */
function compareActions(a: PlannedAction, b: PlannedAction): number {
  const da = isDeletion(a);
  const db = isDeletion(b);
  if (da !== db) return da ? 1 : -1;
  if (!da && KIND_ORDER[a.resourceKind] !== KIND_ORDER[b.resourceKind]) return KIND_ORDER[a.resourceKind] - KIND_ORDER[b.resourceKind];
  return ORDER[a.kind] - ORDER[b.kind] || a.resource.localeCompare(b.resource);
}

type Add = (d: ResourceDiff, kind: ActionKind, reason: string, fields?: string[], revisions?: string[]) => void;

function planChange(d: ResourceDiff, plan: Plan, add: Add): void {
  const fields = d.changes.map((c) => c.path);
  const why = d.state === 'drifted' ? 'restore what git says (changed outside git)' : d.live && !d.appliedHash ? 'adopt: take over and converge' : 'the manifest changed';
  if (d.kind === 'Cluster') {
    const nonTag = fields.filter((f) => !f.startsWith('tags.'));
    if (nonTag.length) add(d, 'update-cluster', why, nonTag);
    else add(d, 'tag-resource', why, fields);
    return;
  }
  if (d.kind === 'TaskDefinition') {
    const content = fields.filter((f) => !f.startsWith('tags.'));
    if (content.length) add(d, 'register-task-definition', `${why}: a new revision (revisions are immutable)`, content);
    else add(d, 'tag-resource', why, fields);
    return;
  }
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
    add(d, 'update-scaling', d.targetScaling ? `${why}: auto scaling (target before policies)` : `${why}: auto scaling removed (policies and scheduled actions, then the target)`, scalingFields);
  }
}

/** Why an orphaned resource is not deleted, or undefined when it is. */
function pruneRefusal(d: ResourceDiff, opts: PlanOptions): { reason: string; error: boolean } | undefined {
  if (!opts.prune) return { reason: 'orphaned: deleted only with --prune', error: false };
  if (!opts.loadComplete) return { reason: 'orphaned, but not pruned: some manifests failed to load, and a broken file must never read as deleted', error: true };
  const tags = d.kind === 'TaskDefinition' ? (d.live as LiveTaskDefinitionFamily).latestManaged?.tags : (d.live as { tags: Record<string, string> }).tags;
  if (tags?.[TAG.prune] === 'false') return { reason: `orphaned, kept: it was applied with ${ANNOTATION.prune}: "false"`, error: false };
  // Two repositories sharing a controller id must never prune each other's resources.
  const recorded = tags?.[TAG.repository];
  if (recorded !== undefined && recorded !== opts.repository) {
    return { reason: `orphaned, not pruned: it was applied from the repository "${recorded}", not from this one (${opts.repository ? `"${opts.repository}"` : 'not a git checkout'}); only its own repository prunes it`, error: true };
  }
  if (recorded === undefined && opts.implicitControllerId && opts.repository) {
    return { reason: `orphaned, not pruned: it records no source repository, and with the default controller id "${opts.controllerId}" only resources applied from this repository are pruned; pass --controller-id ID to prune it`, error: true };
  }
  return undefined;
}

function planOrphan(d: ResourceDiff, opts: PlanOptions, plan: Plan, add: Add, inUse: ReadonlySet<string>): void {
  const refusal = pruneRefusal(d, opts);
  if (refusal) {
    plan.skipped.push({ resource: d.id, ...refusal });
    return;
  }
  if (d.kind === 'Service') {
    const svc = d.live as LiveService;
    add(d, 'delete-service', `no longer in the manifests: scaled to 0, then deleted (${svc.desiredCount} task(s) now)`);
  } else if (d.kind === 'TaskDefinition') {
    const fam = d.live as LiveTaskDefinitionFamily;
    // a revision a service's deployment still runs (a pinned family:revision, say) stays
    const revisions = fam.activeRevisionArns.filter((arn) => !inUse.has(arn));
    const kept = fam.activeRevisionArns.length - revisions.length;
    if (revisions.length === 0) {
      plan.skipped.push({ resource: d.id, reason: 'orphaned, kept: a service still runs its revisions', error: false });
      return;
    }
    add(d, 'deregister-task-definition', `no longer in the manifests: every ACTIVE revision deregistered${kept ? ` but the ${kept} a service still runs` : ''}`, [], revisions);
  } else add(d, 'delete-cluster', 'no longer in the manifests');
}

/** Old revisions of a managed family beyond --keep-revisions, never one a service still runs. */
function planRevisionPrune(d: ResourceDiff, opts: PlanOptions, inUse: ReadonlySet<string>, add: Add): void {
  if (!opts.loadComplete) return;
  const fam = d.live as LiveTaskDefinitionFamily | undefined;
  if (!fam) return;
  const surplus = fam.activeRevisionArns.slice(Math.max(1, opts.keepRevisions)).filter((arn) => !inUse.has(arn));
  if (surplus.length) add(d, 'deregister-task-definition', `keep the newest ${opts.keepRevisions} revision(s) (--keep-revisions)`, [], surplus);
}
