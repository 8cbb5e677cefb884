/**
 * What every kind's diff shares: the pass's input, ownership (managed, conflict, adopt),
 * the applied-hash states (DESIGN.md: in-sync, pending, drifted, missing), tag changes.
 * Pending and drifted are told apart by the applied-hash tag: the hash of the normalized
 * manifest spec last applied. If the manifest's hash differs from it, the manifest
 * changed (pending); if it is the same and live still differs, someone changed live (drifted).
 */

import type { Json } from '../model/json.js';
import type { LiveEstate } from '../model/live.js';
import { emptyRecord, ownValue } from '../model/own-keys.js';
import { ANNOTATION, type DesiredResource, type InvalidResource, TAG } from '../model/resource.js';
import { specHash } from './hash.js';
import { type IgnoreRule, withoutIgnored } from './ignore.js';
import type { AccountOfArn } from './inherited.js';
import type { ChangeCause, FieldChange, ResourceDiff, ResourceState } from './types.js';

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
  /** `apply --retry-failed`: a `degraded` service is deployed again (src/kinds/service/rollout.ts) */
  retryFailed?: boolean;
  /** `--self-heal-during-foreign-rollouts`: a rollout this controller did not start does not hold a service back */
  selfHealDuringForeignRollouts?: boolean;
}

/** One diff pass as a kind's diff sees it: the input, and what diffed resources offer to those after them. */
export interface DiffPass {
  input: DiffInput;
  /**
   * Keyed by resource id: what a resource's diff hands to the kinds after it (a
   * TaskDefinition's target content, which a Service naming the family compares with).
   */
  offers: Map<string, unknown>;
  /** The partition and account of the region's live resources (roles given by name live there). */
  regionAccount(region: string): AccountOfArn | undefined;
}

