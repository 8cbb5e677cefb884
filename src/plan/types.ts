import type { ErrorDetails } from '../aws/index.js';
import type { Kind } from '../model/resource.js';

/** Every action a plan can hold; all of them change something in AWS. */
export const ACTION_KINDS = [
  'create-capacity-provider',
  'update-capacity-provider',
  'replace-capacity-provider',
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
  'delete-capacity-provider',
  'release-resource',
] as const;

export type ActionKind = (typeof ACTION_KINDS)[number];

/**
 * Deletions are a stage of their own (Flux's kustomize-controller: prune runs after
 * apply, and is skipped whenever anything before it failed).
 */
export type ActionStage = 'apply' | 'prune';
const PRUNE_ACTIONS: ReadonlySet<ActionKind> = new Set(['delete-service', 'deregister-task-definition', 'delete-cluster', 'delete-capacity-provider']);
export function stageOf(kind: ActionKind): ActionStage {
  return PRUNE_ACTIONS.has(kind) ? 'prune' : 'apply';
}

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

interface SkippedResource {
  resource: string;
  reason: string;
  /** a skip that is an error (replacement refused, prune refused) rather than a choice */
  error: boolean;
}

/** What became of the prune stage: not asked for, planned, or refused as a whole (with why and how to go on). */
interface PruneStage {
  status: 'off' | 'planned' | 'refused';
  reason?: string;
  /** orphaned resources the stage deletes (or would have deleted, when refused) */
  deletions: number;
  /** resources this controller manages, live */
  managed: number;
  /** the bound on deletions this pass (--max-prune) */
  maxPrune: number;
}

export interface Plan {
  actions: PlannedAction[];
  skipped: SkippedResource[];
  prune?: PruneStage;
}

/** Actions that remove something from AWS: apply asks before them (or needs --yes). */
const DESTRUCTIVE_ACTION_KINDS: ReadonlySet<ActionKind> = new Set<ActionKind>([
  'replace-service',
  'delete-service',
  'deregister-task-definition',
  'delete-cluster',
  'replace-capacity-provider',
  'delete-capacity-provider',
]);

export function isDeletionOrReplacement(a: { kind: ActionKind }): boolean {
  return DESTRUCTIVE_ACTION_KINDS.has(a.kind);
}

/** What one action came to: the report and the progress lines are built from these. */
export interface ActionResult {
  action: PlannedAction;
  outcome: 'applied' | 'failed' | 'skipped';
  message?: string;
  /** a failed call's error: the AWS error code and request id for the logs */
  error?: ErrorDetails;
  durationMs: number;
}
