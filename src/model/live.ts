/**
 * The live model: what ECS says, in our own shapes. Specs are projected onto the
 * API's input shape (by diff/projection) so they compare with manifests directly.
 */
export type { Json } from './json.js';

import type { Json } from './json.js';

export interface LiveCluster {
  kind: 'Cluster';
  region: string;
  name: string;
  arn: string;
  tags: Record<string, string>;
  /** CreateCluster input shape */
  spec: Json;
  runningTasksCount: number;
  pendingTasksCount: number;
  activeServicesCount: number;
  capacityProviders: string[];
  /** [API] Cluster.registeredContainerInstancesCount (ACTIVE and DRAINING instances); absent when not read */
  registeredContainerInstancesCount?: number;
  /** capacity by provider (kinds/cluster/capacity.ts), when the live read took it */
  capacity?: ProviderCapacity[];
}

/** One capacity provider's share of a cluster (or "EC2": instances registered with no provider). */
export interface ProviderCapacity {
  provider: string;
  /** ACTIVE and DRAINING container instances (EC2 capacity only) */
  containerInstances?: number;
  runningTasks: number;
  /** managedScaling.targetCapacity, when the provider's managed scaling is ENABLED */
  targetCapacity?: number;
}

/** An EC2 Auto Scaling group (or Managed Instances) capacity provider; FARGATE and FARGATE_SPOT are never read. */
export interface LiveCapacityProvider {
  kind: 'CapacityProvider';
  region: string;
  name: string;
  arn: string;
  tags: Record<string, string>;
  /** CreateCapacityProvider input shape, name and tags dropped */
  spec: Json;
  status: string;
  updateStatus?: string;
  updateStatusReason?: string;
}

export interface LiveRevision {
  arn: string;
  family: string;
  revision: number;
  tags: Record<string, string>;
  /**
   * RegisterTaskDefinition input shape, family dropped. Absent for a revision known by
   * record: a service this controller applied carries the revision ARN and the content
   * hash it gave it (model/revision-record.ts), and a revision is immutable, so the hash
   * stands for the content until a diff needs the fields themselves (then it is described).
   */
  spec?: Json;
  /** the content hash recorded for this revision on the service that runs it */
  recordedHash?: string;
}

export interface LiveTaskDefinitionFamily {
  kind: 'TaskDefinition';
  region: string;
  name: string;
  /** ACTIVE revision ARNs, newest first */
  activeRevisionArns: string[];
  /** the newest ACTIVE revision */
  latest: LiveRevision;
  /** the newest ACTIVE revision carrying this controller's managed-by tag, if any */
  latestManaged?: LiveRevision;
}

export interface LiveDeployment {
  id?: string;
  status: string;
  taskDefinitionArn: string;
  rolloutState?: string;
  rolloutStateReason?: string;
  desiredCount: number;
  runningCount: number;
  pendingCount: number;
  failedTasks: number;
  createdAt?: string;
  updatedAt?: string;
}

/** A service event as the live model and the report keep it: [API] ServiceEvent's createdAt (ISO 8601) as `at`, and its message. */
export interface LiveServiceEvent {
  at?: string;
  message: string;
}

export interface LiveService {
  kind: 'Service';
  region: string;
  cluster: string;
  name: string;
  arn: string;
  tags: Record<string, string>;
  /** CreateService input shape; taskDefinition is the PRIMARY deployment's revision ARN */
  spec: Json;
  status: string;
  desiredCount: number;
  runningCount: number;
  pendingCount: number;
  deployments: LiveDeployment[];
  /**
   * The latest events (ECS's ServiceEvent: createdAt as `at`, the report's own shape, so the
   * report's health block holds these objects rather than copies: at 10,000 services 50,000
   * objects of the daemon's heap, issue 19)
   */
  events: LiveServiceEvent[];
  /** the revision the PRIMARY deployment runs */
  primaryRevision?: LiveRevision;
  /** Application Auto Scaling's target, policies and scheduled actions, as an `autoScaling` block */
  scaling?: Json;
  /** stopped tasks, read only when the PRIMARY deployment reports failed tasks */
  stoppedTasks?: Array<{ arn: string; lastStatus: string; stoppedReason?: string; stoppedAt?: string }>;
  /** the task list (ListTasks + DescribeTasks), read only while a rollout is under way (src/kinds/service/tasks.ts) */
  tasks?: LiveServiceTask[];
  /** CODE_DEPLOY: the CodeDeploy deployment this controller started, read while its revision is not in place (src/kinds/service/codedeploy.ts) */
  codeDeployDeployment?: LiveCodeDeployDeployment;
}

export interface LiveServiceTask {
  arn: string;
  lastStatus: string;
  desiredStatus?: string;
  taskDefinitionArn?: string;
  startedBy?: string;
  startedAt?: string;
  stoppedAt?: string;
  stopCode?: string;
  stoppedReason?: string;
}

export interface LiveCodeDeployDeployment {
  id: string;
  /** CodeDeploy's DeploymentStatus: Created, Queued, InProgress, Baking, Ready, Succeeded, Failed, Stopped */
  status: string;
  /** errorInformation: code and message */
  reason?: string;
  /** CodeDeploy rolled the deployment back (rollbackInfo names the rollback deployment) */
  rolledBack: boolean;
  /** completeTime, else createTime (ISO) */
  at?: string;
}

export interface LiveEstate {
  clusters: Map<string, LiveCluster>;
  services: Map<string, LiveService>;
  families: Map<string, LiveTaskDefinitionFamily>;
  /** the part of every kind without a field above (a new kind: its liveOf is liveMapOf(estate, '<Kind>')), by kind name then resource id */
  byKind: Map<string, Map<string, { kind: string; region: string; name: string }>>;
  /** regions whose read failed, with the reason: nothing there may be judged missing or orphaned */
  unreadable: Map<string, string>;
}

/** A kind's part of the estate when it has no field of its own, made on first use (its read.ts fills it). */
export function liveMapOf<L extends { kind: string; region: string; name: string }>(estate: LiveEstate, kind: string): Map<string, L> {
  let map = estate.byKind.get(kind);
  if (!map) {
    map = new Map();
    estate.byKind.set(kind, map);
  }
  return map as Map<string, L>;
}
