/**
 * The diff stage's memory between passes (issue 19, item 4): a resource whose manifest and
 * live record are both unchanged since the last pass is not normalized and diffed again.
 *
 * Kind-agnostic: the cache does not know what a kind's diff reads, it watches it. While a
 * resource is diffed, the diff sees the pass through recording views: every live record it
 * looks up (its own, its cluster's, any other), every offer it takes from the resources
 * before it (a TaskDefinition's target, which a Service compares with), every region's
 * account it asks for, and the pass-wide options it reads (controller id, adopt,
 * repository, ...). The entry keeps a fingerprint of each of those; on the next pass the
 * entry is used only when the manifest is the same object (the parse cache hands back the
 * same DesiredResource while its file, the variables and the region are unchanged: ignore
 * rules and annotations are part of it) and every recorded read answers the same. The
 * offers the resource made are replayed, so the resources after it see what they saw.
 * A diff that walks a whole collection (the desired list, a live Map) cannot be fingerprinted
 * by its reads and is never cached.
 *
 * Bounded: after every pass the cache keeps only the resources that pass diffed, so it
 * grows with the estate, not with the number of passes, and never beyond `maxEntries`.
 */
import { hash } from 'node:crypto';
import type { AccountOfArn } from '../diff/inherited.js';
import type { DiffInput, DiffPass } from '../diff/resource-diff.js';
import type { ResourceDiff } from '../diff/types.js';
import type { LiveEstate } from '../model/live.js';
import { memoizedOnFields } from '../model/record-memo.js';
import type { DesiredResource } from '../model/resource.js';

/** Most resources one cache holds: far past any estate one controller reads (issue 19: 10,000 services). */
const DIFF_CACHE_MAX_ENTRIES = 200_000;

interface Read {
  /** which collection of the live estate, an offer, a region's account, or a pass-wide option */
  source: string;
  key: string;
  fingerprint: string;
}

interface Entry {
  desired: DesiredResource;
  /** the fingerprint of the resource's own live record */
  own: string;
  reads: Read[];
  offersMade: Array<[string, unknown]>;
  diff: ResourceDiff;
}

/** Why a resource was diffed again, counted (tests and the bench read them). */
interface DiffCacheStats {
  hits: number;
  misses: number;
  /** diffs that read a whole collection and so are not cached */
  uncacheable: number;
}

const MISSING = '\u0000missing';

/**
 * A fingerprint of a live record: SHA-1 of its JSON. Live records are plain data built
 * from the API's answers (strings, numbers, arrays, records: no Map, no Set, no undefined
 * that would matter); two answers with the same content give the same JSON (or, when a
 * field comes back in another order, a different one: a miss, never a wrong hit).
 * Memoized on the record while its fields are the same objects (memoizedOnFields).
 */
// the one-shot digest: the same bytes as createHash().update().digest(), without a Hash object a record
const recordFingerprint = memoizedOnFields((record) => hash('sha1', JSON.stringify(record), 'base64'));
function liveFingerprint(value: unknown): string {
  if (value === undefined) return MISSING;
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  return recordFingerprint(value);
}

/** Offers are compared by identity: a replayed offer is the same object, a re-diffed one a new one (a miss, never a wrong hit). */
const offerIds = new WeakMap<object, number>();
let nextOfferId = 1;
function offerFingerprint(value: unknown): string {
  if (value === undefined) return MISSING;
  if (value === null || typeof value !== 'object') return `v:${JSON.stringify(value)}`;
  let id = offerIds.get(value);
  if (id === undefined) {
    id = nextOfferId++;
    offerIds.set(value, id);
  }
  return `o:${id}`;
}

function accountFingerprint(a: AccountOfArn | undefined): string {
  return a ? JSON.stringify(a) : MISSING;
}

/** The DiffInput fields a diff may read as pass-wide options (anything else it reads makes it uncacheable). */
const PASS_OPTIONS = new Set<string>([
  'controllerId',
  'defaultRegion',
  'adopt',
  'adoptCloudFormation',
  'repository',
  'retryFailed',
  'selfHealDuringForeignRollouts',
]);

class Recorder {
  reads: Read[] = [];
  offersMade: Array<[string, unknown]> = [];
  wholeRead = false;
  constructor(private readonly shared: Map<string, Read>) {}

  /**
   * Records a read, one object for every equal read of the pass: most are the same for
   * every resource (the options, the region's account, a cluster), and at 10,000
   * services a Read each was about 5 MB of the cache (issue 19).
   */
  read(source: string, key: string, fingerprint: string): void {
    const id = `${source}\u0000${key}\u0000${fingerprint}`;
    let read = this.shared.get(id);
    if (!read) {
      read = { source, key, fingerprint };
      this.shared.set(id, read);
    }
    this.reads.push(read);
  }
}

