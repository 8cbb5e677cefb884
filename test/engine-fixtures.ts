// Builders for the pure engine tests (diff, plan, report): DesiredResource and LiveEstate
// values from plain data. Live specs are written in the shape projection.ts produces
// (the ECS API input shape, with the defaults ECS fills in), so the diff's normalization
// takes part in every test.

import type { DiffInput } from '../src/diff/resource-diff.js';
import type { ResourceDiff } from '../src/diff/types.js';
import type { LiveCluster, LiveDeployment, LiveEstate, LiveRevision, LiveService, LiveTaskDefinitionFamily } from '../src/model/live.js';
import { type DesiredResource, type InvalidResource, type Kind, resourceId, TAG } from '../src/model/resource.js';
import { revisionRecordTags } from '../src/model/revision-record.js';
import { diffEstate } from '../src/pipeline/diff.js';

export const REGION = 'eu-west-1';
export const CONTROLLER = 'default';
export const ACCOUNT = '123456789012';

type Json = Record<string, unknown>;

export interface DesiredOpts {
  annotations?: Record<string, string>;
  cluster?: string;
  region?: string;
  file?: string;
}

export function desired(kind: Kind, name: string, spec: Json, opts: DesiredOpts = {}): DesiredResource {
  return {
    kind,
    name,
    region: opts.region ?? REGION,
    ...(kind === 'Service' ? { cluster: opts.cluster ?? 'prod' } : {}),
    annotations: opts.annotations ?? {},
    spec,
    source: { file: opts.file ?? `${kind.toLowerCase()}s/${name}.yaml`, line: 1, column: 1 },
  };
}

export function invalid(kind: string, name: string, opts: { cluster?: string; region?: string; file?: string } = {}): InvalidResource {
  return {
    kind,
    name,
    ...(opts.region ? { region: opts.region } : {}),
    ...(opts.cluster ? { cluster: opts.cluster } : {}),
    source: { file: opts.file ?? `broken/${name}.yaml`, line: 3, column: 5 },
  };
}

/** This controller's ownership tags (plus user tags). */
export function managedTags(appliedHash: string | undefined, user: Record<string, string> = {}, controllerId = CONTROLLER): Record<string, string> {
  return {
    ...user,
    [TAG.managedBy]: controllerId,
    ...(appliedHash !== undefined ? { [TAG.appliedHash]: appliedHash } : {}),
    [TAG.source]: 'somewhere.yaml',
  };
}

export function liveCluster(name: string, spec: Json, tags: Record<string, string>): LiveCluster {
  return {
    kind: 'Cluster',
    region: REGION,
    name,
    arn: `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/${name}`,
    tags,
    spec,
    runningTasksCount: 0,
    pendingTasksCount: 0,
    activeServicesCount: 0,
    capacityProviders: (spec.capacityProviders as string[] | undefined) ?? [],
  };
}

export function revisionArn(family: string, revision: number): string {
  return `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${family}:${revision}`;
}

export function revision(family: string, n: number, spec: Json, tags: Record<string, string>): LiveRevision {
  return { arn: revisionArn(family, n), family, revision: n, tags, spec };
}

/** A family from its ACTIVE revisions (any order); latest and latestManaged as read-live derives them. */
export function family(revisions: LiveRevision[], opts: { controllerId?: string; activeRevisionArns?: string[] } = {}): LiveTaskDefinitionFamily {
  const sorted = [...revisions].sort((a, b) => b.revision - a.revision);
  const latest = sorted[0];
  if (!latest) throw new Error('a family needs a revision');
  const latestManaged = sorted.find((r) => r.tags[TAG.managedBy] === (opts.controllerId ?? CONTROLLER));
  return {
    kind: 'TaskDefinition',
    region: REGION,
    name: latest.family,
    activeRevisionArns: opts.activeRevisionArns ?? sorted.map((r) => r.arn),
    latest,
    ...(latestManaged ? { latestManaged } : {}),
  };
}

export function deployment(rev: LiveRevision | string, status = 'PRIMARY', desiredCount = 2): LiveDeployment {
  return { status, taskDefinitionArn: typeof rev === 'string' ? rev : rev.arn, desiredCount, runningCount: desiredCount, pendingCount: 0, failedTasks: 0 };
}

export function liveService(opts: {
  name: string;
  cluster?: string;
  spec: Json;
  tags: Record<string, string>;
  primary: LiveRevision;
  deployments?: LiveDeployment[];
}): LiveService {
  const cluster = opts.cluster ?? 'prod';
  const desiredCount = Number(opts.spec.desiredCount ?? 0);
  return {
    kind: 'Service',
    region: REGION,
    cluster,
    name: opts.name,
    arn: `arn:aws:ecs:${REGION}:${ACCOUNT}:service/${cluster}/${opts.name}`,
    tags: opts.tags,
    spec: { ...opts.spec, taskDefinition: opts.primary.arn },
    status: 'ACTIVE',
    desiredCount,
    runningCount: desiredCount,
    pendingCount: 0,
    deployments: opts.deployments ?? [deployment(opts.primary, 'PRIMARY', desiredCount)],
    events: [],
    primaryRevision: opts.primary,
  };
}

export function estate(
  parts: { clusters?: LiveCluster[]; services?: LiveService[]; families?: LiveTaskDefinitionFamily[]; unreadable?: Record<string, string> } = {},
): LiveEstate {
  return {
    clusters: new Map((parts.clusters ?? []).map((c) => [resourceId(c), c])),
    services: new Map((parts.services ?? []).map((s) => [resourceId(s), s])),
    families: new Map((parts.families ?? []).map((f) => [resourceId(f), f])),
    byKind: new Map(),
    unreadable: new Map(Object.entries(parts.unreadable ?? {})),
  };
}

