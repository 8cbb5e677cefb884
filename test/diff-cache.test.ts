// The diff stage's cache (src/pipeline/diff-cache.ts, issue 19 item 4): an unchanged
// resource is not diffed again; any change on either side (the manifest, its live record,
// what it inherits from its cluster, its task definition, the scaling target, ignore
// rules, the controller id) diffs it again; cached and uncached diffs agree; the cache
// holds the last pass's resources only.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DiffInput } from '../src/diff/resource-diff.js';
import type { ResourceDiff } from '../src/diff/types.js';
import { REGISTRY } from '../src/kinds/registry.js';
import { emptyEstate, readLiveEstate } from '../src/live/index.js';
import { type LoadResult, loadManifestTexts } from '../src/manifests/index.js';
import type { LiveEstate } from '../src/model/live.js';
import { diffEstate } from '../src/pipeline/diff.js';
import { DiffCache } from '../src/pipeline/diff-cache.js';
import { planEstate } from '../src/pipeline/plan.js';
import { mulberry32 } from './seeded-random.js';
import { InMemoryGateways } from './support/in-memory-gateway.js';
import { FAKE_REGION, fixture, passOnFake } from './support/pass-on-fake.js';

const CONTROLLER = 'default';

function load(texts: string[], vars: Record<string, string> = {}): LoadResult {
  return loadManifestTexts(
    texts.map((text, i) => ({ file: `m-${i}.yaml`, text })),
    { defaultRegion: FAKE_REGION, vars: new Map(Object.entries(vars)) },
  );
}

function inputOf(loaded: LoadResult, live: LiveEstate, extra: Partial<DiffInput> = {}): DiffInput {
  return { desired: loaded.resources, invalid: loaded.invalid, live, controllerId: CONTROLLER, defaultRegion: FAKE_REGION, ...extra };
}

async function read(fake: InMemoryGateways, loaded: LoadResult): Promise<LiveEstate> {
  return readLiveEstate(fake, { controllerId: CONTROLLER, regions: [FAKE_REGION], desired: loaded.resources });
}

/** Counts the kinds' diff calls (what the cache saves: each is a normalize and a field diff). */
function countDiffs(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const kind of REGISTRY) {
    const original = kind.diff.bind(kind);
    vi.spyOn(kind, 'diff').mockImplementation((...args: Parameters<typeof kind.diff>) => {
      counts.set(kind.name, (counts.get(kind.name) ?? 0) + 1);
      return original(...args);
    });
  }
  return counts;
}

/** An estate of one cluster, two task definitions and two services, applied on the fake. */
function estateTexts(opts: { image?: string; desiredCount?: number; ignore?: string } = {}): string[] {
  const base = fixture('estate.yaml');
  const api = `apiVersion: ecs-reconciler/v1
kind: TaskDefinition
metadata: { name: api }
spec:
  networkMode: awsvpc
  requiresCompatibilities: [FARGATE]
  cpu: "256"
  memory: "512"
  containerDefinitions:
    - { name: api, image: "${opts.image ?? 'public.ecr.aws/docker/library/httpd:2.4'}", essential: true }
---
apiVersion: ecs-reconciler/v1
kind: Service
metadata:
  name: api
  cluster: prod
${opts.ignore ? `  annotations: { ecs-reconciler/ignore: "${opts.ignore}" }\n` : ''}spec:
  taskDefinition: api
  desiredCount: ${opts.desiredCount ?? 1}
  launchType: FARGATE
  networkConfiguration:
    awsvpcConfiguration: { subnets: [subnet-0example00000000a], securityGroups: [sg-0example000000000] }
  tags: { team: api }
`;
  return [base, api];
}

async function appliedEstate(): Promise<{ fake: InMemoryGateways; loaded: LoadResult }> {
  const fake = new InMemoryGateways();
  const texts = estateTexts();
  const applied = await passOnFake(fake, texts);
  expect(applied.results.every((r) => r.outcome === 'applied')).toBe(true);
  return { fake, loaded: load(texts) };
}

afterEach(() => vi.restoreAllMocks());

