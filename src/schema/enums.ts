/**
 * Enum values of the ECS and Application Auto Scaling APIs, copied from the AWS SDK v3
 * const enum objects (@aws-sdk/client-ecs and @aws-sdk/client-application-auto-scaling,
 * dist-types/models/enums.d.ts). They are copied rather than imported because only the
 * AWS gateway module may import the SDK; test/schema.test.ts checks them against the
 * installed SDK so a new SDK value fails the test instead of going unnoticed.
 */

// ---- ECS ----
export const NetworkMode = ['awsvpc', 'bridge', 'host', 'none'] as const;
export const LaunchType = ['EC2', 'EXTERNAL', 'FARGATE', 'MANAGED_INSTANCES'] as const;
export const Compatibility = ['EC2', 'EXTERNAL', 'FARGATE', 'MANAGED_INSTANCES'] as const;
export const TransportProtocol = ['tcp', 'udp'] as const;
export const ApplicationProtocol = ['grpc', 'http', 'http2'] as const;
export const LogDriver = ['awsfirelens', 'awslogs', 'fluentd', 'gelf', 'journald', 'json-file', 'splunk', 'syslog'] as const;
export const ContainerCondition = ['COMPLETE', 'HEALTHY', 'START', 'SUCCESS'] as const;
export const UlimitName = [
  'core',
  'cpu',
  'data',
  'fsize',
  'locks',
  'memlock',
  'msgqueue',
  'nice',
  'nofile',
  'nproc',
  'rss',
  'rtprio',
  'rttime',
  'sigpending',
  'stack',
] as const;
export const ResourceType = ['GPU', 'InferenceAccelerator', 'NeuronDevice'] as const;
export const FirelensConfigurationType = ['fluentbit', 'fluentd'] as const;
export const VersionConsistency = ['disabled', 'enabled'] as const;
export const EnvironmentFileType = ['s3'] as const;
export const DeviceCgroupPermission = ['mknod', 'read', 'write'] as const;
export const Scope = ['shared', 'task'] as const;
export const EFSTransitEncryption = ['DISABLED', 'ENABLED'] as const;
export const EFSAuthorizationConfigIAM = ['DISABLED', 'ENABLED'] as const;
export const TaskDefinitionPlacementConstraintType = ['memberOf'] as const;
export const PidMode = ['host', 'task'] as const;
export const IpcMode = ['host', 'none', 'task'] as const;
export const ProxyConfigurationType = ['APPMESH'] as const;
export const CPUArchitecture = ['ARM64', 'X86_64'] as const;
export const OSFamily = [
  'LINUX',
  'WINDOWS_SERVER_2004_CORE',
  'WINDOWS_SERVER_2016_FULL',
  'WINDOWS_SERVER_2019_CORE',
  'WINDOWS_SERVER_2019_FULL',
  'WINDOWS_SERVER_2022_CORE',
  'WINDOWS_SERVER_2022_FULL',
  'WINDOWS_SERVER_2025_CORE',
  'WINDOWS_SERVER_2025_FULL',
  'WINDOWS_SERVER_20H2_CORE',
] as const;
export const ClusterSettingName = ['containerInsights'] as const;
/** ClusterSetting.value for containerInsights (a plain string in the SDK type). */
export const ContainerInsightsValue = ['enabled', 'disabled', 'enhanced'] as const;
export const ExecuteCommandLogging = ['DEFAULT', 'NONE', 'OVERRIDE'] as const;
export const AssignPublicIp = ['DISABLED', 'ENABLED'] as const;
export const AvailabilityZoneRebalancing = ['DISABLED', 'ENABLED'] as const;
export const SchedulingStrategy = ['DAEMON', 'REPLICA'] as const;
export const DeploymentControllerType = ['CODE_DEPLOY', 'ECS', 'EXTERNAL'] as const;
export const PropagateTags = ['NONE', 'SERVICE', 'TASK_DEFINITION'] as const;
export const PlacementConstraintType = ['distinctInstance', 'memberOf'] as const;
export const PlacementStrategyType = ['binpack', 'random', 'spread'] as const;
export const DeploymentStrategy = ['BLUE_GREEN', 'CANARY', 'LINEAR', 'ROLLING'] as const;
export const DeploymentLifecycleHookTargetType = ['AWS_LAMBDA', 'PAUSE'] as const;
export const DeploymentLifecycleHookStage = [
  'POST_PRODUCTION_TRAFFIC_SHIFT',
  'POST_SCALE_UP',
  'POST_TEST_TRAFFIC_SHIFT',
  'PRE_PRODUCTION_TRAFFIC_SHIFT',
  'PRE_SCALE_UP',
  'PRODUCTION_TRAFFIC_SHIFT',
  'RECONCILE_SERVICE',
  'TEST_TRAFFIC_SHIFT',
] as const;
export const DeploymentLifecycleHookAction = ['CONTINUE', 'ROLLBACK'] as const;
export const ThresholdType = ['BOUNDED_PERCENT', 'COUNT', 'UNBOUNDED_PERCENT'] as const;
export const ServiceRevisionCleanup = ['BLOCKING', 'DEFERRED'] as const;
export const ServiceConnectAccessLoggingFormat = ['JSON', 'TEXT'] as const;
export const ServiceConnectIncludeQueryParameters = ['DISABLED', 'ENABLED'] as const;
export const ServiceConnectContainerLogLevel = ['debug', 'info'] as const;
export const EBSResourceType = ['volume'] as const;
export const TaskFilesystemType = ['ext3', 'ext4', 'ntfs', 'xfs'] as const;
export const GatewayConnectorHealthCheckProtocol = ['HTTP', 'HTTPS'] as const;
export const AccessType = ['PRIVATE', 'PUBLIC'] as const;

// ---- Application Auto Scaling ----
export const AdjustmentType = ['ChangeInCapacity', 'ExactCapacity', 'PercentChangeInCapacity'] as const;
export const MetricAggregationType = ['Average', 'Maximum', 'Minimum'] as const;
export const MetricStatistic = ['Average', 'Maximum', 'Minimum', 'SampleCount', 'Sum'] as const;
/** The MetricType values that apply to an ECS service (ecs:service:DesiredCount). */
export const EcsPredefinedMetricType = [
  'ALBRequestCountPerTarget',
  'ECSServiceAverageCPUUtilization',
  'ECSServiceAverageCPUUtilizationHighResolution',
  'ECSServiceAverageMemoryUtilization',
  'ECSServiceAverageMemoryUtilizationHighResolution',
] as const;
