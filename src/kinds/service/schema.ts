import { z } from 'zod';
import type { DesiredResource } from '../../model/resource.js';
import { EVERY_RUN, ecsName, everyRun, got, int, placementExpression, str } from '../../schema/common.js';
import {
  AccessType,
  AssignPublicIp,
  AvailabilityZoneRebalancing,
  DeploymentControllerType,
  DeploymentLifecycleHookAction,
  DeploymentLifecycleHookStage,
  DeploymentLifecycleHookTargetType,
  DeploymentStrategy,
  EBSResourceType,
  GatewayConnectorHealthCheckProtocol,
  LaunchType,
  PlacementConstraintType,
  PlacementStrategyType,
  PropagateTags,
  SchedulingStrategy,
  ServiceConnectAccessLoggingFormat,
  ServiceConnectContainerLogLevel,
  ServiceConnectIncludeQueryParameters,
  ServiceRevisionCleanup,
  TaskFilesystemType,
  ThresholdType,
} from '../../schema/enums.js';
import { apiVersion, metadataCommon } from '../../schema/manifest.js';
import { TagsSchema } from '../../schema/tags.js';
import { CapacityProviderStrategySchema } from '../cluster/schema.js';
import { LogConfigurationSchema } from '../task-definition/schema.js';
import { schedulingIssues } from './placement-schema.js';
import { AutoScalingSpecSchema } from './scaling-schema.js';

/** A TaskDefinition manifest name, `family:revision`, or a full task definition ARN. */
const TASK_DEFINITION_REF =
  /^([a-zA-Z0-9_-]{1,255}(:[1-9][0-9]*)?|arn:aws[a-zA-Z-]*:ecs:[a-z0-9-]+:\d{12}:task-definition\/[a-zA-Z0-9_-]{1,255}(:[1-9][0-9]*)?)$/;

const TaskDefinitionRefSchema = z
  .string()
  .regex(TASK_DEFINITION_REF, {
    error: got('expected a TaskDefinition manifest name, family:revision, or a task definition ARN'),
  })
  .describe("A TaskDefinition manifest's name (the revision the controller registered), or family:revision / a full ARN to pin one.");

const AdvancedConfigurationSchema = z.strictObject({
  alternateTargetGroupArn: z.string().optional().describe('Blue/green: the second target group.'),
  productionListenerRule: z.string().optional(),
  testListenerRule: z.string().optional(),
  roleArn: z.string().optional(),
});

const LoadBalancerSchema = z.strictObject({
  targetGroupArn: z.string().optional().describe('ALB/NLB target group ARN (target type ip for awsvpc).'),
  loadBalancerName: z.string().optional().describe('Classic Load Balancer name (instead of targetGroupArn).'),
  containerName: z.string().optional().describe('Container (in the task definition) to register.'),
  containerPort: int(0, 65535).optional().describe('Container port (a containerPort of its portMappings).'),
  advancedConfiguration: AdvancedConfigurationSchema.optional().describe('Blue/green deployment settings.'),
});

const ServiceRegistrySchema = z.strictObject({
  registryArn: z.string().optional().describe('Cloud Map service ARN.'),
  port: int(0, 65535).optional(),
  containerName: z.string().optional(),
  containerPort: int(0, 65535).optional(),
});

const ThresholdConfigurationSchema = z.strictObject({
  type: z.enum(ThresholdType),
  value: int(0).describe('Failure threshold (default 50).'),
});

const DeploymentCircuitBreakerSchema = z.strictObject({
  enable: z.boolean().describe('Stop a deployment whose tasks keep failing.'),
  rollback: z.boolean().describe('Roll back to the last completed deployment when the breaker trips.'),
  resetOnHealthyTask: z.boolean().optional(),
  thresholdConfiguration: ThresholdConfigurationSchema.optional(),
});

const DeploymentAlarmsSchema = z.strictObject({
  alarmNames: z.array(z.string()).describe('CloudWatch alarms that fail the deployment.'),
  rollback: z.boolean(),
  enable: z.boolean(),
});

