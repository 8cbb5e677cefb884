/** A Cluster manifest against the live cluster. */

import { diffFields } from '../../diff/field-diff.js';
import { specHash } from '../../diff/hash.js';
import { applyIgnoreRules, type IgnoreRule, withoutIgnored } from '../../diff/ignore.js';
import { clusterWithResolvedNamespace } from '../../diff/inherited.js';
import {
  base,
  type DiffPass,
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
import type { LiveCluster } from '../../model/live.js';
import { type DesiredResource, TAG } from '../../model/resource.js';
import { normalizeCluster } from './normalize.js';
import { clusterSpecOf } from './schema.js';

export function diffCluster(d: DesiredResource, id: string, liveOrNone: LiveCluster | undefined, rules: IgnoreRule[], pass: DiffPass): ResourceDiff {
  const { input } = pass;
  const b = base(d, id);
  const manifest = specWithTags(clusterSpecOf(d));
  const desiredHash = specHash(normalizeCluster(withoutIgnored(manifest, rules)));
  b.desiredHash = desiredHash;
  const early = missingOrConflict(b, liveOrNone, input, () => ({
    target: normalizeCluster(omit(manifest, 'tags')),
    targetTags: manifest.tags,
  }));
  if (early.ended) return early.ended;
  const { live } = early;
  const liveWithTags = { ...live.spec, tags: userTags(live.tags) };
  const { spec, ignored } = applyIgnoreRules(manifest, liveWithTags, rules);
  const appliedHash = live.tags[TAG.appliedHash];
  const target = normalizeCluster(clusterWithResolvedNamespace(omit(spec, 'tags'), live.spec, appliedHash === desiredHash));
  const targetTags = spec.tags;
  const liveNormalized = normalizeCluster(live.spec);
  const diffs = [...diffFields(liveNormalized, target), ...tagChanges(userTags(live.tags), targetTags)];
  const state = stateOf(diffs, appliedHash, desiredHash);
  return {
    ...b,
    state,
    reason: reasonFor(state, diffs.length),
    changes: withCause(diffs, state === 'drifted' ? 'out-of-band' : 'manifest'),
    ignored: withCause(ignored, 'manifest'),
    live,
    target,
    targetTags,
    // both sides only where they differ (`diff` prints no others)
    ...(diffs.length ? { compared: { live: { ...liveNormalized, tags: userTags(live.tags) }, desired: { ...target, tags: targetTags } } } : {}),
    ...(appliedHash ? { appliedHash } : {}),
    staleHash: state === 'in-sync' && (appliedHash !== desiredHash || staleRepository(live.tags, input)),
  };
}
