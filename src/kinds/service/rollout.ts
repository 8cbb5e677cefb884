/**
 * A service's rollouts as the controller judges them (issue 16, items 1 to 3). Pure: the
 * live service, its manifest's hash and annotations in, a judgement out.
 *
 * Why this exists: when ECS's deployment circuit breaker (or a CloudWatch alarm) rolls a
 * failed deployment back, "the service is rolled back to the last deployment that
 * completed successfully" ([API] DeploymentCircuitBreaker). The service then runs the
 * previous revision again, which the diff alone reads as drift: restoring it deploys the
 * failing revision again, one failed deployment a pass, for ever. And a rollout someone
 * else started (CI running ecspresso, the console) is, in its middle, not drift but work
 * under way.
 *
 * Which deployment is ours: ECS's Deployment has no "started by" member, so the
 * controller recognises its own by the id of the deployment it started
 * (`ecs-reconciler:deployment`, for the events) and the revision it gave the service, recorded on the
 * service at apply (`ecs-reconciler:task-definition`, model/revision-record.ts), or, for a
 * manifest that pins a revision by ARN, by that ARN.
 *
 * Memory across restarts: once rolled back, the failed deployment goes INACTIVE and
 * leaves DescribeServices' `deployments` ("INACTIVE: A deployment that has been completely
 * replaced"), so the failure is recorded in a tag on the service (`ecs-reconciler:degraded`),
 * like the fight guard's: `<manifest hash> <retry hash> <since> <deployment id> <family:revision> <rolled-back|failed>`.
 */

import { specHash } from '../../diff/hash.js';
import type { DegradedSummary } from '../../diff/types.js';
import type { LiveDeployment, LiveService } from '../../model/live.js';
import { ANNOTATION, type DesiredResource, TAG } from '../../model/resource.js';
import { revisionLabel } from '../../model/revision-arn.js';
import { codeDeployFailed, codeDeployNotInPlace, codeDeployRecordOf, usesCodeDeploy } from './codedeploy.js';
import { type DegradedRecord, formatDegradedTag, parseDegradedTag } from './degraded-record.js';

/** The retry annotation's value as the record keeps it (any string: hashed, so the tag stays within ECS's tag characters). */
function retryHashOf(d: Pick<DesiredResource, 'annotations'> | undefined): string {
  return specHash(d?.annotations[ANNOTATION.retry] ?? '');
}

/** family:revision of a task definition ARN, for people (the ARN itself when it is not one). */

/** The revision ARN this controller last gave the service (its record), or the ARN the manifest pins. */
function ourRevisionArn(live: LiveService, d: DesiredResource | undefined): string | undefined {
  const recorded = live.tags[TAG.taskDefinition];
  if (recorded) return recorded;
  const ref = d?.spec.taskDefinition;
  return typeof ref === 'string' && ref.startsWith('arn:') ? ref : undefined;
}

export function isOurDeployment(live: LiveService, dep: LiveDeployment, d: DesiredResource | undefined): boolean {
  const ours = ourRevisionArn(live, d);
  return ours !== undefined && dep.taskDefinitionArn === ours;
}

export function primaryDeployment(live: LiveService): LiveDeployment | undefined {
  return live.deployments.find((x) => x.status === 'PRIMARY');
}

const time = (dep: LiveDeployment) => Date.parse(dep.createdAt ?? '') || 0;

/**
 * Our newest deployment that ECS failed, unless a later deployment of the same revision
 * (a retry) has replaced it. "A deployment in FAILED state doesn't launch any new tasks"
 * ([API] Deployment, rolloutState); with rollback on, ECS starts a new PRIMARY deployment
 * of the previous revision, so ours is then no longer the PRIMARY.
 */
function failedDeploymentOfOurs(live: LiveService, d: DesiredResource | undefined): LiveDeployment | undefined {
  const ours = live.deployments.filter((dep) => isOurDeployment(live, dep, d)).sort((a, b) => time(b) - time(a));
  const newest = ours[0];
  return newest?.rolloutState === 'FAILED' ? newest : undefined;
}

