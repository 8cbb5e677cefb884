// Issue 19's read budget: a whole resync cycle (the slices `run --events-queue
// --read-budget` spreads over its interval) reads about what one whole pass reads. The
// task definition families of a slice come from the cycle's ListTaskDefinitions pages
// (ASC, 100 a page), read on from slice to slice, not from one ListTaskDefinitions per family.
// On the in-memory gateway, counting calls.
import { describe, expect, it } from 'vitest';
import { readScalingInCycle, scalingFromApi } from '../src/kinds/service/scaling-read.js';
import { readNamedFamilies } from '../src/kinds/task-definition/read.js';
import type { Json, LiveTaskDefinitionFamily } from '../src/model/live.js';
import { TAG } from '../src/model/resource.js';
import { revisionOf } from '../src/model/revision-arn.js';
import { InMemoryGateways } from './support/in-memory-gateway.js';
import { FAKE_REGION } from './support/pass-on-fake.js';

const FAMILIES = 250;
const name = (i: number) => `app-${String(i).padStart(3, '0')}`;

async function estate() {
  const fake = new InMemoryGateways({ regions: [FAKE_REGION] });
  const gw = fake.forRegion(FAKE_REGION);
  for (let i = 0; i < FAMILIES; i++) {
    // every 7th family has 3 revisions: families straddle page boundaries
    for (let r = 0; r < (i % 7 === 0 ? 3 : 1); r++)
      await gw.registerTaskDefinition({
        family: name(i),
        containerDefinitions: [{ name: 'app', image: `img:${r}` }],
        tags: [{ key: TAG.managedBy, value: 'default' }],
      });
  }
  return { fake, gw };
}

/** The slices of one cycle: 100 families each, in id order (as planResyncSlices orders them). */
const slices = (names: string[]) => [names.slice(0, 100), names.slice(100, 200), names.slice(200)];
const allNames = () => Array.from({ length: FAMILIES }, (_, i) => name(i));

async function readSlice(gw: ReturnType<InMemoryGateways['forRegion']>, names: string[], state?: Map<string, unknown>) {
  const cycle = state ? { cycle: { state, slicesLeft: 1, fresh: new Set<string>() } } : {};
  return readNamedFamilies(gw, FAKE_REGION, { refs: names.map((n) => ({ name: n })), controllerId: 'default', before: new Map(), ...cycle });
}

async function truth(gw: ReturnType<InMemoryGateways['forRegion']>, family: string): Promise<string[]> {
  return (await gw.listTaskDefinitionArns({ familyPrefix: family }))
    .filter((a) => revisionOf(a).family === family)
    .sort((a, b) => revisionOf(b).revision - revisionOf(a).revision);
}

async function expectTrue(gw: ReturnType<InMemoryGateways['forRegion']>, read: LiveTaskDefinitionFamily[], names: string[]) {
  for (const n of names) {
    const want = await truth(gw, n);
    const got = read.find((f) => f.name === n);
    if (!want.length) expect(got, n).toBeUndefined();
    else expect(got?.activeRevisionArns, n).toEqual(want);
  }
}

