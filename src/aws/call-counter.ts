/** Counts AWS calls by service, operation and outcome; the same counters feed /metrics and the benchmark. */
export interface CallCount {
  service: string;
  operation: string;
  outcome: string;
  count: number;
}

export class CallCounter {
  private readonly counts = new Map<string, CallCount>();
  /** HTTP attempts including retries */
  attempts = 0;
  throttled = 0;
  /** called after every call, in order (tests and the benchmark watch the sequence) */
  listener: ((service: string, operation: string, outcome: string) => void) | undefined;

  record(service: string, operation: string, outcome: string, attempts: number): void {
    this.listener?.(service, operation, outcome);
    const key = `${service}\u0000${operation}\u0000${outcome}`;
    const c = this.counts.get(key);
    if (c) c.count++;
    else this.counts.set(key, { service, operation, outcome, count: 1 });
    this.attempts += attempts;
  }

  snapshot(): CallCount[] {
    return [...this.counts.values()].map((c) => ({ ...c })).sort((a, b) => a.operation.localeCompare(b.operation) || a.outcome.localeCompare(b.outcome));
  }

  /** Calls by operation (all outcomes), e.g. { DescribeServices: 10 } */
  byOperation(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const c of this.counts.values()) out[c.operation] = (out[c.operation] ?? 0) + c.count;
    return out;
  }

  total(filter?: (operation: string) => boolean): number {
    let n = 0;
    for (const c of this.counts.values()) if (!filter || filter(c.operation)) n += c.count;
    return n;
  }

  reset(): void {
    this.counts.clear();
    this.attempts = 0;
    this.throttled = 0;
  }
}

const READ_PREFIXES = ['Describe', 'List', 'Get'];
export function isMutatingOperation(operation: string): boolean {
  return !READ_PREFIXES.some((p) => operation.startsWith(p));
}
