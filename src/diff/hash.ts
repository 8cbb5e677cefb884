import { createHash } from 'node:crypto';
import { canonicalJson } from './normalize.js';

/** The applied-hash tag value: 16 hex digits of SHA-256 over canonical JSON. */
export function specHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 16);
}

/**
 * A digest of a canonical JSON text, for equality of content where holding the text would
 * cost its size (a task definition's canonical form, about 1 KB, kept for every
 * TaskDefinition a pass offers its Services: issue 19). SHA-256 whole: it decides "same
 * content", so no truncation.
 */
export function canonicalDigest(canonical: string): string {
  return createHash('sha256').update(canonical).digest('base64');
}
