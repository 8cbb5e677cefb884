/**
 * The daemon's Manager (controller-runtime's pkg/manager): it owns what lives as long as
 * the process: the HTTP endpoints, the lease, metrics, history, notifications, the event
 * sources (the manifests watcher, the ECS events queue, POST /reconcile) and the signals.
 * It builds the Reconciler and the Controller and turns each source into a request.
 * SIGTERM: nothing new starts, the pass in flight is interrupted between actions (the
 * action under way finishes: nothing is left half-made), then the process exits 0.
 */
import path from 'node:path';
import type { Logger } from 'pino';
import { type Gateways as AwsGateways, CONTROLLER_APP_ID, type ReadBudget } from '../aws/index.js';
import type { ManifestSource } from '../pipeline/load-desired.js';
import type { ClusterSelector } from '../pipeline/shard.js';
import { annotateHistory, passRecordOf } from '../report/history.js';
import { type Redactor, type Report, renderPage, renderPageContent, showModeOf } from '../report/index.js';
import { Controller } from './controller.js';
import type { EventTarget } from './ecs-events.js';
import { EventsQueue } from './events-queue.js';
import { HeapWatch } from './heap-watch.js';
import { HistoryStore } from './history-store.js';
import { startHttpServer } from './http-server.js';
import { Lease } from './lease.js';
import { DaemonMetrics } from './metrics.js';
import { WebhookNotifier, type WebhookTarget } from './notify.js';
import { verifyReconcileRequest } from './push-webhook.js';
import { EstateReconciler, type ReconcileResult } from './reconciler.js';
import type { RequestGuardOptions } from './request-guard.js';
import { taskListEndpoint } from './task-list-endpoint.js';
import { ManifestWatcher } from './watch.js';

/** While the events queue cannot be read, the resync comes at least this often: the events were the fast path. */
const RESYNC_WITHOUT_EVENTS_MS = 60_000;
/**
 * A resync slice re-reads at most this many resources: ten DescribeServices calls (ECS takes
 * 10 services a call) and their revisions, about 2 to 4 s of reads at the default budget of 5.
 */
const RESYNC_SLICE_SIZE = 100;

export interface ManagerOptions {
  manifests: Omit<ManifestSource, 'cache'>;
  defaultRegion: string;
  controllerId: string;
  gateways: AwsGateways;
  mode: 'apply' | 'report';
  prune: boolean;
  adopt: boolean;
  keepRevisions: number;
  /** prune safety (see PassOptions) */
  allowEmpty?: boolean;
  maxPrune?: number;
  adoptCloudFormation?: boolean;
  /** --self-heal-during-foreign-rollouts (see PassOptions) */
  selfHealDuringForeignRollouts?: boolean;
  implicitControllerId?: boolean;
  /** --regions: read every pass, for orphans, even when no manifest names them */
  regions?: readonly string[];
  intervalMs: number;
  /** fraction of the interval added or taken at random, so many controllers do not call AWS in step */
  jitter: number;
  debounceMs: number;
  listen: string;
  logger: Logger;
  backoffBaseMs?: number;
  backoffCapMs?: number;
  /** passes kept for drift over time (--history) */
  historySize: number;
  /** where history.jsonl is appended (--state-dir) */
  stateDir?: string;
  /** --notify-webhook, checked at start (notify.ts parseWebhookUrl) */
  notifyWebhook?: WebhookTarget;
  /** the report's address in notifications (--public-url); default http://LISTEN/ */
  publicUrl?: string;
  redactor: Redactor;
  /** --allowed-hosts and --report-token: what a request must show before it is routed */
  httpGuard?: RequestGuardOptions;
  /** --lease-table: only the holder of the lease (DynamoDB) applies */
  lease?: { table: string; durationMs: number; holder: string };
  /** --webhook-secret: POST /reconcile then needs a GitHub signature or the GitLab token */
  webhookSecret?: string;
  /** --events-queue: the SQS queue an EventBridge rule feeds with ECS events (docs/events.md) */
  eventsQueueUrl?: string;
  /** --cluster selectors: this controller's shard of the account */
  clusters?: ClusterSelector;
  /** --read-budget: the gateways' pacing of a resync's reads; with the events queue the resync is also sliced */
  readBudget?: ReadBudget;
}

export class Manager {
  private readonly metrics: DaemonMetrics;
  private readonly history: HistoryStore;
  private readonly reconciler: EstateReconciler;
  private controller: Controller | undefined;
  private watcher: ManifestWatcher | undefined;
  private http: Awaited<ReturnType<typeof startHttpServer>> | undefined;
  private notifier: WebhookNotifier | undefined;
  private lease: Lease | undefined;
  private events: EventsQueue | undefined;
  private stopping = false;
  private lastReport: Report | undefined;
  private lastReadOk = false;
  /** a start-up step that keeps failing (the lease table): the process cannot do its work */
  private startupProblem: string | undefined;
  private startupRetry: NodeJS.Timeout | undefined;
  /** the live heap after full collections, against the cap: said before the heap runs out */
  private readonly heapWatch = new HeapWatch();

