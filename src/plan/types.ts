import type { Kind } from '../model/resource.js';

export type ActionKind =
  | 'create-cluster'
  | 'update-cluster'
  | 'register-task-definition'
  | 'create-service'
  | 'update-service'
  | 'replace-service'
  | 'update-scaling'
  | 'tag-resource'
  | 'delete-service'
  | 'deregister-task-definition'
  | 'delete-cluster';

export const MUTATING_ACTIONS: readonly ActionKind[] = [
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
];

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
