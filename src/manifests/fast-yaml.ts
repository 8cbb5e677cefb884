/**
 * The loader's fast path: plain YAML (no anchors, aliases, tags or directives) read from
 * js-yaml's event stream straight into values, about 15 times faster than building the
 * `yaml` package's document nodes. A cold `plan` parses every file of the folder (issue 19:
 * 1,000 services were 1.5 s of YAML alone). It reads what parse.ts needs from a valid
 * manifest and nothing more; anything outside that plain subset answers `undefined`, and
 * the file goes through the `yaml` package as before (parse.ts), which keeps every node's
 * range and gives every problem its line, column and words. So the two parsers never need
 * to agree on an error: only files this path reads in full are read by it.
 *
 * Values follow the `yaml` package's YAML 1.2 core schema exactly (its regular expressions,
 * in its order; node_modules/yaml/dist/schema/core), and map keys are made strings as its
 * toJS makes them; test/fast-yaml.test.ts holds every corpus file and the loader fuzzer's
 * inputs to "same result as the yaml package".
 */

import { EVENT_ID, type Event, getScalarValue, parseEvents, SCALAR_STYLE, type ScalarEvent } from 'js-yaml';
import { StringPool } from '../model/string-pool.js';
import { substitutedScalar } from './variables.js';

export interface PlainDocument {
  /** the document's top-level map, its `${VAR}` already substituted */
  value: Record<string, unknown>;
  /** source offset of the map (its first key), as the yaml package's node range starts */
  start: number;
  /** source offsets of the values in the top three levels, by path (segments joined by NUL) */
  offsets: Map<string, number>;
}

/** `${VAR}` in a string value: the substituted value, or `undefined` when it cannot be (parse.ts reports why). */
export type SubstituteString = (value: string) => string | undefined;

/** Nesting deeper than this is refused before it can exhaust the stack (parse.ts, with its location); this path leaves such a document to it. */
export const MAX_DEPTH = 64;
/** Offsets are kept for values this deep (metadata.name, spec.taskDefinition, ...). */
const OFFSET_DEPTH = 3;
/** A value whose offset the yaml package would place elsewhere (a block scalar starts at its `|`). */
const NO_OFFSET = -1;

class NotPlain extends Error {}

/**
 * The file's documents, or `undefined` when it is not plain YAML of maps: any anchor,
 * alias, tag, directive, complex or repeated key, a document that is not a map, a
 * variable that does not substitute, a syntax error, a carriage return alone or a byte
 * order mark (offsets the yaml package counts otherwise), or no document at all (the yaml
 * package words that). Empty documents are left out.
 */
export function readPlainDocuments(text: string, substitute: SubstituteString, values = new StringPool()): PlainDocument[] | undefined {
  if (text.includes('\ufeff') || /\r(?!\n)/.test(text)) return undefined;
  let events: Event[];
  try {
    events = parseEvents(text, { maxDepth: MAX_DEPTH + 1 });
  } catch {
    return undefined;
  }
  try {
    const documents = new EventReader(text, events, substitute, values).documents();
    return documents.length > 0 ? documents : undefined;
  } catch (err) {
    if (err instanceof NotPlain) return undefined;
    throw err;
  }
}

class EventReader {
  private i = 0;

  constructor(
    private readonly text: string,
    private readonly events: readonly Event[],
    private readonly substitute: SubstituteString,
    /** the values read, as strings of their own (parse.ts ParseContext.values) */
    private readonly values: StringPool,
  ) {}

  documents(): PlainDocument[] {
    const out: PlainDocument[] = [];
    while (this.i < this.events.length) {
      const doc = this.next();
      if (doc.type !== EVENT_ID.DOCUMENT || doc.directives.length > 0) throw new NotPlain();
      const root = this.next();
      if (root.type === EVENT_ID.SCALAR && root.valueStart === NO_OFFSET && root.tagStart === NO_OFFSET && root.anchorStart === NO_OFFSET) {
        this.expectPop();
        continue; // an empty document (`---` and nothing): not a manifest, and not a problem
      }
      if (root.type !== EVENT_ID.MAPPING || root.tagStart !== NO_OFFSET || root.anchorStart !== NO_OFFSET) throw new NotPlain();
      const offsets = new Map<string, number>();
      const value = this.mapping(1, '', offsets);
      this.expectPop();
      out.push({ value, start: root.start, offsets });
    }
    return out;
  }

  private next(): Event {
    const e = this.events[this.i++];
    if (!e) throw new NotPlain();
    return e;
  }

  private expectPop(): void {
    if (this.next().type !== EVENT_ID.POP) throw new NotPlain();
  }

