import { emptyRecord, ownValue } from '../model/own-keys.js';

// Normalization of ECS specs for diffing and hashing.
//
// Applied to BOTH sides (the desired spec from a manifest and the live state projected
// onto the same input shape by projection.ts) so that two specs ECS treats as the same
// come out deep-equal. The technique: coerce number-like values, drop every value equal
// to the default ECS fills in (on both sides, so "omitted" == "server-filled"), drop
// empty values, and sort the lists whose order ECS ignores.
//
// Everything is data: per resource kind, one table each of
//   numbers   - paths whose API type is a number (numeric strings become numbers),
//   canon     - paths whose value has several spellings (units, name vs ARN),
//   defaults  - paths whose value is dropped when it equals what ECS fills in,
//   orderFree - paths of lists whose order carries no meaning, with their sort keys,
// and one generic walker. Paths name object keys with dots and list items with `[]`:
// `containerDefinitions[].portMappings[].hostPort`.
//
// Sources, cited per rule below:
//   [API]  ECS API reference (RegisterTaskDefinition, CreateService, CreateCluster) as
//          carried in @aws-sdk/client-ecs dist-types/models/models_0.d.ts doc comments.
//   [TF]   hashicorp/terraform-provider-aws internal/service/ecs/container_definitions.go
//          (containerDefinitions.reduce) and its predecessor ecs_task_definition_equivalency.go.
//   [ESP]  kayac/ecspresso diff.go (sortTaskDefinition, ServiceDefinitionForDiff,
//          toNumberCPU, toNumberMemory).
//   [MOBY] moby/moby daemon/volumes.go sortMounts (mounts applied in path-depth order).

import { isObject } from '../model/json.js';
import { readTaskSize, type TaskSizeKind } from '../model/task-size.js';
import { keepsEmptyString } from '../model/unset-values.js';

export type Json = Record<string, unknown>;

interface Ctx {
  /** The whole spec (after number/canon coercion, before defaults are dropped). */
  readonly root: Json;
  /** The object holding the value (for a list item: the object holding the list). */
  readonly parent: Json;
}

type IsDefault = (value: unknown, ctx: Ctx) => boolean;
type Canon = (value: unknown) => unknown;

interface Schema {
  readonly numbers: readonly string[];
  readonly canon: Readonly<Record<string, Canon>>;
  readonly defaults: Readonly<Record<string, IsDefault>>;
  /** Sort keys: fields compared in turn; `[]` compares the whole item. Sorting is stable,
   * so items with equal keys keep their relative order (where that order still matters). */
  readonly orderFree: Readonly<Record<string, readonly string[]>>;
}

const is =
  (d: unknown): IsDefault =>
  (v) =>
    v === d;

// ---------------------------------------------------------------------------------------
// Task definitions (RegisterTaskDefinition input, less family)
// ---------------------------------------------------------------------------------------

const C = 'containerDefinitions[]';

