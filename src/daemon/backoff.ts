/**
 * Per-resource exponential backoff: a resource whose action failed is retried after
 * base * 2^(failures-1), capped, while the other resources go on every pass.
 */
export class ResourceBackoff {
  private readonly entries = new Map<string, { failures: number; until: number; lastError: string }>();
  constructor(private readonly baseMs = 5_000, private readonly capMs = 5 * 60_000) {}

  recordFailure(resource: string, error: string, now: number): number {
    const failures = (this.entries.get(resource)?.failures ?? 0) + 1;
    const delay = Math.min(this.capMs, this.baseMs * 2 ** (failures - 1));
    this.entries.set(resource, { failures, until: now + delay, lastError: error });
    return delay;
  }

  recordSuccess(resource: string): void {
    this.entries.delete(resource);
  }

  /** Why a resource is held back now, or undefined. */
  heldBack(resource: string, now: number): string | undefined {
    const e = this.entries.get(resource);
    if (!e || e.until <= now) return undefined;
    return `failed ${e.failures} time(s) (last: ${e.lastError}); retrying in ${Math.ceil((e.until - now) / 1000)}s`;
  }

  /** the soonest retry, for scheduling a pass */
  nextRetryAt(): number | undefined {
    let min: number | undefined;
    for (const e of this.entries.values()) if (min === undefined || e.until < min) min = e.until;
    return min;
  }
}
