/**
 * An in-memory implementation of the Gateway interface (src/aws/gateway-interface.ts)
 * for unit tests: apply and the live read run on it in milliseconds, without the
 * emulator. It keeps clusters, task definition revisions, services, scalable targets,
 * scaling policies, scheduled actions and tags per region, answers as the ECS and
 * Application Auto Scaling API references document (error codes and messages are the
 * references' where they give one), records every call as ECS would receive it (one
 * DescribeServices per 10 names, one ListServices per page), and can be told to fail
 * an operation.
 *
 * References:
 *  [ECS] https://docs.aws.amazon.com/AmazonECS/latest/APIReference/ (each action's "Errors")
 *  [AAS] https://docs.aws.amazon.com/autoscaling/application/APIReference/
 * Messages the references do not spell are the ones published outputs show, e.g.
 * "ClientException ... DescribeTaskDefinition operation: Unable to describe task
 * definition." (getmoto/moto#5910, quoting the AWS CLI), "ClientException ...
 * CreateService operation: TaskDefinition not found." (Cloud-CV/EvalAI#2419),
 * "InvalidParameterException: Creation of service was not idempotent."
 * (hashicorp/terraform-provider-aws#14489). Others are the fake's own words: tests
 * assert codes, not messages.
 */

import { hash } from 'node:crypto';
import { interruptedCall } from '../../src/aws/errors.js';
import {
  AwsCallError,
  BATCH,
  CallCounter,
  type CodeDeployCreateDeploymentInput,
  type CodeDeployDeployment,
  type CreateCapacityProviderCommandInput,
  type CreateClusterCommandInput,
  type CreateServiceCommandInput,
  chunk,
  type DescribedServices,
  ECS_SCALABLE_DIMENSION,
  type EventMessage,
  type Gateway,
  type Gateways,
  isMutatingOperation,
  type LeaseRecord,
  type LiveCapacityProvider,
  type LiveCluster,
  type LiveContainerInstance,
  type LiveService,
  type LiveTask,
  nameFromArn,
  PAGE,
  type PutClusterCapacityProvidersCommandInput,
  type PutScalingPolicyCommandInput,
  type PutScheduledActionCommandInput,
  type RegisterScalableTargetCommandInput,
  type RegisterTaskDefinitionCommandInput,
  type ScalableTarget,
  type ScalingPolicy,
  type ScheduledAction,
  splitDescribedClusters,
  splitDescribedServices,
  TaskDefinitionCache,
  type TaskDefinitionWithTags,
  THROTTLING_CODES,
  tagsFromList,
  tagsToList,
  type UpdateCapacityProviderCommandInput,
  type UpdateClusterCommandInput,
  type UpdateServiceCommandInput,
  type WriteFence,
} from '../../src/aws/index.js';
import { callSignal, sleepUnlessAborted } from '../../src/aws/pass-signal.js';

export const FAKE_ACCOUNT = '123456789012';

type Json = Record<string, unknown>;

/** One call as the API received it: the operation (ECS's action name) and its request. */
export interface RecordedCall {
  region: string;
  operation: string;
  input: Json;
}

/** An injected failure: the AWS error code, and for how many calls (default: the next one). */
export interface InjectedFailure {
  code: string;
  message?: string;
  /** default 1; Infinity: every call from now on */
  times?: number;
  /** a passing failure (5xx, the network): defaults to true for throttling codes */
  retryable?: boolean;
  /** the call did reach AWS and took effect before its answer was lost (RegisterTaskDefinition's hazard) */
  afterEffect?: boolean;
}

interface StoredService {
  service: LiveService;
  clientToken?: string | undefined;
}

interface RegionState {
  clusters: Map<string, LiveCluster>;
  capacityProviders: Map<string, LiveCapacityProvider>;
  services: Map<string, Map<string, StoredService>>;
  families: Map<string, TaskDefinitionWithTags[]>;
  targets: Map<string, ScalableTarget>;
  policies: Map<string, ScalingPolicy>;
  scheduled: Map<string, ScheduledAction>;
  runningTasks: Map<string, string[]>;
  stoppedTasks: Map<string, LiveTask[]>;
  /** by cluster name: the instances the ECS agent registered (a test puts them there) */
  containerInstances: Map<string, LiveContainerInstance[]>;
  /** CodeDeploy deployments by id */
  codeDeployments: Map<string, CodeDeployDeployment>;
  /** holdCodeDeployments(): new CodeDeploy deployments stay InProgress until releaseCodeDeployments() */
  codeDeployHeld: Array<{ id: string; apply: () => void }> | undefined;
}

function newRegionState(): RegionState {
  return {
    clusters: new Map(),
    capacityProviders: new Map(),
    services: new Map(),
    families: new Map(),
    targets: new Map(),
    policies: new Map(),
    scheduled: new Map(),
    runningTasks: new Map(),
    stoppedTasks: new Map(),
    containerInstances: new Map(),
    codeDeployments: new Map(),
    codeDeployHeld: undefined,
  };
}

const clone = <T>(v: T): T => structuredClone(v);

/**
 * [ECS] DescribeTaskDefinition answers an EC2 port mapping with protocol tcp ("The default is
 * tcp") and, hostPort left out, hostPort 0 in bridge mode (the dynamic mapping; published in
 * terraform-provider-aws's equivalency test, test/fixtures/ecs-shapes/ec2-container-definitions-bridge-dynamic.json)
 * or the container port in host mode. bridge is the default network mode of an EC2 task definition.
 */
function withEc2PortMappings(td: RegisterTaskDefinitionCommandInput): RegisterTaskDefinitionCommandInput {
  const mode = td.networkMode ?? (td.requiresCompatibilities?.includes('FARGATE') ? undefined : 'bridge');
  if (mode !== 'bridge' && mode !== 'host') return td;
  for (const cd of td.containerDefinitions ?? [])
    for (const pm of cd.portMappings ?? []) {
      if (pm.containerPortRange !== undefined) continue;
      pm.protocol ??= 'tcp';
      pm.hostPort ??= mode === 'bridge' ? 0 : pm.containerPort;
    }
  return td;
}

/** The process's fake AWS: one InMemoryGateway per region, one call log, shared counters. */
export class InMemoryGateways implements Gateways {
  readonly counter = new CallCounter();
  readonly taskDefinitionCache = new TaskDefinitionCache();
  readonly writeFence: WriteFence = {};
  readonly calls: RecordedCall[] = [];
  private readonly byRegion = new Map<string, InMemoryGateway>();
  readonly knownRegions: ReadonlySet<string>;
  /** the lease table items and the events queue are the account's, not a region's */
  readonly leaseTables = new Map<string, Map<string, LeaseRecord>>();
  readonly queue: Array<EventMessage & { deleted?: boolean }> = [];
  /** ListServices etc. page size: small in a test to make pagination visible */
  pageSize: number;

  constructor(opts: { regions?: readonly string[]; pageSize?: number } = {}) {
    this.knownRegions = new Set(opts.regions ?? ['eu-west-1', 'us-east-1']);
    this.pageSize = opts.pageSize ?? PAGE.ecs;
  }

  forRegion(region: string): InMemoryGateway {
    let g = this.byRegion.get(region);
    if (!g) {
      g = new InMemoryGateway(region, this);
      this.byRegion.set(region, g);
    }
    return g;
  }

  /** Calls of one operation (or all), in order. */
  callsOf(operation?: string): RecordedCall[] {
    return operation ? this.calls.filter((c) => c.operation === operation) : [...this.calls];
  }

  /** The sequence of operations, e.g. ['CreateCluster', 'RegisterTaskDefinition', 'CreateService']. */
  operations(filter: (operation: string) => boolean = () => true): string[] {
    return this.calls.map((c) => c.operation).filter(filter);
  }

  mutatingOperations(): string[] {
    return this.operations(isMutatingOperation);
  }

  clearCalls(): void {
    this.calls.length = 0;
    this.counter.reset();
  }

  /**
   * The same account seen by a new process: the same clusters, services, revisions,
   * scaling, lease and queue, but an empty revision cache and call log.
   */
  restarted(): InMemoryGateways {
    const next = new InMemoryGateways({ regions: [...this.knownRegions], pageSize: this.pageSize });
    for (const [region, g] of this.byRegion) next.byRegion.set(region, g.seenBy(next));
    for (const [table, items] of this.leaseTables) next.leaseTables.set(table, items);
    next.queue.push(...this.queue);
    return next;
  }

  destroy(): void {
    // nothing to close: kept so a test's finally block reads as production's
  }
}

export class InMemoryGateway implements Gateway {
  private readonly failures = new Map<string, InjectedFailure[]>();
  private readonly stoppedTaskReads = new Map<string, LiveTask[]>();

  constructor(
    readonly region: string,
    private readonly account: InMemoryGateways,
    private readonly state: RegionState = newRegionState(),
  ) {}

  /** This region's state, as another process's gateway sees it (InMemoryGateways.restarted). */
  seenBy(account: InMemoryGateways): InMemoryGateway {
    return new InMemoryGateway(this.region, account, this.state);
  }

