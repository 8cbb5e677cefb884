/**
 * Names read out of ECS ARNs. ECS takes a cluster's name or ARN wherever it asks for a
 * cluster ("The short name or full Amazon Resource Name (ARN) of the cluster", CreateService
 * cluster), so a manifest, an event and a saved inventory may carry either; the model keeps
 * the name. A service's ARN (the long format) names its cluster too.
 */

/** arn:PARTITION:ecs:REGION:ACCOUNT:cluster/NAME (ECS's ARN format for a cluster) */
const CLUSTER_ARN = /^arn:aws[\w-]*:ecs:([^:]+):(\d+):cluster\/(.+)$/;

/** `arn:aws:ecs:eu-west-1:123456789012:cluster/prod` -> its region, account and name; undefined for anything else. */
export function parseClusterArn(value: string): { region: string; account: string; name: string } | undefined {
  const m = CLUSTER_ARN.exec(value);
  return m ? { region: m[1]!, account: m[2]!, name: m[3]! } : undefined;
}

/** A cluster named by name or by ARN -> its name (a name is returned as it is). */
export function clusterNameOf(value: string): string {
  return parseClusterArn(value)?.name ?? value;
}

/** arn:PARTITION:ecs:REGION:ACCOUNT:service/CLUSTER/NAME: the long ARN format, which names the cluster (ECS Developer Guide, "Amazon Resource Names (ARNs) and IDs") */
const SERVICE_ARN = /^arn:aws[\w-]*:ecs:([^:]+):\d+:service\/([^/]+)\/([^/]+)$/;

/** A service's long-format ARN -> its region, cluster and name; undefined for anything else (a short-format ARN names no cluster). */
export function parseServiceArn(arn: string): { region: string; cluster: string; name: string } | undefined {
  const m = SERVICE_ARN.exec(arn);
  return m ? { region: m[1]!, cluster: m[2]!, name: m[3]! } : undefined;
}
