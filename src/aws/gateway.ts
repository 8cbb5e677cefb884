/**
 * The gateway: the only module that talks to AWS. It builds the SDK clients for a
 * region and an optional endpoint, and owns batching (DescribeServices takes 10
 * services a call, DescribeClusters 100), pagination (to the end, always), client-side
 * rate limits per action, the SDK's retries with backoff on throttling, call counters
 * (SDK middleware), and the cache of task definition revisions (immutable by ARN).
 */
import {
  ECSClient,
  CreateClusterCommand,
  CreateServiceCommand,
  DeleteClusterCommand,
  DeleteServiceCommand,
  DeregisterTaskDefinitionCommand,
  DescribeClustersCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ListClustersCommand,
  ListServicesCommand,
  ListTaskDefinitionsCommand,
  ListTasksCommand,
  PutClusterCapacityProvidersCommand,
  RegisterTaskDefinitionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateClusterCommand,
  UpdateServiceCommand,
  type Cluster,
  type CreateClusterCommandInput,
  type CreateServiceCommandInput,
  type PutClusterCapacityProvidersCommandInput,
  type RegisterTaskDefinitionCommandInput,
  type Service,
  type Task,
  type TaskDefinition,
  type UpdateClusterCommandInput,
  type UpdateServiceCommandInput,
} from '@aws-sdk/client-ecs';
import {
  ApplicationAutoScalingClient,
  DeleteScalingPolicyCommand,
  DeleteScheduledActionCommand,
  DeregisterScalableTargetCommand,
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
  DescribeScheduledActionsCommand,
  PutScalingPolicyCommand,
  PutScheduledActionCommand,
  RegisterScalableTargetCommand,
  type PutScalingPolicyCommandInput,
  type PutScheduledActionCommandInput,
  type RegisterScalableTargetCommandInput,
  type ScalableTarget,
  type ScalingPolicy,
  type ScheduledAction,
} from '@aws-sdk/client-application-auto-scaling';
import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DeleteItemCommand,
  DynamoDBClient,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { CallCounter } from './call-counter.js';
import { ECS_RATE_LIMITS, RateLimiter, type ReadBudget, type RateLimits } from './rate-limit.js';

export type { Cluster as LiveCluster, Service as LiveService, TaskDefinition as LiveTaskDefinition, Task as LiveTask } from '@aws-sdk/client-ecs';
export type { ScalableTarget, ScalingPolicy, ScheduledAction } from '@aws-sdk/client-application-auto-scaling';
export type {
  CreateClusterCommandInput,
  CreateServiceCommandInput,
  RegisterTaskDefinitionCommandInput,
  UpdateServiceCommandInput,
  UpdateClusterCommandInput,
  PutClusterCapacityProvidersCommandInput,
  PutScalingPolicyCommandInput,
  PutScheduledActionCommandInput,
  RegisterScalableTargetCommandInput,
};

export interface GatewayOptions {
  region: string;
  /** e.g. http://127.0.0.1:5000 for the local emulator; otherwise the SDK's own resolution (AWS_ENDPOINT_URL...) */
  endpoint?: string;
  maxAttempts?: number;
  rateLimits?: RateLimits | 'off';
  counter?: CallCounter;
  /** shared across gateways of one process: revisions never change */
  taskDefinitionCache?: TaskDefinitionCache;
  /** --read-budget: paces the reads of a full resync (rate-limit.ts) */
  readBudget?: ReadBudget;
}

export interface TaskDefinitionWithTags {
  taskDefinition: TaskDefinition;
  tags: Record<string, string>;
}

/**
 * Task definition revisions are immutable: the body under a full revision ARN never
 * changes. With a file (the daemon's --state-dir), the cache outlives the process: a
 * restarted daemon does not describe a thousand revisions again.
 */
export class TaskDefinitionCache {
  private readonly byArn = new Map<string, TaskDefinitionWithTags>();
  private file: string | undefined;

