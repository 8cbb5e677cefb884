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
 * - The managed scaling target: DescribeCapacityProviders of the region's EC2 providers
 *   the clusters name, one call for up to 100 of them; `targetCapacity` when
 *   managedScaling status is ENABLED ([API] ManagedScaling.targetCapacity).
 */
import type { Gateway, LiveCapacityProvider, LiveContainerInstance, LiveService as SdkService } from '../../aws/index.js';
import type { LiveCluster, ProviderCapacity } from '../../model/live.js';

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

function targetOf(p: LiveCapacityProvider): number | undefined {
  const scaling = p.autoScalingGroupProvider?.managedScaling;
  return scaling?.status === 'ENABLED' && typeof scaling.targetCapacity === 'number' ? scaling.targetCapacity : undefined;
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
 * cluster's `capacity`. The services are those of the same read (DescribeServices answers).
 * A failed read (an IAM policy from before these calls, without ecs:DescribeContainerInstances,
 * say) leaves that cluster's capacity, or the target, out and never makes the region
 * unreadable: a region whose read fails has nothing concluded about any of its resources.
 */
export async function readClusterCapacity(
  gw: Gateway,
  clusters: readonly LiveCluster[],
  services: readonly { cluster: string; svc: SdkService }[],
): Promise<void> {
  const ec2Providers = new Set<string>();
  for (const c of clusters) for (const p of c.capacityProviders) if (!FARGATE_PROVIDERS.has(p)) ec2Providers.add(p);
  const targets = new Map<string, number>();
  if (ec2Providers.size > 0) {
    for (const p of (await orNone(gw.describeCapacityProvidersNamed([...ec2Providers].sort()))) ?? []) {
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
