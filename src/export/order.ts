/**
 * Pure: keys in the order a person reads and writes a manifest (apiVersion, kind,
 * metadata, spec; inside spec the fields that say what it is first, tags last: each
 * kind's export keyOrder), not
 * the alphabetical order normalization leaves them in. Keys a table does not name
 * follow those it does, alphabetically; `tags` always comes last.
 */

import { kindOf } from '../kinds/registry.js';
import { isObject } from '../model/json.js';
import { emptyRecord, ownValue } from '../model/own-keys.js';
import type { Kind } from '../model/resource.js';

type Json = Record<string, unknown>;

const TOP = ['apiVersion', 'kind', 'metadata', 'spec'];
const METADATA = ['name', 'cluster', 'region', 'annotations'];

function ordered(obj: Json, first: readonly string[], tagsLast: boolean): Json {
  const known = first.filter((k) => Object.hasOwn(obj, k));
  const rest = Object.keys(obj)
    .filter((k) => !first.includes(k) && !(tagsLast && k === 'tags'))
    .sort();
  const out: Json = emptyRecord();
  for (const k of [...known, ...rest]) out[k] = obj[k];
  if (tagsLast && Object.hasOwn(obj, 'tags')) out.tags = obj.tags;
  return out;
}

function orderValue(value: unknown, path: string, table: Record<string, readonly string[]>): unknown {
  if (Array.isArray(value)) return value.map((item) => orderValue(item, `${path}[]`, table));
  if (!isObject(value)) return value;
  // a tag map or a string map (log options, docker labels): keys as they are, sorted
  const first = ownValue(table, path) ?? (['name'] as const);
  const out = ordered(value, first, path === '');
  for (const [k, v] of Object.entries(out)) {
    if (path === '' && k === 'tags') out[k] = ordered(v as Json, [], false);
    else out[k] = orderValue(v, path === '' ? k : `${path}.${k}`, table);
  }
  return out;
}

/** A whole manifest document, keys in reading order. */
export function orderManifest(kind: Kind, doc: { metadata: Json; spec: Json } & Json): Json {
  const top = ordered(doc, TOP, false);
  top.metadata = ordered(doc.metadata, METADATA, false);
  // the kind's own reading order of its spec (src/kinds/<kind>/export.ts)
  top.spec = orderValue(doc.spec, '', kindOf(kind).export?.keyOrder ?? {});
  return top;
}
