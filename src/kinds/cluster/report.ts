/** The Cluster's part of the report: its health block, with its capacity by provider. */
import { z } from 'zod';
import type { LiveCluster, ProviderCapacity } from '../../model/live.js';

const ProviderCapacitySchema = z.object({
  provider: z.string().describe('a capacity provider of the cluster, or EC2 for instances registered with no provider'),
  containerInstances: z.number().optional().describe('ACTIVE and DRAINING container instances (EC2 capacity)'),
  runningTasks: z.number().describe('EC2: the instances\u2019 running tasks; Fargate: the running tasks of the services on that provider alone'),
  targetCapacity: z.number().optional().describe('managedScaling.targetCapacity (percent), when managed scaling is ENABLED'),
});

export const ClusterHealthSchema = z.object({
  capacityProviders: z.array(z.string()),
  runningTasks: z.number(),
  pendingTasks: z.number(),
  activeServices: z.number(),
  registeredContainerInstances: z.number().optional(),
  capacity: z.array(ProviderCapacitySchema).optional().describe('capacity by provider'),
});
export type ClusterHealth = z.infer<typeof ClusterHealthSchema>;

declare module '../kind.js' {
  interface KindHealthTypes {
    Cluster: ClusterHealth;
  }
}

export function clusterHealth(c: LiveCluster): ClusterHealth {
  return {
    capacityProviders: c.capacityProviders,
    runningTasks: c.runningTasksCount,
    pendingTasks: c.pendingTasksCount,
    activeServices: c.activeServicesCount,
    ...(c.registeredContainerInstancesCount !== undefined ? { registeredContainerInstances: c.registeredContainerInstancesCount } : {}),
    ...(c.capacity ? { capacity: c.capacity } : {}),
  };
}

/** One capacity line as the text, Markdown and page renderers show it: `ec2: 2 instance(s), 3 task(s) running, target 80%`. */
export function capacityLineText(line: ProviderCapacity): string {
  const parts = [
    ...(line.containerInstances !== undefined ? [`${line.containerInstances} instance(s)`] : []),
    `${line.runningTasks} task(s) running`,
    ...(line.targetCapacity !== undefined ? [`target ${line.targetCapacity}%`] : []),
  ];
  return `${line.provider}: ${parts.join(', ')}`;
}
