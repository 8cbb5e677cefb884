import { z } from 'zod';
import type { DesiredResource } from '../../model/resource.js';
import { readTaskSize, TASK_SIZE_PATTERN, type TaskSizeKind } from '../../model/task-size.js';
import {
  ECS_NAME_MESSAGE,
  ECS_NAME_PATTERN,
  EVERY_RUN,
  ecsName,
  everyRun,
  got,
  int,
  placementExpression,
  scalarString,
  str,
  stringList,
  stringMap,
} from '../../schema/common.js';
import {
  ApplicationProtocol,
  Compatibility,
  ContainerCondition,
  CPUArchitecture,
  DeviceCgroupPermission,
  EFSAuthorizationConfigIAM,
  EFSTransitEncryption,
  EnvironmentFileType,
  FirelensConfigurationType,
  IpcMode,
  LogDriver,
  NetworkMode,
  OSFamily,
  PidMode,
  ProxyConfigurationType,
  ResourceType,
  Scope,
  TaskDefinitionPlacementConstraintType,
  TransportProtocol,
  UlimitName,
  VersionConsistency,
} from '../../schema/enums.js';
import { apiVersion, metadataCommon } from '../../schema/manifest.js';
import { TagsSchema } from '../../schema/tags.js';

// ---------------------------------------------------------------------------
// Small shapes shared by container definitions and services
// ---------------------------------------------------------------------------

/** Secret: an environment variable (or log option) filled from Secrets Manager or SSM. */
const SecretSchema = z.strictObject({
  name: str().describe('Name of the environment variable (or log option) to set.'),
  valueFrom: str().describe('Secrets Manager secret ARN or SSM Parameter Store parameter ARN/name (full ARN if in another Region).'),
});

/** KeyValuePair: `{ name, value }` (environment variables, proxy properties). */
const KeyValuePairSchema = z.strictObject({
  name: str().describe('Name (for environment variables: the variable name).'),
  value: scalarString.optional().describe('Value; numbers and booleans are turned into strings.'),
});

/** LogConfiguration of a container (also used by Service Connect). */
export const LogConfigurationSchema = z.strictObject({
  logDriver: z.enum(LogDriver).describe('Log driver: awslogs, awsfirelens, splunk (Fargate); also fluentd, gelf, json-file, journald, syslog on EC2.'),
  options: stringMap.optional().describe('Driver options, e.g. awslogs-group, awslogs-region, awslogs-stream-prefix.'),
  secretOptions: z.array(SecretSchema).optional().describe('Secrets passed to the log configuration.'),
});

// ---------------------------------------------------------------------------
// ContainerDefinition
// ---------------------------------------------------------------------------

const PORT_NAME = /^[a-z0-9_-]{1,64}$/;
const PORT_RANGE = /^(\d{1,5})-(\d{1,5})$/;

const PortMappingSchema = z
  .strictObject({
    containerPort: int(0, 65535).optional().describe('Port number on the container bound to the host port.'),
    hostPort: int(0, 65535).optional().describe('Port on the host. In awsvpc and host network mode: omit it or give the containerPort.'),
    protocol: z.enum(TransportProtocol).optional().describe('tcp (default) or udp.'),
    name: z
      .string()
      .regex(PORT_NAME, { error: got('expected up to 64 lowercase letters, numbers, underscores and hyphens') })
      .optional()
      .describe('Name of the port mapping, used by Service Connect (up to 64 lowercase letters, numbers, _ and -).'),
    appProtocol: z.enum(ApplicationProtocol).optional().describe('Application protocol for Service Connect: http, http2 or grpc.'),
    containerPortRange: z
      .string()
      .regex(PORT_RANGE, { error: got('expected a port range "first-last", e.g. "8000-8010"') })
      .optional()
      .describe('Range of container ports, "first-last" (1-65535), instead of containerPort.'),
  })
  .superRefine((pm, ctx) => {
    if (pm.containerPortRange !== undefined) {
      const m = PORT_RANGE.exec(pm.containerPortRange);
      if (m) {
        const a = Number(m[1]);
        const b = Number(m[2]);
        if (a < 1 || b > 65535 || a >= b) {
          ctx.addIssue({
            code: 'custom',
            path: ['containerPortRange'],
            message: `expected first < last within 1-65535, got "${pm.containerPortRange}"`,
          });
        }
      }
      if (pm.containerPort !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['containerPortRange'],
          message: 'give either containerPort or containerPortRange, not both',
        });
      }
      if (pm.hostPort !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['hostPort'],
          message: 'hostPort cannot be used with containerPortRange',
        });
      }
    } else if (pm.containerPort === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['containerPort'],
        message: 'required (or containerPortRange)',
      });
    }
  });