const TASK_DEFINITION: Schema = {
  // [API] number-typed fields of ContainerDefinition & co.; YAML may hold "80" for 80.
  numbers: [
    `${C}.cpu`,
    `${C}.memory`,
    `${C}.memoryReservation`,
    `${C}.startTimeout`,
    `${C}.stopTimeout`,
    `${C}.portMappings[].containerPort`,
    `${C}.portMappings[].hostPort`,
    `${C}.ulimits[].softLimit`,
    `${C}.ulimits[].hardLimit`,
    `${C}.healthCheck.interval`,
    `${C}.healthCheck.timeout`,
    `${C}.healthCheck.retries`,
    `${C}.healthCheck.startPeriod`,
    `${C}.linuxParameters.sharedMemorySize`,
    `${C}.linuxParameters.maxSwap`,
    `${C}.linuxParameters.swappiness`,
    `${C}.linuxParameters.tmpfs[].size`,
    `${C}.restartPolicy.restartAttemptPeriod`,
    `${C}.restartPolicy.ignoredExitCodes[]`,
    'ephemeralStorage.sizeInGiB',
    'volumes[].efsVolumeConfiguration.transitEncryptionPort',
  ],
  canon: {
    // [API][ESP] task cpu: "1 vCPU"/".25 vcpu" is converted to CPU units at registration.
    cpu: (v) => taskSize('cpu', v),
    // [API][ESP] task memory: "1 GB"/".5 gb" is converted to MiB at registration.
    memory: (v) => taskSize('memory', v),
  },
  defaults: {
    // [API] "If no network mode is specified, the default is bridge" (Linux; on Windows
    // `bridge` cannot be given explicitly, so the two spellings never conflict).
    networkMode: is('bridge'),
    // [TF] DescribeTaskDefinition returns cpu 0 for an unset container cpu; [API] agent
    // >= 1.2.0 passes null and 0 to Docker alike.
    [`${C}.cpu`]: is(0),
    // [API][TF] "If this parameter is omitted, a container is assumed to be essential."
    [`${C}.essential`]: is(true),
    // [API][TF] "The default is tcp."
    [`${C}.portMappings[].protocol`]: is('tcp'),
    // [TF] hostPort 0 means unset (dynamic in bridge mode). [API][TF][ESP] in awsvpc
    // ECS sets hostPort = containerPort; [API] in host mode hostPort must be unset or
    // equal containerPort. In bridge mode hostPort = containerPort is a static mapping
    // and is kept.
    [`${C}.portMappings[].hostPort`]: (v, { root, parent }) =>
      v === 0 || ((root.networkMode === 'awsvpc' || root.networkMode === 'host') && v === parent.containerPort),
    // [API][TF] health check defaults: interval 30, timeout 5, retries 3.
    [`${C}.healthCheck.interval`]: is(30),
    [`${C}.healthCheck.timeout`]: is(5),
    [`${C}.healthCheck.retries`]: is(3),
    // [API] "By default, the startPeriod is off" - a 0 s grace period is the same.
    [`${C}.healthCheck.startPeriod`]: is(0),
    // [API] MountPoint.readOnly / VolumeFrom.readOnly: "The default value is false."
    [`${C}.mountPoints[].readOnly`]: is(false),
    [`${C}.volumesFrom[].readOnly`]: is(false),
    // [API] versionConsistency: "By default, the value is enabled."
    [`${C}.versionConsistency`]: is('enabled'),
    // [API] restartPolicy: "By default, a container must run for 300 seconds".
    [`${C}.restartPolicy.restartAttemptPeriod`]: is(300),
    // [API] opt-in Docker flags (docker run defaults): false == unset.
    [`${C}.privileged`]: is(false),
    [`${C}.readonlyRootFilesystem`]: is(false),
    [`${C}.disableNetworking`]: is(false),
    [`${C}.interactive`]: is(false),
    [`${C}.pseudoTerminal`]: is(false),
    [`${C}.linuxParameters.initProcessEnabled`]: is(false),
    // [API] EFS rootDirectory: "Specifying / will have the same effect as omitting
    // this parameter" ([TF] defaults it to "/"); transitEncryption defaults to DISABLED.
    'volumes[].efsVolumeConfiguration.rootDirectory': is('/'),
    'volumes[].efsVolumeConfiguration.transitEncryption': is('DISABLED'),
    // [API] configuredAtLaunch: opt-in, false == unset.
    'volumes[].configuredAtLaunch': is(false),
    // [API] enableFaultInjection: opt-in, false == unset.
    enableFaultInjection: is(false),
  },
  orderFree: {
    // [TF][ESP] containers are matched by name, ECS may return them in any order.
    containerDefinitions: ['name'],
    // [TF][ESP] environment and secrets are name->value sets (stable sort keeps any
    // duplicate names in their given order).
    [`${C}.environment`]: ['name'],
    [`${C}.secrets`]: ['name'],
    // NOT environmentFiles: [API] "processed from the top down", so order matters.
    // [MOBY][ESP] Docker applies mounts in path-depth order whatever the list order.
    [`${C}.mountPoints`]: ['containerPath'],
    // NOT volumesFrom: volumes of several source containers at one path depend on order.
    // [ESP] port mappings are a set keyed by port and protocol.
    [`${C}.portMappings`]: ['containerPort', 'protocol', 'containerPortRange'],
    // Docker --ulimit / --sysctl / depends-on are keyed sets.
    [`${C}.ulimits`]: ['name'],
    [`${C}.systemControls`]: ['namespace'],
    [`${C}.dependsOn`]: ['containerName'],
    [`${C}.resourceRequirements`]: ['type'],
    // /etc/hosts: first match wins, so only entries of one hostname keep their order.
    [`${C}.extraHosts`]: ['hostname'],
    [`${C}.logConfiguration.secretOptions`]: ['name'],
    [`${C}.linuxParameters.capabilities.add`]: [],
    [`${C}.linuxParameters.capabilities.drop`]: [],
    [`${C}.linuxParameters.devices`]: ['hostPath', 'containerPath'],
    [`${C}.linuxParameters.tmpfs`]: ['containerPath'],
    [`${C}.restartPolicy.ignoredExitCodes`]: [],
    // [ESP] task-level sets.
    volumes: ['name'],
    placementConstraints: ['type', 'expression'],
    requiresCompatibilities: [],
    inferenceAccelerators: ['deviceName'],
    'proxyConfiguration.properties': ['name'],
    tags: ['key'],
  },
};

