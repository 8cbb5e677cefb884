/**
 * The SDK implementation of the Gateway interface (gateway-interface.ts): the only
 * module that talks to AWS. It builds the SDK clients for a region and an optional
 * endpoint, and owns batching (DescribeServices takes 10 services a call,
 * DescribeClusters 100), pagination (the SDK's paginators, to the end), client-side rate
 * limits per action, the SDK's standard retries, call counters (SDK middleware),
 * and the cache of task definition revisions (immutable by ARN).
 */

import { randomBytes } from 'node:crypto';
import {
  ApplicationAutoScalingClient,
  DeleteScalingPolicyCommand,
  DeleteScheduledActionCommand,
  DeregisterScalableTargetCommand,
  DescribeScalingPoliciesCommand,
  DescribeScheduledActionsCommand,
  PutScalingPolicyCommand,
  type PutScalingPolicyCommandInput,
  PutScheduledActionCommand,
  type PutScheduledActionCommandInput,
  paginateDescribeScalableTargets,
  paginateDescribeScalingPolicies,
  paginateDescribeScheduledActions,
  RegisterScalableTargetCommand,
  type RegisterScalableTargetCommandInput,
  type ScalableTarget,
  type ScalingPolicy,
  type ScheduledAction,
} from '@aws-sdk/client-application-auto-scaling';
import type { CodeDeployClient, DeploymentInfo } from '@aws-sdk/client-codedeploy';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  type CapacityProvider,
  type Cluster,
  type ContainerInstance,
  CreateCapacityProviderCommand,
  type CreateCapacityProviderCommandInput,
  CreateClusterCommand,
  type CreateClusterCommandInput,
  CreateServiceCommand,
  type CreateServiceCommandInput,
  DeleteCapacityProviderCommand,
  DeleteClusterCommand,
  DeleteServiceCommand,
  DeregisterTaskDefinitionCommand,
  DescribeCapacityProvidersCommand,
  DescribeClustersCommand,
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTaskDefinitionsCommand,
  PutClusterCapacityProvidersCommand,
  type PutClusterCapacityProvidersCommandInput,
  paginateListClusters,
  paginateListContainerInstances,
  paginateListServices,
  paginateListTaskDefinitions,
  paginateListTasks,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
  type Service,
  TagResourceCommand,
  type Task,
  type TaskDefinition,
  UntagResourceCommand,
  UpdateCapacityProviderCommand,
  type UpdateCapacityProviderCommandInput,
  UpdateClusterCommand,
  type UpdateClusterCommandInput,
  UpdateServiceCommand,
  type UpdateServiceCommandInput,
} from '@aws-sdk/client-ecs';
import { paginateGetResources, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { STSClient } from '@aws-sdk/client-sts';
import { CallCounter, isMutatingOperation } from './call-counter.js';
import {
  BATCH,
  chunk,
  ECS_SCALABLE_DIMENSION,
  isRevisionArn,
  PAGE,
  splitDescribedClusters,
  splitDescribedServices,
  tagsFromList,
  tagsToList,
} from './ecs-api.js';
import { ANSWER_TAGS, EcsJsonProtocol, KNOWN_ANSWERS, UNCHANGED_ANSWERS } from './ecs-protocol.js';
import { AwsCallError, INTERRUPTED, interruptedCall, THROTTLING_CODES } from './errors.js';
import type { DescribedServices, Gateway, Gateways } from './gateway-interface.js';
import type { CodeDeployCreateDeploymentInput, EventMessage, LeaseRecord, LiveService, TaskDefinitionWithTags, WriteFence } from './model.js';
import { callSignal } from './pass-signal.js';
import { ECS_RATE_LIMITS, RateLimiter, type RateLimits, type RateLimitWaitListener, type ReadBudget } from './rate-limit.js';
import { TaskDefinitionCache } from './revision-cache.js';

/**
 * The SDK clients a `plan` never needs (CodeDeploy for a CODE_DEPLOY rollout, SQS for
 * --events-queue, DynamoDB for the lease, STS for a cluster ARN), loaded on first use:
 * together about 70-100 ms of CPU in every new CLI process (issue 19's cold plan).
 */
let codeDeploySdk: Promise<typeof import('@aws-sdk/client-codedeploy')> | undefined;
let sqsSdk: Promise<typeof import('@aws-sdk/client-sqs')> | undefined;
let dynamoSdk: Promise<typeof import('@aws-sdk/client-dynamodb')> | undefined;
let stsSdk: Promise<typeof import('@aws-sdk/client-sts')> | undefined;
const loadCodeDeploy = () => (codeDeploySdk ??= import('@aws-sdk/client-codedeploy'));
const loadSqs = () => (sqsSdk ??= import('@aws-sdk/client-sqs'));
const loadDynamo = () => (dynamoSdk ??= import('@aws-sdk/client-dynamodb'));
const loadSts = () => (stsSdk ??= import('@aws-sdk/client-sts'));

export interface GatewayOptions {
  region: string;
  /** e.g. http://127.0.0.1:5000 for the local emulator; otherwise the SDK's own resolution (AWS_ENDPOINT_URL...) */
  endpoint?: string;
  /** a named profile of ~/.aws/config and ~/.aws/credentials (--profile); otherwise the SDK's own (AWS_PROFILE, default) */
  profile?: string;
  /** the SDK's attempts per call, retries included (default 8) */
  maxAttempts?: number;
  rateLimits?: RateLimits | 'off';
  /** a call has waited on the client-side rate limit for a while (apply's progress says so) */
  onRateLimitWait?: RateLimitWaitListener;
  counter?: CallCounter;
  /** shared across gateways of one process: revisions never change */
  taskDefinitionCache?: TaskDefinitionCache;
  /** --read-budget: paces the reads of a full resync (rate-limit.ts) */
  readBudget?: ReadBudget;
  /** shared across gateways of one process: the lease's call budget */
  writeFence?: WriteFence;
}

/**
 * This process's SDK app id, sent as `app/<id>` in every call's User-Agent, which CloudTrail
 * records as `userAgent`: the events queue knows this process's own writes by it
 * (daemon/ecs-events.ts). One a process, not one for the product: another daemon (a shard, a
 * replica that held the lease before) or someone's `ecs-reconciler apply` from a laptop also
 * changes services, and those changes must reach the daemon as anyone's would. 12 hex
 * digits: the SDK wants an app id of at most 50 characters.
 */
export const CONTROLLER_APP_ID = `ecs-reconciler-${randomBytes(6).toString('hex')}`;

type Sendable = { send(command: unknown, options?: { abortSignal?: AbortSignal }): Promise<unknown> };

export class AwsGateway implements Gateway {
  readonly region: string;
  readonly counter: CallCounter;
  readonly taskDefinitions: TaskDefinitionCache;
  private readonly ecs: ECSClient;
  /** for calls that are not idempotent (RegisterTaskDefinition): no SDK retry, the caller checks first */
  private readonly ecsOnce: ECSClient;
  private readonly scaling: ApplicationAutoScalingClient;
  readonly limiter: RateLimiter;
  private readonly stoppedTasks = new Map<string, Task[]>();
  private dynamo: DynamoDBClient | undefined;
  private codeDeploy: CodeDeployClient | undefined;
  private sts: STSClient | undefined;
  private tagging: ResourceGroupsTaggingAPIClient | undefined;
  private account: Promise<string> | undefined;
  private readonly readBudget: ReadBudget | undefined;
  private sqs: SQSClient | undefined;
  private readonly clientConfig: Record<string, unknown>;
  private readonly fence: WriteFence;

  constructor(opts: GatewayOptions) {
    this.region = opts.region;
    this.counter = opts.counter ?? new CallCounter();
    this.taskDefinitions = opts.taskDefinitionCache ?? new TaskDefinitionCache();
    this.limiter = new RateLimiter(opts.rateLimits ?? ECS_RATE_LIMITS, opts.onRateLimitWait);
    this.fence = opts.writeFence ?? {};
    this.readBudget = opts.readBudget;
    const config = {
      region: opts.region,
      maxAttempts: opts.maxAttempts ?? 8,
      // Standard, not adaptive. Adaptive adds the SDK's own client-side rate limiter (a
      // CUBIC-like sending rate lowered on every throttle), which duplicates ours
      // (rate-limit.ts): ours stays, since it holds each action to the rates ECS documents
      // before anything is throttled (RegisterTaskDefinition one a second), meters every
      // attempt (retries included) and paces a resync by --read-budget. With both, a
      // throttled estate was slowed twice: the daemon's convergence through 20% faults
      // (test/integration/faults.test.ts) took 92 s instead of 48 s.
      retryMode: 'standard',
      // CloudTrail records the caller's user agent: the events queue knows this process's writes by it (daemon/ecs-events.ts)
      userAgentAppId: CONTROLLER_APP_ID,
      ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
      // The SDK's default chain reads credentials (and, below, the region) from this
      // profile: static keys, SSO, assume-role with source_profile, credential_process.
      ...(opts.profile ? { profile: opts.profile } : {}),
    };
    this.clientConfig = config;
    // DescribeServices answers cut to the events read, and read without the SDK's JSON reviver where it would change nothing (ecs-protocol.ts)
    const ecsConfig = { ...config, protocol: EcsJsonProtocol };
    this.ecs = new ECSClient(ecsConfig);
    this.ecsOnce = new ECSClient({ ...ecsConfig, maxAttempts: 1 });
    this.scaling = new ApplicationAutoScalingClient(config);
    this.instrument(this.ecs, 'ecs');
    this.instrument(this.ecsOnce, 'ecs');
    this.instrument(this.scaling, 'application-autoscaling');
  }

  /** Rate limit every attempt, count every call: middleware on every call of every client. */
  private instrument(client: ECSClient | ApplicationAutoScalingClient, service: string): void {
    const counter = this.counter;
    const limiter = this.limiter;
    const readBudget = this.readBudget;
    type Next = (args: unknown) => Promise<{ output: unknown }>;
    const stack = client.middlewareStack as unknown as {
      add(mw: (next: Next, context: { commandName?: string }) => Next, opts: { step: 'initialize'; name: string }): void;
    };
    // The limiter sits inside the SDK's retry loop (after retryMiddleware, before signing),
    // so every attempt takes a token: a throttled estate's retries are metered as its
    // first attempts are, instead of retrying at full speed (issue 13, 9).
    (
      client.middlewareStack as unknown as {
        addRelativeTo(mw: (next: Next, context: { commandName?: string }) => Next, opts: { relation: 'after'; toMiddleware: string; name: string }): void;
      }
    ).addRelativeTo(
      (next, context) => async (args) => {
        const operation = String(context.commandName ?? 'Unknown').replace(/Command$/, '');
        // the pass's abort ends a wait for a token at once (ALS: this runs inside the pass's send)
        const signal = callSignal();
        await limiter.acquire(operation, signal);
        await readBudget?.acquire(operation, signal);
        // a retry (or a token) that waited past the lease's budget is not sent
        if (service !== 'dynamodb' && isMutatingOperation(operation)) this.fenceBudget(operation);
        return next(args);
      },
      { relation: 'after', toMiddleware: 'retryMiddleware', name: 'ecsReconcilerRateLimit' },
    );
    stack.add(
      (next, context) => async (args) => {
        const operation = String(context.commandName ?? 'Unknown').replace(/Command$/, '');
        try {
          const result = await next(args);
          const attempts = (result.output as { $metadata?: { attempts?: number } })?.$metadata?.attempts ?? 1;
          counter.record(service, operation, 'success', attempts);
          return result;
        } catch (err) {
          if (err instanceof AwsCallError) {
            // ours, from inside the stack (the lease fence): already says what and why
            counter.record(service, operation, err.code, 1);
            throw err;
          }
          if (callSignal()?.aborted) {
            // the pass was stopped: not AWS's answer, and nothing to retry or conclude from
            counter.record(service, operation, INTERRUPTED, 1);
            throw interruptedCall(operation);
          }
          const e = err as {
            name?: string;
            message?: string;
            $metadata?: { attempts?: number; httpStatusCode?: number; requestId?: string };
            $retryable?: unknown;
          };
          const code = e.name ?? 'Error';
          const throttled = THROTTLING_CODES.has(code);
          const status = e.$metadata?.httpStatusCode;
          const retryable = throttled || e.$retryable !== undefined || status === undefined || status >= 500;
          if (throttled) counter.throttled++;
          counter.record(service, operation, code, e.$metadata?.attempts ?? 1);
          const m = e.$metadata;
          const response = {
            ...(m?.requestId ? { requestId: m.requestId } : {}),
            ...(m?.httpStatusCode !== undefined ? { httpStatusCode: m.httpStatusCode } : {}),
            ...(m?.attempts !== undefined ? { attempts: m.attempts } : {}),
          };
          throw new AwsCallError(operation, code, `${operation}: ${code}: ${e.message ?? String(err)}`, throttled, retryable, response);
        }
      },
      { step: 'initialize', name: 'ecsReconcilerCallAccounting' },
    );
  }

  private async send<T>(client: Sendable, command: unknown): Promise<T> {
    const operation = (command as object).constructor.name.replace(/Command$/, '');
    const abortSignal = this.abortSignalFor(client, operation);
    return (await client.send(command, abortSignal ? { abortSignal } : {})) as T;
  }

  /**
   * What ends a call early: the pass's abort (the SDK then stops its retry backoff and the
   * request in flight), and under a lease a mutating call's budget. The lease's own calls
   * are conditional writes: they are safe at any time.
   */
  private abortSignalFor(client: Sendable | undefined, operation: string): AbortSignal | undefined {
    const signals: AbortSignal[] = [];
    const pass = callSignal();
    if (pass) {
      if (pass.aborted) throw interruptedCall(operation);
      signals.push(pass);
    }
    if (this.fence.budgetMs && client !== this.dynamo && isMutatingOperation(operation))
      signals.push(AbortSignal.timeout(Math.max(1, Math.floor(this.fenceBudget(operation)))));
    return signals.length > 1 ? AbortSignal.any(signals) : signals[0];
  }

  /** The call budget left under the lease; throws, sending nothing, when none is left. */
  private fenceBudget(operation: string): number {
    const budget = this.fence.budgetMs?.() ?? Infinity;
    if (budget <= 0)
      throw new AwsCallError(
        operation,
        'LeaseExpiring',
        `${operation}: not sent: the lease is lost or about to expire, and another controller may hold it`,
        false,
        false,
      );
    return budget;
  }

  /**
   * Every page of an SDK paginator (paginateListServices...), to the end, each call with the
   * pass's signal: an abort between pages sends no further page.
   */
  private async allPages<P, T>(
    operation: string,
    pages: (options: { abortSignal?: AbortSignal }) => AsyncIterable<P>,
    items: (page: P) => T[] | undefined,
  ): Promise<T[]> {
    const abortSignal = this.abortSignalFor(undefined, operation);
    const out: T[] = [];
    for await (const page of pages(abortSignal ? { abortSignal } : {})) {
      out.push(...(items(page) ?? []));
      if (abortSignal?.aborted) throw interruptedCall(operation);
    }
    return out;
  }

  /**
   * Every page of DescribeCapacityProviders, which has a nextToken but no SDK paginator
   * (client-ecs ships none for it): the one hand-written loop.
   */
  private async describeCapacityProviderPages(input: { capacityProviders?: string[]; include?: ['TAGS']; maxResults?: number }): Promise<CapacityProvider[]> {
    const out: CapacityProvider[] = [];
    let nextToken: string | undefined;
    do {
      const r = await this.send<{ capacityProviders?: CapacityProvider[]; nextToken?: string }>(
        this.ecs,
        new DescribeCapacityProvidersCommand({ ...input, ...(nextToken ? { nextToken } : {}) }),
      );
      out.push(...(r.capacityProviders ?? []));
      nextToken = r.nextToken;
    } while (nextToken);
    return out;
  }

  destroy(): void {
    this.ecs.destroy();
    this.ecsOnce.destroy();
    this.scaling.destroy();
    this.dynamo?.destroy();
    this.codeDeploy?.destroy();
    this.sts?.destroy();
    this.tagging?.destroy();
    this.sqs?.destroy();
  }

  /**
   * ECS services of the region carrying a tag, in a few calls (Resource Groups Tagging API
   * GetResources, TagFilters + ResourceTypeFilters, up to 100 a page): how services the
   * controller manages are found even in a cluster no manifest names any more. Services
   * only: ListClusters already names every cluster and ListTaskDefinitions every revision,
   * while a revision per page here would cost a call per 100 revisions every pass. GetResources also returns resources "tagged or previously
   * tagged" (the API reference), deleted ones among them: callers describe what it names.
   */
  async findTaggedServiceArns(key: string, value: string): Promise<string[]> {
    if (!this.tagging) {
      this.tagging = new ResourceGroupsTaggingAPIClient(this.clientConfig);
      this.instrument(this.tagging as unknown as ECSClient, 'tagging');
    }
    const client = this.tagging;
    return this.allPages(
      'GetResources',
      (options) =>
        paginateGetResources(
          { client, pageSize: PAGE.tagging },
          { TagFilters: [{ Key: key, Values: [value] }], ResourceTypeFilters: ['ecs:service'] },
          options,
        ),
      (r) => r.ResourceTagMappingList?.map((m) => m.ResourceARN ?? '').filter(Boolean),
    );
  }

  /**
   * The account the credentials belong to (STS GetCallerIdentity, read once): a cluster
   * ARN of another account in a manifest is refused rather than reduced to its name.
   */
  callerAccount(): Promise<string> {
    if (!this.account) {
      this.account = (async () => {
        const { STSClient, GetCallerIdentityCommand } = await loadSts();
        this.sts = new STSClient(this.clientConfig);
        this.instrument(this.sts as unknown as ECSClient, 'sts');
        const r = await this.send<{ Account?: string }>(this.sts, new GetCallerIdentityCommand({}));
        return r.Account ?? '';
      })();
      this.account.catch(() => (this.account = undefined));
    }
    return this.account;
  }

  // ---- SQS: the events queue an EventBridge rule feeds (--events-queue) ---------------

  /** made on first use: most estates have no CODE_DEPLOY service */
  private async codeDeployClient(): Promise<CodeDeployClient> {
    if (!this.codeDeploy) {
      const { CodeDeployClient } = await loadCodeDeploy();
      this.codeDeploy = new CodeDeployClient(this.clientConfig);
      this.instrument(this.codeDeploy as unknown as ECSClient, 'codedeploy');
    }
    return this.codeDeploy;
  }

  async createCodeDeployDeployment(input: CodeDeployCreateDeploymentInput): Promise<string> {
    const { CreateDeploymentCommand } = await loadCodeDeploy();
    const r = await this.send<{ deploymentId?: string }>(await this.codeDeployClient(), new CreateDeploymentCommand(input));
    return r.deploymentId ?? '';
  }

  async getCodeDeployDeployment(deploymentId: string): Promise<DeploymentInfo> {
    const { GetDeploymentCommand } = await loadCodeDeploy();
    const r = await this.send<{ deploymentInfo?: DeploymentInfo }>(await this.codeDeployClient(), new GetDeploymentCommand({ deploymentId }));
    return r.deploymentInfo ?? {};
  }

  private async sqsClient(): Promise<SQSClient> {
    if (!this.sqs) {
      const { SQSClient } = await loadSqs();
      this.sqs = new SQSClient(this.clientConfig);
      this.instrument(this.sqs as unknown as ECSClient, 'sqs');
    }
    return this.sqs;
  }

  /** Long-polls the queue: up to 10 messages, waiting up to `waitSeconds` (SQS allows 20) for the first. */
  async receiveEventMessages(queueUrl: string, waitSeconds: number, abortSignal?: AbortSignal): Promise<EventMessage[]> {
    const { ReceiveMessageCommand } = await loadSqs();
    const r = await (await this.sqsClient()).send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: waitSeconds }),
      abortSignal ? { abortSignal } : {},
    );
    return (r.Messages ?? []).map((m) => ({ id: m.MessageId ?? '', receiptHandle: m.ReceiptHandle ?? '', body: m.Body ?? '' }));
  }

  /** DeleteMessageBatch takes 10 entries a call. */
  async deleteEventMessages(queueUrl: string, receiptHandles: readonly string[]): Promise<void> {
    const { DeleteMessageBatchCommand } = await loadSqs();
    for (const batch of chunk(receiptHandles, BATCH.DeleteMessageBatch)) {
      await this.send(
        await this.sqsClient(),
        new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: batch.map((h, i) => ({ Id: String(i), ReceiptHandle: h })) }),
      );
    }
  }

  // ---- DynamoDB: the lease that lets one of several controllers apply ---------------

  private async dynamoClient(): Promise<DynamoDBClient> {
    if (!this.dynamo) {
      const { DynamoDBClient } = await loadDynamo();
      this.dynamo = new DynamoDBClient(this.clientConfig);
      this.instrument(this.dynamo as unknown as ECSClient, 'dynamodb');
    }
    return this.dynamo;
  }

  /** Creates the lease table (key `lease`, a string; on demand) unless it exists. */
  async ensureLeaseTable(table: string): Promise<void> {
    const { CreateTableCommand } = await loadDynamo();
    try {
      await this.send(
        await this.dynamoClient(),
        new CreateTableCommand({
          TableName: table,
          AttributeDefinitions: [{ AttributeName: 'lease', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'lease', KeyType: 'HASH' }],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
    } catch (err) {
      // already there: the usual case after the first start
      if ((err as AwsCallError).code !== 'ResourceInUseException') throw err;
    }
  }

  /** The lease item as it is now (a strongly consistent read: the rvn must be the latest). */
  async readLease(table: string, name: string): Promise<LeaseRecord | undefined> {
    const { GetItemCommand } = await loadDynamo();
    const r = await this.send<{ Item?: Record<string, { S?: string; N?: string }> }>(
      await this.dynamoClient(),
      new GetItemCommand({ TableName: table, Key: { lease: { S: name } }, ConsistentRead: true }),
    );
    const item = r.Item;
    if (!item?.rvn?.S || !item.holder?.S) return undefined;
    return { holder: item.holder.S, rvn: item.rvn.S, durationMs: Number(item.durationMs?.N ?? 0) };
  }

  /**
   * Writes the lease item if its record version number is still `expectedRvn` (or, with
   * undefined, if there is no item). Returns false when the condition fails: someone
   * else wrote it since. `renewedAt` is wall-clock time for people reading the table;
   * no controller compares it with anything.
   */
  async writeLease(table: string, name: string, record: LeaseRecord, expectedRvn: string | undefined): Promise<boolean> {
    const { PutItemCommand } = await loadDynamo();
    try {
      await this.send(
        await this.dynamoClient(),
        new PutItemCommand({
          TableName: table,
          Item: {
            lease: { S: name },
            holder: { S: record.holder },
            rvn: { S: record.rvn },
            durationMs: { N: String(record.durationMs) },
            renewedAt: { S: new Date().toISOString() },
          },
          ...(expectedRvn === undefined
            ? { ConditionExpression: 'attribute_not_exists(lease)' }
            : { ConditionExpression: 'rvn = :rvn', ExpressionAttributeValues: { ':rvn': { S: expectedRvn } } }),
        }),
      );
      return true;
    } catch (err) {
      if ((err as AwsCallError).code === 'ConditionalCheckFailedException') return false;
      throw err;
    }
  }

  /** Gives the lease up (only if it is still the version we wrote), so another controller takes over at once. */
  async deleteLease(table: string, name: string, rvn: string): Promise<void> {
    const { DeleteItemCommand } = await loadDynamo();
    try {
      await this.send(
        await this.dynamoClient(),
        new DeleteItemCommand({
          TableName: table,
          Key: { lease: { S: name } },
          ConditionExpression: 'rvn = :rvn',
          ExpressionAttributeValues: { ':rvn': { S: rvn } },
        }),
      );
    } catch (err) {
      if ((err as AwsCallError).code !== 'ConditionalCheckFailedException') throw err;
    }
  }

  // ---- ECS reads -------------------------------------------------------------------

  async listClusterArns(): Promise<string[]> {
    return this.allPages(
      'ListClusters',
      (options) => paginateListClusters({ client: this.ecs, pageSize: PAGE.ecs }, {}, options),
      (r) => r.clusterArns,
    );
  }

  /** DescribeClusters takes 100 clusters a call. Missing clusters come back as `missing` names. */
  async describeClusters(names: readonly string[]): Promise<{ clusters: Cluster[]; missing: string[] }> {
    const clusters: Cluster[] = [];
    const missing: string[] = [];
    for (const batch of chunk(names, BATCH.DescribeClusters)) {
      const r = splitDescribedClusters(
        await this.send<{ clusters?: Cluster[]; failures?: Array<{ arn?: string; reason?: string }> }>(
          this.ecs,
          new DescribeClustersCommand({ clusters: batch, include: ['SETTINGS', 'CONFIGURATIONS', 'TAGS'] }),
        ),
      );
      clusters.push(...r.clusters);
      missing.push(...r.missing);
    }
    return { clusters, missing };
  }

  /** DescribeCapacityProviders "returns up to 10 results and a nextToken value" (API reference); tags only with include TAGS. */
  async describeCapacityProviders(): Promise<CapacityProvider[]> {
    return this.describeCapacityProviderPages({ include: ['TAGS'], maxResults: PAGE.capacityProviders });
  }

  async listServiceArns(cluster: string): Promise<string[]> {
    return this.allPages(
      'ListServices',
      (options) => paginateListServices({ client: this.ecs, pageSize: PAGE.ecs }, { cluster }, options),
      (r) => r.serviceArns,
    );
  }

  /**
   * DescribeServices takes 10 services a call; tags come with it (include TAGS). INACTIVE
   * services count as missing. `known` goes to the ECS clients' protocol on the call's
   * context (ecs-protocol.ts), which then tags each service's answer and skips decoding a
   * known service whose answer is the same; without it (a CLI run) nothing is tagged.
   */
  async describeServices(cluster: string, services: readonly string[], known?: ReadonlyMap<string, string>): Promise<DescribedServices> {
    const found: LiveService[] = [];
    const missing: string[] = [];
    const unchanged: string[] = [];
    const answerTags = new Map<string, string>();
    for (const batch of chunk(services, BATCH.DescribeServices)) {
      const command = new DescribeServicesCommand({ cluster, services: batch, include: ['TAGS'] });
      if (known)
        command.middlewareStack.add(
          (next, context) => (args) => {
            (context as { [KNOWN_ANSWERS]?: ReadonlyMap<string, string> })[KNOWN_ANSWERS] = known;
            return next(args);
          },
          { step: 'initialize', name: 'ecsReconcilerKnownAnswers' },
        );
      const answer = await this.send<{
        services?: Service[];
        failures?: Array<{ arn?: string; reason?: string }>;
        [ANSWER_TAGS]?: Map<string, string>;
        [UNCHANGED_ANSWERS]?: string[];
      }>(this.ecs, command);
      const r = splitDescribedServices(answer);
      found.push(...r.services);
      missing.push(...r.missing);
      for (const arn of answer[UNCHANGED_ANSWERS] ?? []) unchanged.push(arn);
      for (const [arn, tag] of answer[ANSWER_TAGS] ?? []) answerTags.set(arn, tag);
    }
    return { services: found, missing, unchanged, answerTags };
  }

  /** All ACTIVE revision ARNs (optionally of one family), newest first, paginated to the end. */
  async listTaskDefinitionArns(opts: { familyPrefix?: string; status?: 'ACTIVE' | 'INACTIVE' } = {}): Promise<string[]> {
    return this.allPages(
      'ListTaskDefinitions',
      (options) =>
        paginateListTaskDefinitions(
          { client: this.ecs, pageSize: PAGE.ecs },
          { ...(opts.familyPrefix !== undefined ? { familyPrefix: opts.familyPrefix } : {}), status: opts.status ?? 'ACTIVE', sort: 'DESC' },
          options,
        ),
      (r) => r.taskDefinitionArns,
    );
  }

  /**
   * One page of ListTaskDefinitions, ASC: "lexicographically by family name and in ascending
   * numerical order by revision" (ECS API reference, ListTaskDefinitions `sort`), so a resync
   * slice's families, taken in the same order, are a run of consecutive pages.
   */
  async listTaskDefinitionArnsPage(nextToken?: string): Promise<{ arns: string[]; nextToken?: string }> {
    const r = await this.send<{ taskDefinitionArns?: string[]; nextToken?: string }>(
      this.ecs,
      new ListTaskDefinitionsCommand({ status: 'ACTIVE', sort: 'ASC', maxResults: PAGE.ecs, ...(nextToken ? { nextToken } : {}) }),
    );
    return { arns: r.taskDefinitionArns ?? [], ...(r.nextToken ? { nextToken: r.nextToken } : {}) };
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

  /** Every task of a cluster with desired status RUNNING (PENDING ones included), whoever started it. */
  async listClusterTaskArns(cluster: string): Promise<string[]> {
    return this.allPages(
      'ListTasks',
      (options) => paginateListTasks({ client: this.ecs, pageSize: PAGE.ecs }, { cluster, desiredStatus: 'RUNNING' }, options),
      (r) => r.taskArns,
    );
  }

  async listTaskArns(cluster: string, serviceName: string, desiredStatus: 'RUNNING' | 'STOPPED' = 'RUNNING'): Promise<string[]> {
    return this.allPages(
      'ListTasks',
      (options) => paginateListTasks({ client: this.ecs, pageSize: PAGE.ecs }, { cluster, serviceName, desiredStatus }, options),
      (r) => r.taskArns,
    );
  }

  /** DescribeTasks takes 100 tasks a call. */
  async describeTasks(cluster: string, tasks: readonly string[]): Promise<Task[]> {
    const out: Task[] = [];
    for (const batch of chunk(tasks, BATCH.DescribeTasks)) {
      const r = await this.send<{ tasks?: Task[] }>(this.ecs, new DescribeTasksCommand({ cluster, tasks: batch }));
      out.push(...(r.tasks ?? []));
    }
    return out;
  }

  /** ListContainerInstances (every page), then DescribeContainerInstances, 100 a call. */
  async describeContainerInstances(cluster: string): Promise<ContainerInstance[]> {
    const arns = await this.allPages(
      'ListContainerInstances',
      (options) => paginateListContainerInstances({ client: this.ecs, pageSize: PAGE.ecs }, { cluster }, options),
      (r) => r.containerInstanceArns,
    );
    const out: ContainerInstance[] = [];
    for (const batch of chunk(arns, BATCH.DescribeContainerInstances)) {
      const r = await this.send<{ containerInstances?: ContainerInstance[] }>(
        this.ecs,
        new DescribeContainerInstancesCommand({ cluster, containerInstances: batch }),
      );
      out.push(...(r.containerInstances ?? []));
    }
    return out;
  }

  /** DescribeCapacityProviders, 100 names a call, every page of each. */
  async describeCapacityProvidersNamed(names: readonly string[]): Promise<CapacityProvider[]> {
    const out: CapacityProvider[] = [];
    for (const batch of chunk(names, BATCH.DescribeCapacityProviders)) {
      out.push(...(await this.describeCapacityProviderPages({ capacityProviders: [...batch] })));
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

  async createCapacityProvider(input: CreateCapacityProviderCommandInput): Promise<CapacityProvider> {
    const r = await this.send<{ capacityProvider?: CapacityProvider }>(this.ecs, new CreateCapacityProviderCommand(input));
    return r.capacityProvider ?? {};
  }

  async updateCapacityProvider(input: UpdateCapacityProviderCommandInput): Promise<void> {
    await this.send(this.ecs, new UpdateCapacityProviderCommand(input));
  }

  async deleteCapacityProvider(name: string): Promise<CapacityProvider> {
    const r = await this.send<{ capacityProvider?: CapacityProvider }>(this.ecs, new DeleteCapacityProviderCommand({ capacityProvider: name }));
    return r.capacityProvider ?? {};
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
    const r = await this.send<{ taskDefinition?: TaskDefinition; tags?: Array<{ key?: string; value?: string }> }>(
      this.ecsOnce,
      new RegisterTaskDefinitionCommand(input),
    );
    if (!r.taskDefinition) throw new AwsCallError('RegisterTaskDefinition', 'EmptyResponse', 'RegisterTaskDefinition returned no task definition', false);
    const entry = { taskDefinition: r.taskDefinition, tags: r.tags ? tagsFromList(r.tags) : tagsFromList(input.tags) };
    this.taskDefinitions.set(entry);
    return entry;
  }

  async deregisterTaskDefinition(arn: string): Promise<void> {
    await this.send(this.ecs, new DeregisterTaskDefinitionCommand({ taskDefinition: arn }));
    this.taskDefinitions.markDeregistered(arn);
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
  /**
   * Every page of one of Application Auto Scaling's Describe calls, for the ECS namespace's
   * service desired counts; `filter` narrows it to named services (a slice's or an event's).
   */
  private ecsScalingPages<P, T>(
    operation: string,
    paginator: (
      config: { client: ApplicationAutoScalingClient; pageSize: number },
      input: { ServiceNamespace: 'ecs'; ScalableDimension: typeof ECS_SCALABLE_DIMENSION; ResourceIds?: string[]; ResourceId?: string },
      options: { abortSignal?: AbortSignal },
    ) => AsyncIterable<P>,
    items: (page: P) => T[] | undefined,
    pageSize: number,
    filter: { ResourceIds?: string[]; ResourceId?: string } = {},
  ): Promise<T[]> {
    return this.allPages(
      operation,
      (options) => paginator({ client: this.scaling, pageSize }, { ServiceNamespace: 'ecs', ScalableDimension: ECS_SCALABLE_DIMENSION, ...filter }, options),
      items,
    );
  }

  async listScalableTargets(resourceIds?: readonly string[]): Promise<ScalableTarget[]> {
    const page = (filter: { ResourceIds?: string[] }) =>
      this.ecsScalingPages('DescribeScalableTargets', paginateDescribeScalableTargets, (r) => r.ScalableTargets, PAGE.applicationAutoScaling, filter);
    if (!resourceIds) return page({});
    const out: ScalableTarget[] = [];
    for (const batch of chunk(resourceIds, BATCH.DescribeScalableTargets)) out.push(...(await page({ ResourceIds: batch })));
    return out;
  }

  /** [API] DescribeScalingPolicies MaxResults: "Valid Range: Minimum value of 1. Maximum value of 10." */
  async listScalingPolicies(resourceId?: string): Promise<ScalingPolicy[]> {
    return this.ecsScalingPages(
      'DescribeScalingPolicies',
      paginateDescribeScalingPolicies,
      (r) => r.ScalingPolicies,
      PAGE.scalingPolicies,
      resourceId ? { ResourceId: resourceId } : {},
    );
  }

  async listScheduledActions(resourceId?: string): Promise<ScheduledAction[]> {
    return this.ecsScalingPages(
      'DescribeScheduledActions',
      paginateDescribeScheduledActions,
      (r) => r.ScheduledActions,
      PAGE.applicationAutoScaling,
      resourceId ? { ResourceId: resourceId } : {},
    );
  }

  async scalingPoliciesPage(nextToken?: string): Promise<{ items: ScalingPolicy[]; nextToken?: string }> {
    const r = await this.send<{ ScalingPolicies?: ScalingPolicy[]; NextToken?: string }>(
      this.scaling,
      new DescribeScalingPoliciesCommand({
        ServiceNamespace: 'ecs',
        ScalableDimension: ECS_SCALABLE_DIMENSION,
        MaxResults: PAGE.scalingPolicies,
        ...(nextToken ? { NextToken: nextToken } : {}),
      }),
    );
    return { items: r.ScalingPolicies ?? [], ...(r.NextToken ? { nextToken: r.NextToken } : {}) };
  }

  async scheduledActionsPage(nextToken?: string): Promise<{ items: ScheduledAction[]; nextToken?: string }> {
    const r = await this.send<{ ScheduledActions?: ScheduledAction[]; NextToken?: string }>(
      this.scaling,
      new DescribeScheduledActionsCommand({
        ServiceNamespace: 'ecs',
        ScalableDimension: ECS_SCALABLE_DIMENSION,
        MaxResults: PAGE.applicationAutoScaling,
        ...(nextToken ? { NextToken: nextToken } : {}),
      }),
    );
    return { items: r.ScheduledActions ?? [], ...(r.NextToken ? { nextToken: r.NextToken } : {}) };
  }

  async registerScalableTarget(input: RegisterScalableTargetCommandInput): Promise<void> {
    await this.send(this.scaling, new RegisterScalableTargetCommand(input));
  }

  async deregisterScalableTarget(resourceId: string): Promise<void> {
    await this.send(
      this.scaling,
      new DeregisterScalableTargetCommand({ ServiceNamespace: 'ecs', ResourceId: resourceId, ScalableDimension: ECS_SCALABLE_DIMENSION }),
    );
  }

  async putScalingPolicy(input: PutScalingPolicyCommandInput): Promise<void> {
    await this.send(this.scaling, new PutScalingPolicyCommand(input));
  }

  async deleteScalingPolicy(resourceId: string, policyName: string): Promise<void> {
    await this.send(
      this.scaling,
      new DeleteScalingPolicyCommand({ ServiceNamespace: 'ecs', ResourceId: resourceId, ScalableDimension: ECS_SCALABLE_DIMENSION, PolicyName: policyName }),
    );
  }

  async putScheduledAction(input: PutScheduledActionCommandInput): Promise<void> {
    await this.send(this.scaling, new PutScheduledActionCommand(input));
  }

  async deleteScheduledAction(resourceId: string, name: string): Promise<void> {
    await this.send(
      this.scaling,
      new DeleteScheduledActionCommand({
        ServiceNamespace: 'ecs',
        ResourceId: resourceId,
        ScalableDimension: ECS_SCALABLE_DIMENSION,
        ScheduledActionName: name,
      }),
    );
  }
}

/** One gateway per region, sharing counters and the revision cache. */
export class AwsGateways implements Gateways {
  readonly counter = new CallCounter();
  readonly taskDefinitionCache = new TaskDefinitionCache();
  /** set by a lease holder (daemon or apply): every gateway's mutating calls stay inside its budget */
  readonly writeFence: WriteFence = {};
  private readonly byRegion = new Map<string, AwsGateway>();
  constructor(private readonly base: Omit<GatewayOptions, 'region' | 'counter' | 'taskDefinitionCache' | 'writeFence'>) {}

  forRegion(region: string): Gateway {
    let g = this.byRegion.get(region);
    if (!g) {
      g = new AwsGateway({ ...this.base, region, counter: this.counter, taskDefinitionCache: this.taskDefinitionCache, writeFence: this.writeFence });
      this.byRegion.set(region, g);
    }
    return g;
  }

  destroy(): void {
    for (const g of this.byRegion.values()) g.destroy();
    this.byRegion.clear();
  }
}

/**
 * The region the AWS SDK itself would use when none is given: AWS_REGION, then the
 * `region` of the profile (`profile`, else AWS_PROFILE, else `default`) in the shared
 * config file (AWS_CONFIG_FILE, default ~/.aws/config). Read through an ECS client's
 * own resolved config, so the chain is the SDK's, not a copy of it; undefined when the
 * chain finds none (the SDK then throws "Region is missing").
 */
export async function sdkDefaultRegion(profile?: string): Promise<string | undefined> {
  const client = new ECSClient(profile ? { profile } : {});
  try {
    const region = await client.config.region();
    return region || undefined;
  } catch {
    return undefined;
  } finally {
    client.destroy();
  }
}
