/**
 * The daemon's Controller on plain data: a fake Reconciler that records each request and
 * answers what the test says, fake timers, no emulator.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ResourceBackoff } from '../src/daemon/backoff.js';
import { Controller, type ControllerOptions, planResyncSlices } from '../src/daemon/controller.js';
import type { EventTarget } from '../src/daemon/ecs-events.js';
import type { ReconcileRequest, ReconcileResult, Reconciler } from '../src/daemon/reconciler.js';
import { resourceId } from '../src/model/resource.js';
import { mulberry32 } from './seeded-random.js';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };

function service(cluster: string, name: string): EventTarget {
  return { kind: 'Service', region: 'eu-west-1', cluster, name };
}

function answer(over: Partial<ReconcileResult> = {}): ReconcileResult {
  return { ok: true, read: 'full', requeue: { failed: [], succeeded: [], throttledCalls: 0 }, resources: [], durationSeconds: 0.01, ...over };
}

/** records every request; each reconcile waits for `gate` when one is set, and answers `next()` */
class FakeReconciler implements Reconciler {
  readonly requests: ReconcileRequest[] = [];
  readonly signals: AbortSignal[] = [];
  gate: Promise<void> | undefined;
  running = 0;
  maxRunning = 0;
  constructor(public next: (req: ReconcileRequest) => ReconcileResult = (req) => answer({ read: req.scope })) {}
  async reconcile(request: ReconcileRequest, signal: AbortSignal): Promise<ReconcileResult> {
    this.requests.push(request);
    this.signals.push(signal);
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    if (this.gate) await this.gate;
    this.running--;
    return this.next(request);
  }
}

function controllerWith(reconciler: Reconciler, over: Partial<ControllerOptions> = {}): Controller {
  return new Controller({ reconciler, logger: quiet, resyncIntervalMs: () => 60_000, jitter: 0, random: () => 0.5, ...over });
}

function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('the controller queue', () => {
  it("writes a pass's summary line only once its result is recorded (/report already shows that pass)", async () => {
    const order: string[] = [];
    const fake = new FakeReconciler(() => answer({ summary: { fields: { passId: 1 }, message: 'pass 1: 0 resource(s), 0 applied, 0 failed' } }));
    const logger = { ...quiet, info: (...args: unknown[]) => void order.push(`log ${String(args[1])}`) };
    const c = controllerWith(fake, {
      logger,
      onResult: async () => {
        await Promise.resolve();
        order.push('recorded');
      },
    });
    expect(await c.request({ scope: 'full', reason: 'start' })).toBe(true);
    expect(order).toEqual(['recorded', 'log pass 1: 0 resource(s), 0 applied, 0 failed']);
  });

  it('runs one pass at a time and coalesces the requests made during a pass into one', async () => {
    const fake = new FakeReconciler();
    const c = controllerWith(fake);
    const g = gate();
    fake.gate = g.promise;
    const first = c.request({ scope: 'full', reason: 'start' });
    await vi.advanceTimersByTimeAsync(0);
    const a = c.request({ scope: 'targeted', reason: 'change: a.yaml' });
    const b = c.request({ scope: 'targeted', reason: 'event: web', targets: [service('prod', 'web')] });
    const d = c.request({ scope: 'targeted', reason: 'event: web again', targets: [service('prod', 'web'), service('prod', 'api')] });
    fake.gate = undefined;
    g.open();
    expect(await Promise.all([first, a, b, d])).toEqual([true, true, true, true]);
    expect(fake.maxRunning).toBe(1);
    expect(fake.requests.map((r) => r.reasons)).toEqual([['start'], ['change: a.yaml', 'event: web', 'event: web again']]);
    const second = fake.requests[1]!;
    expect(second.scope).toBe('targeted');
    // the same service named twice is read once
    expect(second.targets.map(resourceId).sort()).toEqual(['Service/eu-west-1/prod/api', 'Service/eu-west-1/prod/web']);
    // an event's pass is never paced by the read budget
    expect(second.paced).toBe(false);
    await c.stop();
  });

  it('a full request swallows the targeted ones queued with it', async () => {
    const fake = new FakeReconciler();
    const c = controllerWith(fake);
    const g = gate();
    fake.gate = g.promise;
    void c.request({ scope: 'full', reason: 'start' });
    await vi.advanceTimersByTimeAsync(0);
    void c.request({ scope: 'targeted', reason: 'event: web', targets: [service('prod', 'web')] });
    const webhook = c.request({ scope: 'full', reason: 'webhook: github push' });
    fake.gate = undefined;
    g.open();
    await webhook;
    expect(fake.requests[1]).toMatchObject({ scope: 'full', targets: [], reasons: ['event: web', 'webhook: github push'] });
    await c.stop();
  });

  it('passes are numbered on from the restored history', async () => {
    const fake = new FakeReconciler();
    const c = controllerWith(fake, { firstPassId: 41 });
    await c.request({ scope: 'full', reason: 'start' });
    expect(fake.requests[0]!.passId).toBe(42);
    await c.stop();
  });
});

