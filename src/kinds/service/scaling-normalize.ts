/**
 * Normalization of a Service's `autoScaling` block (our camelCase shape of Application
 * Auto Scaling's scalable target, scaling policies and scheduled actions), applied to
 * both sides like the rest: documented defaults dropped, lists keyed by name.
 */
import type { Json } from '../../model/json.js';
import { isObject } from '../../model/json.js';

function prune(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(prune).filter((v) => v !== undefined);
    return items.length ? items : undefined;
  }
  if (isObject(value)) {
    const out: Json = {};
    for (const [k, v] of Object.entries(value)) {
      const p = prune(v);
      if (p !== undefined) out[k] = p;
    }
    return Object.keys(out).length ? out : undefined;
  }
  return value === null ? undefined : value;
}

function dropIf(obj: Json, key: string, dflt: unknown): void {
  if (obj[key] === dflt) delete obj[key];
}

function isoOrSame(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const t = Date.parse(v);
  return Number.isNaN(t) ? v : new Date(t).toISOString();
}

const byKey = (key: string) => (a: unknown, b: unknown) => String((a as Json)[key]).localeCompare(String((b as Json)[key]));

export function normalizeScaling(spec: unknown): Json | undefined {
  if (!isObject(spec)) return undefined;
  const s = structuredClone(spec);
  if (isObject(s.suspendedState)) {
    // RegisterScalableTarget: each suspension flag defaults to false
    for (const k of ['dynamicScalingInSuspended', 'dynamicScalingOutSuspended', 'scheduledScalingSuspended']) dropIf(s.suspendedState, k, false);
  }
  if (Array.isArray(s.targetTracking)) {
    s.targetTracking = (s.targetTracking as Json[])
      .map((p) => {
        const q = { ...p };
        // TargetTrackingScalingPolicyConfiguration: DisableScaleIn defaults to false; ECS cooldowns default to 300 s
        dropIf(q, 'disableScaleIn', false);
        dropIf(q, 'scaleInCooldown', 300);
        dropIf(q, 'scaleOutCooldown', 300);
        return q;
      })
      .sort(byKey('policyName'));
  }
  if (Array.isArray(s.stepScaling)) {
    s.stepScaling = (s.stepScaling as Json[])
      .map((p) => {
        const q = { ...p };
        // StepScalingPolicyConfiguration: MetricAggregationType defaults to Average
        dropIf(q, 'metricAggregationType', 'Average');
        if (Array.isArray(q.stepAdjustments)) {
          q.stepAdjustments = [...(q.stepAdjustments as Json[])].sort(
            (a, b) => Number(a.metricIntervalLowerBound ?? -Infinity) - Number(b.metricIntervalLowerBound ?? -Infinity),
          );
        }
        return q;
      })
      .sort(byKey('policyName'));
  }
  if (Array.isArray(s.scheduled)) {
    s.scheduled = (s.scheduled as Json[])
      .map((a) => {
        const q: Json = { ...a, startTime: isoOrSame(a.startTime), endTime: isoOrSame(a.endTime) };
        // PutScheduledAction: Timezone defaults to UTC
        dropIf(q, 'timezone', 'UTC');
        return q;
      })
      .sort(byKey('name'));
  }
  return (prune(s) as Json | undefined) ?? {};
}
