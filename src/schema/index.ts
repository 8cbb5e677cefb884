/**
 * The one schema of the manifests (zod 4): the TypeScript types (z.infer) and the JSON
 * Schema (manifestJsonSchema) both come from it.
 */

export {
  type AutoScalingSpec,
  AutoScalingSpecSchema,
} from './auto-scaling.js';
export {
  type ClusterSpec,
  ClusterSpecSchema,
} from './cluster.js';
export * from './enums.js';
export { manifestJsonSchema } from './json-schema.js';
export {
  type Annotations,
  API_VERSION,
  ClusterManifestSchema,
  type Manifest,
  type ManifestInput,
  ManifestSchema,
  ServiceManifestSchema,
  TaskDefinitionManifestSchema,
} from './manifest.js';
export { type ServiceSpec, ServiceSpecSchema } from './service.js';
export { TagsSchema } from './tags.js';
export {
  type ContainerDefinition,
  FARGATE_CPU_MEMORY,
  TaskDefinitionJsonFileSchema,
  type TaskDefinitionSpec,
  TaskDefinitionSpecSchema,
} from './task-definition.js';
