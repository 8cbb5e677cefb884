import { z } from 'zod';
import type { DesiredResource } from '../../model/resource.js';
import { ecsName, int, str } from '../../schema/common.js';
import { ClusterSettingName, ContainerInsightsValue, ExecuteCommandLogging } from '../../schema/enums.js';
import { apiVersion, metadataCommon } from '../../schema/manifest.js';
import { TagsSchema } from '../../schema/tags.js';

/** CapacityProviderStrategyItem (shared with services). */
const CapacityProviderStrategyItemSchema = z.strictObject({
  capacityProvider: str(255).describe('Capacity provider name, e.g. FARGATE, FARGATE_SPOT or an Auto Scaling group provider.'),
  weight: int(0, 1000).optional().describe('Relative share of tasks for this provider, 0-1000 (default 0).'),
  base: int(0, 100000).optional().describe('Minimum number of tasks on this provider, 0-100000 (default 0). Only one provider in a strategy may have a base.'),
});

/** A capacity provider strategy: at most 20 items, one base, unique providers. */
export const CapacityProviderStrategySchema = z
  .array(CapacityProviderStrategyItemSchema)
  .max(20)
  .superRefine((items, ctx) => {
    const seen = new Map<string, number>();
    let baseAt: number | undefined;
    items.forEach((it, i) => {
      const first = seen.get(it.capacityProvider);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [i, 'capacityProvider'],
          message: `capacity provider ${JSON.stringify(it.capacityProvider)} appears twice (also at [${first}])`,
        });
      } else seen.set(it.capacityProvider, i);
      if (it.base !== undefined && it.base > 0) {
        if (baseAt !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [i, 'base'],
            message: `only one capacity provider in a strategy may have a base (already set at [${baseAt}])`,
          });
        } else baseAt = i;
      }
    });
  })
  .describe('Capacity provider strategy: up to 20 providers with weight (0-1000) and base (0-100000).');

const ClusterSettingSchema = z.strictObject({
  name: z.enum(ClusterSettingName).describe('The setting name: containerInsights.'),
  value: z.enum(ContainerInsightsValue).describe('containerInsights: enabled, disabled or enhanced.'),
});

const ExecuteCommandLogConfigurationSchema = z.strictObject({
  cloudWatchLogGroupName: z.string().optional().describe('CloudWatch log group for ECS Exec logs (must exist).'),
  cloudWatchEncryptionEnabled: z.boolean().optional(),
  s3BucketName: z.string().optional().describe('S3 bucket for ECS Exec logs (must exist).'),
  s3EncryptionEnabled: z.boolean().optional(),
  s3KeyPrefix: z.string().optional(),
});

const ExecuteCommandConfigurationSchema = z
  .strictObject({
    kmsKeyId: z.string().optional().describe('KMS key to encrypt ECS Exec data between client and container.'),
    logging: z.enum(ExecuteCommandLogging).optional().describe('DEFAULT (awslogs of the task), NONE, or OVERRIDE (use logConfiguration).'),
    logConfiguration: ExecuteCommandLogConfigurationSchema.optional(),
  })
  .superRefine((c, ctx) => {
    if (c.logging === 'OVERRIDE' && c.logConfiguration === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['logConfiguration'],
        message: 'required when logging is OVERRIDE',
      });
    }
  });

const ManagedStorageConfigurationSchema = z.strictObject({
  kmsKeyId: z.string().optional().describe('KMS key (single Region) for managed storage such as EBS volumes.'),
  fargateEphemeralStorageKmsKeyId: z.string().optional().describe('KMS key (single Region) for Fargate ephemeral storage.'),
});

const ClusterConfigurationSchema = z.strictObject({
  executeCommandConfiguration: ExecuteCommandConfigurationSchema.optional(),
  managedStorageConfiguration: ManagedStorageConfigurationSchema.optional(),
});

const ClusterServiceConnectDefaultsSchema = z.strictObject({
  namespace: str(1024).describe('Cloud Map namespace name or ARN used by Service Connect by default (up to 1024 characters).'),
});

/** CreateCluster input, less clusterName (that is metadata.name). */
export const ClusterSpecSchema = z.strictObject({
  tags: TagsSchema.optional(),
  settings: z.array(ClusterSettingSchema).optional().describe('Cluster settings, e.g. [{ name: containerInsights, value: enabled }].'),
  configuration: ClusterConfigurationSchema.optional().describe('ECS Exec and managed storage configuration.'),
  capacityProviders: z.array(str(255)).optional().describe('Capacity providers to associate with the cluster, e.g. [FARGATE, FARGATE_SPOT].'),
  defaultCapacityProviderStrategy: CapacityProviderStrategySchema.optional(),
  serviceConnectDefaults: ClusterServiceConnectDefaultsSchema.optional().describe('Default Service Connect namespace for services in this cluster.'),
});

export type ClusterSpec = z.infer<typeof ClusterSpecSchema>;

export const ClusterManifestSchema = z.strictObject({
  apiVersion,
  kind: z.literal('Cluster'),
  metadata: z.strictObject({
    name: ecsName('cluster name'),
    ...metadataCommon,
  }),
  spec: ClusterSpecSchema.describe('CreateCluster input, less clusterName.'),
});

/** A Cluster resource's spec as its manifest schema parsed it (the load stage ran ClusterManifestSchema on it): the spec's zod type. */
export function clusterSpecOf(d: Pick<DesiredResource, 'spec'>): ClusterSpec {
  return d.spec as ClusterSpec;
}
