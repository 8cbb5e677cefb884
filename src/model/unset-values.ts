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

/** Path segments as written by the walkers: keys joined by dots, list items as `[]`. */
export function keepsEmptyString(path: string): boolean {
  const parts = path.split('.');
  const last = parts.at(-1) ?? '';
  if (last === 'value') return true;
  const parent = parts.at(-2);
  return parent !== undefined && FREE_FORM_MAPS.has(parent.replace(/\[\]$/, ''));
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

/** A copy with every object member that is `null` or an unset `""` left out (list items are kept as they are). */
export function dropUnsetValues(value: unknown, path = ''): unknown {
  if (Array.isArray(value)) return value.map((item) => dropUnsetValues(item, `${path}[]`));
  if (!isPlainObject(value)) return value;
  // null prototype: a "__proto__" key (a tag, a label) is kept as a key (src/model/own-keys.ts)
  const out: Record<string, unknown> = emptyRecord();
  for (const [key, child] of Object.entries(value)) {
    const childPath = path === '' ? key : `${path}.${key}`;
    if (child === null || child === undefined) continue;
    if (child === '' && !keepsEmptyString(childPath)) continue;
    out[key] = dropUnsetValues(child, childPath);
  }
  return out;
}
