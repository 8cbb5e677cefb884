/** A Cluster's actions: what the plan asks for, and the handlers that carry them out. */

import { type ActionRun, KeptForNow, releaseTags, syncTags, topLevel } from '../../apply/action-run.js';
import { AwsCallError, type Gateway as AwsGateway, nameFromArn, tagsToList } from '../../aws/index.js';
import type { ResourceDiff } from '../../diff/types.js';
import type { Json } from '../../model/json.js';
import type { LiveCluster, LiveService } from '../../model/live.js';
import type { AddAction } from '../../plan/prune.js';
import type { Plan } from '../../plan/types.js';
import type { PruneCandidate } from '../kind.js';
import { clusterSpecOf } from './schema.js';

export function planClusterCreate(d: ResourceDiff, add: AddAction): void {
  add(d, 'create-cluster', 'in the manifests, not live');
}

export function planClusterChange(d: ResourceDiff, why: string, _plan: Plan, add: AddAction): void {
  const fields = d.changes.map((c) => c.path);
  const nonTag = fields.filter((f) => !f.startsWith('tags.'));
  if (nonTag.length) add(d, 'update-cluster', why, nonTag);
  else add(d, 'tag-resource', why, fields);
}

export function planClusterDelete(d: ResourceDiff, _inUse: ReadonlySet<string>, _plan: Plan, add: AddAction): void {
  add(d, 'delete-cluster', 'no longer in the manifests');
}

/**
 * A cluster is deleted only once empty, whoever owns what runs in it: a service this plan
 * does not delete (a hand-made one, another controller's, one kept by prune "false"), a
 * service a manifest still wants, or a task that no deleted service accounts for keeps it.
 * The apply stage reads the cluster again before deleting it.
 */
export function keepNonEmptyClusters(candidates: PruneCandidate[], diffs: readonly ResourceDiff[], plan: Plan): void {
  const deletedServices = new Set(candidates.filter((c) => c.action.kind === 'delete-service').map((c) => c.diff.id));
  for (let i = candidates.length - 1; i >= 0; i--) {
    const c = candidates[i]!;
    if (c.action.kind !== 'delete-cluster') continue;
    const cluster = c.diff.live as LiveCluster;
    const inCluster = diffs.filter((d) => d.kind === 'Service' && d.region === c.diff.region && d.cluster === cluster.name);
    const staying = inCluster.filter((d) => !deletedServices.has(d.id) && (d.live || d.desired));
    const leaving = inCluster.filter((d) => deletedServices.has(d.id));
    const leavingTasks = leaving.reduce((n, d) => n + ((d.live as LiveService).runningCount + (d.live as LiveService).pendingCount), 0);
    const otherServices = Math.max(staying.filter((d) => d.live).length, cluster.activeServicesCount - leaving.length);
    const otherTasks = cluster.runningTasksCount + cluster.pendingTasksCount - leavingTasks;
    const wanted = staying.filter((d) => !d.live && d.desired);
    if (otherServices > 0 || otherTasks > 0 || wanted.length > 0) {
      candidates.splice(i, 1);
      const what = [
        otherServices > 0 ? `${otherServices} service(s)${staying.length ? ` (${staying.map((d) => d.name).join(', ')})` : ''}` : '',
        otherTasks > 0 ? `${otherTasks} task(s)` : '',
        wanted.length ? `the manifests still want ${wanted.map((d) => d.name).join(', ')} in it` : '',
      ]
        .filter(Boolean)
        .join(', ');
      plan.skipped.push({
        resource: c.diff.id,
        reason: `orphaned, kept: ${what} still in it, whoever owns them; a cluster is deleted only once it is empty`,
        error: false,
      });
    }
  }
}

async function createCluster({ d, gw, allTags }: ActionRun): Promise<string | undefined> {
  const { tags: _t, ...rest } = clusterSpecOf(d.desired!);
  const c = await gw.createCluster({ ...(rest as Json), clusterName: d.name, tags: tagsToList(allTags()) });
  return c.clusterArn;
}

/**
 * Capacity providers the manifest drops that a live service of the cluster still names in
 * its strategy (one this pass deletes in its prune stage, say): ECS refuses to detach them
 * ("You can only disassociate an existing capacity provider from a cluster if it's not
 * being used by any existing tasks", PutClusterCapacityProviders; ResourceInUseException),
 * and a refused update would hold back that very prune. They stay associated this pass.
 */
async function providersStillUsed(gw: AwsGateway, live: LiveCluster, wanted: readonly string[], byId: ActionRun['byId']): Promise<string[]> {
  const dropped = live.capacityProviders.filter((p) => !wanted.includes(p));
  if (!dropped.length) return [];
  const used = new Set<string>();
  for (const other of byId.values()) {
    if (other.kind !== 'Service' || other.region !== live.region || other.cluster !== live.name || !other.live) continue;
    const strategy = ((other.live as LiveService).spec.capacityProviderStrategy as Array<{ capacityProvider?: string }> | undefined) ?? [];
    for (const item of strategy) if (item.capacityProvider) used.add(item.capacityProvider);
  }
  // tasks still on it (a deleted service's, stopping): read live, only when a provider is dropped
  const taskArns = await gw.listClusterTaskArns(live.name);
  if (taskArns.length)
    for (const t of await gw.describeTasks(live.name, taskArns)) if (t.lastStatus !== 'STOPPED' && t.capacityProviderName) used.add(t.capacityProviderName);
  return dropped.filter((p) => used.has(p));
}