  // ---- set-up and inspection -----------------------------------------------------

  /** The next call(s) of `operation` fail with this AWS error code (ThrottlingException, ClientException...). */
  failNext(operation: string, failure: InjectedFailure): void {
    const list = this.failures.get(operation) ?? [];
    list.push({ ...failure });
    this.failures.set(operation, list);
  }

  /**
   * Each call of the gateway method `method` takes `ms` before it answers (a slow or hung
   * endpoint), as the SDK gateway does it: the pass's abort (src/aws/pass-signal.ts) ends
   * the wait at once with an Interrupted error, and an action's calls run to their end.
   */
  slowDown(method: 'listServiceArns' | 'describeServices' | 'listClusterArns' | 'describeClusters' | 'listTaskDefinitionArns', ms: number): void {
    const answer = this[method].bind(this) as (...args: unknown[]) => Promise<unknown>;
    (this as unknown as Record<string, unknown>)[method] = async (...args: unknown[]) => {
      const signal = callSignal();
      if (signal?.aborted) throw interruptedCall(method);
      await sleepUnlessAborted(ms, signal);
      if (signal?.aborted) throw interruptedCall(method);
      return answer(...args);
    };
  }

  /** Tasks a cluster runs that no service started (DeleteCluster refuses: ClusterContainsTasksException). */
  runTask(cluster: string, taskArn = `arn:aws:ecs:${this.region}:${FAKE_ACCOUNT}:task/${cluster}/${Math.random().toString(16).slice(2, 14)}`): string {
    this.requireCluster('RunTask', cluster);
    this.state.runningTasks.set(cluster, [...(this.state.runningTasks.get(cluster) ?? []), taskArn]);
    return taskArn;
  }

  /** A service's stopped tasks (what describeStoppedTasks finds for a failing deployment). */
  stopTasks(cluster: string, service: string, tasks: LiveTask[]): void {
    this.state.stoppedTasks.set(`${cluster}/${service}`, tasks);
  }

  /**
   * ECS's deployment circuit breaker with rollback on ([API] DeploymentCircuitBreaker: "the
   * service is rolled back to the last deployment that completed successfully"): the PRIMARY
   * deployment turns FAILED and ACTIVE, and a new PRIMARY of `previousArn` rolls out.
   */
  rollBack(cluster: string, name: string, previousArn: string, reason = 'ECS deployment circuit breaker: tasks failed to start.'): void {
    const svc = this.state.services.get(cluster)?.get(name)?.service;
    if (!svc) throw new Error(`no service ${cluster}/${name}`);
    const failed = svc.deployments?.find((d) => d.status === 'PRIMARY');
    if (failed) Object.assign(failed, { status: 'ACTIVE', rolloutState: 'FAILED', rolloutStateReason: reason, failedTasks: 3, updatedAt: new Date(60_000) });
    const back = { ...this.deployment(previousArn, svc.desiredCount ?? 0), rolloutState: 'IN_PROGRESS' as const, createdAt: new Date(61_000) };
    back.rolloutStateReason = `ECS deployment circuit breaker: rolling back to deploymentId ${failed?.id ?? '?'}.`;
    svc.deployments = [back, ...(failed ? [failed] : [])];
    svc.taskDefinition = previousArn;
    // newest first, in ECS's words ("Service event messages")
    svc.events = [
      { id: 'rollback', createdAt: new Date(61_000), message: `(service ${name}) rolling back to deployment ${back.id}.` },
      { id: 'failed', createdAt: new Date(60_000), message: `(service ${name}) (deployment ${failed?.id ?? '?'}) deployment failed: tasks failed to start.` },
      ...(svc.events ?? []),
    ];
  }

  /** Someone else's UpdateService (CI, the console): a new PRIMARY deployment of `arn`, IN_PROGRESS, the old one ACTIVE. */
  startRollout(cluster: string, name: string, arn: string): void {
    const svc = this.state.services.get(cluster)?.get(name)?.service;
    if (!svc) throw new Error(`no service ${cluster}/${name}`);
    for (const d of svc.deployments ?? []) d.status = 'ACTIVE';
    svc.deployments = [{ ...this.deployment(arn, svc.desiredCount ?? 0), rolloutState: 'IN_PROGRESS' }, ...(svc.deployments ?? [])];
    svc.taskDefinition = arn;
  }

  /** Every rollout of the service ends: its PRIMARY COMPLETED, the others INACTIVE (gone from the list). */
  finishRollouts(cluster: string, name: string): void {
    const svc = this.state.services.get(cluster)?.get(name)?.service;
    if (!svc) throw new Error(`no service ${cluster}/${name}`);
    svc.deployments = (svc.deployments ?? []).filter((d) => d.status === 'PRIMARY').map((d) => ({ ...d, rolloutState: 'COMPLETED' }));
  }

  /**
   * Gives a service the event stream ECS keeps for it ([API] Service.events: "A maximum of
   * 100 of the latest events are displayed"; newest first): the fake logs none of its own,
   * a long-running service in a real account has 100 (bench/fake-aws-server.mjs).
   */
  putServiceEvents(cluster: string, name: string, events: NonNullable<LiveService['events']>): void {
    const svc = this.state.services.get(cluster)?.get(name)?.service;
    if (!svc) throw new Error(`no service ${cluster}/${name}`);
    svc.events = events.slice(0, 100);
  }

  /** What ECS holds now (copies), for assertions. */
  cluster(name: string): LiveCluster | undefined {
    const c = this.state.clusters.get(name);
    return c ? clone(c) : undefined;
  }
  service(cluster: string, name: string): LiveService | undefined {
    const s = this.state.services.get(cluster)?.get(name)?.service;
    return s ? clone(s) : undefined;
  }
  revisions(family: string): TaskDefinitionWithTags[] {
    return clone(this.state.families.get(family) ?? []);
  }
  scalableTarget(resourceId: string): ScalableTarget | undefined {
    return clone(this.state.targets.get(resourceId));
  }
  scalingPolicies(resourceId: string): ScalingPolicy[] {
    return clone([...this.state.policies.values()].filter((p) => p.ResourceId === resourceId));
  }
  scheduledActions(resourceId: string): ScheduledAction[] {
    return clone([...this.state.scheduled.values()].filter((a) => a.ResourceId === resourceId));
  }

  // ---- the call log, failures, the unknown region ----------------------------------

  private call(operation: string, input: object, service = 'ecs'): InjectedFailure | undefined {
    this.account.calls.push({ region: this.region, operation, input: clone(input) as Json });
    if (!this.account.knownRegions.has(this.region)) {
      // what the SDK reports for a region with no endpoint: the host name does not resolve
      this.account.counter.record(service, operation, 'ENOTFOUND', 1);
      throw new AwsCallError(operation, 'ENOTFOUND', `${operation}: ENOTFOUND: getaddrinfo ENOTFOUND ecs.${this.region}.amazonaws.com`, false, true);
    }
    const queued = this.failures.get(operation);
    const failure = queued?.[0];
    if (failure) {
      failure.times = (failure.times ?? 1) - 1;
      if (failure.times <= 0) queued.shift();
      const throttled = THROTTLING_CODES.has(failure.code);
      this.account.counter.record(service, operation, failure.code, 1);
      if (throttled) this.account.counter.throttled++;
      const error = new AwsCallError(
        operation,
        failure.code,
        `${operation}: ${failure.code}: ${failure.message ?? 'injected by the test'}`,
        throttled,
        failure.retryable ?? throttled,
        { httpStatusCode: throttled ? 400 : 500, requestId: `fake-${this.account.calls.length}` },
      );
      if (!failure.afterEffect) throw error;
      return { ...failure };
    }
    this.account.counter.record(service, operation, 'success', 1);
    return undefined;
  }

  /** Runs the effect, then throws the injected error whose call took effect ("the answer was lost"). */
  private finish<T>(operation: string, pending: InjectedFailure | undefined, result: T): T {
    if (pending)
      throw new AwsCallError(
        operation,
        pending.code,
        `${operation}: ${pending.code}: ${pending.message ?? 'the answer was lost'}`,
        THROTTLING_CODES.has(pending.code),
        pending.retryable ?? true,
      );
    return result;
  }

  private error(operation: string, code: string, message: string): AwsCallError {
    return new AwsCallError(operation, code, `${operation}: ${code}: ${message}`, false, false, { httpStatusCode: 400 });
  }

  private arn(resource: string): string {
    return `arn:aws:ecs:${this.region}:${FAKE_ACCOUNT}:${resource}`;
  }

  /** [ECS] ClusterNotFoundException: "The specified cluster wasn't found." (an INACTIVE cluster counts as gone) */
  private requireCluster(operation: string, nameOrArn: string): LiveCluster {
    const c = this.state.clusters.get(nameFromArn(nameOrArn));
    if (!c || c.status === 'INACTIVE') throw this.error(operation, 'ClusterNotFoundException', "The specified cluster wasn't found.");
    return c;
  }

