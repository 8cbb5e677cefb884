/**
 * What a service remembers about the revision it runs (issue 19, item 3): a new `plan`
 * process would otherwise describe every revision every service runs (DescribeTaskDefinition,
 * one call each, throttled per account). A task definition revision is immutable (the
 * body under a revision ARN never changes), so when the controller points a service at a
 * revision whose content it knows (the TaskDefinition manifest's applied-hash), it writes
 * both onto the service's own tags; a later reader that finds the live taskDefinition ARN
 * equal to the recorded one knows the content without reading it.
 */

import type { LiveRevision } from '../model/live.js';
import { TAG } from './resource.js';
import { revisionOf } from './revision-arn.js';

/**
 * ECS allows 50 tags a resource (Tagging your Amazon ECS resources, "Tag restrictions"),
 * values up to 256 characters. The ownership tags take at most 5 (managed-by,
 * applied-hash, source, revision, prune); the record takes 2 more, and is left out when
 * the user's tags leave no room for it (the revision is then described, as before).
 */
const ECS_TAGS_PER_RESOURCE = 50;
const OWNERSHIP_TAGS_AT_MOST = 5;
const ECS_TAG_VALUE_MAX = 256;

export const REVISION_RECORD_KEYS = [TAG.taskDefinition, TAG.taskDefinitionHash] as const;

/** The two record tags for a service running `revisionArn` with content `contentHash`, or none when they do not fit. */
export function revisionRecordTags(revisionArn: string | undefined, contentHash: string | undefined, userTagCount: number): Record<string, string> {
  if (!revisionArn || !contentHash || !revisionArn.startsWith('arn:')) return {};
  if (revisionArn.length > ECS_TAG_VALUE_MAX) return {};
  if (userTagCount + OWNERSHIP_TAGS_AT_MOST + REVISION_RECORD_KEYS.length > ECS_TAGS_PER_RESOURCE) return {};
  return { [TAG.taskDefinition]: revisionArn, [TAG.taskDefinitionHash]: contentHash };
}

/** The record a service's tags hold for the revision it runs now, if they hold one for exactly that ARN. */
export function recordedRevisionOf(serviceTags: Readonly<Record<string, string>>, runningArn: string | undefined): { arn: string; hash: string } | undefined {
  const arn = serviceTags[TAG.taskDefinition];
  const hash = serviceTags[TAG.taskDefinitionHash];
  if (!arn || !hash || !runningArn || arn !== runningArn) return undefined;
  return { arn, hash };
}

/**
 * A revision known by record, without its body. The controller tagged it managed-by
 * and applied-hash when it registered it (or brought those tags up to date when it
 * matched by content) before it recorded it on the service, so those two are known too.
 */
export function recordedRevision(arn: string, hash: string, managedBy: string | undefined): LiveRevision {
  return {
    arn,
    ...revisionOf(arn),
    tags: { ...(managedBy ? { [TAG.managedBy]: managedBy } : {}), [TAG.appliedHash]: hash },
    recordedHash: hash,
  };
}
