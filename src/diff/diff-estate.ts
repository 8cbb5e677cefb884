/**
 * Pure: desired model + live model -> one ResourceDiff per resource, with its state
 * (DESIGN.md: in-sync, pending, drifted, missing, orphaned, conflict, invalid) and its
 * field changes. Pending and drifted are told apart by the applied-hash tag: the hash
 * of the normalized manifest spec last applied. If the manifest's hash differs from it,
 * the manifest changed (pending); if it is the same and live still differs, someone
 * changed live (drifted).
 */
import type { LiveCluster, LiveEstate, LiveRevision, LiveService, LiveTaskDefinitionFamily } from '../model/live.js';
import { ANNOTATION, resourceId, TAG, type DesiredResource, type InvalidResource, type Kind } from '../model/resource.js';
import { revisionRecordTags } from '../model/revision-record.js';
import { diffFields } from './field-diff.js';
import { specHash } from './hash.js';
import { applyIgnoreRules, parseIgnoreRules, withoutIgnored, type IgnoreRule } from './ignore.js';
import { accountOfArn, clusterWithResolvedNamespace, serviceWithClusterDefaults, taskDefinitionWithRoleArns, type AccountOfArn, type ClusterDefaults } from './inherited.js';
import { normalizeScaling } from './scaling.js';
import { canonicalJson, normalizeCluster, normalizeService, normalizeTaskDefinition } from './normalize.js';
import type { ChangeCause, FieldChange, ResourceDiff, ResourceState } from './types.js';
import { emptyRecord, ownValue } from '../model/own-keys.js';

export interface DiffInput {
  desired: readonly DesiredResource[];
  invalid: readonly InvalidResource[];
  live: LiveEstate;
  controllerId: string;
  defaultRegion: string;
  /** take over same-named unmanaged resources */
  adopt?: boolean;
  /** with adopt: take over resources a CloudFormation stack (CDK, Copilot) owns too */
  adoptCloudFormation?: boolean;
  /** this run's repository: a managed resource recording none (or another) gets its ownership tags brought up to date */
  repository?: string;
}

/** The recorded repository is not this run's: the ownership tags are stale (prune relies on them). */
function staleRepository(tags: Readonly<Record<string, string>>, input: DiffInput): boolean {
  return input.repository !== undefined && tags[TAG.repository] !== input.repository;
}

/**
 * The stack that owns a resource, from the tags CloudFormation puts on every resource it
 * creates (`aws:cloudformation:stack-name`, `-stack-id`, `-logical-id`; CDK and Copilot
 * deploy through CloudFormation, so theirs carry them too). Undefined when none.
 */
export function cloudFormationOwner(tags: Readonly<Record<string, string>>): string | undefined {
  let owned = false;
  for (const k of Object.keys(tags)) if (k.toLowerCase().startsWith('aws:cloudformation:')) owned = true;
  if (!owned) return undefined;
  return tags['aws:cloudformation:stack-name'] ?? tags['aws:cloudformation:stack-id'] ?? 'an unnamed stack';
}

type Json = Record<string, unknown>;

const KIND_ORDER: Record<Kind, number> = { Cluster: 0, TaskDefinition: 1, Service: 2 };

/** CreateService fields that UpdateService does not take: changing one means delete and re-create. */
export const SERVICE_FIELDS_NEEDING_REPLACEMENT = ['launchType', 'role', 'schedulingStrategy'] as const;

export function userTags(tags: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = emptyRecord();
  for (const [k, v] of Object.entries(tags ?? {})) {
    if (k.startsWith('ecs-reconciler:') || k.toLowerCase().startsWith('aws:')) continue;
    out[k] = v;
  }
  return out;
}

function isManaged(tags: Record<string, string>, controllerId: string): boolean {
  return ownValue(tags, TAG.managedBy) === controllerId;
}

function omit(obj: Json, ...keys: string[]): Json {
  const out: Json = { ...obj };
  for (const k of keys) delete out[k];
  return out;
}