  get(arn: string): TaskDefinitionWithTags | undefined {
    return this.byArn.get(arn);
  }
  set(entry: TaskDefinitionWithTags): void {
    const arn = entry.taskDefinition.taskDefinitionArn;
    if (!arn) return;
    this.byArn.set(arn, entry);
    this.append(entry);
  }
  /** Tags are the one mutable part; keep the cache true after we change them ourselves. */
  updateTags(arn: string, tags: Record<string, string>): void {
    const e = this.byArn.get(arn);
    if (!e) return;
    e.tags = { ...tags };
    this.append(e);
  }

  /** Reads the revisions a previous process saved (the last line of an ARN wins; a torn line is skipped), then appends to the file. */
  persistTo(file: string): number {
    let lines = 0;
    try {
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        if (!line.trim()) continue;
        lines++;
        try {
          const e = JSON.parse(line) as TaskDefinitionWithTags;
          if (e.taskDefinition?.taskDefinitionArn) this.byArn.set(e.taskDefinition.taskDefinitionArn, e);
        } catch {
          // a line torn by a crash mid-write
        }
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    this.file = file;
    // one line per revision read (plus tag updates): compact at start once it repeats itself
    if (lines > this.byArn.size * 2 + 100) writeFileSync(file, [...this.byArn.values()].map((e) => JSON.stringify(e) + '\n').join(''));
    return this.byArn.size;
  }

  private append(entry: TaskDefinitionWithTags): void {
    if (this.file) appendFileSync(this.file, JSON.stringify(entry) + '\n');
  }
  get size(): number {
    return this.byArn.size;
  }
}

/** Sent as the SDK's app id (`app/ecs-reconciler` in the User-Agent), which CloudTrail records as `userAgent`. */
export const CONTROLLER_USER_AGENT = 'ecs-reconciler';

export class AwsCallError extends Error {
  constructor(
    readonly operation: string,
    readonly code: string,
    message: string,
    readonly throttled: boolean,
    /** the call may have failed for a passing reason (throttling, 5xx, the network) */
    readonly retryable = throttled,
  ) {
    super(message);
    this.name = 'AwsCallError';
  }
}

const THROTTLING_CODES = new Set(['ThrottlingException', 'Throttling', 'TooManyRequestsException', 'RequestLimitExceeded', 'ProvisionedThroughputExceededException']);

export function isThrottlingError(err: unknown): boolean {
  const name = (err as { name?: string })?.name;
  return (err instanceof AwsCallError && err.throttled) || (name !== undefined && THROTTLING_CODES.has(name));
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function tagsToList(tags: Record<string, string>): Array<{ key: string; value: string }> {
  return Object.entries(tags).map(([key, value]) => ({ key, value }));
}

export function tagsFromList(list: ReadonlyArray<{ key?: string | undefined; value?: string | undefined }> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of list ?? []) if (t.key !== undefined) out[t.key] = t.value ?? '';
  return out;
}

type Sendable = { send(command: unknown): Promise<unknown> };

export class AwsGateway {
  readonly region: string;
  readonly counter: CallCounter;
  readonly taskDefinitions: TaskDefinitionCache;
  private readonly ecs: ECSClient;
  /** for calls that are not idempotent (RegisterTaskDefinition): no SDK retry, the caller checks first */
  private readonly ecsOnce: ECSClient;
  private readonly scaling: ApplicationAutoScalingClient;
  private readonly limiter: RateLimiter;
  private readonly readBudget: ReadBudget | undefined;
  private readonly stoppedTasks = new Map<string, Task[]>();
  private dynamo: DynamoDBClient | undefined;
  private sqs: SQSClient | undefined;
  private readonly clientConfig: Record<string, unknown>;