describe('per-resource backoff with jitter', () => {
  it('stays within [delay * (1 - jitter), delay] and never past the cap', () => {
    const random = mulberry32(7);
    for (let trial = 0; trial < 200; trial++) {
      const b = new ResourceBackoff(1000, 30_000, { jitter: 0.2, random });
      for (let failures = 1; failures <= 8; failures++) {
        const ceiling = Math.min(30_000, 1000 * 2 ** (failures - 1));
        const delay = b.recordFailure('Service/eu-west-1/prod/web', 'boom', 0);
        expect(delay).toBeGreaterThanOrEqual(Math.floor(ceiling * 0.8));
        expect(delay).toBeLessThanOrEqual(ceiling);
      }
    }
  });

  it('spreads resources that failed in the same pass over different retry times', () => {
    const b = new ResourceBackoff(10_000, 60_000, { jitter: 0.5, random: mulberry32(3) });
    const delays = new Set(Array.from({ length: 20 }, (_, i) => b.recordFailure(`Service/eu-west-1/prod/s${i}`, 'throttled', 0)));
    expect(delays.size).toBeGreaterThan(10);
  });
});

describe('requeue', () => {
  it('holds a failed resource back, then runs a targeted pass when its backoff ends', async () => {
    const web = 'Service/eu-west-1/prod/web';
    const fake = new FakeReconciler((req) =>
      req.passId === 1
        ? answer({ requeue: { failed: [{ resource: web, error: 'InvalidParameterException' }], succeeded: [], throttledCalls: 0 } })
        : answer({ read: req.scope }),
    );
    // random 0: no jitter taken off, the retry comes at the base delay
    const c = controllerWith(fake, { backoffBaseMs: 5000, random: () => 0 });
    await c.request({ scope: 'full', reason: 'start' });
    void c.request({ scope: 'targeted', reason: 'change: other.yaml' });
    await vi.advanceTimersByTimeAsync(0);
    expect(fake.requests[1]!.heldBack(web)).toMatch(/failed 1 time\(s\) \(last: InvalidParameterException\)/);
    expect(fake.requests[1]!.heldBack('Service/eu-west-1/prod/api')).toBeUndefined();
    await vi.advanceTimersByTimeAsync(4900);
    expect(fake.requests).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(200);
    expect(fake.requests[2]).toMatchObject({ scope: 'targeted', reasons: ['requeue: a resource backoff ended'] });
    expect(fake.requests[2]!.heldBack(web)).toBeUndefined();
    await c.stop();
  });

  it('a success clears the resource backoff', async () => {
    const web = 'Service/eu-west-1/prod/web';
    let n = 0;
    const fake = new FakeReconciler(() => {
      n++;
      return n === 1
        ? answer({ requeue: { failed: [{ resource: web, error: 'boom' }], succeeded: [], throttledCalls: 0 } })
        : answer({ requeue: { failed: [], succeeded: [web], throttledCalls: 0 } });
    });
    const c = controllerWith(fake, { backoffBaseMs: 60_000 });
    await c.request({ scope: 'full', reason: 'start' });
    await c.request({ scope: 'full', reason: 'webhook' });
    await c.request({ scope: 'targeted', reason: 'change: x' });
    expect(fake.requests[2]!.heldBack(web)).toBeUndefined();
    await c.stop();
  });

  it('retries a failed pass rate-limited: about 2 s, then 4 s, with jitter taking off at most a fifth', async () => {
    const fake = new FakeReconciler(() => answer({ ok: false }));
    const c = controllerWith(fake, { random: () => 0.999 });
    await c.request({ scope: 'full', reason: 'start' });
    await vi.advanceTimersByTimeAsync(1590);
    expect(fake.requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(20);
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[1]).toMatchObject({ scope: 'full', reasons: ['retry after a failed pass'] });
    await vi.advanceTimersByTimeAsync(3190);
    expect(fake.requests).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(20);
    expect(fake.requests).toHaveLength(3);
    await c.stop();
  });

  it('throttling stretches the resync: twice the interval after a throttled pass', async () => {
    const fake = new FakeReconciler((req) => answer({ read: req.scope, requeue: { failed: [], succeeded: [], throttledCalls: req.passId === 1 ? 3 : 0 } }));
    const c = controllerWith(fake);
    await c.request({ scope: 'full', reason: 'start' });
    await vi.advanceTimersByTimeAsync(60_100);
    expect(fake.requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[1]!.reasons).toEqual(['resync']);
    await c.stop();
  });
});

