/** JSON-shaped data as manifests and the ECS API carry it, and the two helpers every stage needs on it. */
export type Json = Record<string, unknown>;

/**
 * A JSON object: not null, not an array, and not a Date (the SDK returns timestamps as
 * Dates; they compare as values, never as objects with no keys).
 */
export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

/** A shallow copy without the given keys. */
export function omit(obj: Json, ...keys: string[]): Json {
  const out: Json = { ...obj };
  for (const k of keys) delete out[k];
  return out;
}