export function diff(desiredList: DesiredResource[], live: LiveEstate = estate(), opts: Partial<Omit<DiffInput, 'desired' | 'live'>> = {}): ResourceDiff[] {
  return diffEstate({
    desired: desiredList,
    invalid: opts.invalid ?? [],
    live,
    controllerId: opts.controllerId ?? CONTROLLER,
    defaultRegion: opts.defaultRegion ?? REGION,
    ...(opts.adopt ? { adopt: true } : {}),
    ...(opts.adoptCloudFormation ? { adoptCloudFormation: true } : {}),
    ...(opts.repository ? { repository: opts.repository } : {}),
  });
}

export function byId(diffs: readonly ResourceDiff[], id: string): ResourceDiff {
  const d = diffs.find((x) => x.id === id);
  if (!d) throw new Error(`no diff for ${id}; have ${diffs.map((x) => x.id).join(', ')}`);
  return d;
}

/** The applied-hash each manifest would be applied with (diffed against an empty estate). */
export function hashes(desiredList: DesiredResource[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of diff(desiredList)) if (d.desiredHash) out[d.id] = d.desiredHash;
  return out;
}

// ---- ids ---------------------------------------------------------------------------------

export const CLUSTER_ID = `Cluster/${REGION}/prod`;
export const TD_ID = `TaskDefinition/${REGION}/app`;
export const SVC_ID = `Service/${REGION}/prod/web`;

// ---- a small estate: cluster prod, task definition app, service web ---------------------

export function clusterSpec(extra: Json = {}): Json {
  return { settings: [{ name: 'containerInsights', value: 'enabled' }], tags: { team: 'web' }, ...extra };
}

/** The cluster as DescribeClusters reports it, projected. */
export function liveClusterSpec(): Json {
  return { settings: [{ name: 'containerInsights', value: 'enabled' }], capacityProviders: [], defaultCapacityProviderStrategy: [] };
}

export function tdSpec(opts: { image?: string; env?: Array<{ name: string; value: string }>; tags?: Record<string, string> } = {}): Json {
  return {
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: '256',
    memory: '512',
    containerDefinitions: [
      {
        name: 'app',
        image: opts.image ?? 'nginx:1.27',
        portMappings: [{ containerPort: 80 }],
        environment: opts.env ?? [{ name: 'NODE_ENV', value: 'production' }],
      },
    ],
    ...(opts.tags ? { tags: opts.tags } : {}),
  };
}

/** The revision as DescribeTaskDefinition reports it (server-filled defaults), projected. */
export function liveTdSpec(opts: { image?: string; env?: Array<{ name: string; value: string }> } = {}): Json {
  return {
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: '256',
    memory: '512',
    volumes: [],
    placementConstraints: [],
    containerDefinitions: [
      {
        name: 'app',
        image: opts.image ?? 'nginx:1.27',
        cpu: 0,
        essential: true,
        portMappings: [{ containerPort: 80, hostPort: 80, protocol: 'tcp' }],
        environment: opts.env ?? [{ name: 'NODE_ENV', value: 'production' }],
        mountPoints: [],
        volumesFrom: [],
        systemControls: [],
      },
    ],
  };
}

export function serviceSpec(extra: Json = {}): Json {
  return {
    taskDefinition: 'app',
    desiredCount: 2,
    launchType: 'FARGATE',
    networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-a'], securityGroups: ['sg-a'], assignPublicIp: 'DISABLED' } },
    ...extra,
  };
}

/** The service as DescribeServices reports it (server-filled defaults), projected; taskDefinition is set by liveService. */
export function liveServiceSpec(extra: Json = {}): Json {
  return {
    desiredCount: 2,
    launchType: 'FARGATE',
    platformVersion: 'LATEST',
    schedulingStrategy: 'REPLICA',
    loadBalancers: [],
    serviceRegistries: [],
    placementConstraints: [],
    placementStrategy: [],
    deploymentConfiguration: {
      maximumPercent: 200,
      minimumHealthyPercent: 100,
      deploymentCircuitBreaker: { enable: false, rollback: false },
    },
    deploymentController: { type: 'ECS' },
    networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-a'], securityGroups: ['sg-a'], assignPublicIp: 'DISABLED' } },
    healthCheckGracePeriodSeconds: 0,
    enableECSManagedTags: false,
    enableExecuteCommand: false,
    propagateTags: 'NONE',
    availabilityZoneRebalancing: 'ENABLED',
    role: `arn:aws:iam::${ACCOUNT}:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS`,
    ...extra,
  };
}

/**
 * The manifests of the small estate and a live estate applied from them by this
 * controller (every resource in sync), ready to be changed by a test.
 */
export function syncedEstate(opts: { td?: DesiredResource; svc?: DesiredResource; cluster?: DesiredResource } = {}) {
  const c = opts.cluster ?? desired('Cluster', 'prod', clusterSpec());
  const t = opts.td ?? desired('TaskDefinition', 'app', tdSpec());
  const s = opts.svc ?? desired('Service', 'web', serviceSpec());
  const h = hashes([c, t, s]);
  const rev5 = revision('app', 5, liveTdSpec(), managedTags(h[TD_ID]));
  const live = {
    cluster: liveCluster('prod', liveClusterSpec(), managedTags(h[CLUSTER_ID], { team: 'web' })),
    rev5,
    family: family([rev5]),
    // as apply leaves it: the revision it runs recorded on the service (model/revision-record.ts)
    service: liveService({
      name: 'web',
      spec: liveServiceSpec(),
      tags: { ...managedTags(h[SVC_ID]), ...revisionRecordTags(rev5.arn, h[TD_ID], 0) },
      primary: rev5,
    }),
  };
  return { desired: [c, t, s], hashes: h, live };
}