const DeploymentLifecycleHookTimeoutConfigurationSchema = z.strictObject({
  timeoutInMinutes: int(1).optional().describe('Default 1440 (24 hours).'),
  action: z.enum(DeploymentLifecycleHookAction).optional().describe('CONTINUE or ROLLBACK on timeout.'),
});

const DeploymentLifecycleHookSchema = z.strictObject({
  targetType: z.enum(DeploymentLifecycleHookTargetType).optional().describe('AWS_LAMBDA or PAUSE.'),
  hookTargetArn: z.string().optional().describe('Lambda function ARN (AWS_LAMBDA).'),
  roleArn: z.string().optional(),
  lifecycleStages: z.array(z.enum(DeploymentLifecycleHookStage)).optional(),
  hookDetails: z.json().optional().describe('Free-form JSON passed to the hook.'),
  timeoutConfiguration: DeploymentLifecycleHookTimeoutConfigurationSchema.optional(),
});

const LinearConfigurationSchema = z.strictObject({
  stepPercent: z.number().min(3).max(100).optional().describe('Traffic shifted per step, 3.0-100.0 (default 10).'),
  stepBakeTimeInMinutes: int(0, 1440).optional().describe('Minutes between steps, 0-1440 (default 6).'),
});

const CanaryConfigurationSchema = z.strictObject({
  canaryPercent: z.number().min(0.1).max(100).optional().describe('Traffic to the canary, 0.1-100.0 (default 5).'),
  canaryBakeTimeInMinutes: int(0, 1440).optional().describe('Minutes before shifting the rest, 0-1440 (default 10).'),
});

const DeploymentEarlySuccessCriteriaSchema = z.strictObject({
  enable: z.boolean(),
  healthyPercent: int(0, 100).optional(),
  sourceServiceRevisionCleanup: z.enum(ServiceRevisionCleanup).optional(),
});

const DeploymentConfigurationSchema = z
  .strictObject({
    deploymentCircuitBreaker: DeploymentCircuitBreakerSchema.optional().describe('Deployment circuit breaker (rolling updates).'),
    maximumPercent: int(0).optional().describe('Upper limit of running tasks during a deployment, % of desiredCount (default 200).'),
    minimumHealthyPercent: int(0, 100).optional().describe('Lower limit of healthy tasks during a deployment, % of desiredCount (default 100).'),
    alarms: DeploymentAlarmsSchema.optional().describe('CloudWatch alarms that fail a deployment.'),
    strategy: z.enum(DeploymentStrategy).optional().describe('ROLLING (default), BLUE_GREEN, LINEAR or CANARY.'),
    bakeTimeInMinutes: int(0, 1440).optional().describe('Blue/green: minutes both revisions run after the shift, 0-1440.'),
    lifecycleHooks: z.array(DeploymentLifecycleHookSchema).optional(),
    linearConfiguration: LinearConfigurationSchema.optional(),
    canaryConfiguration: CanaryConfigurationSchema.optional(),
    earlySuccessCriteria: DeploymentEarlySuccessCriteriaSchema.optional(),
  })
  .superRefine((d, ctx) => {
    if (d.maximumPercent !== undefined && d.minimumHealthyPercent !== undefined && d.maximumPercent < d.minimumHealthyPercent) {
      ctx.addIssue({
        code: 'custom',
        path: ['maximumPercent'],
        message: `maximumPercent ${d.maximumPercent} is below minimumHealthyPercent ${d.minimumHealthyPercent}`,
      });
    }
  });

const PlacementConstraintSchema = z.strictObject({
  type: z.enum(PlacementConstraintType).optional().describe('distinctInstance or memberOf.'),
  expression: placementExpression.optional().describe('Cluster query language expression (memberOf), up to 2000 characters.'),
});

const PlacementStrategySchema = z.strictObject({
  type: z.enum(PlacementStrategyType).optional().describe('binpack, random or spread.'),
  field: z.string().optional().describe('spread: instanceId, host or attribute:...; binpack: cpu or memory.'),
});

