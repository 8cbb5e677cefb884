/**
 * The AWS seam: every call the controller makes to AWS goes through a `Gateway` (one
 * region) taken from `Gateways` (the process's set). Two implementations: the SDK's
 * (sdk-gateway.ts: batching, pagination, retries, rate limits, call counters, the
 * revision cache) and an in-memory fake for unit tests (test/support/in-memory-gateway.ts).
 * Callers pass names and plain API-shaped data (model.ts); the batching and paging ECS
 * imposes (ecs-api.ts) stay behind this interface: describeServices takes any number of
 * names, a list call returns every page.
 */
import type { CallCounter } from './call-counter.js';
import type {
  CodeDeployCreateDeploymentInput,
  CodeDeployDeployment,
  CreateCapacityProviderCommandInput,
  CreateClusterCommandInput,
  CreateServiceCommandInput,
  EventMessage,
  LeaseRecord,
  LiveCapacityProvider,
  LiveCluster,
  LiveContainerInstance,
  LiveService,
  LiveTask,
  PutClusterCapacityProvidersCommandInput,
  PutScalingPolicyCommandInput,
  PutScheduledActionCommandInput,
  RegisterScalableTargetCommandInput,
  RegisterTaskDefinitionCommandInput,
  ScalableTarget,
  ScalingPolicy,
  ScheduledAction,
  TaskDefinitionWithTags,
  UpdateCapacityProviderCommandInput,
  UpdateClusterCommandInput,
  UpdateServiceCommandInput,
  WriteFence,
} from './model.js';
import type { TaskDefinitionCache } from './revision-cache.js';

/** The DynamoDB lease (src/daemon/lease.ts): a conditional put on the record version number. */
interface LeaseGateway {
  ensureLeaseTable(table: string): Promise<void>;
  readLease(table: string, name: string): Promise<LeaseRecord | undefined>;
  /** false when the condition fails: someone else wrote the item since */
  writeLease(table: string, name: string, record: LeaseRecord, expectedRvn: string | undefined): Promise<boolean>;
  deleteLease(table: string, name: string, rvn: string): Promise<void>;
}

/** The events queue an EventBridge rule feeds (--events-queue). */
interface EventsQueueGateway {
  receiveEventMessages(queueUrl: string, waitSeconds: number, abortSignal?: AbortSignal): Promise<EventMessage[]>;
  deleteEventMessages(queueUrl: string, receiptHandles: readonly string[]): Promise<void>;
}

/** What DescribeServices answered: the services decoded, those missing, and those that are as they were (describeServices' `known`). */
export interface DescribedServices {
  services: LiveService[];
  missing: string[];
  /** ARNs of the known services whose answer is the one their known tag was given to */
  unchanged?: string[];
  /** each decoded service's answer tag, by ARN, for a later call's `known` */
  answerTags?: ReadonlyMap<string, string>;
}

/** One region's AWS. A failed call throws an AwsCallError (errors.ts) with the AWS error code. */
export interface Gateway extends LeaseGateway, EventsQueueGateway {
  readonly region: string;

  // ECS reads: every page, every batch
  listClusterArns(): Promise<string[]>;
  describeClusters(clusters: readonly string[]): Promise<{ clusters: LiveCluster[]; missing: string[] }>;
  listServiceArns(cluster: string): Promise<string[]>;
  /**
   * With `known` (services described before, by ARN, with the answer tag each came with): a
   * service whose answer is the same as the one that tag was given to comes back in
   * `unchanged`, not decoded again. Each service in `services` may come with its tag
   * (`answerTags`, by ARN); a gateway that tags nothing leaves both out.
   */
  describeServices(cluster: string, services: readonly string[], known?: ReadonlyMap<string, string>): Promise<DescribedServices>;
  listTaskDefinitionArns(opts?: { familyPrefix?: string; status?: 'ACTIVE' | 'INACTIVE' }): Promise<string[]>;
  /** One page (100) of the region's ACTIVE revision ARNs, ASC: by family name, then revision ([ECS] ListTaskDefinitions `sort`). */
  listTaskDefinitionArnsPage(nextToken?: string): Promise<{ arns: string[]; nextToken?: string }>;
  describeTaskDefinition(arn: string): Promise<TaskDefinitionWithTags>;
  listClusterTaskArns(cluster: string): Promise<string[]>;
  listTaskArns(cluster: string, serviceName: string, desiredStatus?: 'RUNNING' | 'STOPPED'): Promise<string[]>;
  describeTasks(cluster: string, tasks: readonly string[]): Promise<LiveTask[]>;
  /** The cluster's container instances (every status but INACTIVE, as ListContainerInstances lists them). */
  describeContainerInstances(cluster: string): Promise<LiveContainerInstance[]>;
  /** The capacity providers of these names (FARGATE / FARGATE_SPOT included when named). */
  /** the named providers only (the report's capacity by provider): 100 names a call */
  describeCapacityProvidersNamed(names: readonly string[]): Promise<LiveCapacityProvider[]>;
  describeStoppedTasks(cluster: string, serviceName: string, cacheKey: string): Promise<LiveTask[]>;
  findTaggedServiceArns(key: string, value: string): Promise<string[]>;
  callerAccount(): Promise<string>;
  /** every ACTIVE capacity provider of the region with its tags (FARGATE and FARGATE_SPOT among them), pages of 10 */
  describeCapacityProviders(): Promise<LiveCapacityProvider[]>;