const RepositoryCredentialsSchema = z.strictObject({
  credentialsParameter: str().describe('ARN of the Secrets Manager secret holding the private registry credentials.'),
});

const ContainerRestartPolicySchema = z.strictObject({
  enabled: z.boolean().describe('Whether the container restarts when it exits.'),
  ignoredExitCodes: z.array(z.number().int()).max(50).optional().describe('Exit codes that do not trigger a restart (up to 50).'),
  restartAttemptPeriod: int(60, 1800).optional().describe('Seconds the container must run before a restart can be attempted, 60-1800 (default 300).'),
});

const EnvironmentFileSchema = z.strictObject({
  value: str().describe('ARN of the S3 object holding the .env file.'),
  type: z.enum(EnvironmentFileType).describe('Only s3.'),
});

const MountPointSchema = z.strictObject({
  sourceVolume: z.string().optional().describe('Name of a volume of this task definition.'),
  containerPath: z.string().optional().describe('Path in the container to mount the volume at.'),
  readOnly: z.boolean().optional(),
});

const VolumeFromSchema = z.strictObject({
  sourceContainer: z.string().optional().describe('Container to mount volumes from.'),
  readOnly: z.boolean().optional(),
});

const KernelCapabilitiesSchema = z.strictObject({
  add: stringList.optional().describe('Linux capabilities to add, e.g. SYS_PTRACE (Fargate: only SYS_PTRACE).'),
  drop: stringList.optional().describe('Linux capabilities to drop.'),
});

const DeviceSchema = z.strictObject({
  hostPath: str().describe('Path of the device on the host.'),
  containerPath: z.string().optional(),
  permissions: z.array(z.enum(DeviceCgroupPermission)).optional().describe('read, write, mknod.'),
});

const TmpfsSchema = z.strictObject({
  containerPath: str().describe('Absolute path in the container of the tmpfs mount.'),
  size: int(1).describe('Maximum size of the tmpfs volume in MiB.'),
  mountOptions: stringList.optional(),
});

const LinuxParametersSchema = z.strictObject({
  capabilities: KernelCapabilitiesSchema.optional(),
  devices: z.array(DeviceSchema).optional(),
  initProcessEnabled: z.boolean().optional().describe('Run an init process in the container (docker run --init).'),
  sharedMemorySize: int(0).optional().describe('Size of /dev/shm in MiB (not on Fargate).'),
  tmpfs: z.array(TmpfsSchema).optional(),
  maxSwap: int(0).optional().describe('Swap the container may use, in MiB; 0 = no swap.'),
  swappiness: int(0, 100).optional().describe('0-100 (default 60); needs maxSwap.'),
});

const ContainerDependencySchema = z.strictObject({
  containerName: str().describe('A container of this task definition.'),
  condition: z.enum(ContainerCondition).describe('START, COMPLETE, SUCCESS (exit 0) or HEALTHY (needs a healthCheck on that container).'),
});

const HostEntrySchema = z.strictObject({
  hostname: str(),
  ipAddress: str(),
});