const AwsVpcConfigurationSchema = z.strictObject({
  subnets: z.array(str()).min(1).max(16).describe('Subnet ids (1-16, one VPC).'),
  securityGroups: z.array(str()).max(5).optional().describe('Security group ids (up to 5, same VPC).'),
  assignPublicIp: z.enum(AssignPublicIp).optional().describe('ENABLED or DISABLED (default).'),
});

const NetworkConfigurationSchema = z.strictObject({
  awsvpcConfiguration: AwsVpcConfigurationSchema.optional().describe('Subnets and security groups for awsvpc tasks.'),
});

const DeploymentControllerSchema = z.strictObject({
  type: z.enum(DeploymentControllerType).describe('ECS (default), CODE_DEPLOY or EXTERNAL.'),
});

const ServiceConnectTestTrafficHeaderMatchRulesSchema = z.strictObject({
  exact: z.string(),
});

const ServiceConnectTestTrafficHeaderRulesSchema = z.strictObject({
  name: str(),
  value: ServiceConnectTestTrafficHeaderMatchRulesSchema.optional(),
});

const ServiceConnectTestTrafficRulesSchema = z.strictObject({
  header: ServiceConnectTestTrafficHeaderRulesSchema,
});

const ServiceConnectClientAliasSchema = z.strictObject({
  port: int(0, 65535).describe('Port clients use to reach this service.'),
  dnsName: z.string().max(127).optional().describe('DNS name clients use (up to 127 characters).'),
  testTrafficRules: ServiceConnectTestTrafficRulesSchema.optional(),
});

const TimeoutConfigurationSchema = z.strictObject({
  idleTimeoutSeconds: int(0).optional().describe('0 disables.'),
  perRequestTimeoutSeconds: int(0).optional().describe('0 disables.'),
});

const ServiceConnectTlsCertificateAuthoritySchema = z.strictObject({
  awsPcaAuthorityArn: z.string().optional(),
});

const ServiceConnectTlsConfigurationSchema = z.strictObject({
  issuerCertificateAuthority: ServiceConnectTlsCertificateAuthoritySchema,
  kmsKey: z.string().optional(),
  roleArn: z.string().optional(),
});

const ServiceConnectServiceSchema = z.strictObject({
  portName: str().describe('The name of a portMappings entry of the task definition.'),
  discoveryName: z
    .string()
    .regex(/^[a-z0-9_-]{1,64}$/, { error: got('expected up to 64 lowercase letters, numbers, underscores and hyphens') })
    .optional(),
  clientAliases: z.array(ServiceConnectClientAliasSchema).max(1).optional(),
  ingressPortOverride: int(0, 65535).optional(),
  timeout: TimeoutConfigurationSchema.optional(),
  tls: ServiceConnectTlsConfigurationSchema.optional(),
});

const ServiceConnectAccessLogConfigurationSchema = z.strictObject({
  format: z.enum(ServiceConnectAccessLoggingFormat),
  includeQueryParameters: z.enum(ServiceConnectIncludeQueryParameters).optional(),
});

/** ServiceConnectContainerConfiguration: a tagged union with one member (logLevel). */
const ServiceConnectContainerConfigurationSchema = z.strictObject({
  logLevel: z.enum(ServiceConnectContainerLogLevel).describe('Service Connect proxy log level: info (default) or debug.'),
});

const ServiceConnectConfigurationSchema = z.strictObject({
  enabled: z.boolean(),
  namespace: z.string().optional().describe('Cloud Map namespace (default: the cluster serviceConnectDefaults).'),
  services: z.array(ServiceConnectServiceSchema).optional(),
  logConfiguration: LogConfigurationSchema.optional(),
  accessLogConfiguration: ServiceConnectAccessLogConfigurationSchema.optional(),
  containerConfigurations: z.array(ServiceConnectContainerConfigurationSchema).optional(),
});

const EBSTagSpecificationSchema = z.strictObject({
  resourceType: z.enum(EBSResourceType),
  tags: TagsSchema.optional(),
  propagateTags: z.enum(PropagateTags).optional(),
});

