/**
 * The daemon's live heap against its cap. The image caps the V8 heap (Dockerfile,
 * docs/running-on-ecs.md "Memory"): a cap sized for the estate keeps RSS flat, but an
 * estate that outgrows it ends the process with V8's "JavaScript heap out of memory" on
 * stderr, no JSON log line, and ECS starts it again into the same end. The heap in use
 * just after a full (mark-compact) collection is the live set, what the estate needs;
 * when a pass's highest live set comes near the cap, the daemon says so while it still
 * runs: a warning in the log and two gauges in /metrics.
 */
import { constants, type PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';
import { GCProfiler, getHeapStatistics } from 'node:v8';

/** A live set above this share of the cap is near it: at 10,000 services the least cap that held was about 9 % over the one that ran out (Dockerfile). */
export const NEAR_HEAP_LIMIT = 0.85;
/** While the heap stays near its cap, the warning is repeated at most this often. */
const WARN_EVERY_MS = 60 * 60_000;

export interface HeapReading {
  /** the highest heap in use right after a full collection since the last reading (V8's own figure; 0: none ran) */
  liveBytes: number;
  /** V8's heap_size_limit: the cap (--max-old-space-size) and the young generation */
  limitBytes: number;
}

/** What a reading says: a warning's words when the live set is near the cap, else undefined. */
export function heapWarning(r: HeapReading): string | undefined {
  if (r.liveBytes === 0 || r.liveBytes < NEAR_HEAP_LIMIT * r.limitBytes) return undefined;
  const mb = (n: number) => Math.round(n / 2 ** 20);
  const share = Math.round((100 * r.liveBytes) / r.limitBytes);
  return (
    `heap near its cap: ${mb(r.liveBytes)} of ${mb(r.limitBytes)} MB live after a full collection (${share} %); ` +
    'past the cap the daemon exits with "JavaScript heap out of memory": raise --max-old-space-size in NODE_OPTIONS, ' +
    'and the task memory with it (docs/running-on-ecs.md, Memory)'
  );
}

export class HeapWatch {
  private liveBytes = 0;
  private lastWarnedAt = -Infinity;
  private profiler = new GCProfiler();
  private readonly observer: PerformanceObserver;

  constructor(private readonly limitBytes: number = getHeapStatistics().heap_size_limit) {
    // V8's own record of each collection, the heap in use after it included: exact, not a
    // reading taken a little allocation later. Its records are read and let go at every
    // full collection (the gc entry says when), so they never pile up over a pass.
    this.profiler.start();
    this.observer = new PerformanceObserver((list) => {
      if (list.getEntries().some(isFullCollection)) this.collect();
    });
    this.observer.observe({ entryTypes: ['gc'] });
  }

  /** The highest live set since the last reading, and the cap; starts the next reading. */
  read(): HeapReading {
    this.collect();
    const r = { liveBytes: this.liveBytes, limitBytes: this.limitBytes };
    this.liveBytes = 0;
    return r;
  }

  /** The warning for this reading, when near the cap and not said within the hour (NOW: ms). */
  warningFor(r: HeapReading, now: number): string | undefined {
    const warning = heapWarning(r);
    if (warning === undefined) {
      this.lastWarnedAt = -Infinity;
      return undefined;
    }
    if (now - this.lastWarnedAt < WARN_EVERY_MS) return undefined;
    this.lastWarnedAt = now;
    return warning;
  }

  stop(): void {
    this.observer.disconnect();
    this.profiler.stop();
  }

  /** The full collections the profiler saw, into the reading; a new profiler from here on. */
  private collect(): void {
    for (const s of this.profiler.stop()?.statistics ?? [])
      if (s.gcType === 'MarkSweepCompact') this.liveBytes = Math.max(this.liveBytes, s.afterGC.heapStatistics.usedHeapSize);
    this.profiler = new GCProfiler();
    this.profiler.start();
  }
}

function isFullCollection(e: PerformanceEntry): boolean {
  return (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR;
}
