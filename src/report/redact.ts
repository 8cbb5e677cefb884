/**
 * Redaction: a value is masked when its name matches the patterns (default PASSWORD,
 * SECRET, TOKEN, KEY, CREDENTIAL, case-insensitive) in any string map of a container
 * definition: `environment` and `secretOptions` (name/value pairs),
 * `logConfiguration.options`, `firelensConfiguration.options` and `dockerLabels` (maps
 * keyed by name), or when its field path matches a `--redact` field path. `secrets` are
 * references (valueFrom) and are shown as such.
 *
 * The mask is an HMAC-SHA-256 of the value under a per-installation key, 64 bits shown
 * (`redacted:hmac:0123456789abcdef`): a change still shows as a change, but the mask
 * cannot be inverted by hashing guesses (an unkeyed 32-bit hash gives a six-digit PIN
 * away in under 2 s), and two installations mask one value differently.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { nameKeyOf } from '../diff/field-diff.js';
import { emptyRecord } from '../model/own-keys.js';

export const DEFAULT_REDACT_PATTERNS = ['PASSWORD', 'SECRET', 'TOKEN', 'KEY', 'CREDENTIAL'];

const MASK_PREFIX = 'redacted:hmac:';

/** Used when no key is given (no --state-dir): masks agree within this process only. */
const PROCESS_KEY = randomBytes(32);

/** Keys of a container definition whose value is a map of names to strings (ECS RegisterTaskDefinition). */
const STRING_MAP_KEYS = new Set(['options', 'dockerLabels']);

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `--redact` takes names (`PIN`) and field paths (`containerDefinitions[name=*].command`). */
export function isFieldPathPattern(pattern: string): boolean {
  return /[.[\]]/.test(pattern);
}

export interface RedactorOptions {
  /** field paths whose values (and everything below them) are masked; `*` matches anything */
  paths?: readonly string[];
  /** the HMAC key; default a random per-process one */
  key?: Uint8Array;
}

export class Redactor {
  private readonly patterns: RegExp[];
  private readonly paths: RegExp[];
  private readonly key: Uint8Array;

  constructor(patterns: readonly string[] = DEFAULT_REDACT_PATTERNS, opts: RedactorOptions = {}) {
    this.patterns = patterns.map((p) => new RegExp(escapeRegExp(p), 'i'));
    this.paths = (opts.paths ?? []).map((p) => new RegExp(`^${p.split('*').map(escapeRegExp).join('.*')}(?=$|[.[])`, 's'));
    this.key = opts.key ?? PROCESS_KEY;
  }

  isSensitiveName(name: string): boolean {
    return this.patterns.some((p) => p.test(name));
  }

  mask(value: unknown): string {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    return `${MASK_PREFIX}${createHmac('sha256', this.key).update(text).digest('hex').slice(0, 16)}`;
  }

  private pathIsRedacted(path: string): boolean {
    return this.paths.some((p) => p.test(path));
  }

  /** A value at a field path (as the diff writes them), masked when the path names a sensitive value. */
  valueAt(path: string, value: unknown): unknown {
    if (value === undefined || value === null) return value;
    if (this.pathIsRedacted(path)) return this.mask(value);
    // Greedy on purpose: a name may itself hold "]" (`X]_PASSWORD`), and ECS accepts it.
    const pair = /(?:environment|secretOptions)\[name=(.*)\](?:\.value|\.valueFrom)?$/s.exec(path);
    if (pair && this.isSensitiveName(pair[1]!)) return typeof value === 'object' ? this.deep(value, path) : this.mask(value);
    // A variable matched by position (duplicate names): the path does not say which, so mask it.
    if (/(?:environment|secretOptions)\[\d+\]\.(?:value|valueFrom)$/.test(path)) return this.mask(value);
    const entry = /(?:^|\.)(?:logConfiguration\.options|firelensConfiguration\.options|dockerLabels)\.(.*)$/s.exec(path);
    if (entry && this.isSensitiveName(entry[1]!)) return this.mask(value);
    const parentKey = /(?:^|\.)([^.[\]]+)$/.exec(path)?.[1] ?? '';
    return this.deep(value, path, parentKey);
  }

  /** Whether the value holds anything this redactor masks (a task definition kept out of the state dir, say). */
  masksSomethingIn(value: unknown): boolean {
    return JSON.stringify(this.deep(value)) !== JSON.stringify(value);
  }

  /** Walks any value and masks sensitive name/value pairs, sensitive entries of string maps, and redacted field paths. */
  deep(value: unknown, path = '', parentKey = ''): unknown {
    if (path !== '' && this.pathIsRedacted(path) && value !== undefined && value !== null) return this.mask(value);
    if (Array.isArray(value)) {
      const key = nameKeyOf(value);
      // items keep the list's key: a `secrets` item's valueFrom is a reference, a `secretOptions` one is masked
      return value.map((v, i) => this.deep(v, key ? `${path}[${key}=${String((v as Record<string, unknown>)[key])}]` : `${path}[${i}]`, parentKey));
    }
    if (value && typeof value === 'object') {
      const obj = value as Record<string, unknown>;
      const out: Record<string, unknown> = emptyRecord();
      const pairIsSensitive = typeof obj.name === 'string' && Object.hasOwn(obj, 'name') && this.isSensitiveName(obj.name);
      const isStringMap = STRING_MAP_KEYS.has(parentKey);
      for (const [k, v] of Object.entries(obj)) {
        const childPath = path ? `${path}.${k}` : k;
        const masked = (pairIsSensitive && (k === 'value' || (k === 'valueFrom' && parentKey === 'secretOptions'))) || (isStringMap && this.isSensitiveName(k));
        out[k] = masked && v !== undefined && v !== null ? this.mask(v) : this.deep(v, childPath, k);
      }
      return out;
    }
    return value;
  }
}
