/**
 * Pure: resource diffs -> ordered actions, each with a reason. Order: clusters, then
 * task definition revisions, then services (a service follows the revision its
 * TaskDefinition manifest now resolves to), then deletions in reverse (services,
 * revisions, clusters). Replacement only with the allow-replace annotation; prune only
 * when asked, only when loading was complete, never a resource marked prune "false",
 * never a conflict.
 */
import type { LiveService, LiveTaskDefinitionFamily } from '../live/model.js';
import { ANNOTATION, TAG } from '../model/resource.js';
import type { ResourceDiff } from '../diff/types.js';
import type { ActionKind, Plan, PlannedAction } from './types.js';

export interface PlanOptions {
  prune: boolean;
  /** false when any manifest failed to load: then nothing is pruned */
  loadComplete: boolean;
  /** ACTIVE managed revisions kept per family when pruning (default 5) */
  keepRevisions: number;
  controllerId: string;
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
};

export function planEstate(diffs: readonly ResourceDiff[], opts: PlanOptions): Plan {
  const plan: Plan = { actions: [], skipped: [] };
  const inUse = new Set<string>();
  // revisions a service's deployment runs, but not those of a service this plan deletes (it goes first)
  for (const d of diffs) if (d.live?.kind === 'Service' && !(d.state === 'orphaned' && pruneRefusal(d, opts) === undefined)) for (const dep of d.live.deployments) inUse.add(dep.taskDefinitionArn);
  const add = (d: ResourceDiff, kind: ActionKind, reason: string, fields: string[] = [], revisions?: string[]) =>
    plan.actions.push({ kind, resource: d.id, resourceKind: d.kind, reason, fields, ...(revisions ? { revisions } : {}) });

  for (const d of diffs) {
    if (d.suspended) {
      // report only: not even ownership tags or old revisions are touched
      if (d.state !== 'in-sync') plan.skipped.push({ resource: d.id, reason: `suspended (${ANNOTATION.suspend}: "true"): reported, left alone`, error: false });
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
        if (opts.prune && d.kind === 'TaskDefinition') planRevisionPrune(d, opts, inUse, add);
        break;
      case 'orphaned':
        planOrphan(d, opts, plan, add, inUse);
        break;
      case 'invalid':
      case 'fighting': // src/diff/fight-guard.ts: reported, not applied again
        plan.skipped.push({ resource: d.id, reason: d.reason, error: true });
        break;
      case 'unknown': // its region could not be read: nothing is concluded, nothing done
        break;
    }
  }
  plan.actions.sort(compareActions);
  return plan;
}

const KIND_ORDER: Record<PlannedAction['resourceKind'], number> = { Cluster: 0, TaskDefinition: 1, Service: 2 };
const isDeletion = (a: PlannedAction) => ORDER[a.kind] >= ORDER['delete-service'];

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
