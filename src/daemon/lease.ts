/**
 * Leader election for controllers sharing one id: a DynamoDB item written with a
 * condition (nobody holds it, we hold it, or the holder's lease expired) and an expiry.
 * Only the holder applies; the others report. The holder renews every third of the
 * lease; if it dies, another takes over once the lease expires.
 */
import type { Logger } from 'pino';
import type { AwsGateway } from '../aws/index.js';

export interface LeaseOptions {
  gateway: AwsGateway;
  table: string;
  /** the lease's name: the controller id */
  name: string;
  /** who we are: host, pid and a random suffix */
  holder: string;
  durationMs: number;
  logger: Logger;
  /** told when we gain or lose the lease */
  onChange?: (held: boolean) => void;
}

export class Lease {
  private expiresAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private wasHeld: boolean | undefined;

  constructor(private readonly opts: LeaseOptions) {}

  /** True while our lease has comfortably more than a sixth of its time left. */
  held(now = Date.now()): boolean {
    return this.expiresAt - now > this.opts.durationMs / 6;
  }

  async start(): Promise<void> {
    await this.opts.gateway.ensureLeaseTable(this.opts.table);
    await this.renew();
    this.timer = setInterval(() => void this.renew(), Math.max(200, Math.floor(this.opts.durationMs / 3)));
  }

  async renew(): Promise<boolean> {
    const now = Date.now();
    const until = now + this.opts.durationMs;
    let ok = false;
    try {
      ok = await this.opts.gateway.putLease(this.opts.table, this.opts.name, this.opts.holder, now, until);
    } catch (err) {
      this.opts.logger.warn({ err }, 'cannot renew the lease; applying stops when it runs out');
      return this.held();
    }
    if (ok) this.expiresAt = until;
    const held = this.held();
    if (held !== this.wasHeld) {
      this.wasHeld = held;
      this.opts.logger.info({ lease: this.opts.name, holder: this.opts.holder, held }, held ? 'lease taken: this controller applies' : 'lease held by another controller: reporting only');
      this.opts.onChange?.(held);
    }
    return held;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.expiresAt > Date.now()) {
      this.expiresAt = 0;
      await this.opts.gateway.deleteLease(this.opts.table, this.opts.name, this.opts.holder).catch(() => undefined);
    }
  }
}
