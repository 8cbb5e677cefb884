/** JSON-shaped data as manifests and the ECS API carry it, and the two helpers every stage needs on it. */
import { emptyRecord } from './own-keys.js';

export type Json = Record<string, unknown>;

/**
 * A JSON object: not null, not an array, and not a Date (the SDK returns timestamps as
 * Dates; they compare as values, never as objects with no keys).
 */
export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

/** A shallow copy without the given keys: a null-prototype map of a null-prototype map (a normalized spec's), else a plain object. */
export function omit(obj: Json, ...keys: string[]): Json {
  // Built without the keys rather than copied and deleted from: a delete turns the copy
  // into a hash table (a dictionary-mode object), slower to read in every later stage.
  const out: Json = Object.getPrototypeOf(obj) === null ? emptyRecord() : {};
  for (const k of Object.keys(obj)) {
    if (keys.includes(k)) continue;
    // an own "__proto__" (outside data) stays a member, as a spread keeps it; assigned, it would set the prototype
    if (k === '__proto__') Object.defineProperty(out, k, { value: obj[k], enumerable: true, writable: true, configurable: true });
    else out[k] = obj[k];
  }
  return out;
}

/** An SDK timestamp (a Date; a string already) as the ISO text a report and a record hold; an invalid date or anything else: undefined. */
export function isoTime(d: unknown): string | undefined {
  if (d instanceof Date) return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
  return typeof d === 'string' ? d : undefined;
}