const UlimitSchema = z.strictObject({
  name: z.enum(UlimitName),
  softLimit: z.number().int(),
  hardLimit: z.number().int(),
});

const HealthCheckSchema = z.strictObject({
  command: z
    .array(z.string())
    .min(1)
    .refine((c) => c[0] === 'CMD' || c[0] === 'CMD-SHELL' || c[0] === 'NONE', {
      error: got('expected the command to start with "CMD" or "CMD-SHELL"'),
    })
    .describe('["CMD", ...args] or ["CMD-SHELL", "shell command"]; exit 0 is healthy.'),
  interval: int(5, 300).optional().describe('Seconds between checks, 5-300 (default 30).'),
  timeout: int(2, 120).optional().describe('Seconds to wait for a check, 2-120 (default 5).'),
  retries: int(1, 10).optional().describe('Consecutive failures before unhealthy, 1-10 (default 3).'),
  startPeriod: int(0, 300).optional().describe('Grace period in seconds before failures count, 0-300 (default off).'),
});

const SystemControlSchema = z.strictObject({
  namespace: z.string().optional().describe('Kernel parameter, e.g. net.ipv4.tcp_keepalive_time.'),
  value: z.string().optional(),
});

const NvidiaMpsAllocationSchema = z.strictObject({
  memory: int(1).describe('GPU memory in MiB for the container.'),
  maxComputePercent: int(1, 100).optional().describe('Maximum percentage of the GPU compute capacity (default 100).'),
});

/** SharingStrategy: a tagged union with exactly one member (nvidiaMps). */
const SharingStrategySchema = z.strictObject({
  nvidiaMps: NvidiaMpsAllocationSchema,
});

const ResourceRequirementSchema = z.strictObject({
  value: z.string().optional().describe('GPU count (or ALL), NeuronDevice ALL, or an InferenceAccelerator deviceName.'),
  type: z.enum(ResourceType),
  sharingStrategy: SharingStrategySchema.optional().describe('GPU sharing (NVIDIA MPS); instead of value.'),
});

const FirelensConfigurationSchema = z.strictObject({
  type: z.enum(FirelensConfigurationType).describe('fluentbit or fluentd.'),
  options: stringMap.optional().describe('e.g. enable-ecs-log-metadata, config-file-type, config-file-value.'),
});

