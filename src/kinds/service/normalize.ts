// The normalization of a service (CreateService input, less serviceName and cluster): what ECS fills in, spells several ways or keeps in any order, as
// data for the shared walker (src/diff/normalize.ts, which says how the tables read).
//
// Sources, cited per rule below:
//   [API]  ECS API reference (RegisterTaskDefinition, CreateService, CreateCluster) as
//          carried in @aws-sdk/client-ecs dist-types/models/models_0.d.ts doc comments.
//   [TF]   hashicorp/terraform-provider-aws internal/service/ecs/container_definitions.go
//          (containerDefinitions.reduce) and its predecessor ecs_task_definition_equivalency.go.
//   [ESP]  kayac/ecspresso diff.go (sortTaskDefinition, ServiceDefinitionForDiff,
//          toNumberCPU, toNumberMemory).
//   [MOBY] moby/moby daemon/volumes.go sortMounts (mounts applied in path-depth order).

import { is, type Json, type NormalizationTable, normalizeWith } from '../../diff/normalize.js';

// ---------------------------------------------------------------------------------------
// Services (CreateService input, less serviceName and cluster)
// ---------------------------------------------------------------------------------------

const daemon = (root: Json): boolean => root.schedulingStrategy === 'DAEMON';
const SC = 'serviceConnectConfiguration';

const SERVICE: NormalizationTable = {
  numbers: [
    'desiredCount',
    'healthCheckGracePeriodSeconds',
    'deploymentConfiguration.maximumPercent',
    'deploymentConfiguration.minimumHealthyPercent',
    'deploymentConfiguration.bakeTimeInMinutes',
    'loadBalancers[].containerPort',
    'serviceRegistries[].port',
    'serviceRegistries[].containerPort',
    'capacityProviderStrategy[].weight',
    'capacityProviderStrategy[].base',
    `${SC}.services[].ingressPortOverride`,
    `${SC}.services[].clientAliases[].port`,
  ],
  canon: {
    // [API] role takes "the name or full ARN"; DescribeServices returns the ARN
    // (roleArn). Compare the role's path/name.
    role: iamRoleName,
    // [API] spread field: "instanceId (or host, which has the same effect)".
    'placementStrategy[].field': (v) => (v === 'host' ? 'instanceId' : v),
  },
  defaults: {
    // [API][ESP] schedulingStrategy defaults to REPLICA.
    schedulingStrategy: is('REPLICA'),
    // [API][ESP] maximumPercent 200 / minimumHealthyPercent 100 for REPLICA;
    // [ESP] 100 / 0 for DAEMON.
    'deploymentConfiguration.maximumPercent': (v, { root }) => v === (daemon(root) ? 100 : 200),
    'deploymentConfiguration.minimumHealthyPercent': (v, { root }) => v === (daemon(root) ? 0 : 100),
    // [ESP] DescribeServices returns deploymentCircuitBreaker {enable:false, rollback:false}.
    'deploymentConfiguration.deploymentCircuitBreaker.enable': is(false),
    'deploymentConfiguration.deploymentCircuitBreaker.rollback': is(false),
    // DescribeServices returns alarms {alarmNames: [], enable: false, rollback: false}.
    'deploymentConfiguration.alarms.enable': is(false),
    'deploymentConfiguration.alarms.rollback': is(false),
    // [API] the ECS deployment controller's plain behaviour is the ROLLING strategy.
    'deploymentConfiguration.strategy': is('ROLLING'),
    // [API] "If no deployment controller is specified, the default value of ECS is used."
    'deploymentController.type': is('ECS'),
    // [API] propagateTags: "The default is NONE."
    propagateTags: is('NONE'),
    // [API] opt-in booleans: false == unset.
    enableECSManagedTags: is(false),
    enableExecuteCommand: is(false),
    // [API][ESP] "If one isn't specified, the LATEST platform version is used."
    // (Only Fargate has platform versions, so dropping LATEST everywhere is safe.)
    platformVersion: is('LATEST'),
    // [API] "If you do not specify a health check grace period value, the default
    // value of 0 is used." (with or without a load balancer)
    healthCheckGracePeriodSeconds: is(0),
    // [API][ESP] assignPublicIp: "When you use create-service or update-service, the
    // default is DISABLED."
    'networkConfiguration.awsvpcConfiguration.assignPublicIp': is('DISABLED'),
    // [API] capacity provider weight and base: "the default value of 0 is used".
    'capacityProviderStrategy[].weight': is(0),
    'capacityProviderStrategy[].base': is(0),
    // [API] "For create service requests, when no value is specified ... Amazon ECS
    // defaults the value to ENABLED." (A service that predates the setting reports
    // DISABLED: that stays a difference, and converging it needs an explicit value.)
    availabilityZoneRebalancing: is('ENABLED'),
    // [API] DescribeServices reports the ECS service-linked role when no role was given:
    // "If your account has already created the Amazon ECS service-linked role, that role
    // is used for your service unless you specify a role here."
    role: is('aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS'),
    // [API] discoveryName: "If the discoveryName isn't specified, the port mapping name
    // from the task definition is used".
    [`${SC}.services[].discoveryName`]: (v, { parent }) => v === parent.portName,
  },
  orderFree: {
    // [ESP] subnets and security groups are sets.
    'networkConfiguration.awsvpcConfiguration.subnets': [],
    'networkConfiguration.awsvpcConfiguration.securityGroups': [],
    // Load balancer / registry attachments are sets keyed by target and container port.
    loadBalancers: ['targetGroupArn', 'loadBalancerName', 'containerName', 'containerPort'],
    serviceRegistries: ['registryArn', 'containerName', 'containerPort', 'port'],
    // [API] capacity providers share tasks by base and weight, not by position.
    capacityProviderStrategy: ['capacityProvider'],
    // [ESP] every placement constraint must hold: a set.
    placementConstraints: ['type', 'expression'],
    // NOT placementStrategy: strategies are applied in the order given (e.g. spread
    // across AZs, then binpack), so a reorder is a real change ([ESP] sorts it; we don't).
    'deploymentConfiguration.alarms.alarmNames': [],
    [`${SC}.services`]: ['portName'],
    [`${SC}.services[].clientAliases`]: ['port', 'dnsName'],
    volumeConfigurations: ['name'],
    vpcLatticeConfigurations: ['targetGroupArn', 'portName'],
    tags: ['key'],
  },
};

function iamRoleName(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const m = /^arn:[^:]+:iam::\d+:role\/(.+)$/.exec(v);
  return (m?.[1] ?? v).replace(/^\/+/, '');
}

export function normalizeService(spec: Json): Json {
  return normalizeWith(spec, SERVICE);
}
