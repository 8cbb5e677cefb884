/**
 * A cluster's capacity by provider (issue 17 item 6): registered container instances,
 * running tasks and the managed scaling target of each capacity provider, for the
 * report, the page and /metrics.
 *
 * Read economically: ECS counts a cluster's registered instances and running tasks
 * (DescribeClusters, already read) but not by provider, and DescribeClusters' STATISTICS
 * split tasks by launch type only (EC2 / Fargate), not by provider. So:
 * - EC2 capacity: ListContainerInstances + DescribeContainerInstances (100 a call), only
 *   for a cluster whose registeredContainerInstancesCount is above 0 (a Fargate-only
 *   cluster costs nothing). Each instance names its provider ([API] ContainerInstance.
 *   capacityProviderName: "The capacity provider that's associated with the container
 *   instance") and counts its runningTasksCount; an instance with no provider (joined by
 *   the EC2 launch type alone) is counted under "EC2". registeredContainerInstancesCount
 *   counts "both ACTIVE and DRAINING" instances ([API] Cluster), and so does this.
 * - Fargate capacity (FARGATE, FARGATE_SPOT): no instances; running tasks are the
 *   runningCount of the services whose strategy names that one provider, or whose
 *   launchType is FARGATE (read already). A service spread over several providers is
 *   counted under its strategy's providers joined with "+" (which provider ran which task
 *   would take a DescribeTasks of every task), and one mixing EC2 and Fargate providers
 *   is not counted on the Fargate side (its EC2 share is in the instances' counts).
 * - The managed scaling target: `targetCapacity` when managedScaling status is ENABLED
 *   ([API] ManagedScaling.targetCapacity), taken from the CapacityProvider kind's own read
 *   of the region (the estate's byKind part, read before the clusters): the providers the
 *   manifests name or this controller manages. Only an EC2 provider the clusters name that
 *   this read does not hold (a hand-made one) is asked for by name, one
 *   DescribeCapacityProviders call for up to 100 of them; usually none is.
 */
import type { Gateway, LiveContainerInstance } from '../../aws/index.js';
import { isObject } from '../../model/json.js';
import type { LiveCapacityProvider, LiveCluster, LiveEstate, ProviderCapacity } from '../../model/live.js';
import { liveMapOf } from '../../model/live.js';

const FARGATE_PROVIDERS = new Set(['FARGATE', 'FARGATE_SPOT']);
/** Instances registered by the EC2 launch type, with no capacity provider. */
const EC2_LAUNCH_TYPE_CAPACITY = 'EC2';

/** The capacity a service runs on: its strategy's providers, or its launch type (ECS reports one or the other). */
export function serviceCapacityProviders(spec: { capacityProviderStrategy?: unknown; launchType?: unknown }): string[] {
  const strategy = Array.isArray(spec.capacityProviderStrategy) ? spec.capacityProviderStrategy : [];
  const names = strategy
    .map((s) => (s && typeof s === 'object' ? (s as { capacityProvider?: unknown }).capacityProvider : undefined))
    .filter((n): n is string => typeof n === 'string');
  if (names.length > 0) return [...new Set(names)].sort();
  return typeof spec.launchType === 'string' && spec.launchType !== '' ? [spec.launchType] : [];
}

/** What the capacity read takes of a DescribeServices answer: where the service runs and how many of its tasks do. */
interface DescribedServiceCapacity {
  capacityProviderStrategy?: unknown;
  launchType?: unknown;
  runningCount?: number | undefined;
}

export interface CapacityInput {
  /** the providers associated with the cluster (DescribeClusters capacityProviders) */
  capacityProviders: readonly string[];
  instances: readonly Pick<LiveContainerInstance, 'capacityProviderName' | 'status' | 'runningTasksCount'>[];
  services: readonly { providers: readonly string[]; runningCount: number }[];
  /** managed scaling targets by provider name */
  targets: ReadonlyMap<string, number>;
}

