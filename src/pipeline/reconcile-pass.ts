/**
 * One reconcile pass, the straight line of DESIGN.md: load, read live, diff, plan,
 * apply (unless plan or report mode), report. A stage's failure stops the line there
 * and is reported with its stage; prune is planned only when loading was complete.
 */
import { applyPlan, type ActionResult, type ApplyContext } from '../apply/index.js';
import type { AwsGateways } from '../aws/index.js';
import { diffEstate, type ResourceDiff } from '../diff/index.js';
import { describeRecordedRevisions, readLiveEstate, type LiveEstate } from '../live/index.js';
import type { LoadResult } from '../manifests/index.js';
import type { Problem } from '../model/problem.js';
import { planEstate, type Plan } from '../plan/index.js';
import { buildReport, Redactor, type Report } from '../report/index.js';
import { selectShard, type ClusterSelector } from './shard.js';

export interface PassOptions {
  gateways: AwsGateways;
  controllerId: string;
  defaultRegion: string;
  mode: 'plan' | 'apply' | 'report';
  prune: boolean;
  adopt: boolean;
  keepRevisions: number;
  gitRevision?: string;
  now: () => Date;
  redactor?: Redactor;
  onAction?: ApplyContext['onAction'];
  onProgress?: (message: string) => void;
  shouldStop?: () => boolean;
  /** resources in backoff after failures: their actions wait, the others go on */
  holdBack?: (resourceId: string) => string | undefined;
  /** --cluster selectors: this controller's shard of the account (pipeline/shard.ts) */
  clusters?: ClusterSelector;
  /** the live estate, already read (a targeted pass of the daemon); read whole otherwise */
  live?: LiveEstate;
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
}

export async function runReconcilePass(wholeLoad: LoadResult, opts: PassOptions): Promise<PassResult> {
  const load = selectShard(wholeLoad, opts.clusters);
  const problems: Problem[] = [...load.problems];
  const live = opts.live ?? await readLiveEstate(opts.gateways, {
    controllerId: opts.controllerId,
    regions: [opts.defaultRegion],
    desired: load.resources,
    ...(opts.clusters ? { clusters: opts.clusters } : {}),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  });
  for (const [region, reason] of live.unreadable) problems.push({ stage: 'read', message: `cannot read live state in ${region}: ${reason}` });

  const diffInput = {
    desired: load.resources,
    invalid: load.invalid,
    live,
    controllerId: opts.controllerId,
    defaultRegion: opts.defaultRegion,
    adopt: opts.adopt,
  };
  let diffs = diffEstate(diffInput);
  // Revisions known only by a service's record are read when a diff needs their fields
  // (a changed manifest, an ignored field taken from live), and only those.
  const unresolved = new Set(diffs.flatMap((d) => d.unresolvedRevisions ?? []));
  if (unresolved.size) {
    const unreadableBefore = new Set(live.unreadable.keys());
    await describeRecordedRevisions(opts.gateways, live, unresolved);
    for (const [region, reason] of live.unreadable) if (!unreadableBefore.has(region)) problems.push({ stage: 'read', message: `cannot read live state in ${region}: ${reason}` });
    diffs = diffEstate(diffInput);
  }
  const readFailed = live.unreadable.size > 0;
  // A region that could not be read must not look empty: nothing there is created or pruned.
  const readable = readFailed ? diffs.filter((d) => !live.unreadable.has(d.region)) : diffs;
  const plan = planEstate(readable, { prune: opts.prune, loadComplete: load.complete, keepRevisions: opts.keepRevisions, controllerId: opts.controllerId });
  if (opts.holdBack) {
    const held = new Map<string, string>();
    for (const a of plan.actions) {
      const why = opts.holdBack(a.resource);
      if (why) held.set(a.resource, why);
    }
    if (held.size) {
      plan.actions = plan.actions.filter((a) => !held.has(a.resource));
      for (const [resource, reason] of held) plan.skipped.push({ resource, reason: `backing off: ${reason}`, error: false });
    }
  }
  for (const s of plan.skipped) if (s.error) problems.push({ stage: 'plan', resource: s.resource, message: s.reason });

  let results: ActionResult[] = [];
  if (opts.mode === 'apply' && plan.actions.length) {
    const applied = await applyPlan(plan, diffs, {
      gateways: opts.gateways,
      controllerId: opts.controllerId,
      ...(opts.gitRevision ? { gitRevision: opts.gitRevision } : {}),
      ...(opts.onAction ? { onAction: opts.onAction } : {}),
      ...(opts.shouldStop ? { shouldStop: opts.shouldStop } : {}),
    });
    results = applied.results;
    problems.push(...applied.problems);
  }
  const report = buildReport({
    diffs,
    plan,
    results,
    problems,
    loadComplete: load.complete,
    controllerId: opts.controllerId,
    mode: opts.mode,
    now: opts.now(),
    ...(opts.gitRevision ? { gitRevision: opts.gitRevision } : {}),
    ...(opts.redactor ? { redactor: opts.redactor } : {}),
  });
  return { report, diffs, plan, results, problems, readFailed, live };
}