const ServiceManagedEBSVolumeConfigurationSchema = z.strictObject({
  encrypted: z.boolean().optional(),
  kmsKeyId: z.string().optional(),
  volumeType: z.string().optional().describe('gp2, gp3, io1, io2, st1, sc1 or standard.'),
  sizeInGiB: int(1, 16384).optional().describe('Size in GiB (or give snapshotId).'),
  snapshotId: z.string().optional(),
  volumeInitializationRate: int(0).optional().describe('MiB/s to fetch snapshot blocks at.'),
  iops: int(0).optional(),
  throughput: int(0, 1000).optional().describe('gp3 only, MiB/s, up to 1000.'),
  tagSpecifications: z.array(EBSTagSpecificationSchema).optional(),
  roleArn: str().describe('Infrastructure role ECS uses to manage the volume.'),
  filesystemType: z.enum(TaskFilesystemType).optional(),
});

const ServiceVolumeConfigurationSchema = z.strictObject({
  name: str().describe('A volume of the task definition with configuredAtLaunch: true.'),
  managedEBSVolume: ServiceManagedEBSVolumeConfigurationSchema.optional(),
});

const VpcLatticeAdvancedConfigurationSchema = z.strictObject({
  alternateTargetGroupArn: z.string().optional(),
  productionListenerRule: z.string().optional(),
  testListenerRule: z.string().optional(),
});

const VpcLatticeConfigurationSchema = z.strictObject({
  roleArn: str(),
  targetGroupArn: str(),
  portName: str(),
  advancedConfiguration: VpcLatticeAdvancedConfigurationSchema.optional(),
});

const GatewayConnectorHealthCheckMatcherSchema = z.strictObject({
  httpCode: z.string().optional(),
  grpcCode: z.string().optional(),
});

const GatewayConnectorHealthCheckSchema = z.strictObject({
  healthCheckProtocol: z.enum(GatewayConnectorHealthCheckProtocol).optional(),
  healthCheckPort: int(1, 65535).optional(),
  healthCheckPath: z.string().optional(),
  healthCheckTimeoutSeconds: int(1).optional(),
  healthCheckIntervalSeconds: int(1).optional(),
  healthyThresholdCount: int(1).optional(),
  unhealthyThresholdCount: int(1).optional(),
  matcher: GatewayConnectorHealthCheckMatcherSchema.optional(),
});

const GatewayConnectorFiltersSchema = z.strictObject({
  accessTypes: z.array(z.enum(AccessType)).optional(),
});

const GatewayConnectorSchema = z.strictObject({
  portName: str(),
  healthCheck: GatewayConnectorHealthCheckSchema.optional(),
  filters: GatewayConnectorFiltersSchema.optional(),
});

const MetricConfigurationSchema = z.strictObject({
  metricNames: z.array(z.string()).describe('Metrics to publish at this resolution.'),
  resolutionSeconds: z.union([z.literal(20), z.literal(60)]).describe('20 or 60 seconds.'),
});

const MonitoringConfigurationSchema = z.strictObject({
  metricConfigurations: z.array(MetricConfigurationSchema).optional(),
});

const FARGATE_PROVIDERS = new Set(['FARGATE', 'FARGATE_SPOT']);

/**
 * A CODE_DEPLOY service's deployments (src/kinds/service/codedeploy.ts), in CodeDeploy's
 * own names: CreateDeployment's applicationName, deploymentGroupName (each "Length
 * Constraints: Minimum length of 1. Maximum length of 100"), deploymentConfigName, and the
 * AppSpec's Hooks (AppSpec "hooks" section for an Amazon ECS deployment: a Lambda
 * function per lifecycle event).
 */