  // ECS writes
  createCluster(input: CreateClusterCommandInput): Promise<LiveCluster>;
  updateCluster(input: UpdateClusterCommandInput): Promise<void>;
  putClusterCapacityProviders(input: PutClusterCapacityProvidersCommandInput): Promise<void>;
  deleteCluster(cluster: string): Promise<void>;
  createCapacityProvider(input: CreateCapacityProviderCommandInput): Promise<LiveCapacityProvider>;
  /** asynchronous in ECS: the answer is the provider as it was (updateStatus UPDATE_IN_PROGRESS) */
  updateCapacityProvider(input: UpdateCapacityProviderCommandInput): Promise<void>;
  /** ECS's answer: a provider still associated with a cluster comes back with updateStatus DELETE_FAILED, not an error */
  deleteCapacityProvider(name: string): Promise<LiveCapacityProvider>;
  registerTaskDefinition(input: RegisterTaskDefinitionCommandInput): Promise<TaskDefinitionWithTags>;
  deregisterTaskDefinition(arn: string): Promise<void>;
  createService(input: CreateServiceCommandInput): Promise<LiveService>;
  updateService(input: UpdateServiceCommandInput): Promise<LiveService>;
  deleteService(cluster: string, service: string): Promise<void>;
  tagResource(resourceArn: string, tags: Record<string, string>): Promise<void>;
  untagResource(resourceArn: string, tagKeys: string[]): Promise<void>;

  // Application Auto Scaling (the ECS namespace, the DesiredCount dimension)
  /**
   * The whole ECS namespace of the region, or, given `resourceIds` (service/CLUSTER/NAME),
   * only those services' targets (a targeted pass or a resync slice: 50 ids a call)
   */
  listScalableTargets(resourceIds?: readonly string[]): Promise<ScalableTarget[]>;
  /** the whole namespace, or one scalable target's (DescribeScalingPolicies takes one ResourceId) */
  listScalingPolicies(resourceId?: string): Promise<ScalingPolicy[]>;
  /** the whole namespace, or one scalable target's (DescribeScheduledActions takes one ResourceId) */
  listScheduledActions(resourceId?: string): Promise<ScheduledAction[]>;
  /** one page (10) of the namespace's scaling policies: a resync cycle spreads them over its slices */
  scalingPoliciesPage(nextToken?: string): Promise<{ items: ScalingPolicy[]; nextToken?: string }>;
  /** one page (50) of the namespace's scheduled actions: a resync cycle spreads them over its slices */
  scheduledActionsPage(nextToken?: string): Promise<{ items: ScheduledAction[]; nextToken?: string }>;
  registerScalableTarget(input: RegisterScalableTargetCommandInput): Promise<void>;
  deregisterScalableTarget(resourceId: string): Promise<void>;
  putScalingPolicy(input: PutScalingPolicyCommandInput): Promise<void>;
  deleteScalingPolicy(resourceId: string, policyName: string): Promise<void>;
  putScheduledAction(input: PutScheduledActionCommandInput): Promise<void>;
  deleteScheduledAction(resourceId: string, name: string): Promise<void>;

  // CodeDeploy: the blue/green deployments of services with the CODE_DEPLOY deployment controller
  /** CreateDeployment; its deploymentId */
  createCodeDeployDeployment(input: CodeDeployCreateDeploymentInput): Promise<string>;
  getCodeDeployDeployment(deploymentId: string): Promise<CodeDeployDeployment>;

  destroy(): void;
}

/** The gateways of one process: one per region, sharing the call counters, the revision cache and the lease's write fence. */
export interface Gateways {
  readonly counter: CallCounter;
  readonly taskDefinitionCache: TaskDefinitionCache;
  /** set by a lease holder (daemon or apply): every gateway's mutating calls stay inside its budget */
  readonly writeFence: WriteFence;
  forRegion(region: string): Gateway;
  destroy(): void;
}
