/** A TaskDefinition manifest against the family's newest revision. */

import { diffFields } from '../../diff/field-diff.js';
import { canonicalDigest } from '../../diff/hash.js';
import { applyIgnoreRules, type IgnoreRule } from '../../diff/ignore.js';
import { accountOfArn, taskDefinitionWithRoleArns } from '../../diff/inherited.js';
import { canonicalJson } from '../../diff/normalize.js';
import {
  base,
  type DiffPass,
  isManaged,
  manifestHash,
  missingOrConflict,
  reasonFor,
  specWithTags,
  staleRepository,
  stateOf,
  tagChanges,
  userTags,
  withCause,
} from '../../diff/resource-diff.js';
import type { ResourceDiff } from '../../diff/types.js';
import { omit } from '../../model/json.js';
import type { Json, LiveRevision, LiveTaskDefinitionFamily } from '../../model/live.js';
import { type DesiredResource, TAG } from '../../model/resource.js';
import { normalizedRevision, normalizeTaskDefinition } from './normalize.js';
import { taskDefinitionSpecOf } from './schema.js';

/**
 * What a TaskDefinition's diff offers the Services after it. The content to register is
 * the diff's own `target`; the offer holds its digest, not the content or its canonical
 * text: the daemon's diff cache keeps every offer between passes (issue 19: the canonical
 * texts were 9 MB at 10,000 services).
 */
export interface TaskDefinitionTarget {
  hash: string;
  /** the live revision holding that content, when one does */
  matchingRevision?: LiveRevision;
  /** canonicalDigest of the normalized content to register (ignored fields from live); absent when there is none */
  contentDigest?: string;
  /**
   * The hash that stands for the registered content on a service's record tags: the
   * manifest's applied-hash, when nothing is ignored (an ignored field takes its value
   * from live, so the manifest's hash would not say what the revision holds).
   */
  recordHash?: string;
}

export function diffTaskDefinition(
  d: DesiredResource,
  id: string,
  liveOrNone: LiveTaskDefinitionFamily | undefined,
  rules: IgnoreRule[],
  pass: DiffPass,
): { diff: ResourceDiff; target: TaskDefinitionTarget } {
  const { input } = pass;
  const b = base(d, id);
  const manifest = specWithTags(taskDefinitionSpecOf(d));
  // the normalized manifest, when the hash was made here: the target read by record is it less its tags (normalized once, not twice)
  let normalizedManifest: Json | undefined;
  const desiredHash = manifestHash(d, manifest, rules, normalizeTaskDefinition, (spec) => {
    normalizedManifest = spec;
  });
  b.desiredHash = desiredHash;
  const early = missingOrConflict(
    b,
    liveOrNone,
    input,
    () => ({
      target: normalizeTaskDefinition(taskDefinitionWithRoleArns(omit(manifest, 'tags'), pass.regionAccount(d.region))),
      targetTags: manifest.tags,
      ...(liveOrNone ? { live: liveOrNone } : {}),
    }),
    // a family is this controller's when any of its revisions is; its newest revision's tags say who else owns it
    (family) => ({ tags: family.latest.tags, managed: family.latestManaged !== undefined }),
  );
  if (early.ended)
    return {
      diff: early.ended,
      target: {
        hash: desiredHash,
        ...(early.ended.target ? { contentDigest: canonicalDigest(canonicalJson(early.ended.target)) } : {}),
        ...(rules.length === 0 ? { recordHash: desiredHash } : {}),
      },
    };
  const { live } = early;
  // The family's newest revision is what a service naming the family would run; ignored
  // fields (an image CI owns) come from it, so CI's own revisions are not fought.
  const current = live.latest;
  const unresolved: string[] = [];
  if (!current.spec) {
    // Known by record: the content is the one whose hash the service recorded. Equal to
    // this manifest's hash (nothing ignored), it holds exactly this manifest, tags included.
    if (rules.length === 0 && current.recordedHash === desiredHash) {
      const target = normalizedManifest ? omit(normalizedManifest, 'tags') : normalizeTaskDefinition(omit(manifest, 'tags'));
      return {
        diff: {
          ...b,
          state: 'in-sync',
          reason: `revision ${current.revision} matches the manifest (by its recorded hash)`,
          live,
          target,
          targetTags: manifest.tags,
          appliedHash: desiredHash,
          staleHash: false,
        },
        target: { hash: desiredHash, contentDigest: canonicalDigest(canonicalJson(target)), matchingRevision: current, recordHash: desiredHash },
      };
    }
    unresolved.push(current.arn);
  }
  const liveWithTags = { ...current.spec, tags: userTags(current.tags) };
  const { spec, ignored } = applyIgnoreRules(manifest, liveWithTags, rules);
  // A role given by name is stored by ECS as the ARN in the family's own account.
  const target = normalizeTaskDefinition(taskDefinitionWithRoleArns(omit(spec, 'tags'), accountOfArn(current.arn)));
  const targetTags = spec.tags;
  const targetCanonical = canonicalJson(target);
  const currentNormalized = normalizedRevision(current.spec ?? {});
  const contentDiffs = currentNormalized.canonical === targetCanonical ? [] : diffFields(currentNormalized.normalized, target);
  const diffs = [...contentDiffs, ...tagChanges(userTags(current.tags), targetTags)];
  const appliedHash = (live.latestManaged ?? current).tags[TAG.appliedHash];
  const state = stateOf(diffs, appliedHash, desiredHash);
  const stale =
    state === 'in-sync' &&
    (current.tags[TAG.appliedHash] !== desiredHash || !isManaged(current.tags, input.controllerId) || staleRepository(current.tags, input));
  return {
    diff: {
      ...b,
      state,
      reason: state === 'in-sync' ? `revision ${current.revision} matches the manifest` : reasonFor(state, diffs.length),
      changes: withCause(diffs, state === 'drifted' ? 'out-of-band' : 'manifest'),
      ignored: withCause(ignored, 'manifest'),
      live,
      target,
      targetTags,
      // both sides only where they differ (`diff` prints no others): an in-sync estate keeps no second copy (issue 19)
      ...(diffs.length
        ? { compared: { live: { ...currentNormalized.normalized, tags: userTags(current.tags) }, desired: { ...target, tags: targetTags } } }
        : {}),
      ...(appliedHash ? { appliedHash } : {}),
      staleHash: stale,
      ...(unresolved.length ? { unresolvedRevisions: unresolved } : {}),
    },
    target: {
      hash: desiredHash,
      contentDigest: canonicalDigest(targetCanonical),
      ...(contentDiffs.length === 0 ? { matchingRevision: current } : {}),
      ...(rules.length === 0 ? { recordHash: desiredHash } : {}),
    },
  };
}
