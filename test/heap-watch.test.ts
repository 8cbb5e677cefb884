// The daemon's live heap against its cap (src/daemon/heap-watch.ts): said while the
// daemon still runs, before V8 ends it with "JavaScript heap out of memory".
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { HeapWatch, heapWarning, NEAR_HEAP_LIMIT } from '../src/daemon/heap-watch.js';

const MB = 2 ** 20;

/** A full collection, as V8 makes one near its limit (gc() made reachable for this test only). */
function fullCollection(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

describe('heapWarning', () => {
  it('says nothing while the live set is under 85 % of the cap, or when no full collection ran', () => {
    expect(NEAR_HEAP_LIMIT).toBe(0.85);
    expect(heapWarning({ liveBytes: 160 * MB, limitBytes: 200 * MB })).toBeUndefined();
    expect(heapWarning({ liveBytes: 0, limitBytes: 200 * MB })).toBeUndefined();
  });

  it('names the live set, the cap and the flag to raise once the live set reaches 85 % of it', () => {
    const w = heapWarning({ liveBytes: 171 * MB, limitBytes: 200 * MB });
    expect(w).toMatch(/^heap near its cap: 171 of 200 MB live after a full collection \(86 %\)/);
    expect(w).toContain('JavaScript heap out of memory');
    expect(w).toContain('raise --max-old-space-size in NODE_OPTIONS');
    expect(heapWarning({ liveBytes: 170 * MB, limitBytes: 200 * MB })).toBeDefined();
  });
});

describe('HeapWatch', () => {
  it('reads the heap in use right after a full collection, the highest since the last reading', async () => {
    const watch = new HeapWatch(4096 * MB);
    try {
      expect(watch.read()).toEqual({ liveBytes: 0, limitBytes: 4096 * MB });
      // 64 MB kept through a full collection, then let go before the next
      let kept: Uint32Array[] | undefined = Array.from({ length: 64 }, () => new Uint32Array(MB / 4).fill(1));
      const withIt = (await afterFullCollection()).used;
      expect(withIt).toBeGreaterThan(0);
      kept.length = 0;
      kept = undefined;
      await afterFullCollection();
      // the highest of the two collections, as V8 measured it after each
      const first = watch.read();
      expect(first.liveBytes).toBeGreaterThanOrEqual(withIt - 4 * MB);
      expect(first.liveBytes).toBeLessThanOrEqual(withIt + 4 * MB);
      // each reading starts the next: a collection without the 64 MB reads lower
      await afterFullCollection();
      expect(watch.read().liveBytes).toBeLessThan(first.liveBytes);
      expect(watch.read().liveBytes).toBe(0);
    } finally {
      watch.stop();
    }
  });

  it('warns when near the cap, then at most once an hour while it stays near, and again once it came back', () => {
    const watch = new HeapWatch(200 * MB);
    try {
      const near = { liveBytes: 180 * MB, limitBytes: 200 * MB };
      const far = { liveBytes: 100 * MB, limitBytes: 200 * MB };
      const hour = 60 * 60_000;
      expect(watch.warningFor(near, 0)).toMatch(/heap near its cap: 180 of 200 MB/);
      expect(watch.warningFor(near, hour - 1)).toBeUndefined();
      expect(watch.warningFor(near, hour)).toBeDefined();
      expect(watch.warningFor(far, hour + 1)).toBeUndefined();
      expect(watch.warningFor(near, hour + 2)).toBeDefined();
    } finally {
      watch.stop();
    }
  });
});

/** A full collection, and the heap V8 says is in use after it (the entry and its record arrive a moment later). */
async function afterFullCollection(): Promise<{ used: number }> {
  fullCollection();
  await new Promise((r) => setTimeout(r, 20));
  return { used: getHeapStatistics().used_heap_size };
}
