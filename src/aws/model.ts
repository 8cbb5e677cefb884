/**
 * The shapes at the gateway's edge. Every value crossing it is plain JSON data in the
 * shape of the ECS and Application Auto Scaling API reference (the request and response
 * members, spelled as the API spells them). What the gateway answers is its own types
 * here (LiveCluster, LiveService, ...: the members the controller reads), which the SDK's
 * generated interfaces satisfy structurally, so the SDK gateway returns them as they come;
 * a request is the SDK's input interface, named here once. The rest of the tree uses these
 * names, never the SDK's packages; no SDK class, command or client crosses the edge.
 */

import type {
  PutScalingPolicyCommandInput,
  PutScheduledActionCommandInput,
  RegisterScalableTargetCommandInput,
} from '@aws-sdk/client-application-auto-scaling';
import type { CreateDeploymentCommandInput as CodeDeployCreateDeploymentInput } from '@aws-sdk/client-codedeploy';
import type {
  CreateCapacityProviderCommandInput,
  CreateClusterCommandInput,
  CreateServiceCommandInput,
  PutClusterCapacityProvidersCommandInput,
  RegisterTaskDefinitionCommandInput,
  UpdateCapacityProviderCommandInput,
  UpdateClusterCommandInput,
  UpdateServiceCommandInput,
} from '@aws-sdk/client-ecs';

/** ECS's tag list, as every describe call answers it (the map is tagsFromList's). */
type TagList = Array<{ key?: string; value?: string }>;

/**
 * A capacity provider as DescribeCapacityProviders answers it: the members the controller
 * reads (CreateCapacityProvider's own, as they were set or defaulted, and the update's
 * status), the gateway's own type; the SDK's CapacityProvider has them all.
 */
export interface LiveCapacityProvider {
  capacityProviderArn?: string;
  name?: string;
  /** [API] CapacityProvider.status: ACTIVE, or INACTIVE once deleted (still described for a while) */
  status?: string;
  type?: string;
  autoScalingGroupProvider?: CreateCapacityProviderCommandInput['autoScalingGroupProvider'];
  /** kept whole, compared as the manifest gives it (ECS answers it in CreateCapacityProvider's shape, less what it never returns) */
  managedInstancesProvider?: object;
  /** [API] CapacityProvider.cluster: the cluster a managed instances provider belongs to */
  cluster?: string;
  updateStatus?: string;
  updateStatusReason?: string;
  tags?: TagList;
}

/**
 * A cluster as DescribeClusters answers it (with SETTINGS, CONFIGURATIONS and TAGS
 * included): CreateCluster's members as ECS holds them and what it counts, the gateway's
 * own type; the SDK's Cluster has them all.
 */
export interface LiveCluster {
  clusterArn?: string;
  clusterName?: string;
  status?: string;
  registeredContainerInstancesCount?: number;
  runningTasksCount?: number;
  pendingTasksCount?: number;
  activeServicesCount?: number;
  settings?: CreateClusterCommandInput['settings'];
  configuration?: CreateClusterCommandInput['configuration'];
  capacityProviders?: string[];
  defaultCapacityProviderStrategy?: CreateClusterCommandInput['defaultCapacityProviderStrategy'];
  /** [API] Cluster.serviceConnectDefaults: "Use this parameter to set a default Service Connect namespace"; answered as the namespace's ARN */
  serviceConnectDefaults?: { namespace?: string };
  tags?: TagList;
}

/**
 * One of a service's deployments (DescribeServices deployments): the members the rollout
 * judgement reads ([API] Deployment: "The details of an Amazon ECS service deployment").
 */
interface LiveDeployment {
  id?: string;
  /** [API] Deployment.status: PRIMARY ("The most recent deployment of a service"), ACTIVE or INACTIVE */
  status?: string;
  taskDefinition?: string;
  desiredCount?: number;
  pendingCount?: number;
  runningCount?: number;
  failedTasks?: number;
  createdAt?: Date;
  updatedAt?: Date;
  capacityProviderStrategy?: CreateServiceCommandInput['capacityProviderStrategy'];
  launchType?: string;
  platformVersion?: string;
  networkConfiguration?: CreateServiceCommandInput['networkConfiguration'];
  /** [API] Deployment.rolloutState: COMPLETED, FAILED or IN_PROGRESS (the circuit breaker's verdict) */
  rolloutState?: string;
  rolloutStateReason?: string;
  /** CreateService members that only a deployment reports (src/diff/projection.ts DEPLOYMENT_INPUT) */
  serviceConnectConfiguration?: CreateServiceCommandInput['serviceConnectConfiguration'];
  volumeConfigurations?: CreateServiceCommandInput['volumeConfigurations'];
  vpcLatticeConfigurations?: CreateServiceCommandInput['vpcLatticeConfigurations'];
}

/**
 * A service as DescribeServices answers it (with TAGS included): CreateService's members
 * as ECS holds them, its counts, deployments and events, the gateway's own type; the
 * SDK's Service has them all.
 */