/**
 * A failed deployment of ours that ECS has already rolled back and dropped from the list
 * (it goes INACTIVE once the rollback completes, which may be before the next pass): known
 * from the service's events, newest first, as ECS words them ("Service event messages":
 * "(service NAME) (deployment ID) deployment failed: tasks failed to start.", then
 * "(service NAME) rolling back to deployment ID."). Only while the service runs another
 * revision than the one this controller gave it and none of ours is listed.
 */
const DEPLOYMENT_FAILED = /\(deployment (\S+)\) deployment failed(?:: (.*))?/;
const ROLLING_BACK = /rolling back to deployment/;

/** An event the rollout judgement reads (a failed deployment, a rollback): the live read keeps these past the report's few. */
export function isRolloutEvent(message: string): boolean {
  return DEPLOYMENT_FAILED.test(message) || ROLLING_BACK.test(message);
}

function failureFromEvents(
  live: LiveService,
  d: DesiredResource | undefined,
): { deploymentId: string; reason: string; at?: string; rolledBack: boolean } | undefined {
  const ours = ourRevisionArn(live, d);
  const started = live.tags[TAG.deployment];
  if (!ours || !started || live.deployments.some((dep) => dep.taskDefinitionArn === ours)) return undefined;
  for (const e of live.events) {
    const m = DEPLOYMENT_FAILED.exec(e.message);
    // only the deployment this controller started (recorded at apply): an older failure's events stay listed for long
    if (m && m[1] === started)
      return {
        deploymentId: m[1]!,
        reason: m[2] ? `deployment failed: ${m[2]}` : 'deployment failed',
        ...(e.at ? { at: e.at } : {}),
        rolledBack: live.events.some((x) => ROLLING_BACK.test(x.message)),
      };
  }
  return undefined;
}

export interface RolloutJudgement {
  degraded?: DegradedSummary;
  /** the record to write: a failure seen for the first time */
  degradedTag?: string;
  /** a rollout this controller did not start is under way */
  foreignRollout?: string;
}

export interface RolloutJudgeOptions {
  /** the manifest hash now, and the one last applied (the applied-hash tag) */
  desiredHash: string;
  appliedHash: string | undefined;
  /** `apply --retry-failed`: a degraded service is deployed again */
  retryFailed?: boolean;
  /** `--self-heal-during-foreign-rollouts`: a rollout someone else started does not hold the service back */
  selfHealDuringForeignRollouts?: boolean;
}

