/**
 * A function of a live record, memoized on the record while its own fields are the same
 * objects (a shallow snapshot of them is kept with the value). The live read replaces what
 * it fills in later (a new primaryRevision, the last scaling) rather than editing nested
 * objects, so a record whose own fields are the same objects as when the value was made is
 * unchanged; and the daemon keeps an unchanged record from one pass to the next (issue 19).
 * `rest` must be fixed by the record (its kind, say): it is not part of the memo's key.
 */
export function memoizedOnFields<A extends unknown[], R>(compute: (record: object, ...rest: A) => R): (record: object, ...rest: A) => R {
  const memo = new WeakMap<object, { fields: unknown[]; value: R }>();
  return (record, ...rest) => {
    const fields = Object.values(record);
    const kept = memo.get(record);
    if (kept && kept.fields.length === fields.length && kept.fields.every((f, i) => f === fields[i])) return kept.value;
    const value = compute(record, ...rest);
    memo.set(record, { fields, value });
    return value;
  };
}