/** The partition and account of the region's live resources (roles given by name live there). */
function regionAccount(live: LiveEstate, region: string): AccountOfArn | undefined {
  for (const c of live.clusters.values()) if (c.region === region && accountOfArn(c.arn)) return accountOfArn(c.arn);
  for (const s of live.services.values()) if (s.region === region && accountOfArn(s.arn)) return accountOfArn(s.arn);
  for (const f of live.families.values()) if (f.region === region && accountOfArn(f.latest.arn)) return accountOfArn(f.latest.arn);
  return undefined;
}

/** The cluster a service inherits from: its live state, or (not created yet) its manifest. */
function clusterDefaultsFor(d: DesiredResource, input: DiffInput): ClusterDefaults | undefined {
  if (!d.cluster) return undefined;
  const live = input.live.clusters.get(resourceId({ kind: 'Cluster', region: d.region, name: d.cluster }));
  if (live) return live.spec;
  return input.desired.find((c) => c.kind === 'Cluster' && c.region === d.region && c.name === d.cluster)?.spec;
}

function stateOf(changes: readonly unknown[], appliedHash: string | undefined, desiredHash: string): ResourceState {
  if (changes.length === 0) return 'in-sync';
  return appliedHash === desiredHash ? 'drifted' : 'pending';
}

function withCause(diffs: Array<{ path: string; live: unknown; desired: unknown }>, cause: ChangeCause): FieldChange[] {
  return diffs.map((d) => ({ ...d, cause }));
}

function tagChanges(live: Record<string, string>, desired: Record<string, string>): Array<{ path: string; live: unknown; desired: unknown }> {
  const keys = [...new Set([...Object.keys(live), ...Object.keys(desired)])].sort();
  return keys.filter((k) => ownValue(live, k) !== ownValue(desired, k)).map((k) => ({ path: `tags.${k}`, live: ownValue(live, k), desired: ownValue(desired, k) }));
}

/**
 * Normalized forms memoized by object identity: a live revision's projected spec is the
 * same object pass after pass (revisions never change), and so is a manifest's spec
 * while its file is unchanged; a 1,000-service pass normalized each of them many times.
 */
const normalizedRevisions = new WeakMap<object, { normalized: Json; canonical: string }>();
function normalizedRevision(spec: Json): { normalized: Json; canonical: string } {
  let m = normalizedRevisions.get(spec);
  if (!m) {
    const normalized = normalizeTaskDefinition(spec);
    m = { normalized, canonical: canonicalJson(normalized) };
    normalizedRevisions.set(spec, m);
  }
  return m;
}

const desiredHashes = new WeakMap<object, string>();
/** The applied-hash of a manifest's spec (ignored paths left out), memoized when nothing is ignored. */
function manifestHash(d: DesiredResource, manifest: Json, rules: readonly IgnoreRule[], normalize: (s: Json) => Json): string {
  if (rules.length) return specHash(normalize(withoutIgnored(manifest, rules)));
  let h = desiredHashes.get(d.spec);
  if (h === undefined) {
    h = specHash(normalize(manifest));
    desiredHashes.set(d.spec, h);
  }
  return h;
}

interface TaskDefinitionTarget {
  /** normalized content to register (ignored fields from live) */
  target: Json;
  hash: string;
  /** the live revision holding that content, when one does */
  matchingRevision?: LiveRevision;
  canonical?: string;
  /**
   * The hash that stands for the registered content on a service's record tags: the
   * manifest's applied-hash, when nothing is ignored (an ignored field takes its value
   * from live, so the manifest's hash would not say what the revision holds).
   */
  recordHash?: string;
}