// ---------------------------------------------------------------------------------------
// Services (CreateService input, less serviceName and cluster)
// ---------------------------------------------------------------------------------------

const daemon = (root: Json): boolean => root.schedulingStrategy === 'DAEMON';
const SC = 'serviceConnectConfiguration';

const SERVICE: Schema = {
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

// ---------------------------------------------------------------------------------------
// Clusters (CreateCluster input, less clusterName)
// ---------------------------------------------------------------------------------------

const CLUSTER: Schema = {
  numbers: ['defaultCapacityProviderStrategy[].weight', 'defaultCapacityProviderStrategy[].base'],
  canon: {},
  defaults: {
    // [API] Container Insights is off unless turned on; DescribeClusters (include
    // SETTINGS) reports {name: containerInsights, value: disabled} for such a cluster.
    'settings[]': (v) => isObject(v) && v.name === 'containerInsights' && v.value === 'disabled',
    // [API] "If no value is specified, the default value of 0 is used."
    'defaultCapacityProviderStrategy[].weight': is(0),
    'defaultCapacityProviderStrategy[].base': is(0),
    // [API] execute command logging: "If no logging parameter is specified, it defaults
    // to this value" (DEFAULT).
    'configuration.executeCommandConfiguration.logging': is('DEFAULT'),
  },
  orderFree: {
    settings: ['name'],
    capacityProviders: [],
    defaultCapacityProviderStrategy: ['capacityProvider'],
    tags: ['key'],
  },
};

// ---------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------

export function normalizeTaskDefinition(spec: Json): Json {
  return normalize(spec, TASK_DEFINITION);
}

export function normalizeService(spec: Json): Json {
  return normalize(spec, SERVICE);
}

export function normalizeCluster(spec: Json): Json {
  return normalize(spec, CLUSTER);
}

/** JSON with object keys in a stable (code unit) order, for hashing. Lists keep their
 * order; undefined object members are left out, as JSON.stringify does. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? 'null';
}

// ---------------------------------------------------------------------------------------
// The walker
// ---------------------------------------------------------------------------------------

function normalize(spec: Json, schema: Schema): Json {
  const numbers = new Set(schema.numbers);
  const coerced = coerce(spec, '', schema, numbers);
  const root = isObject(coerced) ? coerced : {};
  const out = reduce(root, '', schema, root, root);
  return isObject(out) ? out : {};
}

/** Pass 1: numeric strings to numbers and alternative spellings to one, by path. */
function coerce(value: unknown, path: string, schema: Schema, numbers: Set<string>): unknown {
  let out: unknown = value;
  if (Array.isArray(value)) {
    out = value.map((item) => coerce(item, `${path}[]`, schema, numbers));
  } else if (isObject(value)) {
    const obj: Json = emptyRecord();
    for (const [key, child] of Object.entries(value)) {
      obj[key] = coerce(child, join(path, key), schema, numbers);
    }
    out = obj;
  }
  if (numbers.has(path)) out = toNumber(out);
  const canon = ownValue(schema.canon, path);
  return canon ? canon(out) : out;
}

/** Pass 2, bottom-up: drop empties and defaults, sort order-free lists.
 * Returns undefined for a value that is to be left out. */
function reduce(value: unknown, path: string, schema: Schema, root: Json, parent: Json): unknown {
  // ECS omits or returns null for unset fields; "" is unset too (model/unset-values.ts).
  if (value === null || value === undefined) return undefined;
  if (value === '' && !path.endsWith('[]') && !keepsEmptyString(path)) return undefined;
  if (Array.isArray(value)) {
    const itemPath = `${path}[]`;
    const isDefault = schema.defaults[itemPath];
    const items: unknown[] = [];
    for (const item of value) {
      const r = reduce(item, itemPath, schema, root, parent);
      if (r === undefined) continue;
      if (isDefault?.(r, { root, parent })) continue;
      items.push(r);
    }
    const keys = schema.orderFree[path];
    if (keys) items.sort(compareBy(keys));
    // ECS returns [] for unset lists (mountPoints, volumesFrom, environment, ...).
    return items.length > 0 ? items : undefined;
  }
  if (isObject(value)) {
    const out: Json = emptyRecord();
    for (const key of Object.keys(value).sort()) {
      const childPath = join(path, key);
      const r = reduce(value[key], childPath, schema, root, value);
      if (r === undefined) continue;
      if (schema.defaults[childPath]?.(r, { root, parent: value })) continue;
      out[key] = r;
    }
    // An object left with nothing set says nothing ({} host, {} options, ...).
    return Object.keys(out).length > 0 ? out : undefined;
  }
  return value;
}

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function toNumber(v: unknown): unknown {
  if (typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v)) return Number(v);
  return v;
}

