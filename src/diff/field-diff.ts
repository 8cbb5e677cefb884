/**
 * Field-by-field comparison of two normalized specs. Lists of named items are matched
 * by name, not index (`containerDefinitions[name=web].image`), so a change reads as
 * the person who wrote the manifest thinks of it.
 */

import { isObject } from '../model/json.js';
import { ownValue } from '../model/own-keys.js';
import { canonicalJson } from './normalize.js';

export interface FieldDifference {
  path: string;
  live: unknown;
  desired: unknown;
}

const NAME_KEYS = ['name', 'containerName', 'capacityProvider', 'targetGroupArn', 'key', 'policyName'];

function same(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/** The key that names a list's items (`name`, `key`, ...), as paths write it: `environment[name=X]`. */
export function nameKeyOf(list: unknown[]): string | undefined {
  for (const key of NAME_KEYS) {
    const names = list.map((i) => (isObject(i) ? i[key] : undefined));
    if (names.every((n) => typeof n === 'string') && new Set(names).size === names.length) return key;
  }
  return undefined;
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

export function diffFields(live: unknown, desired: unknown, path = ''): FieldDifference[] {
  if (same(live, desired)) return [];
  if (isObject(live) && isObject(desired)) {
    const keys = [...new Set([...Object.keys(live), ...Object.keys(desired)])].sort();
    return keys.flatMap((k) => diffFields(ownValue(live, k), ownValue(desired, k), join(path, k)));
  }
  if (Array.isArray(live) && Array.isArray(desired)) {
    const key = nameKeyOf(live) && nameKeyOf(desired) === nameKeyOf(live) ? nameKeyOf(live) : undefined;
    if (key) {
      const byName = (list: unknown[]) => new Map(list.map((i) => [String(ownValue(i as Record<string, unknown>, key)), i]));
      const l = byName(live);
      const d = byName(desired);
      const names = [...new Set([...l.keys(), ...d.keys()])];
      return names.flatMap((n) => diffFields(l.get(n), d.get(n), `${path}[${key}=${n}]`));
    }
    if (live.length === desired.length && live.every((i) => isObject(i))) {
      return live.flatMap((item, i) => diffFields(item, desired[i], `${path}[${i}]`));
    }
  }
  return [{ path: path || '(spec)', live, desired }];
}
