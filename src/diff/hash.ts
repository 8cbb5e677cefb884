import { hash } from 'node:crypto';
import { canonicalJson } from './normalize.js';

// crypto.hash: the one-shot digest (Node >= 21.7), the same bytes as createHash().update().digest()
// without a Hash object per call (one per resource and side in every pass: issue 19).

/** The applied-hash tag value: 16 hex digits of SHA-256 over canonical JSON. */
export function specHash(value: unknown): string {
  return hash('sha256', canonicalJson(value), 'hex').slice(0, 16);
}

/**
 * A digest of a canonical JSON text, for equality of content where holding the text would
 * cost its size (a task definition's canonical form, about 1 KB, kept for every
 * TaskDefinition a pass offers its Services: issue 19). SHA-256 whole: it decides "same
 * content", so no truncation.
 */
export function canonicalDigest(canonical: string): string {
  return hash('sha256', canonical, 'base64');
}
