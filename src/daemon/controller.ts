/**
 * The daemon: a thin shell around the reconcile pass (controller-runtime's shape).
 * File events and timer ticks become requests; the queue runs one pass at a time;
 * failures back off per resource; throttling slows the loop; only a signal stops it.
 */
import path from 'node:path';
import type { Logger } from 'pino';
import type { Gateways as AwsGateways, ReadBudget } from '../aws/index.js';
import { collectVariables, gitRevisionOf, loadManifests, ParseCache, repositoryOf } from '../manifests/index.js';
import { formatProblem } from '../model/problem.js';
import { refreshLiveResources, type LiveEstate } from '../live/index.js';
import { resourceId, type DesiredResource } from '../model/resource.js';
import { runReconcilePass, type PassResult } from '../pipeline/reconcile-pass.js';
import { annotateHistory, passRecordOf } from '../report/history.js';
import { renderPage, renderPageContent, showModeOf, type Redactor, type Report } from '../report/index.js';
import { HistoryStore } from './history-store.js';
import { Lease } from './lease.js';
import { WebhookNotifier, type WebhookTarget } from './notify.js';
import { ResourceBackoff } from './backoff.js';
import { startHttpServer } from './http-server.js';
import type { RequestGuardOptions } from './request-guard.js';
import { DaemonMetrics } from './metrics.js';
import { ReconcileQueue } from './reconcile-queue.js';
import { ManifestWatcher } from './watch.js';
import { verifyReconcileRequest } from './push-webhook.js';
import { DriftLog } from './drift-log.js';
import { EventsQueue } from './events-queue.js';
import type { EventTarget } from './ecs-events.js';

/** While the events queue cannot be read, the resync comes at least this often: the events were the fast path. */
const RESYNC_WITHOUT_EVENTS_MS = 60_000;
/** ECS's own events after a write of ours (deployment started, steady state) within this window are its echo. */
const RECENT_WRITE_MS = 120_000;

export interface ControllerOptions {
  dir: string;
  varFlags: string[];
  varFiles: string[];
  env: NodeJS.ProcessEnv;
  /** --var-env / --var-env-prefix: the only environment variables a manifest may read */
  varEnv: string[];
  varEnvPrefixes: string[];
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
  clusters?: (clusterName: string) => boolean;
  /** --read-budget: the gateways' pacing of a full resync's reads, on only for full passes */
  readBudget?: ReadBudget;
}

export class Controller {
  private readonly queue: ReconcileQueue;
  private readonly metrics: DaemonMetrics;
  private readonly backoff: ResourceBackoff;
  private watcher: ManifestWatcher | undefined;
  private http: Awaited<ReturnType<typeof startHttpServer>> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopping = false;
  private passCount = 0;
  private lastReport: Report | undefined;
  private readonly parseCache = new ParseCache();
  private noticesSaid = new Set<string>();
  /** the last pass's live estate and desired resources, for a targeted pass after a file change */
  private lastLive: LiveEstate | undefined;
  private lastDesired = new Map<string, DesiredResource>();
  /** resources changed by the controller since the last full read: re-read before trusting */
  private dirty = new Set<string>();
  private lastReadOk = false;
  private slowFactor = 1;
  private failedPasses = 0;
  private readonly history: HistoryStore;
  private notifier: WebhookNotifier | undefined;
  private lease: Lease | undefined;
  private readonly driftLog: DriftLog;
  /** a start-up step that keeps failing (the lease table): the process cannot do its work */
  private startupProblem: string | undefined;
  private startupRetry: NodeJS.Timeout | undefined;
  private events: EventsQueue | undefined;
  /** resources named by events, for the next pass; and who waits for that pass to end */
  private eventTargets: EventTarget[] = [];
  private eventWaiters: Array<() => void> = [];
  /** the controller's recent-write log: resource id -> when it last changed it */
  private readonly recentWrites = new Map<string, number>();