export function diffEstate(input: DiffInput): ResourceDiff[] {
  const out: ResourceDiff[] = [];
  const desiredIds = new Set<string>();
  const tdTargets = new Map<string, TaskDefinitionTarget>();

  const ordered = [...input.desired].sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind]);
  for (const d of ordered) {
    const id = resourceId(d);
    desiredIds.add(id);
    const rules = parseIgnoreRules(d.annotations[ANNOTATION.ignore]).rules;
    let diff: ResourceDiff;
    if (d.kind === 'Cluster') diff = diffCluster(d, id, input.live.clusters.get(id), rules, input);
    else if (d.kind === 'TaskDefinition') {
      const r = diffTaskDefinition(d, id, input.live.families.get(id), rules, input);
      tdTargets.set(id, r.target);
      diff = r.diff;
    } else diff = diffService(d, id, input.live.services.get(id), rules, input, tdTargets);
    // A region that could not be read says nothing about its resources: not missing, not drifted (issue 13, 5).
    const unreadable = input.live.unreadable.get(d.region);
    if (unreadable !== undefined) diff = { ...diff, state: 'unknown', reason: `cannot read ${d.region}: ${unreadable}; nothing is concluded about it this pass`, changes: [], ignored: [], replacementFields: [] };
    out.push(diff);
  }

  // Documents that did not load: their resources are `invalid`, never orphaned.
  const invalidIds = new Set<string>();
  for (const inv of input.invalid) {
    if (!inv.kind || !inv.name || !['Cluster', 'TaskDefinition', 'Service'].includes(inv.kind)) continue;
    const ref = { kind: inv.kind as Kind, name: inv.name, region: inv.region ?? input.defaultRegion, ...(inv.cluster ? { cluster: inv.cluster.replace(/^arn:.*:cluster\//, '') } : {}) };
    const id = resourceId(ref);
    if (desiredIds.has(id) || invalidIds.has(id)) continue;
    invalidIds.add(id);
    const live = ref.kind === 'Cluster' ? input.live.clusters.get(id) : ref.kind === 'Service' ? input.live.services.get(id) : input.live.families.get(id);
    out.push({
      id,
      ...ref,
      state: 'invalid',
      reason: `its manifest does not load (${inv.source.file}:${inv.source.line}); left as it is`,
      changes: [],
      ignored: [],
      replacementFields: [],
      ...(live ? { live } : {}),
      suspended: false,
    });
  }

  // Managed resources no manifest names any more.
  const orphan = (id: string, kind: Kind, live: LiveCluster | LiveService | LiveTaskDefinitionFamily, region: string, name: string, cluster?: string) => {
    if (desiredIds.has(id) || invalidIds.has(id)) return;
    const tags = live.kind === 'TaskDefinition' ? live.latestManaged?.tags ?? {} : live.tags;
    // prune "false" is remembered in a tag, so the choice outlives the manifest: kept, and said so
    const retained = tags[TAG.prune] === 'false';
    out.push({
      id,
      kind,
      region,
      name,
      ...(cluster ? { cluster } : {}),
      state: retained ? 'retained' : 'orphaned',
      reason: retained
        ? `no longer in the manifests, kept: it was applied with ${ANNOTATION.prune}: "false" (apply --release ${id} removes the ownership tags and lets it go)`
        : 'managed by this controller, no longer in the manifests',
      changes: [],
      ignored: [],
      replacementFields: [],
      live,
      suspended: false,
    });
  };
  for (const [id, c] of input.live.clusters) if (isManaged(c.tags, input.controllerId)) orphan(id, 'Cluster', c, c.region, c.name);
  for (const [id, f] of input.live.families) if (f.latestManaged) orphan(id, 'TaskDefinition', f, f.region, f.name);
  for (const [id, s] of input.live.services) if (isManaged(s.tags, input.controllerId)) orphan(id, 'Service', s, s.region, s.name, s.cluster);

  return out.sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || a.id.localeCompare(b.id));
}

function base(d: DesiredResource, id: string): Omit<ResourceDiff, 'state' | 'reason'> {
  return {
    id,
    kind: d.kind,
    region: d.region,
    ...(d.cluster ? { cluster: d.cluster } : {}),
    name: d.name,
    changes: [],
    ignored: [],
    replacementFields: [],
    desired: d,
    suspended: d.annotations[ANNOTATION.suspend] === 'true',
  };
}

/** The manifest spec with its tags as a map; tags take part in ignore rules (`tags.deployed-by`). */
function specWithTags(d: DesiredResource): Json {
  return { ...d.spec, tags: (d.spec.tags as Record<string, string> | undefined) ?? {} };
}

function conflictOrMissing(b: Omit<ResourceDiff, 'state' | 'reason'>, live: { tags: Record<string, string> } | undefined, managed: boolean, input: DiffInput): ResourceDiff | undefined {
  if (!live) return { ...b, state: 'missing', reason: 'in the manifests, not live' };
  // --adopt takes over unmanaged resources only: one another controller id manages stays a conflict.
  const owner = live.tags[TAG.managedBy];
  const stack = managed ? undefined : cloudFormationOwner(live.tags);
  // Two tools converging one resource fight for ever: a stack's resources are adopted only on purpose.
  if (stack && (owner === undefined || owner === input.controllerId) && !input.adoptCloudFormation) {
    return {
      ...b,
      state: 'conflict',
      reason: `exists and is owned by the CloudFormation stack "${stack}" (aws:cloudformation:* tags; CDK and Copilot too); untouched${input.adopt ? ': --adopt does not take over a stack\'s resources unless --adopt-cloudformation' : ' (--adopt --adopt-cloudformation would take it over)'}`,
    };
  }
  if (!managed && (!input.adopt || (owner !== undefined && owner !== input.controllerId))) {
    return {
      ...b,
      state: 'conflict',
      reason: owner ? `exists, managed by controller "${owner}", not "${input.controllerId}"; untouched` : 'exists but is not managed by this controller; untouched (use --adopt to take it over)',
    };
  }
  return undefined;
}

function diffCluster(d: DesiredResource, id: string, live: LiveCluster | undefined, rules: IgnoreRule[], input: DiffInput): ResourceDiff {
  const b = base(d, id);
  const manifest = specWithTags(d);
  const desiredHash = specHash(normalizeCluster(withoutIgnored(manifest, rules)));
  b.desiredHash = desiredHash;
  const early = conflictOrMissing(b, live, live ? isManaged(live.tags, input.controllerId) : false, input);
  if (!live || early) {
    return { ...(early ?? { ...b, state: 'missing', reason: '' }), target: normalizeCluster(omit(manifest, 'tags')), targetTags: manifest.tags as Record<string, string> };
  }
  const liveWithTags = { ...live.spec, tags: userTags(live.tags) };
  const { spec, ignored } = applyIgnoreRules(manifest, liveWithTags, rules);
  const appliedHash = live.tags[TAG.appliedHash];
  const target = normalizeCluster(clusterWithResolvedNamespace(omit(spec, 'tags'), live.spec, appliedHash === desiredHash));
  const targetTags = spec.tags as Record<string, string>;
  const diffs = [...diffFields(normalizeCluster(live.spec), target), ...tagChanges(userTags(live.tags), targetTags)];
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
    compared: { live: { ...normalizeCluster(live.spec), tags: userTags(live.tags) }, desired: { ...target, tags: targetTags } },
    ...(appliedHash ? { appliedHash } : {}),
    staleHash: state === 'in-sync' && (appliedHash !== desiredHash || staleRepository(live.tags, input)),
  };
}

function reasonFor(state: ResourceState, n: number): string {
  switch (state) {
    case 'in-sync':
      return 'live matches the manifest';
    case 'pending':
      return `the manifest changed since the last apply: ${n} field(s) to converge`;
    case 'drifted':
      return `live was changed outside git since the last apply: ${n} field(s) differ`;
    default:
      return state;
  }
}

function diffTaskDefinition(d: DesiredResource, id: string, live: LiveTaskDefinitionFamily | undefined, rules: IgnoreRule[], input: DiffInput): { diff: ResourceDiff; target: TaskDefinitionTarget } {
  const b = base(d, id);
  const manifest = specWithTags(d);
  const desiredHash = manifestHash(d, manifest, rules, normalizeTaskDefinition);
  b.desiredHash = desiredHash;
  const managed = live?.latestManaged !== undefined;
  const early = conflictOrMissing(b, live ? { tags: live.latest.tags } : undefined, managed, input);
  if (!live || early) {
    const target = normalizeTaskDefinition(taskDefinitionWithRoleArns(omit(manifest, 'tags'), regionAccount(input.live, d.region)));
    return {
      diff: { ...(early ?? { ...b, state: 'missing', reason: '' }), target, targetTags: manifest.tags as Record<string, string>, ...(live ? { live } : {}) },
      target: { target, hash: desiredHash, ...(rules.length === 0 ? { recordHash: desiredHash } : {}) },
    };
  }
  // The family's newest revision is what a service naming the family would run; ignored
  // fields (an image CI owns) come from it, so CI's own revisions are not fought.
  const current = live.latest;
  const unresolved: string[] = [];
  if (!current.spec) {
    // Known by record: the content is the one whose hash the service recorded. Equal to
    // this manifest's hash (nothing ignored), it holds exactly this manifest, tags included.
    if (rules.length === 0 && current.recordedHash === desiredHash) {
      const target = normalizeTaskDefinition(omit(manifest, 'tags'));
      return {
        diff: { ...b, state: 'in-sync', reason: `revision ${current.revision} matches the manifest (by its recorded hash)`, live, target, targetTags: manifest.tags as Record<string, string>, appliedHash: desiredHash, staleHash: false },
        target: { target, hash: desiredHash, canonical: canonicalJson(target), matchingRevision: current, recordHash: desiredHash },
      };
    }
    unresolved.push(current.arn);
  }
  const liveWithTags = { ...current.spec, tags: userTags(current.tags) };
  const { spec, ignored } = applyIgnoreRules(manifest, liveWithTags, rules);
  // A role given by name is stored by ECS as the ARN in the family's own account.
  const target = normalizeTaskDefinition(taskDefinitionWithRoleArns(omit(spec, 'tags'), accountOfArn(current.arn)));
  const targetTags = spec.tags as Record<string, string>;
  const targetCanonical = canonicalJson(target);
  const currentNormalized = normalizedRevision(current.spec ?? {});
  const contentDiffs = currentNormalized.canonical === targetCanonical ? [] : diffFields(currentNormalized.normalized, target);
  const diffs = [...contentDiffs, ...tagChanges(userTags(current.tags), targetTags)];
  const appliedHash = (live.latestManaged ?? current).tags[TAG.appliedHash];
  const state = stateOf(diffs, appliedHash, desiredHash);
  const stale = state === 'in-sync' && (current.tags[TAG.appliedHash] !== desiredHash || !isManaged(current.tags, input.controllerId) || staleRepository(current.tags, input));
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
      compared: { live: { ...currentNormalized.normalized, tags: userTags(current.tags) }, desired: { ...target, tags: targetTags } },
      ...(appliedHash ? { appliedHash } : {}),
      staleHash: stale,
      ...(unresolved.length ? { unresolvedRevisions: unresolved } : {}),
    },
    target: { target, hash: desiredHash, canonical: targetCanonical, ...(contentDiffs.length === 0 ? { matchingRevision: current } : {}), ...(rules.length === 0 ? { recordHash: desiredHash } : {}) },
  };
}