/** The recorded repository is not this run's: the ownership tags are stale (prune relies on them). */
export function staleRepository(tags: Readonly<Record<string, string>>, input: DiffInput): boolean {
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

export function userTags(tags: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = emptyRecord();
  for (const [k, v] of Object.entries(tags ?? {})) {
    if (k.startsWith('ecs-reconciler:') || k.toLowerCase().startsWith('aws:')) continue;
    out[k] = v;
  }
  return out;
}

export function isManaged(tags: Record<string, string>, controllerId: string): boolean {
  return ownValue(tags, TAG.managedBy) === controllerId;
}

export function stateOf(changes: readonly unknown[], appliedHash: string | undefined, desiredHash: string): ResourceState {
  if (changes.length === 0) return 'in-sync';
  return appliedHash === desiredHash ? 'drifted' : 'pending';
}

export function withCause(diffs: Array<{ path: string; live: unknown; desired: unknown }>, cause: ChangeCause): FieldChange[] {
  return diffs.map((d) => ({ ...d, cause }));
}

export function tagChanges(live: Record<string, string>, desired: Record<string, string>): Array<{ path: string; live: unknown; desired: unknown }> {
  const keys = [...new Set([...Object.keys(live), ...Object.keys(desired)])].sort();
  return keys
    .filter((k) => ownValue(live, k) !== ownValue(desired, k))
    .map((k) => ({ path: `tags.${k}`, live: ownValue(live, k), desired: ownValue(desired, k) }));
}

const desiredHashes = new WeakMap<object, string>();
/**
 * The applied-hash of a manifest's spec (ignored paths left out), memoized when nothing is
 * ignored. NORMALIZED, when given, is handed the normalized manifest whenever one is made
 * with nothing ignored (not when the hash is memoized), so that a caller needing it too
 * does not normalize the same spec a second time.
 */
export function manifestHash(
  d: DesiredResource,
  manifest: Json,
  rules: readonly IgnoreRule[],
  normalize: (s: Json) => Json,
  normalized?: (spec: Json) => void,
): string {
  if (rules.length) return specHash(normalize(withoutIgnored(manifest, rules)));
  let h = desiredHashes.get(d.spec);
  if (h === undefined) {
    const spec = normalize(manifest);
    normalized?.(spec);
    h = specHash(spec);
    desiredHashes.set(d.spec, h);
  }
  return h;
}

export function base(d: DesiredResource, id: string): DiffBase {
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

/**
 * The manifest spec (its kind's zod type, from `<kind>SpecOf`) with its tags as a map,
 * present even when the manifest has none; tags take part in ignore rules (`tags.deployed-by`).
 */
export function specWithTags<S extends { tags?: Record<string, string> | undefined }>(spec: S): S & { tags: Record<string, string> } {
  return { ...spec, tags: spec.tags ?? {} };
}

/** Live, but not this controller's to converge: a conflict. Undefined when the diff goes on. */
function conflictOf(b: DiffBase, owner: LiveOwnership, input: DiffInput): ResourceDiff | undefined {
  // --adopt takes over unmanaged resources only: one another controller id manages stays a conflict.
  const owned = owner.tags[TAG.managedBy];
  const stack = owner.managed ? undefined : cloudFormationOwner(owner.tags);
  // Two tools converging one resource fight for ever: a stack's resources are adopted only on purpose.
  if (stack && (owned === undefined || owned === input.controllerId) && !input.adoptCloudFormation) {
    return {
      ...b,
      state: 'conflict',
      reason: `exists and is owned by the CloudFormation stack "${stack}" (aws:cloudformation:* tags; CDK and Copilot too); untouched${input.adopt ? ": --adopt does not take over a stack's resources unless --adopt-cloudformation" : ' (--adopt --adopt-cloudformation would take it over)'}`,
    };
  }
  if (!owner.managed && (!input.adopt || (owned !== undefined && owned !== input.controllerId))) {
    return {
      ...b,
      state: 'conflict',
      reason: owned
        ? `exists, managed by controller "${owned}", not "${input.controllerId}"; untouched`
        : 'exists but is not managed by this controller; untouched (use --adopt to take it over)',
    };
  }
  return undefined;
}

/** What every diff starts from (see base). */
type DiffBase = Omit<ResourceDiff, 'state' | 'reason'>;

/** The ownership a live resource's diff is judged by: its tags, and whether this controller manages it. */
interface LiveOwnership {
  tags: Record<string, string>;
  managed: boolean;
}

/**
 * Either the diff ended early (missing or conflict), with what a kind shows for it, or
 * it goes on with the live resource, which is then known to be there and this
 * controller's (or adopted).
 */
type EarlyEnd<L, S> = { ended: ResourceDiff & S; live?: undefined } | { ended?: undefined; live: L };

/**
 * The early return every kind's diff shares: a resource with nothing live is missing, one
 * live but not this controller's (another controller's, a CloudFormation stack's, not
 * adopted) is a conflict. `shown` is what the kind adds to such a diff (the target it would
 * create, its tags); it is asked for only when the diff ends here. `ownership` says whose
 * the live resource is when it is not its own `tags` (a task definition family: its
 * newest revision's tags, managed when any revision is).
 */
export function missingOrConflict<L extends { tags: Record<string, string> }, S extends Partial<ResourceDiff>>(
  b: DiffBase,
  live: L | undefined,
  input: DiffInput,
  shown: () => S,
): EarlyEnd<L, S>;
export function missingOrConflict<L, S extends Partial<ResourceDiff>>(
  b: DiffBase,
  live: L | undefined,
  input: DiffInput,
  shown: () => S,
  ownership: (live: L) => LiveOwnership,
): EarlyEnd<L, S>;
export function missingOrConflict<L, S extends Partial<ResourceDiff>>(
  b: DiffBase,
  live: L | undefined,
  input: DiffInput,
  shown: () => S,
  ownership: (live: L) => LiveOwnership = (l) => {
    const tags = (l as { tags: Record<string, string> }).tags;
    return { tags, managed: isManaged(tags, input.controllerId) };
  },
): EarlyEnd<L, S> {
  if (live === undefined) return { ended: { ...b, state: 'missing', reason: 'in the manifests, not live', ...shown() } };
  const conflict = conflictOf(b, ownership(live), input);
  return conflict ? { ended: { ...conflict, ...shown() } } : { live };
}

export function reasonFor(state: ResourceState, n: number): string {
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
