/**
 * What the ECS API reference fixes about requests and answers, in one place for the
 * SDK gateway and for the in-memory fake of it: how many names one call takes, how a
 * page is asked for, how an ARN reads, how a describe's failures are read.
 */
// one conversion for the API's tag lists and a manifest's list form (src/schema/tags.ts)
export { tagsFromList } from '../model/own-keys.js';

import type { LiveCluster, LiveService } from './model.js';

/**
 * Members per call, from the API reference: DescribeServices `services` "Up to 10
 * services can be described in a single operation"; DescribeClusters `clusters` and
 * DescribeTasks `tasks` up to 100; DeleteMessageBatch up to 10 entries; a list call's
 * `maxResults` up to 100 (ECS), `MaxResults` up to 50 (Application Auto Scaling), and
 * GetResources `ResourcesPerPage` up to 100.
 */
export const BATCH = {
  DescribeServices: 10,
  DescribeClusters: 100,
  DescribeTasks: 100,
  // [API] DescribeContainerInstances: "A list of up to 100 container instance IDs or full ARN entries"
  DescribeContainerInstances: 100,
  // [API] DescribeCapacityProviders capacityProviders: "Up to 100 capacity providers can be described in an action"
  DescribeCapacityProviders: 100,
  DeleteMessageBatch: 10,
  // [AAS] DescribeScalableTargets answers at most MaxResults (50) targets a page; an ECS
  // service has one target of the DesiredCount dimension, so 50 ResourceIds fill one page
  DescribeScalableTargets: 50,
} as const;

export const PAGE = {
  ecs: 100,
  applicationAutoScaling: 50,
  /**
   * [AAS] DescribeScalingPolicies MaxResults: "This value can be between 1 and 10. The
   * default value is 10." (DescribeScalableTargets and DescribeScheduledActions take 50)
   */
  scalingPolicies: 10,
  tagging: 100,
  /** DescribeCapacityProviders: maxResults "can be between 1 and 10" (API reference) */
  capacityProviders: 10,
} as const;

/** The one dimension of an ECS service that Application Auto Scaling scales. */
export const ECS_SCALABLE_DIMENSION = 'ecs:service:DesiredCount';

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function tagsToList(tags: Record<string, string>): Array<{ key: string; value: string }> {
  return Object.entries(tags).map(([key, value]) => ({ key, value }));
}

export function nameFromArn(arn: string): string {
  const slash = arn.lastIndexOf('/');
  return slash >= 0 ? arn.slice(slash + 1) : arn;
}

/** arn:aws:ecs:region:acct:task-definition/family:3 */
export function isRevisionArn(value: string): boolean {
  return /^arn:aws[\w-]*:ecs:[^:]+:\d+:task-definition\/[^:]+:\d+$/.test(value);
}

interface DescribeFailure {
  arn?: string | undefined;
  reason?: string | undefined;
}

/** A describe answer's resources split into found and missing: one deleted (INACTIVE) is missing, as is one in `failures`. */
function splitDescribed<T extends { status?: string | undefined }>(
  described: readonly T[] | undefined,
  failures: readonly DescribeFailure[] | undefined,
  nameOf: (resource: T) => string,
): { found: T[]; missing: string[] } {
  const found: T[] = [];
  const missing: string[] = [];
  for (const resource of described ?? []) {
    if (resource.status === 'INACTIVE') missing.push(nameOf(resource));
    else found.push(resource);
  }
  for (const f of failures ?? []) missing.push(nameFromArn(f.arn ?? ''));
  return { found, missing };
}

/**
 * One DescribeClusters answer: a cluster not found comes back in `failures` (reason
 * MISSING), a deleted one as status INACTIVE (DeleteCluster: "the cluster will
 * transition to INACTIVE... may remain discoverable in your account for a period of
 * time"): both are missing to the controller.
 */
export function splitDescribedClusters(r: { clusters?: LiveCluster[] | undefined; failures?: DescribeFailure[] | undefined }): {
  clusters: LiveCluster[];
  missing: string[];
} {
  const { found, missing } = splitDescribed(r.clusters, r.failures, (c) => c.clusterName ?? '');
  return { clusters: found, missing };
}

/**
 * The service events the controller reads (the rollout judgement looks for a failed
 * deployment among them, the report shows the latest 5), newest first. ECS answers up to
 * 100 ([API] Service.events: "A maximum of 100 of the latest events are displayed"), and a
 * long-running service has 100 (a steady state is logged every few hours): at 10,000
 * services, 1,000,000 event objects a pass, most of a DescribeServices answer's bytes and,
 * held until a region's services were all read, the daemon's peak heap (issue 19).
 */
export const SERVICE_EVENTS_READ = 10;

/**
 * One DescribeServices answer, read as DescribeClusters' is: `failures` (MISSING) and INACTIVE services are missing; DRAINING ones are found.
 * Only the latest SERVICE_EVENTS_READ events of each are kept, without their ids (nothing reads them).
 */
export function splitDescribedServices(r: { services?: LiveService[] | undefined; failures?: DescribeFailure[] | undefined }): {
  services: LiveService[];
  missing: string[];
} {
  const { found, missing } = splitDescribed(r.services, r.failures, (s) => s.serviceName ?? '');
  // (the SDK gateway's answers were already cut to as many before they were deserialized: trim-service-events.ts)
  for (const s of found)
    if (s.events)
      s.events = s.events.slice(0, SERVICE_EVENTS_READ).map((e) => ({ ...(e.createdAt ? { createdAt: e.createdAt } : {}), message: e.message ?? '' }));
  return { services: found, missing };
}

/**
 * Application Auto Scaling spells its members PascalCase (`StepAdjustments`), the
 * manifests and ECS camelCase (`stepAdjustments`): the same value, deep, with each key's
 * first letter made `first` case. A Date (the SDK's timestamps) becomes its ISO string,
 * the form a manifest and a report hold.
 */
export function withKeyCase(value: unknown, first: 'lower' | 'upper'): unknown {
  if (Array.isArray(value)) return value.map((v) => withKeyCase(v, first));
  if (value instanceof Date) return value.toISOString();
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value))
      out[(first === 'lower' ? k.charAt(0).toLowerCase() : k.charAt(0).toUpperCase()) + k.slice(1)] = withKeyCase(v, first);
    return out;
  }
  return value;
}
