/**
 * The degraded record (`ecs-reconciler:degraded` on the service): the memory of a failed
 * deployment of this controller's, kept on the resource because ECS forgets it (a rolled-back
 * deployment goes INACTIVE and leaves DescribeServices) and CodeDeploy's deployment is
 * known only by its id. Format: `<manifest hash> <retry hash> <since> <deployment id>
 * <family:revision> <rolled-back|failed>`.
 */
import type { LiveService } from '../../model/live.js';
import { TAG } from '../../model/resource.js';

export interface DegradedRecord {
  desiredHash: string;
  retryHash: string;
  since: string;
  deploymentId: string;
  revision: string;
  rolledBack: boolean;
}

export function formatDegradedTag(r: DegradedRecord): string {
  return `${r.desiredHash} ${r.retryHash} ${r.since} ${r.deploymentId} ${r.revision} ${r.rolledBack ? 'rolled-back' : 'failed'}`;
}

export function parseDegradedTag(value: string | undefined): DegradedRecord | undefined {
  const m = /^([0-9a-f]+) ([0-9a-f]+) (\S+) (\S+) (\S+) (rolled-back|failed)$/.exec(value ?? '');
  if (!m || Number.isNaN(Date.parse(m[3]!))) return undefined;
  return { desiredHash: m[1]!, retryHash: m[2]!, since: m[3]!, deploymentId: m[4]!, revision: m[5]!, rolledBack: m[6] === 'rolled-back' };
}

/** The record on the service names this deployment: its failure is already known. */
export function degradedRecordNames(live: Pick<LiveService, 'tags'>, deploymentId: string): boolean {
  return parseDegradedTag(live.tags[TAG.degraded])?.deploymentId === deploymentId;
}