describe('stop', () => {
  it('aborts the pass in flight through its signal, waits for it, and starts nothing after', async () => {
    const fake = new FakeReconciler();
    const c = controllerWith(fake);
    const g = gate();
    fake.gate = g.promise;
    void c.request({ scope: 'full', reason: 'start' });
    await vi.advanceTimersByTimeAsync(0);
    const queued = c.request({ scope: 'targeted', reason: 'change: a.yaml' });
    const stopping = c.stop(30_000);
    expect(fake.signals[0]!.aborted).toBe(true);
    // the reconciler ends its pass when it sees the abort (between actions)
    fake.gate = undefined;
    g.open();
    expect(await stopping).toBe(true);
    // never run: the events queue keeps such messages for another delivery
    expect(await queued).toBe(false);
    expect(await c.request({ scope: 'full', reason: 'after stop' })).toBe(false);
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(fake.requests.map((r) => r.reasons)).toEqual([['start']]);
  });

  it('answers false when the pass does not end within the timeout', async () => {
    const fake = new FakeReconciler();
    const c = controllerWith(fake);
    fake.gate = new Promise(() => undefined);
    void c.request({ scope: 'full', reason: 'start' });
    await vi.advanceTimersByTimeAsync(0);
    const stopping = c.stop(1000);
    await vi.advanceTimersByTimeAsync(1000);
    expect(await stopping).toBe(false);
  });
});

