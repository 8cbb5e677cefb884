import { z } from 'zod';
import { ANNOTATION } from '../model/resource.js';
import { ClusterSpecSchema } from './cluster.js';
import { ecsName, got, restoreProtoKeys } from './common.js';
import { ServiceSpecSchema } from './service.js';
import { TaskDefinitionSpecSchema } from './task-definition.js';

export const API_VERSION = 'ecs-reconciler/v1' as const;

/** Prefix of the controller's own annotation keys. */
const ANNOTATION_PREFIX = 'ecs-reconciler/';

const ANNOTATIONS = ANNOTATION;

const KNOWN_ANNOTATIONS: readonly string[] = Object.values(ANNOTATIONS);

const boolString = z.enum(['true', 'false']);

const AnnotationsSchema = z
  .object({
    [ANNOTATIONS.prune]: boolString.optional().describe('"false": never delete this resource, even when its manifest goes.'),
    [ANNOTATIONS.allowReplace]: boolString.optional().describe('"true": may delete and re-create the resource when an immutable field changes.'),
    [ANNOTATIONS.suspend]: boolString.optional().describe('"true": report only; never change this resource.'),
    [ANNOTATIONS.ignore]: z.string().optional().describe('Field paths owned elsewhere, e.g. "containerDefinitions[name=web].image" (comma-separated).'),
    [ANNOTATIONS.suspendScaleInDuringDeploy]: boolString.optional().describe('"true": suspend auto scaling scale-in while a deployment runs.'),
  })
  .catchall(z.string())
  .superRefine((a, ctx) => {
    for (const key of Object.keys(a)) {
      if (key.startsWith(ANNOTATION_PREFIX) && !KNOWN_ANNOTATIONS.includes(key)) {
        ctx.addIssue({
          code: 'unrecognized_keys',
          keys: [key],
          path: [],
          message: `unknown annotation ${JSON.stringify(key)}; the ${ANNOTATION_PREFIX} annotations are ${KNOWN_ANNOTATIONS.join(', ')}`,
        });
      }
    }
  })
  .transform((a) => restoreProtoKeys(a as Record<string, string>) as typeof a)
  .describe(`Behaviour knobs, all strings. Keys under "${ANNOTATION_PREFIX}" are the controller's; other keys are free.`);

const RegionSchema = z
  .string()
  .regex(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, { error: got('expected an AWS region such as eu-west-1') })
  .describe('AWS region, e.g. eu-west-1; default from --region or AWS_REGION.');

/** region and annotations: what every kind's metadata has besides its name */
export const metadataCommon = {
  region: RegionSchema.optional(),
  annotations: AnnotationsSchema.optional(),
};

const ClusterMetadataSchema = z.strictObject({
  name: ecsName('cluster name'),
  ...metadataCommon,
});

const TaskDefinitionMetadataSchema = z.strictObject({
  name: ecsName('task definition family'),
  ...metadataCommon,
});

const ServiceMetadataSchema = z.strictObject({
  name: ecsName('service name'),
  cluster: z
    .union([
      ecsName('cluster the service runs in: a Cluster manifest name'),
      z.string().regex(/^arn:aws[\w-]*:ecs:[a-z0-9-]+:\d{12}:cluster\/[A-Za-z0-9_-]{1,255}$/, { message: 'expected a cluster name or a cluster ARN' }),
    ])
    .describe('the cluster the service runs in: a Cluster manifest name, or the ARN of a cluster managed elsewhere'),
  ...metadataCommon,
});

export const apiVersion = z.literal(API_VERSION).describe(`Always ${API_VERSION}.`);

export const ClusterManifestSchema = z.strictObject({
  apiVersion,
  kind: z.literal('Cluster'),
  metadata: ClusterMetadataSchema,
  spec: ClusterSpecSchema.describe('CreateCluster input, less clusterName.'),
});

export const TaskDefinitionManifestSchema = z.strictObject({
  apiVersion,
  kind: z.literal('TaskDefinition'),
  metadata: TaskDefinitionMetadataSchema,
  spec: TaskDefinitionSpecSchema.describe('RegisterTaskDefinition input, less family.'),
});

export const ServiceManifestSchema = z.strictObject({
  apiVersion,
  kind: z.literal('Service'),
  metadata: ServiceMetadataSchema,
  spec: ServiceSpecSchema.describe('CreateService input, less serviceName and cluster; plus autoScaling.'),
});

/** One manifest document: a Cluster, a TaskDefinition or a Service. */
export const ManifestSchema = z
  .discriminatedUnion('kind', [ClusterManifestSchema, TaskDefinitionManifestSchema, ServiceManifestSchema])
  .describe('An ecs-reconciler manifest: kind Cluster, TaskDefinition or Service.');

export type Annotations = z.infer<typeof AnnotationsSchema>;
export type Manifest = z.infer<typeof ManifestSchema>;
export type ManifestInput = z.input<typeof ManifestSchema>;
