/**
 * One reconcile pass, the straight line of DESIGN.md: load, read live, diff, plan,
 * apply (unless plan or report mode), report. A stage's failure stops the line there
 * and is reported with its stage; prune is planned only when loading was complete.
 */
import type { ApplyContext } from '../apply/index.js';
import { type Gateways as AwsGateways, withPassSignal } from '../aws/index.js';
import type { ResourceDiff } from '../diff/index.js';
import { stageOf } from '../kinds/registry.js';
import { describeRecordedRevisions, holdsNoRecord, type LiveEstate, readLiveEstate } from '../live/index.js';
import type { LoadResult } from '../manifests/index.js';
import type { Problem } from '../model/problem.js';
import { type DesiredResource, resourceId } from '../model/resource.js';
import type { Plan } from '../plan/index.js';
import type { ActionResult } from '../plan/types.js';
import { buildReport, type Redactor, type Report } from '../report/index.js';
import { applyPlan } from './apply.js';
import { diffEstate } from './diff.js';
import type { DiffCache } from './diff-cache.js';
import { guardFights } from './fight-guard.js';
import { isManifestSource, loadDesired, type ManifestSource } from './load-desired.js';
import { planEstate } from './plan.js';
import { type ClusterSelector, selectShard } from './shard.js';
import { isSelected, restrictPlan, selectTargets, type TargetPattern } from './target.js';

export interface PassOptions {
  gateways: AwsGateways;
  controllerId: string;
  defaultRegion: string;
  mode: 'plan' | 'apply' | 'report';
  prune: boolean;
  adopt: boolean;
  keepRevisions: number;
  /** --allow-empty: prune even when the manifests yield no resources */
  allowEmpty?: boolean;
  /** --max-prune: most orphaned resources one pass deletes (default: the larger of 5 and 25 % of what is managed) */
  maxPrune?: number;
  /** --adopt-cloudformation: --adopt takes over resources a CloudFormation stack owns too */
  adoptCloudFormation?: boolean;
  /** --release: retained (or orphaned) resources whose ownership tags are removed */
  release?: readonly string[];
  /** the repository (remote and path) of the manifests: recorded on resources, checked before prune */
  repository?: string;
  /** the controller id is the fallback default (not given) */
  implicitControllerId?: boolean;
  /** --regions: read these too, for orphans, even when no manifest names them */
  regions?: readonly string[];
  gitRevision?: string;
  now: () => Date;
  redactor?: Redactor;
  onAction?: ApplyContext['onAction'];
  onActionStart?: ApplyContext['onActionStart'];
  /** `--target`: only these resources (and the creates and updates they depend on) are planned, applied and reported */
  target?: readonly TargetPattern[];
  /** asked after planning, before the first change: a sentence refuses the apply (nothing is changed) */
  beforeApply?: (plan: Plan, diffs: readonly ResourceDiff[]) => Promise<string | undefined>;
  /** the diffs, as soon as they are known: before any action changes what they describe */
  onDiffs?: (diffs: readonly ResourceDiff[]) => void;
  onProgress?: (message: string) => void;
  shouldStop?: () => boolean;
  /** resources in backoff after failures: their actions wait, the others go on */
  holdBack?: (resourceId: string) => string | undefined;
  /** the daemon's diff cache (diff-cache.ts): unchanged resources are not diffed again; none in a CLI run */
  diffCache?: DiffCache;
  /** --cluster selectors: this controller's shard of the account (pipeline/shard.ts) */
  clusters?: ClusterSelector;
  /**
   * The live estate, already read, or how to read part of it once the manifests are loaded
   * (the daemon's targeted pass: it re-reads the resources whose manifests changed); read
   * whole when absent or when the function answers undefined.
   */
  live?: LiveEstate | ((desired: readonly DesiredResource[]) => Promise<LiveEstate | undefined>);
  /**
   * For a whole read: the last whole read's estate, taken once (the daemon lets go of it as
   * it hands it over), where the kinds' reads find what is unchanged (a service whose
   * DescribeServices answer is the same is not decoded again: issue 19).
   */
  previousLive?: () => LiveEstate | undefined;
  /** the manifests as loaded, before anything is read: the CLI says the notices, the daemon logs the problems */
  onLoad?: (load: LoadResult) => void;
  /**
   * Interrupts the pass's calls and waits and stops it between actions (SIGTERM, a lost
   * lease): the read under way fails at once (rate-limit and read-budget waits, retry
   * backoff, the request in flight, the pages still to come), the action under way finishes
   * (its polling waits end early), none starts after it, and `stopped` says so.
   */
  signal?: AbortSignal;
  /** `apply --retry-failed`: degraded services are deployed again */
  retryFailed?: boolean;
  /** `--self-heal-during-foreign-rollouts`: a rollout this controller did not start holds nothing back */
  selfHealDuringForeignRollouts?: boolean;
}