  private node(e: Event, depth: number, path: string, offsets: Map<string, number>): unknown {
    if (e.type === EVENT_ID.SCALAR) {
      if (e.tagStart !== NO_OFFSET || e.anchorStart !== NO_OFFSET) throw new NotPlain();
      if (depth <= OFFSET_DEPTH + 1) offsets.set(path, scalarStart(e));
      return this.scalarValue(e);
    }
    if (e.type === EVENT_ID.MAPPING || e.type === EVENT_ID.SEQUENCE) {
      if (e.tagStart !== NO_OFFSET || e.anchorStart !== NO_OFFSET || depth > MAX_DEPTH) throw new NotPlain();
      if (depth <= OFFSET_DEPTH + 1) offsets.set(path, e.start);
      return e.type === EVENT_ID.MAPPING ? this.mapping(depth, path, offsets) : this.sequence(depth, path, offsets);
    }
    throw new NotPlain(); // an alias
  }

  private mapping(depth: number, path: string, offsets: Map<string, number>): Record<string, unknown> {
    const map: Record<string, unknown> = {};
    for (;;) {
      const k = this.next();
      if (k.type === EVENT_ID.POP) return map;
      if (k.type !== EVENT_ID.SCALAR || k.tagStart !== NO_OFFSET || k.anchorStart !== NO_OFFSET) throw new NotPlain();
      const key = keyString(k.style === SCALAR_STYLE.PLAIN ? plainScalar(this.raw(k)) : this.raw(k));
      // a repeated key is an error the yaml package words; __proto__ it defines as an own key
      if (Object.hasOwn(map, key) || key === '__proto__') throw new NotPlain();
      map[key] = this.node(this.next(), depth + 1, path === '' ? key : `${path}\u0000${key}`, offsets);
    }
  }

  private sequence(depth: number, path: string, offsets: Map<string, number>): unknown[] {
    const list: unknown[] = [];
    for (;;) {
      const e = this.next();
      if (e.type === EVENT_ID.POP) return list;
      list.push(this.node(e, depth + 1, `${path}\u0000${list.length}`, offsets));
    }
  }

  private raw(e: ScalarEvent): string {
    return e.valueStart === NO_OFFSET ? '' : e.fast ? this.text.slice(e.valueStart, e.valueEnd) : getScalarValue(this.text, e);
  }

  private scalarValue(e: ScalarEvent): unknown {
    const raw = this.raw(e);
    const plain = e.style === SCALAR_STYLE.PLAIN;
    const value = plain ? plainScalar(raw) : raw;
    if (typeof value !== 'string') return value;
    if (!value.includes('${')) return this.values.own(value);
    const substituted = this.substitute(value);
    if (substituted === undefined) throw new NotPlain();
    const result = substitutedScalar(value, substituted, plain);
    return typeof result === 'string' ? this.values.own(result) : result;
  }
}

/** Where the yaml package's range of this scalar starts: at the opening quote; a block scalar at its indicator (not kept). */
function scalarStart(e: ScalarEvent): number {
  if (e.style === SCALAR_STYLE.SINGLE_QUOTED || e.style === SCALAR_STYLE.DOUBLE_QUOTED) return e.valueStart - 1;
  if (e.style === SCALAR_STYLE.PLAIN) return e.valueStart;
  return NO_OFFSET;
}

/** The yaml package's toJS of a scalar key in a plain object: null is "", the rest String(). */
function keyString(key: unknown): string {
  return key === null ? '' : String(key);
}

/** A plain scalar as the yaml package's core schema resolves it, in its order: null, bool, int (octal, decimal, hex), float (nan/inf, exponent, fixed). */
export function plainScalar(s: string): unknown {
  const c = s.charCodeAt(0);
  // most values start with a letter no core tag starts with: a string, without a regular expression
  if (s.length > 0 && c !== 126 /* ~ */ && !/[0-9+\-.nNtTfF]/.test(s[0]!)) return s;
  if (/^(?:~|[Nn]ull|NULL)?$/.test(s)) return null;
  if (/^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/.test(s)) return s[0] === 't' || s[0] === 'T';
  if (/^0o[0-7]+$/.test(s)) return Number.parseInt(s.substring(2), 8);
  if (/^[-+]?[0-9]+$/.test(s)) return Number.parseInt(s, 10);
  if (/^0x[0-9a-fA-F]+$/.test(s)) return Number.parseInt(s.substring(2), 16);
  if (/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(s))
    return s.slice(-3).toLowerCase() === 'nan' ? Number.NaN : s[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(s)) return Number.parseFloat(s);
  if (/^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(s)) return Number.parseFloat(s);
  return s;
}