/** A cluster's capacity lines, one per provider, in name order. Pure: the read is readClusterCapacity's. */
export function capacityByProvider(input: CapacityInput): ProviderCapacity[] {
  const lines = new Map<string, ProviderCapacity>();
  const line = (provider: string): ProviderCapacity => {
    let l = lines.get(provider);
    if (!l) {
      l = { provider, runningTasks: 0 };
      if (!FARGATE_PROVIDERS.has(provider) && !provider.includes('+')) l.containerInstances = 0;
      const target = input.targets.get(provider);
      if (target !== undefined) l.targetCapacity = target;
      lines.set(provider, l);
    }
    return l;
  };
  for (const p of input.capacityProviders) line(p);
  for (const ci of input.instances) {
    if (ci.status !== 'ACTIVE' && ci.status !== 'DRAINING') continue;
    const l = line(ci.capacityProviderName || EC2_LAUNCH_TYPE_CAPACITY);
    l.containerInstances = (l.containerInstances ?? 0) + 1;
    l.runningTasks += ci.runningTasksCount ?? 0;
  }
  for (const s of input.services) {
    if (s.providers.length === 0 || !s.providers.every((p) => FARGATE_PROVIDERS.has(p))) continue;
    line(s.providers.join('+')).runningTasks += s.runningCount;
  }
  return [...lines.values()].sort((a, b) => (a.provider < b.provider ? -1 : a.provider > b.provider ? 1 : 0));
}

/**
 * The managed scaling target of a provider: the same path in DescribeCapacityProviders'
 * answer and in the kind's projection of it (src/kinds/capacity-provider/read.ts).
 */
function targetOf(p: { autoScalingGroupProvider?: unknown }): number | undefined {
  const scaling = isObject(p.autoScalingGroupProvider) ? p.autoScalingGroupProvider.managedScaling : undefined;
  return isObject(scaling) && scaling.status === 'ENABLED' && typeof scaling.targetCapacity === 'number' ? scaling.targetCapacity : undefined;
}

/** The call's answer, or undefined when it failed: capacity is for the report, never a reason to fail the read. */
async function orNone<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read;
  } catch {
    return undefined;
  }
}

/**
 * Reads the capacity of the region's clusters (see the header for the calls) and sets each
 * cluster's `capacity`. The services are those of the same read (DescribeServices answers);
 * the providers already read are the estate's (the CapacityProvider kind reads first).
 * A failed read (an IAM policy from before these calls, without ecs:DescribeContainerInstances,
 * say) leaves that cluster's capacity, or the target, out and never makes the region
 * unreadable: a region whose read fails has nothing concluded about any of its resources.
 */
export async function readClusterCapacity(
  gw: Gateway,
  clusters: readonly LiveCluster[],
  services: readonly { cluster: string; svc: DescribedServiceCapacity }[],
  estate: LiveEstate,
): Promise<void> {
  const ec2Providers = new Set<string>();
  for (const c of clusters) for (const p of c.capacityProviders) if (!FARGATE_PROVIDERS.has(p)) ec2Providers.add(p);
  const regions = new Set(clusters.map((c) => c.region));
  const read = new Map<string, LiveCapacityProvider>();
  for (const p of liveMapOf<LiveCapacityProvider>(estate, 'CapacityProvider').values())
    if (regions.has(p.region) && ec2Providers.has(p.name)) read.set(p.name, p);
  const targets = new Map<string, number>();
  for (const p of read.values()) {
    const t = targetOf(p.spec);
    if (t !== undefined) targets.set(p.name, t);
  }
  const notRead = [...ec2Providers].filter((p) => !read.has(p)).sort();
  if (notRead.length > 0) {
    for (const p of (await orNone(gw.describeCapacityProvidersNamed(notRead))) ?? []) {
      const t = targetOf(p);
      if (p.name && t !== undefined) targets.set(p.name, t);
    }
  }
  const servicesByCluster = new Map<string, { providers: string[]; runningCount: number }[]>();
  for (const { cluster, svc } of services) {
    const list = servicesByCluster.get(cluster) ?? [];
    list.push({ providers: serviceCapacityProviders(svc), runningCount: svc.runningCount ?? 0 });
    servicesByCluster.set(cluster, list);
  }
  for (const c of clusters) {
    const instances = (c.registeredContainerInstancesCount ?? 0) > 0 ? await orNone(gw.describeContainerInstances(c.name)) : [];
    if (!instances) continue;
    c.capacity = capacityByProvider({ capacityProviders: c.capacityProviders, instances, services: servicesByCluster.get(c.name) ?? [], targets });
  }
}