/**
 * What the pass asks of whoever runs it again (controller-runtime's Result, as data): the
 * resources whose actions failed (the daemon's Controller requeues each after its
 * per-resource backoff), those that succeeded (their backoff ends), and how many calls AWS
 * throttled (the Controller stretches the whole estate's resync: the read budget is shared).
 */
export interface Requeue {
  failed: ReadonlyArray<{ resource: string; error: string }>;
  /** resources whose action this pass applied: their backoff, if any, is over */
  succeeded: readonly string[];
  /** calls AWS throttled during the pass */
  throttledCalls: number;
}

export interface PassResult {
  report: Report;
  diffs: ResourceDiff[];
  plan: Plan;
  results: ActionResult[];
  problems: Problem[];
  /** the live read failed for at least one region (AWS unreachable, credentials, throttled out) */
  readFailed: boolean;
  /** the live estate this pass judged by */
  live: LiveEstate;
  /** apply stopped early (shouldStop): the actions without a result were not started */
  stopped: boolean;
  /** why beforeApply refused the apply; nothing was changed */
  refused?: string;
  /** the manifests this pass loaded (whole, before the --cluster shard) */
  load: LoadResult;
  requeue: Requeue;
}

/**
 * A Service whose metadata.cluster is an ARN of another account: ECS would not find that
 * cluster from these credentials, and reducing the ARN to its name would create the
 * service in this account's same-named cluster. Refused, located, and the load counts as
 * incomplete (nothing pruned), as for any manifest that does not load.
 */
async function refuseForeignClusterAccounts(load: LoadResult, gateways: AwsGateways): Promise<LoadResult> {
  const named = load.resources.filter((d) => d.clusterAccount !== undefined);
  if (named.length === 0) return load;
  const refused = new Map<DesiredResource, Problem>();
  for (const d of named) {
    let account: string;
    try {
      account = await gateways.forRegion(d.region).callerAccount();
    } catch (err) {
      account = '';
      refused.set(
        d,
        problemAt(d, `cannot check the account of the cluster ARN (${err instanceof Error ? err.message : String(err)}): not applied until it can be`),
      );
      continue;
    }
    if (d.clusterAccount !== account)
      refused.set(
        d,
        problemAt(
          d,
          `the cluster ARN is in account ${d.clusterAccount}, but these credentials are account ${account}: a service cannot be placed in another account's cluster`,
        ),
      );
  }
  if (refused.size === 0) return load;
  return {
    ...load,
    resources: load.resources.filter((d) => !refused.has(d)),
    invalid: [
      ...load.invalid,
      ...[...refused.keys()].map((d) => ({ kind: d.kind, name: d.name, region: d.region, ...(d.cluster ? { cluster: d.cluster } : {}), source: d.source })),
    ],
    problems: [...load.problems, ...refused.values()],
    complete: false,
  };
}

function problemAt(d: DesiredResource, message: string): Problem {
  const at = d.fieldLocations?.['metadata.cluster'];
  return {
    stage: 'validate',
    file: d.source.file,
    line: at?.line ?? d.source.line,
    column: at?.column ?? d.source.column,
    path: 'metadata.cluster',
    resource: resourceId(d),
    message,
  };
}

/**
 * Given a ManifestSource the pass loads the manifests itself (the one load path); a
 * LoadResult is taken as loaded (tests). Every AWS call and wait of the pass honours
 * `opts.signal` (src/aws/pass-signal.ts): an abort mid-read fails the read at once (its
 * region is unreadable, so nothing there is applied or pruned), and the apply stage starts
 * no action after it.
 */
export function runReconcilePass(manifests: ManifestSource | LoadResult, opts: PassOptions): Promise<PassResult> {
  return withPassSignal(opts.signal, () => reconcilePass(manifests, opts));
}

