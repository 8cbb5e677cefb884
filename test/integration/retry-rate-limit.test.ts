// SDK retries go through the client-side rate limiter (issue 13, 9): a throttled call's
// retries take tokens as first attempts do, so a throttled estate does not retry at
// full speed. The fault proxy throttles the first ListClusters attempts.
import { afterAll, describe, expect, it } from 'vitest';
import { AwsGateway } from '../../src/aws/index.js';
import { emulatorEnv } from './emulator-helpers.js';
import { FaultProxy } from './fault-proxy.js';

describe('retries and the rate limiter', () => {
  const proxy = new FaultProxy({
    target: emulatorEnv().endpoint,
    faults: { rate: 1, kinds: ['throttle'], phases: ['before'], operations: ['ListClusters'], maxFaults: 3 },
  });
  afterAll(async () => {
    await proxy.close();
  });

  it('every attempt of a throttled call takes a token, and waits for it', async () => {
    const endpoint = await proxy.start();
    // one ListClusters a second, no burst: four attempts need three seconds at least
    const gw = new AwsGateway({
      region: emulatorEnv().region,
      endpoint,
      rateLimits: { default: { rate: 50, burst: 50 }, ListClusters: { rate: 1, burst: 1 } },
    });
    try {
      const started = performance.now();
      await gw.listClusterArns();
      const elapsed = performance.now() - started;
      expect(proxy.count({ operation: 'ListClusters', kind: 'throttle' })).toBe(3);
      expect(proxy.requests.ListClusters).toBe(4);
      expect(gw.limiter.granted.get('ListClusters')).toBe(4);
      expect(elapsed).toBeGreaterThanOrEqual(2900);
    } finally {
      gw.destroy();
    }
  }, 60_000);
});