describe('the resync in slices', () => {
  const estate = [
    ...Array.from({ length: 250 }, (_, i) => service('prod', `svc-${String(i).padStart(3, '0')}`)),
    ...Array.from({ length: 130 }, (_, i) => service('staging', `svc-${String(i).padStart(3, '0')}`)),
    { kind: 'Cluster', region: 'eu-west-1', name: 'prod' } as EventTarget,
    { kind: 'TaskDefinition', region: 'eu-west-1', name: 'web' } as EventTarget,
  ];

  it('planResyncSlices covers every resource exactly once, in slices of at most N, spaced evenly to the interval', () => {
    const slices = planResyncSlices([...estate, estate[0]!], 30 * 60_000, 100);
    expect(slices).toHaveLength(4);
    expect(slices.map((s) => s.atMs)).toEqual([450_000, 900_000, 1_350_000, 1_800_000]);
    for (const s of slices) expect(s.targets.length).toBeLessThanOrEqual(100);
    const covered = slices.flatMap((s) => s.targets.map(resourceId));
    expect(covered).toHaveLength(estate.length);
    expect(new Set(covered)).toEqual(new Set(estate.map(resourceId)));
  });

  it("keeps a cluster's services together in id order (DescribeServices takes 10 of one cluster a call)", () => {
    const slices = planResyncSlices(estate, 60_000, 100);
    const clustersPerSlice = slices.map((s) => new Set(s.targets.filter((t) => t.kind === 'Service').map((t) => t.cluster)).size);
    // 380 services in two clusters over 4 slices: only the slice at the boundary holds both
    expect(clustersPerSlice.filter((n) => n > 1)).toHaveLength(1);
  });

  it('runs the resync as paced targeted passes spread across the interval, each resource once per interval', async () => {
    const interval = 30 * 60_000;
    const fake = new FakeReconciler((req) => answer({ read: req.scope, resources: estate }));
    const c = controllerWith(fake, { resyncIntervalMs: () => interval, sliceSize: () => 100 });
    await c.request({ scope: 'full', reason: 'start' });
    const startedAt = Date.now();
    const at: number[] = [];
    const covered: string[] = [];
    const passes = fake.requests.length;
    while (Date.now() - startedAt < interval) {
      await vi.advanceTimersByTimeAsync(1000);
      for (const r of fake.requests.slice(passes + at.length)) {
        at.push(Date.now() - startedAt);
        covered.push(...r.targets.map(resourceId));
        expect(r).toMatchObject({ scope: 'targeted', paced: true });
        expect(r.reasons[0]).toMatch(/^resync slice: \d+ resource\(s\)/);
      }
    }
    // 382 resources, 100 a slice: 4 slices, 7.5 minutes apart, never a full read
    expect(at).toEqual([450_000, 900_000, 1_350_000, 1_800_000]);
    expect(covered.sort()).toEqual(estate.map(resourceId).sort());
    expect(fake.requests.filter((r) => r.scope === 'full')).toHaveLength(1);
    // and the next cycle goes on the same way
    await vi.advanceTimersByTimeAsync(interval);
    expect(fake.requests.length - passes).toBe(8);
    await c.stop();
  });

  it('an event between slices runs at once, unpaced, and does not move the slices', async () => {
    const interval = 40_000;
    const fake = new FakeReconciler((req) => answer({ read: req.scope, resources: estate }));
    const c = controllerWith(fake, { resyncIntervalMs: () => interval, sliceSize: () => 100 });
    await c.request({ scope: 'full', reason: 'start' });
    await vi.advanceTimersByTimeAsync(12_000);
    await c.request({ scope: 'targeted', reason: 'event: ECS Service Action', targets: [service('prod', 'web')] });
    expect(fake.requests.at(-1)).toMatchObject({ scope: 'targeted', paced: false });
    await vi.advanceTimersByTimeAsync(interval - 12_000);
    expect(fake.requests.filter((r) => r.reasons[0]!.startsWith('resync slice'))).toHaveLength(4);
    await c.stop();
  });

  it('turned off (the events queue unreadable), the next cycle is a whole read again', async () => {
    let sliced = true;
    const fake = new FakeReconciler((req) => answer({ read: req.scope, resources: estate }));
    const c = controllerWith(fake, { resyncIntervalMs: () => 40_000, sliceSize: () => (sliced ? 100 : undefined) });
    await c.request({ scope: 'full', reason: 'start' });
    sliced = false;
    await vi.advanceTimersByTimeAsync(40_000);
    // the cycle under way runs out; the next one is a whole read at the interval
    expect(fake.requests.filter((r) => r.reasons[0]!.startsWith('resync slice'))).toHaveLength(4);
    await vi.advanceTimersByTimeAsync(40_000);
    expect(fake.requests.at(-1)).toMatchObject({ scope: 'full', reasons: ['resync'] });
    await c.stop();
  });

  it('a failed slice falls back to a full read, retried; the cycle starts again after it', async () => {
    let failNext = false;
    const fake = new FakeReconciler((req) => {
      if (failNext && req.scope === 'targeted') {
        failNext = false;
        return answer({ ok: false, read: 'targeted' });
      }
      return answer({ read: req.scope, resources: estate });
    });
    const c = controllerWith(fake, { resyncIntervalMs: () => 40_000, sliceSize: () => 100, random: () => 0 });
    await c.request({ scope: 'full', reason: 'start' });
    failNext = true;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(fake.requests.at(-1)!.reasons[0]).toMatch(/^resync slice/);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(fake.requests.at(-1)).toMatchObject({ scope: 'full', reasons: ['retry after a failed pass'] });
    const retriedAt = Date.now();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(fake.requests.at(-1)!.reasons[0]).toMatch(/^resync slice/);
    expect(Date.now() - retriedAt).toBeGreaterThanOrEqual(10_000);
    await c.stop();
  });
});