function previousOf(opts: PassOptions): { previous?: LiveEstate } {
  const previous = opts.previousLive?.();
  return previous ? { previous } : {};
}

async function reconcilePass(manifests: ManifestSource | LoadResult, opts: PassOptions): Promise<PassResult> {
  const throttledBefore = opts.gateways.counter.throttled;
  const wholeLoad = isManifestSource(manifests) ? await loadDesired(manifests) : manifests;
  opts.onLoad?.(wholeLoad);
  const load = await refuseForeignClusterAccounts(selectShard(wholeLoad, opts.clusters), opts.gateways);
  const problems: Problem[] = [...load.problems];
  const given = typeof opts.live === 'function' ? await opts.live(load.resources) : opts.live;
  const previous = given ? {} : previousOf(opts);
  // a whole read without the last estate (none given, or an empty one after a region could
  // not be read): the cache's diffs let go of their records before the new ones are read.
  // One given the last estate holds it anyway (it takes its unchanged records again), and the
  // cached diffs stay as they are: a hit on the same record is then the same diff, not two
  // copies of each of 20,000 a pass (issue 19)
  if (!given && (!previous.previous || holdsNoRecord(previous.previous))) opts.diffCache?.forgetLive();
  const live =
    given ??
    (await readLiveEstate(opts.gateways, {
      controllerId: opts.controllerId,
      regions: [opts.defaultRegion, ...(opts.regions ?? [])],
      desired: load.resources,
      ...(opts.clusters ? { clusters: opts.clusters } : {}),
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
      ...previous,
    }));
  for (const [region, reason] of live.unreadable) problems.push({ stage: 'read', message: `cannot read live state in ${region}: ${reason}` });

  const diffInput = {
    desired: load.resources,
    invalid: load.invalid,
    live,
    controllerId: opts.controllerId,
    defaultRegion: opts.defaultRegion,
    adopt: opts.adopt,
    ...(opts.adoptCloudFormation ? { adoptCloudFormation: true } : {}),
    ...(opts.repository ? { repository: opts.repository } : {}),
    ...(opts.retryFailed ? { retryFailed: true } : {}),
    ...(opts.selfHealDuringForeignRollouts ? { selfHealDuringForeignRollouts: true } : {}),
  };
  // the daemon's cache across passes; a CLI run diffs once (twice with unresolved revisions), uncached
  const diffCache = opts.diffCache;
  let plainDiffs = diffEstate(diffInput, diffCache);
  // Revisions known only by a service's record are read when a diff needs their fields
  // (a changed manifest, an ignored field taken from live), and only those.
  const unresolved = new Set(plainDiffs.flatMap((d) => d.unresolvedRevisions ?? []));
  if (unresolved.size) {
    const unreadableBefore = new Set(live.unreadable.keys());
    await describeRecordedRevisions(opts.gateways, live, unresolved);
    for (const [region, reason] of live.unreadable)
      if (!unreadableBefore.has(region)) problems.push({ stage: 'read', message: `cannot read live state in ${region}: ${reason}` });
    plainDiffs = diffEstate(diffInput, diffCache);
  }
  // The fight guard reads what earlier passes applied from the resources' own tags.
  const diffs = guardFights(plainDiffs, opts.now());
  opts.onDiffs?.(diffs);
  const readFailed = live.unreadable.size > 0;
  // A region that could not be read must not look empty: nothing there is created or pruned.
  const readable = readFailed ? diffs.filter((d) => !live.unreadable.has(d.region)) : diffs;
  const wholePlan = planEstate(readable, {
    prune: opts.prune,
    loadComplete: load.complete,
    keepRevisions: opts.keepRevisions,
    controllerId: opts.controllerId,
    ...(opts.allowEmpty ? { allowEmpty: true } : {}),
    ...(opts.maxPrune !== undefined ? { maxPrune: opts.maxPrune } : {}),
    ...(opts.repository ? { repository: opts.repository } : {}),
    ...(opts.implicitControllerId ? { implicitControllerId: true } : {}),
    ...(opts.release?.length ? { release: opts.release } : {}),
  });
  const selection = opts.target?.length ? selectTargets(diffs, opts.target) : undefined;
  if (selection) for (const t of selection.unmatched) problems.push({ stage: 'plan', message: `--target ${t} matches no resource, in the manifests or live` });
  const plan = selection ? restrictPlan(wholePlan, selection) : wholePlan;
  const reported = selection ? diffs.filter((d) => isSelected(d.id, selection)) : diffs;
  if (opts.holdBack) {
    const held = new Map<string, string>();
    for (const a of plan.actions) {
      const why = opts.holdBack(a.resource);
      if (why) held.set(a.resource, why);
    }
    if (held.size) {
      // a create or update held back has not succeeded: the prune stage waits for it too
      const heldUpdate = plan.actions.find((a) => held.has(a.resource) && stageOf(a.kind) === 'apply');
      const pruneActions = heldUpdate ? plan.actions.filter((a) => stageOf(a.kind) === 'prune' && !held.has(a.resource)) : [];
      if (pruneActions.length) {
        const reason = `prune skipped: ${heldUpdate!.resource} is backing off after a failure; nothing is deleted until every create and update succeeds`;
        for (const a of pruneActions) held.set(a.resource, reason);
        if (plan.prune) plan.prune = { ...plan.prune, status: 'refused', reason };
      }
      plan.actions = plan.actions.filter((a) => !held.has(a.resource));
      for (const [resource, reason] of held)
        plan.skipped.push({ resource, reason: reason.startsWith('prune skipped') ? reason : `backing off: ${reason}`, error: false });
    }
  }
  // A refused prune stage is one problem, not one per orphan (the report lists each resource).
  const stageRefusal = plan.prune?.status === 'refused' ? plan.prune.reason : undefined;
  if (stageRefusal) problems.push({ stage: 'prune', message: stageRefusal });
  for (const s of plan.skipped) {
    if (!s.error || s.reason === stageRefusal) continue;
    problems.push({ stage: s.reason.startsWith('orphaned, not pruned') ? 'prune' : 'plan', resource: s.resource, message: s.reason });
  }

  let results: ActionResult[] = [];
  let stopped = false;
  const refused = opts.mode === 'apply' && plan.actions.length && opts.beforeApply ? await opts.beforeApply(plan, reported) : undefined;
  if (refused) problems.push({ stage: 'apply', message: refused });
  if (opts.mode === 'apply' && plan.actions.length && !refused) {
    const applied = await applyPlan(plan, diffs, {
      gateways: opts.gateways,
      controllerId: opts.controllerId,
      ...(opts.gitRevision ? { gitRevision: opts.gitRevision } : {}),
      ...(opts.repository ? { repository: opts.repository } : {}),
      ...(opts.onAction ? { onAction: opts.onAction } : {}),
      ...(opts.onActionStart ? { onActionStart: opts.onActionStart } : {}),
      ...(opts.shouldStop || opts.signal ? { shouldStop: () => opts.signal?.aborted === true || opts.shouldStop?.() === true } : {}),
    });
    results = applied.results;
    stopped = applied.stopped;
    problems.push(...applied.problems);
    const pruneSkipped = applied.problems.find((p) => p.stage === 'prune' && !p.resource);
    if (pruneSkipped && plan.prune) plan.prune = { ...plan.prune, status: 'refused', reason: pruneSkipped.message };
  }
  const report = buildReport({
    diffs: reported,
    plan,
    results,
    problems,
    loadComplete: load.complete,
    controllerId: opts.controllerId,
    ...(opts.repository ? { repository: opts.repository } : {}),
    mode: refused ? 'plan' : opts.mode,
    now: opts.now(),
    ...(opts.gitRevision ? { gitRevision: opts.gitRevision } : {}),
    ...(opts.redactor ? { redactor: opts.redactor } : {}),
  });
  const requeue: Requeue = {
    failed: results.filter((r) => r.outcome === 'failed').map((r) => ({ resource: r.action.resource, error: r.message ?? 'failed' })),
    succeeded: results.filter((r) => r.outcome === 'applied').map((r) => r.action.resource),
    throttledCalls: opts.gateways.counter.throttled - throttledBefore,
  };
  return {
    report,
    diffs: reported,
    plan,
    results,
    problems,
    readFailed,
    live,
    stopped: stopped || opts.signal?.aborted === true,
    ...(refused ? { refused } : {}),
    load: wholeLoad,
    requeue,
  };
}
