/** Application Auto Scaling's PascalCase objects to the manifest's camelCase `autoScaling` shape. */
import { type Gateway as AwsGateway, type ScalableTarget, type ScalingPolicy, type ScheduledAction, withKeyCase } from '../../aws/index.js';
import type { Json } from '../../model/live.js';
import type { ResyncCycle } from '../kind.js';

const camel = (value: unknown): unknown => withKeyCase(value, 'lower');

function definedOnly(o: Json): Json {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

export function scalingFromApi(target: ScalableTarget, policies: readonly ScalingPolicy[], actions: readonly ScheduledAction[]): Json {
  const targetTracking: Json[] = [];
  const stepScaling: Json[] = [];
  for (const p of policies) {
    if (p.PolicyType === 'TargetTrackingScaling' && p.TargetTrackingScalingPolicyConfiguration) {
      const c = p.TargetTrackingScalingPolicyConfiguration;
      targetTracking.push(
        definedOnly({
          policyName: p.PolicyName,
          targetValue: c.TargetValue,
          predefinedMetricType: c.PredefinedMetricSpecification?.PredefinedMetricType,
          resourceLabel: c.PredefinedMetricSpecification?.ResourceLabel,
          customizedMetricSpecification: c.CustomizedMetricSpecification ? camel(c.CustomizedMetricSpecification) : undefined,
          scaleInCooldown: c.ScaleInCooldown,
          scaleOutCooldown: c.ScaleOutCooldown,
          disableScaleIn: c.DisableScaleIn,
        }),
      );
    } else if (p.PolicyType === 'StepScaling' && p.StepScalingPolicyConfiguration) {
      const c = p.StepScalingPolicyConfiguration;
      stepScaling.push(
        definedOnly({
          policyName: p.PolicyName,
          adjustmentType: c.AdjustmentType,
          stepAdjustments: camel(c.StepAdjustments ?? []),
          cooldown: c.Cooldown,
          metricAggregationType: c.MetricAggregationType,
          minAdjustmentMagnitude: c.MinAdjustmentMagnitude,
        }),
      );
    }
  }
  const scheduled = actions.map((a) =>
    definedOnly({
      name: a.ScheduledActionName,
      schedule: a.Schedule,
      timezone: a.Timezone,
      startTime: a.StartTime instanceof Date ? a.StartTime.toISOString() : a.StartTime,
      endTime: a.EndTime instanceof Date ? a.EndTime.toISOString() : a.EndTime,
      minCapacity: a.ScalableTargetAction?.MinCapacity,
      maxCapacity: a.ScalableTargetAction?.MaxCapacity,
    }),
  );
  return definedOnly({
    minCapacity: target.MinCapacity,
    maxCapacity: target.MaxCapacity,
    suspendedState: target.SuspendedState ? camel(target.SuspendedState) : undefined,
    targetTracking,
    stepScaling,
    scheduled,
  });
}

/** `service/<cluster>/<service>`: Application Auto Scaling's resource id of an ECS service. */
export function scalingResourceId(cluster: string, service: string): string {
  return `service/${cluster}/${service}`;
}

/**
 * The auto scaling of the named services only (service/CLUSTER/NAME ids), for a targeted
 * pass or a resync slice: DescribeScalableTargets by ResourceIds (50 a call), then the
 * policies and scheduled actions of each service that has a target (those two calls take
 * one ResourceId). A service without a target is absent from the answer: no scaling live.
 */
export async function readScalingOf(gw: AwsGateway, resourceIds: readonly string[]): Promise<Map<string, Json>> {
  const out = new Map<string, Json>();
  if (!resourceIds.length) return out;
  for (const target of await gw.listScalableTargets(resourceIds)) {
    const id = target.ResourceId ?? '';
    out.set(id, scalingFromApi(target, await gw.listScalingPolicies(id), await gw.listScheduledActions(id)));
  }
  return out;
}

/**
 * One of the namespace's listings (DescribeScalingPolicies, DescribeScheduledActions)
 * spread over a resync cycle: the run under way (its pages so far, where the next starts),
 * and the last run read to its end, the one a slice takes its services' entries from.
 */
interface NamespaceSweep<T> {
  nextToken?: string;
  run: Map<string, T[]>;
  pages: number;
  pagesLastRun?: number;
  lastRun?: Map<string, T[]>;
  /** this cycle's run has ended: the next starts with the next cycle */
  doneThisCycle: boolean;
  slicesLeftBefore?: number;
}

/**
 * This slice's share of a namespace listing's pages: what the last run counted, less what
 * this run has read, over the slices left; the cycle's last slice reads what is left, so
 * every run ends within its cycle. A run's entries are used only once it has ended (a
 * target's policies may sit on two pages). Returns the sweep's last ended run, if any.
 */
async function advanceSweep<T extends { ResourceId?: string }>(
  cycle: ResyncCycle,
  key: string,
  page: (nextToken?: string) => Promise<{ items: T[]; nextToken?: string }>,
): Promise<Map<string, T[]> | undefined> {
  let sweep = cycle.state.get(key) as NamespaceSweep<T> | undefined;
  if (!sweep) {
    sweep = { run: new Map(), pages: 0, doneThisCycle: false };
    cycle.state.set(key, sweep);
  }
  // a new cycle: more slices left than the slice before had
  if (sweep.slicesLeftBefore !== undefined && cycle.slicesLeft > sweep.slicesLeftBefore) sweep.doneThisCycle = false;
  sweep.slicesLeftBefore = cycle.slicesLeft;
  if (sweep.doneThisCycle) return sweep.lastRun;
  let budget =
    cycle.slicesLeft === 0 ? Number.POSITIVE_INFINITY : Math.ceil(((sweep.pagesLastRun ?? cycle.slicesLeft + 1) - sweep.pages) / (cycle.slicesLeft + 1));
  for (; budget > 0; budget--) {
    const r = await page(sweep.nextToken);
    sweep.pages++;
    for (const item of r.items) {
      const id = item.ResourceId ?? '';
      const list = sweep.run.get(id);
      if (list) list.push(item);
      else sweep.run.set(id, [item]);
    }
    if (!r.nextToken) {
      sweep.lastRun = sweep.run;
      sweep.pagesLastRun = sweep.pages;
      sweep.run = new Map();
      sweep.pages = 0;
      delete sweep.nextToken;
      sweep.doneThisCycle = true;
      break;
    }
    sweep.nextToken = r.nextToken;
  }
  return sweep.lastRun;
}

/** The manifest-shaped scaling's parts that come from policies and scheduled actions, not the target. */
const POLICY_PARTS = ['targetTracking', 'stepScaling', 'scheduled'] as const;

function sameTarget(a: Json, b: Json | undefined): boolean {
  if (!b) return false;
  return a.minCapacity === b.minCapacity && a.maxCapacity === b.maxCapacity && JSON.stringify(a.suspendedState) === JSON.stringify(b.suspendedState);
}

/**
 * The auto scaling of a resync slice's services: the targets by ResourceIds (50 a call),
 * fresh each slice; the policies and scheduled actions from the namespace's pages, spread
 * over the cycle (advanceSweep), so the cycle reads them about once instead of two calls
 * a target. A target whose read differs from the last one (changed by hand, new), or a
 * service the manifests or the controller changed since (`fresh`), has its own policies
 * and scheduled actions read by ResourceId, as an event's pass reads them. Without an ended
 * run yet (the first cycle), a service keeps what the last read (the whole one) held.
 */
export async function readScalingInCycle(
  gw: AwsGateway,
  cycle: ResyncCycle,
  services: ReadonlyArray<{ scalingId: string; id: string; before: Json | undefined }>,
): Promise<Map<string, Json>> {
  const out = new Map<string, Json>();
  if (!services.length) return out;
  const targets = await gw.listScalableTargets(services.map((s) => s.scalingId));
  const policies = await advanceSweep(cycle, `Service/${gw.region}/policies`, (t) => gw.scalingPoliciesPage(t));
  const actions = await advanceSweep(cycle, `Service/${gw.region}/scheduled`, (t) => gw.scheduledActionsPage(t));
  const byScalingId = new Map(services.map((s) => [s.scalingId, s]));
  for (const target of targets) {
    const id = target.ResourceId ?? '';
    const svc = byScalingId.get(id);
    if (!svc) continue;
    const fromTarget = scalingFromApi(target, [], []);
    const ownRead = cycle.fresh.has(svc.id) || !sameTarget(fromTarget, svc.before);
    if (ownRead) {
      out.set(id, scalingFromApi(target, await gw.listScalingPolicies(id), await gw.listScheduledActions(id)));
    } else if (policies && actions) {
      out.set(id, scalingFromApi(target, policies.get(id) ?? [], actions.get(id) ?? []));
    } else {
      const kept: Json = { ...fromTarget };
      for (const part of POLICY_PARTS) kept[part] = svc.before?.[part] ?? [];
      out.set(id, kept);
    }
  }
  return out;
}
