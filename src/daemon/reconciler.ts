/**
 * The daemon's Reconciler (controller-runtime's pkg/reconcile): handed a request, it runs
 * one reconcile pass, which loads the manifests and reads the world itself, and answers
 * what to requeue. It knows nothing of queues, timers, HTTP or history: the Controller
 * decides when it runs, the Manager what is done with its report.
 */
import path from 'node:path';
import type { Logger } from 'pino';
import type { Gateways as AwsGateways, ReadBudget } from '../aws/index.js';
import { emptyEstate, type LiveEstate, refreshLiveResources } from '../live/index.js';
import { gitRevisionOf, ParseCache, repositoryOf } from '../manifests/index.js';
import { formatProblem } from '../model/problem.js';
import { type DesiredResource, resourceId } from '../model/resource.js';
import { revisionLabel } from '../model/revision-arn.js';
import { DiffCache } from '../pipeline/diff-cache.js';
import type { ManifestSource } from '../pipeline/load-desired.js';
import { type PassResult, type Requeue, runReconcilePass } from '../pipeline/reconcile-pass.js';
import type { ClusterSelector } from '../pipeline/shard.js';
import type { Redactor } from '../report/index.js';
import { DriftLog } from './drift-log.js';
import type { EventTarget } from './ecs-events.js';

/** ECS's own events after a write of ours (deployment started, steady state) within this window are its echo. */
const RECENT_WRITE_MS = 120_000;

export interface ReconcileRequest {
  passId: number;
  reasons: readonly string[];
  /**
   * full: read the whole estate (start, a retry, the resync without slices).
   * targeted: re-read only `targets`, the resources whose manifests changed and those the
   * controller changed since the last full read; the rest of the report is the last known state.
   */
  scope: 'full' | 'targeted';
  targets: readonly EventTarget[];
  /** the reads go through --read-budget's pacing (a resync or one of its slices; never an event's few reads) */
  paced: boolean;
  /** a resync slice: the slices of its cycle after it */
  slicesLeft?: number;
  /** resources in backoff after failures: their actions wait, the others go on */
  heldBack: (resourceId: string) => string | undefined;
}

export interface ReconcileResult {
  /** the pass ended and every region was readable; false also when the pass failed whole */
  ok: boolean;
  /** the read the pass made (a targeted request falls back to a full read when nothing is known yet) */
  read: 'full' | 'targeted';
  requeue: Requeue;
  /** every resource of the report, for the resync's slices */
  resources: EventTarget[];
  /** the pass's result; undefined when it failed whole (a bug, a filesystem error) */
  pass?: PassResult;
  durationSeconds: number;
  /**
   * The pass's summary line ("pass N: ..."), written by the controller once the result is
   * recorded: whoever reads the line finds that pass's report at /report, never the one before.
   */
  summary?: { fields: Record<string, unknown>; message: string };
}

export interface Reconciler {
  reconcile(request: ReconcileRequest, signal: AbortSignal): Promise<ReconcileResult>;
}

export interface EstateReconcilerOptions {
  /** the manifests: the pass loads them itself (the one load path of the CLI and the daemon) */
  manifests: Omit<ManifestSource, 'cache'>;
  gateways: AwsGateways;
  controllerId: string;
  defaultRegion: string;
  /** apply, or report while another controller holds the lease */
  mode: () => 'apply' | 'report';
  /** the lease was lost: no action starts after the one under way */
  shouldStop: () => boolean;
  prune: boolean;
  adopt: boolean;
  keepRevisions: number;
  allowEmpty?: boolean;
  maxPrune?: number;
  adoptCloudFormation?: boolean;
  selfHealDuringForeignRollouts?: boolean;
  implicitControllerId?: boolean;
  regions?: readonly string[];
  clusters?: ClusterSelector;
  readBudget?: ReadBudget;
  redactor: Redactor;
  logger: Logger;
}

const NO_REQUEUE: Requeue = { failed: [], succeeded: [], throttledCalls: 0 };

export class EstateReconciler implements Reconciler {
  private readonly parseCache = new ParseCache();
  /** the last pass's diffs: an unchanged resource is not diffed again (bounded by the estate: diff-cache.ts) */
  readonly diffCache = new DiffCache();
  private noticesSaid = new Set<string>();
  private readonly driftLog: DriftLog;
  /** the last pass's live estate and desired resources, for a targeted pass */
  private lastLive: LiveEstate | undefined;
  /** the last whole read's estate, between a full pass's decision to read again and its read, which takes it (previousLive) */
  private liveToReadAgain: LiveEstate | undefined;
  /** the resync cycle's state carried from one slice to the next (the kinds' page cursors) */
  private readonly resyncCycle = new Map<string, unknown>();
  /**
   * The last load's resources, as objects: the parse cache hands back the same object while
   * its file, the region and the variables are unchanged, so one not in here changed. A set
   * of the objects, not a map by id: the ids were 3.9 MB at 10,000 services (issue 19).
   */
  private lastDesired = new Set<DesiredResource>();
  /** resources changed by the controller since the last full read: re-read before trusting */
  private readonly dirty = new Set<string>();
  /** the controller's recent-write log: resource id -> when it last changed it */
  private readonly recentWrites = new Map<string, number>();

