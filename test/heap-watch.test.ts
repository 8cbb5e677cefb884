// The daemon's live heap against its cap (src/daemon/heap-watch.ts): said while the
// daemon still runs, before V8 ends it with "JavaScript heap out of memory".
import { setFlagsFromString } from 'node:v8';
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
    let inUse = 50 * MB;
    const watch = new HeapWatch(() => inUse, 200 * MB);
    try {
      expect(watch.read()).toEqual({ liveBytes: 0, limitBytes: 200 * MB });
      fullCollection();
      await until(() => watch.read().liveBytes === 50 * MB);
      inUse = 120 * MB;
      fullCollection();
      await new Promise((r) => setTimeout(r, 50));
      inUse = 80 * MB;
      fullCollection();
      await new Promise((r) => setTimeout(r, 50));
      expect(watch.read().liveBytes).toBe(120 * MB);
      // each reading starts the next
      expect(watch.read().liveBytes).toBe(0);
    } finally {
      watch.stop();
    }
  });

  it('warns when near the cap, then at most once an hour while it stays near, and again once it came back', () => {
    const watch = new HeapWatch(() => 0, 200 * MB);
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

async function until(test: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error('not within 2 s');
    await new Promise((r) => setTimeout(r, 10));
  }
}
