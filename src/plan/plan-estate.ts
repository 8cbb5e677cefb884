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
  'delete-service': 7,
  'deregister-task-definition': 8,
  'delete-cluster': 9,
};

export function planEstate(diffs: readonly ResourceDiff[], opts: PlanOptions): Plan {
  const plan: Plan = { actions: [], skipped: [] };
  const inUse = new Set<string>();
  for (const d of diffs) if (d.live?.kind === 'Service') for (const dep of d.live.deployments) inUse.add(dep.taskDefinitionArn);
  const add = (d: ResourceDiff, kind: ActionKind, reason: string, fields: string[] = [], revisions?: string[]) =>
    plan.actions.push({ kind, resource: d.id, resourceKind: d.kind, reason, fields, ...(revisions ? { revisions } : {}) });

  for (const d of diffs) {
    if (d.suspended && d.state !== 'in-sync') {
      plan.skipped.push({ resource: d.id, reason: `suspended (${ANNOTATION.suspend}: "true"): reported, left alone`, error: false });
      continue;
    }
    switch (d.state) {
      case 'missing':
        add(d, d.kind === 'Cluster' ? 'create-cluster' : d.kind === 'TaskDefinition' ? 'register-task-definition' : 'create-service', 'in the manifests, not live');
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
        planOrphan(d, opts, plan, add);
        break;
      case 'invalid':
        plan.skipped.push({ resource: d.id, reason: d.reason, error: true });
        break;
    }
  }
  plan.actions.sort((a, b) => ORDER[a.kind] - ORDER[b.kind] || orderForDeletion(a, b));
  return plan;
}

/** Deletions run in reverse: the later kinds first is already ORDER's job; within a kind keep ids stable. */
function orderForDeletion(a: PlannedAction, b: PlannedAction): number {
  return a.resource.localeCompare(b.resource);
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
  const nonTag = fields.filter((f) => !f.startsWith('tags.'));
  if (nonTag.length) add(d, 'update-service', why, nonTag);
  else add(d, 'tag-resource', why, fields);
}

function planOrphan(d: ResourceDiff, opts: PlanOptions, plan: Plan, add: Add): void {
  if (!opts.prune) {
    plan.skipped.push({ resource: d.id, reason: 'orphaned: deleted only with --prune', error: false });
    return;
  }
  if (!opts.loadComplete) {
    plan.skipped.push({ resource: d.id, reason: 'orphaned, but not pruned: some manifests failed to load, and a broken file must never read as deleted', error: true });
    return;
  }
  const tags = d.kind === 'TaskDefinition' ? (d.live as LiveTaskDefinitionFamily).latestManaged?.tags : (d.live as { tags: Record<string, string> }).tags;
  if (tags?.[TAG.prune] === 'false') {
    plan.skipped.push({ resource: d.id, reason: `orphaned, kept: it was applied with ${ANNOTATION.prune}: "false"`, error: false });
    return;
  }
  if (d.kind === 'Service') {
    const svc = d.live as LiveService;
    add(d, 'delete-service', `no longer in the manifests: scaled to 0, then deleted (${svc.desiredCount} task(s) now)`);
  } else if (d.kind === 'TaskDefinition') {
    const fam = d.live as LiveTaskDefinitionFamily;
    add(d, 'deregister-task-definition', 'no longer in the manifests: every ACTIVE revision deregistered', [], fam.activeRevisionArns);
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
