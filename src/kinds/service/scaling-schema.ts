import { z } from 'zod';
import { got, int, str } from '../../schema/common.js';
import { AdjustmentType, EcsPredefinedMetricType, MetricAggregationType, MetricStatistic } from '../../schema/enums.js';

/**
 * A Service's `autoScaling` block: Application Auto Scaling for ecs:service:DesiredCount
 * (RegisterScalableTarget + PutScalingPolicy + PutScheduledAction), in camelCase.
 */

const POLICY_NAME = /^[^:/]{1,256}$/;
const POLICY_NAME_MESSAGE = 'expected 1-256 characters without ":" or "/"';
const SCHEDULED_ACTION_NAME = /^[^:/|]{1,256}$/;

const PolicyNameSchema = z
  .string()
  .regex(POLICY_NAME, { error: got(POLICY_NAME_MESSAGE) })
  .describe('Scaling policy name: 1-256 characters, no ":" or "/"; unique within the service.');

const MetricDimensionSchema = z.strictObject({
  name: str(),
  value: str(),
});

const TargetTrackingMetricSchema = z.strictObject({
  dimensions: z.array(MetricDimensionSchema).optional(),
  metricName: z.string().optional(),
  namespace: z.string().optional(),
});

const TargetTrackingMetricStatSchema = z.strictObject({
  metric: TargetTrackingMetricSchema,
  stat: str().describe('CloudWatch statistic, e.g. Average, Sum, p90.'),
  unit: z.string().optional(),
});

const TargetTrackingMetricDataQuerySchema = z
  .strictObject({
    id: z
      .string()
      .regex(/^[a-z][a-zA-Z0-9_]*$/, { error: got('expected a lowercase letter, then letters, numbers or underscores') })
      .describe('Short name of the query, unique in the policy; starts with a lowercase letter.'),
    expression: z.string().optional().describe('Math expression over the other queries (instead of metricStat).'),
    label: z.string().optional(),
    metricStat: TargetTrackingMetricStatSchema.optional(),
    returnData: z.boolean().optional().describe('true for exactly one query: the metric to track.'),
  })
  .superRefine((q, ctx) => {
    if ((q.expression === undefined) === (q.metricStat === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'give exactly one of expression and metricStat' });
    }
  });

const CustomizedMetricSpecificationSchema = z
  .strictObject({
    metricName: z.string().optional(),
    namespace: z.string().optional(),
    dimensions: z.array(MetricDimensionSchema).optional(),
    statistic: z.enum(MetricStatistic).optional(),
    unit: z.string().optional(),
    metrics: z.array(TargetTrackingMetricDataQuerySchema).min(1).optional().describe('Metric math queries; instead of metricName/namespace/statistic.'),
  })
  .superRefine((m, ctx) => {
    if (m.metrics !== undefined) {
      for (const k of ['metricName', 'namespace', 'dimensions', 'statistic', 'unit'] as const) {
        if (m[k] !== undefined) {
          ctx.addIssue({ code: 'custom', path: [k], message: 'not allowed together with metrics' });
        }
      }
      const ids = new Set<string>();
      m.metrics.forEach((q, i) => {
        if (ids.has(q.id)) ctx.addIssue({ code: 'custom', path: ['metrics', i, 'id'], message: `duplicate id ${JSON.stringify(q.id)}` });
        ids.add(q.id);
      });
    } else {
      for (const k of ['metricName', 'namespace', 'statistic'] as const) {
        if (m[k] === undefined) {
          ctx.addIssue({ code: 'custom', path: [k], message: 'required (or give metrics)' });
        }
      }
    }
  });