const ContainerDefinitionSchema = z.strictObject({
  name: z
    .string()
    .regex(ECS_NAME_PATTERN, { error: got(ECS_NAME_MESSAGE) })
    .describe('Container name: up to 255 letters, numbers, hyphens and underscores; unique in the task definition.'),
  image: str().describe('Image, repository-url/image:tag or repository-url/image@sha256:digest.'),
  repositoryCredentials: RepositoryCredentialsSchema.optional().describe('Private registry authentication.'),
  cpu: int(0).optional().describe('CPU units reserved for the container (1024 = 1 vCPU).'),
  memory: int(1).optional().describe('Hard memory limit in MiB; the container is killed above it.'),
  memoryReservation: int(1).optional().describe('Soft memory limit (reservation) in MiB; must not exceed memory.'),
  links: stringList.optional().describe('Links to other containers, name or name:alias (bridge mode only).'),
  portMappings: z.array(PortMappingSchema).optional().describe('Port mappings of the container.'),
  essential: z.boolean().optional().describe('If true (default), the task stops when this container stops. At least one container must be essential.'),
  restartPolicy: ContainerRestartPolicySchema.optional().describe('Restart the container in place when it exits.'),
  entryPoint: stringList.optional().describe('Overrides the image ENTRYPOINT.'),
  command: stringList.optional().describe('Overrides the image CMD.'),
  environment: z.array(KeyValuePairSchema).optional().describe('Environment variables, [{ name, value }].'),
  environmentFiles: z.array(EnvironmentFileSchema).max(10).optional().describe('S3 .env files with environment variables (up to 10).'),
  mountPoints: z.array(MountPointSchema).optional().describe('Volumes to mount into the container.'),
  volumesFrom: z.array(VolumeFromSchema).optional().describe('Mount volumes from another container.'),
  linuxParameters: LinuxParametersSchema.optional().describe('Linux-specific settings (capabilities, devices, tmpfs, ...).'),
  secrets: z.array(SecretSchema).optional().describe('Environment variables from Secrets Manager or SSM, [{ name, valueFrom }].'),
  dependsOn: z.array(ContainerDependencySchema).optional().describe('Containers that must reach a condition before this one starts.'),
  startTimeout: int(0).optional().describe('Seconds to wait for dependencies before giving up on this container (Fargate: 2-120).'),
  stopTimeout: int(0).optional().describe('Seconds before the container is killed after SIGTERM (Fargate: up to 120, default 30).'),
  versionConsistency: z.enum(VersionConsistency).optional().describe('enabled (default): resolve the image tag to a digest at deployment.'),
  hostname: z.string().optional().describe('Container hostname (not in awsvpc mode).'),
  user: z.string().optional().describe('User to run as: user, user:group, uid, uid:gid, ...'),
  workingDirectory: z.string().optional(),
  disableNetworking: z.boolean().optional(),
  privileged: z.boolean().optional().describe('Give the container root-like host privileges (not on Fargate).'),
  readonlyRootFilesystem: z.boolean().optional(),
  dnsServers: stringList.optional(),
  dnsSearchDomains: stringList.optional(),
  extraHosts: z.array(HostEntrySchema).optional().describe('Extra /etc/hosts entries (not in awsvpc mode).'),
  dockerSecurityOptions: stringList.optional().describe('"no-new-privileges" | "apparmor:PROFILE" | "label:value" | "credentialspec:path".'),
  interactive: z.boolean().optional(),
  pseudoTerminal: z.boolean().optional(),
  dockerLabels: stringMap.optional().describe('Docker labels, a map.'),
  ulimits: z.array(UlimitSchema).optional(),
  logConfiguration: LogConfigurationSchema.optional().describe('Where the container logs go.'),
  healthCheck: HealthCheckSchema.optional().describe('Container health check (docker HEALTHCHECK).'),
  systemControls: z.array(SystemControlSchema).optional().describe('Namespaced kernel parameters (sysctls).'),
  resourceRequirements: z.array(ResourceRequirementSchema).optional().describe('GPUs, Neuron devices or Elastic Inference accelerators for the container.'),
  firelensConfiguration: FirelensConfigurationSchema.optional().describe('FireLens log router configuration.'),
  credentialSpecs: stringList
    .max(1)
    .optional()
    .describe('One SSM or S3 ARN of a credential spec file (Active Directory), credentialspec:ARN or credentialspecdomainless:ARN.'),
});

// ---------------------------------------------------------------------------
// Volumes and the rest of RegisterTaskDefinition
// ---------------------------------------------------------------------------

const HostVolumePropertiesSchema = z.strictObject({
  sourcePath: z.string().optional().describe('Path on the host (bind mount); empty for a Docker-managed path.'),
});

const DockerVolumeConfigurationSchema = z.strictObject({
  scope: z.enum(Scope).optional().describe('task (deleted with the task) or shared (persists).'),
  autoprovision: z.boolean().optional().describe('Create the volume if it does not exist (scope shared only).'),
  driver: z.string().optional(),
  driverOpts: stringMap.optional(),
  labels: stringMap.optional(),
});

const EFSAuthorizationConfigSchema = z.strictObject({
  accessPointId: z.string().optional(),
  iam: z.enum(EFSAuthorizationConfigIAM).optional(),
});

