// The daemon converges the example estate through a proxy that fails 20% of the AWS
// calls (throttling, 500, 503, dropped connections, slow answers; before and after the
// emulator did the work), and ends with exactly the services and task definition
// revisions it should have: nothing duplicated by a retry.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DaemonProcess, isPass, type LogLine, startDaemon } from './daemon-helpers.js';
import { emulatorEnv, resetEmulator } from './emulator-helpers.js';
import { extraRevisions, type FaultProxy, inventory, startFaultProxy } from './fault-proxy.js';
import { ecsClient, reconcile, scratchManifests, states } from './reconcile-helpers.js';

const FAMILIES = ['web', 'api', 'worker'];
const EXPECTED_SERVICES = { batch: ['worker'], prod: ['api', 'cache', 'web'] };
const ONE_EACH = { web: 1, api: 1, worker: 1 };
const SEED = Number(process.env.FAULT_SEED ?? 20240611);

let proxy: FaultProxy;
beforeAll(async () => {
  proxy = await startFaultProxy({ target: emulatorEnv().endpoint, seed: SEED });
});
afterAll(async () => {
  await proxy?.close();
});

const allInSync = (l: LogLine) => (l.states as Record<string, number> | undefined)?.['in-sync'] === 11;

async function convergeThroughProxy(extra: string[] = []): Promise<{ daemon: DaemonProcess; ms: number; passes: number }> {
  const dir = scratchManifests();
  const started = performance.now();
  // startDaemon passes --endpoint EMULATOR first; parseArgs keeps the last value of a
  // repeated string flag, so this --endpoint (the proxy) wins.
  const daemon = startDaemon(dir, ['--endpoint', proxy.url, '--interval', '1s', ...extra]);
  try {
    const line = await daemon.waitFor(
      (l) => isPass(l) && allInSync(l) && l.actionsApplied === 0 && l.actionsFailed === 0,
      50_000,
      'a clean pass with 8 in-sync',
    );
    return { daemon, ms: Math.round(performance.now() - started), passes: Number(line.passId) };
  } catch (err) {
    await daemon.stop('SIGKILL');
    throw err;
  }
}

describe('20% mixed faults on every operation, before and after forwarding', () => {
  const ROUNDS = Number(process.env.FAULT_ROUNDS ?? 5);
  it(`the daemon converges manifests/ from empty ${ROUNDS} times (seeds ${SEED}..${SEED + ROUNDS - 1}): no duplicate service, every resource in-sync`, async () => {
    const totals = {
      requests: 0,
      faults: 0,
      byKind: {} as Record<string, number>,
      byPhase: {} as Record<string, number>,
      passes: 0,
      ms: 0,
      extraRevisions: 0,
      failedActions: 0,
    };
    for (let round = 0; round < ROUNDS; round++) {
      const seed = SEED + round;
      await resetEmulator();
      proxy.resetCounts();
      proxy.setFaults({ rate: 0.2, slowMs: 800 }, seed);
      const { daemon, ms, passes } = await convergeThroughProxy();
      expect(await daemon.stop()).toBe(0);
      proxy.setFaults(undefined);

      const s = proxy.summary();
      const requests = Object.values(proxy.requests).reduce((a, b) => a + b, 0);
      const failedActions = daemon.lines.filter((l) => l.outcome === 'failed');
      console.log(
        `[faults] seed ${seed}: ${requests} requests, ${s.total} faults ${JSON.stringify(s.byKind)} ${JSON.stringify(s.byPhase)} on ${JSON.stringify(s.byOperation)}; ` +
          `converged in ${passes} pass(es), ${ms} ms; ${failedActions.length} action(s) failed on the way ` +
          JSON.stringify(failedActions.map((l) => `${l.action} ${l.resource}: ${String(l.error).slice(0, 90)}`)),
      );
      totals.requests += requests;
      totals.faults += s.total;
      for (const [k, v] of Object.entries(s.byKind)) totals.byKind[k] = (totals.byKind[k] ?? 0) + v;
      for (const [k, v] of Object.entries(s.byPhase)) totals.byPhase[k] = (totals.byPhase[k] ?? 0) + v;
      totals.passes += passes;
      totals.ms += ms;
      totals.failedActions += failedActions.length;

      // Straight to the emulator: every resource in-sync, nothing left to do.
      const check = await reconcile(scratchManifests());
      expect(check.diffs).toHaveLength(11);
      expect(states(check)).toEqual(Object.fromEntries(check.diffs.map((d) => [d.id, 'in-sync'])));
      expect(check.plan.actions).toEqual([]);

      const inv = await inventory(ecsClient(), FAMILIES);
      expect(inv.services).toEqual(EXPECTED_SERVICES);
      // Every extra revision must be explained by a lost answer to RegisterTaskDefinition
      // (the emulator registered it, the client saw an error and retried): see the test below.
      const extra = Object.values(extraRevisions(inv, ONE_EACH)).reduce((a, b) => a + b, 0);
      const lostRegisters = proxy.injected.filter((f) => f.operation === 'RegisterTaskDefinition' && f.phase === 'after' && f.kind !== 'slow').length;
      expect(extra).toBeGreaterThanOrEqual(0);
      expect(extra).toBeLessThanOrEqual(lostRegisters);
      totals.extraRevisions += extra;
    }
    console.log(`[faults] TOTAL over ${ROUNDS} rounds: ${JSON.stringify(totals)}`);
    expect(totals.faults).toBeGreaterThan(10);
    expect(Object.keys(totals.byKind).length).toBe(5);
  });

  it('a second daemon on the converged estate makes no mutating call, even through faults', async () => {
    proxy.resetCounts();
    proxy.setFaults({ rate: 0.2, slowMs: 300 }, SEED + 1);
    const { daemon } = await convergeThroughProxy();
    expect(await daemon.stop()).toBe(0);
    proxy.setFaults(undefined);
    const mutating = Object.entries(proxy.forwarded).filter(([op]) => !/^(Describe|List|Get)/.test(op));
    console.log(`[faults] second daemon: ${proxy.summary().total} faults injected, mutating calls forwarded: ${JSON.stringify(mutating)}`);
    // A pass that read part of the estate and failed on the rest must not plan a create:
    // no mutating call at all reaches the emulator.
    expect(mutating).toEqual([]);
  });
});

