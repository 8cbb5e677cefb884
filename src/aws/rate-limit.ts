/**
 * Client-side token buckets per API action, so the controller stays well inside the
 * account's shared ECS request budget instead of spending it and being throttled.
 * Figures follow the ECS API throttling documentation ("Request throttling for the
 * Amazon ECS API"): reads sustain about 20 a second with a burst of 50 or more;
 * RegisterTaskDefinition about one a second.
 */
import { sleepUnlessAborted } from './pass-signal.js';

export interface BucketSpec {
  /** tokens added per second */
  rate: number;
  /** bucket size: the burst */
  burst: number;
}

export type RateLimits = Record<string, BucketSpec>;

export const ECS_RATE_LIMITS: RateLimits = {
  default: { rate: 20, burst: 50 },
  RegisterTaskDefinition: { rate: 1, burst: 5 },
  DeregisterTaskDefinition: { rate: 1, burst: 5 },
  CreateService: { rate: 5, burst: 10 },
  UpdateService: { rate: 5, burst: 10 },
  DeleteService: { rate: 5, burst: 10 },
  TagResource: { rate: 5, burst: 10 },
  UntagResource: { rate: 5, burst: 10 },
};

export class TokenBucket {
  private tokens: number;
  private last: number;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly spec: BucketSpec,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = spec.burst;
    this.last = now();
  }

  /** Resolves when a token is available; callers are served in order. An aborted signal rejects the wait (SIGTERM during a paced resync). */
  take(signal?: AbortSignal): Promise<void> {
    const turn = this.queue.then(() => this.waitForToken(signal));
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async waitForToken(signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      const t = this.now();
      this.tokens = Math.min(this.spec.burst, this.tokens + ((t - this.last) / 1000) * this.spec.rate);
      this.last = t;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await sleepUnlessAborted(Math.ceil(((1 - this.tokens) / this.spec.rate) * 1000), signal);
    }
  }
}

/** Told when a call has waited on its bucket for a while, so a long apply says why it is slow. */
export type RateLimitWaitListener = (operation: string, spec: BucketSpec) => void;

/** A wait shorter than this is not worth a word. */
const RATE_LIMIT_WAIT_NOTICE_MS = 500;

export class RateLimiter {
  private readonly buckets = new Map<string, { bucket: TokenBucket; spec: BucketSpec }>();
  /** tokens handed out, by operation: every attempt takes one, retries included */
  readonly granted = new Map<string, number>();
  constructor(
    private readonly limits: RateLimits | 'off',
    private readonly onWait?: RateLimitWaitListener,
  ) {}

  async acquire(operation: string, signal?: AbortSignal): Promise<void> {
    this.granted.set(operation, (this.granted.get(operation) ?? 0) + 1);
    if (this.limits === 'off') return;
    let entry = this.buckets.get(operation);
    if (!entry) {
      const spec = this.limits[operation] ?? this.limits.default ?? { rate: 20, burst: 50 };
      entry = { bucket: new TokenBucket(spec), spec };
      this.buckets.set(operation, entry);
    }
    const notice = this.onWait ? setTimeout(() => this.onWait!(operation, entry.spec), RATE_LIMIT_WAIT_NOTICE_MS) : undefined;
    try {
      await entry.bucket.take(signal);
    } finally {
      if (notice) clearTimeout(notice);
    }
  }
}

/**
 * --read-budget N: the reads (Describe*, List*) of a full resync share one bucket of N
 * a second (burst N), so a 10,000-service resync (about 1,100 reads) spreads over minutes
 * instead of spending the account's read budget (shared with the console, CI and every
 * other tool) in a burst. Only while `pacing` is on: the daemon turns it on for resync
 * passes and off for the few reads of an event's targeted pass, which must stay fast.
 */
export class ReadBudget {
  pacing = false;
  private readonly bucket: TokenBucket;
  constructor(
    readonly callsPerSecond: number,
    now?: () => number,
  ) {
    this.bucket = new TokenBucket({ rate: callsPerSecond, burst: Math.max(1, Math.ceil(callsPerSecond)) }, now);
  }

  /** `signal`: the pass in flight (src/aws/pass-signal.ts); its abort ends a paced wait at once (the read fails; nothing is concluded from it) */
  async acquire(operation: string, signal?: AbortSignal): Promise<void> {
    if (this.pacing && /^(Describe|List)/.test(operation)) await this.bucket.take(signal);
  }
}