const EFSVolumeConfigurationSchema = z.strictObject({
  fileSystemId: str().describe('EFS file system id, fs-...'),
  rootDirectory: z.string().optional(),
  transitEncryption: z.enum(EFSTransitEncryption).optional(),
  transitEncryptionPort: int(0, 65535).optional(),
  authorizationConfig: EFSAuthorizationConfigSchema.optional(),
});

const S3FilesVolumeConfigurationSchema = z.strictObject({
  fileSystemArn: str().describe('ARN of the S3 Files file system.'),
  rootDirectory: z.string().optional(),
  transitEncryptionPort: int(0, 65535).optional(),
  accessPointArn: z.string().optional(),
});

const FSxWindowsFileServerAuthorizationConfigSchema = z.strictObject({
  credentialsParameter: str(),
  domain: str(),
});

const FSxWindowsFileServerVolumeConfigurationSchema = z.strictObject({
  fileSystemId: str(),
  rootDirectory: str(),
  authorizationConfig: FSxWindowsFileServerAuthorizationConfigSchema,
});

const VolumeSchema = z.strictObject({
  name: z
    .string()
    .regex(ECS_NAME_PATTERN, { error: got(ECS_NAME_MESSAGE) })
    .describe('Volume name, referenced by mountPoints[].sourceVolume.'),
  host: HostVolumePropertiesSchema.optional(),
  dockerVolumeConfiguration: DockerVolumeConfigurationSchema.optional(),
  efsVolumeConfiguration: EFSVolumeConfigurationSchema.optional(),
  s3filesVolumeConfiguration: S3FilesVolumeConfigurationSchema.optional(),
  fsxWindowsFileServerVolumeConfiguration: FSxWindowsFileServerVolumeConfigurationSchema.optional(),
  configuredAtLaunch: z.boolean().optional().describe('Volume configured when the task runs (e.g. EBS from the service volumeConfigurations).'),
});

const TaskDefinitionPlacementConstraintSchema = z.strictObject({
  type: z.enum(TaskDefinitionPlacementConstraintType).optional(),
  expression: placementExpression.optional().describe('Cluster query language expression (up to 2000 characters).'),
});

const ProxyConfigurationSchema = z.strictObject({
  type: z.enum(ProxyConfigurationType).optional(),
  containerName: str(),
  properties: z.array(KeyValuePairSchema).optional(),
});

const InferenceAcceleratorSchema = z.strictObject({
  deviceName: str(),
  deviceType: str(),
});

const EphemeralStorageSchema = z.strictObject({
  sizeInGiB: int(21, 200).describe('Fargate ephemeral storage in GiB, 21-200.'),
});

const RuntimePlatformSchema = z.strictObject({
  cpuArchitecture: z.enum(CPUArchitecture).optional().describe('X86_64 or ARM64.'),
  operatingSystemFamily: z.enum(OSFamily).optional().describe('LINUX or a WINDOWS_SERVER_* family.'),
});

// ---------------------------------------------------------------------------
// Task-level cpu and memory: strings in the API; numbers and "1 vCPU" / "2 GB" accepted
// ---------------------------------------------------------------------------

const CPU_STRING = TASK_SIZE_PATTERN.cpu;
const MEMORY_STRING = TASK_SIZE_PATTERN.memory;

function unitsTransform(kind: TaskSizeKind) {
  const unitName = kind === 'cpu' ? 'vCPU' : 'GB';
  const whole = kind === 'cpu' ? 'CPU units' : 'MiB';
  return (v: number | string, ctx: z.RefinementCtx<number | string>): string => {
    const r = readTaskSize(kind, v);
    if (r.ok) return String(r.units);
    const message =
      r.why === 'syntax'
        ? kind === 'cpu'
          ? `expected CPU units (e.g. 256) or vCPUs (e.g. "0.25 vCPU"), got ${JSON.stringify(v)}`
          : `expected MiB (e.g. 512) or GB (e.g. "2 GB"), got ${JSON.stringify(v)}`
        : r.why === 'fraction'
          ? `expected a whole number of ${whole} or a value in ${unitName}, got ${JSON.stringify(v)}`
          : `expected a whole number of ${whole} > 0, got ${JSON.stringify(v)}`;
    ctx.addIssue({ code: 'custom', message });
    return z.NEVER;
  };
}