const TargetTrackingPolicySchema = z
  .strictObject({
    policyName: PolicyNameSchema,
    targetValue: z.number().positive().describe('The metric value to keep the service at, e.g. 60 (% CPU).'),
    predefinedMetricType: z
      .enum(EcsPredefinedMetricType)
      .optional()
      .describe('ECSServiceAverageCPUUtilization, ECSServiceAverageMemoryUtilization or ALBRequestCountPerTarget (and the HighResolution variants).'),
    resourceLabel: z.string().min(1).max(1023).optional().describe('For ALBRequestCountPerTarget only: app/<alb-name>/<id>/targetgroup/<tg-name>/<id>.'),
    customizedMetricSpecification: CustomizedMetricSpecificationSchema.optional().describe('A CloudWatch metric to track, instead of predefinedMetricType.'),
    scaleInCooldown: int(0).optional().describe('Seconds after a scale-in before another scale-in.'),
    scaleOutCooldown: int(0).optional().describe('Seconds after a scale-out before another scale-out.'),
    disableScaleIn: z.boolean().optional().describe('If true, the policy never scales in.'),
  })
  .superRefine((p, ctx) => {
    const hasPre = p.predefinedMetricType !== undefined;
    const hasCustom = p.customizedMetricSpecification !== undefined;
    if (hasPre === hasCustom) {
      ctx.addIssue({
        code: 'custom',
        path: [hasPre ? 'customizedMetricSpecification' : 'predefinedMetricType'],
        message: 'give exactly one of predefinedMetricType and customizedMetricSpecification',
      });
    }
    if (p.predefinedMetricType === 'ALBRequestCountPerTarget' && p.resourceLabel === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['resourceLabel'],
        message: 'required with ALBRequestCountPerTarget: app/<alb-name>/<alb-id>/targetgroup/<tg-name>/<tg-id>',
      });
    }
    if (p.resourceLabel !== undefined && p.predefinedMetricType !== 'ALBRequestCountPerTarget') {
      ctx.addIssue({
        code: 'custom',
        path: ['resourceLabel'],
        message: 'only allowed with predefinedMetricType ALBRequestCountPerTarget',
      });
    }
  });

const StepAdjustmentSchema = z
  .strictObject({
    metricIntervalLowerBound: z.number().optional().describe('Lower bound of the breach (metric - threshold); none = -infinity.'),
    metricIntervalUpperBound: z.number().optional().describe('Upper bound of the breach; none = +infinity.'),
    scalingAdjustment: z.number().int().describe('Tasks (or percent) to add; negative to remove.'),
  })
  .superRefine((s, ctx) => {
    if (s.metricIntervalLowerBound !== undefined && s.metricIntervalUpperBound !== undefined && s.metricIntervalUpperBound <= s.metricIntervalLowerBound) {
      ctx.addIssue({
        code: 'custom',
        path: ['metricIntervalUpperBound'],
        message: `must be greater than metricIntervalLowerBound ${s.metricIntervalLowerBound}; got ${s.metricIntervalUpperBound}`,
      });
    }
  });

const StepScalingPolicySchema = z
  .strictObject({
    policyName: PolicyNameSchema,
    adjustmentType: z.enum(AdjustmentType).describe('ChangeInCapacity, ExactCapacity or PercentChangeInCapacity.'),
    stepAdjustments: z.array(StepAdjustmentSchema).min(1).describe('The steps, by breach size.'),
    cooldown: int(0).optional().describe('Seconds to wait after a scaling activity (default 300).'),
    metricAggregationType: z.enum(MetricAggregationType).optional().describe('Average (default), Minimum or Maximum.'),
    minAdjustmentMagnitude: int(1).optional().describe('Minimum tasks to scale by, with PercentChangeInCapacity only.'),
  })
  .superRefine((p, ctx) => {
    if (p.minAdjustmentMagnitude !== undefined && p.adjustmentType !== 'PercentChangeInCapacity') {
      ctx.addIssue({
        code: 'custom',
        path: ['minAdjustmentMagnitude'],
        message: 'only allowed with adjustmentType PercentChangeInCapacity',
      });
    }
    if (p.adjustmentType === 'ExactCapacity') {
      p.stepAdjustments.forEach((s, i) => {
        if (s.scalingAdjustment < 0) {
          ctx.addIssue({
            code: 'custom',
            path: ['stepAdjustments', i, 'scalingAdjustment'],
            message: `must be >= 0 with ExactCapacity; got ${s.scalingAdjustment}`,
          });
        }
      });
    }
  });

