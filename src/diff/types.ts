import type { DesiredResource, Kind, KindLiveTypes } from '../model/resource.js';

export const RESOURCE_STATES = [
  'in-sync',
  'pending',
  'drifted',
  'missing',
  'orphaned',
  'conflict',
  'invalid',
  'unknown',
  'degraded',
  'fighting',
  'retained',
] as const;
export type ResourceState = (typeof RESOURCE_STATES)[number];

export const CHANGE_CAUSES = ['manifest', 'out-of-band', 'autoscaler'] as const;

export type ChangeCause = (typeof CHANGE_CAUSES)[number];

export interface FieldChange {
  path: string;
  live: unknown;
  desired: unknown;
  cause: ChangeCause;
}

/** A live resource of any kind (each kind's live type, from its entry in KindLiveTypes). */
export type LiveResource = KindLiveTypes[Kind];

export interface ResourceDiff {
  id: string;
  kind: Kind;
  region: string;
  cluster?: string;
  name: string;
  state: ResourceState;
  /** one sentence: why this state */
  reason: string;
  changes: FieldChange[];
  /** fields an ignore rule or the autoscaler owns: shown, never converged */
  ignored: FieldChange[];
  /** fields that ECS cannot change in place (UpdateService does not take them) */
  replacementFields: string[];
  desired?: DesiredResource;
  /** the spec to converge to (ignored fields holding live values), normalized; an in-sync diff the daemon's diff cache handed back has none (src/pipeline/diff-cache.ts keptDiff: nothing plans from it) */
  target?: Record<string, unknown>;
  /** the `autoScaling` block to converge to (Services), normalized; absent = no auto scaling (and, as `target`, on a cached in-sync diff) */
  targetScaling?: Record<string, unknown>;
  /** user tags wanted (without ownership tags) */
  targetTags?: Record<string, string>;
  live?: LiveResource;
  /** both sides as the diff compared them (normalized; tags as a map): what `diff` prints; absent when nothing live was compared or nothing differs */
  compared?: { live: Record<string, unknown>; desired: Record<string, unknown> };
  desiredHash?: string;
  appliedHash?: string;
  /** the live resource's ownership tags are stale (content equal, hash differs) */
  staleHash?: boolean;
  /** Services: the content hash of the revision it is to run, recorded on it at apply (model/revision-record.ts) */
  taskDefinitionHash?: string;
  /** revisions known only by record whose fields this diff needs: the pass describes them and diffs again */
  unresolvedRevisions?: string[];
  suspended: boolean;
  /** state `fighting`: the change that keeps coming back (src/pipeline/fight-guard.ts) */
  fight?: FightSummary;
  /** the fight-guard tag to write with this apply: how often this same change was applied */
  fightTag?: string;
  /** state `degraded`: the deployment of this controller's that ECS failed or rolled back */
  degraded?: DegradedSummary;
  /** the degraded record to write on the resource (a failure seen for the first time) */
  degradedTag?: string;
  /** why the resource's changes wait this pass (a rollout someone else started is under way): reported, not applied */
  heldBack?: string;
}

export interface DegradedSummary {
  /** the revision that failed (family:revision) */
  revision: string;
  /** the failed deployment's id */
  deploymentId: string;
  /** ECS's rolloutStateReason, when the deployment is still listed */
  reason?: string;
  /** the deployment was rolled back to the previous revision (circuit breaker or alarms) */
  rolledBack: boolean;
  /** when the controller first saw it failed (ISO time) */
  since: string;
  /** stopped reasons of the failed tasks, when read */
  stoppedReasons: string[];
}

interface FightSummary {
  /** the field paths that came back after each apply */
  fields: string[];
  /** when the controller first applied this change (ISO time) */
  since: string;
  /** passes that applied it */
  applied: number;
}
