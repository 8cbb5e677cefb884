/**
 * One reconcile pass, the straight line of DESIGN.md: load, read live, diff, plan,
 * apply (unless plan or report mode), report. A stage's failure stops the line there
 * and is reported with its stage; prune is planned only when loading was complete.
 */
import { applyPlan, type ActionResult, type ApplyContext } from '../apply/index.js';
import type { AwsGateways } from '../aws/index.js';
import { diffEstate, guardFights, type ResourceDiff } from '../diff/index.js';
import { readLiveEstate, type LiveEstate } from '../live/index.js';
import type { LoadResult } from '../manifests/index.js';
import type { Problem } from '../model/problem.js';
import { planEstate, restrictPlan, selectTargets, isSelected, type Plan, type TargetPattern } from '../plan/index.js';
import { buildReport, Redactor, type Report } from '../report/index.js';

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
  /** apply stopped early (shouldStop): the actions without a result were not started */
  stopped: boolean;
  /** why beforeApply refused the apply; nothing was changed */
  refused?: string;
}

export async function runReconcilePass(load: LoadResult, opts: PassOptions): Promise<PassResult> {
  const problems: Problem[] = [...load.problems];
  const live = opts.live ?? await readLiveEstate(opts.gateways, {
    controllerId: opts.controllerId,
    regions: [opts.defaultRegion],
    desired: load.resources,
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  });
  for (const [region, reason] of live.unreadable) problems.push({ stage: 'read', message: `cannot read live state in ${region}: ${reason}` });
  const readFailed = live.unreadable.size > 0;

  // The fight guard reads what earlier passes applied from the resources' own tags.
  const diffs = guardFights(diffEstate({
    desired: load.resources,
    invalid: load.invalid,
    live,
    controllerId: opts.controllerId,
    defaultRegion: opts.defaultRegion,
    adopt: opts.adopt,
  }), opts.now());
  opts.onDiffs?.(diffs);
  // A region that could not be read must not look empty: nothing there is created or pruned.
  const readable = readFailed ? diffs.filter((d) => !live.unreadable.has(d.region)) : diffs;
  const wholePlan = planEstate(readable, { prune: opts.prune, loadComplete: load.complete, keepRevisions: opts.keepRevisions, controllerId: opts.controllerId });
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
      plan.actions = plan.actions.filter((a) => !held.has(a.resource));
      for (const [resource, reason] of held) plan.skipped.push({ resource, reason: `backing off: ${reason}`, error: false });
    }
  }
  for (const s of plan.skipped) if (s.error) problems.push({ stage: 'plan', resource: s.resource, message: s.reason });

  let results: ActionResult[] = [];
  let stopped = false;
  const refused = opts.mode === 'apply' && plan.actions.length && opts.beforeApply ? await opts.beforeApply(plan, reported) : undefined;
  if (refused) problems.push({ stage: 'apply', message: refused });
  if (opts.mode === 'apply' && plan.actions.length && !refused) {
    const applied = await applyPlan(plan, diffs, {
      gateways: opts.gateways,
      controllerId: opts.controllerId,
      ...(opts.gitRevision ? { gitRevision: opts.gitRevision } : {}),
      ...(opts.onAction ? { onAction: opts.onAction } : {}),
      ...(opts.onActionStart ? { onActionStart: opts.onActionStart } : {}),
      ...(opts.shouldStop ? { shouldStop: opts.shouldStop } : {}),
    });
    results = applied.results;
    stopped = applied.stopped;
    problems.push(...applied.problems);
  }
  const report = buildReport({
    diffs: reported,
    plan,
    results,
    problems,
    loadComplete: load.complete,
    controllerId: opts.controllerId,
    mode: refused ? 'plan' : opts.mode,
    now: opts.now(),
    ...(opts.gitRevision ? { gitRevision: opts.gitRevision } : {}),
    ...(opts.redactor ? { redactor: opts.redactor } : {}),
  });
  return { report, diffs: reported, plan, results, problems, readFailed, live, stopped, ...(refused ? { refused } : {}) };
}
