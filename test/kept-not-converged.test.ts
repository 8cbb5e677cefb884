// "Kept, not converged" (src/apply/action-run.ts keptNotConverged): a handler that leaves
// part of its change undone on purpose, because live forbids it for now, does not advance
// the fight record, so waiting is never read as a fight. The cluster keeps a capacity
// provider a service still runs on with it.
import { describe, expect, it } from 'vitest';
import { actionRun } from '../src/apply/action-run.js';
import type { ResourceDiff } from '../src/diff/types.js';
import { TAG } from '../src/model/resource.js';
import type { PlannedAction } from '../src/plan/types.js';
import { InMemoryGateways } from './support/in-memory-gateway.js';
import { FAKE_REGION, outcomes, passOnFake, states } from './support/pass-on-fake.js';

describe('an action run', () => {
  const d = {
    id: 'Cluster/eu-west-1/prod',
    kind: 'Cluster',
    region: FAKE_REGION,
    name: 'prod',
    desiredHash: 'abc',
    fightTag: '2 2026-12-01T00:00:00.000Z 2026-12-01T00:00:00.000Z abc def',
    targetTags: { team: 'web' },
  } as unknown as ResourceDiff;
  const action = { kind: 'update-cluster', resource: d.id, fields: ['capacityProviders'] } as unknown as PlannedAction;
  const ctx = { gateways: new InMemoryGateways(), controllerId: 'default' };

  it('writes the advanced fight record while the change is carried out in full', () => {
    const run = actionRun(action, d, ctx.gateways.forRegion(FAKE_REGION), ctx, new Map(), new Map(), undefined);
    expect(run.allTags()[TAG.fight]).toBe(d.fightTag);
  });

  it('kept, not converged: writes the record as live has it (none stays none), and says what was kept', () => {
    const none = actionRun(action, d, ctx.gateways.forRegion(FAKE_REGION), ctx, new Map(), new Map(), undefined);
    none.keptNotConverged('kept associated for now: ec2');
    expect(TAG.fight in none.allTags()).toBe(false);
    expect(none.kept).toEqual(['kept associated for now: ec2']);
    const earlier = '2 2026-11-30T00:00:00.000Z 2026-11-30T00:00:00.000Z abc 123';
    const some = actionRun(action, d, ctx.gateways.forRegion(FAKE_REGION), ctx, new Map(), new Map(), earlier);
    some.keptNotConverged('kept');
    expect(some.allTags()[TAG.fight]).toBe(earlier);
    expect(some.allTags().team).toBe('web');
  });
});

const ASG = 'arn:aws:autoscaling:eu-west-1:123456789012:autoScalingGroup:1:autoScalingGroupName/ec2';
const estate = (providers: string) => `apiVersion: ecs-reconciler/v1
kind: CapacityProvider
metadata: { name: ec2 }
spec:
  autoScalingGroupProvider:
    autoScalingGroupArn: ${ASG}
---
apiVersion: ecs-reconciler/v1
kind: Cluster
metadata: { name: prod }
spec:
  capacityProviders: ${providers}
`;

describe('a cluster dropping a provider a hand-made service still runs on, on the fake gateway', () => {
  it('keeps it associated pass after pass without ever fighting, and detaches it once the service is gone', async () => {
    const fake = new InMemoryGateways();
    const gw = fake.forRegion(FAKE_REGION);
    expect((await passOnFake(fake, estate('[FARGATE, ec2]'))).problems).toEqual([]);
    await gw.createService({ cluster: 'prod', serviceName: 'hand', desiredCount: 0, capacityProviderStrategy: [{ capacityProvider: 'ec2', weight: 1 }] });

    // the manifest change (pending), then FIGHT_LIMIT passes and more of the same difference (drifted)
    for (let pass = 0; pass < 5; pass++) {
      const r = await passOnFake(fake, estate('[FARGATE]'));
      expect(states(r)['Cluster/eu-west-1/prod']).toBe(pass === 0 ? 'pending' : 'drifted');
      const [cluster] = (await gw.describeClusters(['prod'])).clusters;
      expect((cluster!.tags ?? []).find((t) => t.key === TAG.fight)).toBeUndefined();
      expect(outcomes(r)).toEqual(['update-cluster Cluster/eu-west-1/prod: applied']);
      expect(cluster!.capacityProviders).toEqual(['FARGATE', 'ec2']);
      expect(r.results[0]!.message).toContain('kept associated for now: ec2');
    }

    await gw.updateService({ cluster: 'prod', service: 'hand', desiredCount: 0 });
    await gw.deleteService('prod', 'hand');
    const after = await passOnFake(fake, estate('[FARGATE]'));
    expect(outcomes(after)).toEqual(['update-cluster Cluster/eu-west-1/prod: applied']);
    expect(after.results[0]!.message).toBeUndefined();
    expect((await gw.describeClusters(['prod'])).clusters[0]!.capacityProviders).toEqual(['FARGATE']);
  });
});
