import type { Kind } from '../model/resource.js';

/** Every action a plan can hold; all of them change something in AWS. */
export const ACTION_KINDS = [
  'create-cluster',
  'update-cluster',
  'register-task-definition',
  'create-service',
  'update-service',
  'replace-service',
  'update-scaling',
  'tag-resource',
  'delete-service',
  'deregister-task-definition',
  'delete-cluster',
] as const;

export type ActionKind = (typeof ACTION_KINDS)[number];

export interface PlannedAction {
  kind: ActionKind;
  /** the resource id (`Service/eu-west-1/prod/web`) */
  resource: string;
  resourceKind: Kind;
  /** why, in a sentence */
  reason: string;
  /** field paths this action converges */
  fields: string[];
  /** for deregister-task-definition: the revision ARNs */
  revisions?: string[];
}

export interface SkippedResource {
  resource: string;
  reason: string;
  /** a skip that is an error (replacement refused, prune refused) rather than a choice */
  error: boolean;
}

export interface Plan {
  actions: PlannedAction[];
  skipped: SkippedResource[];
}

/** Actions that remove something from AWS: apply asks before them (or needs --yes). */
export const DESTRUCTIVE_ACTION_KINDS: ReadonlySet<ActionKind> = new Set<ActionKind>(['replace-service', 'delete-service', 'deregister-task-definition', 'delete-cluster']);

export function isDeletionOrReplacement(a: { kind: ActionKind }): boolean {
  return DESTRUCTIVE_ACTION_KINDS.has(a.kind);
}
