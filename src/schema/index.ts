/**
 * The one schema of the manifests (zod 4): the TypeScript types (z.infer) and the JSON
 * Schema (manifestJsonSchema) both come from it.
 */

export {
  type AutoScalingSpec,
  type AutoScalingSpecInput,
  AutoScalingSpecSchema,
  type ScheduledAction,
  ScheduledActionSchema,
  type StepScalingPolicy,
  StepScalingPolicySchema,
  type TargetTrackingPolicy,
  TargetTrackingPolicySchema,
} from './auto-scaling.js';
export {
  CapacityProviderStrategyItemSchema,
  CapacityProviderStrategySchema,
  type ClusterSpec,
  type ClusterSpecInput,
  ClusterSpecSchema,
} from './cluster.js';
export { ECS_NAME_PATTERN } from './common.js';
export * from './enums.js';
export { MANIFEST_SCHEMA_ID, manifestJsonSchema } from './json-schema.js';
export {
  ANNOTATION_PREFIX,
  ANNOTATIONS,
  type Annotations,
  AnnotationsSchema,
  API_VERSION,
  type ClusterManifest,
  ClusterManifestSchema,
  ClusterMetadataSchema,
  KINDS,
  type Kind,
  type Manifest,
  type ManifestInput,
  ManifestSchema,
  RegionSchema,
  type ServiceManifest,
  ServiceManifestSchema,
  ServiceMetadataSchema,
  type TaskDefinitionManifest,
  TaskDefinitionManifestSchema,
  TaskDefinitionMetadataSchema,
} from './manifest.js';
export { type ServiceSpec, type ServiceSpecInput, ServiceSpecSchema, TaskDefinitionRefSchema } from './service.js';
export { CONTROLLER_TAG_PREFIX, MAX_TAGS, TagListSchema, TagMapSchema, type Tags, TagsSchema } from './tags.js';
export {
  type ContainerDefinition,
  ContainerDefinitionSchema,
  FARGATE_CPU_MEMORY,
  LogConfigurationSchema,
  PortMappingSchema,
  TaskCpuSchema,
  type TaskDefinitionJsonFile,
  TaskDefinitionJsonFileSchema,
  type TaskDefinitionSpec,
  type TaskDefinitionSpecInput,
  TaskDefinitionSpecSchema,
  TaskMemorySchema,
  VolumeSchema,
} from './task-definition.js';