  constructor(private readonly opts: ControllerOptions) {
    this.driftLog = new DriftLog(opts.redactor);
    this.metrics = new DaemonMetrics(opts.gateways.counter);
    this.backoff = new ResourceBackoff(opts.backoffBaseMs, opts.backoffCapMs);
    this.queue = new ReconcileQueue((reasons) => this.pass(reasons));
    this.history = new HistoryStore(opts.historySize, opts.stateDir, { onWarning: (message) => opts.logger.warn({ resource: 'state-dir/history.jsonl' }, message) });
  }

  get address(): string | undefined {
    return this.http?.address;
  }

  async start(): Promise<void> {
    const log = this.opts.logger;
    this.http = await startHttpServer(this.opts.listen, {
      // A process that cannot work is not healthy (issue 13, 14): the image's HEALTHCHECK
      // and ECS's container health check replace it instead of keeping a zombie.
      health: () => (this.startupProblem ? { healthy: false, reason: this.startupProblem } : { healthy: true, reason: 'ok' }),
      ready: () => {
        if (this.startupProblem) return { ready: false, reason: this.startupProblem };
        if (!this.lastReport) return { ready: false, reason: 'no pass has finished yet' };
        if (!this.lastReadOk) return { ready: false, reason: 'AWS was not reachable on the last pass' };
        // still converging, on the resync alone: ready, and saying so
        if (this.events && !this.events.healthy) return { ready: true, reason: `ready; events queue unreadable (${this.events.lastError}): falling back to the resync every ${Math.round(this.resyncIntervalMs() / 1000)}s` };
        return { ready: true, reason: 'ready' };
      },
      metrics: async () => ({ contentType: this.metrics.contentType, text: (await this.metrics.render()) + (this.events?.renderMetrics() ?? '') }),
      // serialized on request only: a pass need not build a large string nobody reads
      reportJson: () => (this.lastReport ? JSON.stringify(this.lastReport, null, 2) + '\n' : undefined),
      page: (q) => {
        const show = showModeOf(q.get('show'));
        const filters = { ...(q.get('state') ? { state: q.get('state')! } : {}), ...(q.get('cluster') ? { cluster: q.get('cluster')! } : {}), ...(show ? { show } : {}) };
        return q.get('partial') ? renderPageContent(this.lastReport, filters) : renderPage(this.lastReport, filters);
      },
      reconcile: ({ headers, body }) => {
        const verdict = verifyReconcileRequest(headers, body, this.opts.webhookSecret);
        if (verdict.outcome === 'refuse') {
          log.warn({ status: verdict.status, reason: verdict.reason }, `POST /reconcile refused: ${verdict.reason}`);
          return { status: verdict.status, body: { error: verdict.reason } };
        }
        if (verdict.outcome === 'ignore') return { status: 200, body: { started: false, reason: `${verdict.source} event "${verdict.event}" is not a push` } };
        if (this.stopping) return { status: 503, body: { started: false, reason: 'the daemon is stopping' } };
        const what = [verdict.source, verdict.event !== 'manual' ? verdict.event : undefined, verdict.ref, verdict.commit?.slice(0, 12)].filter(Boolean).join(' ');
        // The pass reads the checkout as it is: when git-sync has not pulled the pushed
        // commit yet, its symlink swap starts another pass through the watcher.
        const queued = this.queue.busy;
        this.queue.request(`webhook: ${what}`);
        log.info({ source: verdict.source, event: verdict.event, ref: verdict.ref, commit: verdict.commit, queued }, `POST /reconcile (${what}): ${queued ? 'a pass runs now; one more follows it' : 'pass started'}`);
        return { status: 202, body: { started: true, queued, source: verdict.source, ...(verdict.ref ? { ref: verdict.ref } : {}), ...(verdict.commit ? { commit: verdict.commit } : {}) } };
      },
      onError: (err) => log.error({ err }, 'an HTTP handler failed (answered 500)'),
    }, this.opts.httpGuard);
    const restored = await this.history.load();
    const revisions = this.opts.stateDir
      ? this.opts.gateways.taskDefinitionCache.persistTo(path.join(this.opts.stateDir, 'revisions.jsonl'), { persistable: (e) => !this.opts.redactor.masksSomethingIn({ containerDefinitions: e.taskDefinition.containerDefinitions }), onWarning: (message) => log.warn({ resource: 'state-dir/revisions.jsonl' }, message) })
      : 0;
    this.passCount = this.history.lastPass;
    if (this.opts.notifyWebhook) this.notifier = new WebhookNotifier(this.opts.notifyWebhook, this.opts.publicUrl ?? `http://${this.http.address}/`);
    log.info({ listen: this.http.address, historyRestored: restored, revisionsRestored: revisions, dir: this.opts.dir, mode: this.opts.mode, controllerId: this.opts.controllerId, intervalMs: this.opts.intervalMs }, `listening on http://${this.http.address}`);
    this.watcher = new ManifestWatcher({
      dir: this.opts.dir,
      debounceMs: this.opts.debounceMs,
      onChange: (reason) => this.queue.request(`change: ${reason}`),
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
          if (held) this.queue.request('lease taken');
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
        reconcile: (targets, reason) => this.requestEventPass(targets, reason),
        recentlyWritten: (t) => (this.recentWrites.get(resourceId(t)) ?? -Infinity) > Date.now() - RECENT_WRITE_MS,
      });
      this.events.start();
    }
    this.queue.request('start');
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

