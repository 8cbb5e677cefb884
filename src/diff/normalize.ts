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
import { keepsEmptyString, keepsEmptyStringAt } from '../model/unset-values.js';

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
  // A normalized spec is built in key order already (reduceAt below), so its own JSON is the
  // canonical text: checking that costs a walk, copying it into sorted records (sortKeys)
  // a record per object (issue 19: a fifth of the normalization's CPU). Anything else is
  // copied as before; both give the same text (test/normalize.test.ts, "canonicalJson gives
  // the sorted copy's text").
  return (inCanonicalOrder(value) ? JSON.stringify(value) : JSON.stringify(sortKeys(value))) ?? 'null';
}

// ---------------------------------------------------------------------------------------
// The walker
// ---------------------------------------------------------------------------------------

/** A spec with a kind's rules applied: what compares and hashes (both sides of a diff). */
export function normalizeWith(spec: Json, schema: NormalizationTable): Json {
  const rules = compiled(schema);
  const coerced = coerce(spec, rules.root, rules);
  const root = isObject(coerced) ? coerced : {};
  const out = reduceAt(root, rules.root, undefined, rules, root, root);
  return isObject(out) ? out : {};
}

// A table compiled once into a tree of its paths: the walkers step from a path to a child
// by a Map lookup on the key instead of joining path strings for every value (issue 19:
// at 10,000 services the joins and table look-ups were most of the diff's CPU). A value
// below no rule's path is walked by `reduceAt` with no node: no child look-ups at all.
//
// The tree holds every path string some rule's path starts with at a `.` or `[]`
// boundary; a value's path string (as the walkers have always spelt it: keys joined by
// dots, list items as `[]`) can match a rule only below such a path. A key holding a `.`
// or `[`, or an empty key, does not spell one step of the tree: its child is looked up by
// its whole path string, so such a key matches exactly what its joined path matches.

interface PathRules {
  /** the path string, as the table spells it */
  readonly path: string;
  readonly number: boolean;
  readonly canon: Canon | undefined;
  readonly isDefault: IsDefault | undefined;
  /** for a list: its items' order (orderFree), as a comparator */
  readonly order: ((a: unknown, b: unknown) => number) | undefined;
  /** a number or canon rule applies here or below: coerce has work to do */
  coerces: boolean;
  /** an empty string here is data, not "unset" (model/unset-values.ts) */
  readonly keepsEmpty: boolean;
  /** the children reached by a key with no `.` or `[` in it */
  readonly children: Map<string, PathRules>;
  item: PathRules | undefined;
}

interface CompiledTable {
  readonly root: PathRules;
  readonly byPath: Map<string, PathRules>;
}

const compiledTables = new WeakMap<NormalizationTable, CompiledTable>();

function compiled(schema: NormalizationTable): CompiledTable {
  let c = compiledTables.get(schema);
  if (!c) {
    c = compile(schema);
    compiledTables.set(schema, c);
  }
  return c;
}

function compile(schema: NormalizationTable): CompiledTable {
  const numbers = new Set(schema.numbers);
  const rulePaths = [...numbers, ...Object.keys(schema.canon), ...Object.keys(schema.defaults), ...Object.keys(schema.orderFree)];
  const paths = new Set<string>(['']);
  for (const rule of rulePaths) {
    paths.add(rule);
    for (let i = 0; i < rule.length; i++) if (rule[i] === '.' || rule.startsWith('[]', i)) paths.add(rule.slice(0, i));
  }
  const byPath = new Map<string, PathRules>();
  for (const path of paths) {
    const orderKeys = ownValue(schema.orderFree, path);
    byPath.set(path, {
      path,
      number: numbers.has(path),
      canon: ownValue(schema.canon, path),
      isDefault: ownValue(schema.defaults, path),
      order: orderKeys ? compareBy(orderKeys) : undefined,
      coerces: false,
      keepsEmpty: keepsEmpty(path),
      children: new Map(),
      item: undefined,
    });
  }
  for (const node of byPath.values()) {
    const { path } = node;
    if (path === '') continue;
    if (path.endsWith('[]')) {
      const list = byPath.get(path.slice(0, -2));
      if (list) list.item = node;
      continue;
    }
    const dot = path.lastIndexOf('.');
    const key = path.slice(dot + 1);
    if (!isPlainKey(key)) continue;
    byPath.get(dot < 0 ? '' : path.slice(0, dot))?.children.set(key, node);
  }
  for (const node of byPath.values()) {
    if (!node.number && !node.canon) continue;
    for (const [path, n] of byPath) if (isPathPrefix(path, node.path)) n.coerces = true;
  }
  return { root: byPath.get('') as PathRules, byPath };
}

/** PREFIX is PATH or a path PATH runs through. */
function isPathPrefix(prefix: string, path: string): boolean {
  if (prefix === '' || prefix === path) return true;
  return path.startsWith(prefix) && (path[prefix.length] === '.' || path.startsWith('[]', prefix.length));
}

