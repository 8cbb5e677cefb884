/** Application Auto Scaling's PascalCase objects to the manifest's camelCase `autoScaling` shape. */
import { type Gateway as AwsGateway, type ScalableTarget, type ScalingPolicy, type ScheduledAction, withKeyCase } from '../../aws/index.js';
import type { Json } from '../../model/live.js';

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
