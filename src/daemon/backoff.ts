/**
 * Per-resource exponential backoff: a resource whose action failed is retried after
 * base * 2^(failures-1), capped, while the other resources go on every pass. With jitter,
 * up to that fraction of the delay is taken off at random ("full jitter" bounded below),
 * so resources that failed in the same pass, and controllers that share an account, do
 * not all retry in the same second; the cap is never exceeded.
 */
export interface BackoffJitter {
  /** 0..1: the delay lies in [delay * (1 - jitter), delay] */
  jitter: number;
  random?: () => number;
}

export class ResourceBackoff {
  private readonly entries = new Map<string, { failures: number; until: number; lastError: string }>();
  private readonly jitter: number;
  private readonly random: () => number;

  constructor(
    private readonly baseMs = 5_000,
    private readonly capMs = 5 * 60_000,
    jitter: BackoffJitter = { jitter: 0 },
  ) {
    this.jitter = Math.min(1, Math.max(0, jitter.jitter));
    this.random = jitter.random ?? Math.random;
  }

  recordFailure(resource: string, error: string, now: number): number {
    const failures = (this.entries.get(resource)?.failures ?? 0) + 1;
    const ceiling = Math.min(this.capMs, this.baseMs * 2 ** Math.min(failures - 1, 30));
    const delay = Math.round(ceiling * (1 - this.jitter * this.random()));
    this.entries.set(resource, { failures, until: now + delay, lastError: error });
    return delay;
  }

  recordSuccess(resource: string): void {
    this.entries.delete(resource);
  }

  /** Forgets resources no longer in the estate (a failing manifest removed): bounded by the estate, not by history. */
  retain(present: ReadonlySet<string>): void {
    for (const id of this.entries.keys()) if (!present.has(id)) this.entries.delete(id);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Why a resource is held back now, or undefined. */
  heldBack(resource: string, now: number): string | undefined {
    const e = this.entries.get(resource);
    if (!e || e.until <= now) return undefined;
    return `failed ${e.failures} time(s) (last: ${e.lastError}); retrying in ${Math.ceil((e.until - now) / 1000)}s`;
  }

  /** the soonest retry still ahead of `now` (all of them without it), for scheduling a pass */
  nextRetryAt(now = -Infinity): number | undefined {
    let min: number | undefined;
    for (const e of this.entries.values()) if (e.until > now && (min === undefined || e.until < min)) min = e.until;
    return min;
  }
}
