/**
 * One reconcile pass at a time. Requests (file events, timer ticks) are level
 * triggered, as in controller-runtime: they carry no payload, so any number that
 * arrive during a pass coalesce into exactly one pass after it.
 */
export class ReconcileQueue {
  private running: Promise<void> | undefined;
  private pendingReasons = new Set<string>();
  private closed = false;

  constructor(private readonly runPass: (reasons: string[]) => Promise<void>) {}

  request(reason: string): void {
    if (this.closed) return;
    this.pendingReasons.add(reason);
    if (!this.running) this.running = this.drain();
  }

  private async drain(): Promise<void> {
    while (this.pendingReasons.size && !this.closed) {
      const reasons = [...this.pendingReasons];
      this.pendingReasons.clear();
      await this.runPass(reasons);
    }
    this.running = undefined;
  }

  get busy(): boolean {
    return this.running !== undefined;
  }

  /** Stops taking requests; resolves when the pass under way (if any) ends. */
  async close(): Promise<void> {
    this.closed = true;
    this.pendingReasons.clear();
    await this.running;
  }
}