describe('the diff cache', () => {
  it('an unchanged estate (same manifests, same DescribeServices answers) is not diffed again', async () => {
    const { fake, loaded } = await appliedEstate();
    const cache = new DiffCache();
    const first = diffEstate(inputOf(loaded, await read(fake, loaded)), cache);
    expect(first.map((d) => d.state)).toEqual(first.map(() => 'in-sync'));
    const counts = countDiffs();
    // a new live read: new objects with the same content, as every pass gets
    const second = diffEstate(inputOf(loaded, await read(fake, loaded)), cache);
    expect([...counts.values()].reduce((a, b) => a + b, 0)).toBe(0);
    expect(cache.stats.hits).toBe(first.length);
    expect(second).toEqual(first.map((d) => ({ ...withoutInSyncTargets(d), live: expect.anything() })));
    expect(second.map((d) => d.state)).toEqual(first.map((d) => d.state));
  });

  it('a live change (an out-of-band UpdateService) re-diffs that service only, and it is drifted', async () => {
    const { fake, loaded } = await appliedEstate();
    const cache = new DiffCache();
    diffEstate(inputOf(loaded, await read(fake, loaded)), cache);
    await fake.forRegion(FAKE_REGION).updateService({ cluster: 'prod', service: 'api', desiredCount: 5 });
    const counts = countDiffs();
    const diffs = diffEstate(inputOf(loaded, await read(fake, loaded)), cache);
    expect(Object.fromEntries(counts)).toEqual({ Service: 1 });
    expect(diffs.find((d) => d.id === 'Service/eu-west-1/prod/api')!.state).toBe('drifted');
  });

  it('a changed tag on the live service re-diffs it', async () => {
    const { fake, loaded } = await appliedEstate();
    const cache = new DiffCache();
    const first = diffEstate(inputOf(loaded, await read(fake, loaded)), cache);
    const arn = (first.find((d) => d.id === 'Service/eu-west-1/prod/web')!.live as { arn: string }).arn;
    await fake.forRegion(FAKE_REGION).tagResource(arn, { team: 'someone-else' });
    const counts = countDiffs();
    const diffs = diffEstate(inputOf(loaded, await read(fake, loaded)), cache);
    expect(Object.fromEntries(counts)).toEqual({ Service: 1 });
    expect(diffs.find((d) => d.id === 'Service/eu-west-1/prod/web')!.changes.map((c) => c.path)).toEqual(['tags.team']);
  });

  it('a changed task definition manifest re-diffs the family and the service that names it, not the others', async () => {
    const { fake, loaded } = await appliedEstate();
    const cache = new DiffCache();
    diffEstate(inputOf(loaded, await read(fake, loaded)), cache);
    const edited = load(estateTexts({ image: 'public.ecr.aws/docker/library/httpd:2.5' }));
    const counts = countDiffs();
    const diffs = diffEstate(inputOf(edited, await read(fake, edited)), cache);
    // the first file (cluster, web) is a new load too: its objects are new, so they are diffed; the
    // point is that api's service sees the new target: pending
    expect(diffs.find((d) => d.id === 'Service/eu-west-1/prod/api')!.state).toBe('pending');
    expect(diffs.find((d) => d.id === 'TaskDefinition/eu-west-1/api')!.state).toBe('pending');
    expect(counts.get('Service')).toBe(2);
  });

  it('a task definition offer re-diffed with the same manifest object still re-diffs the services reading it', async () => {
    const { fake, loaded } = await appliedEstate();
    const cache = new DiffCache();
    diffEstate(inputOf(loaded, await read(fake, loaded)), cache);
    // a new revision registered outside git: the family's live record changes, the manifests do not
    await fake.forRegion(FAKE_REGION).registerTaskDefinition({ family: 'api', containerDefinitions: [{ name: 'api', image: 'busybox' }] });
    const counts = countDiffs();
    diffEstate(inputOf(loaded, await read(fake, loaded)), cache);
    expect(counts.get('TaskDefinition')).toBe(1);
    // the api service read the api family's offer, which is a new object now
    expect(counts.get('Service')).toBe(1);
  });

  it('a cluster change re-diffs the services that inherit from it', async () => {
    const { fake, loaded } = await appliedEstate();
    const cache = new DiffCache();
    const first = diffEstate(inputOf(loaded, await read(fake, loaded)), cache);
    const clusterArn = (first.find((d) => d.kind === 'Cluster')!.live as { arn: string }).arn;
    await fake.forRegion(FAKE_REGION).tagResource(clusterArn, { extra: 'x' });
    const counts = countDiffs();
    diffEstate(inputOf(loaded, await read(fake, loaded)), cache);
    expect(counts.get('Cluster')).toBe(1);
    expect(counts.get('Service')).toBe(2);
    expect(counts.get('TaskDefinition')).toBeUndefined();
  });

  it('the scaling target changed live re-diffs the scaled service', async () => {
    const { fake, loaded } = await appliedEstate();
    const cache = new DiffCache();
    diffEstate(inputOf(loaded, await read(fake, loaded)), cache);
    await fake.forRegion(FAKE_REGION).registerScalableTarget({
      ServiceNamespace: 'ecs',
      ScalableDimension: 'ecs:service:DesiredCount',
      ResourceId: 'service/prod/web',
      MinCapacity: 2,
      MaxCapacity: 20,
    });
    const counts = countDiffs();
    const diffs = diffEstate(inputOf(loaded, await read(fake, loaded)), cache);
    expect(Object.fromEntries(counts)).toEqual({ Service: 1 });
    expect(diffs.find((d) => d.id === 'Service/eu-west-1/prod/web')!.changes.map((c) => c.path)).toContain('autoScaling.maxCapacity');
  });

  it('an ignore rule (a new manifest object) and another controller id re-diff', async () => {
    const { fake, loaded } = await appliedEstate();
    const cache = new DiffCache();
    const live = await read(fake, loaded);
    diffEstate(inputOf(loaded, live), cache);
    let counts = countDiffs();
    const other = diffEstate(inputOf(loaded, live, { controllerId: 'other' }), cache);
    // every diff that read the controller id is made again (one whose answer did not depend
    // on it, a task definition whose hash already differs, may be kept): the result is the uncached one
    expect(counts.get('Service')).toBe(2);
    expect(counts.get('Cluster')).toBe(1);
    expect(other.map(withoutInSyncTargets)).toEqual(diffEstate(inputOf(loaded, live, { controllerId: 'other' })).map(withoutInSyncTargets));
    expect(other.filter((d) => d.kind === 'Service').map((d) => d.state)).toEqual(['conflict', 'conflict']);
    vi.restoreAllMocks();
    const ignoring = load(estateTexts({ ignore: 'desiredCount' }));
    counts = countDiffs();
    diffEstate(inputOf(ignoring, live), cache);
    expect(counts.get('Service')).toBe(2);
  });

  it('cached and uncached diffs agree on random edits of either side (seeded)', async () => {
    const { fake, loaded: first } = await appliedEstate();
    const random = mulberry32(19);
    const cache = new DiffCache();
    let loaded = first;
    const gw = fake.forRegion(FAKE_REGION);
    let arns: Record<string, string> = {};
    for (let round = 0; round < 40; round++) {
      const edit = Math.floor(random() * 6);
      if (edit === 0) loaded = load(estateTexts({ image: `public.ecr.aws/docker/library/httpd:2.${Math.floor(random() * 3)}` }));
      else if (edit === 1) loaded = load(estateTexts({ desiredCount: 1 + Math.floor(random() * 3) }));
      else if (edit === 2) await gw.updateService({ cluster: 'prod', service: random() < 0.5 ? 'api' : 'web', desiredCount: 1 + Math.floor(random() * 9) });
      else if (edit === 3 && arns.web) await gw.tagResource(arns.web, { team: random() < 0.5 ? 'web' : 'ops' });
      else if (edit === 4) loaded = load(estateTexts(random() < 0.5 ? { ignore: 'desiredCount' } : {}));
      // edit 5: nothing changes
      const live = await read(fake, loaded);
      const cached = diffEstate(inputOf(loaded, live), cache);
      const uncached = diffEstate(inputOf(loaded, live));
      // the same diffs, but for the converge-to spec an in-sync diff never plans from (keptDiff)
      expect(cached.map(withoutInSyncTargets)).toEqual(uncached.map(withoutInSyncTargets));
      // and the same plans, with prune on and off
      for (const prune of [false, true]) {
        const opts = { prune, loadComplete: true, keepRevisions: 1, controllerId: CONTROLLER };
        expect(planEstate(cached, opts)).toEqual(planEstate(uncached, opts));
      }
      arns = Object.fromEntries(cached.filter((d) => d.live).map((d) => [d.name, (d.live as { arn: string }).arn]));
    }
    expect(cache.stats.hits).toBeGreaterThan(0);
    expect(cache.stats.misses).toBeGreaterThan(0);
  });
});

