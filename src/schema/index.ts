/**
 * The one schema of the manifests (zod 4): the TypeScript types (z.infer) and the JSON
 * Schema (manifestJsonSchema) both come from it.
 */
export * from './enums.js';
export { TagsSchema, TagMapSchema, TagListSchema, MAX_TAGS, CONTROLLER_TAG_PREFIX, type Tags } from './tags.js';
export {
  ClusterSpecSchema,
  CapacityProviderStrategySchema,
  CapacityProviderStrategyItemSchema,
  type ClusterSpec,
  type ClusterSpecInput,
} from './cluster.js';
export {
  TaskDefinitionSpecSchema,
  TaskDefinitionJsonFileSchema,
  ContainerDefinitionSchema,
  PortMappingSchema,
  VolumeSchema,
  LogConfigurationSchema,
  TaskCpuSchema,
  TaskMemorySchema,
  FARGATE_CPU_MEMORY,
  type ContainerDefinition,
  type TaskDefinitionSpec,
  type TaskDefinitionSpecInput,
  type TaskDefinitionJsonFile,
} from './task-definition.js';
export {
  AutoScalingSpecSchema,
  TargetTrackingPolicySchema,
  StepScalingPolicySchema,
  ScheduledActionSchema,
  type AutoScalingSpec,
  type AutoScalingSpecInput,
  type TargetTrackingPolicy,
  type StepScalingPolicy,
  type ScheduledAction,
} from './auto-scaling.js';
export { ServiceSpecSchema, TaskDefinitionRefSchema, type ServiceSpec, type ServiceSpecInput } from './service.js';
export {
  API_VERSION,
  KINDS,
  ANNOTATION_PREFIX,
  ANNOTATIONS,
  AnnotationsSchema,
  RegionSchema,
  ClusterMetadataSchema,
  TaskDefinitionMetadataSchema,
  ServiceMetadataSchema,
  ManifestSchema,
  ClusterManifestSchema,
  TaskDefinitionManifestSchema,
  ServiceManifestSchema,
  type Kind,
  type Annotations,
  type Manifest,
  type ManifestInput,
  type ClusterManifest,
  type TaskDefinitionManifest,
  type ServiceManifest,
} from './manifest.js';
export { manifestJsonSchema, MANIFEST_SCHEMA_ID } from './json-schema.js';
export { ECS_NAME_PATTERN } from './common.js';