  /** One pass over the resources events named (coalesced with whatever else is queued); resolves when it has run. */
  private requestEventPass(targets: EventTarget[], reason: string): Promise<void> {
    this.eventTargets.push(...targets);
    return new Promise((resolve) => {
      this.eventWaiters.push(resolve);
      this.queue.request(reason);
    });
  }

  private resyncIntervalMs(): number {
    return this.events && !this.events.healthy ? Math.min(this.opts.intervalMs, RESYNC_WITHOUT_EVENTS_MS) : this.opts.intervalMs;
  }

  private scheduleNext(delayMs: number, reason: string): void {
    if (this.stopping) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.queue.request(reason), delayMs);
  }

  private nextResyncDelay(): number {
    const interval = this.resyncIntervalMs();
    const spread = interval * this.opts.jitter;
    return Math.max(100, Math.round((interval + (Math.random() * 2 - 1) * spread) * this.slowFactor));
  }

  private async pass(reasons: string[]): Promise<void> {
    if (this.stopping) return;
    const log = this.opts.logger;
    const passId = ++this.passCount;
    const started = performance.now();
    const throttledBefore = this.opts.gateways.counter.throttled;
    const callsBefore = this.opts.gateways.counter.total();
    const eventTargets = this.eventTargets;
    const eventWaiters = this.eventWaiters;
    this.eventTargets = [];
    this.eventWaiters = [];
    try {
      const variables = await collectVariables({ flags: this.opts.varFlags, files: this.opts.varFiles, env: this.opts.env, envNames: this.opts.varEnv, envPrefixes: this.opts.varEnvPrefixes });
      const load = await loadManifests(this.opts.dir, { defaultRegion: this.opts.defaultRegion, vars: variables.vars, cache: this.parseCache });
      if (variables.problems.length) {
        load.problems.unshift(...variables.problems);
        load.complete = false;
      }
      for (const p of load.problems) log.warn({ resource: p.resource, file: p.file, line: p.line, stage: p.stage }, formatProblem(p));
      // notices (describe output unwrapped, ...) are said once, not on every pass
      const notices = load.notices.map(formatProblem);
      for (const [i, n] of load.notices.entries()) if (!this.noticesSaid.has(notices[i]!)) log.info({ file: n.file, stage: n.stage }, `notice: ${notices[i]}`);
      this.noticesSaid = new Set(notices);
      const gitRevision = await gitRevisionOf(path.resolve(this.opts.dir));
      const repository = await repositoryOf(path.resolve(this.opts.dir));
      const live = await this.targetedLive(reasons, load.resources, eventTargets);
      // a full resync is paced by the read budget; an event's few targeted reads are not
      if (this.opts.readBudget) this.opts.readBudget.pacing = live === undefined;
      const result = await runReconcilePass(load, {
        ...(live ? { live } : {}),
        gateways: this.opts.gateways,
        controllerId: this.opts.controllerId,
        defaultRegion: this.opts.defaultRegion,
        // without the lease another controller applies: this one only reports
        mode: this.lease && !this.lease.held() ? 'report' : this.opts.mode,
        prune: this.opts.prune,
        adopt: this.opts.adopt,
        keepRevisions: this.opts.keepRevisions,
        ...(this.opts.allowEmpty ? { allowEmpty: true } : {}),
        ...(this.opts.maxPrune !== undefined ? { maxPrune: this.opts.maxPrune } : {}),
        ...(this.opts.adoptCloudFormation ? { adoptCloudFormation: true } : {}),
        ...(this.opts.implicitControllerId ? { implicitControllerId: true } : {}),
        ...(this.opts.regions?.length ? { regions: this.opts.regions } : {}),
        ...(repository ? { repository } : {}),
        ...(gitRevision ? { gitRevision } : {}),
        now: () => new Date(),
        redactor: this.opts.redactor,
        ...(this.opts.clusters ? { clusters: this.opts.clusters } : {}),
        shouldStop: () => this.stopping || (this.lease !== undefined && !this.lease.held()),
        holdBack: (id) => this.backoff.heldBack(id, Date.now()),
        onDiffs: (diffs) => {
          for (const line of this.driftLog.linesFor(diffs)) log.warn({ resource: line.resource, state: line.state, changes: line.changes, passId }, line.msg);
        },
        onAction: (r) => {
          const fields = { resource: r.action.resource, action: r.action.kind, outcome: r.outcome, durationMs: r.durationMs, reason: r.action.reason, passId };
          if (r.outcome === 'failed') {
            const delay = this.backoff.recordFailure(r.action.resource, r.message ?? 'failed', Date.now());
            log.error({ ...fields, error: r.message, ...(r.error ? { err: r.error } : {}), retryInMs: delay }, `${r.action.kind} ${r.action.resource} failed`);
          } else {
            if (r.outcome === 'applied') this.backoff.recordSuccess(r.action.resource);
            // RegisterTaskDefinition answers with the new revision's ARN: the line names it
            const revision = r.action.kind === 'register-task-definition' && r.message ? /:task-definition\/(.+)$/.exec(r.message)?.[1] : undefined;
            log.info({ ...fields, ...(revision ? { revision, taskDefinitionArn: r.message } : {}) }, `${r.action.kind} ${r.action.resource} ${r.outcome}${revision ? `: ${revision}` : ''}`);
          }
        },
      });
      if (this.opts.readBudget) this.opts.readBudget.pacing = false;
      this.rememberForTargetedPasses(result, load.resources, live !== undefined);
      // the rest of the estate was still reconciled; the refusal is a problem in /report, notified once
      if (result.plan.prune?.status === 'refused') log.warn({ passId, stage: 'prune', deletions: result.plan.prune.deletions, managed: result.plan.prune.managed }, result.plan.prune.reason ?? 'prune refused');
      const report = annotateHistory(result.report, this.history.all);
      await this.history.append(passRecordOf(result.report, passId)).catch((err: unknown) => log.warn({ err }, 'cannot append to the history file'));
      this.lastReport = report;
      if (this.notifier) {
        const sent = await this.notifier.notify(report);
        if (sent.error) log.warn({ error: sent.error, retryInMs: sent.retryInMs }, `webhook notification failed; tried again in ${Math.round((sent.retryInMs ?? 0) / 1000)} s at the earliest`);
        else if (sent.deferred) log.debug({ retryInMs: sent.retryInMs }, 'webhook notification deferred: the endpoint failed recently');
        else if (sent.sent) log.info({ transitions: sent.sent }, 'webhook notified');
      }
      this.lastReadOk = !result.readFailed;
      const seconds = (performance.now() - started) / 1000;
      this.metrics.observePass(seconds, !result.readFailed);
      this.metrics.observeReport(result.report, Date.now() / 1000);
      for (const r of report.resources) if (r.history?.flapping) log.warn({ resource: r.id, state: r.state }, `${r.id} flaps between states`);
      const throttled = this.opts.gateways.counter.throttled - throttledBefore;
      // Throttling slows the whole loop down rather than failing it: the account's budget is shared.
      this.slowFactor = throttled > 0 ? Math.min(8, this.slowFactor * 2) : 1;
      this.failedPasses = result.readFailed ? this.failedPasses + 1 : 0;
      log.info(
        {
          passId,
          reasons,
          durationMs: Math.round(seconds * 1000),
          gitRevision,
          states: result.report.summary.byState,
          actionsApplied: result.report.summary.actionsApplied,
          actionsFailed: result.report.summary.actionsFailed,
          problems: result.report.summary.problems,
          awsCalls: this.opts.gateways.counter.total() - callsBefore,
          read: live ? 'targeted' : 'full',
          throttled,
          loadComplete: load.complete,
        },
        `pass ${passId}: ${result.report.summary.resources} resource(s), ${result.report.summary.actionsApplied} applied, ${result.report.summary.actionsFailed} failed`,
      );
    } catch (err) {
      // A pass that fails entirely (a bug, a filesystem error) is retried; the process stays up.
      this.failedPasses++;
      this.lastReadOk = false;
      this.metrics.observePass((performance.now() - started) / 1000, false);
      log.error({ passId, err }, `pass ${passId} failed`);
    }
    for (const done of eventWaiters) done();
    const retryAt = this.backoff.nextRetryAt();
    let delay = this.failedPasses > 0 ? Math.min(this.opts.intervalMs, 1000 * 2 ** Math.min(this.failedPasses, 10)) : this.nextResyncDelay();
    if (retryAt !== undefined) delay = Math.min(delay, Math.max(100, retryAt - Date.now()));
    this.scheduleNext(delay, this.failedPasses > 0 ? 'retry after a failed pass' : 'resync');
  }

  /**
   * A pass started by file changes only re-reads what the change touches (new or edited
   * resources, and those the controller changed since the last full read) and takes the
   * rest from the last pass: a one-line edit costs a few calls, not the whole estate.
   * Timer, start and retry passes read everything (level-triggered, as ever).
   */
  private async targetedLive(reasons: readonly string[], desired: readonly DesiredResource[], eventTargets: readonly EventTarget[] = []): Promise<LiveEstate | undefined> {
    if (!this.lastLive || this.lastLive.unreadable.size || !reasons.every((r) => r.startsWith('change:') || r.startsWith('event:'))) return undefined;
    const refs: EventTarget[] = [...desired.filter((d) => this.lastDesired.get(resourceId(d)) !== d || this.dirty.has(resourceId(d))), ...eventTargets];
    try {
      return await refreshLiveResources(this.opts.gateways, this.lastLive, refs, this.opts.controllerId);
    } catch {
      return undefined; // the full read says why
    }
  }

  private rememberForTargetedPasses(result: PassResult, desired: readonly DesiredResource[], targeted: boolean): void {
    this.lastLive = result.readFailed ? undefined : result.live;
    this.lastDesired = new Map(desired.map((d) => [resourceId(d), d]));
    if (!targeted) this.dirty.clear();
    for (const r of result.results) if (r.outcome !== 'skipped') this.dirty.add(r.action.resource);
    const now = Date.now();
    for (const r of result.results) if (r.outcome === 'applied') this.recentWrites.set(r.action.resource, now);
    // bounded: entries older than the window say nothing
    for (const [id, at] of this.recentWrites) if (at < now - RECENT_WRITE_MS) this.recentWrites.delete(id);
  }

  /** Finish the action under way, start nothing new, close the server. */
  async stop(timeoutMs = 30_000): Promise<boolean> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.startupRetry) clearTimeout(this.startupRetry);
    await this.watcher?.close();
    await this.events?.stop();
    const finished = await Promise.race([this.queue.close().then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), timeoutMs).unref())]);
    await this.http?.close();
    await this.lease?.stop();
    return finished;
  }
}