describe('a resync cycle reads the task definition listing about once', () => {
  it('its slices read the pages in turn: ceil(R/100) ListTaskDefinitions and a few more, not one a family', async () => {
    const { fake, gw } = await estate();
    const revisions = (await gw.listTaskDefinitionArns()).length; // 322
    fake.clearCalls();
    const cycle = new Map<string, unknown>();
    const read: LiveTaskDefinitionFamily[] = [];
    for (const s of slices(allNames())) read.push(...(await readSlice(gw, s, cycle)));
    const calls = fake.callsOf('ListTaskDefinitions');
    // one whole pass: ceil(322/100) = 4 pages; each later slice re-lists at most its two boundary families
    expect(calls.length).toBeLessThanOrEqual(Math.ceil(revisions / 100) + 2 + 2 * 2);
    expect(calls.length).toBeGreaterThanOrEqual(Math.ceil(revisions / 100));
    expect(read.map((f) => f.name)).toEqual(allNames());
    fake.clearCalls();
    await expectTrue(gw, read, allNames());
  });

  it('without a cycle (an event, a file change) each named family is listed by its prefix', async () => {
    const { fake, gw } = await estate();
    fake.clearCalls();
    await readSlice(gw, [name(3), name(9)]);
    expect(fake.callsOf('ListTaskDefinitions').map((c) => c.input.familyPrefix)).toEqual([name(3), name(9)]);
  });

  it('revisions registered and deregistered by hand between slices are seen, and a family gone is gone', async () => {
    const { fake, gw } = await estate();
    const cycle = new Map<string, unknown>();
    const [first, second, third] = slices(allNames());
    const read = await readSlice(gw, first!, cycle);
    // between the slices (minutes apart): the list before the cursor shrinks, which moves
    // an offset token forward. The second slice restarts in the page at offset 100; app-105
    // (3 revisions) sits at offsets 135-137, so 36 fewer ARNs before it make that page start
    // at app-105's second revision: without a second look its oldest revision is lost.
    for (const arn of (await gw.listTaskDefinitionArnsPage()).arns.slice(0, 36)) await gw.deregisterTaskDefinition(arn);
    // and a family of the next slice gets a revision from CI, another is deregistered whole
    const byHand = await gw.registerTaskDefinition({ family: name(140), containerDefinitions: [{ name: 'app', image: 'by-hand' }] });
    for (const arn of await truth(gw, name(120))) await gw.deregisterTaskDefinition(arn);
    read.push(...(await readSlice(gw, second!, cycle)), ...(await readSlice(gw, third!, cycle)));
    fake.clearCalls();
    await expectTrue(gw, read.slice(100), [...second!, ...third!]);
    expect(read.find((f) => f.name === name(120))).toBeUndefined();
    const f140 = read.find((f) => f.name === name(140))!;
    expect(f140.latest.arn).toBe(byHand.taskDefinition.taskDefinitionArn);
    // the family of the boundary page is right although the offset token moved
    for (const n of [...second!, ...third!]) expect(read.find((f) => f.name === n)?.activeRevisionArns ?? [], n).toEqual(await truth(gw, n));
  });

  it('the next cycle starts from the first page again', async () => {
    const { fake, gw } = await estate();
    const cycle = new Map<string, unknown>();
    for (const s of slices(allNames())) await readSlice(gw, s, cycle);
    const byHand = await gw.registerTaskDefinition({ family: name(1), containerDefinitions: [{ name: 'app', image: 'by-hand' }] });
    fake.clearCalls();
    const again = await readSlice(gw, slices(allNames())[0]!, cycle);
    expect(fake.callsOf('ListTaskDefinitions')[0]!.input.nextToken).toBeUndefined();
    expect(again.find((f) => f.name === name(1))!.latest.arn).toBe(byHand.taskDefinition.taskDefinitionArn);
    await expectTrue(gw, again, slices(allNames())[0]!);
  });
});

