/**
 * Webhook notifications: a JSON summary when a resource enters or leaves drifted,
 * fighting or error, at most once per resource per state change. The body is Slack-compatible
 * (a `text` field) and links the report.
 */
import { FIGHT_LIMIT } from '../diff/index.js';
import type { Report, ReportResource } from '../report/model.js';

export type Condition = 'ok' | 'drifted' | 'fighting' | 'error';

export function conditionOf(r: ReportResource): Condition {
  if (r.state === 'fighting') return 'fighting';
  if (r.state === 'invalid' || r.actions.some((a) => a.outcome === 'failed') || r.skipped?.error) return 'error';
  if (r.state === 'drifted') return 'drifted';
  return 'ok';
}

export interface Transition {
  resource: string;
  from: Condition;
  to: Condition;
  state: ReportResource['state'];
  fields: string[];
}

/** Pure: the transitions since the last notified conditions (updated in place). */
export function transitionsOf(report: Report, notified: Map<string, Condition>): Transition[] {
  const out: Transition[] = [];
  for (const r of report.resources) {
    const to = conditionOf(r);
    const from = notified.get(r.id) ?? 'ok';
    if (to === from) continue;
    notified.set(r.id, to);
    out.push({ resource: r.id, from, to, state: r.state, fields: r.fight?.fields ?? r.changes.map((c) => c.path) });
  }
  return out;
}

export function webhookBody(report: Report, transitions: readonly Transition[], reportUrl: string): Record<string, unknown> {
  const lines = transitions.map((t) => {
    const what = t.to === 'ok' ? `is back to ${t.state}` : t.to === 'fighting' ? `is fighting: the same change came back after ${FIGHT_LIMIT} applies (${t.fields.slice(0, 5).join(', ')}); no longer applied` : t.to === 'drifted' ? `drifted${t.fields.length ? ` (${t.fields.slice(0, 5).join(', ')})` : ''}` : `is in error (${t.state})`;
    return `• ${t.resource} ${what}`;
  });
  return {
    text: `ecs-reconciler (${report.controllerId}): ${transitions.length} resource(s) changed condition\n${lines.join('\n')}\nReport: ${reportUrl}`,
    controllerId: report.controllerId,
    generatedAt: report.generatedAt,
    ...(report.gitRevision ? { gitRevision: report.gitRevision } : {}),
    reportUrl,
    summary: report.summary.byState,
    transitions,
  };
}

/** Backoff of webhook posts while the endpoint is down: 10 s, 20 s, 40 s ... at most 15 minutes. */
export const WEBHOOK_BACKOFF = { baseMs: 10_000, capMs: 15 * 60_000 };

export interface NotifyResult {
  sent: number;
  error?: string;
  /** not posted: an earlier post failed and the backoff has not run out (the transitions wait) */
  deferred?: boolean;
  /** when the next post may be tried, after a failure or while deferred */
  retryInMs?: number;
}

export class WebhookNotifier {
  private readonly notified = new Map<string, Condition>();
  private failures = 0;
  private retryAt = 0;
  constructor(
    private readonly url: string,
    private readonly reportUrl: string,
    private readonly post: typeof fetch = fetch,
    private readonly now: () => number = Date.now,
    private readonly backoff = WEBHOOK_BACKOFF,
  ) {}

  /**
   * Posts once per pass with changes, never blocks the loop. A failed post is not
   * re-posted on every pass while the endpoint is down (issue 13, 18): the transitions
   * wait, and the next post is tried after an exponential backoff, with every
   * transition gathered meanwhile.
   */
  async notify(report: Report): Promise<NotifyResult> {
    const before = new Map(this.notified);
    const transitions = transitionsOf(report, this.notified);
    if (transitions.length === 0) return { sent: 0 };
    const restore = () => {
      this.notified.clear();
      for (const [k, v] of before) this.notified.set(k, v);
    };
    const now = this.now();
    if (now < this.retryAt) {
      restore();
      return { sent: 0, deferred: true, retryInMs: this.retryAt - now };
    }
    try {
      const res = await this.post(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(webhookBody(report, transitions, this.reportUrl)),
        signal: AbortSignal.timeout(10_000),
      });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      this.failures = 0;
      this.retryAt = 0;
      return { sent: transitions.length };
    } catch (err) {
      // not delivered: forget these transitions so a later pass sends them, after the backoff
      restore();
      const delay = Math.min(this.backoff.capMs, this.backoff.baseMs * 2 ** this.failures);
      this.failures++;
      this.retryAt = now + delay;
      return { sent: 0, error: err instanceof Error ? err.message : String(err), retryInMs: delay };
    }
  }
}