/** A task size in any spelling ECS takes, as the whole-number string ECS returns (model/task-size.ts). */
function taskSize(kind: TaskSizeKind, v: unknown): unknown {
  if (typeof v !== 'number' && typeof v !== 'string') return v;
  const r = readTaskSize(kind, v);
  return r.ok ? String(r.units) : v;
}

function iamRoleName(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const m = /^arn:[^:]+:iam::\d+:role\/(.+)$/.exec(v);
  return (m?.[1] ?? v).replace(/^\/+/, '');
}

function compareBy(keys: readonly string[]): (a: unknown, b: unknown) => number {
  return (a, b) => {
    if (keys.length === 0) return compare(a, b);
    for (const key of keys) {
      const c = compare(isObject(a) ? ownValue(a, key) : undefined, isObject(b) ? ownValue(b, key) : undefined);
      if (c !== 0) return c;
    }
    return 0;
  };
}

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = typeof a === 'string' ? a : canonicalJson(a);
  const y = typeof b === 'string' ? b : canonicalJson(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function sortKeys(value: unknown): unknown {
  if (value !== null && typeof value === 'object' && 'toJSON' in value) {
    const toJSON = (value as { toJSON: unknown }).toJSON;
    if (typeof toJSON === 'function') return sortKeys(toJSON.call(value));
  }
  if (Array.isArray(value)) return value.map(sortKeys);
  if (isObject(value)) {
    const out: Json = emptyRecord();
    for (const key of Object.keys(value).sort()) out[key] = sortKeys(value[key]);
    return out;
  }
  return value;
}
