/**
 * A service's tasks by last status (issue 16, item 1): PENDING, RUNNING, STOPPING, STOPPED,
 * with the stopped reasons of recent failures. DescribeServices gives only counts
 * (runningCount, pendingCount); the list costs ListTasks and DescribeTasks, so it is read
 * only where it says something the counts do not: for a service with a rollout under way
 * or failed tasks (the live read), and on demand (the daemon's /report/tasks).
 *
 * Why two ListTasks: ListTasks filters on desiredStatus, not lastStatus ("desiredStatus:
 * The task desired status to use when filtering the ListTasks results ... The default
 * status filter is RUNNING"); a PENDING or RUNNING task has desiredStatus RUNNING, a
 * STOPPING one already has desiredStatus STOPPED, and STOPPED tasks "appear in the
 * returned results for at least one hour" ([API] ListTasks). At most 100 of each are
 * described (one DescribeTasks call each): enough to count a rollout's tasks and name
 * its failures, bounded for a service of thousands.
 */
import type { Gateway as AwsGateway } from '../../aws/index.js';
import { isoTime } from '../../model/json.js';
import type { LiveService, LiveServiceTask } from '../../model/live.js';
import { emptyRecord } from '../../model/own-keys.js';

/** The lastStatus values in a task's life, in order ([API] Task lifecycle); others (PROVISIONING, DEPROVISIONING, ...) are counted as given. */
export const TASK_STATES = ['PENDING', 'RUNNING', 'STOPPING', 'STOPPED'] as const;

const DESCRIBED_PER_STATUS = 100;

/** ListTasks (desired RUNNING, then STOPPED) and DescribeTasks: the service's tasks, newest stop first among the stopped. */
export async function readServiceTasks(gw: AwsGateway, cluster: string, serviceName: string): Promise<LiveServiceTask[]> {
  const running = (await gw.listTaskArns(cluster, serviceName, 'RUNNING')).slice(0, DESCRIBED_PER_STATUS);
  const stopped = (await gw.listTaskArns(cluster, serviceName, 'STOPPED')).slice(0, DESCRIBED_PER_STATUS);
  const arns = [...new Set([...running, ...stopped])];
  const described = arns.length ? await gw.describeTasks(cluster, arns) : [];
  return described
    .map(
      (t): LiveServiceTask => ({
        arn: t.taskArn ?? '',
        lastStatus: t.lastStatus ?? 'UNKNOWN',
        ...(t.desiredStatus ? { desiredStatus: t.desiredStatus } : {}),
        ...(t.taskDefinitionArn ? { taskDefinitionArn: t.taskDefinitionArn } : {}),
        ...(t.startedBy ? { startedBy: t.startedBy } : {}),
        ...(isoTime(t.startedAt) ? { startedAt: isoTime(t.startedAt) } : {}),
        ...(isoTime(t.stoppedAt) ? { stoppedAt: isoTime(t.stoppedAt) } : {}),
        ...(t.stopCode ? { stopCode: t.stopCode } : {}),
        ...(t.stoppedReason ? { stoppedReason: t.stoppedReason } : {}),
      }),
    )
    .sort((a, b) => (b.stoppedAt ?? '').localeCompare(a.stoppedAt ?? ''));
}

/** CodeDeploy's DeploymentStatus values before an outcome ([CodeDeploy] DeploymentInfo.status). */
const CODE_DEPLOY_UNDER_WAY = new Set(['Created', 'Queued', 'InProgress', 'Baking', 'Ready']);

/**
 * A rollout is under way: more than one deployment (old tasks still to replace) or a
 * PRIMARY deployment IN_PROGRESS ([API] Deployment.rolloutState), or, for a CODE_DEPLOY
 * service (whose rollouts are task sets, not deployments), the CodeDeploy deployment this
 * controller started has no outcome yet. Then the task list says how far it got; a steady
 * service's counts say all there is.
 */
export function rolloutUnderWay(live: Pick<LiveService, 'deployments' | 'codeDeployDeployment'>): boolean {
  return (
    live.deployments.length > 1 ||
    live.deployments.some((d) => d.status === 'PRIMARY' && d.rolloutState === 'IN_PROGRESS') ||
    CODE_DEPLOY_UNDER_WAY.has(live.codeDeployDeployment?.status ?? '')
  );
}

/** Tasks by last status, the four of a task's life always present. */
export function tasksByStatus(tasks: readonly Pick<LiveServiceTask, 'lastStatus'>[]): Record<string, number> {
  const counts: Record<string, number> = emptyRecord();
  for (const s of TASK_STATES) counts[s] = 0;
  for (const t of tasks) counts[t.lastStatus] = (counts[t.lastStatus] ?? 0) + 1;
  return { ...counts };
}
