/**
 * Carries a plan out through the gateway, each action by its kind's handler
 * (src/kinds/<kind>/actions.ts). Every resource it creates or changes is tagged
 * (managed-by, applied-hash, source, git revision). A resource's actions stop at its
 * first error while the other resources go on; a resource whose dependency (a service's
 * cluster or task definition) failed is not touched.
 */

import { type ActionRun, type ApplyContext, actionRun, KeptForNow } from '../apply/action-run.js';
import { type ErrorDetails, errorDetails, wholeAction } from '../aws/index.js';
import type { ResourceDiff } from '../diff/types.js';
import { kindOf, stageOf } from '../kinds/registry.js';
import type { Problem } from '../model/problem.js';
import type { ActionResult, Plan } from '../plan/types.js';
import { liveFightTag } from './fight-guard.js';

export interface ApplyResult {
  results: ActionResult[];
  problems: Problem[];
  stopped: boolean;
}

export async function applyPlan(plan: Plan, diffs: readonly ResourceDiff[], ctx: ApplyContext): Promise<ApplyResult> {
  const byId = new Map(diffs.map((d) => [d.id, d]));
  const failed = new Set<string>();
  const registered = new Map<string, string>(); // TaskDefinition id -> revision ARN registered now
  const results: ActionResult[] = [];
  const problems: Problem[] = [];
  let stopped = false;
  /** why the prune stage does not run, once an apply-stage action failed */
  let pruneBlocked: string | undefined;

  for (const [index, action] of plan.actions.entries()) {
    if (ctx.shouldStop?.()) {
      stopped = true;
      break;
    }
    const d = byId.get(action.resource);
    const started = performance.now();
    const finish = (outcome: ActionResult['outcome'], message?: string, error?: ErrorDetails) => {
      const r: ActionResult = {
        action,
        outcome,
        durationMs: Math.round(performance.now() - started),
        ...(message ? { message } : {}),
        ...(error ? { error } : {}),
      };
      results.push(r);
      ctx.onAction?.(r);
    };
    const stage = stageOf(action.kind);
    if (stage === 'prune' && pruneBlocked === undefined) {
      // Flux's rule: deletions run only after every create and update of the pass succeeded
      // (a renamed service whose new copy failed to create must not lose the old one).
      const notApplied = results.filter((r) => stageOf(r.action.kind) === 'apply' && r.outcome !== 'applied');
      if (notApplied.length)
        pruneBlocked = `prune skipped: ${notApplied.length} create or update action(s) of this pass did not succeed (${notApplied[0]!.action.kind} ${notApplied[0]!.action.resource}); nothing is deleted until every create and update succeeds`;
      else pruneBlocked = '';
      if (pruneBlocked) problems.push({ stage: 'prune', message: pruneBlocked });
    }
    if (stage === 'prune' && pruneBlocked) {
      finish('skipped', pruneBlocked);
      continue;
    }
    if (!d || failed.has(action.resource)) {
      finish('skipped', 'an earlier action on this resource failed');
      continue;
    }
    const blockedBy = d.desired
      ? kindOf(d.kind)
          .dependsOn(d.desired)
          .find((id) => failed.has(id))
      : undefined;
    if (blockedBy) {
      failed.add(d.id);
      finish('skipped', `${blockedBy} failed; this ${d.kind} is left as it is`);
      problems.push({ stage: 'apply', resource: d.id, message: `not applied: ${blockedBy} failed` });
      continue;
    }
    ctx.onActionStart?.(action, index + 1, plan.actions.length);
    try {
      const gw = ctx.gateways.forRegion(d.region);
      const run = actionRun(action, d, gw, ctx, registered, byId, liveFightTag(d));
      // the action under way finishes: a shutdown does not cut its calls (src/aws/pass-signal.ts)
      const message = await wholeAction(() => runAction(run));
      finish('applied', message ?? (run.kept.length ? run.kept.join('; ') : undefined));
    } catch (err) {
      if (err instanceof KeptForNow) {
        finish('skipped', err.message);
        continue;
      }
      failed.add(d.id);
      const message = err instanceof Error ? err.message : String(err);
      finish('failed', message, errorDetails(err));
      problems.push({ stage, resource: d.id, message: `${action.kind} failed: ${message}` });
    }
  }
  return { results, problems, stopped };
}

async function runAction(run: ActionRun): Promise<string | undefined> {
  const kind = kindOf(run.d.kind);
  if (run.action.kind === 'release-resource') {
    if (!run.d.live) throw new Error(`${run.d.id}: nothing live to release`);
    return kind.release(run.d.live, run.gw, run.ctx.controllerId);
  }
  const handler = kind.actions[run.action.kind];
  if (!handler) throw new Error(`${run.action.kind} is not an action of a ${kind.name}`);
  return handler.run(run);
}
