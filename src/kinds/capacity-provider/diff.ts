/**
 * A CapacityProvider manifest against the live provider. ECS fills in what a manifest
 * leaves out (test/fixtures/ecs-shapes/EC2-NOTES.md lists each with its source), so both
 * sides are compared with those defaults in place: a manifest that leaves them out is
 * never drift.
 */

import { diffFields } from '../../diff/field-diff.js';
import { applyIgnoreRules, type IgnoreRule } from '../../diff/ignore.js';
import {
  base,
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
import { isObject, type Json, omit } from '../../model/json.js';
import type { LiveCapacityProvider } from '../../model/live.js';
import { type DesiredResource, TAG } from '../../model/resource.js';
import { capacityProviderSpecOf } from './schema.js';

/**
 * ManagedScaling's documented defaults (API reference, ManagedScaling): targetCapacity
 * "The default value of 100 percent", minimumScalingStepSize "the default value of 1",
 * maximumScalingStepSize "the default value of 10000", instanceWarmupPeriod "the default
 * value of 300 seconds". `status` has no documented default: left out, it is whatever ECS has.
 */
const MANAGED_SCALING_DEFAULTS = { targetCapacity: 100, minimumScalingStepSize: 1, maximumScalingStepSize: 10000, instanceWarmupPeriod: 300 } as const;

/** The fields UpdateCapacityProvider cannot change (AutoScalingGroupProviderUpdate has no group; the type and cluster are fixed at create). */
const REPLACEMENT_PATHS = ['autoScalingGroupProvider.autoScalingGroupArn', 'autoScalingGroupProvider', 'managedInstancesProvider', 'cluster'];

/**
 * The spec with ECS's defaults filled in. `liveStatus`: the live managedScaling.status,
 * taken when the manifest leaves status out. An Auto Scaling group given by name is
 * the live group's ARN when that ARN names it (ECS answers the ARN for either).
 */
export function normalizeCapacityProvider(spec: Json, live?: Json): Json {
  const asg = spec.autoScalingGroupProvider;
  if (!isObject(asg)) return spec;
  const liveAsg = isObject(live?.autoScalingGroupProvider) ? live.autoScalingGroupProvider : undefined;
  const liveScaling = isObject(liveAsg?.managedScaling) ? liveAsg.managedScaling : undefined;
  const scaling = isObject(asg.managedScaling) ? asg.managedScaling : {};
  const status = scaling.status ?? liveScaling?.status;
  let groupArn = asg.autoScalingGroupArn;
  const liveArn = liveAsg?.autoScalingGroupArn;
  if (typeof groupArn === 'string' && !groupArn.startsWith('arn:') && typeof liveArn === 'string' && liveArn.endsWith(`:autoScalingGroupName/${groupArn}`))
    groupArn = liveArn;
  return {
    ...spec,
    autoScalingGroupProvider: {
      autoScalingGroupArn: groupArn,
      managedScaling: { ...MANAGED_SCALING_DEFAULTS, ...scaling, ...(status !== undefined ? { status } : {}) },
      // "The default is off" (API reference, managedTerminationProtection)
      managedTerminationProtection: asg.managedTerminationProtection ?? 'DISABLED',
      // ECS answers ENABLED for a provider created without it (EC2-NOTES.md, aws-nuke#540)
      managedDraining: asg.managedDraining ?? 'ENABLED',
    },
  };
}

/** The paths of the changes UpdateCapacityProvider cannot make. */
function replacementNeeded(changes: ReadonlyArray<{ path: string }>): string[] {
  const out = new Set<string>();
  for (const c of changes) {
    const hit = REPLACEMENT_PATHS.find((p) => c.path === p || (p === 'cluster' && c.path.startsWith('cluster')));
    if (hit) out.add(hit);
  }
  return [...out];
}

export function diffCapacityProvider(
  d: DesiredResource,
  id: string,
  liveOrNone: LiveCapacityProvider | undefined,
  rules: IgnoreRule[],
  pass: DiffPass,
): ResourceDiff {
  const { input } = pass;
  const b = base(d, id);
  const manifest = specWithTags(capacityProviderSpecOf(d));
  const desiredHash = manifestHash(d, manifest, rules, (s) => normalizeCapacityProvider(s));
  b.desiredHash = desiredHash;
  const early = missingOrConflict(b, liveOrNone, input, () => ({
    target: normalizeCapacityProvider(omit(manifest, 'tags')),
    targetTags: manifest.tags,
  }));
  if (early.ended) return early.ended;
  const { live } = early;
  const liveWithTags = { ...live.spec, tags: userTags(live.tags) };
  const { spec, ignored } = applyIgnoreRules(manifest, liveWithTags, rules);
  const target = normalizeCapacityProvider(omit(spec, 'tags'), live.spec);
  const targetTags = spec.tags;
  const fieldChanges = diffFields(live.spec, target);
  const diffs = [...fieldChanges, ...tagChanges(userTags(live.tags), targetTags)];
  const appliedHash = live.tags[TAG.appliedHash];
  const state = stateOf(diffs, appliedHash, desiredHash);
  return {
    ...b,
    state,
    reason: reasonFor(state, diffs.length),
    changes: withCause(diffs, state === 'drifted' ? 'out-of-band' : 'manifest'),
    ignored: withCause(ignored, 'manifest'),
    replacementFields: replacementNeeded(fieldChanges),
    live,
    target,
    targetTags,
    // both sides only where they differ (`diff` prints no others)
    ...(diffs.length ? { compared: { live: { ...live.spec, tags: userTags(live.tags) }, desired: { ...target, tags: targetTags } } } : {}),
    ...(appliedHash ? { appliedHash } : {}),
    staleHash: state === 'in-sync' && (appliedHash !== desiredHash || staleRepository(live.tags, input)),
  };
}