  /** [ECS] ServiceNotFoundException: "The specified service wasn't found." ServiceNotActiveException: "The specified service isn't active." */
  private requireActiveService(operation: string, cluster: string, name: string): StoredService {
    this.requireCluster(operation, cluster);
    const s = this.state.services.get(nameFromArn(cluster))?.get(nameFromArn(name));
    if (!s || s.service.status === 'INACTIVE') throw this.error(operation, 'ServiceNotFoundException', "The specified service wasn't found.");
    if (s.service.status !== 'ACTIVE')
      throw this.error(operation, 'ServiceNotActiveException', "The specified service isn't active. You can't update a service that's inactive.");
    return s;
  }

  private page<T>(operation: string, input: (token: string | undefined) => Json, items: readonly T[], service = 'ecs', pageSize = this.account.pageSize): T[] {
    const out: T[] = [];
    let start = 0;
    do {
      this.call(operation, input(start ? String(start) : undefined), service);
      out.push(...items.slice(start, start + pageSize));
      start += pageSize;
    } while (start < items.length);
    return out;
  }

  // ---- ECS reads -------------------------------------------------------------------

  async listClusterArns(): Promise<string[]> {
    const arns = [...this.state.clusters.values()].filter((c) => c.status !== 'INACTIVE').map((c) => c.clusterArn!);
    return this.page('ListClusters', (nextToken) => ({ nextToken, maxResults: this.account.pageSize }), arns);
  }

  /** [ECS] DescribeClusters: a name it does not know is a `failures` entry with reason MISSING. */
  async describeClusters(names: readonly string[]): Promise<{ clusters: LiveCluster[]; missing: string[] }> {
    const clusters: LiveCluster[] = [];
    const missing: string[] = [];
    for (const batch of chunk(names, BATCH.DescribeClusters)) {
      this.call('DescribeClusters', { clusters: batch, include: ['SETTINGS', 'CONFIGURATIONS', 'TAGS'] });
      const found: LiveCluster[] = [];
      const failures: Array<{ arn: string; reason: string }> = [];
      for (const n of batch) {
        const c = this.state.clusters.get(nameFromArn(n));
        if (c) found.push(clone(c));
        else failures.push({ arn: this.arn(`cluster/${nameFromArn(n)}`), reason: 'MISSING' });
      }
      const r = splitDescribedClusters({ clusters: found, failures });
      clusters.push(...r.clusters);
      missing.push(...r.missing);
    }
    return { clusters, missing };
  }

  /** [ECS] ListServices lists ACTIVE and DRAINING services (an INACTIVE one is gone from the list). */
  async listServiceArns(cluster: string): Promise<string[]> {
    this.requireClusterLogged('ListServices', cluster);
    const arns = [...(this.state.services.get(nameFromArn(cluster))?.values() ?? [])]
      .filter((s) => s.service.status !== 'INACTIVE')
      .map((s) => s.service.serviceArn!);
    return this.page('ListServices', (nextToken) => ({ cluster, nextToken, maxResults: this.account.pageSize }), arns);
  }

  /**
   * [ECS] DescribeServices: "Up to 10 services can be described in a single operation";
   * a service it does not know is a `failures` entry with reason MISSING; a deleted one
   * is returned with status INACTIVE for a while; an unknown cluster is ClusterNotFoundException.
   */
  async describeServices(cluster: string, names: readonly string[], known?: ReadonlyMap<string, string>): Promise<DescribedServices> {
    const services: LiveService[] = [];
    const missing: string[] = [];
    // with `known`, as the SDK gateway's protocol does (src/aws/ecs-protocol.ts): each answer
    // tagged by its content, a known one with the same tag not handed over again
    const unchanged: string[] = [];
    const answerTags = new Map<string, string>();
    for (const batch of chunk(names, BATCH.DescribeServices)) {
      this.call('DescribeServices', { cluster, services: batch, include: ['TAGS'] });
      this.requireCluster('DescribeServices', cluster);
      const found: LiveService[] = [];
      const failures: Array<{ arn: string; reason: string }> = [];
      for (const n of batch) {
        const s = this.state.services.get(nameFromArn(cluster))?.get(nameFromArn(n));
        if (!s) {
          failures.push({ arn: this.arn(`service/${nameFromArn(cluster)}/${nameFromArn(n)}`), reason: 'MISSING' });
          continue;
        }
        const arn = s.service.serviceArn ?? '';
        const tag = known ? hash('sha1', JSON.stringify(s.service), 'base64') : undefined;
        if (tag !== undefined && known?.get(arn) === tag) unchanged.push(arn);
        else {
          found.push(clone(s.service));
          if (tag !== undefined) answerTags.set(arn, tag);
        }
      }
      const r = splitDescribedServices({ services: found, failures });
      services.push(...r.services);
      missing.push(...r.missing);
    }
    return known ? { services, missing, unchanged, answerTags } : { services, missing };
  }

  /** [ECS] ListTaskDefinitions with sort DESC: newest revision first. */
  async listTaskDefinitionArns(opts: { familyPrefix?: string; status?: 'ACTIVE' | 'INACTIVE' } = {}): Promise<string[]> {
    const status = opts.status ?? 'ACTIVE';
    const arns: string[] = [];
    for (const [family, revisions] of [...this.state.families].sort(([a], [b]) => a.localeCompare(b))) {
      if (opts.familyPrefix !== undefined && !family.startsWith(opts.familyPrefix)) continue;
      for (const r of revisions) if (r.taskDefinition.status === status) arns.push(r.taskDefinition.taskDefinitionArn!);
    }
    arns.sort((a, b) => Number(b.slice(b.lastIndexOf(':') + 1)) - Number(a.slice(a.lastIndexOf(':') + 1)));
    return this.page(
      'ListTaskDefinitions',
      (nextToken) => ({ familyPrefix: opts.familyPrefix, status, sort: 'DESC', nextToken, maxResults: this.account.pageSize }),
      arns,
    );
  }

