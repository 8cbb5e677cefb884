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
 * ContainerPort, optional PlatformVersion and NetworkConfiguration; and a "hooks" section of
 * Lambda functions). The network configuration likewise: ECS refuses it in UpdateService
 * ("Unable to update network parameters on services with a CODE_DEPLOY deployment
 * controller. Use AWS CodeDeploy to trigger a new deployment."), so a changed
 * networkConfiguration is a CodeDeploy deployment too, of the revision the service runs
 * when the task definition is unchanged, its AppSpec's NetworkConfiguration the new one.
 */
import type { Gateway as AwsGateway } from '../../aws/index.js';
import { specHash } from '../../diff/hash.js';
import type { Json } from '../../model/json.js';
import { isoTime } from '../../model/json.js';
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

/**
 * The top-level UpdateService fields ECS takes for a CODE_DEPLOY service only through a
 * CodeDeploy deployment, whose AppSpec carries them ([API] UpdateService, quoted above;
 * platform version and load balancers are named there too, and are not deployed this way yet).
 */
export const CODE_DEPLOY_FIELDS: ReadonlySet<string> = new Set(['taskDefinition', 'networkConfiguration']);

interface AwsvpcSpec {
  subnets?: string[];
  securityGroups?: string[];
  assignPublicIp?: string;
}

const awsvpcOf = (service: Json | undefined): AwsvpcSpec | undefined =>
  (service?.networkConfiguration as { awsvpcConfiguration?: AwsvpcSpec } | undefined)?.awsvpcConfiguration;

/**
 * The AppSpec's NetworkConfiguration ([CodeDeploy] AppSpec "resources" section for Amazon
 * ECS deployments: NetworkConfiguration.AwsvpcConfiguration with Subnets, SecurityGroups and
 * AssignPublicIp "ENABLED" or "DISABLED") from the service's networkConfiguration.
 */
function appSpecNetworkOf(service: Json): Json | undefined {
  const vpc = awsvpcOf(service);
  if (!vpc) return undefined;
  return {
    AwsvpcConfiguration: {
      Subnets: [...(vpc.subnets ?? [])],
      ...(vpc.securityGroups?.length ? { SecurityGroups: [...vpc.securityGroups] } : {}),
      ...(vpc.assignPublicIp ? { AssignPublicIp: vpc.assignPublicIp } : {}),
    },
  };
}

/**
 * What a CodeDeploy deployment's network configuration is, order-free, for telling from
 * the live service whether it is in place: a network-only deployment leaves the revision
 * as it was, so the revision cannot say it (assignPublicIp: "The default value is DISABLED").
 */
export function networkFingerprint(service: Json | undefined, withSecurityGroups = Boolean(awsvpcOf(service)?.securityGroups?.length)): string {
  const vpc = awsvpcOf(service);
  if (!vpc) return 'none';
  // no security groups given: the VPC's default one is used ([API] AwsVpcConfiguration), which
  // the live service may name; so they count only when the deployment gave them ("sg-" prefix)
  const hash = specHash({
    subnets: [...(vpc.subnets ?? [])].sort(),
    ...(withSecurityGroups ? { securityGroups: [...(vpc.securityGroups ?? [])].sort() } : {}),
    assignPublicIp: vpc.assignPublicIp ?? 'DISABLED',
  });
  return `${withSecurityGroups ? 'sg' : 'nosg'}-${hash}`;
}

/**
 * The `ecs-reconciler:deployment` value of a CodeDeploy deployment this controller started:
 * its id and the fingerprint of the network configuration it gives, "d-XXXXXXXXX net=F"
 * (in the one tag: each ownership tag counts against ECS's 50 a resource, src/schema/tags.ts).
 * A value without "net=" (written before the network went through CodeDeploy) is the id alone.
 */
export function codeDeployRecordOf(value: string | undefined): { id: string; network?: string } | undefined {
  if (!value?.startsWith('d-')) return undefined;
  const [id, network] = value.split(' net=');
  return { id: id!, ...(network ? { network } : {}) };
}

export const codeDeployRecordValue = (id: string, network: string): string => `${id} net=${network}`;

/** The revision the service runs: the one its PRIMARY deployment runs, as read with the service. */
export function runningRevisionArn(live: LiveService): string | undefined {
  return live.primaryRevision?.arn ?? live.deployments.find((d) => d.status === 'PRIMARY')?.taskDefinitionArn;
}

/**
 * Whether the CodeDeploy deployment this controller last started for the service has not
 * put in place what it gave: the revision (recorded in `ecs-reconciler:task-definition`)
 * or the network configuration (its fingerprint in `ecs-reconciler:deployment`, codeDeployRecordOf).
 */
export function codeDeployNotInPlace(live: LiveService, givenRevision: string | undefined): boolean {
  if (givenRevision && runningRevisionArn(live) !== givenRevision) return true;
  const network = codeDeployRecordOf(live.tags[TAG.deployment])?.network;
  return network !== undefined && network !== networkFingerprint(live.spec, network.startsWith('sg-'));
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
  const network = appSpecNetworkOf(service);
  if (network) properties.NetworkConfiguration = network;
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

/**
 * The CodeDeploy deployment this controller started for a CODE_DEPLOY service (its id is
 * recorded in `ecs-reconciler:deployment`), read with GetDeployment only while the service
 * does not run the revision (or network configuration) the controller gave it: that is the one time its outcome is
 * unknown from ECS alone. A blue/green deployment that CodeDeploy failed or stopped leaves
 * the original task set serving ([CodeDeploy] "Redeployment and rollback of a deployment":
 * the service keeps the original task definition), which the diff alone would read as
 * drift to deploy again. Once the degraded record names the deployment, its failure is
 * known without a call.
 */
export async function readOwnCodeDeployDeployment(gw: AwsGateway, live: LiveService): Promise<LiveCodeDeployDeployment | undefined> {
  const started = codeDeployRecordOf(live.tags[TAG.deployment])?.id;
  const given = live.tags[TAG.taskDefinition];
  if (!usesCodeDeploy(live.spec) || !started || !given) return undefined;
  if (!codeDeployNotInPlace(live, given) || degradedRecordNames(live, started)) return undefined;
  const info = await gw.getCodeDeployDeployment(started);
  const error = info.errorInformation;
  const at = isoTime(info.completeTime) ?? isoTime(info.createTime);
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