  constructor(opts: GatewayOptions) {
    this.region = opts.region;
    this.counter = opts.counter ?? new CallCounter();
    this.taskDefinitions = opts.taskDefinitionCache ?? new TaskDefinitionCache();
    this.limiter = new RateLimiter(opts.rateLimits ?? ECS_RATE_LIMITS);
    this.readBudget = opts.readBudget;
    const config = {
      region: opts.region,
      maxAttempts: opts.maxAttempts ?? 8,
      retryMode: 'standard',
      // CloudTrail records the caller's user agent: the events queue knows our own writes by it (daemon/ecs-events.ts)
      userAgentAppId: CONTROLLER_USER_AGENT,
      ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
    };
    this.clientConfig = config;
    this.ecs = new ECSClient(config);
    this.ecsOnce = new ECSClient({ ...config, maxAttempts: 1 });
    this.scaling = new ApplicationAutoScalingClient(config);
    this.instrument(this.ecs, 'ecs');
    this.instrument(this.ecsOnce, 'ecs');
    this.instrument(this.scaling, 'application-autoscaling');
  }

  /** Rate limit before, count after: one middleware on every call of both clients. */
  private instrument(client: ECSClient | ApplicationAutoScalingClient, service: string): void {
    const counter = this.counter;
    const limiter = this.limiter;
    const readBudget = this.readBudget;
    type Next = (args: unknown) => Promise<{ output: unknown }>;
    const stack = client.middlewareStack as unknown as {
      add(mw: (next: Next, context: { commandName?: string }) => Next, opts: { step: 'initialize'; name: string }): void;
    };
    stack.add(
      (next, context) => async (args) => {
        const operation = String(context.commandName ?? 'Unknown').replace(/Command$/, '');
        await limiter.acquire(operation);
        await readBudget?.acquire(operation);
        try {
          const result = await next(args);
          const attempts = (result.output as { $metadata?: { attempts?: number } })?.$metadata?.attempts ?? 1;
          counter.record(service, operation, 'success', attempts);
          return result;
        } catch (err) {
          const e = err as { name?: string; message?: string; $metadata?: { attempts?: number; httpStatusCode?: number }; $retryable?: unknown };
          const code = e.name ?? 'Error';
          const throttled = THROTTLING_CODES.has(code);
          const status = e.$metadata?.httpStatusCode;
          const retryable = throttled || e.$retryable !== undefined || status === undefined || status >= 500;
          if (throttled) counter.throttled++;
          counter.record(service, operation, code, e.$metadata?.attempts ?? 1);
          throw new AwsCallError(operation, code, `${operation}: ${code}: ${e.message ?? String(err)}`, throttled, retryable);
        }
      },
      { step: 'initialize', name: 'ecsReconcilerCallAccounting' },
    );
  }

  private async send<T>(client: Sendable, command: unknown): Promise<T> {
    return (await client.send(command)) as T;
  }

  /** Every page, to the end: ECS spells the token nextToken, Application Auto Scaling NextToken. */
  private async paginate<R extends object, T>(client: Sendable, command: (token: string | undefined) => unknown, items: (r: R) => T[] | undefined, tokenKey = 'nextToken'): Promise<T[]> {
    const out: T[] = [];
    let token: string | undefined;
    do {
      const r = await this.send<R>(client, command(token));
      out.push(...(items(r) ?? []));
      token = (r as Record<string, unknown>)[tokenKey] as string | undefined;
    } while (token);
    return out;
  }

  destroy(): void {
    this.ecs.destroy();
    this.ecsOnce.destroy();
    this.scaling.destroy();
    this.dynamo?.destroy();
    this.sqs?.destroy();
  }

  // ---- SQS: the events queue an EventBridge rule feeds (--events-queue) ---------------

  private sqsClient(): SQSClient {
    if (!this.sqs) {
      this.sqs = new SQSClient(this.clientConfig);
      this.instrument(this.sqs as unknown as ECSClient, 'sqs');
    }
    return this.sqs;
  }

