/**
 * A read's record, or the last read's record of the same resource when the two are the
 * same field by field (each field the same object, or equal as JSON): the estate, the diff
 * cache and the report then keep the objects they had, and a steady estate's warm pass makes
 * no new record of it (issue 19). Live records are plain data (strings, numbers, arrays,
 * records), so JSON equality is equality.
 */
export function sameAsLast<T extends object>(next: T, last: T | undefined): T {
  if (!last) return next;
  const keys = Object.keys(next);
  if (keys.length !== Object.keys(last).length) return next;
  const a = next as Record<string, unknown>;
  const b = last as Record<string, unknown>;
  for (const k of keys) if (a[k] !== b[k] && (!Object.hasOwn(b, k) || JSON.stringify(a[k]) !== JSON.stringify(b[k]))) return next;
  return last;
}
