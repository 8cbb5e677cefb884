/**
 * The shapes at the gateway's edge. Every value crossing it is plain JSON data in the
 * shape of the ECS and Application Auto Scaling API reference (the request and response
 * members, spelled as the API spells them): the SDK's generated interfaces are those
 * shapes, so they are named here once and the rest of the tree uses these names, never
 * the SDK's packages. No SDK class, command or client crosses the edge.
 */

import type {
  PutScalingPolicyCommandInput,
  PutScheduledActionCommandInput,
  RegisterScalableTargetCommandInput,
  ScalableTarget,
  ScalingPolicy,
  ScheduledAction,
} from '@aws-sdk/client-application-auto-scaling';
import type { CreateDeploymentCommandInput as CodeDeployCreateDeploymentInput, DeploymentInfo } from '@aws-sdk/client-codedeploy';
import type {
  CapacityProvider,
  Cluster,
  CreateCapacityProviderCommandInput,
  CreateClusterCommandInput,
  CreateServiceCommandInput,
  PutClusterCapacityProvidersCommandInput,
  RegisterTaskDefinitionCommandInput,
  Service,
  TaskDefinition,
  UpdateCapacityProviderCommandInput,
  UpdateClusterCommandInput,
  UpdateServiceCommandInput,
} from '@aws-sdk/client-ecs';

export type LiveCapacityProvider = CapacityProvider;
export type LiveCluster = Cluster;
export type LiveService = Service;
/**
 * A task as the gateway answers it: the members of DescribeTasks' Task the controller
 * reads (which provider holds it, whether it stopped and why), the gateway's own type so
 * that nothing past the edge depends on the SDK's. The SDK's Task has them all.
 */
export interface LiveTask {
  taskArn?: string;
  lastStatus?: string;
  desiredStatus?: string;
  taskDefinitionArn?: string;
  /** [API] Task.startedBy: a service's tasks carry the deployment id that started them */
  startedBy?: string;
  startedAt?: Date;
  stopCode?: string;
  /** [API] Task.capacityProviderName: "The capacity provider that's associated with the task" */
  capacityProviderName?: string;
  stoppedReason?: string;
  stoppedAt?: Date;
}

/** A container instance (DescribeContainerInstances): its provider, status and running tasks, for the cluster's capacity. */
export interface LiveContainerInstance {
  containerInstanceArn?: string;
  status?: string;
  /** [API] ContainerInstance.capacityProviderName; none for an instance joined by the EC2 launch type alone */
  capacityProviderName?: string;
  runningTasksCount?: number;
}
/** CodeDeploy's CreateDeployment input and GetDeployment's deploymentInfo (blue/green of CODE_DEPLOY services) */
export type { CodeDeployCreateDeploymentInput };
export type CodeDeployDeployment = DeploymentInfo;
export type {
  CreateCapacityProviderCommandInput,
  CreateClusterCommandInput,
  CreateServiceCommandInput,
  PutClusterCapacityProvidersCommandInput,
  PutScalingPolicyCommandInput,
  PutScheduledActionCommandInput,
  RegisterScalableTargetCommandInput,
  RegisterTaskDefinitionCommandInput,
  ScalableTarget,
  ScalingPolicy,
  ScheduledAction,
  UpdateCapacityProviderCommandInput,
  UpdateClusterCommandInput,
  UpdateServiceCommandInput,
};

export interface TaskDefinitionWithTags {
  taskDefinition: TaskDefinition;
  tags: Record<string, string>;
}

/** The lease item (src/daemon/lease.ts): who holds it, its record version number, the duration the holder counts on. */
export interface LeaseRecord {
  holder: string;
  rvn: string;
  durationMs: number;
}

/**
 * Set while a lease is in use (src/daemon/lease.ts): how long a mutating call started
 * now may run before the lease could expire. The gateway sends no mutating call with
 * no budget left, and gives every other one a timeout inside the budget.
 */
export interface WriteFence {
  budgetMs?: () => number;
}

/** One message of the events queue (SQS), as the daemon's events source reads it. */
export interface EventMessage {
  id: string;
  receiptHandle: string;
  body: string;
}
