import { createHash } from 'node:crypto';
import { canonicalJson } from './normalize.js';

/** The applied-hash tag value: 16 hex digits of SHA-256 over canonical JSON. */
export function specHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 16);
}
