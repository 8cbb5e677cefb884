/**
 * Converges a service's Application Auto Scaling: the scalable target before its
 * policies, policies and scheduled actions put and deleted by name, and when the block
 * goes away, policies and scheduled actions first, then the target.
 */
import { type Gateway as AwsGateway, type PutScalingPolicyCommandInput, withKeyCase } from '../../aws/index.js';
import { canonicalJson } from '../../diff/normalize.js';
import { normalizeScaling } from './scaling-normalize.js';
import { scalingResourceId } from './scaling-read.js';

type Json = Record<string, unknown>;

const NS = { ServiceNamespace: 'ecs', ScalableDimension: 'ecs:service:DesiredCount' } as const;

const pascal = (value: unknown): unknown => withKeyCase(value, 'upper');

function byName(list: unknown, key: string): Map<string, Json> {
  return new Map(((list as Json[] | undefined) ?? []).map((p) => [String(p[key]), p]));
}

function same(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

export function policyInput(resourceId: string, p: Json, type: 'TargetTrackingScaling' | 'StepScaling'): PutScalingPolicyCommandInput {
  if (type === 'TargetTrackingScaling') {
    return {
      ...NS,
      ResourceId: resourceId,
      PolicyName: String(p.policyName),
      PolicyType: type,
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: Number(p.targetValue),
        ...(p.predefinedMetricType
          ? {
              PredefinedMetricSpecification: {
                PredefinedMetricType: p.predefinedMetricType as never,
                ...(p.resourceLabel ? { ResourceLabel: String(p.resourceLabel) } : {}),
              },
            }
          : {}),
        ...(p.customizedMetricSpecification ? { CustomizedMetricSpecification: pascal(p.customizedMetricSpecification) as never } : {}),
        ...(p.scaleInCooldown !== undefined ? { ScaleInCooldown: Number(p.scaleInCooldown) } : {}),
        ...(p.scaleOutCooldown !== undefined ? { ScaleOutCooldown: Number(p.scaleOutCooldown) } : {}),
        ...(p.disableScaleIn !== undefined ? { DisableScaleIn: Boolean(p.disableScaleIn) } : {}),
      },
    };
  }
  return {
    ...NS,
    ResourceId: resourceId,
    PolicyName: String(p.policyName),
    PolicyType: type,
    StepScalingPolicyConfiguration: {
      AdjustmentType: p.adjustmentType as never,
      StepAdjustments: pascal(p.stepAdjustments) as never,
      ...(p.cooldown !== undefined ? { Cooldown: Number(p.cooldown) } : {}),
      ...(p.metricAggregationType ? { MetricAggregationType: p.metricAggregationType as never } : {}),
      ...(p.minAdjustmentMagnitude !== undefined ? { MinAdjustmentMagnitude: Number(p.minAdjustmentMagnitude) } : {}),
    },
  };
}

export async function removeScaling(gw: AwsGateway, cluster: string, service: string, live: Json | undefined): Promise<number> {
  if (!live) return 0;
  const id = scalingResourceId(cluster, service);
  let calls = 0;
  for (const p of [...((live.targetTracking as Json[]) ?? []), ...((live.stepScaling as Json[]) ?? [])]) {
    await gw.deleteScalingPolicy(id, String(p.policyName));
    calls++;
  }
  for (const a of (live.scheduled as Json[]) ?? []) {
    await gw.deleteScheduledAction(id, String(a.name));
    calls++;
  }
  await gw.deregisterScalableTarget(id);
  return calls + 1;
}

