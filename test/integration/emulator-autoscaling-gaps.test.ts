// The start-up extension of scripts/emulator_ext/autoscaling_gaps.py: Application Auto
// Scaling's describe calls page as the API reference documents. Fails on plain moto
// (ECS_EMULATOR_NO_EXTENSIONS=1), whose DescribeScalableTargets repeats its second page for
// ever, whose DescribeScalingPolicies takes 100 a page and matches ResourceId as a
// substring, and whose DescribeScheduledActions never pages.
import {
  ApplicationAutoScalingClient,
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
  DescribeScheduledActionsCommand,
  PutScalingPolicyCommand,
  PutScheduledActionCommand,
  RegisterScalableTargetCommand,
} from '@aws-sdk/client-application-auto-scaling';
import { CreateClusterCommand, CreateServiceCommand, ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { beforeAll, describe, expect, it } from 'vitest';
import { emulatorVar, sdkClientConfig } from './emulator-helpers.js';

const ecs = new ECSClient(sdkClientConfig());
const aas = new ApplicationAutoScalingClient(sdkClientConfig());
const CLUSTER = 'aas-gap';
const SERVICES = 12;
const DIMENSION = 'ecs:service:DesiredCount';
const idOf = (i: number) => `service/${CLUSTER}/svc-${i}`;
const ids = Array.from({ length: SERVICES }, (_, i) => idOf(i + 1));

/** Every page's size, following NextToken; stops at 20 pages (plain moto's never ends). */
async function pageSizes(page: (token: string | undefined) => Promise<{ size: number; next?: string | undefined }>): Promise<number[]> {
  const sizes: number[] = [];
  let token: string | undefined;
  do {
    const r = await page(token);
    sizes.push(r.size);
    token = r.next || undefined;
  } while (token && sizes.length < 20);
  return sizes;
}

beforeAll(async () => {
  await ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
  const td = await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: CLUSTER,
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: '256',
      memory: '512',
      containerDefinitions: [{ name: 'x', image: 'busybox' }],
    }),
  );
  for (let i = 1; i <= SERVICES; i++) {
    await ecs.send(
      new CreateServiceCommand({
        cluster: CLUSTER,
        serviceName: `svc-${i}`,
        taskDefinition: td.taskDefinition!.taskDefinitionArn!,
        desiredCount: 0,
        launchType: 'FARGATE',
        networkConfiguration: { awsvpcConfiguration: { subnets: [emulatorVar('SUBNET_A')], securityGroups: [emulatorVar('SECURITY_GROUP')] } },
      }),
    );
    await aas.send(
      new RegisterScalableTargetCommand({ ServiceNamespace: 'ecs', ResourceId: idOf(i), ScalableDimension: DIMENSION, MinCapacity: 0, MaxCapacity: 4 }),
    );
  }
  // svc-1 gets 12 policies and 7 scheduled actions; svc-10 (whose id contains svc-1's) one policy
  for (let p = 0; p < 12; p++)
    await aas.send(
      new PutScalingPolicyCommand({
        ServiceNamespace: 'ecs',
        ResourceId: idOf(1),
        ScalableDimension: DIMENSION,
        PolicyName: `cpu-${p}`,
        PolicyType: 'TargetTrackingScaling',
        TargetTrackingScalingPolicyConfiguration: {
          TargetValue: 50 + p,
          PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
        },
      }),
    );
  await aas.send(
    new PutScalingPolicyCommand({
      ServiceNamespace: 'ecs',
      ResourceId: idOf(10),
      ScalableDimension: DIMENSION,
      PolicyName: 'only-mine',
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: { TargetValue: 70, PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' } },
    }),
  );
  for (let a = 0; a < 7; a++)
    await aas.send(
      new PutScheduledActionCommand({
        ServiceNamespace: 'ecs',
        ResourceId: idOf(1),
        ScalableDimension: DIMENSION,
        ScheduledActionName: `night-${a}`,
        Schedule: `cron(0 ${a} * * ? *)`,
        ScalableTargetAction: { MinCapacity: 0, MaxCapacity: 1 },
      }),
    );
}, 120_000);

describe('Application Auto Scaling pages as its API reference documents', () => {
  it('DescribeScalableTargets: 12 targets at MaxResults 5 are pages of 5, 5 and 2, then no NextToken', async () => {
    const seen: string[] = [];
    const sizes = await pageSizes(async (NextToken) => {
      const r = await aas.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs', ResourceIds: ids, MaxResults: 5, NextToken }));
      seen.push(...(r.ScalableTargets ?? []).map((t) => t.ResourceId!));
      return { size: r.ScalableTargets?.length ?? 0, next: r.NextToken };
    });
    expect(sizes).toEqual([5, 5, 2]);
    expect(new Set(seen)).toEqual(new Set(ids));
  });

  it('DescribeScalingPolicies: 10 a page at most (MaxResults 11 is a ValidationException), one ResourceId answers its own policies only', async () => {
    const sizes = await pageSizes(async (NextToken) => {
      const r = await aas.send(new DescribeScalingPoliciesCommand({ ServiceNamespace: 'ecs', ResourceId: idOf(1), NextToken }));
      return { size: r.ScalingPolicies?.length ?? 0, next: r.NextToken };
    });
    expect(sizes).toEqual([10, 2]);
    await expect(aas.send(new DescribeScalingPoliciesCommand({ ServiceNamespace: 'ecs', ResourceId: idOf(1), MaxResults: 11 }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
    const ten = await aas.send(new DescribeScalingPoliciesCommand({ ServiceNamespace: 'ecs', ResourceId: idOf(10) }));
    expect(ten.ScalingPolicies?.map((p) => p.PolicyName)).toEqual(['only-mine']);
  });

  it('DescribeScheduledActions: 7 actions at MaxResults 5 are pages of 5 and 2', async () => {
    const sizes = await pageSizes(async (NextToken) => {
      const r = await aas.send(new DescribeScheduledActionsCommand({ ServiceNamespace: 'ecs', ResourceId: idOf(1), MaxResults: 5, NextToken }));
      return { size: r.ScheduledActions?.length ?? 0, next: r.NextToken };
    });
    expect(sizes).toEqual([5, 2]);
  });
});