  /** Long-polls the queue: up to 10 messages, waiting up to `waitSeconds` (SQS allows 20) for the first. */
  async receiveEventMessages(queueUrl: string, waitSeconds: number, abortSignal?: AbortSignal): Promise<Array<{ id: string; receiptHandle: string; body: string }>> {
    const r = await this.sqsClient().send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: waitSeconds }), abortSignal ? { abortSignal } : {});
    return (r.Messages ?? []).map((m) => ({ id: m.MessageId ?? '', receiptHandle: m.ReceiptHandle ?? '', body: m.Body ?? '' }));
  }

  /** DeleteMessageBatch takes 10 entries a call. */
  async deleteEventMessages(queueUrl: string, receiptHandles: readonly string[]): Promise<void> {
    for (const batch of chunk(receiptHandles, 10)) {
      await this.send(this.sqsClient(), new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: batch.map((h, i) => ({ Id: String(i), ReceiptHandle: h })) }));
    }
  }

  // ---- DynamoDB: the lease that lets one of several controllers apply ---------------

  private dynamoClient(): DynamoDBClient {
    if (!this.dynamo) {
      this.dynamo = new DynamoDBClient(this.clientConfig);
      this.instrument(this.dynamo as unknown as ECSClient, 'dynamodb');
    }
    return this.dynamo;
  }

  /** Creates the lease table (key `lease`, a string; on demand) unless it exists. */
  async ensureLeaseTable(table: string): Promise<void> {
    try {
      await this.send(this.dynamoClient(), new CreateTableCommand({
        TableName: table,
        AttributeDefinitions: [{ AttributeName: 'lease', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'lease', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }));
    } catch (err) {
      // already there: the usual case after the first start
      if ((err as AwsCallError).code !== 'ResourceInUseException') throw err;
    }
  }

  /**
   * Takes or renews the lease `name` for `holder` until `expiresAtMs`: a conditional
   * write that succeeds only when nobody holds it, the holder is us, or the last
   * holder's lease has expired. Returns false when another holder has it.
   */
  async putLease(table: string, name: string, holder: string, nowMs: number, expiresAtMs: number): Promise<boolean> {
    try {
      await this.send(this.dynamoClient(), new PutItemCommand({
        TableName: table,
        Item: { lease: { S: name }, holder: { S: holder }, expiresAt: { N: String(expiresAtMs) }, renewedAt: { N: String(nowMs) } },
        ConditionExpression: 'attribute_not_exists(lease) OR holder = :me OR expiresAt < :now',
        ExpressionAttributeValues: { ':me': { S: holder }, ':now': { N: String(nowMs) } },
      }));
      return true;
    } catch (err) {
      if ((err as AwsCallError).code === ConditionalCheckFailedException.name || (err as AwsCallError).code === 'ConditionalCheckFailedException') return false;
      throw err;
    }
  }

  /** Gives the lease up (only if we hold it), so another controller takes over at once. */
  async deleteLease(table: string, name: string, holder: string): Promise<void> {
    try {
      await this.send(this.dynamoClient(), new DeleteItemCommand({
        TableName: table,
        Key: { lease: { S: name } },
        ConditionExpression: 'holder = :me',
        ExpressionAttributeValues: { ':me': { S: holder } },
      }));
    } catch (err) {
      if ((err as AwsCallError).code !== 'ConditionalCheckFailedException') throw err;
    }
  }

  // ---- ECS reads -------------------------------------------------------------------

  async listClusterArns(): Promise<string[]> {
    return this.paginate(this.ecs, (nextToken) => new ListClustersCommand({ nextToken, maxResults: 100 }), (r: { clusterArns?: string[] }) => r.clusterArns);
  }


  /** DescribeClusters takes 100 clusters a call. Missing clusters come back as `missing` names. */
  async describeClusters(clusters: readonly string[]): Promise<{ clusters: Cluster[]; missing: string[] }> {
    const found: Cluster[] = [];
    const missing: string[] = [];
    for (const batch of chunk(clusters, 100)) {
      const r = await this.send<{ clusters?: Cluster[]; failures?: Array<{ arn?: string; reason?: string }> }>(
        this.ecs,
        new DescribeClustersCommand({ clusters: batch, include: ['SETTINGS', 'CONFIGURATIONS', 'TAGS'] }),
      );
      for (const c of r.clusters ?? []) {
        if (c.status === 'INACTIVE') missing.push(c.clusterName ?? '');
        else found.push(c);
      }
      for (const f of r.failures ?? []) missing.push(nameFromArn(f.arn ?? ''));
    }
    return { clusters: found, missing };
  }

  async listServiceArns(cluster: string): Promise<string[]> {
    return this.paginate(this.ecs, (nextToken) => new ListServicesCommand({ cluster, nextToken, maxResults: 100 }), (r: { serviceArns?: string[] }) => r.serviceArns);
  }


  /** DescribeServices takes 10 services a call; tags come with it (include TAGS). INACTIVE services count as missing. */
  async describeServices(cluster: string, services: readonly string[]): Promise<{ services: Service[]; missing: string[] }> {
    const found: Service[] = [];
    const missing: string[] = [];
    for (const batch of chunk(services, 10)) {
      const r = await this.send<{ services?: Service[]; failures?: Array<{ arn?: string; reason?: string }> }>(
        this.ecs,
        new DescribeServicesCommand({ cluster, services: batch, include: ['TAGS'] }),
      );
      for (const s of r.services ?? []) {
        if (s.status === 'INACTIVE') missing.push(s.serviceName ?? '');
        else found.push(s);
      }
      for (const f of r.failures ?? []) missing.push(nameFromArn(f.arn ?? ''));
    }
    return { services: found, missing };
  }

  /** All ACTIVE revision ARNs (optionally of one family), newest first, paginated to the end. */
  async listTaskDefinitionArns(opts: { familyPrefix?: string; status?: 'ACTIVE' | 'INACTIVE' } = {}): Promise<string[]> {
    return this.paginate(
      this.ecs,
      (nextToken) => new ListTaskDefinitionsCommand({ familyPrefix: opts.familyPrefix, status: opts.status ?? 'ACTIVE', sort: 'DESC', nextToken, maxResults: 100 }),
      (r: { taskDefinitionArns?: string[] }) => r.taskDefinitionArns,
    );
  }


  /** Cached by revision ARN: a revision's content never changes, so it is read once per process. */
  async describeTaskDefinition(arn: string): Promise<TaskDefinitionWithTags> {
    const cached = this.taskDefinitions.get(arn);
    if (cached) return cached;
    const r = await this.send<{ taskDefinition?: TaskDefinition; tags?: Array<{ key?: string; value?: string }> }>(
      this.ecs,
      new DescribeTaskDefinitionCommand({ taskDefinition: arn, include: ['TAGS'] }),
    );
    if (!r.taskDefinition) throw new AwsCallError('DescribeTaskDefinition', 'NotFound', `DescribeTaskDefinition: ${arn} not found`, false);
    const entry = { taskDefinition: r.taskDefinition, tags: tagsFromList(r.tags) };
    if (isRevisionArn(arn) || r.taskDefinition.taskDefinitionArn) this.taskDefinitions.set(entry);
    return entry;
  }

  async listTaskArns(cluster: string, serviceName: string, desiredStatus: 'RUNNING' | 'STOPPED' = 'RUNNING'): Promise<string[]> {
    return this.paginate(this.ecs, (nextToken) => new ListTasksCommand({ cluster, serviceName, desiredStatus, nextToken, maxResults: 100 }), (r: { taskArns?: string[] }) => r.taskArns);
  }


  /** DescribeTasks takes 100 tasks a call. */
  async describeTasks(cluster: string, tasks: readonly string[]): Promise<Task[]> {
    const out: Task[] = [];
    for (const batch of chunk(tasks, 100)) {
      const r = await this.send<{ tasks?: Task[] }>(this.ecs, new DescribeTasksCommand({ cluster, tasks: batch }));
      out.push(...(r.tasks ?? []));
    }
    return out;
  }

  /**
   * The stopped tasks of a service (lastStatus and stoppedReason), read only when a
   * deployment reports failed tasks, and cached under the caller's key (the deployment
   * and its failure count), so a steady failure costs the API nothing after the first read.
   */
  async describeStoppedTasks(cluster: string, serviceName: string, cacheKey: string): Promise<Task[]> {
    const cached = this.stoppedTasks.get(cacheKey);
    if (cached) return cached;
    const arns = (await this.listTaskArns(cluster, serviceName, 'STOPPED')).slice(0, 100);
    const tasks = arns.length ? await this.describeTasks(cluster, arns) : [];
    if (this.stoppedTasks.size > 1000) this.stoppedTasks.clear();
    this.stoppedTasks.set(cacheKey, tasks);
    return tasks;
  }

  // ---- ECS writes ------------------------------------------------------------------

  async createCluster(input: CreateClusterCommandInput): Promise<Cluster> {
    const r = await this.send<{ cluster?: Cluster }>(this.ecs, new CreateClusterCommand(input));
    return r.cluster ?? {};
  }

  async updateCluster(input: UpdateClusterCommandInput): Promise<void> {
    await this.send(this.ecs, new UpdateClusterCommand(input));
  }

  async putClusterCapacityProviders(input: PutClusterCapacityProvidersCommandInput): Promise<void> {
    await this.send(this.ecs, new PutClusterCapacityProvidersCommand(input));
  }

  async deleteCluster(cluster: string): Promise<void> {
    await this.send(this.ecs, new DeleteClusterCommand({ cluster }));
  }

  /**
   * Registers a revision, once: a retried RegisterTaskDefinition whose first answer was
   * lost makes a second revision, so the SDK does not retry it; the caller looks for
   * the revision it may have made before registering again.
   */
  async registerTaskDefinition(input: RegisterTaskDefinitionCommandInput): Promise<TaskDefinitionWithTags> {
    const r = await this.send<{ taskDefinition?: TaskDefinition; tags?: Array<{ key?: string; value?: string }> }>(this.ecsOnce, new RegisterTaskDefinitionCommand(input));
    if (!r.taskDefinition) throw new AwsCallError('RegisterTaskDefinition', 'EmptyResponse', 'RegisterTaskDefinition returned no task definition', false);
    const entry = { taskDefinition: r.taskDefinition, tags: r.tags ? tagsFromList(r.tags) : tagsFromList(input.tags) };
    this.taskDefinitions.set(entry);
    return entry;
  }

  async deregisterTaskDefinition(arn: string): Promise<void> {
    await this.send(this.ecs, new DeregisterTaskDefinitionCommand({ taskDefinition: arn }));
  }

  async createService(input: CreateServiceCommandInput): Promise<Service> {
    const r = await this.send<{ service?: Service }>(this.ecs, new CreateServiceCommand(input));
    return r.service ?? {};
  }

  async updateService(input: UpdateServiceCommandInput): Promise<Service> {
    const r = await this.send<{ service?: Service }>(this.ecs, new UpdateServiceCommand(input));
    return r.service ?? {};
  }

  async deleteService(cluster: string, service: string): Promise<void> {
    await this.send(this.ecs, new DeleteServiceCommand({ cluster, service, force: true }));
  }

  async tagResource(resourceArn: string, tags: Record<string, string>): Promise<void> {
    if (Object.keys(tags).length === 0) return;
    await this.send(this.ecs, new TagResourceCommand({ resourceArn, tags: tagsToList(tags) }));
    this.taskDefinitions.updateTags(resourceArn, { ...(this.taskDefinitions.get(resourceArn)?.tags ?? {}), ...tags });
  }

  async untagResource(resourceArn: string, tagKeys: string[]): Promise<void> {
    if (tagKeys.length === 0) return;
    await this.send(this.ecs, new UntagResourceCommand({ resourceArn, tagKeys }));
    const cached = this.taskDefinitions.get(resourceArn);
    if (cached) {
      const next = { ...cached.tags };
      for (const k of tagKeys) delete next[k];
      this.taskDefinitions.updateTags(resourceArn, next);
    }
  }

  // ---- Application Auto Scaling ----------------------------------------------------

  /**
   * Every ECS scalable target, scaling policy and scheduled action of the region, read
   * whole (paginated) rather than per service: three paginated calls however many
   * services scale, where asking per resource id would cost one or more per service.
   */
  async listScalableTargets(): Promise<ScalableTarget[]> {
    return this.paginate(this.scaling, (NextToken) => new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs', ScalableDimension: 'ecs:service:DesiredCount', NextToken, MaxResults: 50 }), (r: { ScalableTargets?: ScalableTarget[] }) => r.ScalableTargets, 'NextToken');
  }

  async listScalingPolicies(): Promise<ScalingPolicy[]> {
    return this.paginate(this.scaling, (NextToken) => new DescribeScalingPoliciesCommand({ ServiceNamespace: 'ecs', ScalableDimension: 'ecs:service:DesiredCount', NextToken, MaxResults: 50 }), (r: { ScalingPolicies?: ScalingPolicy[] }) => r.ScalingPolicies, 'NextToken');
  }

  async listScheduledActions(): Promise<ScheduledAction[]> {
    return this.paginate(this.scaling, (NextToken) => new DescribeScheduledActionsCommand({ ServiceNamespace: 'ecs', ScalableDimension: 'ecs:service:DesiredCount', NextToken, MaxResults: 50 }), (r: { ScheduledActions?: ScheduledAction[] }) => r.ScheduledActions, 'NextToken');
  }

  async registerScalableTarget(input: RegisterScalableTargetCommandInput): Promise<void> {
    await this.send(this.scaling, new RegisterScalableTargetCommand(input));
  }

  async deregisterScalableTarget(resourceId: string): Promise<void> {
    await this.send(this.scaling, new DeregisterScalableTargetCommand({ ServiceNamespace: 'ecs', ResourceId: resourceId, ScalableDimension: 'ecs:service:DesiredCount' }));
  }

  async putScalingPolicy(input: PutScalingPolicyCommandInput): Promise<void> {
    await this.send(this.scaling, new PutScalingPolicyCommand(input));
  }

  async deleteScalingPolicy(resourceId: string, policyName: string): Promise<void> {
    await this.send(this.scaling, new DeleteScalingPolicyCommand({ ServiceNamespace: 'ecs', ResourceId: resourceId, ScalableDimension: 'ecs:service:DesiredCount', PolicyName: policyName }));
  }

  async putScheduledAction(input: PutScheduledActionCommandInput): Promise<void> {
    await this.send(this.scaling, new PutScheduledActionCommand(input));
  }

  async deleteScheduledAction(resourceId: string, name: string): Promise<void> {
    await this.send(this.scaling, new DeleteScheduledActionCommand({ ServiceNamespace: 'ecs', ResourceId: resourceId, ScalableDimension: 'ecs:service:DesiredCount', ScheduledActionName: name }));
  }
}

export function nameFromArn(arn: string): string {
  const slash = arn.lastIndexOf('/');
  return slash >= 0 ? arn.slice(slash + 1) : arn;
}

/** arn:aws:ecs:region:acct:task-definition/family:3 */
export function isRevisionArn(value: string): boolean {
  return /^arn:aws[\w-]*:ecs:[^:]+:\d+:task-definition\/[^:]+:\d+$/.test(value);
}

/** One gateway per region, sharing counters and the revision cache. */
export class AwsGateways {
  readonly counter = new CallCounter();
  readonly taskDefinitionCache = new TaskDefinitionCache();
  private readonly byRegion = new Map<string, AwsGateway>();
  constructor(private readonly base: Omit<GatewayOptions, 'region' | 'counter' | 'taskDefinitionCache'>) {}

  forRegion(region: string): AwsGateway {
    let g = this.byRegion.get(region);
    if (!g) {
      g = new AwsGateway({ ...this.base, region, counter: this.counter, taskDefinitionCache: this.taskDefinitionCache });
      this.byRegion.set(region, g);
    }
    return g;
  }

  destroy(): void {
    for (const g of this.byRegion.values()) g.destroy();
    this.byRegion.clear();
  }
}
