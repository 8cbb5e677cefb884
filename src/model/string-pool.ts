/**
 * Strings that hold nothing but themselves, one object for equal strings.
 *
 * V8 makes a substring of 13 characters or more a slice: a view that keeps the whole
 * source string alive. A manifest value sliced from its file's text kept the file's text
 * (every byte of it) for as long as the daemon kept the parsed resource: at 10,000
 * services, 13 MB of file texts held by about 110,000 values (issue 19, a heap snapshot of
 * the daemon between two passes). And an estate repeats itself (one execution role, one
 * set of subnets, one log driver for hundreds of services), so equal values are kept once.
 *
 * Bounded: when the pool is full it starts again (the strings already handed out stay
 * what they are; only the sharing of later equal ones restarts), so it never grows past
 * `maxEntries` strings of at most `maxLength` characters.
 */

/** V8's SlicedString::kMinLength: shorter substrings are copied, not sliced. */
const SHORTEST_SLICE = 13;

export class StringPool {
  private readonly strings = new Map<string, string>();

  constructor(
    private readonly maxEntries = 50_000,
    private readonly maxLength = 512,
  ) {}

  /** `s`, or an equal string kept earlier; never a slice of a longer string. */
  own(s: string): string {
    const kept = this.strings.get(s);
    if (kept !== undefined) return kept;
    // JSON.parse builds a new sequential string: a copy that refers to nothing else (a
    // shorter one is never a slice, and is kept as it is: "FARGATE", "awsvpc", a cluster's
    // name, each 24 bytes or so, are in every second record of an estate)
    const copy = s.length < SHORTEST_SLICE ? s : (JSON.parse(JSON.stringify(s)) as string);
    if (s.length > this.maxLength) return copy;
    if (this.strings.size >= this.maxEntries) this.strings.clear();
    this.strings.set(copy, copy);
    return copy;
  }

  /**
   * Every string inside a value made of plain objects and arrays (a parser's fresh output),
   * replaced in place by `own`; shared and cyclic parts (YAML aliases) are walked once.
   */
  ownAll<T>(value: T): T {
    const seen = new Set<object>();
    const walk = (v: unknown): unknown => {
      if (typeof v === 'string') return this.own(v);
      if (v === null || typeof v !== 'object' || seen.has(v)) return v;
      seen.add(v);
      if (Array.isArray(v)) for (let i = 0; i < v.length; i++) v[i] = walk(v[i]);
      else for (const k of Object.keys(v)) (v as Record<string, unknown>)[k] = walk((v as Record<string, unknown>)[k]);
      return v;
    };
    return walk(value) as T;
  }

  get size(): number {
    return this.strings.size;
  }
}
