/**
 * The daemon's Controller (controller-runtime's pkg/controller): it owns the queue of
 * reconcile requests and when the Reconciler runs. Requests are level triggered and
 * coalesce: any number arriving during a pass become one pass after it (a full resync
 * swallows the targeted ones; targeted ones merge their resources). One pass at a time.
 * A resource whose action failed backs off on its own (exponential, with jitter, so
 * controllers and resources that failed together do not retry in step); a pass whose
 * read failed is retried, rate limited; AWS throttling slows the whole loop; and with
 * slices on, the resync is spread across its interval as targeted passes.
 */
import type { Logger } from 'pino';
import { resourceId } from '../model/resource.js';
import { ResourceBackoff } from './backoff.js';
import type { EventTarget } from './ecs-events.js';
import type { ReconcileResult, Reconciler } from './reconciler.js';

export type ControllerRequest =
  /** read the whole estate */
  | { scope: 'full'; reason: string }
  /** re-read these resources (and whatever the manifests changed); `paced` for a resync slice */
  | { scope: 'targeted'; reason: string; targets?: readonly EventTarget[]; paced?: boolean; slicesLeft?: number };

export interface ResyncSlice {
  /** from the start of the resync cycle */
  atMs: number;
  targets: EventTarget[];
}

export interface ControllerOptions {
  reconciler: Reconciler;
  logger: Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;
  /** the resync period; a function because the Manager shortens it while the events queue cannot be read */
  resyncIntervalMs: () => number;
  /** fraction of the interval added or taken at random, so many controllers do not call AWS in step */
  jitter: number;
  backoffBaseMs?: number;
  backoffCapMs?: number;
  /** fraction of a resource's backoff taken off at random (default 0.2) */
  backoffJitter?: number;
  /**
   * --read-budget with --events-queue: the resync as targeted passes of at most this many
   * resources, spread over the interval; undefined for whole reads (a function: the Manager
   * turns slices off while the events queue cannot be read and the resync is the fast path)
   */
  sliceSize?: () => number | undefined;
  /** the first pass's id (the history restored from --state-dir goes on counting) */
  firstPassId?: number;
  /** told of every pass's result, before the next is scheduled (the Manager's history, metrics, notifications) */
  onResult?: (result: ReconcileResult, passId: number) => Promise<void> | void;
  random?: () => number;
  now?: () => number;
}

/** A whole pass that failed is retried sooner than the resync: 2 s doubling, at most the interval. */
const FAILED_PASS_BASE_MS = 1000;
/** Throttled passes stretch the loop up to this factor (the account's read budget is shared). */
const MAX_SLOW_FACTOR = 8;

/**
 * The resync of `resources` as slices spaced evenly across `intervalMs`: each resource in
 * exactly one slice, a cluster's services kept together in id order (one DescribeServices
 * call takes 10 services of one cluster), at most `sliceSize` resources a slice.
 */
export function planResyncSlices(resources: readonly EventTarget[], intervalMs: number, sliceSize: number): ResyncSlice[] {
  const byId = new Map<string, EventTarget>();
  for (const r of resources) byId.set(resourceId(r), r);
  const ids = [...byId.keys()].sort();
  const count = Math.max(1, Math.ceil(ids.length / Math.max(1, sliceSize)));
  const perSlice = Math.ceil(ids.length / count);
  const spacing = intervalMs / count;
  const slices: ResyncSlice[] = [];
  for (let i = 0; i < count; i++)
    slices.push({ atMs: Math.round(spacing * (i + 1)), targets: ids.slice(i * perSlice, (i + 1) * perSlice).map((id) => byId.get(id)!) });
  return slices;
}

interface Pending {
  full: boolean;
  reasons: Set<string>;
  targets: Map<string, EventTarget>;
  /** every request of the batch was a paced resync slice */
  paced: boolean;
  /** the fewest slices left of the cycle among the batch's slices */
  slicesLeft?: number;
  waiters: Array<(covered: boolean) => void>;
}

function emptyPending(): Pending {
  return { full: false, reasons: new Set(), targets: new Map(), paced: true, waiters: [] };
}

