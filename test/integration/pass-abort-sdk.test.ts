// The pass's AbortSignal through the SDK gateway itself (src/aws/pass-signal.ts), on the
// emulator: a read waiting on the read budget, and one in the SDK's retry backoff against
// a throttling endpoint, both end at once with an Interrupted error when the pass aborts.
import { afterAll, describe, expect, it } from 'vitest';
import { AwsGateway, ReadBudget, withPassSignal } from '../../src/aws/index.js';
import { emulatorEnv } from './emulator-helpers.js';
import { FaultProxy } from './fault-proxy.js';

describe('an aborted pass, through the SDK gateway', () => {
  const proxy = new FaultProxy({
    target: emulatorEnv().endpoint,
    faults: { rate: 1, kinds: ['throttle'], phases: ['before'], operations: ['ListServices'], maxFaults: 1000 },
  });
  afterAll(async () => {
    await proxy.close();
  });

  it('a read waiting on the read budget fails at once, Interrupted (counted once, not retried)', async () => {
    const budget = new ReadBudget(0.1);
    const gw = new AwsGateway({ region: emulatorEnv().region, endpoint: emulatorEnv().endpoint, readBudget: budget });
    try {
      budget.pacing = true;
      await gw.listClusterArns(); // the burst of one; the next token is 10 s away
      const abort = new AbortController();
      setTimeout(() => abort.abort(), 100);
      const started = performance.now();
      await expect(withPassSignal(abort.signal, () => gw.listClusterArns())).rejects.toMatchObject({ code: 'Interrupted', retryable: false });
      expect(performance.now() - started).toBeLessThan(2000);
      expect(gw.counter.total()).toBe(2);
    } finally {
      gw.destroy();
    }
  });

  it("a read in the SDK's retry backoff (a throttling endpoint) fails at once, Interrupted", async () => {
    const endpoint = await proxy.start();
    const gw = new AwsGateway({ region: emulatorEnv().region, endpoint, maxAttempts: 20, rateLimits: 'off' });
    try {
      const abort = new AbortController();
      setTimeout(() => abort.abort(), 300);
      const started = performance.now();
      await expect(withPassSignal(abort.signal, () => gw.listServiceArns('default'))).rejects.toMatchObject({ code: 'Interrupted' });
      expect(performance.now() - started).toBeLessThan(2000);
      expect(proxy.count({ operation: 'ListServices', kind: 'throttle' })).toBeGreaterThanOrEqual(1);
    } finally {
      gw.destroy();
    }
  });
});
