/**
 * What the load stage asks of a task definition as a user may keep it: the output of
 * `aws ecs describe-task-definition` (a `{"taskDefinition": {...}}` wrapper, read-only
 * members), as a manifest's spec or as a plain `.json` file (a register-task-definition
 * input, which is a TaskDefinition document of its own).
 */
import type { ManifestNotice, PlainJsonFile } from '../kind.js';
import { TaskDefinitionJsonFileSchema } from './schema.js';

/**
 * DescribeTaskDefinition output fields that RegisterTaskDefinition does not take (the
 * TaskDefinition data type's read-only members). aws-actions/amazon-ecs-deploy-task-definition
 * (index.js, IGNORED_TASK_DEFINITION_ATTRIBUTES: "Attributes that are returned by
 * DescribeTaskDefinition, but are not valid RegisterTaskDefinition inputs") drops the same
 * ones, less deleteRequestedAt (newer than its list), before registering a
 * `task-definition.json` kept from `aws ecs describe-task-definition`.
 */
export const TASK_DEFINITION_READ_ONLY_FIELDS = [
  'taskDefinitionArn',
  'revision',
  'status',
  'requiresAttributes',
  'compatibilities',
  'registeredAt',
  'registeredBy',
  'deregisteredAt',
  'deleteRequestedAt',
] as const;

const DESCRIBE_NOTICE = 'read as describe-task-definition output';

/**
 * A task definition as `aws ecs describe-task-definition` prints it: the
 * `{"taskDefinition": {...}}` wrapper (with `tags` beside it under --include TAGS) is
 * unwrapped and the read-only fields are dropped. Returns what was done, for the notice.
 */
function fromDescribeOutput(raw: Record<string, unknown>): { taskDefinition: Record<string, unknown>; unwrapped: boolean; dropped: string[] } {
  let td = raw;
  let unwrapped = false;
  const inner = raw.taskDefinition;
  if (inner !== null && typeof inner === 'object' && !Array.isArray(inner) && Object.keys(raw).every((k) => k === 'taskDefinition' || k === 'tags')) {
    td = { ...(inner as Record<string, unknown>) };
    if (raw.tags !== undefined && td.tags === undefined) td.tags = raw.tags;
    unwrapped = true;
  }
  const dropped: string[] = TASK_DEFINITION_READ_ONLY_FIELDS.filter((f) => f in td);
  if (dropped.length) {
    td = { ...td };
    for (const f of dropped) delete td[f];
  }
  return { taskDefinition: td, unwrapped, dropped };
}

function noticeOf(d: { unwrapped: boolean; dropped: string[] }): ManifestNotice {
  const what = [
    ...(d.unwrapped ? ['unwrapped {"taskDefinition": ...}'] : []),
    ...(d.dropped.length ? [`dropped read-only field(s) ${d.dropped.join(', ')}`] : []),
  ].join('; ');
  return { prefix: DESCRIBE_NOTICE, message: `${DESCRIBE_NOTICE}: ${what} (RegisterTaskDefinition does not take them)` };
}

/** A manifest's spec kept from describe-task-definition output: unwrapped, read-only fields dropped, said once a file. */
export function readTaskDefinitionSpec(
  spec: Record<string, unknown>,
  name: string | undefined,
): { spec: Record<string, unknown>; notice: ManifestNotice } | undefined {
  const described = fromDescribeOutput(spec);
  // a whole describe output pasted as the spec carries its family, the manifest's name
  if (described.dropped.length && described.taskDefinition.family === name) {
    const { family: _family, ...rest } = described.taskDefinition;
    described.taskDefinition = rest;
    described.dropped.push('family');
  }
  if (!described.unwrapped && !described.dropped.length) return undefined;
  return { spec: described.taskDefinition, notice: noticeOf(described) };
}

/** A plain `.json` file: a register-task-definition input, or describe-task-definition output. */
export const TASK_DEFINITION_JSON_FILE: PlainJsonFile = {
  schema: TaskDefinitionJsonFileSchema,
  nameField: 'family',
  wrapper: 'taskDefinition',
  expected: 'a task definition object ({ "family": ..., "containerDefinitions": [...] })',
  readAs: 'a plain register-task-definition input (family, containerDefinitions, ...)',
  read(raw) {
    const described = fromDescribeOutput(raw);
    if (!described.unwrapped && !described.dropped.length) return { input: raw, at: [] };
    return { input: described.taskDefinition, at: described.unwrapped ? ['taskDefinition'] : [], notice: noticeOf(described) };
  },
};