export const TaskCpuSchema = z
  .union([z.number(), z.string().regex(CPU_STRING, { error: got('expected CPU units (e.g. "256") or vCPUs (e.g. "0.25 vCPU")') })])
  .transform(unitsTransform('cpu'))
  .describe('Task CPU: CPU units (256, "1024") or vCPUs ("1 vCPU"); stored as CPU units string. Fargate: 256, 512, 1024, 2048, 4096, 8192, 16384.');

export const TaskMemorySchema = z
  .union([z.number(), z.string().regex(MEMORY_STRING, { error: got('expected MiB (e.g. "512") or GB (e.g. "2 GB")') })])
  .transform(unitsTransform('memory'))
  .describe('Task memory: MiB (512, "2048") or GB ("2 GB", "2GB"); stored as a MiB string. Fargate: depends on cpu.');

// ---------------------------------------------------------------------------
// Fargate task sizes
// ---------------------------------------------------------------------------

function steps(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
}

/** Fargate (Linux) task cpu -> the memory values (MiB) it accepts. */
export const FARGATE_CPU_MEMORY: ReadonlyMap<number, readonly number[]> = new Map<number, readonly number[]>([
  [256, [512, 1024, 2048]],
  [512, steps(1024, 4096, 1024)],
  [1024, steps(2048, 8192, 1024)],
  [2048, steps(4096, 16384, 1024)],
  [4096, steps(8192, 30720, 1024)],
  [8192, steps(16384, 61440, 4096)],
  [16384, steps(32768, 122880, 8192)],
]);

// ---------------------------------------------------------------------------
// Cross-field rules
// ---------------------------------------------------------------------------

/** The output fields the task definition rules look at. */
interface TaskDefinitionShape {
  networkMode?: (typeof NetworkMode)[number] | undefined;
  requiresCompatibilities?: (typeof Compatibility)[number][] | undefined;
  cpu?: string | undefined;
  memory?: string | undefined;
  volumes?: { name: string }[] | undefined;
  containerDefinitions: z.infer<typeof ContainerDefinitionSchema>[];
}

