/**
 * Webhook notifications: a JSON summary when a resource enters or leaves drifted,
 * fighting, degraded or error, at most once per resource per state change. The body is Slack-compatible
 * (a `text` field) and links the report.
 */
import { FIGHT_LIMIT } from '../pipeline/fight-guard.js';
import { slackText } from '../report/escape.js';
import type { Report, ReportResource } from '../report/model.js';

export type Condition = 'ok' | 'drifted' | 'fighting' | 'degraded' | 'error';

function conditionOf(r: ReportResource): Condition {
  if (r.state === 'fighting') return 'fighting';
  // a deployment ECS failed or rolled back: once, when it happens (not once per pass)
  if (r.state === 'degraded') return 'degraded';
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
  /** degraded: the failed revision and ECS's reason */
  reason?: string;
}

/** Pure: the transitions since the last notified conditions (updated in place). */
export function transitionsOf(report: Report, notified: Map<string, Condition>): Transition[] {
  const out: Transition[] = [];
  for (const r of report.resources) {
    const to = conditionOf(r);
    const from = notified.get(r.id) ?? 'ok';
    if (to === from) continue;
    // 'ok' is what an unknown resource is: only the others are remembered
    if (to === 'ok') notified.delete(r.id);
    else notified.set(r.id, to);
    out.push({
      resource: r.id,
      from,
      to,
      state: r.state,
      fields: r.fight?.fields ?? r.changes.map((c) => c.path),
      ...(r.degraded
        ? { reason: `${r.degraded.revision} ${r.degraded.rolledBack ? 'rolled back' : 'failed'}${r.degraded.reason ? ` (${r.degraded.reason})` : ''}` }
        : {}),
    });
  }
  // bounded by the estate: a resource the report no longer has is forgotten
  if (notified.size) {
    const present = new Set(report.resources.map((r) => r.id));
    for (const id of notified.keys()) if (!present.has(id)) notified.delete(id);
  }
  return out;
}

export function webhookBody(report: Report, transitions: readonly Transition[], reportUrl: string): Record<string, unknown> {
  const lines = transitions.map((t) => {
    const what =
      t.to === 'ok'
        ? `is back to ${t.state}`
        : t.to === 'fighting'
          ? `is fighting: the same change came back after ${FIGHT_LIMIT} applies (${t.fields.slice(0, 5).join(', ')}); no longer applied`
          : t.to === 'degraded'
            ? `is degraded: ${t.reason ?? 'its deployment failed or was rolled back'}; not deployed again for this manifest`
            : t.to === 'drifted'
              ? `drifted${t.fields.length ? ` (${t.fields.slice(0, 5).join(', ')})` : ''}`
              : `is in error (${t.state})`;
    return `• ${t.resource} ${what}`;
  });
  // Orphans held back by a refused prune stage enter error together: the post says why and
  // how to go on (--allow-empty, --max-prune N), or the reader sees only "in error (orphaned)"
  // (issue 13, item 1). It comes with those transitions, so once, not once per pass.
  const pruneRefusal = pruneRefusalOf(report, transitions);
  if (pruneRefusal) lines.push(pruneRefusal);
  return {
    // field paths carry tag keys and labels from live ECS: no Slack markup or mention gets through
    text: slackText(`ecs-reconciler (${report.controllerId}): ${transitions.length} resource(s) changed condition\n${lines.join('\n')}\nReport: ${reportUrl}`),
    controllerId: report.controllerId,
    generatedAt: report.generatedAt,
    ...(report.gitRevision ? { gitRevision: report.gitRevision } : {}),
    reportUrl,
    summary: report.summary.byState,
    transitions,
  };
}

/** The prune stage's refusal, when one of these transitions is an orphan entering error because of it. */
function pruneRefusalOf(report: Report, transitions: readonly Transition[]): string | undefined {
  const reason = report.prune?.status === 'refused' ? report.prune.reason : undefined;
  if (!reason) return undefined;
  const entered = new Set(transitions.filter((t) => t.to === 'error').map((t) => t.resource));
  return report.resources.some((r) => entered.has(r.id) && r.skipped?.reason === reason) ? reason : undefined;
}

/**
 * A webhook URL checked at start: http or https, a host, no fragment. Credentials
 * (`user:pass@`) are taken out of the URL and sent as an Authorization header (fetch
 * refuses a URL that holds them); what may be shown of it is the origin alone, since
 * the path and query of a webhook are often its secret (a Slack incoming webhook's path
 * is the key).
 */
export interface WebhookTarget {
  url: string;
  authorization?: string;
  /** safe to log: scheme, host and port */
  shown: string;
}

export function parseWebhookUrl(text: string): { ok: true; target: WebhookTarget } | { ok: false; message: string } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, message: 'is not a URL: expected https://HOST/PATH' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return { ok: false, message: `must be an http or https URL, got a ${url.protocol.replace(/:$/, '')} one` };
  if (!url.hostname) return { ok: false, message: 'has no host: expected https://HOST/PATH' };
  if (url.hash) return { ok: false, message: 'has a #fragment, which is never sent: remove it' };
  const authorization =
    url.username || url.password
      ? `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`
      : undefined;
  url.username = '';
  url.password = '';
  return { ok: true, target: { url: url.href, ...(authorization ? { authorization } : {}), shown: url.origin } };
}

/** Backoff of webhook posts while the endpoint is down: 10 s, 20 s, 40 s ... at most 15 minutes. */
const WEBHOOK_BACKOFF = { baseMs: 10_000, capMs: 15 * 60_000 };

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
    private readonly target: WebhookTarget,
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
    const error = await this.deliver(JSON.stringify(webhookBody(report, transitions, this.reportUrl)));
    if (error === undefined) {
      this.failures = 0;
      this.retryAt = 0;
      return { sent: transitions.length };
    }
    // not delivered: forget these transitions so a later pass sends them, after the backoff
    restore();
    const delay = Math.min(this.backoff.capMs, this.backoff.baseMs * 2 ** this.failures);
    this.failures++;
    this.retryAt = now + delay;
    return { sent: 0, error: `${this.target.shown}: ${error}`, retryInMs: delay };
  }

  /** undefined when delivered; else a message that holds no part of the URL but its origin. */
  private async deliver(body: string): Promise<string | undefined> {
    let res: Response;
    try {
      res = await this.post(this.target.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(this.target.authorization ? { authorization: this.target.authorization } : {}) },
        body,
        // a redirect would carry the report (and our Authorization) to another address
        redirect: 'manual',
        signal: AbortSignal.timeout(10_000),
      });
    } catch (err) {
      // fetch's own messages may quote the URL: only the error's kind and code are kept
      const e = err as { name?: string; cause?: { code?: string } };
      if (e.name === 'TimeoutError' || e.name === 'AbortError') return 'no answer within 10 s';
      return `not delivered (${e.cause?.code ?? e.name ?? 'network error'})`;
    }
    await res.body?.cancel().catch(() => undefined);
    if (res.type === 'opaqueredirect' || (res.status >= 300 && res.status < 400))
      return `answered a redirect${res.status ? ` (HTTP ${res.status})` : ''}, which is not followed: give the final URL`;
    if (!res.ok) return `HTTP ${res.status}`;
    return undefined;
  }
}