export function judgeRollout(live: LiveService, d: DesiredResource | undefined, opts: RolloutJudgeOptions): RolloutJudgement {
  const retryHash = retryHashOf(d);
  const record = parseDegradedTag(live.tags[TAG.degraded]);
  const failed = failedDeploymentOfOurs(live, d);
  const primary = primaryDeployment(live);
  const stoppedReasons = [...new Set((live.stoppedTasks ?? []).map((t) => t.stoppedReason).filter((r): r is string => !!r))].slice(0, 5);
  if (!opts.retryFailed) {
    // Known from the record: the same manifest, no new retry value.
    if (record && record.desiredHash === opts.desiredHash && record.retryHash === retryHash) {
      const listed = live.deployments.find((dep) => dep.id === record.deploymentId);
      return {
        degraded: {
          revision: record.revision,
          deploymentId: record.deploymentId,
          ...(listed?.rolloutStateReason ? { reason: listed.rolloutStateReason } : {}),
          rolledBack: record.rolledBack,
          since: record.since,
          stoppedReasons,
        },
      };
    }
    // A failure of the manifest last applied, seen for the first time: reported, and recorded
    // on the service so that the same manifest is not deployed again.
    const newlyDegraded = (
      failure: Pick<DegradedRecord, 'since' | 'deploymentId' | 'revision' | 'rolledBack'>,
      reason: string | undefined,
    ): RolloutJudgement => {
      const next: DegradedRecord = { desiredHash: opts.desiredHash, retryHash, ...failure };
      const { since, deploymentId, revision, rolledBack } = next;
      return { degraded: { revision, deploymentId, ...(reason ? { reason } : {}), rolledBack, since, stoppedReasons }, degradedTag: formatDegradedTag(next) };
    };
    // Known from the events only: ECS already rolled it back and dropped it from the list.
    const fromEvents = failed ? undefined : failureFromEvents(live, d);
    if (fromEvents && !(record && record.deploymentId === fromEvents.deploymentId) && opts.appliedHash === opts.desiredHash)
      return newlyDegraded(
        {
          since: fromEvents.at ?? new Date(0).toISOString(),
          deploymentId: fromEvents.deploymentId,
          revision: revisionLabel(ourRevisionArn(live, d) ?? ''),
          rolledBack: fromEvents.rolledBack,
        },
        fromEvents.reason,
      );
    // Seen now: a failed deployment of the manifest last applied, not one a retry value already answered.
    const answered = record !== undefined && failed !== undefined && record.deploymentId === failed.id;
    if (failed && !answered && opts.appliedHash === opts.desiredHash)
      return newlyDegraded(
        {
          // when ECS failed it (the diff is pure: no clock)
          since: failed.updatedAt ?? failed.createdAt ?? new Date(0).toISOString(),
          deploymentId: failed.id ?? 'unknown',
          revision: revisionLabel(failed.taskDefinitionArn),
          rolledBack: primary !== undefined && primary !== failed,
        },
        failed.rolloutStateReason,
      );
    // CODE_DEPLOY: CodeDeploy failed or stopped our deployment (the original task set keeps
    // serving): degraded like an ECS rollback, the same record, the same no-redeploy rule
    const cd = live.codeDeployDeployment;
    if (cd && codeDeployFailed(cd) && record?.deploymentId !== cd.id && opts.appliedHash === opts.desiredHash)
      return newlyDegraded(
        { since: cd.at ?? new Date(0).toISOString(), deploymentId: cd.id, revision: revisionLabel(ourRevisionArn(live, d) ?? ''), rolledBack: cd.rolledBack },
        `CodeDeploy deployment ${cd.status}${cd.reason ? `: ${cd.reason}` : ''}`,
      );
  }
  // CODE_DEPLOY: the service runs the new revision (or network configuration) only once
  // CodeDeploy's deployment has succeeded; until then the same manifest is not deployed again. A failed one is degraded
  // (above) until a new retry value answers its record: then it may be deployed again.
  const started = codeDeployRecordOf(live.tags[TAG.deployment])?.id;
  const given = ourRevisionArn(live, d);
  const retried = record !== undefined && record.deploymentId === started && record.retryHash !== retryHash;
  if (
    usesCodeDeploy(live.spec) &&
    started &&
    given &&
    codeDeployNotInPlace(live, given) &&
    opts.appliedHash === opts.desiredHash &&
    !opts.retryFailed &&
    !retried
  ) {
    return {
      foreignRollout: `the CodeDeploy deployment ${started} this controller started for this manifest has not put ${revisionLabel(given)} with its network configuration in place (under way, or failed): not deployed again for the same manifest (apply --retry-failed to try again)`,
    };
  }
  // ECS's own rollback of a failed deployment of ours is no one else's rollout: a new manifest (or a retry) may replace it
  const rollingBack = failed !== undefined && primary !== failed;
  if (primary?.rolloutState === 'IN_PROGRESS' && !rollingBack && !isOurDeployment(live, primary, d) && !opts.selfHealDuringForeignRollouts) {
    return {
      foreignRollout: `a rollout this controller did not start is under way (deployment ${primary.id ?? '?'} of ${revisionLabel(primary.taskDefinitionArn)}${primary.createdAt ? ` since ${primary.createdAt}` : ''}): left alone until it ends (--self-heal-during-foreign-rollouts to override)`,
    };
  }
  return {};
}

export function degradedReason(s: DegradedSummary): string {
  const what = s.rolledBack ? 'failed and ECS rolled it back' : 'failed';
  return `this controller's deployment ${s.deploymentId} of ${s.revision} ${what}${s.reason ? ` (${s.reason})` : ''}${s.stoppedReasons.length ? `; stopped tasks: ${s.stoppedReasons.join('; ')}` : ''}: not deployed again until the manifest changes, ${ANNOTATION.retry} gets a new value, or apply --retry-failed`;
}