const SCHEDULE = /^(at\(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\)|rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\([^)]+\))$/;

const ScheduledActionNameSchema = z.string().regex(SCHEDULED_ACTION_NAME, { error: got('expected 1-256 characters without ":", "/" or "|"') });

/** PutScheduledAction's ScalableTargetAction: the capacity bounds set at the scheduled time. */
const ScalableTargetActionSchema = z.strictObject({
  minCapacity: int(0).optional().describe('New minimum capacity at the scheduled time.'),
  maxCapacity: int(0).optional().describe('New maximum capacity at the scheduled time.'),
});

/**
 * A scheduled action in the Application Auto Scaling API's own names (PutScheduledAction:
 * ScheduledActionName, Schedule, Timezone, StartTime, EndTime, ScalableTargetAction
 * {MinCapacity, MaxCapacity}), as pasted from `aws application-autoscaling
 * describe-scheduled-actions`; `name` and flat minCapacity/maxCapacity are the short
 * alias. Read into the short form.
 */
const ScheduledActionSchema = z
  .strictObject({
    scheduledActionName: ScheduledActionNameSchema.optional().describe(
      'The scheduled action name (PutScheduledAction ScheduledActionName), unique within the service.',
    ),
    name: ScheduledActionNameSchema.optional().describe('Short alias of scheduledActionName.'),
    scalableTargetAction: ScalableTargetActionSchema.optional().describe(
      'The capacity bounds set at the scheduled time (PutScheduledAction ScalableTargetAction).',
    ),
    schedule: z
      .string()
      .regex(SCHEDULE, {
        error: got('expected at(yyyy-mm-ddThh:mm:ss), rate(value unit) or cron(minutes hours day-of-month month day-of-week year)'),
      })
      .describe('at(yyyy-mm-ddThh:mm:ss), rate(5 minutes) or cron(0 9 * * ? *).'),
    timezone: z.string().min(1).optional().describe('IANA time zone of the schedule, e.g. Europe/Paris (default UTC).'),
    startTime: z.iso.datetime({ offset: true }).optional().describe('When the schedule starts, ISO 8601 date-time.'),
    endTime: z.iso.datetime({ offset: true }).optional().describe('When the schedule ends, ISO 8601 date-time.'),
    minCapacity: int(0).optional().describe('Short alias of scalableTargetAction.minCapacity.'),
    maxCapacity: int(0).optional().describe('Short alias of scalableTargetAction.maxCapacity.'),
  })
  .superRefine((raw, ctx) => {
    if (raw.scheduledActionName !== undefined && raw.name !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['name'], message: 'give scheduledActionName or its alias name, not both' });
    } else if (raw.scheduledActionName === undefined && raw.name === undefined) {
      ctx.addIssue({ code: 'custom', path: ['scheduledActionName'], message: 'required field is missing (or its alias name)' });
    }
    if (raw.scalableTargetAction !== undefined && (raw.minCapacity !== undefined || raw.maxCapacity !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [raw.minCapacity !== undefined ? 'minCapacity' : 'maxCapacity'],
        message: 'give scalableTargetAction or the flat minCapacity/maxCapacity, not both',
      });
    }
    const a = {
      ...raw,
      minCapacity: raw.scalableTargetAction?.minCapacity ?? raw.minCapacity,
      maxCapacity: raw.scalableTargetAction?.maxCapacity ?? raw.maxCapacity,
    };
    const capacityPath = (k: 'minCapacity' | 'maxCapacity') => (raw.scalableTargetAction ? ['scalableTargetAction', k] : [k]);
    if (a.minCapacity === undefined && a.maxCapacity === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: raw.scalableTargetAction ? ['scalableTargetAction', 'minCapacity'] : ['minCapacity'],
        message: 'give minCapacity, maxCapacity or both',
      });
    }
    if (a.minCapacity !== undefined && a.maxCapacity !== undefined && a.minCapacity > a.maxCapacity) {
      ctx.addIssue({
        code: 'custom',
        path: capacityPath('maxCapacity'),
        message: `maxCapacity ${a.maxCapacity} is below minCapacity ${a.minCapacity}`,
      });
    }
    if (a.startTime !== undefined && a.endTime !== undefined && Date.parse(a.endTime) <= Date.parse(a.startTime)) {
      ctx.addIssue({ code: 'custom', path: ['endTime'], message: 'must be after startTime' });
    }
  })
  .transform(({ scheduledActionName, name, scalableTargetAction, minCapacity, maxCapacity, ...rest }) => ({
    name: (scheduledActionName ?? name)!,
    ...rest,
    ...((scalableTargetAction?.minCapacity ?? minCapacity) !== undefined ? { minCapacity: (scalableTargetAction?.minCapacity ?? minCapacity)! } : {}),
    ...((scalableTargetAction?.maxCapacity ?? maxCapacity) !== undefined ? { maxCapacity: (scalableTargetAction?.maxCapacity ?? maxCapacity)! } : {}),
  }));

