// Values ECS fills in from ANOTHER resource when a manifest leaves them out.
//
// normalize.ts drops the defaults ECS fills in from constants on both sides; these are
// the ones it takes from elsewhere, so "omitted" cannot be compared against "unset":
// the desired side is given the value ECS would inherit (from the live cluster, or the
// account the live resources are in) before both sides are normalized and compared.
//
// Sources:
//   [API] ECS API reference as carried in @aws-sdk/client-ecs dist-types/models
//         (CreateServiceRequest.capacityProviderStrategy, ServiceConnectConfiguration,
//         ClusterServiceConnectDefaultsRequest, RegisterTaskDefinitionRequest.taskRoleArn).
//   [TF]  hashicorp/terraform-provider-aws website/docs/r/ecs_service.html.markdown
//         (launch_type: "Defaults to EC2").

import { isObject } from '../model/json.js';

type Json = Record<string, unknown>;

function hasItems(v: unknown): v is unknown[] {
  return Array.isArray(v) && v.length > 0;
}

function isSet(v: unknown): boolean {
  return v !== undefined && v !== null && v !== '';
}

/** What a service inherits from its cluster: CreateCluster input shape (live or desired). */
export interface ClusterDefaults {
  defaultCapacityProviderStrategy?: unknown;
  serviceConnectDefaults?: unknown;
}

/**
 * A CreateService spec with what ECS fills in from the cluster:
 * - [API] CreateService capacityProviderStrategy: "If no capacityProviderStrategy or
 *   launchType is specified, the defaultCapacityProviderStrategy for the cluster is
 *   used." Without a cluster default, the service runs on the EC2 launch type ([TF]
 *   launch_type "Defaults to EC2"; DescribeServices reports launchType EC2). The
 *   Service data type "will return either a capacityProviderStrategy or launchType
 *   parameter, but not both".
 * - [API] ServiceConnectConfiguration.namespace left out: the cluster's
 *   serviceConnectDefaults namespace ("When you create a service and don't specify a
 *   Service Connect configuration, this namespace is used"; DescribeServices reports
 *   the namespace ARN on the deployment).
 *   ECS takes "the namespace name or full Amazon Resource Name (ARN)" and reports the
 *   service's namespace by name although the cluster default is stored as an ARN (the
 *   developer guide's create-service-connect.md: cluster `tutorial` with
 *   serviceConnectDefaults arn:...:namespace/ns-EXAMPLE, and the create-service output of
 *   a service leaving namespace out shows `"namespace": "service-connect"`). The ARN does
 *   not carry the name, so a left-out namespace inherited from a default given as an ARN
 *   is compared as the name the live service reports (`liveSpec`), when it reports a name.
 * A cluster whose live state is not known yields the spec unchanged.
 */
export function serviceWithClusterDefaults(spec: Json, cluster: ClusterDefaults | undefined, liveSpec?: Json): Json {
  if (!cluster) return spec;
  let out = spec;
  if (!isSet(spec.launchType) && !hasItems(spec.capacityProviderStrategy)) {
    const strategy = cluster.defaultCapacityProviderStrategy;
    out = hasItems(strategy) ? { ...out, capacityProviderStrategy: strategy } : { ...out, launchType: 'EC2' };
    if (!hasItems(strategy)) delete out.capacityProviderStrategy;
  }
  const sc = spec.serviceConnectConfiguration;
  const namespace = isObject(cluster.serviceConnectDefaults) ? cluster.serviceConnectDefaults.namespace : undefined;
  if (isObject(sc) && sc.enabled === true && !isSet(sc.namespace) && typeof namespace === 'string' && namespace !== '') {
    const liveSc = liveSpec?.serviceConnectConfiguration;
    const liveNamespace = isObject(liveSc) ? liveSc.namespace : undefined;
    const reportedByName = namespace.startsWith('arn:') && typeof liveNamespace === 'string' && liveNamespace !== '' && !liveNamespace.startsWith('arn:');
    out = { ...out, serviceConnectConfiguration: { ...sc, namespace: reportedByName ? liveNamespace : namespace } };
  }
  return out;
}

/** The partition and account of a live resource's ARN (`arn:PARTITION:SERVICE:REGION:ACCOUNT:...`). */
export interface AccountOfArn {
  partition: string;
  accountId: string;
}

export function accountOfArn(arn: string | undefined): AccountOfArn | undefined {
  const m = /^arn:([a-z-]+):[a-z0-9-]+:[a-z0-9-]*:(\d{12}):/.exec(arn ?? '');
  return m ? { partition: m[1]!, accountId: m[2]! } : undefined;
}

const TASK_ROLE_FIELDS = ['taskRoleArn', 'executionRoleArn'] as const;

/**
 * [API] RegisterTaskDefinition taskRoleArn / executionRoleArn: "The short name or full
 * Amazon Resource Name (ARN) of the IAM role"; DescribeTaskDefinition returns the full
 * ARN (`arn:aws:iam::123456789012:role/ecsTaskRole` for `ecsTaskRole`). A role given by
 * name is compared as the ARN ECS stores, in the account the live resources are in.
 */
export function taskDefinitionWithRoleArns(spec: Json, account: AccountOfArn | undefined): Json {
  if (!account) return spec;
  let out = spec;
  for (const field of TASK_ROLE_FIELDS) {
    const v = spec[field];
    if (typeof v === 'string' && v !== '' && !v.startsWith('arn:')) {
      out = { ...out, [field]: `arn:${account.partition}:iam::${account.accountId}:role/${v.replace(/^\/+/, '')}` };
    }
  }
  return out;
}

/**
 * [API] CreateCluster / UpdateCluster serviceConnectDefaults.namespace: "The namespace name
 * or full Amazon Resource Name (ARN) of the Cloud Map namespace ... If you enter a new name,
 * a Cloud Map namespace will be created"; DescribeClusters returns the namespace ARN
 * (arn:aws:servicediscovery:REGION:ACCOUNT:namespace/ns-...), which does not carry the name.
 * A name the live cluster was given by this same manifest (its applied-hash equal to the
 * manifest's) is the ARN ECS resolved it to; a changed manifest sends the name again.
 */
export function clusterWithResolvedNamespace(spec: Json, liveSpec: Json, sameManifestAsApplied: boolean): Json {
  const want = isObject(spec.serviceConnectDefaults) ? spec.serviceConnectDefaults.namespace : undefined;
  const have = isObject(liveSpec.serviceConnectDefaults) ? liveSpec.serviceConnectDefaults.namespace : undefined;
  if (!sameManifestAsApplied || typeof want !== 'string' || want.startsWith('arn:') || typeof have !== 'string' || !/^arn:[^:]+:servicediscovery:/.test(have))
    return spec;
  return { ...spec, serviceConnectDefaults: { ...(spec.serviceConnectDefaults as Json), namespace: have } };
}
