// The daemon's POST /reconcile with --webhook-secret: a GitHub push signed with the right
// secret starts a pass at once (long before the resync timer); a wrong secret or an
// unsigned request is 401 and starts none.
import { afterAll, describe, expect, it } from 'vitest';
import { githubSignature } from '../../src/daemon/push-webhook.js';
import { type DaemonProcess, isPass, startDaemon } from './daemon-helpers.js';
import { scratchManifests } from './reconcile-helpers.js';

const SECRET = 'integration-webhook-secret-42';

describe('POST /reconcile on the daemon with a webhook secret', () => {
  const dir = scratchManifests();
  let daemon: DaemonProcess;
  afterAll(async () => {
    await daemon?.stop();
  });
  const push = (headers: Record<string, string>, body: string) =>
    fetch(`http://${daemon.address}/reconcile`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-github-event': 'push', ...headers },
      body,
    });

  it('refuses a wrong secret and an unsigned request with 401, and starts a pass for the right one', async () => {
    // a resync far away: any pass after the first is the webhook's
    daemon = startDaemon(dir, ['--mode', 'report', '--interval', '10m', '--webhook-secret', SECRET]);
    await daemon.waitFor(isPass, 30_000, 'the first pass');
    const body = JSON.stringify({ ref: 'refs/heads/main', after: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678' });

    const wrong = await push({ 'x-hub-signature-256': githubSignature('not-the-secret-at-all', body) }, body);
    expect(wrong.status).toBe(401);
    const unsigned = await push({}, body);
    expect(unsigned.status).toBe(401);
    await new Promise((r) => setTimeout(r, 500));
    expect(daemon.lines.filter(isPass)).toHaveLength(1);
    expect(daemon.lines.filter((l) => String(l.msg).startsWith('POST /reconcile refused'))).toHaveLength(2);

    const next = daemon.waitForNext(isPass, 30_000, 'the pass the webhook started');
    const right = await push({ 'x-hub-signature-256': githubSignature(SECRET, body) }, body);
    expect(right.status).toBe(202);
    expect(await right.json()).toMatchObject({ started: true, source: 'github', ref: 'refs/heads/main', commit: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678' });
    const pass = await next;
    expect(pass.reasons).toEqual(['webhook: github push refs/heads/main a1b2c3d4e5f6']);
    // the secret is never written to the logs
    expect(JSON.stringify(daemon.lines)).not.toContain(SECRET);
  });
});
