// The reconcile pass's AbortSignal (issue 15 item 2, src/aws/pass-signal.ts) on the fake
// gateway with a slow call: a pass aborted mid-read ends within a bound and changes
// nothing, and the daemon's stop (what SIGTERM calls) ends a pass stuck in a long read.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isMutatingOperation } from '../src/aws/index.js';
import { callSignal, waitSignal, wholeAction, withPassSignal } from '../src/aws/pass-signal.js';
import { Controller } from '../src/daemon/controller.js';
import { Lease } from '../src/daemon/lease.js';
import { EstateReconciler } from '../src/daemon/reconciler.js';
import { Redactor } from '../src/report/redact.js';
import { InMemoryGateways } from './support/in-memory-gateway.js';
import { FAKE_REGION, passOnFake } from './support/pass-on-fake.js';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };

const estate = (desiredCount: number) => `apiVersion: ecs-reconciler/v1
kind: Cluster
metadata: { name: prod }
spec: {}
---
apiVersion: ecs-reconciler/v1
kind: TaskDefinition
metadata: { name: web }
spec:
  containerDefinitions:
    - { name: web, image: "nginx:1.27", memory: 128 }
---
apiVersion: ecs-reconciler/v1
kind: Service
metadata: { name: web, cluster: prod }
spec:
  taskDefinition: web
  desiredCount: ${desiredCount}
`;

/** A minute-long ListServices: far longer than any bound below. */
const SLOW_MS = 60_000;

describe('a pass aborted mid-read', () => {
  it('returns within a bound, its region unreadable, with no action started and no write sent', async () => {
    const fake = new InMemoryGateways();
    expect((await passOnFake(fake, estate(1))).problems).toEqual([]);
    fake.forRegion(FAKE_REGION).slowDown('listServiceArns', SLOW_MS);
    fake.clearCalls();
    const abort = new AbortController();
    const started = performance.now();
    setTimeout(() => abort.abort(), 100);
    // the manifest changed: without the abort, an update-service would follow the read
    const pass = await passOnFake(fake, estate(3), { signal: abort.signal });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(pass.readFailed).toBe(true);
    expect(pass.stopped).toBe(true);
    expect(pass.results).toEqual([]);
    expect(pass.plan.actions).toEqual([]);
    expect(pass.problems.map((p) => p.message)).toContainEqual(expect.stringContaining('listServiceArns: interrupted: the pass was stopped'));
    expect(fake.operations(isMutatingOperation)).toEqual([]);
  });

  it('without an abort the same pass reads on and applies the change (the slow call answers)', async () => {
    const fake = new InMemoryGateways();
    await passOnFake(fake, estate(1));
    fake.forRegion(FAKE_REGION).slowDown('listServiceArns', 50);
    const pass = await passOnFake(fake, estate(3));
    expect(pass.readFailed).toBe(false);
    expect(pass.results.map((r) => `${r.action.kind}: ${r.outcome}`)).toEqual(['update-service: applied']);
  });
});

describe('the daemon stopping during a long read', () => {
  it("ends the pass in flight at once: the controller's stop (SIGTERM's) resolves finished, well within its timeout", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pass-abort-'));
    writeFileSync(join(dir, 'estate.yaml'), estate(1));
    const fake = new InMemoryGateways();
    const reconciler = new EstateReconciler({
      manifests: { dir, vars: [], varFiles: [], env: {}, varEnv: [], varEnvPrefixes: [], defaultRegion: FAKE_REGION },
      gateways: fake,
      controllerId: 'default',
      defaultRegion: FAKE_REGION,
      mode: () => 'apply',
      shouldStop: () => false,
      prune: false,
      adopt: false,
      keepRevisions: 5,
      redactor: new Redactor(),
      logger: quiet as never,
    });
    const controller = new Controller({ reconciler, logger: quiet as never, resyncIntervalMs: () => 60_000, jitter: 0, random: () => 0.5 });
    await controller.request({ scope: 'full', reason: 'start' });
    expect(fake.operations((o) => o === 'CreateService')).toHaveLength(1);

    fake.forRegion(FAKE_REGION).slowDown('listServiceArns', SLOW_MS);
    fake.clearCalls();
    void controller.request({ scope: 'full', reason: 'resync' });
    await new Promise((r) => setTimeout(r, 100));
    expect(controller.busy).toBe(true);
    const stopping = performance.now();
    expect(await controller.stop(30_000)).toBe(true);
    expect(performance.now() - stopping).toBeLessThan(2000);
    expect(fake.operations(isMutatingOperation)).toEqual([]);
  });
});

describe('the scopes of the signal', () => {
  it('an action under way is whole: its calls see no signal, its polling waits still do; outside a pass there is none', async () => {
    const abort = new AbortController();
    abort.abort();
    const seen = await withPassSignal(abort.signal, async () => ({
      pass: callSignal(),
      action: await wholeAction(async () => ({ call: callSignal(), wait: waitSignal() })),
    }));
    expect(seen.pass).toBe(abort.signal);
    expect(seen.action).toEqual({ call: undefined, wait: abort.signal });
    expect(callSignal()).toBeUndefined();
    expect(waitSignal()).toBeUndefined();
  });
});

describe("the lease's wait (apply --lease-wait)", () => {
  it('ends at once, not held, when its signal aborts while another holder keeps the lease', async () => {
    const fake = new InMemoryGateways();
    const store = fake.forRegion(FAKE_REGION);
    await store.ensureLeaseTable('leases');
    const holder = new Lease({ store, table: 'leases', name: 'default', holder: 'a-daemon', durationMs: 30_000, logger: quiet as never });
    expect(await holder.acquire(0)).toBe(true);
    const waiter = new Lease({ store, table: 'leases', name: 'default', holder: 'a-ci-job', durationMs: 30_000, logger: quiet as never });
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 100);
    const started = performance.now();
    expect(await waiter.acquire(5 * 60_000, abort.signal)).toBe(false);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(waiter.held()).toBe(false);
  });
});
