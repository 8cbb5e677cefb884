// Projection of live ECS API output onto the API input shape the manifests use, so that
// desired and live can be normalized (normalize.ts) and compared field by field.
//
// Output and input shapes, from @aws-sdk/client-ecs dist-types/models/models_0.d.ts:
//   TaskDefinition (DescribeTaskDefinition .taskDefinition) vs RegisterTaskDefinitionRequest
//     - output only: taskDefinitionArn, revision, status, requiresAttributes,
//       compatibilities, registeredAt, registeredBy, deregisteredAt, deleteRequestedAt;
//       family is the manifest's name; tags come separately (include TAGS).
//   Service (DescribeServices .services[]) vs CreateServiceRequest
//     - roleArn (output) is role (input);
//     - serviceConnectConfiguration, volumeConfigurations and vpcLatticeConfigurations are
//       not on Service at all: they live on each Deployment, so they are read from the
//       PRIMARY deployment;
//     - taskDefinition is a full ARN: the PRIMARY deployment's when known;
//     - gatewayConnectors and monitoring have no output counterpart, cannot be read back.
//   Cluster (DescribeClusters .clusters[]) vs CreateClusterRequest
//     - serviceConnectDefaults comes back as {namespace: <namespace ARN>}.
// Whitelists, not blacklists: a field the API adds to its output later must not read as
// drift.

import { isObject } from '../model/json.js';
import { emptyRecord } from '../model/own-keys.js';
import type { Json } from './normalize.js';

/** RegisterTaskDefinitionRequest fields, less family and tags. */
const TASK_DEFINITION_INPUT = [
  'containerDefinitions',
  'taskRoleArn',
  'executionRoleArn',
  'networkMode',
  'volumes',
  'placementConstraints',
  'requiresCompatibilities',
  'cpu',
  'memory',
  'pidMode',
  'ipcMode',
  'proxyConfiguration',
  'inferenceAccelerators',
  'ephemeralStorage',
  'runtimePlatform',
  'enableFaultInjection',
] as const;

/** CreateServiceRequest fields that Service reports under the same name. */
const SERVICE_INPUT = [
  'loadBalancers',
  'serviceRegistries',
  'desiredCount',
  'launchType',
  'capacityProviderStrategy',
  'platformVersion',
  'deploymentConfiguration',
  'placementConstraints',
  'placementStrategy',
  'networkConfiguration',
  'healthCheckGracePeriodSeconds',
  'schedulingStrategy',
  'deploymentController',
  'enableECSManagedTags',
  'propagateTags',
  'enableExecuteCommand',
  'availabilityZoneRebalancing',
] as const;

/** CreateServiceRequest fields that only a Deployment reports. */
const DEPLOYMENT_INPUT = ['serviceConnectConfiguration', 'volumeConfigurations', 'vpcLatticeConfigurations'] as const;

/** CreateClusterRequest fields, less clusterName and tags. */
const CLUSTER_INPUT = ['settings', 'configuration', 'capacityProviders', 'defaultCapacityProviderStrategy'] as const;

export function projectLiveTaskDefinition(td: Json): Json {
  return pick(td, TASK_DEFINITION_INPUT);
}

export function projectLiveService(svc: Json, opts: { primaryTaskDefinitionArn?: string } = {}): Json {
  const out = pick(svc, SERVICE_INPUT);
  const primary = primaryDeployment(svc);
  const taskDefinition = opts.primaryTaskDefinitionArn ?? stringOrUndefined(primary?.taskDefinition) ?? svc.taskDefinition;
  if (taskDefinition !== undefined && taskDefinition !== null) out.taskDefinition = taskDefinition;
  // DescribeServices names it roleArn; CreateService takes role.
  if (svc.roleArn !== undefined && svc.roleArn !== null) out.role = svc.roleArn;
  if (primary) Object.assign(out, pick(primary, DEPLOYMENT_INPUT));
  return out;
}

export function projectLiveCluster(c: Json): Json {
  const out = pick(c, CLUSTER_INPUT);
  const scd = c.serviceConnectDefaults;
  if (isObject(scd) && typeof scd.namespace === 'string') {
    out.serviceConnectDefaults = { namespace: scd.namespace };
  }
  return out;
}

/** The PRIMARY deployment ("The most recent deployment of a service"), if any. */
function primaryDeployment(svc: Json): Json | undefined {
  const deployments = svc.deployments;
  if (!Array.isArray(deployments)) return undefined;
  const found: unknown = deployments.find((d: unknown) => isObject(d) && d.status === 'PRIMARY');
  return isObject(found) ? found : undefined;
}

function pick(src: Json, keys: readonly string[]): Json {
  const out: Json = {};
  for (const key of keys) {
    const v = src[key];
    if (v !== undefined && v !== null) out[key] = clone(v);
  }
  return out;
}

/** A deep copy of JSON-like data (Dates become ISO strings), so callers never share
 * structure with the API response. */
function clone(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(clone);
  if (v instanceof Date) return v.toISOString();
  if (isObject(v)) {
    const out: Json = emptyRecord();
    for (const [k, child] of Object.entries(v)) out[k] = clone(child);
    return out;
  }
  return v;
}

function stringOrUndefined(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
