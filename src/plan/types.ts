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