function withoutInSyncTargets(d: ResourceDiff): ResourceDiff {
  if (d.state !== 'in-sync' || d.staleHash) return d;
  const { target: _target, targetScaling: _targetScaling, ...rest } = d;
  return rest;
}

describe('what the diff cache keeps of a diff (issue 19: the targets were 17.7 MB at 10,000 services)', () => {
  it('an in-sync resource handed back from the cache has no target to converge to; one with changes keeps it', async () => {
    const { fake, loaded } = await appliedEstate();
    const cache = new DiffCache();
    const live = await read(fake, loaded);
    const first = diffEstate(inputOf(loaded, live), cache);
    expect(first.find((d) => d.kind === 'Service')?.target).toBeDefined();
    const again = diffEstate(inputOf(loaded, await read(fake, loaded)), cache);
    expect(cache.stats.hits).toBeGreaterThan(0);
    for (const d of again.filter((x) => x.state === 'in-sync')) {
      expect(d.target).toBeUndefined();
      expect(d.targetScaling).toBeUndefined();
    }
    // an out-of-band change: the service is diffed again, with its target
    const web = again.find((d) => d.name === 'web' && d.kind === 'Service');
    expect(web?.live).toBeDefined();
    await fake.forRegion(FAKE_REGION).tagResource((web!.live as { arn: string }).arn, { team: 'someone-else' });
    const drifted = diffEstate(inputOf(loaded, await read(fake, loaded)), cache).find((d) => d.name === 'web' && d.kind === 'Service');
    expect(drifted?.state).toBe('drifted');
    expect(drifted?.target).toBeDefined();
  });
});

