/**
 * The live read of capacity providers: DescribeCapacityProviders lists the region's ACTIVE
 * providers, 10 a page, tags only with include TAGS (the gateway asks for them). FARGATE
 * and FARGATE_SPOT are ECS's own ("reserved and can't be deleted", API reference): never
 * a resource of this kind.
 */
import { type Gateway as AwsGateway, type LiveCapacityProvider as DescribedCapacityProvider, tagsFromList } from '../../aws/index.js';
import { isObject, type Json } from '../../model/json.js';
import type { LiveCapacityProvider } from '../../model/live.js';
import { TAG } from '../../model/resource.js';
import type { LiveReadScope } from '../kind.js';

export const RESERVED_PROVIDERS: ReadonlySet<string> = new Set(['FARGATE', 'FARGATE_SPOT']);

const SCALING_KEYS = ['status', 'targetCapacity', 'minimumScalingStepSize', 'maximumScalingStepSize', 'instanceWarmupPeriod'] as const;

/**
 * The CreateCapacityProvider input shape of a described provider. Only the fields the
 * manifest has are kept: ECS adds read-only ones (managedScaling.scalingApproach in newer
 * answers, EC2-NOTES.md) that are never drift.
 */
function projectCapacityProvider(p: DescribedCapacityProvider): Json {
  const spec: Json = {};
  const asg = p.autoScalingGroupProvider;
  if (asg) {
    const scaling: Json = {};
    const given = (asg.managedScaling ?? {}) as Json;
    for (const k of SCALING_KEYS) if (given[k] !== undefined && given[k] !== null) scaling[k] = given[k];
    spec.autoScalingGroupProvider = {
      autoScalingGroupArn: asg.autoScalingGroupArn,
      ...(Object.keys(scaling).length ? { managedScaling: scaling } : {}),
      ...(asg.managedTerminationProtection ? { managedTerminationProtection: asg.managedTerminationProtection } : {}),
      ...(asg.managedDraining ? { managedDraining: asg.managedDraining } : {}),
    };
  }
  const managed = p.managedInstancesProvider;
  if (isObject(managed)) spec.managedInstancesProvider = managed;
  if (p.cluster) spec.cluster = p.cluster;
  return spec;
}

function toLiveCapacityProvider(p: DescribedCapacityProvider, region: string): LiveCapacityProvider {
  return {
    kind: 'CapacityProvider',
    region,
    name: p.name ?? '',
    arn: p.capacityProviderArn ?? '',
    tags: tagsFromList(p.tags),
    spec: projectCapacityProvider(p),
    status: p.status ?? 'ACTIVE',
    ...(p.updateStatus ? { updateStatus: p.updateStatus } : {}),
    ...(p.updateStatusReason ? { updateStatusReason: p.updateStatusReason } : {}),
  };
}

/** The region's providers the manifests name or this controller manages. */
export async function readCapacityProviders(gw: AwsGateway, region: string, scope: LiveReadScope): Promise<LiveCapacityProvider[]> {
  const out: LiveCapacityProvider[] = [];
  for (const p of await gw.describeCapacityProviders()) {
    if (!p.name || RESERVED_PROVIDERS.has(p.name) || p.status !== 'ACTIVE') continue;
    const live = toLiveCapacityProvider(p, region);
    if (scope.all || scope.wanted.has(live.name) || live.tags[TAG.managedBy] === scope.controllerId) out.push(live);
  }
  return out;
}
