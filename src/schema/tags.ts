import { z } from 'zod';
import { tagsFromList } from '../model/own-keys.js';
import { TAG } from '../model/resource.js';
import { ownKeysRecord } from './common.js';

/** ECS tag limits (TagResource / Tag in the ECS API reference: "Maximum number of tags per resource - 50"). */
const MAX_TAGS = 50;
/**
 * The ownership tags the controller may add to a resource it applies, at most: every key
 * of src/model/resource.ts TAG (managed-by, applied-hash, source, revision, repository,
 * prune when the annotation says "false", the fight guard's two, a service's revision
 * record, its degraded record and the id of the deployment it started). They count against ECS's 50, so the manifest's own share is what is left.
 */
export const OWNERSHIP_TAG_COUNT = Object.keys(TAG).length;
/** What a manifest may carry: ECS's 50 less the controller's own. */
export const MAX_USER_TAGS = MAX_TAGS - OWNERSHIP_TAG_COUNT;
const tooManyTags = (n: number) =>
  `at most ${MAX_USER_TAGS} tags, got ${n}: ECS allows ${MAX_TAGS} per resource and the controller adds up to ${OWNERSHIP_TAG_COUNT} ownership tags of its own (ecs-reconciler:*)`;
const MAX_TAG_KEY_LENGTH = 128;
const MAX_TAG_VALUE_LENGTH = 256;
/** Prefix of the controller's own ownership tags (ecs-reconciler:managed-by, ...). */
const CONTROLLER_TAG_PREFIX = 'ecs-reconciler:';

const tagValue = z.union([z.string(), z.number(), z.boolean()]).transform((v) => String(v));

/** `{ team: web }`: the map form. */
const TagMapSchema = ownKeysRecord(tagValue);

/** `[{ key: team, value: web }]`: the ECS API's list form. */
const TagListSchema = z.array(
  z.strictObject({
    key: z.string().describe('Tag key, 1-128 characters.'),
    value: tagValue.optional().describe('Tag value, 0-256 characters.'),
  }),
);

type Ctx = z.RefinementCtx;

function checkKey(key: string, path: (string | number)[], ctx: Ctx): void {
  if (key.length < 1 || key.length > MAX_TAG_KEY_LENGTH) {
    ctx.addIssue({
      code: 'custom',
      path,
      message: `tag key must be 1-${MAX_TAG_KEY_LENGTH} characters, got ${key.length}`,
    });
  }
  if (key.toLowerCase().startsWith('aws:')) {
    ctx.addIssue({
      code: 'custom',
      path,
      message: `tag key ${JSON.stringify(key)} is reserved: keys beginning with "aws:" belong to AWS`,
    });
  } else if (key.toLowerCase().startsWith(CONTROLLER_TAG_PREFIX)) {
    ctx.addIssue({
      code: 'custom',
      path,
      message: `tag key ${JSON.stringify(key)} is reserved: keys beginning with "${CONTROLLER_TAG_PREFIX}" are the controller's own ownership tags and are set by it`,
    });
  }
}

function checkValue(value: string, path: (string | number)[], ctx: Ctx): void {
  if (value.length > MAX_TAG_VALUE_LENGTH) {
    ctx.addIssue({
      code: 'custom',
      path,
      message: `tag value must be at most ${MAX_TAG_VALUE_LENGTH} characters, got ${value.length}`,
    });
  }
}

/**
 * Tags, as a map `{ team: web }` or as the ECS list `[{ key, value }]`. The parsed
 * output is always a `Record<string, string>`.
 */
export const TagsSchema = z
  .union([TagMapSchema, TagListSchema])
  .superRefine((tags, ctx) => {
    if (Array.isArray(tags)) {
      if (tags.length > MAX_USER_TAGS) ctx.addIssue({ code: 'custom', message: tooManyTags(tags.length) });
      const seen = new Map<string, number>();
      tags.forEach((t, i) => {
        checkKey(t.key, [i, 'key'], ctx);
        checkValue(t.value ?? '', [i, 'value'], ctx);
        const first = seen.get(t.key);
        if (first !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [i, 'key'],
            message: `duplicate tag key ${JSON.stringify(t.key)} (also at [${first}])`,
          });
        } else {
          seen.set(t.key, i);
        }
      });
    } else {
      const keys = Object.keys(tags);
      if (keys.length > MAX_USER_TAGS) ctx.addIssue({ code: 'custom', message: tooManyTags(keys.length) });
      for (const k of keys) {
        checkKey(k, [k], ctx);
        checkValue(tags[k] ?? '', [k], ctx);
      }
    }
  })
  .transform((tags): Record<string, string> => (Array.isArray(tags) ? tagsFromList(tags) : tags))
  .describe(
    `Tags: a map { key: value } or the ECS list [{ key, value }]. At most ${MAX_USER_TAGS} (ECS allows ${MAX_TAGS}; the controller adds up to ${OWNERSHIP_TAG_COUNT} ownership tags); key 1-128 characters, value 0-256; "aws:" and "ecs-reconciler:" prefixes are reserved.`,
  );
