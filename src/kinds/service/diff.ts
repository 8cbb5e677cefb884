/** A Service manifest against the live service, its revision and its auto scaling. */

import { diffFields } from '../../diff/field-diff.js';
import { specHash } from '../../diff/hash.js';
import { applyIgnoreRules, type IgnoreRule } from '../../diff/ignore.js';
import { type ClusterDefaults, serviceWithClusterDefaults } from '../../diff/inherited.js';
import { canonicalJson } from '../../diff/normalize.js';
import {
  base,
  type DiffInput,
  type DiffPass,
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
import { type Json, omit } from '../../model/json.js';
import type { LiveRevision, LiveService } from '../../model/live.js';
import { type DesiredResource, resourceId, TAG } from '../../model/resource.js';
import { revisionLabel } from '../../model/revision-arn.js';
import { revisionRecordTags } from '../../model/revision-record.js';
import { clusterSpecOf } from '../cluster/schema.js';
import type { TaskDefinitionTarget } from '../task-definition/diff.js';
import { normalizedRevisionDigest } from '../task-definition/normalize.js';
import { normalizeService } from './normalize.js';
import { servicePlacementForDiff } from './placement.js';
import { isTaskDefinitionManifestReference } from './references.js';
import { degradedReason, judgeRollout } from './rollout.js';
import { normalizeScaling } from './scaling-normalize.js';
import { serviceSpecOf } from './schema.js';

/** The cluster a service inherits from: its live state, or (not created yet) its manifest. */
function clusterDefaultsFor(d: DesiredResource, input: DiffInput): ClusterDefaults | undefined {
  if (!d.cluster) return undefined;
  const live = input.live.clusters.get(resourceId({ kind: 'Cluster', region: d.region, name: d.cluster }));
  if (live) return live.spec;
  const manifest = input.desired.find((c) => c.kind === 'Cluster' && c.region === d.region && c.name === d.cluster);
  return manifest ? clusterSpecOf(manifest) : undefined;
}

function revisionLabelOf(rev: LiveRevision | undefined): string {
  return revisionLabel(rev?.arn ?? '');
}

export function diffService(d: DesiredResource, id: string, liveOrNone: LiveService | undefined, rules: IgnoreRule[], pass: DiffPass): ResourceDiff {
  const { input } = pass;
  const b = base(d, id);
  const manifest = specWithTags(serviceSpecOf(d));
  const tdRef = manifest.taskDefinition ?? '';
  // [API] CreateService taskDefinition: "A task definition must be specified if the service
  // uses either the ECS or CODE_DEPLOY deployment controllers": an EXTERNAL one may have none.
  const hasTaskDefinition = tdRef !== '';
  const isManifestRef = hasTaskDefinition && isTaskDefinitionManifestReference(tdRef);
  const td = isManifestRef
    ? (pass.offers.get(resourceId({ kind: 'TaskDefinition', region: d.region, name: tdRef })) as TaskDefinitionTarget | undefined)
    : undefined;
  // The service hash covers the task definition it runs, so a changed image makes the service pending too.
  const desiredHash = specHash({ service: manifestHash(d, omit(manifest, 'taskDefinition'), rules, normalizeService), taskDefinition: td?.hash ?? tdRef });
  b.desiredHash = desiredHash;
  const early = missingOrConflict(b, liveOrNone, input, () => {
    const targetScaling = normalizeScaling(manifest.autoScaling);
    return {
      target: normalizeService(omit(manifest, 'tags', 'autoScaling', 'taskDefinition', 'codeDeploy')),
      targetTags: manifest.tags,
      ...(targetScaling ? { targetScaling } : {}),
      ...(liveOrNone ? { live: liveOrNone } : {}),
      ...(td?.recordHash ? { taskDefinitionHash: td.recordHash } : {}),
    };
  });
  if (early.ended) return early.ended;
  const { live } = early;
  const liveWithTags = { ...live.spec, tags: userTags(live.tags), ...(live.scaling ? { autoScaling: live.scaling } : {}) };
  const { spec, ignored } = applyIgnoreRules(manifest, liveWithTags, rules);
  const ignoredChanges = withCause(ignored, 'manifest');

  // Launch type or strategy and the Service Connect namespace left out are what ECS
  // inherits from the cluster (inherited.ts), compared as such and never as "unset".
  // codeDeploy says how a new revision is deployed (src/kinds/service/codedeploy.ts): no field of the service itself
  let desiredCmp = serviceWithClusterDefaults(omit(spec, 'tags', 'autoScaling', 'taskDefinition', 'codeDeploy'), clusterDefaultsFor(d, input), live.spec);
  let liveCmp = omit(live.spec, 'taskDefinition');
  // Application Auto Scaling owns desiredCount at run time: inside [min, max] it is shown, never fought.
  // typeof still: an ignored autoScaling path holds live's value, as Application Auto Scaling answered it
  const scaling = spec.autoScaling;
  if (scaling && typeof scaling.minCapacity === 'number' && typeof scaling.maxCapacity === 'number') {
    const current = live.desiredCount;
    if (current >= scaling.minCapacity && current <= scaling.maxCapacity) {
      if (current !== spec.desiredCount && spec.desiredCount !== undefined) {
        ignoredChanges.push({ path: 'desiredCount', live: current, desired: spec.desiredCount, cause: 'autoscaler' });
      }
      desiredCmp = omit(desiredCmp, 'desiredCount');
      liveCmp = omit(liveCmp, 'desiredCount');
    } else {
      const bound = current < scaling.minCapacity ? scaling.minCapacity : scaling.maxCapacity;
      desiredCmp = { ...desiredCmp, desiredCount: bound };
    }
  }
  // desiredCount left out: "keep what it has". UpdateService leaves the count alone when it
  // is not sent, and a DAEMON service's count is ECS's (one task per instance).
  if (desiredCmp.desiredCount === undefined) liveCmp = omit(liveCmp, 'desiredCount');
  const target = normalizeService(servicePlacementForDiff(desiredCmp));
  const liveNormalized = normalizeService(servicePlacementForDiff(liveCmp));
  const diffs = diffFields(liveNormalized, target);

  // The task definition is compared by content: a service on revision 5 while revision 6
  // holds the same content is in sync, and no needless deployment is made.
  const primary = live.primaryRevision;
  // A TaskDefinition manifest that did not load (invalid) says nothing: the revision is left as it is.
  const tdUnknown = isManifestRef && !td;
  const unresolved: string[] = [];
  if (isManifestRef && td) {
    const sameFamily = primary?.family === tdRef;
    // A revision known by record is compared by its recorded hash; when that differs, its fields are read first.
    const byRecord = primary && !primary.spec ? primary.recordedHash !== undefined && primary.recordedHash === td.recordHash : undefined;
    if (primary && !primary.spec && !byRecord) unresolved.push(primary.arn);
    const sameContent =
      byRecord ?? (primary?.spec !== undefined && td.contentDigest !== undefined && normalizedRevisionDigest(primary.spec) === td.contentDigest);
    if (!sameFamily || !sameContent) {
      diffs.push({
        path: 'taskDefinition',
        live: revisionLabelOf(primary),
        desired: td?.matchingRevision ? revisionLabelOf(td.matchingRevision) : `${tdRef} (a new revision)`,
      });
    }
  } else if (hasTaskDefinition && !isManifestRef) {
    const liveRef = tdRef.startsWith('arn:') ? primary?.arn : revisionLabelOf(primary);
    if (liveRef !== tdRef) diffs.push({ path: 'taskDefinition', live: tdRef.startsWith('arn:') ? primary?.arn : revisionLabelOf(primary), desired: tdRef });
  }
  // Auto scaling: the scalable target, policies and scheduled actions, keyed by name.
  const targetScaling = normalizeScaling(spec.autoScaling);
  diffs.push(...diffFields(normalizeScaling(live.scaling), targetScaling, 'autoScaling'));
  const targetTags = spec.tags;
  diffs.push(...tagChanges(userTags(live.tags), targetTags));

  const appliedHash = live.tags[TAG.appliedHash];
  const plainState = stateOf(diffs, appliedHash, desiredHash);
  const rollout = judgeRollout(live, d, {
    desiredHash,
    appliedHash,
    ...(input.retryFailed ? { retryFailed: true } : {}),
    ...(input.selfHealDuringForeignRollouts ? { selfHealDuringForeignRollouts: true } : {}),
  });
  const state = rollout.degraded ? 'degraded' : plainState;
  const tdChange = diffs.find((c) => c.path === 'taskDefinition');
  const liveTd = tdChange ? tdChange.live : revisionLabelOf(primary);
  // both sides only where they differ (`diff` prints no others): an in-sync estate's cached
  // diffs keep no second copy of every spec (issue 19: about 2 KB a service)
  const compared = diffs.length
    ? {
        live: {
          ...liveNormalized,
          taskDefinition: liveTd,
          ...(live.scaling ? { autoScaling: normalizeScaling(live.scaling) } : {}),
          tags: userTags(live.tags),
        },
        desired: {
          ...target,
          taskDefinition: tdChange ? tdChange.desired : liveTd,
          ...(targetScaling ? { autoScaling: targetScaling } : {}),
          tags: targetTags,
        },
      }
    : undefined;
  const replacementFields = diffs.length ? replacementNeeded(liveNormalized, target) : [];
  // The record of the revision it runs (model/revision-record.ts): written, or brought up to date, at apply.
  const recordHash = td?.recordHash;
  const record = revisionRecordTags(primary?.arn, recordHash, Object.keys(targetTags).length);
  const recordStale = Object.entries(record).some(([k, v]) => live.tags[k] !== v);
  return {
    ...b,
    state,
    reason: rollout.degraded ? degradedReason(rollout.degraded) : reasonFor(state, diffs.length),
    changes: withCause(diffs, state === 'drifted' ? 'out-of-band' : 'manifest'),
    ...(rollout.degraded ? { degraded: rollout.degraded } : {}),
    ...(rollout.degradedTag ? { degradedTag: rollout.degradedTag } : {}),
    ...(rollout.foreignRollout && (state === 'drifted' || state === 'pending') ? { heldBack: rollout.foreignRollout } : {}),
    ignored: ignoredChanges,
    replacementFields,
    live,
    target,
    targetTags,
    ...(compared ? { compared } : {}),
    ...(targetScaling ? { targetScaling } : {}),
    ...(appliedHash ? { appliedHash } : {}),
    // without its task definition's hash the service's own cannot be written
    staleHash: state === 'in-sync' && (appliedHash !== desiredHash || recordStale || staleRepository(live.tags, input)) && !tdUnknown,
    ...(recordHash ? { taskDefinitionHash: recordHash } : {}),
    ...(unresolved.length ? { unresolvedRevisions: unresolved } : {}),
  };
}

/**
 * UpdateService takes neither launchType, role nor schedulingStrategy. Launch type to
 * capacity provider strategy (and back, with an empty strategy) is a documented
 * in-place transition (UpdateService, capacityProviderStrategy); launch type to
 * another launch type is not.
 */
export function replacementNeeded(liveSpec: Json, target: Json): string[] {
  const out: string[] = [];
  const liveLaunch = liveSpec.launchType as string | undefined;
  const wantLaunch = target.launchType as string | undefined;
  const liveUsesProviders = Array.isArray(liveSpec.capacityProviderStrategy) && liveSpec.capacityProviderStrategy.length > 0;
  const wantProviders = Array.isArray(target.capacityProviderStrategy) && target.capacityProviderStrategy.length > 0;
  if (liveLaunch && wantLaunch && liveLaunch !== wantLaunch) out.push('launchType');
  if (!liveLaunch && !liveUsesProviders && wantLaunch && wantLaunch !== 'EC2') out.push('launchType');
  if (liveUsesProviders && !wantProviders && !wantLaunch) out.push('capacityProviderStrategy');
  for (const f of ['role', 'schedulingStrategy']) {
    if (canonicalJson(liveSpec[f] ?? null) !== canonicalJson(target[f] ?? null)) out.push(f);
  }
  return out;
}
