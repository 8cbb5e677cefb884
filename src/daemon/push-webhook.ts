/**
 * POST /reconcile: start a pass now, from a person (`curl -X POST`) or from a git host's
 * push webhook, as Argo CD and Flux take them.
 *
 * With a webhook secret (--webhook-secret, ECS_RECONCILER_WEBHOOK_SECRET) only a request
 * the git host signed with it starts a pass; anything else is 401:
 * - GitHub: `X-Hub-Signature-256: sha256=<hex>`, the HMAC-SHA256 of the raw request body
 *   keyed with the secret; GitHub's docs ("Validating webhook deliveries") ask for a
 *   constant-time compare of the whole header value.
 * - GitLab: `X-Gitlab-Token: <secret>`, the secret itself (GitLab signs nothing; the
 *   token is compared in constant time too).
 * Without a secret any POST starts a pass (a pass is level-triggered and idempotent:
 * the worst a stranger can do is make the controller read ECS sooner).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** GitHub caps a webhook payload at 25 MB; a push payload is far smaller. More is refused, unread. */
export const MAX_WEBHOOK_BODY_BYTES = 5 * 1024 * 1024;

type PushSource = 'github' | 'gitlab' | 'manual';

export type ReconcileRequestVerdict =
  /** start a pass */
  | { outcome: 'start'; source: PushSource; event: string; ref?: string; commit?: string }
  /** verified, but an event that carries no new commit (GitHub's `ping` on set-up, a pull request, ...) */
  | { outcome: 'ignore'; source: PushSource; event: string }
  | { outcome: 'refuse'; status: 400 | 401; reason: string };

/** Constant-time equality of two strings of any length: compares their SHA-256 digests. */
function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export function githubSignature(secret: string, body: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** What a push payload says about the commit, when it parses; nothing is trusted from it but words for the log. */
function pushDetails(body: Buffer): { ref?: string; commit?: string } {
  try {
    const payload = JSON.parse(body.toString('utf8')) as { ref?: unknown; after?: unknown; checkout_sha?: unknown };
    const ref = typeof payload.ref === 'string' ? payload.ref.slice(0, 200) : undefined;
    const commitValue = typeof payload.checkout_sha === 'string' ? payload.checkout_sha : payload.after;
    const commit = typeof commitValue === 'string' && /^[0-9a-f]{7,64}$/.test(commitValue) ? commitValue : undefined;
    return { ...(ref ? { ref } : {}), ...(commit ? { commit } : {}) };
  } catch {
    return {};
  }
}

// GitHub: X-GitHub-Event `push`; GitLab: X-Gitlab-Event `Push Hook` / `Tag Push Hook`
// (and `System Hook` with a push inside, which this does not read).
const GITHUB_PUSH_EVENTS = new Set(['push']);
const GITLAB_PUSH_EVENTS = new Set(['Push Hook', 'Tag Push Hook']);

export function verifyReconcileRequest(headers: IncomingHttpHeaders, body: Buffer, secret: string | undefined): ReconcileRequestVerdict {
  const githubEvent = header(headers, 'x-github-event');
  const gitlabEvent = header(headers, 'x-gitlab-event');
  const signature = header(headers, 'x-hub-signature-256');
  const gitlabToken = header(headers, 'x-gitlab-token');
  if (secret) {
    if (signature !== undefined) {
      if (!sameSecret(signature, githubSignature(secret, body)))
        return { outcome: 'refuse', status: 401, reason: 'X-Hub-Signature-256 does not match the body signed with the webhook secret' };
    } else if (gitlabToken !== undefined) {
      if (!sameSecret(gitlabToken, secret)) return { outcome: 'refuse', status: 401, reason: 'X-Gitlab-Token is not the webhook secret' };
    } else {
      return {
        outcome: 'refuse',
        status: 401,
        reason: 'unsigned: this daemon has a webhook secret; send X-Hub-Signature-256 (GitHub) or X-Gitlab-Token (GitLab)',
      };
    }
  }
  const source: PushSource =
    signature !== undefined || githubEvent !== undefined ? 'github' : gitlabToken !== undefined || gitlabEvent !== undefined ? 'gitlab' : 'manual';
  if (source === 'manual') return { outcome: 'start', source, event: 'manual' };
  const event = (source === 'github' ? githubEvent : gitlabEvent) ?? 'unknown';
  const isPush = source === 'github' ? GITHUB_PUSH_EVENTS.has(event) : GITLAB_PUSH_EVENTS.has(event);
  if (!isPush) return { outcome: 'ignore', source, event };
  return { outcome: 'start', source, event, ...pushDetails(body) };
}