const CODE_DEPLOY_HOOK_EVENTS = ['BeforeInstall', 'AfterInstall', 'AfterAllowTestTraffic', 'BeforeAllowTraffic', 'AfterAllowTraffic'] as const;
const CodeDeploySchema = z
  .strictObject({
    applicationName: z.string().min(1).max(100).describe('The CodeDeploy application (compute platform ECS).'),
    deploymentGroupName: z.string().min(1).max(100).describe("The application's deployment group that names this service."),
    deploymentConfigName: z.string().min(1).max(100).optional().describe("e.g. CodeDeployDefault.ECSAllAtOnce; default: the group's."),
    description: z.string().max(1000).optional(),
    hooks: z
      .array(z.partialRecord(z.enum(CODE_DEPLOY_HOOK_EVENTS), z.string().min(1)))
      .optional()
      .describe('AppSpec Hooks: [{ BeforeAllowTraffic: "arn:aws:lambda:...:function:check" }], one event a hook.'),
  })
  .describe('Deployments through CodeDeploy (deploymentController CODE_DEPLOY): a new revision is deployed with CreateDeployment and an AppSpec.');

/** CreateService input, less serviceName, cluster and clientToken; plus autoScaling. */
export const ServiceSpecSchema = z
  .strictObject({
    taskDefinition: TaskDefinitionRefSchema.optional(),
    availabilityZoneRebalancing: z.enum(AvailabilityZoneRebalancing).optional().describe('ENABLED (default on create) or DISABLED.'),
    loadBalancers: z
      .array(LoadBalancerSchema)
      // Amazon ECS service quotas: "Target groups per service: 5" (CreateService.loadBalancers)
      .max(5)
      .optional()
      .describe('Target groups (targetGroupArn + containerName + containerPort) to register tasks with (up to 5).'),
    serviceRegistries: z.array(ServiceRegistrySchema).max(1).optional().describe('Cloud Map service discovery (one registry).'),
    desiredCount: int(0).optional().describe('Number of tasks to run (REPLICA only).'),
    launchType: z.enum(LaunchType).optional().describe('FARGATE, EC2, EXTERNAL or MANAGED_INSTANCES; not together with capacityProviderStrategy.'),
    capacityProviderStrategy: CapacityProviderStrategySchema.optional(),
    platformVersion: z.string().optional().describe('Fargate platform version, e.g. LATEST or 1.4.0.'),
    role: z.string().optional().describe('IAM role for the load balancer (only with loadBalancers, not in awsvpc).'),
    deploymentConfiguration: DeploymentConfigurationSchema.optional().describe('How deployments run.'),
    placementConstraints: z.array(PlacementConstraintSchema).max(10).optional().describe('Up to 10 constraints.'),
    placementStrategy: z.array(PlacementStrategySchema).max(5).optional().describe('Up to 5 strategy rules.'),
    networkConfiguration: NetworkConfigurationSchema.optional().describe('Required for awsvpc task definitions.'),
    healthCheckGracePeriodSeconds: int(0, 2147483647).optional().describe('Seconds to ignore failing load balancer / health checks after a task starts.'),
    schedulingStrategy: z.enum(SchedulingStrategy).optional().describe('REPLICA (default) or DAEMON (one task per container instance; EC2 only).'),
    deploymentController: DeploymentControllerSchema.optional(),
    tags: TagsSchema.optional(),
    enableECSManagedTags: z.boolean().optional().describe('Add the aws:ecs:* tags to the tasks.'),
    propagateTags: z.enum(PropagateTags).optional().describe('Copy tags to tasks from TASK_DEFINITION, SERVICE or NONE.'),
    enableExecuteCommand: z.boolean().optional().describe('Allow ECS Exec into the tasks.'),
    serviceConnectConfiguration: ServiceConnectConfigurationSchema.optional(),
    volumeConfigurations: z.array(ServiceVolumeConfigurationSchema).optional().describe('EBS volumes created at launch.'),
    vpcLatticeConfigurations: z.array(VpcLatticeConfigurationSchema).optional(),
    gatewayConnectors: z.array(GatewayConnectorSchema).optional(),
    monitoring: MonitoringConfigurationSchema.optional().describe('Metric resolution of the service.'),
    autoScaling: AutoScalingSpecSchema.optional(),
    codeDeploy: CodeDeploySchema.optional(),
  })
  .superRefine(
    everyRun((s, ctx) => {
      const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
      // [API] CreateService taskDefinition: "A task definition must be specified if the service
      // uses either the ECS or CODE_DEPLOY deployment controllers." (EXTERNAL: its task sets carry them.)
      if (s.taskDefinition === undefined && s.deploymentController?.type !== 'EXTERNAL') {
        issue(['taskDefinition'], 'required field is missing (only a service with deploymentController type EXTERNAL may leave it out)');
      }
      // a CODE_DEPLOY service takes a new revision only through CodeDeploy (UpdateService refuses it): the block says where
      if (s.codeDeploy !== undefined && s.deploymentController?.type !== 'CODE_DEPLOY') {
        issue(['codeDeploy'], 'goes with deploymentController: { type: CODE_DEPLOY }');
      }
      if (s.codeDeploy !== undefined && !s.loadBalancers?.length) {
        issue(['loadBalancers'], "required with codeDeploy: the AppSpec's LoadBalancerInfo takes its containerName and containerPort");
      }
      if (s.launchType !== undefined && s.capacityProviderStrategy !== undefined) {
        issue(['capacityProviderStrategy'], 'launchType and capacityProviderStrategy are mutually exclusive; ECS rejects both: remove one');
      }
      if (s.schedulingStrategy === 'DAEMON') {
        if (s.desiredCount !== undefined) {
          issue(['desiredCount'], 'DAEMON scheduling runs one task per container instance and takes no desiredCount');
        }
        if (s.launchType !== undefined && s.launchType !== 'EC2') {
          issue(['launchType'], `DAEMON scheduling works only with the EC2 launch type; got ${s.launchType}`);
        }
        s.capacityProviderStrategy?.forEach((c, i) => {
          if (FARGATE_PROVIDERS.has(c.capacityProvider)) {
            issue(['capacityProviderStrategy', i, 'capacityProvider'], `DAEMON scheduling works only on EC2; got ${c.capacityProvider}`);
          }
        });
        if (s.deploymentController !== undefined && s.deploymentController.type !== 'ECS') {
          issue(['deploymentController', 'type'], `DAEMON scheduling works only with the ECS deployment controller; got ${s.deploymentController.type}`);
        }
        if (s.autoScaling !== undefined) {
          issue(['autoScaling'], 'DAEMON services have no desiredCount to scale');
        }
      }
      // EC2 scheduling and placement as ECS refuses them (placement-schema.ts)
      for (const p of schedulingIssues(s)) issue(p.path, p.message);
      s.loadBalancers?.forEach((lb, i) => {
        const hasTg = lb.targetGroupArn !== undefined;
        const hasClb = lb.loadBalancerName !== undefined;
        if (hasTg && hasClb) {
          issue(['loadBalancers', i, 'loadBalancerName'], 'give targetGroupArn (ALB/NLB) or loadBalancerName (Classic), not both');
        } else if (!hasTg && !hasClb) {
          issue(['loadBalancers', i, 'targetGroupArn'], 'required (or loadBalancerName for a Classic Load Balancer)');
        }
        if (lb.containerName === undefined) {
          issue(['loadBalancers', i, 'containerName'], 'required: the container to register with the load balancer');
        }
        if (lb.containerPort === undefined) {
          issue(['loadBalancers', i, 'containerPort'], 'required: the container port to register with the load balancer');
        }
      });
      if (s.role !== undefined && (s.loadBalancers === undefined || s.loadBalancers.length === 0)) {
        issue(['role'], 'only allowed together with loadBalancers');
      }
    }),
    EVERY_RUN,
  );

export type ServiceSpec = z.infer<typeof ServiceSpecSchema>;

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

export const ServiceManifestSchema = z.strictObject({
  apiVersion,
  kind: z.literal('Service'),
  metadata: ServiceMetadataSchema,
  spec: ServiceSpecSchema.describe('CreateService input, less serviceName and cluster; plus autoScaling.'),
});

/** A Service resource's spec as its manifest schema parsed it (the load stage ran ServiceManifestSchema on it): the spec's zod type. */
export function serviceSpecOf(d: Pick<DesiredResource, 'spec'>): ServiceSpec {
  return d.spec as ServiceSpec;
}
