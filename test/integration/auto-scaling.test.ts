// Service auto scaling on the emulator: converge, desiredCount ownership, drift of a
// policy, and removal in order (policies and scheduled actions, then the target).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ApplicationAutoScalingClient,
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
  DescribeScheduledActionsCommand,
  PutScalingPolicyCommand,
} from '@aws-sdk/client-application-auto-scaling';
import { DescribeServicesCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { sdkClientConfig } from './emulator-helpers.js';
import { ecsClient, REPO_ROOT, reconcile, scratchManifests, states } from './reconcile-helpers.js';

const SERVICE = 'Service/us-east-1/scaling/scaled';
const NS = { ServiceNamespace: 'ecs', ResourceId: 'service/scaling/scaled', ScalableDimension: 'ecs:service:DesiredCount' } as const;

function scaling(): ApplicationAutoScalingClient {
  return new ApplicationAutoScalingClient(sdkClientConfig());
}

async function desiredCount(): Promise<number | undefined> {
  const r = await ecsClient().send(new DescribeServicesCommand({ cluster: 'scaling', services: ['scaled'] }));
  return r.services?.[0]?.desiredCount;
}

describe('a service with target tracking, step scaling and a scheduled action', () => {
  const dir = scratchManifests(join(REPO_ROOT, 'test', 'fixtures', 'scaling'));

  it('converges from empty and then plans in-sync', async () => {
    const applied = await reconcile(dir, { mode: 'apply' });
    expect(applied.results.filter((r) => r.outcome !== 'applied')).toEqual([]);
    expect(applied.calls.RegisterScalableTarget).toBe(1);
    expect(applied.calls.PutScalingPolicy).toBe(2);
    expect(applied.calls.PutScheduledAction).toBe(1);
    const plan = await reconcile(dir);
    expect(plan.diffs.filter((d) => d.state !== 'in-sync').map((d) => ({ id: d.id, changes: d.changes }))).toEqual([]);
    const again = await reconcile(dir, { mode: 'apply' });
    expect(again.mutatingCalls).toBe(0);
  });

  it('leaves a desiredCount inside [min, max] to the autoscaler and reports it with that cause', async () => {
    await ecsClient().send(new UpdateServiceCommand({ cluster: 'scaling', service: 'scaled', desiredCount: 5 }));
    const plan = await reconcile(dir, { mode: 'apply' });
    const svc = plan.diffs.find((d) => d.id === SERVICE)!;
    expect(svc.state).toBe('in-sync');
    expect(svc.ignored).toContainEqual({ path: 'desiredCount', live: 5, desired: 2, cause: 'autoscaler' });
    expect(plan.mutatingCalls).toBe(0);
    expect(await desiredCount()).toBe(5);
  });

  it('restores a desiredCount outside the range to the nearest bound', async () => {
    await ecsClient().send(new UpdateServiceCommand({ cluster: 'scaling', service: 'scaled', desiredCount: 20 }));
    const plan = await reconcile(dir);
    expect(plan.diffs.find((d) => d.id === SERVICE)!.changes).toContainEqual(expect.objectContaining({ path: 'desiredCount', live: 20, desired: 8 }));
    await reconcile(dir, { mode: 'apply' });
    expect(await desiredCount()).toBe(8);
  });

  it('reports a policy edited by hand as drifted and restores it', async () => {
    await scaling().send(
      new PutScalingPolicyCommand({
        ...NS,
        PolicyName: 'cpu60',
        PolicyType: 'TargetTrackingScaling',
        TargetTrackingScalingPolicyConfiguration: {
          TargetValue: 90,
          PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
          ScaleInCooldown: 120,
        },
      }),
    );
    const plan = await reconcile(dir);
    const svc = plan.diffs.find((d) => d.id === SERVICE)!;
    expect(svc.state).toBe('drifted');
    expect(svc.changes).toEqual([{ path: 'autoScaling.targetTracking[policyName=cpu60].targetValue', live: 90, desired: 60, cause: 'out-of-band' }]);
    const applied = await reconcile(dir, { mode: 'apply' });
    expect(applied.calls.PutScalingPolicy).toBe(1);
    expect(states(await reconcile(dir))[SERVICE]).toBe('in-sync');
  });

  it('removing the block removes policies and scheduled actions, then the target', async () => {
    const file = join(dir, 'scaling.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/\n {2}autoScaling:[\s\S]*$/, '\n'));
    const calls: string[] = [];
    const applied = await reconcile(dir, { mode: 'apply', onCall: (op) => calls.push(op) });
    expect(applied.results.filter((r) => r.outcome !== 'applied')).toEqual([]);
    const scalingCalls = calls.filter((c) => /ScalingPolicy|ScheduledAction|ScalableTarget/.test(c) && !c.startsWith('Describe'));
    expect(scalingCalls).toEqual(['DeleteScalingPolicy', 'DeleteScalingPolicy', 'DeleteScheduledAction', 'DeregisterScalableTarget']);
    const aas = scaling();
    expect((await aas.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs' }))).ScalableTargets).toEqual([]);
    expect((await aas.send(new DescribeScalingPoliciesCommand({ ServiceNamespace: 'ecs' }))).ScalingPolicies).toEqual([]);
    expect((await aas.send(new DescribeScheduledActionsCommand({ ServiceNamespace: 'ecs' }))).ScheduledActions).toEqual([]);
    expect(states(await reconcile(dir))[SERVICE]).toBe('in-sync');
  });
});

describe('ecs-reconciler/suspend-scale-in-during-deploy', () => {
  it('suspends dynamic scale-in around a rollout the controller starts, and resumes it', async () => {
    const dir = scratchManifests(join(REPO_ROOT, 'test', 'fixtures', 'scaling'));
    const file = join(dir, 'scaling.yaml');
    const text = readFileSync(file, 'utf8');
    writeFileSync(
      file,
      text.replace(
        'metadata: { name: scaled, cluster: scaling }',
        'metadata:\n  name: scaled\n  cluster: scaling\n  annotations: { ecs-reconciler/suspend-scale-in-during-deploy: "true" }',
      ),
    );
    await reconcile(dir, { mode: 'apply' });
    writeFileSync(file, readFileSync(file, 'utf8').replace('nginx:1.27', 'nginx:1.28'));
    const calls: string[] = [];
    const applied = await reconcile(dir, { mode: 'apply', onCall: (op) => calls.push(op) });
    expect(applied.results.filter((r) => r.outcome !== 'applied')).toEqual([]);
    const around = calls.filter((c) => c === 'RegisterScalableTarget' || c === 'UpdateService');
    expect(around).toEqual(['RegisterScalableTarget', 'UpdateService', 'RegisterScalableTarget']);
    const t = await scaling().send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs', ResourceIds: ['service/scaling/scaled'] }));
    expect(t.ScalableTargets?.[0]?.SuspendedState?.DynamicScalingInSuspended ?? false).toBe(false);
    expect(states(await reconcile(dir))[SERVICE]).toBe('in-sync');
  });
});