describe('the order of the diffs with a cache', () => {
  const clusters = (names: string[]) =>
    load([names.map((n) => `apiVersion: ecs-reconciler/v1\nkind: Cluster\nmetadata: { name: ${n} }\nspec: {}\n`).join('---\n')]);
  it('is the order without one, as resources come and go (names where localeCompare and code units disagree)', () => {
    const cache = new DiffCache();
    const passes = [
      ['web', 'Api', 'b_x', 'bx', 'Zeta', 'alpha'],
      ['web', 'Api', 'b_x', 'bx', 'Zeta', 'alpha', 'Beta', 'a-b', 'ab', 'A_b', 'zz'],
      ['Api', 'bx', 'alpha', 'Beta', 'ab', 'Web', 'b-x', 'ZZ'],
    ];
    for (const names of passes) {
      const loaded = clusters(names);
      const ids = (diffs: ReturnType<typeof diffEstate>) => diffs.map((d) => d.id);
      expect(ids(diffEstate(inputOf(loaded, emptyEstate()), cache))).toEqual(ids(diffEstate(inputOf(loaded, emptyEstate()))));
    }
  });
});

describe('the diff cache is bounded by the estate, not by the passes', () => {
  it('holds the resources of the last pass only: a removed manifest leaves it', async () => {
    const { fake, loaded } = await appliedEstate();
    const cache = new DiffCache();
    const live = await read(fake, loaded);
    for (let pass = 0; pass < 5; pass++) diffEstate(inputOf(loaded, live), cache);
    // cluster, 2 task definitions, 2 services
    expect(cache.size).toBe(5);
    const onlyFirstFile = load([estateTexts()[0]!]);
    diffEstate(inputOf(onlyFirstFile, live), cache);
    expect(cache.size).toBe(3);
  });

  it('never holds more than maxEntries (the oldest entry goes first)', async () => {
    const { fake, loaded } = await appliedEstate();
    const cache = new DiffCache(2);
    diffEstate(inputOf(loaded, await read(fake, loaded)), cache);
    expect(cache.size).toBe(2);
  });
});

describe('the diff cache across a whole read (issue 19: one estate at a time)', () => {
  it('forgetLive lets go of the last estate: no entry names a live record, and the next hit carries the new one', async () => {
    const { fake, loaded } = await appliedEstate();
    const cache = new DiffCache();
    const firstLive = await read(fake, loaded);
    const first = diffEstate(inputOf(loaded, firstLive), cache);
    const entries = () => [...(cache as unknown as { entries: Map<string, { diff: { live?: unknown } }> }).entries.values()];
    expect(entries().filter((e) => e.diff.live !== undefined)).toHaveLength(first.filter((d) => d.live).length);
    cache.forgetLive();
    expect(entries().filter((e) => e.diff.live !== undefined)).toHaveLength(0);
    // what the last pass returned is not touched
    expect(first.filter((d) => d.live)).toHaveLength(entries().length);
    const secondLive = await read(fake, loaded);
    const hitsBefore = cache.stats.hits;
    const second = diffEstate(inputOf(loaded, secondLive), cache);
    expect(cache.stats.hits - hitsBefore).toBe(first.length);
    for (const d of second) if (d.kind === 'Service') expect(d.live).toBe(secondLive.services.get(d.id));
    expect(second).toEqual(diffEstate(inputOf(loaded, secondLive)).map(withoutInSyncTargets));
  });
});

