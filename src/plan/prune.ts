/** What the prune stage is told, and why one orphan is not deleted: shared by every kind's planning. */

import type { ResourceDiff } from '../diff/types.js';
import { ANNOTATION, TAG } from '../model/resource.js';
import type { ActionKind } from './types.js';

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

/** Puts one action of a resource in the plan. */
export type AddAction = (d: ResourceDiff, kind: ActionKind, reason: string, fields?: string[], revisions?: string[]) => void;

/** Why an orphaned resource is not deleted, or undefined when it is. */
export function pruneRefusal(ownershipTags: Readonly<Record<string, string>> | undefined, opts: PlanOptions): { reason: string; error: boolean } | undefined {
  if (!opts.prune) return { reason: 'orphaned: deleted only with --prune', error: false };
  if (!opts.loadComplete)
    return { reason: 'orphaned, but not pruned: some manifests failed to load, and a broken file must never read as deleted', error: true };
  const tags = ownershipTags;
  if (tags?.[TAG.prune] === 'false') return { reason: `orphaned, kept: it was applied with ${ANNOTATION.prune}: "false"`, error: false };
  // Two repositories sharing a controller id must never prune each other's resources.
  const recorded = tags?.[TAG.repository];
  if (recorded !== undefined && recorded !== opts.repository) {
    return {
      reason: `orphaned, not pruned: it was applied from the repository "${recorded}", not from this one (${opts.repository ? `"${opts.repository}"` : 'not a git checkout'}); only its own repository prunes it`,
      error: true,
    };
  }
  if (recorded === undefined && opts.implicitControllerId && opts.repository) {
    return {
      reason: `orphaned, not pruned: it records no source repository, and with the default controller id "${opts.controllerId}" only resources applied from this repository are pruned; pass --controller-id ID to prune it`,
      error: true,
    };
  }
  return undefined;
}
