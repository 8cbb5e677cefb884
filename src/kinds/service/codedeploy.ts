/**
 * Blue/green through CodeDeploy (issue 16, item 6). A service with the CODE_DEPLOY
 * deployment controller takes no new task definition from UpdateService: ECS answers
 * InvalidParameterException "Unable to update task definition on services with a
 * CODE_DEPLOY deployment controller. Use AWS CodeDeploy to trigger a new deployment."
 * ([API] UpdateService: "If your service uses the blue/green (CODE_DEPLOY) deployment
 * controller, only desiredCount, deploymentConfiguration, healthCheckGracePeriodSeconds
 * ... can be updated using this API. If the network configuration, platform version, task
 * definition, or load balancer need to be updated, create a new CodeDeploy deployment.")
 * So the new revision goes to CodeDeploy's CreateDeployment with an AppSpec naming it
 * (AppSpec "resources" section for an Amazon ECS deployment: TargetService, Type
 * AWS::ECS::Service, Properties TaskDefinition, LoadBalancerInfo ContainerName and
 * ContainerPort, optional PlatformVersion; and a "hooks" section of Lambda functions).
 */
import type { Gateway as AwsGateway } from '../../aws/index.js';
import type { Json } from '../../model/json.js';
import type { LiveCodeDeployDeployment, LiveService } from '../../model/live.js';
import { TAG } from '../../model/resource.js';
import { degradedRecordNames } from './degraded-record.js';

export interface CodeDeployBlock {
  applicationName: string;
  deploymentGroupName: string;
  deploymentConfigName?: string;
  description?: string;
  hooks?: Array<Record<string, string>>;
}

export function usesCodeDeploy(spec: Json | undefined): boolean {
  return (spec?.deploymentController as { type?: string } | undefined)?.type === 'CODE_DEPLOY';
}

/** The AppSpec (JSON is one of the two forms CodeDeploy takes as AppSpecContent) for `taskDefinitionArn` behind the service's first load balancer. */
export function appSpecFor(taskDefinitionArn: string, service: Json, block: CodeDeployBlock): string {
  const lb = (service.loadBalancers as Array<{ containerName?: string; containerPort?: number }> | undefined)?.[0];
  if (!lb?.containerName || lb.containerPort === undefined) {
    throw new Error('a CODE_DEPLOY service needs loadBalancers[0].containerName and containerPort: the AppSpec LoadBalancerInfo takes them');
  }
  const properties: Json = {
    TaskDefinition: taskDefinitionArn,
    LoadBalancerInfo: { ContainerName: lb.containerName, ContainerPort: lb.containerPort },
    ...(typeof service.platformVersion === 'string' ? { PlatformVersion: service.platformVersion } : {}),
  };
  return JSON.stringify({
    version: 0.0,
    Resources: [{ TargetService: { Type: 'AWS::ECS::Service', Properties: properties } }],
    ...(block.hooks?.length ? { Hooks: block.hooks } : {}),
  });
}

/** CreateDeployment of the new revision; the CodeDeploy deployment id. */
export async function deployThroughCodeDeploy(gw: AwsGateway, taskDefinitionArn: string, service: Json, block: CodeDeployBlock): Promise<string> {
  return gw.createCodeDeployDeployment({
    applicationName: block.applicationName,
    deploymentGroupName: block.deploymentGroupName,
    ...(block.deploymentConfigName ? { deploymentConfigName: block.deploymentConfigName } : {}),
    ...(block.description ? { description: block.description } : {}),
    revision: { revisionType: 'AppSpecContent', appSpecContent: { content: appSpecFor(taskDefinitionArn, service, block) } },
  });
}

const iso = (d: Date | undefined) => (d instanceof Date && !Number.isNaN(d.getTime()) ? d.toISOString() : undefined);

/**
 * The CodeDeploy deployment this controller started for a CODE_DEPLOY service (its id is
 * recorded in `ecs-reconciler:deployment`), read with GetDeployment only while the service
 * does not run the revision the controller gave it: that is the one time its outcome is
 * unknown from ECS alone. A blue/green deployment that CodeDeploy failed or stopped leaves
 * the original task set serving ([CodeDeploy] "Redeployment and rollback of a deployment":
 * the service keeps the original task definition), which the diff alone would read as
 * drift to deploy again. Once the degraded record names the deployment, its failure is
 * known without a call.
 */
export async function readOwnCodeDeployDeployment(gw: AwsGateway, live: LiveService): Promise<LiveCodeDeployDeployment | undefined> {
  const started = live.tags[TAG.deployment];
  const given = live.tags[TAG.taskDefinition];
  if (!usesCodeDeploy(live.spec) || !started?.startsWith('d-') || !given) return undefined;
  const running = live.primaryRevision?.arn ?? live.deployments.find((d) => d.status === 'PRIMARY')?.taskDefinitionArn;
  if (running === given || degradedRecordNames(live, started)) return undefined;
  const info = await gw.getCodeDeployDeployment(started);
  const error = info.errorInformation;
  const at = iso(info.completeTime) ?? iso(info.createTime);
  return {
    id: started,
    status: info.status ?? 'Unknown',
    ...(error?.code || error?.message ? { reason: [error.code, error.message].filter(Boolean).join(': ') } : {}),
    rolledBack: Boolean(info.rollbackInfo?.rollbackDeploymentId),
    ...(at ? { at } : {}),
  };
}

/** CodeDeploy's terminal statuses that leave the new revision out of service ([CodeDeploy] DeploymentInfo.status). */
export function codeDeployFailed(d: LiveCodeDeployDeployment | undefined): boolean {
  return d?.status === 'Failed' || d?.status === 'Stopped';
}