function revisionLabel(rev: LiveRevision | undefined): string {
  return rev ? `${rev.family}:${rev.revision}` : '(none)';
}

function diffService(d: DesiredResource, id: string, live: LiveService | undefined, rules: IgnoreRule[], input: DiffInput, tdTargets: Map<string, TaskDefinitionTarget>): ResourceDiff {
  const b = base(d, id);
  const manifest = specWithTags(d);
  const tdRef = String(d.spec.taskDefinition ?? '');
  // [API] CreateService taskDefinition: "A task definition must be specified if the service
  // uses either the ECS or CODE_DEPLOY deployment controllers": an EXTERNAL one may have none.
  const hasTaskDefinition = tdRef !== '';
  const isManifestRef = hasTaskDefinition && !tdRef.startsWith('arn:') && !tdRef.includes(':');
  const td = isManifestRef ? tdTargets.get(resourceId({ kind: 'TaskDefinition', region: d.region, name: tdRef })) : undefined;
  // The service hash covers the task definition it runs, so a changed image makes the service pending too.
  const desiredHash = specHash({ service: manifestHash(d, omit(manifest, 'taskDefinition'), rules, normalizeService), taskDefinition: td?.hash ?? tdRef });
  b.desiredHash = desiredHash;
  const early = conflictOrMissing(b, live, live ? isManaged(live.tags, input.controllerId) : false, input);
  if (!live || early) {
    const targetScaling = normalizeScaling(manifest.autoScaling);
    return {
      ...(early ?? { ...b, state: 'missing', reason: '' }),
      target: normalizeService(omit(manifest, 'tags', 'autoScaling', 'taskDefinition')),
      targetTags: manifest.tags as Record<string, string>,
      ...(targetScaling ? { targetScaling } : {}),
      ...(live ? { live } : {}),
      ...(td?.recordHash ? { taskDefinitionHash: td.recordHash } : {}),
    };
  }
  const liveWithTags = { ...live.spec, tags: userTags(live.tags), ...(live.scaling ? { autoScaling: live.scaling } : {}) };
  const { spec, ignored } = applyIgnoreRules(manifest, liveWithTags, rules);
  const ignoredChanges = withCause(ignored, 'manifest');

  // Launch type or strategy and the Service Connect namespace left out are what ECS
  // inherits from the cluster (inherited.ts), compared as such and never as "unset".
  let desiredCmp = serviceWithClusterDefaults(omit(spec, 'tags', 'autoScaling', 'taskDefinition'), clusterDefaultsFor(d, input), live.spec);
  let liveCmp = omit(live.spec, 'taskDefinition');
  // Application Auto Scaling owns desiredCount at run time: inside [min, max] it is shown, never fought.
  const scaling = spec.autoScaling as { minCapacity?: number; maxCapacity?: number } | undefined;
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
  const target = normalizeService(desiredCmp);
  const liveNormalized = normalizeService(liveCmp);
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
    const sameContent = byRecord ?? (primary?.spec !== undefined && normalizedRevision(primary.spec).canonical === (td.canonical ?? canonicalJson(td.target)));
    if (!sameFamily || !sameContent) {
      diffs.push({ path: 'taskDefinition', live: revisionLabel(primary), desired: td?.matchingRevision ? revisionLabel(td.matchingRevision) : `${tdRef} (a new revision)` });
    }
  } else if (hasTaskDefinition && !isManifestRef) {
    const liveRef = tdRef.startsWith('arn:') ? primary?.arn : revisionLabel(primary);
    if (liveRef !== tdRef) diffs.push({ path: 'taskDefinition', live: tdRef.startsWith('arn:') ? primary?.arn : revisionLabel(primary), desired: tdRef });
  }
  // Auto scaling: the scalable target, policies and scheduled actions, keyed by name.
  const targetScaling = normalizeScaling(spec.autoScaling);
  diffs.push(...diffFields(normalizeScaling(live.scaling), targetScaling, 'autoScaling'));
  const targetTags = spec.tags as Record<string, string>;
  diffs.push(...tagChanges(userTags(live.tags), targetTags));

  const appliedHash = live.tags[TAG.appliedHash];
  const state = stateOf(diffs, appliedHash, desiredHash);
  const tdChange = diffs.find((c) => c.path === 'taskDefinition');
  const liveTd = tdChange ? tdChange.live : revisionLabel(primary);
  const compared = {
    live: { ...liveNormalized, taskDefinition: liveTd, ...(live.scaling ? { autoScaling: normalizeScaling(live.scaling) } : {}), tags: userTags(live.tags) },
    desired: { ...target, taskDefinition: tdChange ? tdChange.desired : liveTd, ...(targetScaling ? { autoScaling: targetScaling } : {}), tags: targetTags },
  };
  const replacementFields = diffs.length ? replacementNeeded(liveNormalized, target) : [];
  // The record of the revision it runs (model/revision-record.ts): written, or brought up to date, at apply.
  const recordHash = td?.recordHash;
  const record = revisionRecordTags(primary?.arn, recordHash, Object.keys(targetTags).length);
  const recordStale = Object.entries(record).some(([k, v]) => live.tags[k] !== v);
  return {
    ...b,
    state,
    reason: reasonFor(state, diffs.length),
    changes: withCause(diffs, state === 'drifted' ? 'out-of-band' : 'manifest'),
    ignored: ignoredChanges,
    replacementFields,
    live,
    target,
    targetTags,
    compared,
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