describe('RegisterTaskDefinition answered with an error after the emulator registered it', () => {
  // The SDK retries the call (a 500 is retryable) and ECS's RegisterTaskDefinition has
  // no idempotency token: each retry is a new revision. The controller should, before
  // registering again, look for the revision it just registered (the family's newest
  // ACTIVE revision carrying its ecs-reconciler:applied-hash tag equal to the desired hash).
  it('leaves exactly one ACTIVE revision per family, even when RegisterTaskDefinition answers are lost', async () => {
    await resetEmulator();
    proxy.resetCounts();
    proxy.setFaults({ rate: 1, kinds: ['e500'], phases: ['after'], operations: ['RegisterTaskDefinition'], maxFaults: 3 }, SEED);
    const { daemon, ms, passes } = await convergeThroughProxy();
    expect(await daemon.stop()).toBe(0);
    proxy.setFaults(undefined);
    const inv = await inventory(ecsClient(), FAMILIES);
    console.log(
      `[faults] 3 lost RegisterTaskDefinition answers: converged in ${passes} pass(es), ${ms} ms; RegisterTaskDefinition forwarded ${proxy.forwarded.RegisterTaskDefinition}×; ` +
        `ACTIVE revisions ${JSON.stringify(Object.fromEntries(Object.entries(inv.revisions).map(([k, v]) => [k, v.length])))}`,
    );
    expect(inv.services).toEqual(EXPECTED_SERVICES);
    expect(states(await reconcile(scratchManifests()))).toEqual(expect.objectContaining({ 'TaskDefinition/us-east-1/web': 'in-sync' }));
    expect(extraRevisions(inv, ONE_EACH)).toEqual({});
  });
});

describe('CreateService answered with an error after the emulator created it', () => {
  it('never makes a second service (the retry is refused or deduplicated) and converges', async () => {
    await resetEmulator();
    proxy.resetCounts();
    proxy.setFaults({ rate: 1, kinds: ['e503', 'drop'], phases: ['after'], operations: ['CreateService'], maxFaults: 3 }, SEED);
    const { daemon, ms, passes } = await convergeThroughProxy();
    expect(await daemon.stop()).toBe(0);
    proxy.setFaults(undefined);
    console.log(`[faults] 3 lost CreateService answers: converged in ${passes} pass(es), ${ms} ms; CreateService forwarded ${proxy.forwarded.CreateService}×`);
    const inv = await inventory(ecsClient(), FAMILIES);
    expect(inv.services).toEqual(EXPECTED_SERVICES);
    expect(Object.values(states(await reconcile(scratchManifests()))).every((s) => s === 'in-sync')).toBe(true);
  });
});