/** A key that is one step of a path: joining it spells no `.` or `[]` of its own. */
function isPlainKey(key: string): boolean {
  return key !== '' && !ODD_KEY_CHARACTER.test(key);
}
const ODD_KEY_CHARACTER = /[.[]/;

/** The rules at the path of KEY below NODE; undefined when no rule's path runs through it. */
function childRules(node: PathRules, key: string, rules: CompiledTable): PathRules | undefined {
  return node.children.get(key) ?? (isPlainKey(key) ? undefined : rules.byPath.get(join(node.path, key)));
}

/** Pass 1: numeric strings to numbers and alternative spellings to one, by path. A value
 * that no rule changes, at its path or below, is returned as it is, not copied: pass 2
 * copies every value it keeps, and only reads this pass's output. */
function coerce(value: unknown, node: PathRules | undefined, rules: CompiledTable): unknown {
  if (node === undefined || !node.coerces) return value;
  let out: unknown = value;
  if (Array.isArray(value)) {
    const item = node.item;
    if (item?.coerces) out = coerceItems(value, item, rules);
  } else if (isObject(value)) {
    out = coerceMembers(value, node, rules);
  }
  if (node.number) out = toNumber(out);
  return node.canon ? node.canon(out) : out;
}

/** A list with its items coerced: the list itself when no item changed. */
function coerceItems(list: readonly unknown[], item: PathRules, rules: CompiledTable): readonly unknown[] {
  let copy: unknown[] | undefined;
  for (let i = 0; i < list.length; i++) {
    const v = list[i];
    const c = coerce(v, item, rules);
    if (copy === undefined && c !== v) copy = list.slice(0, i);
    copy?.push(c);
  }
  return copy ?? list;
}

/** An object with its members coerced: the object itself when no member changed (a
 * null-prototype copy otherwise: its keys are outside data). */
function coerceMembers(obj: Json, node: PathRules, rules: CompiledTable): Json {
  let copy: Json | undefined;
  const keys = Object.keys(obj);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const v = obj[key];
    const c = coerce(v, childRules(node, key, rules), rules);
    if (copy === undefined && c !== v) {
      copy = emptyRecord();
      for (let j = 0; j < i; j++) copy[keys[j] as string] = obj[keys[j] as string];
    }
    if (copy !== undefined) copy[key] = c;
  }
  return copy ?? obj;
}

/**
 * Pass 2, bottom-up: drop empties and defaults, sort order-free lists (VALUE: an object
 * or a list at NODE's path). Below every rule's path (NODE undefined) only empties are
 * dropped; KEY is then the key whose value this is (a list's items: its key and `[]`),
 * which keepsEmptyStringAt reads. Returns undefined for a value that is to be left out.
 */
function reduceAt(value: object, node: PathRules | undefined, key: string | undefined, rules: CompiledTable, root: Json, parent: Json): unknown {
  // the key the members' "" is judged by (keepsEmptyStringAt): the list's or object's own, not its whole path
  const at = node ? lastKeyOf(node.path) : key;
  if (Array.isArray(value)) {
    const item = node?.item;
    const itemKey = item ? undefined : `${at ?? ''}[]`;
    const isDefault = item?.isDefault;
    const ctx: Ctx | undefined = isDefault ? { root, parent } : undefined;
    const items: unknown[] = [];
    for (const v of value) {
      // ECS omits or returns null for unset fields; a list item's "" is data (its path ends in `[]`).
      if (v === null || v === undefined) continue;
      let r: unknown = v;
      if (typeof v === 'object') {
        r = reduceAt(v, item, itemKey, rules, root, parent);
        if (r === undefined) continue;
      }
      if (isDefault?.(r, ctx!)) continue;
      items.push(r);
    }
    if (node?.order) items.sort(node.order);
    // ECS returns [] for unset lists (mountPoints, volumesFrom, environment, ...).
    return items.length > 0 ? items : undefined;
  }
  if (!isObject(value)) return value;
  // made with its first member: an object whose every member is a default or unset makes none
  let out: Json | undefined;
  let ctx: Ctx | undefined;
  for (const k of Object.keys(value).sort()) {
    const v = value[k];
    if (v === null || v === undefined) continue;
    const child = node ? childRules(node, k, rules) : undefined;
    let r: unknown = v;
    if (v === '') {
      // "" is unset too (model/unset-values.ts), unless it is the data itself.
      if (!(child ? child.keepsEmpty : keepsEmptyStringAt(at, k))) continue;
    } else if (typeof v === 'object') {
      r = reduceAt(v, child, k, rules, root, value);
      if (r === undefined) continue;
    }
    if (child?.isDefault) {
      ctx ??= { root, parent: value };
      if (child.isDefault(r, ctx)) continue;
    }
    out ??= emptyRecord();
    out[k] = r;
  }
  // An object left with nothing set says nothing ({} host, {} options, ...).
  return out;
}

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** A rule path's last key (rule paths' keys hold no dot), or undefined for the spec itself. */
function lastKeyOf(path: string): string | undefined {
  if (path === '') return undefined;
  const dot = path.lastIndexOf('.');
  return dot < 0 ? path : path.slice(dot + 1);
}

/** An empty string at PATH (a list item's path ends in `[]`) is kept. */
function keepsEmpty(path: string): boolean {
  return path.endsWith('[]') || keepsEmptyString(path);
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

/**
 * JSON.stringify writes VALUE exactly as it writes sortKeys(VALUE): every object in it a
 * plain or null-prototype one whose keys already come in sorted order (a record built by
 * inserting sorted keys lists them in that order: integer-like keys, which objects list
 * first in numeric order, then the rest in insertion order), and nothing with a toJSON
 * (sortKeys calls it before sorting; JSON.stringify after).
 */
function inCanonicalOrder(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if ('toJSON' in value) return false;
  if (Array.isArray(value)) {
    for (const item of value) if (!inCanonicalOrder(item)) return false;
    return true;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== null && proto !== Object.prototype) return false;
  // for-in lists the own keys in Object.keys order, with no array to allocate; a key it
  // also lists from a prototype (an enumerable member added to Object.prototype) can only
  // answer false here, which takes the sorted copy: never a wrong text.
  let previous: string | undefined;
  for (const key in value) {
    if (previous !== undefined && !(previous < key)) return false;
    previous = key;
    if (!inCanonicalOrder((value as Json)[key])) return false;
  }
  return true;
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
