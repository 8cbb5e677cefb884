// The live read on the in-memory gateway: how many calls ECS receives (DescribeServices
// 10 names a call, every page of every list), what a describe's failures mean, and a
// region that cannot be reached, in milliseconds.
import { describe, expect, it } from 'vitest';
import { emptyEstate, readLiveEstate, refreshLiveResources } from '../src/live/index.js';
import { type InMemoryGateway, InMemoryGateways } from './support/in-memory-gateway.js';
import { FAKE_REGION, fixture, passOnFake } from './support/pass-on-fake.js';

const SCALING_READS = new Set(['DescribeScalableTargets', 'DescribeScalingPolicies', 'DescribeScheduledActions']);
const cluster = (name: string) => ({ kind: 'Cluster' as const, name, region: FAKE_REGION });

async function seed(gw: InMemoryGateway, services: number, clusterName = 'prod'): Promise<void> {
  await gw.createCluster({ clusterName });
  await gw.registerTaskDefinition({ family: 'app', containerDefinitions: [{ name: 'app', image: 'nginx' }] });
  for (let i = 1; i <= services; i++)
    await gw.createService({ cluster: clusterName, serviceName: `svc-${String(i).padStart(2, '0')}`, taskDefinition: 'app', desiredCount: 1 });
}

describe('the live read on the in-memory gateway', () => {
  it('describes 25 services in 3 DescribeServices calls of at most 10, after every ListServices page', async () => {
    const fake = new InMemoryGateways({ pageSize: 10 });
    await seed(fake.forRegion(FAKE_REGION), 25);
    fake.clearCalls();
    const estate = await readLiveEstate(fake, { controllerId: 'default', regions: [], desired: [cluster('prod')] });
    expect(estate.services.size).toBe(25);
    expect(fake.callsOf('ListServices').map((c) => c.input.nextToken)).toEqual([undefined, '10', '20']);
    expect(fake.callsOf('DescribeServices').map((c) => (c.input.services as string[]).length)).toEqual([10, 10, 5]);
    expect(estate.unreadable.size).toBe(0);
  });

  it("keeps of a service's 100 events the latest 10 at the gateway (no ids), and of those the report's 5 and the rollout's (issue 19)", async () => {
    const fake = new InMemoryGateways();
    const gw = fake.forRegion(FAKE_REGION);
    await seed(gw, 1);
    // [API] Service.events: up to 100, newest first; a long-running service has 100
    const events = Array.from({ length: 100 }, (_, i) => ({
      id: `e-${i}`,
      createdAt: new Date(Date.UTC(2026, 0, 1) - i * 3600_000),
      message: `(service svc-01) event ${i}`,
    }));
    // ECS's words for a failed rollout (rollout.ts): kept past the report's five, as is a rollback
    events[7]!.message = '(service svc-01) (deployment ecs-svc/123) deployment failed: tasks failed to start.';
    events[8]!.message = '(service svc-01) rolling back to deployment ecs-svc/122.';
    events[12]!.message = '(service svc-01) (deployment ecs-svc/100) deployment failed: tasks failed to start.';
    gw.putServiceEvents('prod', 'svc-01', events);
    const answered = (await gw.describeServices('prod', ['svc-01'])).services[0]!;
    expect(answered.events).toEqual(events.slice(0, 10).map(({ createdAt, message }) => ({ createdAt, message })));
    const estate = await readLiveEstate(fake, { controllerId: 'default', regions: [], desired: [cluster('prod')] });
    const live = estate.services.get(`Service/${FAKE_REGION}/prod/svc-01`)!;
    // the report's latest 5, then of the 10 read only the rollout judgement's (not the 13th: past the 10)
    expect(live.events.map((e) => e.message)).toEqual([...events.slice(0, 5), events[7]!, events[8]!].map((e) => e.message));
    expect(live.events[0]!.at).toBe('2026-01-01T00:00:00.000Z');
  });

  it('reads again from the last estate (the daemon, issue 19): an unchanged service keeps its record, the same object; a service changed by hand, or whose scaling changed, gets a new one', async () => {
    const fake = new InMemoryGateways();
    const gw = fake.forRegion(FAKE_REGION);
    await seed(gw, 25);
    const read = (previous?: ReturnType<typeof emptyEstate>) =>
      readLiveEstate(fake, { controllerId: 'default', regions: [], desired: [cluster('prod')], ...(previous ? { previous } : {}) });
    const id = (n: number) => `Service/${FAKE_REGION}/prod/svc-${String(n).padStart(2, '0')}`;
    fake.clearCalls();
    const first = await read(emptyEstate());
    const describes = fake.callsOf('DescribeServices').length;
    expect(first.services.size).toBe(25);

    fake.clearCalls();
    const second = await read(first);
    // the same calls: only the decoding is saved
    expect(fake.callsOf('DescribeServices').length).toBe(describes);
    for (const [key, live] of first.services) expect(second.services.get(key), key).toBe(live);

    await gw.updateService({ cluster: 'prod', service: 'svc-03', desiredCount: 5 });
    await gw.registerScalableTarget({
      ServiceNamespace: 'ecs',
      ResourceId: 'service/prod/svc-04',
      ScalableDimension: 'ecs:service:DesiredCount',
      MinCapacity: 1,
      MaxCapacity: 4,
    });
    const third = await read(second);
    expect(third.services.get(id(3))).not.toBe(second.services.get(id(3)));
    expect(third.services.get(id(3))!.desiredCount).toBe(5);
    expect(third.services.get(id(3))!.spec.desiredCount).toBe(5);
    expect(third.services.get(id(4))).not.toBe(second.services.get(id(4)));
    expect(third.services.get(id(4))!.scaling).toMatchObject({ minCapacity: 1, maxCapacity: 4 });
    for (const n of [1, 2, 5, 25]) expect(third.services.get(id(n)), id(n)).toBe(second.services.get(id(n)));

    // what a read with nothing to go on (a CLI run) makes of the same services is the same, record by record
    const fresh = await read();
    expect(fresh.services.get(id(1))).not.toBe(third.services.get(id(1)));
    expect([...fresh.services]).toEqual([...third.services]);

    // a deleted service is gone from the next read, known or not
    await gw.deleteService('prod', 'svc-05');
    const fourth = await read(third);
    expect(fourth.services.has(id(5))).toBe(false);
    expect(fourth.services.size).toBe(24);

    // a targeted pass (an event's, a resync slice's) reads the services it names from the last estate too
    await gw.updateService({ cluster: 'prod', service: 'svc-07', desiredCount: 3 });
    fake.clearCalls();
    const named = (n: number) => ({ kind: 'Service' as const, name: `svc-${String(n).padStart(2, '0')}`, region: FAKE_REGION, cluster: 'prod' });
    const targeted = await refreshLiveResources(fake, fourth, [named(6), named(7)], 'default');
    expect(fake.callsOf('DescribeServices')).toHaveLength(1);
    expect(targeted.services.get(id(6))).toBe(fourth.services.get(id(6)));
    expect(targeted.services.get(id(7))).not.toBe(fourth.services.get(id(7)));
    expect(targeted.services.get(id(7))!.desiredCount).toBe(3);
  });

  it('follows every page of ListClusters and ListTaskDefinitions', async () => {
    const fake = new InMemoryGateways({ pageSize: 2 });
    const gw = fake.forRegion(FAKE_REGION);
    for (const name of ['a', 'b', 'c', 'd', 'e']) await gw.createCluster({ clusterName: name });
    for (let i = 0; i < 5; i++) await gw.registerTaskDefinition({ family: 'app', containerDefinitions: [{ name: 'app', image: `nginx:${i}` }] });
    fake.clearCalls();
    const estate = await readLiveEstate(fake, {
      controllerId: 'default',
      regions: [],
      desired: [cluster('e'), { kind: 'TaskDefinition', name: 'app', region: FAKE_REGION }],
    });
    expect(fake.callsOf('ListClusters')).toHaveLength(3);
    expect(fake.callsOf('ListTaskDefinitions')).toHaveLength(3);
    expect([...estate.clusters.values()].map((c) => c.name)).toEqual(['e']);
    const family = [...estate.families.values()][0]!;
    expect(family.activeRevisionArns).toHaveLength(5);
    expect(family.latest.revision).toBe(5);
  });

  it('a name DescribeServices reports as a failure (MISSING), or a deleted service (INACTIVE), is missing, not an error', async () => {
    const fake = new InMemoryGateways();
    const gw = fake.forRegion(FAKE_REGION);
    await seed(gw, 2);
    await gw.deleteService('prod', 'svc-02');
    const r = await gw.describeServices('prod', ['svc-01', 'svc-02', 'never-made']);
    expect(r.services.map((s) => s.serviceName)).toEqual(['svc-01']);
    expect(r.missing.sort()).toEqual(['never-made', 'svc-02']);
    const base = await readLiveEstate(fake, { controllerId: 'default', regions: [], desired: [cluster('prod')] });
    expect(base.services.size).toBe(1);
    const refreshed = await refreshLiveResources(
      fake,
      base,
      [
        { kind: 'Service', name: 'svc-01', region: FAKE_REGION, cluster: 'prod' },
        { kind: 'Service', name: 'never-made', region: FAKE_REGION, cluster: 'prod' },
      ],
      'default',
    );
    expect([...refreshed.services.values()].map((s) => s.name)).toEqual(['svc-01']);
  });

  it('an unknown cluster is ClusterNotFoundException on DescribeServices, as ECS answers', async () => {
    const fake = new InMemoryGateways();
    await expect(fake.forRegion(FAKE_REGION).describeServices('nowhere', ['web'])).rejects.toMatchObject({ code: 'ClusterNotFoundException' });
  });

  it('a region that cannot be reached is unreadable; the others are read', async () => {
    const fake = new InMemoryGateways({ regions: [FAKE_REGION] });
    await seed(fake.forRegion(FAKE_REGION), 1);
    const estate = await readLiveEstate(fake, { controllerId: 'default', regions: ['xx-nowhere-1'], desired: [cluster('prod')] });
    expect(estate.unreadable.get('xx-nowhere-1')).toMatch(/ENOTFOUND/);
    expect(estate.services.size).toBe(1);
  });

  it('a pass whose region cannot be read changes nothing anywhere', async () => {
    const fake = new InMemoryGateways({ regions: ['us-east-1'] });
    const pass = await passOnFake(fake, fixture('estate.yaml'));
    expect(pass.readFailed).toBe(true);
    expect(fake.mutatingOperations()).toEqual([]);
  });

  it('reads auto scaling in three whole-namespace calls, and none when no service is read', async () => {
    const fake = new InMemoryGateways();
    await passOnFake(fake, fixture('estate.yaml'));
    fake.clearCalls();
    await readLiveEstate(fake, { controllerId: 'default', regions: [], desired: [cluster('prod')] });
    expect(fake.operations((op) => SCALING_READS.has(op))).toEqual(['DescribeScalableTargets', 'DescribeScalingPolicies', 'DescribeScheduledActions']);
    const empty = new InMemoryGateways();
    await empty.forRegion(FAKE_REGION).createCluster({ clusterName: 'prod' });
    await readLiveEstate(empty, { controllerId: 'default', regions: [], desired: [cluster('prod')] });
    expect(empty.operations((op) => SCALING_READS.has(op))).toEqual([]);
  });

  it('a revision is described once per process: the next read takes it from the cache', async () => {
    const first = new InMemoryGateways();
    await first.forRegion(FAKE_REGION).registerTaskDefinition({ family: 'app', containerDefinitions: [{ name: 'app', image: 'nginx' }] });
    const restarted = first.restarted();
    const desired = [{ kind: 'TaskDefinition' as const, name: 'app', region: FAKE_REGION }];
    await readLiveEstate(restarted, { controllerId: 'default', regions: [], desired });
    await readLiveEstate(restarted, { controllerId: 'default', regions: [], desired });
    expect(restarted.callsOf('DescribeTaskDefinition')).toHaveLength(1);
    expect(restarted.callsOf('ListTaskDefinitions')).toHaveLength(2);
  });
});