  constructor(private readonly opts: ManagerOptions) {
    this.metrics = new DaemonMetrics(opts.gateways.counter);
    this.history = new HistoryStore(opts.historySize, opts.stateDir, {
      onWarning: (message) => opts.logger.warn({ resource: 'state-dir/history.jsonl' }, message),
    });
    this.reconciler = new EstateReconciler({
      manifests: opts.manifests,
      gateways: opts.gateways,
      controllerId: opts.controllerId,
      defaultRegion: opts.defaultRegion,
      // without the lease another controller applies: this one only reports
      mode: () => (this.lease && !this.lease.held() ? 'report' : opts.mode),
      shouldStop: () => this.lease !== undefined && !this.lease.held(),
      prune: opts.prune,
      adopt: opts.adopt,
      keepRevisions: opts.keepRevisions,
      ...(opts.allowEmpty ? { allowEmpty: true } : {}),
      ...(opts.maxPrune !== undefined ? { maxPrune: opts.maxPrune } : {}),
      ...(opts.adoptCloudFormation ? { adoptCloudFormation: true } : {}),
      ...(opts.selfHealDuringForeignRollouts ? { selfHealDuringForeignRollouts: true } : {}),
      ...(opts.implicitControllerId ? { implicitControllerId: true } : {}),
      ...(opts.regions?.length ? { regions: opts.regions } : {}),
      ...(opts.clusters ? { clusters: opts.clusters } : {}),
      ...(opts.readBudget ? { readBudget: opts.readBudget } : {}),
      redactor: opts.redactor,
      logger: opts.logger,
    });
  }

  get address(): string | undefined {
    return this.http?.address;
  }