  constructor(private readonly opts: EstateReconcilerOptions) {
    this.driftLog = new DriftLog(opts.redactor);
  }

  /** Did this controller change the resource within RECENT_WRITE_MS (its own event echo)? */
  wroteRecently(target: EventTarget, now = Date.now()): boolean {
    return (this.recentWrites.get(resourceId(target)) ?? -Infinity) > now - RECENT_WRITE_MS;
  }

  async reconcile(request: ReconcileRequest, signal: AbortSignal): Promise<ReconcileResult> {
    const log = this.opts.logger;
    const { passId } = request;
    const started = performance.now();
    const callsBefore = this.opts.gateways.counter.total();
    let targeted = false;
    try {
      const dir = path.resolve(this.opts.manifests.dir);
      const gitRevision = await gitRevisionOf(dir);
      const repository = await repositoryOf(dir);
      const budget = this.opts.readBudget;
      const result = await runReconcilePass(
        { ...this.opts.manifests, cache: this.parseCache },
        {
          gateways: this.opts.gateways,
          controllerId: this.opts.controllerId,
          defaultRegion: this.opts.defaultRegion,
          mode: this.opts.mode(),
          prune: this.opts.prune,
          adopt: this.opts.adopt,
          keepRevisions: this.opts.keepRevisions,
          ...(this.opts.allowEmpty ? { allowEmpty: true } : {}),
          ...(this.opts.maxPrune !== undefined ? { maxPrune: this.opts.maxPrune } : {}),
          ...(this.opts.adoptCloudFormation ? { adoptCloudFormation: true } : {}),
          ...(this.opts.selfHealDuringForeignRollouts ? { selfHealDuringForeignRollouts: true } : {}),
          ...(this.opts.implicitControllerId ? { implicitControllerId: true } : {}),
          ...(this.opts.regions?.length ? { regions: this.opts.regions } : {}),
          ...(repository ? { repository } : {}),
          ...(gitRevision ? { gitRevision } : {}),
          now: () => new Date(),
          redactor: this.opts.redactor,
          ...(this.opts.clusters ? { clusters: this.opts.clusters } : {}),
          diffCache: this.diffCache,
          signal,
          shouldStop: this.opts.shouldStop,
          holdBack: request.heldBack,
          onLoad: (load) => {
            for (const p of load.problems) log.warn({ resource: p.resource, file: p.file, line: p.line, stage: p.stage }, formatProblem(p));
            // notices (describe output unwrapped, ...) are said once, not on every pass
            const notices = load.notices.map(formatProblem);
            for (const [i, n] of load.notices.entries())
              if (!this.noticesSaid.has(notices[i]!)) log.info({ file: n.file, stage: n.stage }, `notice: ${notices[i]}`);
            this.noticesSaid = new Set(notices);
          },
          previousLive: () => {
            const previous = this.liveToReadAgain;
            this.liveToReadAgain = undefined;
            return previous;
          },
          live: async (desired) => {
            const live = await this.targetedLiveFor(request, desired);
            targeted = live !== undefined;
            // a full resync (and each of its slices) is paced by the read budget; an event's few reads are not
            if (budget) budget.pacing = request.paced || !targeted;
            return live;
          },
          onDiffs: (diffs) => {
            for (const line of this.driftLog.linesFor(diffs)) log.warn({ resource: line.resource, state: line.state, changes: line.changes, passId }, line.msg);
          },
          onAction: (r) => {
            const fields = {
              resource: r.action.resource,
              action: r.action.kind,
              outcome: r.outcome,
              durationMs: r.durationMs,
              reason: r.action.reason,
              passId,
            };
            if (r.outcome === 'failed') {
              log.error({ ...fields, error: r.message, ...(r.error ? { err: r.error } : {}) }, `${r.action.kind} ${r.action.resource} failed`);
            } else {
              // RegisterTaskDefinition answers with the new revision's ARN: the line names it
              const revision = r.action.kind === 'register-task-definition' && r.message?.includes(':task-definition/') ? revisionLabel(r.message) : undefined;
              log.info(
                { ...fields, ...(revision ? { revision, taskDefinitionArn: r.message } : {}) },
                `${r.action.kind} ${r.action.resource} ${r.outcome}${revision ? `: ${revision}` : ''}`,
              );
            }
          },
        },
      );
      if (budget) budget.pacing = false;
      this.rememberForTargetedPasses(result, targeted);
      // the rest of the estate was still reconciled; the refusal is a problem in /report, notified once
      if (result.plan.prune?.status === 'refused')
        log.warn(
          { passId, stage: 'prune', deletions: result.plan.prune.deletions, managed: result.plan.prune.managed },
          result.plan.prune.reason ?? 'prune refused',
        );
      const durationSeconds = (performance.now() - started) / 1000;
      const summary = result.report.summary;
      const summaryLine = {
        fields: {
          passId,
          reasons: request.reasons,
          durationMs: Math.round(durationSeconds * 1000),
          gitRevision,
          states: summary.byState,
          actionsApplied: summary.actionsApplied,
          actionsFailed: summary.actionsFailed,
          problems: summary.problems,
          awsCalls: this.opts.gateways.counter.total() - callsBefore,
          read: targeted ? 'targeted' : 'full',
          throttled: result.requeue.throttledCalls,
          loadComplete: result.load.complete,
          ...(result.stopped ? { stopped: true } : {}),
        },
        message: `pass ${passId}: ${summary.resources} resource(s), ${summary.actionsApplied} applied, ${summary.actionsFailed} failed`,
      };
      return {
        summary: summaryLine,
        ok: !result.readFailed,
        read: targeted ? 'targeted' : 'full',
        requeue: result.requeue,
        resources: result.diffs.map((d) => ({ kind: d.kind, region: d.region, name: d.name, ...(d.cluster ? { cluster: d.cluster } : {}) })),
        pass: result,
        durationSeconds,
      };
    } catch (err) {
      if (this.opts.readBudget) this.opts.readBudget.pacing = false;
      // A pass that fails entirely (a bug, a filesystem error) is retried; the process stays up.
      log.error({ passId, err }, `pass ${passId} failed`);
      return { ok: false, read: targeted ? 'targeted' : 'full', requeue: NO_REQUEUE, resources: [], durationSeconds: (performance.now() - started) / 1000 };
    }
  }

