// POST /reconcile: a pass now; with a webhook secret only GitHub- or GitLab-signed push
// webhooks start one, anything unsigned or signed with another secret is 401.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpServer } from '../src/daemon/http-server.js';
import { githubSignature, MAX_WEBHOOK_BODY_BYTES, verifyReconcileRequest } from '../src/daemon/push-webhook.js';

const SECRET = 'the-right-secret-0123456789';
const PUSH = Buffer.from(JSON.stringify({ ref: 'refs/heads/main', after: '0123456789abcdef0123456789abcdef01234567', repository: { full_name: 'acme/ecs' } }));

describe('verifying a push webhook', () => {
  it('a GitHub push signed with the right secret starts a pass and names the ref and commit', () => {
    const v = verifyReconcileRequest({ 'x-github-event': 'push', 'x-hub-signature-256': githubSignature(SECRET, PUSH) }, PUSH, SECRET);
    expect(v).toEqual({ outcome: 'start', source: 'github', event: 'push', ref: 'refs/heads/main', commit: '0123456789abcdef0123456789abcdef01234567' });
  });

  it('a GitHub push signed with a wrong secret is refused with 401', () => {
    const v = verifyReconcileRequest({ 'x-github-event': 'push', 'x-hub-signature-256': githubSignature('a-wrong-secret-0123456789', PUSH) }, PUSH, SECRET);
    expect(v).toMatchObject({ outcome: 'refuse', status: 401 });
  });

  it('a signature over other bytes (the body changed on the way) is refused', () => {
    const tampered = Buffer.from(PUSH.toString().replace('main', 'evil'));
    expect(verifyReconcileRequest({ 'x-github-event': 'push', 'x-hub-signature-256': githubSignature(SECRET, PUSH) }, tampered, SECRET)).toMatchObject({
      outcome: 'refuse',
      status: 401,
    });
  });

  it('a signature without its sha256= prefix, or of another length, is refused without throwing', () => {
    const bare = githubSignature(SECRET, PUSH).slice('sha256='.length);
    expect(verifyReconcileRequest({ 'x-hub-signature-256': bare }, PUSH, SECRET)).toMatchObject({ outcome: 'refuse', status: 401 });
    expect(verifyReconcileRequest({ 'x-hub-signature-256': 'sha256=00' }, PUSH, SECRET)).toMatchObject({ outcome: 'refuse', status: 401 });
  });

  it('a GitLab push with the right token starts a pass; a wrong token is 401', () => {
    const gitlab = Buffer.from(JSON.stringify({ ref: 'refs/heads/main', checkout_sha: 'abcdef0123456789abcdef0123456789abcdef01' }));
    expect(verifyReconcileRequest({ 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': SECRET }, gitlab, SECRET)).toEqual({
      outcome: 'start',
      source: 'gitlab',
      event: 'Push Hook',
      ref: 'refs/heads/main',
      commit: 'abcdef0123456789abcdef0123456789abcdef01',
    });
    expect(verifyReconcileRequest({ 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': 'not-the-secret' }, gitlab, SECRET)).toMatchObject({
      outcome: 'refuse',
      status: 401,
    });
  });

  it('with a secret, an unsigned request is 401, even one that says it is a GitHub push', () => {
    expect(verifyReconcileRequest({}, Buffer.alloc(0), SECRET)).toMatchObject({ outcome: 'refuse', status: 401, reason: expect.stringContaining('unsigned') });
    expect(verifyReconcileRequest({ 'x-github-event': 'push' }, PUSH, SECRET)).toMatchObject({ outcome: 'refuse', status: 401 });
  });

  it("GitHub's ping on set-up and events that are not pushes are verified but start no pass", () => {
    const ping = Buffer.from('{"zen":"Keep it logically awesome."}');
    expect(verifyReconcileRequest({ 'x-github-event': 'ping', 'x-hub-signature-256': githubSignature(SECRET, ping) }, ping, SECRET)).toEqual({
      outcome: 'ignore',
      source: 'github',
      event: 'ping',
    });
    expect(verifyReconcileRequest({ 'x-gitlab-event': 'Merge Request Hook', 'x-gitlab-token': SECRET }, PUSH, SECRET)).toEqual({
      outcome: 'ignore',
      source: 'gitlab',
      event: 'Merge Request Hook',
    });
  });

  it('without a secret any POST starts a pass', () => {
    expect(verifyReconcileRequest({}, Buffer.alloc(0), undefined)).toEqual({ outcome: 'start', source: 'manual', event: 'manual' });
  });
});

describe('POST /reconcile on the HTTP server', () => {
  let server: Awaited<ReturnType<typeof startHttpServer>>;
  const seen: Buffer[] = [];
  beforeAll(async () => {
    server = await startHttpServer('127.0.0.1:0', {
      ready: () => ({ ready: true, reason: 'ready' }),
      metrics: async () => ({ contentType: 'text/plain', text: '' }),
      reportJson: () => undefined,
      page: () => '',
      reconcile: ({ headers, body }) => {
        seen.push(body);
        const v = verifyReconcileRequest(headers, body, SECRET);
        return v.outcome === 'refuse' ? { status: v.status, body: { error: v.reason } } : { status: 202, body: { started: v.outcome === 'start' } };
      },
    });
  });
  afterAll(async () => server.close());
  const post = (headers: Record<string, string>, body: Buffer | string) => fetch(`http://${server.address}/reconcile`, { method: 'POST', headers, body });

  it('hands the handler the exact bytes, so a right signature is accepted and a wrong one is 401', async () => {
    const right = await post({ 'content-type': 'application/json', 'x-github-event': 'push', 'x-hub-signature-256': githubSignature(SECRET, PUSH) }, PUSH);
    expect(right.status).toBe(202);
    expect(await right.json()).toEqual({ started: true });
    expect(seen.at(-1)!.equals(PUSH)).toBe(true);
    const wrong = await post(
      { 'content-type': 'application/json', 'x-github-event': 'push', 'x-hub-signature-256': githubSignature('another-secret-0123456789', PUSH) },
      PUSH,
    );
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { error: string }).error).toContain('X-Hub-Signature-256');
  });

  it('GET /reconcile is 405 with Allow: POST; a body over the limit is 413 and never reaches the handler', async () => {
    const get = await fetch(`http://${server.address}/reconcile`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    const before = seen.length;
    const big = await post({ 'x-gitlab-token': SECRET }, Buffer.alloc(MAX_WEBHOOK_BODY_BYTES + 1, 'a'));
    expect(big.status).toBe(413);
    expect(seen.length).toBe(before);
  });
});

describe('run --webhook-secret', () => {
  const run = async (argv: string[], env: NodeJS.ProcessEnv) => {
    const { main } = await import('../src/cli/main.js');
    let err = '';
    const code = await main(argv, { stdout: () => {}, stderr: (t) => (err += t), env, cwd: process.cwd() });
    return { code, err };
  };

  it('refuses a short secret from the flag or from ECS_RECONCILER_WEBHOOK_SECRET before starting anything', async () => {
    const fromFlag = await run(['run', 'manifests/', '--region', 'eu-west-1', '--webhook-secret', 'short'], {});
    expect(fromFlag.code).toBe(1);
    expect(fromFlag.err).toContain('must be at least 16 characters');
    const fromEnv = await run(['run', 'manifests/', '--region', 'eu-west-1'], { ECS_RECONCILER_WEBHOOK_SECRET: 'short' });
    expect(fromEnv.code).toBe(1);
    expect(fromEnv.err).toContain('ECS_RECONCILER_WEBHOOK_SECRET');
  });

  it('is explained in run --help with both GitHub and GitLab headers', async () => {
    const { main } = await import('../src/cli/main.js');
    let out = '';
    await main(['run', '--help'], { stdout: (t) => (out += t), stderr: () => {}, env: {}, cwd: process.cwd() });
    expect(out).toContain('--webhook-secret');
    expect(out).toContain('X-Hub-Signature-256');
    expect(out).toContain('X-Gitlab-Token');
    expect(out).toContain('POST /reconcile');
  });
});
