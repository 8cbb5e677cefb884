import { describe, expect, it } from 'vitest';
import { CallCounter, isMutatingOperation } from '../src/aws/call-counter.js';
import { ReadBudget, TokenBucket } from '../src/aws/rate-limit.js';
import { ResourceBackoff } from '../src/daemon/backoff.js';

describe('client-side rate limits', () => {
  it('a token bucket serves its burst at once, then at its rate', async () => {
    let now = 0;
    const bucket = new TokenBucket({ rate: 10, burst: 3 }, () => now);
    const served: number[] = [];
    for (let i = 0; i < 3; i++) await bucket.take().then(() => served.push(now));
    expect(served).toEqual([0, 0, 0]);
    // the fourth has to wait for a refill: move the clock as the timer would
    const fourth = bucket.take().then(() => served.push(now));
    now = 100;
    await fourth;
    expect(served).toEqual([0, 0, 0, 100]);
  });
});

describe('call counting', () => {
  it('counts by operation and outcome, and tells reads from writes', () => {
    const c = new CallCounter();
    c.record('ecs', 'DescribeServices', 'success', 1);
    c.record('ecs', 'DescribeServices', 'success', 2);
    c.record('ecs', 'UpdateService', 'ThrottlingException', 3);
    expect(c.byOperation()).toEqual({ DescribeServices: 2, UpdateService: 1 });
    expect(c.attempts).toBe(6);
    expect(c.total(isMutatingOperation)).toBe(1);
    expect(isMutatingOperation('ListTaskDefinitions')).toBe(false);
    expect(isMutatingOperation('TagResource')).toBe(true);
  });
});

describe('per-resource backoff', () => {
  it('doubles from the base up to the cap, and a success clears it', () => {
    const b = new ResourceBackoff(1000, 5000);
    expect(b.recordFailure('r', 'boom', 0)).toBe(1000);
    expect(b.recordFailure('r', 'boom', 0)).toBe(2000);
    expect(b.recordFailure('r', 'boom', 0)).toBe(4000);
    expect(b.recordFailure('r', 'boom', 0)).toBe(5000);
    expect(b.heldBack('r', 4999)).toMatch(/failed 4 time\(s\) \(last: boom\); retrying in 1s/);
    expect(b.heldBack('r', 5000)).toBeUndefined();
    expect(b.heldBack('other', 0)).toBeUndefined();
    b.recordSuccess('r');
    expect(b.nextRetryAt()).toBeUndefined();
  });
});

describe('the read budget of a full resync', () => {
  it('paces reads at N a second only while pacing is on, and never a write', async () => {
    const budget = new ReadBudget(40);
    const elapsed = async (operation: string, n: number) => {
      const t = performance.now();
      for (let i = 0; i < n; i++) await budget.acquire(operation);
      return performance.now() - t;
    };
    // off (an event's targeted pass): 200 reads do not wait
    expect(await elapsed('DescribeServices', 200)).toBeLessThan(100);
    budget.pacing = true;
    // writes are never paced by it
    expect(await elapsed('UpdateService', 200)).toBeLessThan(100);
    // the burst of 40, then 20 more at 40 a second: about half a second
    expect(await elapsed('ListServices', 60)).toBeGreaterThanOrEqual(450);
  });
});

describe('a paced wait and the pass abort signal', () => {
  it('an aborted signal ends a read budget wait at once (SIGTERM during a paced resync)', async () => {
    const budget = new ReadBudget(0.1);
    budget.pacing = true;
    const abort = new AbortController();
    await budget.acquire('DescribeServices', abort.signal); // the burst of one
    const t = performance.now();
    const waiting = budget.acquire('DescribeServices', abort.signal); // 10 s ahead at 0.1 a second
    setTimeout(() => abort.abort(), 50);
    await expect(waiting).rejects.toThrow();
    expect(performance.now() - t).toBeLessThan(1000);
  });
});