const SuspendedStateSchema = z.strictObject({
  dynamicScalingInSuspended: z.boolean().optional().describe('Suspend scale-in by scaling policies.'),
  dynamicScalingOutSuspended: z.boolean().optional().describe('Suspend scale-out by scaling policies.'),
  scheduledScalingSuspended: z.boolean().optional().describe('Suspend scheduled actions.'),
});

export const AutoScalingSpecSchema = z
  .strictObject({
    minCapacity: int(0).describe('Minimum desiredCount the autoscaler may set.'),
    maxCapacity: int(0).describe('Maximum desiredCount the autoscaler may set.'),
    suspendedState: SuspendedStateSchema.optional(),
    targetTracking: z.array(TargetTrackingPolicySchema).optional().describe('Target tracking scaling policies.'),
    stepScaling: z.array(StepScalingPolicySchema).optional().describe('Step scaling policies (triggered by CloudWatch alarms).'),
    scheduled: z.array(ScheduledActionSchema).optional().describe('Scheduled changes of min/max capacity.'),
  })
  .superRefine((a, ctx) => {
    if (a.minCapacity > a.maxCapacity) {
      ctx.addIssue({
        code: 'custom',
        path: ['maxCapacity'],
        message: `maxCapacity ${a.maxCapacity} is below minCapacity ${a.minCapacity}`,
      });
    }
    const policies = new Map<string, string>();
    const checkName = (list: 'targetTracking' | 'stepScaling', name: string, i: number) => {
      const first = policies.get(name);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [list, i, 'policyName'],
          message: `duplicate policyName ${JSON.stringify(name)} (also ${first})`,
        });
      } else policies.set(name, `${list}[${i}]`);
    };
    for (const [i, p] of (a.targetTracking ?? []).entries()) checkName('targetTracking', p.policyName, i);
    for (const [i, p] of (a.stepScaling ?? []).entries()) checkName('stepScaling', p.policyName, i);
    const actions = new Map<string, number>();
    a.scheduled?.forEach((s, i) => {
      const first = actions.get(s.name);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['scheduled', i, 'name'],
          message: `duplicate scheduled action name ${JSON.stringify(s.name)} (also scheduled[${first}])`,
        });
      } else actions.set(s.name, i);
    });
  })
  .describe('Application Auto Scaling of the service desiredCount (our addition to the CreateService input).');

export type AutoScalingSpec = z.infer<typeof AutoScalingSpecSchema>;
