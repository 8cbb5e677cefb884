/**
 * A spec as YAML lines with a stable key order (sorted, at every level), so two renderings
 * of the same value are the same text: a create's fields in a plan, and both sides of
 * `diff`. Lists keep their order: the normalized projection already sorted the
 * order-free ones (environment, secrets, tags) and the others mean their order.
 */
import { emptyRecord } from '../model/own-keys.js';
import { yaml } from '../model/yaml-package.js';

function withSortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withSortedKeys);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = emptyRecord() as Record<string, unknown>;
    for (const k of Object.keys(value).sort()) out[k] = withSortedKeys((value as Record<string, unknown>)[k]);
    return out;
  }
  return value;
}

export function specYaml(value: unknown): string {
  if (value === undefined) return '';
  // lineWidth 0: no folding, one value a line, so a diff points at the value that changed
  return yaml().stringify(withSortedKeys(value), { lineWidth: 0, aliasDuplicateObjects: false });
}

export function specJsonLines(value: unknown): string {
  if (value === undefined) return '';
  return `${JSON.stringify(withSortedKeys(value), null, 2)}\n`;
}