/** A Map that tells the current recorder what was looked up in it; a walk over it is a whole read. */
class RecordingMap<K, V> extends Map<K, V> {
  constructor(
    private readonly inner: Map<K, V>,
    private readonly source: string,
    private readonly recorder: () => Recorder | undefined,
    private readonly fingerprint: (v: V | undefined) => string,
  ) {
    super();
  }
  override get(key: K): V | undefined {
    const v = this.inner.get(key);
    this.recorder()?.read(this.source, String(key), this.fingerprint(v));
    return v;
  }
  override has(key: K): boolean {
    return this.get(key) !== undefined || this.inner.has(key);
  }
  override get size(): number {
    this.whole();
    return this.inner.size;
  }
  override set(key: K, value: V): this {
    this.inner.set(key, value);
    return this;
  }
  override delete(key: K): boolean {
    this.whole();
    return this.inner.delete(key);
  }
  override keys(): MapIterator<K> {
    this.whole();
    return this.inner.keys();
  }
  override values(): MapIterator<V> {
    this.whole();
    return this.inner.values();
  }
  override entries(): MapIterator<[K, V]> {
    this.whole();
    return this.inner.entries();
  }
  override [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }
  override forEach(fn: (value: V, key: K, map: Map<K, V>) => void): void {
    this.whole();
    for (const [k, v] of this.inner) fn(v, k, this);
  }
  private whole(): void {
    const r = this.recorder();
    if (r) r.wholeRead = true;
  }
}

/** The offers map: gets recorded as reads, sets recorded as offers made (replayed on a hit). */
class OffersMap extends RecordingMap<string, unknown> {
  constructor(
    private readonly store: Map<string, unknown>,
    private readonly current: () => Recorder | undefined,
  ) {
    super(store, 'offer', current, offerFingerprint);
  }
  override set(key: string, value: unknown): this {
    this.store.set(key, value);
    this.current()?.offersMade.push([key, value]);
    return this;
  }
}

export class DiffCache {
  private entries = new Map<string, Entry>();
  private seen = new Set<string>();
  readonly stats: DiffCacheStats = { hits: 0, misses: 0, uncacheable: 0 };

  constructor(readonly maxEntries = DIFF_CACHE_MAX_ENTRIES) {}

  get size(): number {
    return this.entries.size;
  }

  /**
   * The pass as the kinds' diffs see it, recording their reads, and the function that diffs
   * one resource through the cache.
   */
  begin(
    input: DiffInput,
    regionAccount: (region: string) => AccountOfArn | undefined,
  ): {
    pass: DiffPass;
    diffOne: (id: string, d: DesiredResource, live: unknown, run: (pass: DiffPass) => ResourceDiff) => ResourceDiff;
  } {
    let current: Recorder | undefined;
    const recorder = () => current;
    // equal reads of this pass's diffs, one object each (bounded by the pass: let go with it)
    const sharedReads = new Map<string, Read>();
    const offers = new Map<string, unknown>();
    const liveView = recordingLive(input.live, recorder);
    // pass-wide options are recorded as they are read; the desired and invalid lists are collections
    const inputView = new Proxy(input, {
      get(target, prop, receiver) {
        if (prop === 'live') return liveView;
        const value = Reflect.get(target, prop, receiver);
        const r = current;
        if (r && typeof prop === 'string') {
          if (PASS_OPTIONS.has(prop)) r.read('option', prop, JSON.stringify(value ?? null));
          else r.wholeRead = true;
        }
        return value;
      },
    });
    const pass: DiffPass = {
      input: inputView,
      offers: new OffersMap(offers, recorder),
      regionAccount: (region) => {
        const a = regionAccount(region);
        current?.read('account', region, accountFingerprint(a));
        return a;
      },
    };
    // an option or a region's account is the same for every resource of the pass: fingerprinted
    // once a pass, not once per cached resource that read it (20,000 checks in a targeted pass)
    const passWide = new Map<string, string>();
    const onceAPass = (key: string, fingerprint: () => string): string => {
      let f = passWide.get(key);
      if (f === undefined) {
        f = fingerprint();
        passWide.set(key, f);
      }
      return f;
    };
    const answer = (read: Read): string => {
      if (read.source === 'offer') return offerFingerprint(offers.get(read.key));
      if (read.source === 'account') return onceAPass(`account\u0000${read.key}`, () => accountFingerprint(regionAccount(read.key)));
      if (read.source === 'option')
        return onceAPass(`option\u0000${read.key}`, () => JSON.stringify((input as unknown as Record<string, unknown>)[read.key] ?? null));
      return liveFingerprint(liveCollection(input.live, read.source)?.get(read.key));
    };
    const diffOne = (id: string, d: DesiredResource, live: unknown, run: (pass: DiffPass) => ResourceDiff): ResourceDiff => {
      this.seen.add(id);
      const cached = this.entries.get(id);
      const own = liveFingerprint(live);
      if (cached && cached.desired === d && cached.own === own && cached.reads.every((r) => answer(r) === r.fingerprint)) {
        this.stats.hits++;
        for (const [k, v] of cached.offersMade) offers.set(k, v);
        // the diff of this pass names this pass's live record (same content): the last one is let go
        // (a targeted pass keeps most records as they were: the same object, no copy of the diff)
        const diff = live === undefined || cached.diff.live === live ? cached.diff : { ...cached.diff, live: live as ResourceDiff['live'] };
        cached.diff = diff;
        return diff;
      }
      const r = new Recorder(sharedReads);
      current = r;
      let diff: ResourceDiff;
      try {
        diff = run(pass);
      } finally {
        current = undefined;
      }
      if (r.wholeRead) {
        this.stats.uncacheable++;
        this.entries.delete(id);
        return diff;
      }
      this.stats.misses++;
      this.entries.delete(id); // re-inserted last: the oldest entries go first when the bound is reached
      this.entries.set(id, { desired: d, own, reads: r.reads, offersMade: r.offersMade, diff: keptDiff(diff) });
      if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
      return diff;
    };
    return { pass, diffOne };
  }

