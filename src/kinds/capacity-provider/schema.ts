/**
 * The CapacityProvider manifest: CreateCapacityProvider's input less `name` (that is
 * metadata.name), with ECS's limits and enums (API reference: CreateCapacityProvider,
 * AutoScalingGroupProvider, ManagedScaling, CreateManagedInstancesProviderConfiguration).
 */
import { z } from 'zod';
import type { DesiredResource } from '../../model/resource.js';
import { int, str } from '../../schema/common.js';
import { apiVersion, metadataCommon } from '../../schema/manifest.js';
import { TagsSchema } from '../../schema/tags.js';

const EnabledDisabled = ['ENABLED', 'DISABLED'] as const;

/** ManagedScaling: every number has ECS's documented range; the defaults are ECS's (diff.ts fills them). */
const ManagedScalingSchema = z.strictObject({
  status: z.enum(EnabledDisabled).optional().describe('ENABLED: ECS scales the Auto Scaling group to the target capacity.'),
  targetCapacity: int(1, 100).optional().describe('Target utilization of the group, 1-100 percent (default 100).'),
  minimumScalingStepSize: int(1, 10000).optional().describe('Fewest instances one scale-out adds, 1-10000 (default 1).'),
  maximumScalingStepSize: int(1, 10000).optional().describe('Most instances one scale-out adds, 1-10000 (default 10000).'),
  instanceWarmupPeriod: int(0, 10000).optional().describe('Seconds a new instance takes to count in the group metrics, 0-10000 (default 300).'),
});

const AutoScalingGroupProviderSchema = z
  .strictObject({
    autoScalingGroupArn: str(1600).describe(
      'The Auto Scaling group ARN (a name is taken too; ECS answers the ARN). Cannot change: a new group is a new provider.',
    ),
    managedScaling: ManagedScalingSchema.optional(),
    managedTerminationProtection: z
      .enum(EnabledDisabled)
      .optional()
      .describe("ENABLED: instances running tasks are protected from scale-in (needs managed scaling and the group's scale-in protection; default DISABLED)."),
    managedDraining: z.enum(EnabledDisabled).optional().describe('ENABLED (the default): ECS drains an instance before the group terminates it.'),
  })
  .superRefine((p, ctx) => {
    // API reference, AutoScalingGroupProvider.managedTerminationProtection: "When using
    // managed termination protection, managed scaling must also be used otherwise managed
    // termination protection doesn't work."
    if (p.managedTerminationProtection === 'ENABLED' && p.managedScaling?.status !== 'ENABLED')
      ctx.addIssue({ code: 'custom', path: ['managedTerminationProtection'], message: 'managed termination protection needs managedScaling.status ENABLED' });
    const s = p.managedScaling;
    if (s?.minimumScalingStepSize !== undefined && s.maximumScalingStepSize !== undefined && s.minimumScalingStepSize > s.maximumScalingStepSize)
      ctx.addIssue({ code: 'custom', path: ['managedScaling', 'minimumScalingStepSize'], message: 'larger than maximumScalingStepSize' });
  });

const ManagedInstancesNetworkSchema = z.strictObject({
  subnets: z.array(str(255)).min(1).describe('Subnets the instances are launched in.'),
  securityGroups: z.array(str(255)).optional(),
});

/** CreateManagedInstancesProviderConfiguration (ECS Managed Instances). */
const ManagedInstancesProviderSchema = z.strictObject({
  infrastructureRoleArn: str(1600).describe('The role ECS uses to manage the instances.'),
  instanceLaunchTemplate: z.strictObject({
    ec2InstanceProfileArn: str(1600).describe('The instance profile the instances run with.'),
    networkConfiguration: ManagedInstancesNetworkSchema,
    storageConfiguration: z.strictObject({ storageSizeGiB: int(1, 16384) }).optional(),
    monitoring: z.enum(['BASIC', 'DETAILED']).optional(),
    instanceRequirements: z.record(z.string(), z.unknown()).optional().describe('InstanceRequirementsRequest: the instance types ECS may choose from.'),
  }),
  propagateTags: z.enum(['CAPACITY_PROVIDER', 'NONE']).optional(),
});

/** CreateCapacityProvider input, less name: exactly one of the two providers. */
export const CapacityProviderSpecSchema = z
  .strictObject({
    autoScalingGroupProvider: AutoScalingGroupProviderSchema.optional(),
    managedInstancesProvider: ManagedInstancesProviderSchema.optional(),
    cluster: str(255).optional().describe('Managed Instances only: the cluster the provider is made in (and only usable there).'),
    tags: TagsSchema.optional(),
  })
  .superRefine((s, ctx) => {
    if ((s.autoScalingGroupProvider === undefined) === (s.managedInstancesProvider === undefined))
      ctx.addIssue({ code: 'custom', path: [], message: 'give exactly one of autoScalingGroupProvider and managedInstancesProvider' });
    if (s.managedInstancesProvider && s.cluster === undefined)
      ctx.addIssue({ code: 'custom', path: ['cluster'], message: 'a Managed Instances provider is made in a cluster: required with managedInstancesProvider' });
  });

export type CapacityProviderSpec = z.infer<typeof CapacityProviderSpecSchema>;

/** "The name can't be prefixed with "aws", "ecs", or "fargate"" (API reference, CreateCapacityProvider.name). */
const CapacityProviderNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,255}$/, { message: 'expected up to 255 letters, numbers, hyphens and underscores' })
  .refine((n) => !/^(aws|ecs|fargate)/i.test(n), { message: 'a capacity provider name cannot begin with "aws", "ecs" or "fargate" (reserved by ECS)' })
  .describe('The capacity provider name: up to 255 letters, numbers, hyphens and underscores, not beginning with aws, ecs or fargate.');

export const CapacityProviderManifestSchema = z.strictObject({
  apiVersion,
  kind: z.literal('CapacityProvider'),
  metadata: z.strictObject({ name: CapacityProviderNameSchema, ...metadataCommon }),
  spec: CapacityProviderSpecSchema.describe('CreateCapacityProvider input, less name.'),
});

/** A CapacityProvider resource's spec as its manifest schema parsed it (the load stage ran CapacityProviderManifestSchema on it): the spec's zod type. */
export function capacityProviderSpecOf(d: Pick<DesiredResource, 'spec'>): CapacityProviderSpec {
  return d.spec as CapacityProviderSpec;
}