function checkTaskDefinition(td: TaskDefinitionShape, ctx: z.RefinementCtx): void {
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  const fargate = td.requiresCompatibilities?.includes('FARGATE') ?? false;
  // A cpu/memory that failed its own check is still the raw input here (zod runs
  // refinements after non-fatal issues): leave it to that issue, check nothing more.
  const cpuBroken = td.cpu !== undefined && !/^\d+$/.test(td.cpu);
  const memoryBroken = td.memory !== undefined && !/^\d+$/.test(td.memory);
  const taskMemory = td.memory !== undefined && !memoryBroken ? Number(td.memory) : undefined;
  const taskCpu = td.cpu !== undefined && !cpuBroken ? Number(td.cpu) : undefined;

  if (fargate) {
    if (td.networkMode === undefined) {
      issue(['networkMode'], 'required: Fargate needs networkMode awsvpc');
    } else if (td.networkMode !== 'awsvpc') {
      issue(['networkMode'], `Fargate needs networkMode awsvpc, got ${td.networkMode}`);
    }
    if (td.cpu === undefined) issue(['cpu'], 'required when requiresCompatibilities includes FARGATE');
    if (td.memory === undefined) issue(['memory'], 'required when requiresCompatibilities includes FARGATE');
    if (taskCpu !== undefined) {
      const mems = FARGATE_CPU_MEMORY.get(taskCpu);
      if (mems === undefined) {
        issue(['cpu'], `Fargate cpu must be one of ${[...FARGATE_CPU_MEMORY.keys()].join(', ')}; got ${taskCpu}`);
      } else if (taskMemory !== undefined && !mems.includes(taskMemory)) {
        issue(['memory'], `Fargate cpu ${taskCpu} accepts memory ${mems.join(', ')}; got ${taskMemory}`);
      }
    }
  }

  const names = new Map<string, number>();
  td.containerDefinitions.forEach((c, i) => {
    const first = names.get(c.name);
    if (first !== undefined) {
      issue(['containerDefinitions', i, 'name'], `duplicate container name ${JSON.stringify(c.name)} (also containerDefinitions[${first}])`);
    } else names.set(c.name, i);
  });
  const volumeNames = new Set((td.volumes ?? []).map((v) => v.name));

  if (td.containerDefinitions.length > 0 && td.containerDefinitions.every((c) => c.essential === false)) {
    issue(['containerDefinitions'], 'at least one container must be essential');
  }

  let cpuSum = 0;
  td.containerDefinitions.forEach((c, i) => {
    const at = (...rest: (string | number)[]) => ['containerDefinitions', i, ...rest];
    cpuSum += c.cpu ?? 0;
    if (td.memory === undefined && c.memory === undefined && c.memoryReservation === undefined) {
      issue(at('memory'), 'memory or memoryReservation is required when the task definition has no task-level memory');
    }
    if (c.memory !== undefined && c.memoryReservation !== undefined && c.memoryReservation > c.memory) {
      issue(at('memoryReservation'), `memoryReservation ${c.memoryReservation} must not exceed memory ${c.memory}`);
    }
    if (taskMemory !== undefined && c.memory !== undefined && c.memory > taskMemory) {
      issue(at('memory'), `container memory ${c.memory} exceeds the task memory ${taskMemory}`);
    }
    c.dependsOn?.forEach((d, j) => {
      if (d.containerName === c.name) {
        issue(at('dependsOn', j, 'containerName'), 'a container cannot depend on itself');
      } else if (!names.has(d.containerName)) {
        issue(
          at('dependsOn', j, 'containerName'),
          `no container ${JSON.stringify(d.containerName)} in this task definition (containers: ${[...names.keys()].join(', ')})`,
        );
      }
    });
    c.volumesFrom?.forEach((v, j) => {
      if (v.sourceContainer !== undefined && !names.has(v.sourceContainer)) {
        issue(at('volumesFrom', j, 'sourceContainer'), `no container ${JSON.stringify(v.sourceContainer)} in this task definition`);
      }
    });
    c.mountPoints?.forEach((m, j) => {
      if (m.sourceVolume !== undefined && !volumeNames.has(m.sourceVolume)) {
        issue(at('mountPoints', j, 'sourceVolume'), `no volume ${JSON.stringify(m.sourceVolume)} in this task definition's volumes`);
      }
    });
    if (td.networkMode === 'awsvpc' || td.networkMode === 'host') {
      c.portMappings?.forEach((p, j) => {
        if (p.hostPort !== undefined && p.containerPort !== undefined && p.hostPort !== p.containerPort) {
          issue(
            at('portMappings', j, 'hostPort'),
            `in ${td.networkMode} network mode hostPort must be omitted or equal containerPort ${p.containerPort}; got ${p.hostPort}`,
          );
        }
      });
    }
    if (fargate) {
      if (c.stopTimeout !== undefined && c.stopTimeout > 120) {
        issue(at('stopTimeout'), `Fargate allows stopTimeout up to 120 seconds; got ${c.stopTimeout}`);
      }
      if (c.startTimeout !== undefined && (c.startTimeout < 2 || c.startTimeout > 120)) {
        issue(at('startTimeout'), `Fargate allows startTimeout 2-120 seconds; got ${c.startTimeout}`);
      }
    }
  });
  if (taskCpu !== undefined && cpuSum > taskCpu) {
    issue(['containerDefinitions'], `the containers' cpu adds up to ${cpuSum}, more than the task cpu ${taskCpu}`);
  }
}