describe('a whole pass and the diff cache (issue 19: one estate at a time)', () => {
  const liveInEntries = (cache: DiffCache) =>
    [...(cache as unknown as { entries: Map<string, { diff: { live?: unknown } }> }).entries.values()].filter((e) => e.diff.live !== undefined).length;

  it("keeps its entries' records when the read is given the last estate, and lets go of them when it is given none or an empty one", async () => {
    const { fake } = await appliedEstate();
    const cache = new DiffCache();
    const first = await passOnFake(fake, estateTexts(), { mode: 'report', diffCache: cache });
    const withLive = first.diffs.filter((d) => d.live).length;
    expect(withLive).toBeGreaterThan(0);
    // the daemon's read after the last estate: the cached diffs keep their records (the read takes them again)
    const second = await passOnFake(fake, estateTexts(), { mode: 'report', diffCache: cache, previousLive: () => first.live });
    expect(liveInEntries(cache)).toBe(withLive);
    // after a region could not be read the daemon hands over an empty estate: nothing to take again, so nothing is held
    let emptyGiven = false;
    const spy = vi.spyOn(cache, 'forgetLive');
    await passOnFake(fake, estateTexts(), {
      mode: 'report',
      diffCache: cache,
      previousLive: () => {
        emptyGiven = true;
        return emptyEstate();
      },
    });
    expect(emptyGiven).toBe(true);
    expect(spy).toHaveBeenCalledTimes(1);
    await passOnFake(fake, estateTexts(), { mode: 'report', diffCache: cache, previousLive: () => second.live });
    expect(spy).toHaveBeenCalledTimes(1);
  });
});

describe('the diff cache after forgetLive (issue 19: one estate at a time)', () => {
  it('no live record of the last read is reachable from the cache: not its diffs, not their offers or reads', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const { fake, loaded } = await appliedEstate();
    const cache = new DiffCache();
    let live: LiveEstate | undefined = await read(fake, loaded);
    const gone = [...live.services.values(), ...live.families.values()].map((r) => new WeakRef(r));
    expect(gone.length).toBe(4);
    let first: unknown = diffEstate(inputOf(loaded, live), cache);
    cache.forgetLive();
    live = undefined;
    first = undefined;
    await new Promise((resolve) => setTimeout(resolve, 0));
    gc();
    expect(first).toBeUndefined();
    expect(gone.filter((r) => r.deref() !== undefined)).toHaveLength(0);
  });
});

describe('a diff keeps both sides only where they differ', () => {
  it('an in-sync resource has no `compared`; a drifted one has both sides', async () => {
    const { fake, loaded } = await appliedEstate();
    const inSync = diffEstate(inputOf(loaded, await read(fake, loaded)));
    expect(inSync.every((d) => d.state === 'in-sync' && d.compared === undefined)).toBe(true);
    await fake.forRegion(FAKE_REGION).updateService({ cluster: 'prod', service: 'api', desiredCount: 5 });
    const drifted = diffEstate(inputOf(loaded, await read(fake, loaded))).find((d) => d.name === 'api' && d.kind === 'Service')!;
    expect(drifted.state).toBe('drifted');
    expect(drifted.compared?.live).toMatchObject({ desiredCount: 5 });
    expect(drifted.compared?.desired).toMatchObject({ desiredCount: 1 });
  });
});

describe('the diff cache holds one object for equal reads (issue 19: about 5 MB at 10,000 services)', () => {
  it("the options, the account and a cluster read by many resources: one Read each; a resource's own reads differ", async () => {
    const { fake, loaded } = await appliedEstate();
    const cache = new DiffCache();
    diffEstate(inputOf(loaded, await read(fake, loaded)), cache);
    type Read = { source: string; key: string; fingerprint: string };
    const entries = [...(cache as unknown as { entries: Map<string, { reads: Read[] }> }).entries.values()];
    const byId = new Map<string, Set<Read>>();
    for (const e of entries)
      for (const r of e.reads) {
        const id = `${r.source}|${r.key}|${r.fingerprint}`;
        byId.set(id, (byId.get(id) ?? new Set()).add(r));
      }
    expect(byId.size).toBeGreaterThan(0);
    for (const [id, objects] of byId) expect(objects.size, id).toBe(1);
    // the two services both read the cluster prod: the same object
    const services = [...(cache as unknown as { entries: Map<string, { reads: Read[] }> }).entries].filter(([id]) => id.startsWith('Service/'));
    const clusterRead = (reads: Read[]) => reads.find((r) => r.source === 'clusters');
    expect(services).toHaveLength(2);
    expect(clusterRead(services[0]![1].reads)).toBeDefined();
    expect(clusterRead(services[0]![1].reads)).toBe(clusterRead(services[1]![1].reads));
  });
});
