/**
 * Leader election for controllers sharing one id (the daemon's replicas, and CI's
 * `apply --lease-table`): one DynamoDB item per controller id, written only with a
 * condition, the way the Amazon DynamoDB Lock Client does it
 * (awslabs/amazon-dynamodb-lock-client, "How it works"):
 *
 * - Every write puts a new random record version number (rvn) and is conditional on
 *   the rvn the writer last saw (or on there being no item). Nobody compares clocks.
 * - A taker that finds another holder's item remembers its rvn and the moment it saw
 *   it, by its own monotonic clock. Only once it has seen that same rvn, unchanged, for
 *   a whole lease duration (the duration the holder wrote) does it take over, with a
 *   write conditional on that rvn. Clock skew between hosts cannot shorten this: the
 *   wait is measured on one clock, the taker's (issue 13, 12).
 * - The holder counts its lease from the moment it SENT the renewal (before the write
 *   could have landed), on its own monotonic clock: the taker cannot start counting
 *   before the write landed, so the holder's lease always ends first. It stops applying
 *   a sixth of the lease before that end, and every mutating AWS call it makes carries
 *   a timeout that ends there too (callBudgetMs, enforced by the gateway): a holder that
 *   was frozen (a GC pause, SIGSTOP, a stalled host) finds its budget spent on waking
 *   and sends nothing, instead of landing a call after another replica took over.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { type LeaseRecord, sleepUnlessAborted } from '../aws/index.js';

/** pino's Logger, or the CLI's few lines on stderr */
interface LeaseLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

/** What the lease needs from the gateway (DynamoDB). */
interface LeaseStore {
  ensureLeaseTable(table: string): Promise<void>;
  readLease(table: string, name: string): Promise<LeaseRecord | undefined>;
  /** a conditional put: on `expectedRvn` (undefined: on no item); false when the condition fails */
  writeLease(table: string, name: string, record: LeaseRecord, expectedRvn: string | undefined): Promise<boolean>;
  deleteLease(table: string, name: string, rvn: string): Promise<void>;
}

export interface LeaseOptions {
  store: LeaseStore;
  table: string;
  /** the lease's name: the controller id */
  name: string;
  /** who we are: host, pid and a random suffix (leaseHolderName) */
  holder: string;
  durationMs: number;
  logger: LeaseLogger;
  /** told when we gain or lose the lease */
  onChange?: (held: boolean) => void;
  /** monotonic milliseconds (default performance.now); never the wall clock */
  clock?: () => number;
}

export function leaseHolderName(): string {
  return `${hostname()}/${process.pid}/${randomBytes(4).toString('hex')}`;
}

export class Lease {
  /** by our monotonic clock: when our lease could end at the earliest */
  private heldUntil = 0;
  private rvn: string | undefined;
  /** another holder's record as we first saw it, by our clock */
  private observed: { rvn: string; holder: string; at: number; durationMs: number } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private wasHeld: boolean | undefined;
  private readonly clock: () => number;

  constructor(private readonly opts: LeaseOptions) {
    this.clock = opts.clock ?? (() => performance.now());
  }

  /** the part of the lease kept back: no call may still be running within it */
  private get marginMs(): number {
    return this.opts.durationMs / 6;
  }

  /** True while our lease has more than the margin left. */
  held(): boolean {
    return this.callBudgetMs() > 0;
  }

  /** How long a mutating call started now may run: what is left of the lease, less the margin; 0 when not held. */
  callBudgetMs(): number {
    if (this.rvn === undefined) return 0;
    return Math.max(0, this.heldUntil - this.marginMs - this.clock());
  }

  /** Who holds it, when another does (for messages). */
  get otherHolder(): string | undefined {
    return this.observed?.holder;
  }

  /** The table, then the first try; renewals every third of the lease. A failure here is the caller's to retry. */
  async start(): Promise<void> {
    await this.opts.store.ensureLeaseTable(this.opts.table);
    await this.renew();
    this.startRenewing();
  }

  startRenewing(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.renew(), this.renewEveryMs());
    this.timer.unref?.();
  }

  private renewEveryMs(): number {
    return Math.max(100, Math.floor(this.opts.durationMs / 3));
  }

  /**
   * Until held, or `waitMs` passed (by our clock): `apply --lease-wait`. Polls at the
   * renewal period; a holder that gives the lease up is followed at the next poll, one
   * that died after its whole lease duration unchanged. An aborted `signal` (SIGTERM)
   * ends the wait at once, not held.
   */
  async acquire(waitMs: number, signal?: AbortSignal): Promise<boolean> {
    const deadline = this.clock() + waitMs;
    for (;;) {
      if (await this.renew()) return true;
      const left = deadline - this.clock();
      if (left <= 0 || signal?.aborted) return false;
      await sleepUnlessAborted(Math.min(left, this.renewEveryMs()), signal);
      if (signal?.aborted) return false;
    }
  }

  private renewing: Promise<boolean> | undefined;

  /** One round: renew ours, or watch another's, or take a free or expired one. Never throws; one round at a time. */
  renew(): Promise<boolean> {
    this.renewing ??= this.renewOnce().finally(() => (this.renewing = undefined));
    return this.renewing;
  }

  private async renewOnce(): Promise<boolean> {
    const { store, table, name, holder, durationMs } = this.opts;
    try {
      if (this.rvn !== undefined) {
        const next = randomUUID();
        const sentAt = this.clock();
        if (await store.writeLease(table, name, { holder, rvn: next, durationMs }, this.rvn)) {
          this.rvn = next;
          this.heldUntil = sentAt + durationMs;
        } else {
          // the rvn moved: someone took it (after our lease ran out) or removed it
          this.rvn = undefined;
          this.heldUntil = 0;
        }
      }
      if (this.rvn === undefined) await this.tryTake();
    } catch (err) {
      this.opts.logger.warn({ lease: name, err }, 'cannot renew or read the lease; applying stops when it runs out');
    }
    const held = this.held();
    if (held !== this.wasHeld) {
      this.wasHeld = held;
      this.opts.logger.info(
        { lease: name, holder, held, ...(held ? {} : { heldBy: this.observed?.holder }) },
        held ? 'lease taken: this controller applies' : 'lease held by another controller: reporting only',
      );
      this.opts.onChange?.(held);
    }
    return held;
  }

  private async tryTake(): Promise<void> {
    const { store, table, name, holder, durationMs } = this.opts;
    const current = await store.readLease(table, name);
    const now = this.clock();
    let expected: string | undefined;
    if (!current) expected = undefined;
    else if (!this.observed || this.observed.rvn !== current.rvn) {
      // a record we have not seen before, or one that changed: the holder is alive; start counting
      this.observed = { rvn: current.rvn, holder: current.holder, at: now, durationMs: current.durationMs };
      return;
    } else if (now - this.observed.at < this.observed.durationMs) return;
    else expected = current.rvn; // unchanged for a whole lease by our clock: its holder is gone
    const next = randomUUID();
    const sentAt = this.clock();
    if (await store.writeLease(table, name, { holder, rvn: next, durationMs }, expected)) {
      this.rvn = next;
      this.heldUntil = sentAt + durationMs;
      this.observed = undefined;
    }
  }

  /** Stop renewing; give the lease up if we hold it, so another controller takes it at once. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const rvn = this.rvn;
    this.rvn = undefined;
    this.heldUntil = 0;
    if (rvn !== undefined) await this.opts.store.deleteLease(this.opts.table, this.opts.name, rvn).catch(() => undefined);
  }
}
