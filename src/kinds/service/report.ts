/** The Service's part of the report: rollout health and auto scaling. */
import { z } from 'zod';
import { CHANGE_CAUSES, type ResourceDiff } from '../../diff/types.js';
import type { LiveService, LiveServiceTask } from '../../model/live.js';
import { revisionLabel } from '../../model/revision-arn.js';
import { serviceCapacityProviders } from '../cluster/capacity.js';
import { isOurDeployment, primaryDeployment } from './rollout.js';
import { TASK_STATES, tasksByStatus } from './tasks.js';

/** The latest events a service's report shows (the live read keeps these and the rollout judgement's: read.ts). */
export const SERVICE_EVENTS_REPORTED = 5;

export const ReportScalingSchema = z.object({
  desiredCount: z.number(),
  minCapacity: z.number().optional(),
  maxCapacity: z.number().optional(),
  policies: z.array(z.string()),
  scheduledActions: z.array(z.string()),
  desiredCountCause: z.enum(CHANGE_CAUSES).describe('who the current desiredCount comes from'),
});

export const ServiceHealthSchema = z.object({
  rolloutState: z.string().optional().describe('of the PRIMARY deployment: IN_PROGRESS, COMPLETED, FAILED'),
  rolloutStateReason: z.string().optional(),
  primaryDeployment: z
    .object({
      id: z.string(),
      revision: z.string().describe('family:revision'),
      rolloutState: z.string().optional(),
      rolloutStateReason: z.string().optional(),
      startedByThisController: z.boolean().describe('its revision (and deployment id) are the ones this controller recorded at apply'),
      since: z.string().optional().describe('when ECS created it (ISO time)'),
    })
    .optional()
    .describe('the PRIMARY deployment: the one ECS is rolling out, or has rolled out'),
  desiredCount: z.number(),
  runningCount: z.number(),
  pendingCount: z.number(),
  deployments: z.number().describe('deployments under way (1 when steady)'),
  failedTasks: z.number().describe('tasks the PRIMARY deployment failed to start'),
  tasks: z
    .record(z.string(), z.number())
    .describe(
      'tasks by last status: PENDING, RUNNING, STOPPING, STOPPED; from the task list while a rollout is under way (tasksFrom "task list"), else PENDING and RUNNING from the service counts and the STOPPED tasks of a failing deployment',
    ),
  tasksFrom: z
    .enum(['task list', 'service counts'])
    .describe('where the task counts come from: the task list is read only while a rollout is under way (or on demand: /report/tasks)'),
  stoppedReasons: z.array(z.object({ task: z.string(), reason: z.string(), stoppedAt: z.string().optional() })),
  events: z.array(z.object({ at: z.string().optional(), message: z.string() })).describe('the latest service events, newest first'),
  codeDeployDeployment: z
    .object({ id: z.string(), status: z.string(), reason: z.string().optional() })
    .optional()
    .describe("CODE_DEPLOY: the CodeDeploy deployment this controller started, while the revision it gave is not in place (CodeDeploy's status)"),
  runsOn: z.array(z.string()).optional().describe("the capacity it runs on: its strategy's providers (the cluster default included), or its launch type"),
});
export type ReportScaling = z.infer<typeof ReportScalingSchema>;
export type ServiceHealth = z.infer<typeof ServiceHealthSchema>;

declare module '../kind.js' {
  interface KindHealthTypes {
    Service: ServiceHealth;
  }
}

export function serviceHealth(s: LiveService): ServiceHealth {
  const primary = primaryDeployment(s);
  const tasks: Record<string, number> = s.tasks ? tasksByStatus(s.tasks) : { PENDING: s.pendingCount, RUNNING: s.runningCount };
  if (!s.tasks) for (const t of s.stoppedTasks ?? []) tasks[t.lastStatus] = (tasks[t.lastStatus] ?? 0) + 1;
  return {
    ...(primary
      ? {
          primaryDeployment: {
            id: primary.id ?? '',
            revision: revisionLabel(primary.taskDefinitionArn),
            ...(primary.rolloutState ? { rolloutState: primary.rolloutState } : {}),
            ...(primary.rolloutStateReason ? { rolloutStateReason: primary.rolloutStateReason } : {}),
            startedByThisController: isOurDeployment(s, primary, undefined),
            ...(primary.createdAt ? { since: primary.createdAt } : {}),
          },
        }
      : {}),
    ...(primary?.rolloutState ? { rolloutState: primary.rolloutState } : {}),
    ...(primary?.rolloutStateReason ? { rolloutStateReason: primary.rolloutStateReason } : {}),
    desiredCount: s.desiredCount,
    runningCount: s.runningCount,
    pendingCount: s.pendingCount,
    deployments: s.deployments.length,
    failedTasks: primary?.failedTasks ?? 0,
    tasks,
    tasksFrom: s.tasks ? 'task list' : 'service counts',
    stoppedReasons: (s.stoppedTasks ?? [])
      .filter((t) => t.stoppedReason)
      .slice(0, 5)
      .map((t) => ({ task: t.arn.slice(t.arn.lastIndexOf('/') + 1), reason: t.stoppedReason!, ...(t.stoppedAt ? { stoppedAt: t.stoppedAt } : {}) })),
    // the live record's own event objects (the same shape): the report copies none
    events: s.events.length <= SERVICE_EVENTS_REPORTED ? s.events : s.events.slice(0, SERVICE_EVENTS_REPORTED),
    ...(s.codeDeployDeployment
      ? {
          codeDeployDeployment: {
            id: s.codeDeployDeployment.id,
            status: s.codeDeployDeployment.status,
            ...(s.codeDeployDeployment.reason ? { reason: s.codeDeployDeployment.reason } : {}),
          },
        }
      : {}),
    // ECS reports the strategy it placed the service with (a cluster default included) or its launch type
    runsOn: serviceCapacityProviders(s.spec),
  };
}

