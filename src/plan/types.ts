import type { ErrorDetails } from '../aws/index.js';
import type { Kind } from '../model/resource.js';

/**
 * The names of the actions a plan can hold; all of them change something in AWS. Each kind
 * adds its own from its folder (declaration merging in src/kinds/<kind>/actions.ts, beside
 * its actions table, which says which delete and which apply asks before); these two are
 * every kind's. The runtime list is the registry's (ACTION_KINDS in src/kinds/registry.ts).
 * @public each kind's actions.ts adds to it (declare module), which knip cannot follow
 */
export interface ActionNames {
  /** only the tags differ */
  'tag-resource': true;
  /** the ownership tags are removed: the resource stays, unmanaged */
  'release-resource': true;
}

export type ActionKind = keyof ActionNames & string;

/**
 * Deletions are a stage of their own (Flux's kustomize-controller: prune runs after
 * apply, and is skipped whenever anything before it failed).
 */
export type ActionStage = 'apply' | 'prune';

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

/** What one action came to: the report and the progress lines are built from these. */
export interface ActionResult {
  action: PlannedAction;
  outcome: 'applied' | 'failed' | 'skipped';
  message?: string;
  /** a failed call's error: the AWS error code and request id for the logs */
  error?: ErrorDetails;
  durationMs: number;
}