export interface LiveService {
  serviceArn?: string;
  serviceName?: string;
  clusterArn?: string;
  status?: string;
  desiredCount?: number;
  runningCount?: number;
  pendingCount?: number;
  taskDefinition?: string;
  launchType?: string;
  platformVersion?: string;
  platformFamily?: string;
  capacityProviderStrategy?: CreateServiceCommandInput['capacityProviderStrategy'];
  loadBalancers?: CreateServiceCommandInput['loadBalancers'];
  serviceRegistries?: CreateServiceCommandInput['serviceRegistries'];
  deploymentConfiguration?: CreateServiceCommandInput['deploymentConfiguration'];
  deploymentController?: CreateServiceCommandInput['deploymentController'];
  placementConstraints?: CreateServiceCommandInput['placementConstraints'];
  placementStrategy?: CreateServiceCommandInput['placementStrategy'];
  networkConfiguration?: CreateServiceCommandInput['networkConfiguration'];
  healthCheckGracePeriodSeconds?: number;
  schedulingStrategy?: string;
  enableECSManagedTags?: boolean;
  propagateTags?: string;
  enableExecuteCommand?: boolean;
  availabilityZoneRebalancing?: string;
  roleArn?: string;
  createdAt?: Date;
  createdBy?: string;
  deployments?: LiveDeployment[];
  /** [API] Service.events: "The event stream for your service. A maximum of 100 of the latest events are displayed." */
  events?: Array<{ id?: string; createdAt?: Date; message?: string }>;
  /** [API] Service.taskSets: an EXTERNAL or CODE_DEPLOY service's task sets */
  taskSets?: object[];
  tags?: TagList;
}

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
/** CodeDeploy's CreateDeployment input (blue/green of CODE_DEPLOY services) */
export type { CodeDeployCreateDeploymentInput };
/**
 * GetDeployment's deploymentInfo as the rollout judgement reads it, the gateway's own
 * type; the SDK's DeploymentInfo has them all.
 */
export interface CodeDeployDeployment {
  deploymentId?: string;
  applicationName?: string;
  deploymentGroupName?: string;
  /** [CodeDeploy] DeploymentInfo.status: Created, Queued, InProgress, Baking, Succeeded, Failed, Stopped or Ready */
  status?: string;
  errorInformation?: { code?: string; message?: string };
  createTime?: Date;
  completeTime?: Date;
  /** [CodeDeploy] RollbackInfo.rollbackDeploymentId: "The ID of the deployment rollback" */
  rollbackInfo?: { rollbackDeploymentId?: string; rollbackTriggeringDeploymentId?: string; rollbackMessage?: string };
}
export type {
  CreateCapacityProviderCommandInput,
  CreateClusterCommandInput,
  CreateServiceCommandInput,
  PutClusterCapacityProvidersCommandInput,
  PutScalingPolicyCommandInput,
  PutScheduledActionCommandInput,
  RegisterScalableTargetCommandInput,
  RegisterTaskDefinitionCommandInput,
  UpdateCapacityProviderCommandInput,
  UpdateClusterCommandInput,
  UpdateServiceCommandInput,
};

/**
 * Application Auto Scaling's answers (DescribeScalableTargets, DescribeScalingPolicies,
 * DescribeScheduledActions), PascalCase as that API spells them: the members the
 * controller reads, the gateway's own types; the SDK's have them all.
 */
export interface ScalableTarget {
  ServiceNamespace?: string;
  ResourceId?: string;
  ScalableDimension?: string;
  MinCapacity?: number;
  MaxCapacity?: number;
  SuspendedState?: RegisterScalableTargetCommandInput['SuspendedState'];
  RoleARN?: string;
  CreationTime?: Date;
}

export interface ScalingPolicy {
  PolicyARN?: string;
  PolicyName?: string;
  ServiceNamespace?: string;
  ResourceId?: string;
  ScalableDimension?: string;
  PolicyType?: string;
  StepScalingPolicyConfiguration?: PutScalingPolicyCommandInput['StepScalingPolicyConfiguration'];
  TargetTrackingScalingPolicyConfiguration?: PutScalingPolicyCommandInput['TargetTrackingScalingPolicyConfiguration'];
  /** [API] ScalingPolicy.Alarms: the CloudWatch alarms of a target tracking policy (Application Auto Scaling creates them) */
  Alarms?: Array<{ AlarmName?: string; AlarmARN?: string }>;
  CreationTime?: Date;
}

export interface ScheduledAction {
  ScheduledActionName?: string;
  ScheduledActionARN?: string;
  ServiceNamespace?: string;
  Schedule?: string;
  Timezone?: string;
  ResourceId?: string;
  ScalableDimension?: string;
  StartTime?: Date;
  EndTime?: Date;
  ScalableTargetAction?: PutScheduledActionCommandInput['ScalableTargetAction'];
  CreationTime?: Date;
}

/**
 * A revision as DescribeTaskDefinition answers it: RegisterTaskDefinition's members as
 * ECS holds them, and what ECS adds (its ARN, revision number, status, the attributes it
 * requires), the gateway's own type; the SDK's TaskDefinition has them all.
 */
interface LiveTaskDefinition extends Omit<RegisterTaskDefinitionCommandInput, 'family' | 'containerDefinitions' | 'tags'> {
  family?: string;
  containerDefinitions?: RegisterTaskDefinitionCommandInput['containerDefinitions'];
  taskDefinitionArn?: string;
  revision?: number;
  /** [API] TaskDefinition.status: ACTIVE, INACTIVE (deregistered) or DELETE_IN_PROGRESS */
  status?: string;
  compatibilities?: string[];
  requiresAttributes?: Array<{ name?: string; value?: string; targetType?: string; targetId?: string }>;
  registeredAt?: Date;
  registeredBy?: string;
  deregisteredAt?: Date;
}

export interface TaskDefinitionWithTags {
  taskDefinition: LiveTaskDefinition;
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
