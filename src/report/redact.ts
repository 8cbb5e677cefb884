/**
 * Redaction: environment values whose names match the patterns (default PASSWORD,
 * SECRET, TOKEN, KEY, CREDENTIAL, case-insensitive) are shown as a hash prefix, so a
 * change is still visible without the value; `secrets` are references (valueFrom)
 * and are shown as such.
 */
import { createHash } from 'node:crypto';

export const DEFAULT_REDACT_PATTERNS = ['PASSWORD', 'SECRET', 'TOKEN', 'KEY', 'CREDENTIAL'];

export class Redactor {
  private readonly patterns: RegExp[];
  constructor(patterns: readonly string[] = DEFAULT_REDACT_PATTERNS) {
    this.patterns = patterns.map((p) => new RegExp(p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i'));
  }

  isSensitiveName(name: string): boolean {
    return this.patterns.some((p) => p.test(name));
  }

  static mask(value: unknown): string {
    return `redacted:sha256:${createHash('sha256').update(String(value)).digest('hex').slice(0, 8)}`;
  }

  /** A value at a field path, masked when the path names a sensitive environment variable. */
  valueAt(path: string, value: unknown): unknown {
    if (value === undefined || value === null) return value;
    const m = /environment\[name=([^\]]+)\](?:\.value)?$/.exec(path);
    if (m && this.isSensitiveName(m[1]!)) {
      if (value && typeof value === 'object') return this.deep(value);
      return Redactor.mask(value);
    }
    // A variable matched by position (duplicate names): the path does not say which, so mask it.
    if (/environment\[\d+\]\.value$/.test(path)) return Redactor.mask(value);
    return this.deep(value);
  }

  /** Walks any value and masks `{name, value}` pairs whose name is sensitive. */
  deep(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => this.deep(v));
    if (value && typeof value === 'object') {
      const obj = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      const sensitive = typeof obj.name === 'string' && 'value' in obj && this.isSensitiveName(obj.name);
      for (const [k, v] of Object.entries(obj)) out[k] = sensitive && k === 'value' ? Redactor.mask(v) : this.deep(v);
      return out;
    }
    return value;
  }
}
