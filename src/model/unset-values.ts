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

/**
 * The value without its object members that are `null` or an unset `""` (list items are
 * kept as they are); PARENT: the key whose value this is. Copied only where something is
 * left out: a manifest that writes no unset value (most of them) is given back as it is,
 * not rebuilt object by object (a cold `plan` loads every manifest; issue 19). A copy is
 * a null-prototype map (src/model/own-keys.ts), so a "__proto__" key stays a key.
 */
export function dropUnsetValues(value: unknown, parent?: string): unknown {
  if (Array.isArray(value)) {
    const itemParent = `${parent ?? ''}[]`;
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const kept = dropUnsetValues(item, itemParent);
      if (out === undefined && kept !== item) out = value.slice(0, i);
      out?.push(kept);
    }
    return out ?? value;
  }
  if (!isPlainObject(value)) return value;
  const keys = Object.keys(value);
  let out: Record<string, unknown> | undefined;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const child = value[key];
    const unset = child === null || child === undefined || (child === '' && !keepsEmptyStringAt(parent, key));
    const kept = unset ? undefined : dropUnsetValues(child, key);
    if (out === undefined && (unset || kept !== child)) {
      out = emptyRecord();
      for (let j = 0; j < i; j++) out[keys[j]!] = value[keys[j]!];
    }
    if (out !== undefined && !unset) out[key] = kept;
  }
  return out ?? value;
}