  /**
   * The report's order of the last pass, for the next one's sort: ids are compared with
   * localeCompare (what a reader expects), about 1.5 µs a comparison, 0.2 s of a pass at
   * 20,000 resources. Two ids both known are in the order the last sort gave them; any
   * other pair is compared as before, so the order is the same total order as a plain sort.
   */
  private lastOrder = new Map<string, number>();

  compareIds(a: string, b: string): number {
    const i = this.lastOrder.get(a);
    const j = i === undefined ? undefined : this.lastOrder.get(b);
    return j === undefined ? a.localeCompare(b) : i! - j;
  }

  /** After the sort: this pass's order, for the next one (bounded by the pass, as the entries are). */
  rememberOrder(ids: readonly string[]): void {
    this.lastOrder = new Map(ids.map((id, i) => [id, i]));
  }

  /**
   * Before a whole read of the live estate that is not given the last one: the cached diffs
   * let go of the last pass's live records, so that pass never holds two estates (issue 19:
   * at 10,000 services one is about 60 MB of the daemon's heap). A hit needs only the entry's
   * fingerprints; it gives the diff this pass's record. (The daemon's read takes the last
   * estate's unchanged records again, and the diffs keep theirs: reconcile-pass.ts.)
   */
  forgetLive(): void {
    for (const entry of this.entries.values())
      if (entry.diff.live !== undefined) {
        const { live: _last, ...diff } = entry.diff;
        entry.diff = diff;
      }
  }

  /** After a pass: only the resources it diffed are kept (a removed manifest's entry goes). */
  endPass(): void {
    for (const id of this.entries.keys()) if (!this.seen.has(id)) this.entries.delete(id);
    this.seen = new Set();
  }
}

/**
 * What an entry keeps of a diff. An in-sync resource plans no change, so the spec it would
 * converge to (its normalized `target`, `targetScaling`) is never read again: the plan of an
 * in-sync diff is an ownership re-tag (`staleHash`, from `targetTags`, kept) or a prune of
 * old revisions (from `live`), and the report shows a target only for a missing resource.
 * At 10,000 services the targets were 17.7 MB of the cache between passes (issue 19).
 */
function keptDiff(diff: ResourceDiff): ResourceDiff {
  if (diff.state !== 'in-sync' || diff.staleHash || (diff.target === undefined && diff.targetScaling === undefined)) return diff;
  const { target: _target, targetScaling: _targetScaling, ...kept } = diff;
  return kept;
}

function liveCollection(live: LiveEstate, source: string): Map<string, unknown> | undefined {
  const v = (live as unknown as Record<string, unknown>)[source];
  return v instanceof Map ? v : undefined;
}

/** The live estate with every Map recording the lookups made in it (the estate may gain collections: each Map is wrapped). */
function recordingLive(live: LiveEstate, recorder: () => Recorder | undefined): LiveEstate {
  const view: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(live)) view[k] = v instanceof Map ? new RecordingMap(v, k, recorder, liveFingerprint) : v;
  return view as unknown as LiveEstate;
}
