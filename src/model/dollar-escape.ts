/** A literal `${` is written `$${` in a manifest (src/manifests/variables.ts reads it back literally). */
import { emptyRecord } from './own-keys.js';

function escapeDollar(s: string): string {
  return s.replaceAll('${', () => '$${');
}

/** Every string of a value with `${` written `$${`: a live value exported into a manifest stays literal. */
export function escapeDollarStrings<T>(value: T): T {
  if (typeof value === 'string') return escapeDollar(value) as T;
  if (Array.isArray(value)) return value.map(escapeDollarStrings) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = emptyRecord();
    for (const [k, v] of Object.entries(value)) out[k] = escapeDollarStrings(v);
    return out as T;
  }
  return value;
}
