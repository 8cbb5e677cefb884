import { emptyRecord, ownValue } from '../model/own-keys.js';

// Normalization of ECS specs for diffing and hashing.
//
// Applied to BOTH sides (the desired spec from a manifest and the live state projected
// onto the same input shape by projection.ts) so that two specs ECS treats as the same
// come out deep-equal. The technique: coerce number-like values, drop every value equal
// to the default ECS fills in (on both sides, so "omitted" == "server-filled"), drop
// empty values, and sort the lists whose order ECS ignores.
//
// Everything is data: per resource kind (src/kinds/<kind>/normalize.ts), one table each of
//   numbers   - paths whose API type is a number (numeric strings become numbers),
//   canon     - paths whose value has several spellings (units, name vs ARN),
//   defaults  - paths whose value is dropped when it equals what ECS fills in,
//   orderFree - paths of lists whose order carries no meaning, with their sort keys,
// and one generic walker. Paths name object keys with dots and list items with `[]`:
// `containerDefinitions[].portMappings[].hostPort`.
//
// Sources, cited per rule below:
//   [API]  ECS API reference (RegisterTaskDefinition, CreateService, CreateCluster) as
//          carried in @aws-sdk/client-ecs dist-types/models/models_0.d.ts doc comments.
//   [TF]   hashicorp/terraform-provider-aws internal/service/ecs/container_definitions.go
//          (containerDefinitions.reduce) and its predecessor ecs_task_definition_equivalency.go.
//   [ESP]  kayac/ecspresso diff.go (sortTaskDefinition, ServiceDefinitionForDiff,
//          toNumberCPU, toNumberMemory).
//   [MOBY] moby/moby daemon/volumes.go sortMounts (mounts applied in path-depth order).

import { isObject } from '../model/json.js';
import { keepsEmptyString } from '../model/unset-values.js';

export type Json = Record<string, unknown>;

interface Ctx {
  /** The whole spec (after number/canon coercion, before defaults are dropped). */
  readonly root: Json;
  /** The object holding the value (for a list item: the object holding the list). */
  readonly parent: Json;
}

type IsDefault = (value: unknown, ctx: Ctx) => boolean;
type Canon = (value: unknown) => unknown;

/** One kind's normalization rules (src/kinds/<kind>/normalize.ts), run by normalizeWith. */
export interface NormalizationTable {
  readonly numbers: readonly string[];
  readonly canon: Readonly<Record<string, Canon>>;
  readonly defaults: Readonly<Record<string, IsDefault>>;
  /** Sort keys: fields compared in turn; `[]` compares the whole item. Sorting is stable,
   * so items with equal keys keep their relative order (where that order still matters). */
  readonly orderFree: Readonly<Record<string, readonly string[]>>;
}

/** A default that is one value. */
export const is =
  (d: unknown): IsDefault =>
  (v) =>
    v === d;

// ---------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------

/** JSON with object keys in a stable (code unit) order, for hashing. Lists keep their
 * order; undefined object members are left out, as JSON.stringify does. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? 'null';
}

// ---------------------------------------------------------------------------------------
// The walker
// ---------------------------------------------------------------------------------------

/** A spec with a kind's rules applied: what compares and hashes (both sides of a diff). */
export function normalizeWith(spec: Json, schema: NormalizationTable): Json {
  const numbers = new Set(schema.numbers);
  const coerced = coerce(spec, '', schema, numbers);
  const root = isObject(coerced) ? coerced : {};
  const out = reduce(root, '', schema, root, root);
  return isObject(out) ? out : {};
}

/** Pass 1: numeric strings to numbers and alternative spellings to one, by path. */
function coerce(value: unknown, path: string, schema: NormalizationTable, numbers: Set<string>): unknown {
  let out: unknown = value;
  if (Array.isArray(value)) {
    out = value.map((item) => coerce(item, `${path}[]`, schema, numbers));
  } else if (isObject(value)) {
    const obj: Json = emptyRecord();
    for (const [key, child] of Object.entries(value)) {
      obj[key] = coerce(child, join(path, key), schema, numbers);
    }
    out = obj;
  }
  if (numbers.has(path)) out = toNumber(out);
  const canon = ownValue(schema.canon, path);
  return canon ? canon(out) : out;
}

/** Pass 2, bottom-up: drop empties and defaults, sort order-free lists.
 * Returns undefined for a value that is to be left out. */
function reduce(value: unknown, path: string, schema: NormalizationTable, root: Json, parent: Json): unknown {
  // ECS omits or returns null for unset fields; "" is unset too (model/unset-values.ts).
  if (value === null || value === undefined) return undefined;
  if (value === '' && !path.endsWith('[]') && !keepsEmptyString(path)) return undefined;
  if (Array.isArray(value)) {
    const itemPath = `${path}[]`;
    const isDefault = schema.defaults[itemPath];
    const items: unknown[] = [];
    for (const item of value) {
      const r = reduce(item, itemPath, schema, root, parent);
      if (r === undefined) continue;
      if (isDefault?.(r, { root, parent })) continue;
      items.push(r);
    }
    const keys = schema.orderFree[path];
    if (keys) items.sort(compareBy(keys));
    // ECS returns [] for unset lists (mountPoints, volumesFrom, environment, ...).
    return items.length > 0 ? items : undefined;
  }
  if (isObject(value)) {
    const out: Json = emptyRecord();
    for (const key of Object.keys(value).sort()) {
      const childPath = join(path, key);
      const r = reduce(value[key], childPath, schema, root, value);
      if (r === undefined) continue;
      if (schema.defaults[childPath]?.(r, { root, parent: value })) continue;
      out[key] = r;
    }
    // An object left with nothing set says nothing ({} host, {} options, ...).
    return Object.keys(out).length > 0 ? out : undefined;
  }
  return value;
}

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function toNumber(v: unknown): unknown {
  if (typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v)) return Number(v);
  return v;
}

function compareBy(keys: readonly string[]): (a: unknown, b: unknown) => number {
  return (a, b) => {
    if (keys.length === 0) return compare(a, b);
    for (const key of keys) {
      const c = compare(isObject(a) ? ownValue(a, key) : undefined, isObject(b) ? ownValue(b, key) : undefined);
      if (c !== 0) return c;
    }
    return 0;
  };
}

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = typeof a === 'string' ? a : canonicalJson(a);
  const y = typeof b === 'string' ? b : canonicalJson(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function sortKeys(value: unknown): unknown {
  if (value !== null && typeof value === 'object' && 'toJSON' in value) {
    const toJSON = (value as { toJSON: unknown }).toJSON;
    if (typeof toJSON === 'function') return sortKeys(toJSON.call(value));
  }
  if (Array.isArray(value)) return value.map(sortKeys);
  if (isObject(value)) {
    const out: Json = emptyRecord();
    for (const key of Object.keys(value).sort()) out[key] = sortKeys(value[key]);
    return out;
  }
  return value;
}
