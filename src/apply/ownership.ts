/** The tags that carry what the controller remembers (DESIGN.md, "Ownership and memory"). */
import { ANNOTATION, type DesiredResource, TAG } from '../model/resource.js';
import { REVISION_RECORD_KEYS } from '../model/revision-record.js';

// ECS tag values allow letters, numbers, spaces and _ . : / = + - @ (TagResource), up to 256 characters.
function tagSafe(value: string): string {
  return value.replace(/[^\p{L}\p{N}\s_.:/=+\-@]/gu, '_').slice(0, 256);
}

export function ownershipTags(opts: {
  controllerId: string;
  desiredHash: string;
  desired?: DesiredResource;
  gitRevision?: string;
  fightTag?: string;
  degradedTag?: string;
  repository?: string;
}): Record<string, string> {
  const tags: Record<string, string> = {
    [TAG.managedBy]: opts.controllerId,
    [TAG.appliedHash]: opts.desiredHash,
  };
  if (opts.desired) tags[TAG.source] = tagSafe(opts.desired.source.file);
  if (opts.gitRevision) tags[TAG.revision] = tagSafe(opts.gitRevision);
  if (opts.desired?.annotations[ANNOTATION.prune] === 'false') tags[TAG.prune] = 'false';
  if (opts.fightTag) tags[TAG.fight] = tagSafe(opts.fightTag);
  if (opts.degradedTag) tags[TAG.degraded] = tagSafe(opts.degradedTag);
  if (opts.repository) tags[TAG.repository] = tagSafe(opts.repository);
  return tags;
}

/** Ownership keys that a later apply must remove when the manifest dropped them (or the revision record no longer fits). */
// (the fight record is never removed, which would cost a call: it outdates, src/pipeline/fight-guard.ts)
// (the degraded record goes with any other tag sync: only a degraded service's own tag action keeps it, src/kinds/service/rollout.ts)
export const OPTIONAL_OWNERSHIP_KEYS = [TAG.prune, TAG.revision, TAG.repository, TAG.degraded, ...REVISION_RECORD_KEYS] as const;

/** Every ownership key; releasing a resource removes them all (it is then unmanaged). */
export const OWNERSHIP_KEYS = Object.values(TAG);