describe('a resync cycle reads the namespace auto scaling about once', () => {
  const TARGETS = 60;
  const scalingId = (i: number) => `service/prod/svc-${String(i).padStart(2, '0')}`;
  const serviceId = (i: number) => `Service/${FAKE_REGION}/prod/svc-${String(i).padStart(2, '0')}`;
  const policy = (i: number, target: number) => ({
    PolicyName: 'cpu',
    ServiceNamespace: 'ecs' as const,
    ResourceId: scalingId(i),
    ScalableDimension: 'ecs:service:DesiredCount' as const,
    PolicyType: 'TargetTrackingScaling' as const,
    TargetTrackingScalingPolicyConfiguration: {
      TargetValue: target,
      PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' as const },
    },
  });

  async function scaled() {
    const fake = new InMemoryGateways({ regions: [FAKE_REGION] });
    const gw = fake.forRegion(FAKE_REGION);
    await gw.createCluster({ clusterName: 'prod' });
    await gw.registerTaskDefinition({ family: 'app', containerDefinitions: [{ name: 'app', image: 'img' }] });
    for (let i = 0; i < TARGETS; i++) {
      await gw.createService({ cluster: 'prod', serviceName: `svc-${String(i).padStart(2, '0')}`, taskDefinition: 'app:1', desiredCount: 1 });
      await gw.registerScalableTarget({
        ServiceNamespace: 'ecs',
        ResourceId: scalingId(i),
        ScalableDimension: 'ecs:service:DesiredCount',
        MinCapacity: 1,
        MaxCapacity: 4,
      });
      await gw.putScalingPolicy(policy(i, 50));
      await gw.putScheduledAction({
        ServiceNamespace: 'ecs',
        ResourceId: scalingId(i),
        ScalableDimension: 'ecs:service:DesiredCount',
        ScheduledActionName: 'night',
        Schedule: 'cron(0 0 * * ? *)',
        ScalableTargetAction: { MinCapacity: 1 },
      });
    }
    // what the whole read at the daemon's start held, as the slices' `before`
    const before = new Map<string, Json>();
    for (const t of await gw.listScalableTargets())
      before.set(t.ResourceId!, scalingFromApi(t, await gw.listScalingPolicies(t.ResourceId!), await gw.listScheduledActions(t.ResourceId!)));
    return { fake, gw, before };
  }

  /** One cycle of 3 slices of 20 services; returns what each service's scaling was read as. */
  async function cycleOf(gw: ReturnType<InMemoryGateways['forRegion']>, state: Map<string, unknown>, before: Map<string, Json>, fresh = new Set<string>()) {
    const read = new Map<string, Json>();
    for (let s = 0; s < 3; s++) {
      const services = Array.from({ length: 20 }, (_, k) => s * 20 + k).map((i) => ({
        scalingId: scalingId(i),
        id: serviceId(i),
        before: before.get(scalingId(i)),
      }));
      for (const [id, v] of await readScalingInCycle(gw, { state, slicesLeft: 2 - s, fresh }, services)) {
        read.set(id, v);
        before.set(id, v);
      }
    }
    return read;
  }

  it('one cycle: targets 50 a call per slice, policies and scheduled actions one run of namespace pages, not two calls a target', async () => {
    const { fake, gw, before } = await scaled();
    const state = new Map<string, unknown>();
    fake.clearCalls();
    await cycleOf(gw, state, before);
    expect(fake.callsOf('DescribeScalableTargets')).toHaveLength(3);
    // 60 policies at 10 a page: 6 pages; 60 scheduled actions at 50: 2 pages
    expect(fake.callsOf('DescribeScalingPolicies')).toHaveLength(6);
    expect(fake.callsOf('DescribeScheduledActions')).toHaveLength(2);
    expect(fake.callsOf('DescribeScalingPolicies').every((c) => c.input.ResourceId === undefined)).toBe(true);
    fake.clearCalls();
    await cycleOf(gw, state, before);
    // the second cycle spreads the 6 pages it now knows of over its 3 slices
    expect(fake.callsOf('DescribeScalingPolicies')).toHaveLength(6);
    expect(fake.callsOf('DescribeScheduledActions')).toHaveLength(2);
  });

  it('a policy changed by hand between cycles is seen by the cycle after the next (its run ends with the next); a target changed by hand in its own slice', async () => {
    const { gw, before } = await scaled();
    const state = new Map<string, unknown>();
    await cycleOf(gw, state, before);
    await gw.putScalingPolicy(policy(3, 90));
    await gw.registerScalableTarget({ ServiceNamespace: 'ecs', ResourceId: scalingId(45), ScalableDimension: 'ecs:service:DesiredCount', MaxCapacity: 9 });
    // the next cycle's run reads the namespace's pages to its end; the cycle after it takes the policy from that run
    await cycleOf(gw, state, before);
    const read = await cycleOf(gw, state, before);
    expect((read.get(scalingId(3))!.targetTracking as Array<{ targetValue: number }>)[0]!.targetValue).toBe(90);
    expect(read.get(scalingId(45))!.maxCapacity).toBe(9);
    expect((read.get(scalingId(4))!.targetTracking as Array<{ targetValue: number }>)[0]!.targetValue).toBe(50);
    expect((read.get(scalingId(4))!.scheduled as unknown[]).length).toBe(1);
  });

  it('a service the controller changed since is read by its own ResourceId', async () => {
    const { fake, gw, before } = await scaled();
    const state = new Map<string, unknown>();
    await gw.putScalingPolicy(policy(7, 70));
    fake.clearCalls();
    const read = await cycleOf(gw, state, before, new Set([serviceId(7)]));
    expect(fake.callsOf('DescribeScalingPolicies').filter((c) => c.input.ResourceId === scalingId(7))).toHaveLength(1);
    expect((read.get(scalingId(7))!.targetTracking as Array<{ targetValue: number }>)[0]!.targetValue).toBe(70);
  });
});
