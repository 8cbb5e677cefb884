// Auto scaling read and normalization on responses shaped as the Application Auto
// Scaling API reference documents them (DescribeScalableTargets, DescribeScalingPolicies,
// DescribeScheduledActions), where the emulator fills in less than AWS does.
import { describe, expect, it } from 'vitest';
import { diffFields } from '../src/diff/field-diff.js';
import { policyInput } from '../src/kinds/service/scaling-apply.js';
import { normalizeScaling } from '../src/kinds/service/scaling-normalize.js';
import { scalingFromApi } from '../src/kinds/service/scaling-read.js';

const target = {
  ServiceNamespace: 'ecs',
  ResourceId: 'service/prod/web',
  ScalableDimension: 'ecs:service:DesiredCount',
  MinCapacity: 2,
  MaxCapacity: 10,
  RoleARN: 'arn:aws:iam::123456789012:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService',
  CreationTime: new Date('2026-01-01T00:00:00Z'),
  // AWS returns the suspended state with every flag, false by default (the emulator omits it)
  SuspendedState: { DynamicScalingInSuspended: false, DynamicScalingOutSuspended: false, ScheduledScalingSuspended: false },
};

const targetTracking = {
  PolicyARN: 'arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:1:resource/ecs/service/prod/web:policyName/cpu60',
  PolicyName: 'cpu60',
  ServiceNamespace: 'ecs',
  ResourceId: 'service/prod/web',
  ScalableDimension: 'ecs:service:DesiredCount',
  PolicyType: 'TargetTrackingScaling',
  TargetTrackingScalingPolicyConfiguration: {
    TargetValue: 60,
    PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
    // AWS fills in the ECS cooldown defaults (300 s) and DisableScaleIn false
    ScaleOutCooldown: 300,
    ScaleInCooldown: 300,
    DisableScaleIn: false,
  },
  Alarms: [{ AlarmName: 'TargetTracking-service/prod/web-AlarmHigh', AlarmARN: 'arn:aws:cloudwatch:...' }],
  CreationTime: new Date('2026-01-01T00:00:00Z'),
};

const step = {
  PolicyName: 'queue-depth',
  ResourceId: 'service/prod/web',
  PolicyType: 'StepScaling',
  StepScalingPolicyConfiguration: {
    AdjustmentType: 'ChangeInCapacity',
    StepAdjustments: [
      { MetricIntervalLowerBound: 100, ScalingAdjustment: 3 },
      { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 100, ScalingAdjustment: 1 },
    ],
    Cooldown: 60,
    MetricAggregationType: 'Average',
  },
};

const scheduled = {
  ScheduledActionName: 'nightly-low',
  ResourceId: 'service/prod/web',
  Schedule: 'cron(0 22 * * ? *)',
  Timezone: 'UTC',
  ScalableTargetAction: { MinCapacity: 2, MaxCapacity: 4 },
};

const manifestBlock = {
  minCapacity: 2,
  maxCapacity: 10,
  targetTracking: [{ policyName: 'cpu60', predefinedMetricType: 'ECSServiceAverageCPUUtilization', targetValue: 60 }],
  stepScaling: [
    {
      policyName: 'queue-depth',
      adjustmentType: 'ChangeInCapacity',
      cooldown: 60,
      stepAdjustments: [
        { metricIntervalLowerBound: 0, metricIntervalUpperBound: 100, scalingAdjustment: 1 },
        { metricIntervalLowerBound: 100, scalingAdjustment: 3 },
      ],
    },
  ],
  scheduled: [{ name: 'nightly-low', schedule: 'cron(0 22 * * ? *)', minCapacity: 2, maxCapacity: 4 }],
};

describe('auto scaling normalization', () => {
  const live = scalingFromApi(target as never, [targetTracking, step] as never, [scheduled] as never);

  it('server-filled defaults (cooldowns 300, DisableScaleIn false, suspended flags false, Average, UTC) are not drift', () => {
    expect(diffFields(normalizeScaling(live), normalizeScaling(manifestBlock))).toEqual([]);
  });

  it('a changed target value is a difference, keyed by policy name', () => {
    const edited = structuredClone(manifestBlock);
    edited.targetTracking[0]!.targetValue = 70;
    expect(diffFields(normalizeScaling(live), normalizeScaling(edited), 'autoScaling')).toEqual([
      { path: 'autoScaling.targetTracking[policyName=cpu60].targetValue', live: 60, desired: 70 },
    ]);
  });

  it('a cooldown that is not the default is compared', () => {
    const edited = structuredClone(manifestBlock) as typeof manifestBlock & { targetTracking: Array<Record<string, unknown>> };
    edited.targetTracking[0]!.scaleInCooldown = 120;
    expect(diffFields(normalizeScaling(live), normalizeScaling(edited), 'autoScaling')).toEqual([
      { path: 'autoScaling.targetTracking[policyName=cpu60].scaleInCooldown', live: undefined, desired: 120 },
    ]);
  });

  it('a suspended scale-in is a difference', () => {
    const suspended = scalingFromApi(
      { ...target, SuspendedState: { ...target.SuspendedState, DynamicScalingInSuspended: true } } as never,
      [targetTracking, step] as never,
      [scheduled] as never,
    );
    expect(diffFields(normalizeScaling(suspended), normalizeScaling(manifestBlock), 'autoScaling')).toEqual([
      { path: 'autoScaling.suspendedState', live: { dynamicScalingInSuspended: true }, desired: undefined },
    ]);
  });

  it('scheduled start and end times compare as instants, whatever their spelling', () => {
    const a = normalizeScaling({ scheduled: [{ name: 'x', schedule: 'rate(1 day)', startTime: '2027-01-01T00:00:00+01:00' }] });
    const b = normalizeScaling({ scheduled: [{ name: 'x', schedule: 'rate(1 day)', startTime: '2026-12-31T23:00:00.000Z' }] });
    expect(a).toEqual(b);
  });
});

describe('auto scaling write shapes', () => {
  it('a target tracking policy becomes PutScalingPolicy input as the API reference spells it', () => {
    expect(
      policyInput(
        'service/prod/web',
        {
          policyName: 'alb',
          targetValue: 1000,
          predefinedMetricType: 'ALBRequestCountPerTarget',
          resourceLabel: 'app/a/1/targetgroup/t/2',
          disableScaleIn: true,
        },
        'TargetTrackingScaling',
      ),
    ).toEqual({
      ServiceNamespace: 'ecs',
      ScalableDimension: 'ecs:service:DesiredCount',
      ResourceId: 'service/prod/web',
      PolicyName: 'alb',
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: 1000,
        PredefinedMetricSpecification: { PredefinedMetricType: 'ALBRequestCountPerTarget', ResourceLabel: 'app/a/1/targetgroup/t/2' },
        DisableScaleIn: true,
      },
    });
  });

  it('a customized metric specification keeps its structure in PascalCase', () => {
    const input = policyInput(
      'service/prod/web',
      {
        policyName: 'q',
        targetValue: 5,
        customizedMetricSpecification: { metricName: 'Backlog', namespace: 'App', statistic: 'Average', dimensions: [{ name: 'Queue', value: 'jobs' }] },
      },
      'TargetTrackingScaling',
    );
    expect(input.TargetTrackingScalingPolicyConfiguration?.CustomizedMetricSpecification).toEqual({
      MetricName: 'Backlog',
      Namespace: 'App',
      Statistic: 'Average',
      Dimensions: [{ Name: 'Queue', Value: 'jobs' }],
    });
  });
});