  /**
   * [ECS] ListTaskDefinitions, status ACTIVE, sort ASC: "lexicographically by family name and
   * in ascending numerical order by revision"; the token is the offset of the page, so a
   * revision registered or deregistered before it between two pages moves the page, as an
   * opaque token over a list that changed may.
   */
  async listTaskDefinitionArnsPage(nextToken?: string): Promise<{ arns: string[]; nextToken?: string }> {
    const pageSize = this.account.pageSize;
    this.call('ListTaskDefinitions', { status: 'ACTIVE', sort: 'ASC', maxResults: pageSize, nextToken });
    const arns: string[] = [];
    for (const [, revisions] of [...this.state.families].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      for (const r of [...revisions].sort((x, y) => x.taskDefinition.revision! - y.taskDefinition.revision!))
        if (r.taskDefinition.status === 'ACTIVE') arns.push(r.taskDefinition.taskDefinitionArn!);
    const start = nextToken ? Number(nextToken) : 0;
    const end = start + pageSize;
    return { arns: arns.slice(start, end), ...(end < arns.length ? { nextToken: String(end) } : {}) };
  }

  /** Cached by revision ARN, as the SDK gateway caches it: a revision is read once per process. [ECS] ClientException "Unable to describe task definition." */
  async describeTaskDefinition(arn: string): Promise<TaskDefinitionWithTags> {
    const cached = this.account.taskDefinitionCache.get(arn);
    if (cached) return cached;
    this.call('DescribeTaskDefinition', { taskDefinition: arn, include: ['TAGS'] });
    const found = this.findRevision(arn);
    if (!found) throw this.error('DescribeTaskDefinition', 'ClientException', 'Unable to describe task definition.');
    const entry = clone(found);
    this.account.taskDefinitionCache.set(entry);
    return entry;
  }

  async listClusterTaskArns(cluster: string): Promise<string[]> {
    this.requireClusterLogged('ListTasks', cluster);
    return this.page('ListTasks', (nextToken) => ({ cluster, desiredStatus: 'RUNNING', nextToken }), this.state.runningTasks.get(nameFromArn(cluster)) ?? []);
  }

  async listTaskArns(cluster: string, serviceName: string, desiredStatus: 'RUNNING' | 'STOPPED' = 'RUNNING'): Promise<string[]> {
    this.requireClusterLogged('ListTasks', cluster);
    const arns = desiredStatus === 'STOPPED' ? (this.state.stoppedTasks.get(`${nameFromArn(cluster)}/${serviceName}`) ?? []).map((t) => t.taskArn!) : [];
    return this.page('ListTasks', (nextToken) => ({ cluster, serviceName, desiredStatus, nextToken }), arns);
  }

  async describeTasks(cluster: string, tasks: readonly string[]): Promise<LiveTask[]> {
    const all = [...this.state.stoppedTasks.values()].flat();
    const out: LiveTask[] = [];
    for (const batch of chunk(tasks, BATCH.DescribeTasks)) {
      this.call('DescribeTasks', { cluster, tasks: batch });
      out.push(...all.filter((t) => batch.includes(t.taskArn!)).map(clone));
    }
    return out;
  }

  /** [ECS] ListContainerInstances lists every status but INACTIVE; DescribeContainerInstances takes 100 a call. */
  async describeContainerInstances(cluster: string): Promise<LiveContainerInstance[]> {
    const listed = (this.state.containerInstances.get(nameFromArn(cluster)) ?? []).filter((ci) => ci.status !== 'INACTIVE');
    const arns = this.page(
      'ListContainerInstances',
      (nextToken) => ({ cluster, nextToken }),
      listed.map((ci) => ci.containerInstanceArn!),
    );
    const out: LiveContainerInstance[] = [];
    for (const batch of chunk(arns, BATCH.DescribeContainerInstances)) {
      this.call('DescribeContainerInstances', { cluster, containerInstances: batch });
      out.push(...listed.filter((ci) => batch.includes(ci.containerInstanceArn!)).map(clone));
    }
    return out;
  }

  /** [ECS] DescribeCapacityProviders: a name it does not know is left out of the answer. */
  async describeCapacityProvidersNamed(names: readonly string[]): Promise<LiveCapacityProvider[]> {
    const out: LiveCapacityProvider[] = [];
    for (const batch of chunk(names, BATCH.DescribeCapacityProviders)) {
      this.call('DescribeCapacityProviders', { capacityProviders: batch });
      for (const n of batch) {
        const p = this.state.capacityProviders.get(n);
        if (p) out.push(clone(p));
      }
    }
    return out;
  }

  /** Test seam: container instances the ECS agent registered into a cluster (registeredContainerInstancesCount follows). */
  registerContainerInstances(cluster: string, instances: readonly LiveContainerInstance[]): void {
    const list = this.state.containerInstances.get(cluster) ?? [];
    list.push(...instances.map(clone));
    this.state.containerInstances.set(cluster, list);
    const c = this.state.clusters.get(cluster);
    // [API] Cluster.registeredContainerInstancesCount: "both ACTIVE and DRAINING"
    if (c) c.registeredContainerInstancesCount = list.filter((ci) => ci.status === 'ACTIVE' || ci.status === 'DRAINING').length;
  }

  /** Test seam: a capacity provider (as CreateCapacityProvider would leave it). */
  putCapacityProvider(provider: LiveCapacityProvider): void {
    this.state.capacityProviders.set(provider.name!, clone(provider));
  }

  /** Cached under the caller's key, as the SDK gateway caches it: a steady failure is read once. */
  async describeStoppedTasks(cluster: string, serviceName: string, cacheKey: string): Promise<LiveTask[]> {
    const cached = this.stoppedTaskReads.get(cacheKey);
    if (cached) return cached;
    const arns = await this.listTaskArns(cluster, serviceName, 'STOPPED');
    const tasks = arns.length ? await this.describeTasks(cluster, arns.slice(0, 100)) : [];
    this.stoppedTaskReads.set(cacheKey, tasks);
    return tasks;
  }

  async findTaggedServiceArns(key: string, value: string): Promise<string[]> {
    const arns: string[] = [];
    for (const byName of this.state.services.values()) {
      for (const { service } of byName.values()) if (tagsFromList(service.tags)[key] === value) arns.push(service.serviceArn!);
    }
    return this.page(
      'GetResources',
      (PaginationToken) => ({ TagFilters: [{ Key: key, Values: [value] }], ResourceTypeFilters: ['ecs:service'], PaginationToken }),
      arns,
      'tagging',
      PAGE.tagging,
    );
  }

  async callerAccount(): Promise<string> {
    this.call('GetCallerIdentity', {}, 'sts');
    return FAKE_ACCOUNT;
  }

  /** [ECS] DescribeCapacityProviders: FARGATE and FARGATE_SPOT are listed too; pages of at most 10. */
  async describeCapacityProviders(): Promise<LiveCapacityProvider[]> {
    const reserved = ['FARGATE', 'FARGATE_SPOT'].map((name) => ({
      capacityProviderArn: this.arn(`capacity-provider/${name}`),
      name,
      status: 'ACTIVE',
      type: name,
      tags: [],
    })) as LiveCapacityProvider[];
    const items = [...reserved, ...[...this.state.capacityProviders.values()].filter((p) => p.status === 'ACTIVE').map(clone)];
    return this.page(
      'DescribeCapacityProviders',
      (nextToken) => ({ include: ['TAGS'], maxResults: PAGE.capacityProviders, nextToken }),
      items,
      'ecs',
      PAGE.capacityProviders,
    );
  }

  // ---- ECS writes ------------------------------------------------------------------

  /**
   * [ECS] CreateCapacityProvider: fills ManagedScaling's documented defaults
   * (targetCapacity 100, step sizes 1 / 10000, warm-up 300), managedTerminationProtection
   * DISABLED and managedDraining ENABLED (test/fixtures/ecs-shapes/EC2-NOTES.md); refuses
   * a name in use and a group another provider has (ClientException).
   */
  async createCapacityProvider(input: CreateCapacityProviderCommandInput): Promise<LiveCapacityProvider> {
    this.call('CreateCapacityProvider', input);
    const name = input.name ?? '';
    const existing = this.state.capacityProviders.get(name);
    if (existing?.status === 'ACTIVE')
      throw this.error(
        'CreateCapacityProvider',
        'ClientException',
        'The specified capacity provider already exists. To change the configuration of an existing capacity provider, update the capacity provider.',
      );
    const asg = input.autoScalingGroupProvider;
    if (
      asg &&
      [...this.state.capacityProviders.values()].some(
        (p) => p.status === 'ACTIVE' && p.autoScalingGroupProvider?.autoScalingGroupArn === asg.autoScalingGroupArn,
      )
    )
      throw this.error(
        'CreateCapacityProvider',
        'ClientException',
        'The specified Auto Scaling group ARN is already being used by another capacity provider. Specify a unique Auto Scaling group ARN and try again.',
      );
    const provider: LiveCapacityProvider = {
      capacityProviderArn: this.arn(`capacity-provider/${name}`),
      name,
      status: 'ACTIVE',
      type: asg ? 'EC2_AUTOSCALING' : 'MANAGED_INSTANCES',
      ...(asg
        ? {
            autoScalingGroupProvider: {
              autoScalingGroupArn: asg.autoScalingGroupArn,
              managedScaling: {
                status: 'DISABLED',
                targetCapacity: 100,
                minimumScalingStepSize: 1,
                maximumScalingStepSize: 10000,
                instanceWarmupPeriod: 300,
                ...asg.managedScaling,
              },
              managedTerminationProtection: asg.managedTerminationProtection ?? 'DISABLED',
              managedDraining: asg.managedDraining ?? 'ENABLED',
            },
          }
        : {}),
      ...(input.managedInstancesProvider ? { managedInstancesProvider: clone(input.managedInstancesProvider) } : {}),
      tags: input.tags ?? [],
    };
    this.state.capacityProviders.set(name, provider);
    return clone(provider);
  }

  /** [ECS] UpdateCapacityProvider changes managedScaling, managedTerminationProtection and managedDraining, never the group. */
  async updateCapacityProvider(input: UpdateCapacityProviderCommandInput): Promise<void> {
    this.call('UpdateCapacityProvider', input);
    const p = this.state.capacityProviders.get(nameFromArn(input.name ?? ''));
    if (p?.status !== 'ACTIVE') throw this.error('UpdateCapacityProvider', 'ClientException', 'The specified capacity provider does not exist.');
    const asg = input.autoScalingGroupProvider;
    if (asg && p.autoScalingGroupProvider) {
      const cur = p.autoScalingGroupProvider;
      if (asg.managedScaling) cur.managedScaling = { ...cur.managedScaling, ...asg.managedScaling };
      if (asg.managedTerminationProtection) cur.managedTerminationProtection = asg.managedTerminationProtection;
      if (asg.managedDraining) cur.managedDraining = asg.managedDraining;
    }
    if (input.managedInstancesProvider) p.managedInstancesProvider = { ...p.managedInstancesProvider, ...clone(input.managedInstancesProvider) } as never;
    p.updateStatus = 'UPDATE_COMPLETE';
  }

  /** [ECS] DeleteCapacityProvider: still associated with a cluster, the answer is updateStatus DELETE_FAILED (not an error). */
  async deleteCapacityProvider(name: string): Promise<LiveCapacityProvider> {
    this.call('DeleteCapacityProvider', { capacityProvider: name });
    const short = nameFromArn(name);
    if (short === 'FARGATE' || short === 'FARGATE_SPOT')
      throw this.error(
        'DeleteCapacityProvider',
        'InvalidParameterException',
        "The FARGATE and FARGATE_SPOT capacity providers are reserved and can't be deleted.",
      );
    const p = this.state.capacityProviders.get(short);
    if (p?.status !== 'ACTIVE') throw this.error('DeleteCapacityProvider', 'ClientException', 'The specified capacity provider does not exist.');
    const cluster = [...this.state.clusters.values()].find(
      (c) =>
        c.status === 'ACTIVE' &&
        ((c.capacityProviders ?? []).includes(short) || (c.defaultCapacityProviderStrategy ?? []).some((i) => i.capacityProvider === short)),
    );
    if (cluster)
      return clone({
        ...p,
        updateStatus: 'DELETE_FAILED',
        updateStatusReason: `The capacity provider cannot be deleted because it is associated with cluster: ${cluster.clusterName}. Remove the capacity provider from the cluster and try again.`,
      });
    p.status = 'INACTIVE';
    p.updateStatus = 'DELETE_COMPLETE';
    return clone({ ...p, status: 'ACTIVE', updateStatus: 'DELETE_IN_PROGRESS' });
  }

  /** [ECS] CreateCluster is idempotent by name: an ACTIVE cluster of that name is returned as it is. */
  async createCluster(input: CreateClusterCommandInput): Promise<LiveCluster> {
    this.call('CreateCluster', input);
    const name = input.clusterName ?? 'default';
    const existing = this.state.clusters.get(name);
    if (existing && existing.status === 'ACTIVE') return clone(existing);
    const cluster: LiveCluster = {
      clusterArn: this.arn(`cluster/${name}`),
      clusterName: name,
      status: 'ACTIVE',
      registeredContainerInstancesCount: 0,
      runningTasksCount: 0,
      pendingTasksCount: 0,
      activeServicesCount: 0,
      settings: input.settings ?? [{ name: 'containerInsights', value: 'disabled' }],
      ...(input.configuration ? { configuration: input.configuration } : {}),
      ...(input.serviceConnectDefaults ? { serviceConnectDefaults: { namespace: input.serviceConnectDefaults.namespace } } : {}),
      capacityProviders: input.capacityProviders ?? [],
      defaultCapacityProviderStrategy: input.defaultCapacityProviderStrategy ?? [],
      tags: input.tags ?? [],
    };
    this.state.clusters.set(name, cluster);
    return clone(cluster);
  }

  async updateCluster(input: UpdateClusterCommandInput): Promise<void> {
    this.call('UpdateCluster', input);
    const c = this.requireCluster('UpdateCluster', input.cluster!);
    if (input.settings) c.settings = input.settings;
    if (input.configuration) c.configuration = input.configuration;
    if (input.serviceConnectDefaults) c.serviceConnectDefaults = { namespace: input.serviceConnectDefaults.namespace };
  }

  async putClusterCapacityProviders(input: PutClusterCapacityProvidersCommandInput): Promise<void> {
    this.call('PutClusterCapacityProviders', input);
    const c = this.requireCluster('PutClusterCapacityProviders', input.cluster!);
    const wanted = input.capacityProviders ?? [];
    for (const name of wanted) {
      if (name === 'FARGATE' || name === 'FARGATE_SPOT') continue;
      if (this.state.capacityProviders.get(name)?.status !== 'ACTIVE')
        throw this.error('PutClusterCapacityProviders', 'InvalidParameterException', `The specified capacity provider ${name} is not in an ACTIVE state.`);
    }
    // [ECS] "You can only disassociate an existing capacity provider from a cluster if it's not being used by any existing tasks"
    const removed = (c.capacityProviders ?? []).filter((n) => !wanted.includes(n));
    const services = [...(this.state.services.get(c.clusterName!)?.values() ?? [])].filter((s) => s.service.status !== 'INACTIVE');
    if (services.some((s) => (s.service.capacityProviderStrategy ?? []).some((i) => removed.includes(i.capacityProvider ?? ''))))
      throw this.error('PutClusterCapacityProviders', 'ResourceInUseException', 'The specified capacity provider is in use and cannot be removed.');
    c.capacityProviders = wanted;
    c.defaultCapacityProviderStrategy = input.defaultCapacityProviderStrategy ?? [];
  }

  /**
   * [ECS] DeleteCluster: ClusterContainsServicesException ("You can't delete a cluster
   * that contains services. First, update the service to reduce its desired task count
   * to 0, and then delete the service."), ClusterContainsTasksException; the cluster
   * then turns INACTIVE.
   */
  async deleteCluster(name: string): Promise<void> {
    this.call('DeleteCluster', { cluster: name });
    const c = this.requireCluster('DeleteCluster', name);
    const services = [...(this.state.services.get(nameFromArn(name))?.values() ?? [])].filter((s) => s.service.status !== 'INACTIVE');
    if (services.length)
      throw this.error(
        'DeleteCluster',
        'ClusterContainsServicesException',
        "You can't delete a cluster that contains services. First, update the service to reduce its desired task count to 0, and then delete the service.",
      );
    if ((this.state.runningTasks.get(nameFromArn(name)) ?? []).length)
      throw this.error('DeleteCluster', 'ClusterContainsTasksException', "You can't delete a cluster that has active tasks.");
    c.status = 'INACTIVE';
  }

  /**
   * [ECS] RegisterTaskDefinition: a new revision each call, numbered from 1 in its family
   * ("The first task definition that's registered into a family is given a revision
   * number of 1"); no idempotency token, so the SDK gateway never retries it.
   */
  async registerTaskDefinition(input: RegisterTaskDefinitionCommandInput): Promise<TaskDefinitionWithTags> {
    const pending = this.call('RegisterTaskDefinition', input);
    if (!input.family) throw this.error('RegisterTaskDefinition', 'ClientException', 'Family must not be null or empty.');
    if (!input.containerDefinitions?.length) throw this.error('RegisterTaskDefinition', 'ClientException', 'Container list cannot be empty.');
    const revisions = this.state.families.get(input.family) ?? [];
    const revision = revisions.length + 1;
    const { tags, ...body } = input;
    const entry: TaskDefinitionWithTags = {
      taskDefinition: {
        ...withEc2PortMappings(clone(body)),
        taskDefinitionArn: this.arn(`task-definition/${input.family}:${revision}`),
        revision,
        status: 'ACTIVE',
        registeredAt: new Date(0),
      },
      tags: tagsFromList(tags),
    };
    revisions.push(entry);
    this.state.families.set(input.family, revisions);
    const copy = clone(entry);
    this.account.taskDefinitionCache.set(copy);
    return this.finish('RegisterTaskDefinition', pending, clone(entry));
  }

  /** [ECS] DeregisterTaskDefinition: the revision turns INACTIVE (still described, no longer listed as ACTIVE). */
  async deregisterTaskDefinition(arn: string): Promise<void> {
    this.call('DeregisterTaskDefinition', { taskDefinition: arn });
    const found = this.findRevision(arn);
    if (!found) throw this.error('DeregisterTaskDefinition', 'ClientException', 'The specified task definition does not exist.');
    found.taskDefinition.status = 'INACTIVE';
    this.account.taskDefinitionCache.markDeregistered(arn);
  }

  /**
   * [ECS] CreateService: ClusterNotFoundException for an unknown cluster; with the same
   * clientToken the call is idempotent ("Unique, case-sensitive identifier that you
   * provide to ensure the idempotency of the request"); an ACTIVE service of the same
   * name otherwise is InvalidParameterException "Creation of service was not idempotent.";
   * an unknown task definition is ClientException "TaskDefinition not found."
   */
  async createService(input: CreateServiceCommandInput): Promise<LiveService> {
    const pending = this.call('CreateService', input);
    const clusterName = nameFromArn(input.cluster ?? 'default');
    const cluster = this.requireCluster('CreateService', clusterName);
    const byName = this.state.services.get(clusterName) ?? new Map<string, StoredService>();
    const existing = byName.get(input.serviceName!);
    if (existing && existing.service.status !== 'INACTIVE') {
      if (input.clientToken && existing.clientToken === input.clientToken) return clone(existing.service);
      throw this.error('CreateService', 'InvalidParameterException', 'Creation of service was not idempotent.');
    }
    let taskDefinitionArn: string | undefined;
    if (input.taskDefinition !== undefined) {
      const td = this.resolveTaskDefinition(input.taskDefinition);
      if (!td) throw this.error('CreateService', 'ClientException', 'TaskDefinition not found.');
      taskDefinitionArn = td.taskDefinition.taskDefinitionArn!;
    }
    const { tags, clientToken, cluster: _c, taskDefinition: _t, ...rest } = input;
    const desiredCount = input.desiredCount ?? (input.schedulingStrategy === 'DAEMON' ? 0 : 1);
    const service: LiveService = {
      ...clone(rest),
      serviceArn: this.arn(`service/${clusterName}/${input.serviceName}`),
      serviceName: input.serviceName,
      clusterArn: cluster.clusterArn,
      status: 'ACTIVE',
      desiredCount,
      runningCount: 0,
      pendingCount: 0,
      // [API] CreateService: with neither launchType nor strategy "the defaultCapacityProviderStrategy for
      // the cluster is used"; with no cluster default ECS answers launchType EC2 (aws-cli create-service
      // Example 2, test/fixtures/ecs-shapes/ec2-create-service-ec2.json)
      ...(input.launchType === undefined && !input.capacityProviderStrategy?.length && cluster.defaultCapacityProviderStrategy?.length
        ? { capacityProviderStrategy: clone(cluster.defaultCapacityProviderStrategy) }
        : {}),
      launchType: input.launchType ?? (input.capacityProviderStrategy?.length || cluster.defaultCapacityProviderStrategy?.length ? undefined : 'EC2'),
      schedulingStrategy: input.schedulingStrategy ?? 'REPLICA',
      deploymentConfiguration: input.deploymentConfiguration ?? {
        maximumPercent: 200,
        minimumHealthyPercent: 100,
        deploymentCircuitBreaker: { enable: false, rollback: false },
      },
      ...(taskDefinitionArn ? { taskDefinition: taskDefinitionArn } : {}),
      deployments: taskDefinitionArn ? [this.deployment(taskDefinitionArn, desiredCount)] : [],
      events: [],
      tags: tags ?? [],
      createdAt: new Date(0),
    };
    byName.set(input.serviceName!, { service, clientToken });
    this.state.services.set(clusterName, byName);
    cluster.activeServicesCount = (cluster.activeServicesCount ?? 0) + 1;
    return this.finish('CreateService', pending, clone(service));
  }

  /**
   * [ECS] UpdateService: ServiceNotFoundException / ServiceNotActiveException; a new task
   * definition starts a new PRIMARY deployment. The fake has no tasks to start, so the
   * rollout is COMPLETED at once and the old deployment gone.
   */
  async updateService(input: UpdateServiceCommandInput): Promise<LiveService> {
    this.call('UpdateService', input);
    const stored = this.requireActiveService('UpdateService', input.cluster ?? 'default', input.service!);
    const { cluster: _c, service: _s, forceNewDeployment, taskDefinition, ...rest } = input;
    const svc = stored.service;
    // as ECS (and the emulator, deployments.py): a CODE_DEPLOY service takes neither a task
    // definition nor a network configuration from UpdateService, the same value too
    if (svc.deploymentController?.type === 'CODE_DEPLOY' && taskDefinition !== undefined)
      throw this.error(
        'UpdateService',
        'InvalidParameterException',
        'Unable to update task definition on services with a CODE_DEPLOY deployment controller. Use AWS CodeDeploy to trigger a new deployment.',
      );
    if (svc.deploymentController?.type === 'CODE_DEPLOY' && rest.networkConfiguration !== undefined)
      throw this.error(
        'UpdateService',
        'InvalidParameterException',
        'Unable to update network parameters on services with a CODE_DEPLOY deployment controller. Use AWS CodeDeploy to trigger a new deployment.',
      );
    Object.assign(svc, clone(rest));
    if (rest.capacityProviderStrategy?.length) delete svc.launchType;
    if (taskDefinition !== undefined) {
      const td = this.resolveTaskDefinition(taskDefinition);
      if (!td) throw this.error('UpdateService', 'ClientException', 'TaskDefinition not found.');
      svc.taskDefinition = td.taskDefinition.taskDefinitionArn!;
    }
    if (taskDefinition !== undefined || forceNewDeployment) svc.deployments = [this.deployment(svc.taskDefinition!, svc.desiredCount ?? 0)];
    else for (const d of svc.deployments ?? []) d.desiredCount = svc.desiredCount ?? 0;
    return clone(svc);
  }

  /**
   * [ECS] DeleteService: the service goes DRAINING, then INACTIVE once its tasks have
   * stopped; the fake runs no tasks, so it is INACTIVE at once (DescribeServices still
   * returns it, as ECS does for a while).
   */
  async deleteService(cluster: string, service: string): Promise<void> {
    this.call('DeleteService', { cluster, service, force: true });
    this.requireCluster('DeleteService', cluster);
    const stored = this.state.services.get(nameFromArn(cluster))?.get(nameFromArn(service));
    if (!stored || stored.service.status === 'INACTIVE') throw this.error('DeleteService', 'ServiceNotFoundException', "The specified service wasn't found.");
    stored.service.status = 'INACTIVE';
    stored.service.desiredCount = 0;
    const c = this.state.clusters.get(nameFromArn(cluster));
    if (c) c.activeServicesCount = Math.max(0, (c.activeServicesCount ?? 1) - 1);
  }

  /** [ECS] TagResource: an ARN naming nothing is ResourceNotFoundException "The specified resource wasn't found." */
  async tagResource(resourceArn: string, tags: Record<string, string>): Promise<void> {
    if (Object.keys(tags).length === 0) return;
    this.call('TagResource', { resourceArn, tags: tagsToList(tags) });
    const holder = this.taggable('TagResource', resourceArn);
    holder.set({ ...holder.get(), ...tags });
    const cached = this.account.taskDefinitionCache.get(resourceArn);
    if (cached) this.account.taskDefinitionCache.updateTags(resourceArn, { ...cached.tags, ...tags });
  }

  async untagResource(resourceArn: string, tagKeys: string[]): Promise<void> {
    if (tagKeys.length === 0) return;
    this.call('UntagResource', { resourceArn, tagKeys });
    const holder = this.taggable('UntagResource', resourceArn);
    const next = holder.get();
    for (const k of tagKeys) delete next[k];
    holder.set(next);
    const cached = this.account.taskDefinitionCache.get(resourceArn);
    if (cached) {
      const kept = { ...cached.tags };
      for (const k of tagKeys) delete kept[k];
      this.account.taskDefinitionCache.updateTags(resourceArn, kept);
    }
  }

  // ---- Application Auto Scaling ----------------------------------------------------

  async listScalableTargets(resourceIds?: readonly string[]): Promise<ScalableTarget[]> {
    if (resourceIds) {
      const out: ScalableTarget[] = [];
      for (const ResourceIds of chunk(resourceIds, BATCH.DescribeScalableTargets)) {
        const wanted = new Set(ResourceIds);
        out.push(
          ...this.page(
            'DescribeScalableTargets',
            (NextToken) => ({ ServiceNamespace: 'ecs', ScalableDimension: ECS_SCALABLE_DIMENSION, ResourceIds, NextToken }),
            clone([...this.state.targets.values()].filter((t) => wanted.has(t.ResourceId ?? ''))),
            'application-autoscaling',
            PAGE.applicationAutoScaling,
          ),
        );
      }
      return out;
    }
    return this.page(
      'DescribeScalableTargets',
      (NextToken) => ({ ServiceNamespace: 'ecs', ScalableDimension: ECS_SCALABLE_DIMENSION, NextToken }),
      clone([...this.state.targets.values()]),
      'application-autoscaling',
      PAGE.applicationAutoScaling,
    );
  }

  async listScalingPolicies(resourceId?: string): Promise<ScalingPolicy[]> {
    return this.page(
      'DescribeScalingPolicies',
      (NextToken) => ({ ServiceNamespace: 'ecs', ScalableDimension: ECS_SCALABLE_DIMENSION, ...(resourceId ? { ResourceId: resourceId } : {}), NextToken }),
      clone([...this.state.policies.values()].filter((p) => !resourceId || p.ResourceId === resourceId)),
      'application-autoscaling',
      PAGE.scalingPolicies,
    );
  }

  async listScheduledActions(resourceId?: string): Promise<ScheduledAction[]> {
    return this.page(
      'DescribeScheduledActions',
      (NextToken) => ({ ServiceNamespace: 'ecs', ScalableDimension: ECS_SCALABLE_DIMENSION, ...(resourceId ? { ResourceId: resourceId } : {}), NextToken }),
      clone([...this.state.scheduled.values()].filter((a) => !resourceId || a.ResourceId === resourceId)),
      'application-autoscaling',
      PAGE.applicationAutoScaling,
    );
  }

  /** One page of the namespace's policies (10 a page, the API's maximum); the token is an offset. */
  async scalingPoliciesPage(nextToken?: string): Promise<{ items: ScalingPolicy[]; nextToken?: string }> {
    return this.onePage('DescribeScalingPolicies', [...this.state.policies.values()], PAGE.scalingPolicies, nextToken);
  }

  /** One page of the namespace's scheduled actions (50 a page); the token is an offset. */
  async scheduledActionsPage(nextToken?: string): Promise<{ items: ScheduledAction[]; nextToken?: string }> {
    return this.onePage('DescribeScheduledActions', [...this.state.scheduled.values()], PAGE.applicationAutoScaling, nextToken);
  }

  private onePage<T>(operation: string, all: readonly T[], pageSize: number, nextToken?: string): { items: T[]; nextToken?: string } {
    this.call(
      operation,
      { ServiceNamespace: 'ecs', ScalableDimension: ECS_SCALABLE_DIMENSION, MaxResults: pageSize, NextToken: nextToken },
      'application-autoscaling',
    );
    const start = nextToken ? Number(nextToken) : 0;
    const end = start + pageSize;
    return { items: clone(all.slice(start, end)), ...(end < all.length ? { nextToken: String(end) } : {}) };
  }

  /**
   * [AAS] RegisterScalableTarget: "If you register a new scalable target, you must
   * specify values for the minimum and maximum capacity"; an update keeps what it is not
   * given (SuspendedState flags among them). The ECS service must exist (ValidationException).
   */
  async registerScalableTarget(input: RegisterScalableTargetCommandInput): Promise<void> {
    this.call('RegisterScalableTarget', input, 'application-autoscaling');
    const id = input.ResourceId!;
    const [, cluster, service] = id.split('/');
    const svc = this.state.services.get(cluster ?? '')?.get(service ?? '');
    if (svc?.service.status !== 'ACTIVE') throw this.error('RegisterScalableTarget', 'ValidationException', `ECS service doesn't exist: ${id}`);
    const existing = this.state.targets.get(id);
    if (!existing && (input.MinCapacity === undefined || input.MaxCapacity === undefined))
      throw this.error('RegisterScalableTarget', 'ValidationException', 'MinCapacity and MaxCapacity are required to register a new scalable target');
    const min = input.MinCapacity ?? existing?.MinCapacity;
    const max = input.MaxCapacity ?? existing?.MaxCapacity;
    if (min !== undefined && max !== undefined && min > max)
      throw this.error('RegisterScalableTarget', 'ValidationException', 'Maximum capacity cannot be less than minimum capacity');
    this.state.targets.set(id, {
      ServiceNamespace: 'ecs',
      ResourceId: id,
      ScalableDimension: ECS_SCALABLE_DIMENSION,
      MinCapacity: min,
      MaxCapacity: max,
      RoleARN:
        existing?.RoleARN ??
        `arn:aws:iam::${FAKE_ACCOUNT}:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService`,
      CreationTime: existing?.CreationTime ?? new Date(0),
      SuspendedState: { ...existing?.SuspendedState, ...input.SuspendedState },
    });
  }

  /** [AAS] DeregisterScalableTarget: ObjectNotFoundException when there is none; "Deregistering a scalable target deletes the scaling policies and the scheduled actions that are associated with it." */
  async deregisterScalableTarget(resourceId: string): Promise<void> {
    this.call(
      'DeregisterScalableTarget',
      { ServiceNamespace: 'ecs', ResourceId: resourceId, ScalableDimension: ECS_SCALABLE_DIMENSION },
      'application-autoscaling',
    );
    if (!this.state.targets.delete(resourceId))
      throw this.error(
        'DeregisterScalableTarget',
        'ObjectNotFoundException',
        `No scalable target registered for service namespace: ecs, resource ID: ${resourceId}, scalable dimension: ${ECS_SCALABLE_DIMENSION}`,
      );
    for (const [k, p] of this.state.policies) if (p.ResourceId === resourceId) this.state.policies.delete(k);
    for (const [k, a] of this.state.scheduled) if (a.ResourceId === resourceId) this.state.scheduled.delete(k);
  }

  /** [AAS] PutScalingPolicy: ObjectNotFoundException "if the scalable target ... does not exist"; the same name replaces the policy. */
  async putScalingPolicy(input: PutScalingPolicyCommandInput): Promise<void> {
    this.call('PutScalingPolicy', input, 'application-autoscaling');
    this.requireTarget('PutScalingPolicy', input.ResourceId!);
    const key = `${input.ResourceId}\u0000${input.PolicyName}`;
    this.state.policies.set(key, {
      PolicyARN: `arn:aws:autoscaling:${this.region}:${FAKE_ACCOUNT}:scalingPolicy:fake:resource/${input.ResourceId}:policyName/${input.PolicyName}`,
      PolicyName: input.PolicyName,
      ServiceNamespace: 'ecs',
      ResourceId: input.ResourceId,
      ScalableDimension: ECS_SCALABLE_DIMENSION,
      PolicyType: input.PolicyType ?? 'StepScaling',
      ...(input.TargetTrackingScalingPolicyConfiguration
        ? { TargetTrackingScalingPolicyConfiguration: clone(input.TargetTrackingScalingPolicyConfiguration) }
        : {}),
      ...(input.StepScalingPolicyConfiguration ? { StepScalingPolicyConfiguration: clone(input.StepScalingPolicyConfiguration) } : {}),
      Alarms: [],
      CreationTime: new Date(0),
    });
  }

  async deleteScalingPolicy(resourceId: string, policyName: string): Promise<void> {
    this.call(
      'DeleteScalingPolicy',
      { ServiceNamespace: 'ecs', ResourceId: resourceId, ScalableDimension: ECS_SCALABLE_DIMENSION, PolicyName: policyName },
      'application-autoscaling',
    );
    if (!this.state.policies.delete(`${resourceId}\u0000${policyName}`))
      throw this.error(
        'DeleteScalingPolicy',
        'ObjectNotFoundException',
        `No scaling policy found for service namespace: ecs, resource ID: ${resourceId}, scalable dimension: ${ECS_SCALABLE_DIMENSION}, policy name: ${policyName}`,
      );
  }

  async putScheduledAction(input: PutScheduledActionCommandInput): Promise<void> {
    this.call('PutScheduledAction', input, 'application-autoscaling');
    this.requireTarget('PutScheduledAction', input.ResourceId!);
    this.state.scheduled.set(`${input.ResourceId}\u0000${input.ScheduledActionName}`, {
      ScheduledActionName: input.ScheduledActionName,
      ScheduledActionARN: `arn:aws:autoscaling:${this.region}:${FAKE_ACCOUNT}:scheduledAction:fake:resource/${input.ResourceId}:scheduledActionName/${input.ScheduledActionName}`,
      ServiceNamespace: 'ecs',
      Schedule: input.Schedule,
      ...(input.Timezone ? { Timezone: input.Timezone } : {}),
      ResourceId: input.ResourceId,
      ScalableDimension: ECS_SCALABLE_DIMENSION,
      ...(input.StartTime ? { StartTime: input.StartTime } : {}),
      ...(input.EndTime ? { EndTime: input.EndTime } : {}),
      ScalableTargetAction: clone(input.ScalableTargetAction ?? {}),
      CreationTime: new Date(0),
    });
  }

  async deleteScheduledAction(resourceId: string, name: string): Promise<void> {
    this.call(
      'DeleteScheduledAction',
      { ServiceNamespace: 'ecs', ResourceId: resourceId, ScalableDimension: ECS_SCALABLE_DIMENSION, ScheduledActionName: name },
      'application-autoscaling',
    );
    if (!this.state.scheduled.delete(`${resourceId}\u0000${name}`))
      throw this.error(
        'DeleteScheduledAction',
        'ObjectNotFoundException',
        `No scheduled action found for service namespace: ecs, resource ID: ${resourceId}, scalable dimension: ${ECS_SCALABLE_DIMENSION}, scheduled action name: ${name}`,
      );
  }

  // ---- CodeDeploy (blue/green of CODE_DEPLOY services) ---------------------------------

  /** New CodeDeploy deployments stay InProgress (the service unchanged) until releaseCodeDeployments(). */
  holdCodeDeployments(): void {
    this.state.codeDeployHeld ??= [];
  }

  /** The held CodeDeploy deployments end, in order (Failed: the service keeps what it ran); new ones succeed at once again. */
  releaseCodeDeployments(outcome: 'Succeeded' | 'Failed' = 'Succeeded'): void {
    const held = this.state.codeDeployHeld ?? [];
    this.state.codeDeployHeld = undefined;
    for (const h of held) {
      if (outcome === 'Succeeded') h.apply();
      else {
        const d = this.state.codeDeployments.get(h.id)!;
        d.status = 'Failed';
        d.errorInformation = { code: 'ECS_UPDATE_ERROR', message: 'The ECS replacement task set failed to become healthy.' };
        d.completeTime = new Date(1000);
      }
    }
  }

  /**
   * [CodeDeploy] CreateDeployment with an ECS AppSpec: the fake has no task sets, so the
   * deployment is Succeeded at once and the service runs the AppSpec's TaskDefinition.
   * The service is found by the deployment group's name (the fake keeps no groups): the
   * test names the group after the service, as cluster/service.
   */
  async createCodeDeployDeployment(input: CodeDeployCreateDeploymentInput): Promise<string> {
    this.call('CreateDeployment', input, 'codedeploy');
    const appSpec = JSON.parse(input.revision?.appSpecContent?.content ?? '{}') as {
      Resources?: Array<{
        TargetService?: {
          Type?: string;
          Properties?: {
            TaskDefinition?: string;
            NetworkConfiguration?: { AwsvpcConfiguration?: { Subnets?: string[]; SecurityGroups?: string[]; AssignPublicIp?: 'ENABLED' | 'DISABLED' } };
          };
        };
      }>;
    };
    const props = appSpec.Resources?.[0]?.TargetService?.Properties;
    const arn = props?.TaskDefinition;
    const vpc = props?.NetworkConfiguration?.AwsvpcConfiguration;
    if (!arn) throw this.error('CreateDeployment', 'InvalidRevisionException', 'The AppSpec TargetService has no TaskDefinition.');
    const [cluster, name] = (input.deploymentGroupName ?? '').split('/');
    const svc = this.state.services.get(cluster ?? '')?.get(name ?? '')?.service;
    if (!svc) throw this.error('CreateDeployment', 'InvalidECSServiceException', `no service for deployment group ${input.deploymentGroupName}`);
    // CodeDeploy: one deployment per deployment group at a time (as the emulator, deployments.py)
    const active = [...this.state.codeDeployments.values()].find((x) => x.deploymentGroupName === input.deploymentGroupName && x.status === 'InProgress');
    if (active)
      throw this.error(
        'CreateDeployment',
        'DeploymentLimitExceededException',
        `The Deployment Group '${input.deploymentGroupName}' already has an active Deployment '${active.deploymentId}'`,
      );
    const id = `d-FAKE${this.state.codeDeployments.size + 1}`;
    // as the emulator (deployments.py): a `-crashloop` image never becomes healthy, CodeDeploy
    // fails the deployment and the original task set keeps serving
    const revision = [...this.state.families.values()].flat().find((r) => r.taskDefinition.taskDefinitionArn === arn);
    const crashes = (revision?.taskDefinition.containerDefinitions ?? []).some((c) => c.essential !== false && c.image?.endsWith('-crashloop'));
    if (crashes) {
      this.state.codeDeployments.set(id, {
        deploymentId: id,
        status: 'Failed',
        applicationName: input.applicationName,
        deploymentGroupName: input.deploymentGroupName,
        errorInformation: { code: 'ECS_UPDATE_ERROR', message: 'The ECS replacement task set failed to become healthy.' },
        createTime: new Date(0),
        completeTime: new Date(1000),
      });
      return id;
    }
    // Succeeded: the replacement task set, with the AppSpec's revision and network
    // configuration, is the service's now
    const succeed = () => {
      svc.taskDefinition = arn;
      if (vpc)
        svc.networkConfiguration = {
          awsvpcConfiguration: {
            subnets: vpc.Subnets ?? [],
            ...(vpc.SecurityGroups ? { securityGroups: vpc.SecurityGroups } : {}),
            assignPublicIp: vpc.AssignPublicIp ?? 'DISABLED',
          },
        };
      svc.deployments = [this.deployment(arn, svc.desiredCount ?? 0)];
      this.state.codeDeployments.set(id, {
        deploymentId: id,
        status: 'Succeeded',
        applicationName: input.applicationName,
        deploymentGroupName: input.deploymentGroupName,
      });
    };
    if (this.state.codeDeployHeld) {
      this.state.codeDeployments.set(id, {
        deploymentId: id,
        status: 'InProgress',
        applicationName: input.applicationName,
        deploymentGroupName: input.deploymentGroupName,
        createTime: new Date(0),
      });
      this.state.codeDeployHeld.push({ id, apply: succeed });
      return id;
    }
    succeed();
    return id;
  }

  async getCodeDeployDeployment(deploymentId: string): Promise<CodeDeployDeployment> {
    this.call('GetDeployment', { deploymentId }, 'codedeploy');
    const found = this.state.codeDeployments.get(deploymentId);
    if (!found) throw this.error('GetDeployment', 'DeploymentDoesNotExistException', `The deployment ${deploymentId} could not be found.`);
    return clone(found);
  }

  // ---- the lease (DynamoDB) and the events queue (SQS) -------------------------------

  async ensureLeaseTable(table: string): Promise<void> {
    this.call('CreateTable', { TableName: table }, 'dynamodb');
    if (!this.account.leaseTables.has(table)) this.account.leaseTables.set(table, new Map());
  }

  async readLease(table: string, name: string): Promise<LeaseRecord | undefined> {
    this.call('GetItem', { TableName: table, Key: name, ConsistentRead: true }, 'dynamodb');
    const item = this.leaseTable('GetItem', table).get(name);
    return item ? { ...item } : undefined;
  }

  async writeLease(table: string, name: string, record: LeaseRecord, expectedRvn: string | undefined): Promise<boolean> {
    this.call('PutItem', { TableName: table, Key: name, record, expectedRvn }, 'dynamodb');
    const items = this.leaseTable('PutItem', table);
    const current = items.get(name);
    if (expectedRvn === undefined ? current !== undefined : current?.rvn !== expectedRvn) return false;
    items.set(name, { ...record });
    return true;
  }

  async deleteLease(table: string, name: string, rvn: string): Promise<void> {
    this.call('DeleteItem', { TableName: table, Key: name, rvn }, 'dynamodb');
    const items = this.leaseTable('DeleteItem', table);
    if (items.get(name)?.rvn === rvn) items.delete(name);
  }

  async receiveEventMessages(queueUrl: string, waitSeconds: number): Promise<EventMessage[]> {
    this.call('ReceiveMessage', { QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: waitSeconds }, 'sqs');
    return this.account.queue
      .filter((m) => !m.deleted)
      .slice(0, 10)
      .map(({ id, receiptHandle, body }) => ({ id, receiptHandle, body }));
  }

  async deleteEventMessages(queueUrl: string, receiptHandles: readonly string[]): Promise<void> {
    for (const batch of chunk(receiptHandles, BATCH.DeleteMessageBatch)) {
      this.call('DeleteMessageBatch', { QueueUrl: queueUrl, Entries: batch.map((h, i) => ({ Id: String(i), ReceiptHandle: h })) }, 'sqs');
      for (const m of this.account.queue) if (batch.includes(m.receiptHandle)) m.deleted = true;
    }
  }

  destroy(): void {
    // nothing to close
  }

  // ---- inside ------------------------------------------------------------------------

  private requireClusterLogged(operation: string, cluster: string): void {
    if (!this.state.clusters.get(nameFromArn(cluster)) || this.state.clusters.get(nameFromArn(cluster))?.status === 'INACTIVE') {
      this.call(operation, { cluster });
      throw this.error(operation, 'ClusterNotFoundException', "The specified cluster wasn't found.");
    }
  }

  private requireTarget(operation: string, resourceId: string): void {
    if (!this.state.targets.has(resourceId))
      throw this.error(
        operation,
        'ObjectNotFoundException',
        `No scalable target registered for service namespace: ecs, resource ID: ${resourceId}, scalable dimension: ${ECS_SCALABLE_DIMENSION}`,
      );
  }

  private leaseTable(operation: string, table: string): Map<string, LeaseRecord> {
    const items = this.account.leaseTables.get(table);
    if (!items) throw this.error(operation, 'ResourceNotFoundException', 'Requested resource not found');
    return items;
  }

  private findRevision(arn: string): TaskDefinitionWithTags | undefined {
    const tail = nameFromArn(arn);
    const i = tail.lastIndexOf(':');
    if (i < 0) return undefined;
    return this.state.families
      .get(tail.slice(0, i))
      ?.find((r) => r.taskDefinition.taskDefinitionArn === arn || r.taskDefinition.revision === Number(tail.slice(i + 1)));
  }

  /** A family name means its newest ACTIVE revision ([ECS] CreateService taskDefinition: "If a revision isn't specified, the latest ACTIVE revision is used"). */
  private resolveTaskDefinition(ref: string): TaskDefinitionWithTags | undefined {
    if (nameFromArn(ref).includes(':')) return this.findRevision(ref);
    return [...(this.state.families.get(nameFromArn(ref)) ?? [])].reverse().find((r) => r.taskDefinition.status === 'ACTIVE');
  }

  private deployment(taskDefinition: string, desiredCount: number): NonNullable<LiveService['deployments']>[number] {
    return {
      id: `ecs-svc/${Math.random().toString().slice(2, 21)}`,
      status: 'PRIMARY',
      taskDefinition,
      desiredCount,
      runningCount: 0,
      pendingCount: 0,
      failedTasks: 0,
      rolloutState: 'COMPLETED',
      rolloutStateReason: 'ECS deployment completed.',
      createdAt: new Date(0),
      updatedAt: new Date(0),
    };
  }

  private taggable(operation: string, arn: string): { get: () => Record<string, string>; set: (tags: Record<string, string>) => void } {
    const m = /^arn:aws:ecs:[^:]+:\d+:(cluster|service|task-definition|capacity-provider)\/(.+)$/.exec(arn);
    const notFound = () => this.error(operation, 'ResourceNotFoundException', "The specified resource wasn't found.");
    if (!m) throw this.error(operation, 'InvalidParameterException', 'The ARN provided is invalid.');
    if (m[1] === 'cluster') {
      const c = this.state.clusters.get(m[2]!);
      if (!c || c.status === 'INACTIVE') throw notFound();
      return { get: () => tagsFromList(c.tags), set: (t) => (c.tags = tagsToList(t)) };
    }
    if (m[1] === 'capacity-provider') {
      const p = this.state.capacityProviders.get(m[2]!);
      if (p?.status !== 'ACTIVE') throw notFound();
      return { get: () => tagsFromList(p.tags), set: (t) => (p.tags = tagsToList(t)) };
    }
    if (m[1] === 'service') {
      const [cluster, name] = m[2]!.split('/');
      const s = this.state.services.get(cluster ?? '')?.get(name ?? '');
      if (!s || s.service.status === 'INACTIVE') throw notFound();
      return { get: () => tagsFromList(s.service.tags), set: (t) => (s.service.tags = tagsToList(t)) };
    }
    const r = this.findRevision(arn);
    if (!r) throw notFound();
    return { get: () => ({ ...r.tags }), set: (t) => (r.tags = t) };
  }
}