  async start(): Promise<void> {
    const log = this.opts.logger;
    this.http = await startHttpServer(
      this.opts.listen,
      {
        // A process that cannot work is not healthy (issue 13, 14): the image's HEALTHCHECK
        // and ECS's container health check replace it instead of keeping a zombie.
        health: () => (this.startupProblem ? { healthy: false, reason: this.startupProblem } : { healthy: true, reason: 'ok' }),
        ready: () => {
          if (this.startupProblem) return { ready: false, reason: this.startupProblem };
          if (!this.lastReport) return { ready: false, reason: 'no pass has finished yet' };
          if (!this.lastReadOk) return { ready: false, reason: 'AWS was not reachable on the last pass' };
          // still converging, on the resync alone: ready, and saying so
          if (this.events && !this.events.healthy)
            return {
              ready: true,
              reason: `ready; events queue unreadable (${this.events.lastError}): falling back to the resync every ${Math.round(this.resyncIntervalMs() / 1000)}s`,
            };
          return { ready: true, reason: 'ready' };
        },
        metrics: async () => ({ contentType: this.metrics.contentType, text: (await this.metrics.render()) + (this.events?.renderMetrics() ?? '') }),
        // serialized on request only: a pass need not build a large string nobody reads
        reportJson: () => (this.lastReport ? `${JSON.stringify(this.lastReport, null, 2)}\n` : undefined),
        tasks: taskListEndpoint(this.opts.gateways, () => this.lastReport),
        page: (q) => {
          const show = showModeOf(q.get('show'));
          const filters = {
            ...(q.get('state') ? { state: q.get('state')! } : {}),
            ...(q.get('cluster') ? { cluster: q.get('cluster')! } : {}),
            ...(show ? { show } : {}),
          };
          return q.get('partial') ? renderPageContent(this.lastReport, filters) : renderPage(this.lastReport, filters);
        },
        reconcile: ({ headers, body }) => {
          const verdict = verifyReconcileRequest(headers, body, this.opts.webhookSecret);
          if (verdict.outcome === 'refuse') {
            log.warn({ status: verdict.status, reason: verdict.reason }, `POST /reconcile refused: ${verdict.reason}`);
            return { status: verdict.status, body: { error: verdict.reason } };
          }
          if (verdict.outcome === 'ignore')
            return { status: 200, body: { started: false, reason: `${verdict.source} event "${verdict.event}" is not a push` } };
          if (this.stopping || !this.controller) return { status: 503, body: { started: false, reason: 'the daemon is stopping' } };
          const what = [verdict.source, verdict.event !== 'manual' ? verdict.event : undefined, verdict.ref, verdict.commit?.slice(0, 12)]
            .filter(Boolean)
            .join(' ');
          // The pass reads the checkout as it is: when git-sync has not pulled the pushed
          // commit yet, its symlink swap starts another pass through the watcher.
          const queued = this.controller.busy;
          void this.controller.request({ scope: 'full', reason: `webhook: ${what}` });
          log.info(
            { source: verdict.source, event: verdict.event, ref: verdict.ref, commit: verdict.commit, queued },
            `POST /reconcile (${what}): ${queued ? 'a pass runs now; one more follows it' : 'pass started'}`,
          );
          return {
            status: 202,
            body: {
              started: true,
              queued,
              source: verdict.source,
              ...(verdict.ref ? { ref: verdict.ref } : {}),
              ...(verdict.commit ? { commit: verdict.commit } : {}),
            },
          };
        },
        onError: (err) => log.error({ err }, 'an HTTP handler failed (answered 500)'),
      },
      this.opts.httpGuard,
    );
    const restored = await this.history.load();
    const revisions = this.opts.stateDir
      ? this.opts.gateways.taskDefinitionCache.persistTo(path.join(this.opts.stateDir, 'revisions.jsonl'), {
          persistable: (e) => !this.opts.redactor.masksSomethingIn({ containerDefinitions: e.taskDefinition.containerDefinitions }),
          onWarning: (message) => log.warn({ resource: 'state-dir/revisions.jsonl' }, message),
        })
      : 0;
    // with events and a read budget the resync is spread in slices: it never holds the queue
    // for minutes of paced reads while an event's pass waits behind it
    const sliced = this.opts.eventsQueueUrl !== undefined && this.opts.readBudget !== undefined;
    const controller = new Controller({
      reconciler: this.reconciler,
      logger: log,
      resyncIntervalMs: () => this.resyncIntervalMs(),
      jitter: this.opts.jitter,
      ...(this.opts.backoffBaseMs !== undefined ? { backoffBaseMs: this.opts.backoffBaseMs } : {}),
      ...(this.opts.backoffCapMs !== undefined ? { backoffCapMs: this.opts.backoffCapMs } : {}),
      // while the queue cannot be read the resync is the fast path again: whole reads every 60 s at most
      ...(sliced ? { sliceSize: () => (this.events?.healthy === false ? undefined : RESYNC_SLICE_SIZE) } : {}),
      firstPassId: this.history.lastPass,
      onResult: (result, passId) => this.record(result, passId),
    });
    this.controller = controller;
    if (this.opts.notifyWebhook) this.notifier = new WebhookNotifier(this.opts.notifyWebhook, this.opts.publicUrl ?? `http://${this.http.address}/`);
    log.info(
      {
        listen: this.http.address,
        historyRestored: restored,
        revisionsRestored: revisions,
        dir: this.opts.manifests.dir,
        mode: this.opts.mode,
        controllerId: this.opts.controllerId,
        intervalMs: this.opts.intervalMs,
        ...(sliced ? { resyncSlices: `at most ${RESYNC_SLICE_SIZE} resources a slice` } : {}),
      },
      `listening on http://${this.http.address}`,
    );
    this.watcher = new ManifestWatcher({
      dir: this.opts.manifests.dir,
      debounceMs: this.opts.debounceMs,
      onChange: (reason) => void controller.request({ scope: 'targeted', reason: `change: ${reason}` }),
      onError: (err) => log.warn({ err }, 'watch error'),
    });
    await this.watcher.start();
    if (this.opts.lease && this.opts.mode === 'apply') {
      this.lease = new Lease({
        store: this.opts.gateways.forRegion(this.opts.defaultRegion),
        table: this.opts.lease.table,
        name: this.opts.controllerId,
        holder: this.opts.lease.holder,
        durationMs: this.opts.lease.durationMs,
        logger: log,
        onChange: (held) => {
          if (held) void controller.request({ scope: 'full', reason: 'lease taken' });
        },
      });
      // every mutating call of every region ends before the lease could expire
      const lease = this.lease;
      this.opts.gateways.writeFence.budgetMs = () => lease.callBudgetMs();
      // not awaited: while the lease table cannot be reached, passes run and report only
      void this.startLease(lease, 0);
    }
    if (this.opts.eventsQueueUrl) {
      this.events = new EventsQueue({
        queueUrl: this.opts.eventsQueueUrl,
        gateway: this.opts.gateways.forRegion(this.opts.defaultRegion),
        logger: log,
        reconcile: (targets: EventTarget[], reason: string) => controller.request({ scope: 'targeted', reason, targets }),
        ownAppId: CONTROLLER_APP_ID,
        recentlyWritten: (t) => this.reconciler.wroteRecently(t),
      });
      // the app id CloudTrail records for this process's own writes: its events cause no pass
      log.info({ queue: this.opts.eventsQueueUrl, appId: CONTROLLER_APP_ID }, `events queue: reading; this process's writes carry app/${CONTROLLER_APP_ID}`);
      this.events.start();
    }
    void controller.request({ scope: 'full', reason: 'start' });
  }

