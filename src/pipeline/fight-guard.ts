/**
 * The fight guard (issue 12, build 4): the last line of defence for a normalization gap
 * nobody has found yet, or another tool (a script, a second controller, a console user
 * on a timer) that changes the resource back after every apply. Without it the loop
 * changes production on every pass for ever.
 *
 * Rule: when the same change (the same field paths, the same live values coming back, the
 * same desired values) was
 * applied to a resource on FIGHT_LIMIT passes in a row for the same manifest hash, and
 * it is back again, the resource is `fighting`: reported, no longer applied. The apply
 * that recorded the manifest's hash (its applied-hash tag) counts as the first; each
 * restore of a drift for that hash writes the count. A drift that starts long after
 * the manifest was applied is so restored twice at most before the guard stops it.
 * It resumes on its own when the manifest changes (another hash), when live stops coming back
 * (in sync, nothing to apply), or a day after its last apply (FIGHT_MEMORY_MS: one more
 * try, in case the other tool has gone). A replacement (allow-replace) is never repeated
 * for the same manifest hash, not even once.
 *
 * Where the memory lives: in a tag on the resource itself (`ecs-reconciler:fight`),
 * written in the same TagResource call that already records the applied hash, so it
 * costs no extra call. DESIGN.md keeps no database and puts memory in tags; a tag
 * survives a daemon restart, is shared by every replica behind the lease and by CI's
 * `apply`, and needs no --state-dir (which `apply` in CI does not have). A task
 * definition family's record sits on its newest revision, the one the next pass reads.
 *
 * Pure: diffs and the pass's time in, guarded diffs out.
 */

import { specHash } from '../diff/hash.js';
import type { FieldChange, ResourceDiff } from '../diff/types.js';
import { kindOf } from '../kinds/registry.js';
import { ANNOTATION, TAG } from '../model/resource.js';

/** passes that may apply the same change before the guard stops the resource */
export const FIGHT_LIMIT = 3;

/**
 * How long a record counts after its last apply. Removing a record once live is in sync
 * again would cost a call on the pass after every restore, so records are never removed,
 * only outdated: a record whose last apply is older than this is forgotten. It also lets
 * a fighting resource try once more a day, in case the other tool has gone.
 */
export const FIGHT_MEMORY_MS = 24 * 3600_000;

export interface FightRecord {
  /** passes in a row that applied this change */
  applied: number;
  /** ISO time of the first of them */
  since: string;
  /** ISO time of the last of them */
  last: string;
  /** the manifest hash they applied */
  desiredHash: string;
  /** the change they applied (changeHash) */
  changeHash: string;
}

/** `3 <since> <last> <desiredHash> <changeHash>` (ISO times): ECS tag values allow digits, letters, spaces and `:.-`. */
export function formatFightTag(r: FightRecord): string {
  return `${r.applied} ${r.since} ${r.last} ${r.desiredHash} ${r.changeHash}`;
}

export function parseFightTag(value: string | undefined): FightRecord | undefined {
  const m = /^(\d+) (\S+) (\S+) ([0-9a-f]+) ([0-9a-f]+)$/.exec(value ?? '');
  if (!m || Number.isNaN(Date.parse(m[2]!)) || Number.isNaN(Date.parse(m[3]!))) return undefined;
  return { applied: Number(m[1]), since: m[2]!, last: m[3]!, desiredHash: m[4]!, changeHash: m[5]! };
}

/**
 * The same change = the same paths, coming back to the same live values, set to the same
 * desired values. A normalization gap or a tool fighting brings back the very same
 * value every time; three people scaling a service by hand to 9, 5 and 6 are three
 * drifts, each restored.
 */
export function changeHash(changes: readonly FieldChange[]): string {
  return specHash(changes.map((c) => [c.path, c.live ?? null, c.desired ?? null]).sort((a, b) => String(a[0]).localeCompare(String(b[0]))));
}

/** The tags the fight record is read from: the resource's own, or a family's newest revision's. */
function fightTagsOf(d: ResourceDiff): Record<string, string> | undefined {
  return d.live ? kindOf(d.kind).fightTagsOf(d.live) : undefined;
}

/**
 * The fight record as live has it: what an action that kept part of its change on purpose
 * writes back (src/apply/action-run.ts keptNotConverged), so a wait never counts as a fight.
 */
export function liveFightTag(d: ResourceDiff): string | undefined {
  return fightTagsOf(d)?.[TAG.fight];
}

export function guardFights(diffs: readonly ResourceDiff[], now: Date): ResourceDiff[] {
  return diffs.map((d) => guardFight(d, now));
}

function guardFight(d: ResourceDiff, now: Date): ResourceDiff {
  const tags = fightTagsOf(d);
  if (!tags || d.desiredHash === undefined) return d;
  const parsed = parseFightTag(tags[TAG.fight]);
  const record = parsed && now.getTime() - Date.parse(parsed.last) <= FIGHT_MEMORY_MS ? parsed : undefined;
  if ((d.state !== 'drifted' && d.state !== 'pending') || d.changes.length === 0 || d.suspended) return d;

  const fields = d.changes.map((c) => c.path);
  // replacementFields is only ever set for a kind that can be replaced (a Service: UpdateService does not take launchType, role, schedulingStrategy)
  const replacing = d.replacementFields.length > 0 && d.desired?.annotations[ANNOTATION.allowReplace] === 'true';
  if (replacing && tags[TAG.replacedFor] === d.desiredHash) {
    return {
      ...d,
      state: 'fighting',
      reason: `already deleted and re-created once for this manifest (hash ${d.desiredHash}), and ${d.replacementFields.join(', ')} still differ: a replacement is never repeated for the same manifest; change the manifest to try again`,
      fight: { fields, since: record?.since ?? now.toISOString(), applied: record?.applied ?? 1 },
    };
  }
  const hash = changeHash(d.changes);
  const same = record !== undefined && record.desiredHash === d.desiredHash && record.changeHash === hash;
  if (same && record.applied >= FIGHT_LIMIT) {
    return {
      ...d,
      state: 'fighting',
      reason: `the same change was applied on ${record.applied} passes in a row since ${record.since} and came back each time (${fields.join(', ')}): no longer applied until the manifest changes or live stops changing back`,
      fight: { fields, since: record.since, applied: record.applied },
    };
  }
  // A pending change (a new manifest) needs no record: the applied-hash tag its apply
  // writes says this manifest was applied once. Drifted for that same hash means it came
  // back: this restore is the second apply, or one more of the same change.
  if (d.state === 'pending') return d;
  const next: FightRecord = same
    ? { ...record, applied: record.applied + 1, last: now.toISOString() }
    : { applied: 2, since: now.toISOString(), last: now.toISOString(), desiredHash: d.desiredHash, changeHash: hash };
  return { ...d, fightTag: formatFightTag(next) };
}
