// The normalization of a task definition (RegisterTaskDefinition input, less family): what ECS fills in, spells several ways or keeps in any order, as
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

import { canonicalDigest } from '../../diff/hash.js';
import { canonicalJson, is, type Json, type NormalizationTable, normalizeWith } from '../../diff/normalize.js';
import { readTaskSize, type TaskSizeKind } from '../../model/task-size.js';

// ---------------------------------------------------------------------------------------
// Task definitions (RegisterTaskDefinition input, less family)
// ---------------------------------------------------------------------------------------

const C = 'containerDefinitions[]';

const TASK_DEFINITION: NormalizationTable = {
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

/** A task size in any spelling ECS takes, as the whole-number string ECS returns (model/task-size.ts). */
function taskSize(kind: TaskSizeKind, v: unknown): unknown {
  if (typeof v !== 'number' && typeof v !== 'string') return v;
  const r = readTaskSize(kind, v);
  return r.ok ? String(r.units) : v;
}

export function normalizeTaskDefinition(spec: Json): Json {
  return normalizeWith(spec, TASK_DEFINITION);
}

/**
 * Normalized forms memoized by object identity: a live revision's projected spec is the
 * same object pass after pass (revisions never change), and so is a manifest's spec
 * while its file is unchanged; a 1,000-service pass normalized each of them many times.
 */
interface NormalizedRevision {
  normalized: Json;
  canonical: string;
  /** canonicalDigest(canonical), once asked for */
  digest?: string;
}
const normalizedRevisions = new WeakMap<object, NormalizedRevision>();
export function normalizedRevision(spec: Json): NormalizedRevision {
  let m = normalizedRevisions.get(spec);
  if (!m) {
    const normalized = normalizeTaskDefinition(spec);
    m = { normalized, canonical: canonicalJson(normalized) };
    normalizedRevisions.set(spec, m);
  }
  return m;
}

/** The digest of a revision's normalized content (canonicalDigest), memoized with it: what a Service compares with its TaskDefinition's target. */
export function normalizedRevisionDigest(spec: Json): string {
  const m = normalizedRevision(spec);
  m.digest ??= canonicalDigest(m.canonical);
  return m.digest;
}