  /**
   * The lease table may be out of reach at start-up (DynamoDB down or throttled, the
   * task role not yet allowed): tried again with backoff (1 s doubling to 30 s), and
   * reported by /healthz and /readyz meanwhile; never a process that looks alive and
   * does nothing (issue 13, 14).
   */
  private async startLease(lease: Lease, attempt: number): Promise<void> {
    if (this.stopping) return;
    try {
      await lease.start();
      if (this.startupProblem) this.opts.logger.info({ lease: this.opts.controllerId }, 'lease table reachable again');
      this.startupProblem = undefined;
    } catch (err) {
      const delayMs = Math.min(30_000, 1000 * 2 ** Math.min(attempt, 5));
      const message = err instanceof Error ? err.message : String(err);
      this.startupProblem = `cannot create or read the lease table ${this.opts.lease!.table}: ${message}; tried ${attempt + 1} time(s), again in ${delayMs / 1000} s`;
      this.opts.logger.error({ lease: this.opts.controllerId, attempt: attempt + 1, retryInMs: delayMs, error: message }, this.startupProblem);
      this.startupRetry = setTimeout(() => void this.startLease(lease, attempt + 1), delayMs);
    }
  }

  private resyncIntervalMs(): number {
    return this.events && !this.events.healthy ? Math.min(this.opts.intervalMs, RESYNC_WITHOUT_EVENTS_MS) : this.opts.intervalMs;
  }

  /** Each pass's report: history, the page and /report, notifications, metrics. */
  private async record(result: ReconcileResult, passId: number): Promise<void> {
    const log = this.opts.logger;
    this.lastReadOk = result.ok;
    this.metrics.observePass(result.durationSeconds, result.ok);
    const heap = this.heapWatch.read();
    this.metrics.observeHeap(heap);
    const heapWarning = this.heapWatch.warningFor(heap, Date.now());
    if (heapWarning) log.warn({ passId, liveHeapBytes: heap.liveBytes, heapLimitBytes: heap.limitBytes }, heapWarning);
    const pass = result.pass;
    if (!pass) return;
    const report = annotateHistory(pass.report, this.history);
    this.lastReport = report;
    await this.history.append(passRecordOf(pass.report, passId)).catch((err: unknown) => log.warn({ err }, 'cannot append to the history file'));
    if (this.notifier) {
      const sent = await this.notifier.notify(report);
      if (sent.error)
        log.warn(
          { error: sent.error, retryInMs: sent.retryInMs },
          `webhook notification failed; tried again in ${Math.round((sent.retryInMs ?? 0) / 1000)} s at the earliest`,
        );
      else if (sent.deferred) log.debug({ retryInMs: sent.retryInMs }, 'webhook notification deferred: the endpoint failed recently');
      else if (sent.sent) log.info({ transitions: sent.sent }, 'webhook notified');
    }
    // the report /report serves: the metrics keep its resources for the per-resource series, no second copy
    this.metrics.observeReport(report, Date.now() / 1000);
    for (const r of report.resources) if (r.history?.flapping) log.warn({ resource: r.id, state: r.state }, `${r.id} flaps between states`);
  }

  /** Start nothing new, interrupt the pass in flight between actions, close the server. */
  async stop(timeoutMs = 30_000): Promise<boolean> {
    this.stopping = true;
    if (this.startupRetry) clearTimeout(this.startupRetry);
    // the abort first: an events batch waits for its pass, and the pass must not wait out a paced read
    const finishing = this.controller?.stop(timeoutMs) ?? Promise.resolve(true);
    await this.watcher?.close();
    await Promise.race([this.events?.stop(), finishing]);
    const finished = await finishing;
    await this.http?.close();
    await this.lease?.stop();
    this.heapWatch.stop();
    return finished;
  }

  /** Runs until SIGTERM or SIGINT, then stops (see stop); resolves with the signal's name and whether the pass in flight ended in time. */
  async untilSignal(timeoutMs: number): Promise<{ signal: string; finished: boolean }> {
    const signal = await new Promise<string>((resolve) => {
      process.once('SIGTERM', () => resolve('SIGTERM'));
      process.once('SIGINT', () => resolve('SIGINT'));
    });
    this.opts.logger.info({ signal }, `${signal}: finishing the action under way, starting nothing new`);
    return { signal, finished: await this.stop(timeoutMs) };
  }
}