/** Makes live auto scaling equal `desired` (normalized), touching only what differs. Returns a summary. */
export async function syncScaling(gw: AwsGateway, cluster: string, service: string, desired: Json | undefined, liveRaw: Json | undefined): Promise<string> {
  const live = normalizeScaling(liveRaw);
  if (!desired) {
    const n = await removeScaling(gw, cluster, service, live);
    return `auto scaling removed (${n} call(s))`;
  }
  const id = scalingResourceId(cluster, service);
  const done: string[] = [];
  const targetOf = (s: Json | undefined) => ({ minCapacity: s?.minCapacity, maxCapacity: s?.maxCapacity, suspendedState: s?.suspendedState ?? {} });
  if (!live || !same(targetOf(live), targetOf(desired))) {
    await registerTarget(gw, id, desired);
    done.push('target');
  }
  for (const [key, type] of [
    ['targetTracking', 'TargetTrackingScaling'],
    ['stepScaling', 'StepScaling'],
  ] as const) {
    const want = byName(desired[key], 'policyName');
    const have = byName(live?.[key], 'policyName');
    for (const [name, p] of want) {
      if (have.has(name) && same(have.get(name), p)) continue;
      await gw.putScalingPolicy(policyInput(id, p, type));
      done.push(`policy ${name}`);
    }
    for (const name of have.keys()) {
      // a policy that moved from one type to the other was just put under the new type
      const otherKey = key === 'targetTracking' ? 'stepScaling' : 'targetTracking';
      if (want.has(name) || byName(desired[otherKey], 'policyName').has(name)) continue;
      await gw.deleteScalingPolicy(id, name);
      done.push(`-policy ${name}`);
    }
  }
  const wantActions = byName(desired.scheduled, 'name');
  const haveActions = byName(live?.scheduled, 'name');
  for (const [name, a] of wantActions) {
    if (haveActions.has(name) && same(haveActions.get(name), a)) continue;
    await gw.putScheduledAction({
      ...NS,
      ResourceId: id,
      ScheduledActionName: name,
      Schedule: String(a.schedule),
      ...(a.timezone ? { Timezone: String(a.timezone) } : {}),
      ...(a.startTime ? { StartTime: new Date(String(a.startTime)) } : {}),
      ...(a.endTime ? { EndTime: new Date(String(a.endTime)) } : {}),
      ScalableTargetAction: {
        ...(a.minCapacity !== undefined ? { MinCapacity: Number(a.minCapacity) } : {}),
        ...(a.maxCapacity !== undefined ? { MaxCapacity: Number(a.maxCapacity) } : {}),
      },
    });
    done.push(`scheduled ${name}`);
  }
  for (const name of haveActions.keys()) {
    if (wantActions.has(name)) continue;
    await gw.deleteScheduledAction(id, name);
    done.push(`-scheduled ${name}`);
  }
  return done.length ? done.join(', ') : 'nothing to change';
}

/**
 * RegisterScalableTarget with the desired bounds and suspension flags, each flag sent
 * explicitly (RegisterScalableTarget keeps a flag that is left out); `scaleInSuspended`
 * overrides the desired one during a rollout.
 */
function registerTarget(gw: AwsGateway, resourceId: string, desired: Json, scaleInSuspended?: boolean): Promise<void> {
  const suspended = (desired.suspendedState as Json | undefined) ?? {};
  return gw.registerScalableTarget({
    ...NS,
    ResourceId: resourceId,
    MinCapacity: Number(desired.minCapacity),
    MaxCapacity: Number(desired.maxCapacity),
    SuspendedState: {
      DynamicScalingInSuspended: scaleInSuspended ?? Boolean(suspended.dynamicScalingInSuspended),
      DynamicScalingOutSuspended: Boolean(suspended.dynamicScalingOutSuspended),
      ScheduledScalingSuspended: Boolean(suspended.scheduledScalingSuspended),
    },
  });
}

/** Suspends dynamic scale-in for a rollout (ecspresso's --suspend-auto-scaling), returning a resume function. */
export async function suspendScaleIn(gw: AwsGateway, cluster: string, service: string, desired: Json): Promise<() => Promise<void>> {
  const id = scalingResourceId(cluster, service);
  await registerTarget(gw, id, desired, true);
  return () => registerTarget(gw, id, desired);
}