export function serviceScaling(d: ResourceDiff & { live: LiveService }): ReportScaling | undefined {
  if (!d.live.scaling) return undefined;
  const s = d.live.scaling as {
    minCapacity?: number;
    maxCapacity?: number;
    targetTracking?: Array<{ policyName: string }>;
    stepScaling?: Array<{ policyName: string }>;
    scheduled?: Array<{ name: string }>;
  };
  const changed = d.changes.find((c) => c.path === 'desiredCount');
  const owned = d.ignored.find((c) => c.path === 'desiredCount' && c.cause === 'autoscaler');
  return {
    desiredCount: d.live.desiredCount,
    ...(s.minCapacity !== undefined ? { minCapacity: s.minCapacity } : {}),
    ...(s.maxCapacity !== undefined ? { maxCapacity: s.maxCapacity } : {}),
    policies: [...(s.targetTracking ?? []), ...(s.stepScaling ?? [])].map((p) => p.policyName).sort(),
    scheduledActions: (s.scheduled ?? []).map((a) => a.name).sort(),
    desiredCountCause: owned ? 'autoscaler' : changed ? (changed.cause === 'manifest' ? 'manifest' : 'out-of-band') : 'manifest',
  };
}

/** "PENDING 1, RUNNING 2, STOPPING 0, STOPPED 3": a task's life in order, then any other status ECS gave. */
export function tasksByStateText(tasks: Readonly<Record<string, number>>): string {
  const known: readonly string[] = TASK_STATES;
  const order = [
    ...TASK_STATES,
    ...Object.keys(tasks)
      .filter((k) => !known.includes(k))
      .sort(),
  ];
  return order.map((st) => `${st} ${tasks[st] ?? 0}`).join(', ');
}

const ServiceTaskListSchema = z.object({
  service: z.string().describe('the resource id'),
  readAt: z.string().describe('when the list was read (ISO time)'),
  tasks: z.record(z.string(), z.number()).describe('tasks by last status'),
  list: z.array(
    z.object({
      task: z.string().describe('the task id'),
      lastStatus: z.string(),
      desiredStatus: z.string().optional(),
      revision: z.string().optional().describe('family:revision'),
      startedBy: z.string().optional().describe('for a service task: its deployment id'),
      startedAt: z.string().optional(),
      stoppedAt: z.string().optional(),
      stopCode: z.string().optional(),
      stoppedReason: z.string().optional(),
    }),
  ),
});
export type ServiceTaskList = z.infer<typeof ServiceTaskListSchema>;

/** A service's task list as /report/tasks answers it. */
export function serviceTaskList(id: string, tasks: readonly LiveServiceTask[], readAt: Date): ServiceTaskList {
  return {
    service: id,
    readAt: readAt.toISOString(),
    tasks: tasksByStatus(tasks),
    list: tasks.map((t) => ({
      task: t.arn.slice(t.arn.lastIndexOf('/') + 1),
      lastStatus: t.lastStatus,
      ...(t.desiredStatus ? { desiredStatus: t.desiredStatus } : {}),
      ...(t.taskDefinitionArn ? { revision: revisionLabel(t.taskDefinitionArn) } : {}),
      ...(t.startedBy ? { startedBy: t.startedBy } : {}),
      ...(t.startedAt ? { startedAt: t.startedAt } : {}),
      ...(t.stoppedAt ? { stoppedAt: t.stoppedAt } : {}),
      ...(t.stopCode ? { stopCode: t.stopCode } : {}),
      ...(t.stoppedReason ? { stoppedReason: t.stoppedReason } : {}),
    })),
  };
}
