// `""` and `null` for an optional field mean "unset" to ECS and the AWS SDKs:
// RegisterTaskDefinition with `taskRoleArn: ""` stores no role (DescribeTaskDefinition
// leaves it out), console "Create new revision" JSON exports carry `null` for every
// unset field, and ecspresso's `ecspresso init` writes `appProtocol: ""`. The official
// deploy action (aws-actions/amazon-ecs-deploy-task-definition, isEmptyValue /
// cleanNullKeys) drops them before RegisterTaskDefinition for the same reason. The loader
// drops them before validation and the diff drops them on both sides.
//
// Kept: an empty string that is itself the data. In free-form string maps
// (dockerLabels, logConfiguration.options, Docker volume driverOpts/labels, tags,
// lifecycle hookDetails) and in `value` members of name/value pairs (environment,
// proxy properties, system controls, settings), `""` is a value the container sees;
// an environment variable set to the empty string is meaningful (amazon-ecs-agent
// PR #3797, aws-actions/amazon-ecs-deploy-task-definition PR #224).

import { emptyRecord } from './own-keys.js';

const FREE_FORM_MAPS = new Set(['dockerLabels', 'options', 'driverOpts', 'labels', 'tags', 'hookDetails']);

/**
 * Whether `""` under KEY is data, in an object that is the value of the key PARENT (a
 * list's items: its key and `[]`; the spec itself: undefined). By the keys themselves, not
 * by a dotted path: a free-form map's keys hold dots (`com.example.label`), and a path
 * split on them named the wrong parent, so `dockerLabels: {"com.example.x": ""}` lost its
 * label in the loader and in the diff.
 */
export function keepsEmptyStringAt(parent: string | undefined, key: string): boolean {
  if (key === 'value') return true;
  return parent !== undefined && FREE_FORM_MAPS.has(parent.replace(/\[\]$/, ''));
}

/** The same for a path of keys without dots (a normalization rule's: keys joined by dots, list items as `[]`). */
export function keepsEmptyString(path: string): boolean {
  const parts = path.split('.');
  return keepsEmptyStringAt(parts.at(-2), parts.at(-1) ?? '');
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

/** A copy with every object member that is `null` or an unset `""` left out (list items are kept as they are); PARENT: the key whose value this is. */
export function dropUnsetValues(value: unknown, parent?: string): unknown {
  if (Array.isArray(value)) return value.map((item) => dropUnsetValues(item, `${parent ?? ''}[]`));
  if (!isPlainObject(value)) return value;
  // null prototype: a "__proto__" key (a tag, a label) is kept as a key (src/model/own-keys.ts)
  const out: Record<string, unknown> = emptyRecord();
  for (const [key, child] of Object.entries(value)) {
    if (child === null || child === undefined) continue;
    if (child === '' && !keepsEmptyStringAt(parent, key)) continue;
    out[key] = dropUnsetValues(child, key);
  }
  return out;
}