// ---------------------------------------------------------------------------
// TaskDefinitionSpec: RegisterTaskDefinition input, less family
// ---------------------------------------------------------------------------

const taskDefinitionShape = {
  taskRoleArn: z.string().optional().describe('IAM role the containers use to call AWS APIs.'),
  executionRoleArn: z.string().optional().describe('IAM role ECS uses to pull images, fetch secrets and write logs (ecsTaskExecutionRole).'),
  networkMode: z.enum(NetworkMode).optional().describe('awsvpc (required for Fargate), bridge (EC2 default), host or none.'),
  containerDefinitions: z
    .array(ContainerDefinitionSchema)
    .min(1)
    // Amazon ECS service quotas: "Containers per task definition: 10" (not adjustable)
    .max(10)
    .describe('The containers of the task (1-10: the ECS quota of containers per task definition).'),
  volumes: z.array(VolumeSchema).optional().describe('Data volumes the containers can mount.'),
  placementConstraints: z
    .array(TaskDefinitionPlacementConstraintSchema)
    .max(10)
    .optional()
    .describe('Task placement constraints (memberOf; up to 10; not on Fargate).'),
  requiresCompatibilities: z
    .array(z.enum(Compatibility))
    .optional()
    .describe('Launch types the task definition is validated against: EC2, FARGATE, EXTERNAL, MANAGED_INSTANCES.'),
  cpu: TaskCpuSchema.optional(),
  memory: TaskMemorySchema.optional(),
  tags: TagsSchema.optional(),
  pidMode: z.enum(PidMode).optional().describe('host or task.'),
  ipcMode: z.enum(IpcMode).optional().describe('host, task or none (not on Fargate).'),
  proxyConfiguration: ProxyConfigurationSchema.optional().describe('App Mesh proxy configuration.'),
  inferenceAccelerators: z.array(InferenceAcceleratorSchema).optional().describe('Deprecated: Elastic Inference accelerators.'),
  ephemeralStorage: EphemeralStorageSchema.optional().describe('Fargate ephemeral storage, 21-200 GiB.'),
  runtimePlatform: RuntimePlatformSchema.optional().describe('Operating system family and CPU architecture.'),
  enableFaultInjection: z.boolean().optional().describe('Allow fault injection requests from the task containers.'),
};

export const TaskDefinitionSpecSchema = z.strictObject(taskDefinitionShape).superRefine(everyRun(checkTaskDefinition), EVERY_RUN);

/** The family name: the task definition's metadata.name. */
const FamilySchema = ecsName('task definition family');

/**
 * A plain register-task-definition JSON file (`aws ecs register-task-definition
 * --cli-input-json`), family included; tags in the list form or as a map.
 */
export const TaskDefinitionJsonFileSchema = z
  .strictObject({ family: FamilySchema, ...taskDefinitionShape })
  .superRefine(everyRun(checkTaskDefinition), EVERY_RUN);

export type ContainerDefinition = z.infer<typeof ContainerDefinitionSchema>;
export type TaskDefinitionSpec = z.infer<typeof TaskDefinitionSpecSchema>;

/** A TaskDefinition resource's spec as its manifest schema parsed it (the load stage ran TaskDefinitionManifestSchema on it, or the plain JSON file's schema, less family): the spec's zod type. */
export function taskDefinitionSpecOf(d: Pick<DesiredResource, 'spec'>): TaskDefinitionSpec {
  return d.spec as TaskDefinitionSpec;
}

export const TaskDefinitionManifestSchema = z.strictObject({
  apiVersion,
  kind: z.literal('TaskDefinition'),
  metadata: z.strictObject({
    name: ecsName('task definition family'),
    ...metadataCommon,
  }),
  spec: TaskDefinitionSpecSchema.describe('RegisterTaskDefinition input, less family.'),
});