export class Controller {
  private readonly backoff: ResourceBackoff;
  private readonly random: () => number;
  private readonly now: () => number;
  private pending: Pending | undefined;
  private running: Promise<void> | undefined;
  private closed = false;
  private readonly abort = new AbortController();
  private resyncTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private passId: number;
  private failedPasses = 0;
  private slowFactor = 1;
  /** the resync cycle under way (slices), and the resources the last pass knew */
  private cycle: ResyncSlice[] = [];
  private cycleStartedAt = 0;
  private known: EventTarget[] = [];

  constructor(private readonly opts: ControllerOptions) {
    this.random = opts.random ?? Math.random;
    this.now = opts.now ?? Date.now;
    this.backoff = new ResourceBackoff(opts.backoffBaseMs, opts.backoffCapMs, { jitter: opts.backoffJitter ?? 0.2, random: this.random });
    this.passId = opts.firstPassId ?? 0;
  }

  /** a pass runs now */
  get busy(): boolean {
    return this.running !== undefined;
  }

  /** Queue a request; resolves true when the pass that covers it has ended, false when the controller stopped before running one. */
  request(req: ControllerRequest): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    this.pending ??= emptyPending();
    const p = this.pending;
    p.reasons.add(req.reason);
    if (req.scope === 'full') {
      p.full = true;
      p.paced = false;
    } else {
      for (const t of req.targets ?? []) p.targets.set(resourceId(t), t);
      if (!req.paced) p.paced = false;
      if (req.slicesLeft !== undefined) p.slicesLeft = Math.min(p.slicesLeft ?? req.slicesLeft, req.slicesLeft);
    }
    const done = new Promise<boolean>((resolve) => p.waiters.push(resolve));
    if (!this.running) this.running = this.drain();
    return done;
  }

  private async drain(): Promise<void> {
    while (this.pending && !this.closed) {
      const batch = this.pending;
      this.pending = undefined;
      const passId = ++this.passId;
      let result: ReconcileResult | undefined;
      try {
        result = await this.opts.reconciler.reconcile(
          {
            passId,
            reasons: [...batch.reasons],
            scope: batch.full ? 'full' : 'targeted',
            targets: batch.full ? [] : [...batch.targets.values()],
            paced: !batch.full && batch.paced,
            ...(batch.slicesLeft !== undefined ? { slicesLeft: batch.slicesLeft } : {}),
            heldBack: (id) => this.backoff.heldBack(id, this.now()),
          },
          this.abort.signal,
        );
        await this.opts.onResult?.(result, passId);
        if (result.summary) this.opts.logger.info(result.summary.fields, result.summary.message);
      } catch (err) {
        this.opts.logger.error({ passId, err }, `pass ${passId} failed`);
      }
      for (const done of batch.waiters) done(true);
      if (!this.closed) this.afterPass(result, batch.full);
    }
    this.running = undefined;
    // a stop() during the pass: those still waiting are answered, never left hanging
    if (this.closed && this.pending) for (const done of this.pending.waiters) done(false);
  }

  /** controller-runtime's requeue: failed resources back off, a failed pass retries, the resync goes on. */
  private afterPass(result: ReconcileResult | undefined, fullRequest: boolean): void {
    const now = this.now();
    if (result) {
      for (const f of result.requeue.failed) {
        const delay = this.backoff.recordFailure(f.resource, f.error, now);
        this.opts.logger.warn({ resource: f.resource, retryInMs: delay }, `${f.resource}: retried in ${Math.round(delay / 1000)} s (backoff)`);
      }
      for (const id of result.requeue.succeeded) this.backoff.recordSuccess(id);
      // Throttling slows the whole loop down rather than failing it: the account's budget is shared.
      this.slowFactor = result.requeue.throttledCalls > 0 ? Math.min(MAX_SLOW_FACTOR, this.slowFactor * 2) : 1;
      if (result.ok) {
        this.known = result.resources;
        // a resource gone from the estate (as a full read sees it) has no retry to wait for: its backoff entry goes too
        if (result.read === 'full')
          this.backoff.retain(new Set([...result.resources.map((r) => resourceId(r)), ...result.requeue.failed.map((f) => f.resource)]));
      }
    }
    const ok = result?.ok === true;
    this.failedPasses = ok ? 0 : this.failedPasses + 1;
    if (this.failedPasses > 0) {
      // rate limited on error: 2 s, 4 s, ... at most the interval, jittered
      const base = Math.min(this.opts.resyncIntervalMs(), FAILED_PASS_BASE_MS * 2 ** Math.min(this.failedPasses, 10));
      this.cycle = [];
      this.armResync(this.jittered(base, 0.2), { scope: 'full', reason: 'retry after a failed pass' });
    } else if (result?.read === 'full' || fullRequest || !this.resyncTimer) {
      // a full read starts the resync cycle afresh; a targeted pass leaves the cycle under way alone
      this.startCycle();
    }
    this.armRetry();
  }

  private startCycle(): void {
    const interval = this.opts.resyncIntervalMs() * this.slowFactor;
    const sliceSize = this.opts.sliceSize?.();
    if (sliceSize && this.known.length) {
      this.cycle = planResyncSlices(this.known, this.jittered(interval, this.opts.jitter, true), sliceSize);
      this.cycleStartedAt = this.now();
      this.armNextSlice();
    } else {
      this.cycle = [];
      this.armResync(Math.max(100, this.jittered(interval, this.opts.jitter, true)), { scope: 'full', reason: 'resync' });
    }
  }

  /**
   * The next slice at its place in the cycle. Its time is fixed from the cycle's start, so a
   * slow pass does not push the cycle out (a slice that comes due during a pass coalesces
   * into the next one); the last slice starts the next cycle over what the passes know then.
   */
  private armNextSlice(): void {
    const slice = this.cycle[0];
    if (!slice) return;
    this.armTimer('resync', Math.max(0, this.cycleStartedAt + slice.atMs - this.now()), () => {
      this.cycle.shift();
      void this.request({
        scope: 'targeted',
        reason: `resync slice: ${slice.targets.length} resource(s), ${this.cycle.length} slice(s) left`,
        targets: slice.targets,
        paced: true,
        slicesLeft: this.cycle.length,
      });
      if (this.cycle.length) this.armNextSlice();
      else this.startCycle();
    });
  }

  private armResync(delayMs: number, req: ControllerRequest): void {
    this.armTimer('resync', delayMs, () => void this.request(req));
  }

  /** a resource's backoff ends: a targeted pass then (it re-reads what the controller changed or failed to) */
  private armRetry(): void {
    const retryAt = this.backoff.nextRetryAt(this.now());
    if (retryAt === undefined) return;
    this.armTimer('retry', Math.max(100, retryAt - this.now()), () => void this.request({ scope: 'targeted', reason: 'requeue: a resource backoff ended' }));
  }

  private armTimer(which: 'resync' | 'retry', delayMs: number, fire: () => void): void {
    if (this.closed) return;
    const key = which === 'resync' ? 'resyncTimer' : 'retryTimer';
    if (this[key]) clearTimeout(this[key]);
    this[key] = setTimeout(() => {
      this[key] = undefined;
      fire();
    }, delayMs);
  }

  /** `ms` moved by up to ±fraction (symmetric, the resync) or taken off by up to fraction (one-sided, a retry) */
  private jittered(ms: number, fraction: number, symmetric = false): number {
    const r = this.random();
    return Math.round(symmetric ? ms + (r * 2 - 1) * ms * fraction : ms * (1 - fraction * r));
  }

  /**
   * Start nothing new and interrupt the pass in flight (its paced waits end; the action under
   * way finishes, none starts after it); resolves true when it ended within `timeoutMs`.
   */
  async stop(timeoutMs = 30_000): Promise<boolean> {
    this.closed = true;
    if (this.resyncTimer) clearTimeout(this.resyncTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.abort.abort();
    if (!this.running) return true;
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      this.running.then(() => true),
      new Promise<boolean>((r) => {
        timer = setTimeout(() => r(false), timeoutMs);
      }),
    ]);
    if (timer) clearTimeout(timer);
    return finished;
  }
}