async function updateCluster({ d, gw, action, allTags, byId, keptNotConverged }: ActionRun): Promise<string | undefined> {
  const live = d.live as LiveCluster;
  const target = d.target ?? {};
  const changed = new Set(action.fields.map(topLevel));
  const update: Json = {};
  // containerInsights dropped from the manifest means "disabled", which UpdateCluster must be told.
  if (changed.has('settings'))
    update.settings = (target.settings as unknown[] | undefined)?.length ? target.settings : [{ name: 'containerInsights', value: 'disabled' }];
  if (changed.has('configuration')) update.configuration = target.configuration ?? {};
  if (changed.has('serviceConnectDefaults') && target.serviceConnectDefaults) update.serviceConnectDefaults = target.serviceConnectDefaults;
  if (Object.keys(update).length) await gw.updateCluster({ cluster: d.name, ...update });
  let kept: string[] = [];
  if (changed.has('capacityProviders') || changed.has('defaultCapacityProviderStrategy')) {
    const wanted = (target.capacityProviders as string[] | undefined) ?? [];
    kept = await providersStillUsed(gw, live, wanted, byId);
    const put = (providers: string[]) =>
      gw.putClusterCapacityProviders({
        cluster: d.name,
        capacityProviders: providers,
        defaultCapacityProviderStrategy: (target.defaultCapacityProviderStrategy as never[] | undefined) ?? [],
      });
    try {
      await put([...wanted, ...kept]);
    } catch (err) {
      // a task ListTasks does not show (desired STOPPED, still stopping) holds a provider: keep every dropped one this pass
      if (!(err instanceof AwsCallError && err.code === 'ResourceInUseException')) throw err;
      kept = live.capacityProviders.filter((p) => !wanted.includes(p));
      await put([...wanted, ...kept]);
    }
  }
  // A provider kept on purpose (something still runs on it) is not a change that came back:
  // the wait must not read as a fight, which would stop the detach for good.
  if (kept.length)
    keptNotConverged(`kept associated for now: ${kept.join(', ')} (a service or task still runs on it; detached on a later pass once none does)`);
  await syncTags(gw, live.arn, live.tags, allTags());
  return undefined;
}

async function tagCluster({ d, gw, allTags }: ActionRun): Promise<string | undefined> {
  const live = d.live as LiveCluster;
  await syncTags(gw, live.arn, live.tags, allTags());
  return live.arn;
}

/**
 * Read live, just before deleting: a cluster is deleted only when no service (ACTIVE or
 * DRAINING: ECS refuses DeleteCluster while a service is either, ClusterContainsServicesException)
 * and no task (ClusterContainsTasksException) is left in it, whoever owns them. Services this
 * pass deleted are DRAINING until their tasks stop, so the cluster goes on a later pass.
 */
async function requireEmptyCluster(gw: AwsGateway, cluster: string): Promise<void> {
  const serviceArns = await gw.listServiceArns(cluster);
  const services = serviceArns.length ? (await gw.describeServices(cluster, serviceArns)).services : [];
  const tasks = await gw.listClusterTaskArns(cluster);
  if (services.length || tasks.length) {
    const names = services
      .map((s) => `${s.serviceName ?? nameFromArn(s.serviceArn ?? '?')} (${s.status})`)
      .slice(0, 5)
      .join(', ');
    throw new KeptForNow(
      `kept for now: ${services.length ? `${services.length} service(s) still in it: ${names}` : ''}${services.length && tasks.length ? '; ' : ''}${tasks.length ? `${tasks.length} task(s) still running` : ''}. Deleted on a later pass once it is empty`,
    );
  }
}

async function deleteCluster({ d, gw }: ActionRun): Promise<string | undefined> {
  await requireEmptyCluster(gw, d.name);
  await gw.deleteCluster(d.name);
  return undefined;
}

export async function releaseCluster(live: LiveCluster, gw: AwsGateway): Promise<string> {
  await releaseTags(gw, live.arn, live.tags);
  return `${live.arn} released`;
}

/** Order within a pass: creates and updates first, deletions last (ranked against every kind's in src/pipeline/plan.ts). */
// The kind's action names join the plan's (src/plan/types.ts ActionNames): no list outside this folder.
declare module '../../plan/types.js' {
  interface ActionNames {
    'create-cluster': true;
    'update-cluster': true;
    'delete-cluster': true;
  }
}

export const CLUSTER_ACTIONS = {
  'create-cluster': { order: 0, run: createCluster },
  'update-cluster': { order: 1, run: updateCluster },
  'tag-resource': { order: 3, run: tagCluster },
  'delete-cluster': { order: 10, run: deleteCluster, stage: 'prune', destructive: true },
} as const;
