/**
 * The ECS events source of the daemon (--events-queue URL): long-polls an SQS queue that
 * an EventBridge rule feeds (docs/events.md), turns each batch of messages into one
 * targeted pass over the resources they name, and deletes the messages only after that
 * pass ran (a crash mid-pass leaves them to be delivered again: SQS's visibility timeout).
 * A malformed or unknown event is logged, counted and deleted; it never stops the loop.
 * A queue that cannot be read is retried with backoff while the resync carries on alone,
 * and /readyz, /metrics and the log say so.
 */
import type { Logger } from 'pino';
import { type Gateway as AwsGateway, sleepUnlessAborted } from '../aws/index.js';
import { type EventTarget, parseEcsEvent } from './ecs-events.js';

export interface EventsQueueOptions {
  queueUrl: string;
  gateway: AwsGateway;
  logger: Logger;
  /** runs one targeted pass over these resources; resolves when the pass has ended: false when the daemon stopped before it ran */
  reconcile: (targets: EventTarget[], reason: string) => Promise<boolean>;
  /** the SDK app id this process's writes carry, which CloudTrail records (aws/sdk-gateway.ts CONTROLLER_APP_ID) */
  ownAppId: string;
  /** the resource ids this controller itself changed recently (its recent-write log) */
  recentlyWritten: (target: EventTarget) => boolean;
  /** SQS long poll, seconds (at most 20) */
  waitSeconds?: number;
  /** first and largest wait between failed reads */
  retryBaseMs?: number;
  retryCapMs?: number;
}

export class EventsQueue {
  readonly counts = { received: 0, targeted: 0, ownWrites: 0, ignored: 0, malformed: 0, readErrors: 0 };
  /** the last read's error; undefined while the queue reads */
  lastError: string | undefined;
  private stopped = false;
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(private readonly opts: EventsQueueOptions) {}

  get healthy(): boolean {
    return this.lastError === undefined;
  }

  start(): void {
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    const log = this.opts.logger;
    let failures = 0;
    while (!this.stopped) {
      let messages: Awaited<ReturnType<AwsGateway['receiveEventMessages']>>;
      try {
        messages = await this.opts.gateway.receiveEventMessages(this.opts.queueUrl, this.opts.waitSeconds ?? 20, this.abort.signal);
      } catch (err) {
        if (this.stopped) return;
        failures++;
        this.counts.readErrors++;
        const message = err instanceof Error ? err.message : String(err);
        if (this.lastError === undefined)
          log.error({ queue: this.opts.queueUrl, error: message }, 'events queue cannot be read: falling back to the resync alone until it can');
        this.lastError = message;
        const delay = Math.min(this.opts.retryCapMs ?? 60_000, (this.opts.retryBaseMs ?? 1000) * 2 ** Math.min(failures - 1, 10));
        // aborted by stop(): a queue outage must not hold a SIGTERM for the retry's wait
        await sleepUnlessAborted(delay, this.abort.signal);
        continue;
      }
      if (this.lastError !== undefined) log.info({ queue: this.opts.queueUrl }, 'events queue readable again');
      this.lastError = undefined;
      failures = 0;
      if (messages.length === 0) continue;
      await this.handle(messages);
    }
  }

  /** One batch: every message judged, one coalesced pass over all the resources named, then the batch deleted. */
  private async handle(messages: ReadonlyArray<{ id: string; receiptHandle: string; body: string }>): Promise<void> {
    const log = this.opts.logger;
    const targets = new Map<string, EventTarget>();
    const names: string[] = [];
    for (const m of messages) {
      this.counts.received++;
      const verdict = parseEcsEvent(m.body, this.opts.ownAppId);
      if (verdict.kind === 'malformed') {
        this.counts.malformed++;
        log.warn({ messageId: m.id, reason: verdict.reason, bodyBytes: m.body.length }, `malformed event dropped: ${verdict.reason}`);
        continue;
      }
      if (verdict.kind === 'ignored') {
        this.counts.ignored++;
        log.debug({ messageId: m.id, detailType: verdict.detailType, reason: verdict.reason }, 'event ignored');
        continue;
      }
      if (verdict.kind === 'own-write') {
        this.counts.ownWrites++;
        log.debug({ messageId: m.id, eventName: verdict.eventName }, 'event of our own write: no pass');
        continue;
      }
      // ECS's own echoes of a deployment this controller just made (Service Action, Deployment
      // State Change) are known by the recent-write log; a CloudTrail call is someone's write.
      const fresh = verdict.detailType === 'AWS API Call via CloudTrail' ? verdict.targets : verdict.targets.filter((t) => !this.opts.recentlyWritten(t));
      if (fresh.length === 0) {
        this.counts.ownWrites++;
        continue;
      }
      this.counts.targeted++;
      names.push(`${verdict.detailType}${verdict.eventName ? ` ${verdict.eventName}` : ''}`);
      for (const t of fresh) targets.set(`${t.kind}/${t.region}/${t.cluster ?? ''}/${t.name}`, t);
    }
    if (targets.size) {
      for (const t of targets.values())
        log.info({ resource: `${t.kind}/${t.region}/${t.cluster ? `${t.cluster}/` : ''}${t.name}`, events: names.length }, 'event: targeted pass');
      const covered = await this.opts.reconcile([...targets.values()], `event: ${[...new Set(names)].join(', ')}`);
      // the daemon stops before their pass: kept in the queue, delivered again after the visibility timeout
      if (!covered) {
        log.info({ queue: this.opts.queueUrl, messages: messages.length }, 'event messages kept: the daemon stopped before their pass');
        return;
      }
    }
    try {
      await this.opts.gateway.deleteEventMessages(
        this.opts.queueUrl,
        messages.map((m) => m.receiptHandle),
      );
    } catch (err) {
      // delivered again after the visibility timeout: the pass is level triggered, so a repeat is harmless
      log.warn({ queue: this.opts.queueUrl, error: err instanceof Error ? err.message : String(err) }, 'cannot delete event messages; they will come again');
    }
  }

  /** Prometheus text lines, appended to the daemon's /metrics. */
  renderMetrics(): string {
    const lines = [
      '# HELP ecs_reconciler_events_total Events read from the events queue, by how they were judged.',
      '# TYPE ecs_reconciler_events_total counter',
      ...(['targeted', 'ownWrites', 'ignored', 'malformed'] as const).map(
        (k) => `ecs_reconciler_events_total{verdict="${k === 'ownWrites' ? 'own-write' : k}"} ${this.counts[k]}`,
      ),
      '# HELP ecs_reconciler_events_queue_read_errors_total Failed reads of the events queue.',
      '# TYPE ecs_reconciler_events_queue_read_errors_total counter',
      `ecs_reconciler_events_queue_read_errors_total ${this.counts.readErrors}`,
      '# HELP ecs_reconciler_events_queue_up 1 while the events queue reads, 0 while the daemon relies on the resync alone.',
      '# TYPE ecs_reconciler_events_queue_up gauge',
      `ecs_reconciler_events_queue_up ${this.healthy ? 1 : 0}`,
    ];
    return `${lines.join('\n')}\n`;
  }
}