  /**
   * A targeted request only re-reads what it names, what changed in the manifests (new or
   * edited resources) and what the controller changed since the last full read, and takes
   * the rest from the last pass: a one-line edit or one ECS event costs a few calls, not the
   * whole estate. Nothing known yet, or a region unreadable last time: the whole estate is read.
   */
  private async targetedLiveFor(request: ReconcileRequest, desired: readonly DesiredResource[]): Promise<LiveEstate | undefined> {
    this.liveToReadAgain = undefined;
    if (request.scope === 'full' || !this.lastLive || this.lastLive.unreadable.size) {
      // the whole estate is read again: the last one goes to the read, which takes from it
      // the records whose answers are unchanged (shared, not copied), and is let go after it,
      // so a pass never holds two (issue 19: at 10,000 services one is about 60 MB of the heap)
      // (an empty one when there is none: the read then keeps what the next needs)
      this.liveToReadAgain = !this.lastLive || this.lastLive.unreadable.size ? emptyEstate() : this.lastLive;
      this.lastLive = undefined;
      return undefined;
    }
    const changed = desired.filter((d) => !this.lastDesired.has(d) || this.dirty.has(resourceId(d)));
    const refs: EventTarget[] = [...changed, ...request.targets];
    // a resync slice carries the cycle's page cursors on to the next slice; what changed
    // since the last read is read in full all the same
    const cycle = request.paced
      ? { state: this.resyncCycle, slicesLeft: request.slicesLeft ?? 0, fresh: new Set(changed.map((d) => resourceId(d))) }
      : undefined;
    try {
      return await refreshLiveResources(this.opts.gateways, this.lastLive, refs, this.opts.controllerId, cycle);
    } catch {
      this.lastLive = undefined;
      return undefined; // the full read says why
    }
  }

  private rememberForTargetedPasses(result: PassResult, targeted: boolean): void {
    this.lastLive = result.readFailed ? undefined : result.live;
    this.lastDesired = new Set(result.load.resources);
    if (!targeted) this.dirty.clear();
    for (const r of result.results) if (r.outcome !== 'skipped') this.dirty.add(r.action.resource);
    const now = Date.now();
    for (const r of result.results) if (r.outcome === 'applied') this.recentWrites.set(r.action.resource, now);
    // bounded: entries older than the window say nothing
    for (const [id, at] of this.recentWrites) if (at < now - RECENT_WRITE_MS) this.recentWrites.delete(id);
  }
}
