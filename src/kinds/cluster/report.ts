/** The Cluster's part of the report: its health block. */
import { z } from 'zod';
import type { LiveCluster } from '../../model/live.js';

export const ClusterHealthSchema = z.object({
  capacityProviders: z.array(z.string()),
  runningTasks: z.number(),
  pendingTasks: z.number(),
  activeServices: z.number(),
});
export type ClusterHealth = z.infer<typeof ClusterHealthSchema>;

export function clusterHealth(c: LiveCluster): ClusterHealth {
  return {
    capacityProviders: c.capacityProviders,
    runningTasks: c.runningTasksCount,
    pendingTasks: c.pendingTasksCount,
    activeServices: c.activeServicesCount,
  };
}
