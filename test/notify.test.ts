import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { type Condition, parseWebhookUrl, transitionsOf, WebhookNotifier, type WebhookTarget, webhookBody } from '../src/daemon/notify.js';
import { RESOURCE_STATES } from '../src/diff/types.js';
import type { Report, ReportResource } from '../src/report/model.js';

function target(url: string): WebhookTarget {
  const parsed = parseWebhookUrl(url);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.target;
}

function resource(id: string, state: ReportResource['state'], extra: Partial<ReportResource> = {}): ReportResource {
  return {
    id,
    kind: 'Service',
    region: 'eu-west-1',
    cluster: 'prod',
    name: id,
    state,
    reason: '',
    suspended: false,
    changes: [],
    ignored: [],
    actions: [],
    ...extra,
  };
}

function report(resources: ReportResource[]): Report {
  return {
    schemaVersion: 1,
    generatedAt: '2026-11-26T00:00:00.000Z',
    controllerId: 'default',
    mode: 'apply',
    loadComplete: true,
    summary: {
      resources: resources.length,
      byState: Object.fromEntries(RESOURCE_STATES.map((s) => [s, 0])) as Report['summary']['byState'],
      actionsPlanned: 0,
      actionsApplied: 0,
      actionsFailed: 0,
      problems: 0,
    },
    resources,
    problems: [],
  };
}

describe('webhook notifications', () => {
  it('a resource entering drifted is announced once, and once more when it leaves', () => {
    const notified = new Map<string, Condition>();
    const drifted = resource('a', 'drifted', { changes: [{ path: 'desiredCount', live: 9, desired: 3, cause: 'out-of-band' }] });
    expect(transitionsOf(report([drifted]), notified)).toEqual([{ resource: 'a', from: 'ok', to: 'drifted', state: 'drifted', fields: ['desiredCount'] }]);
    expect(transitionsOf(report([drifted]), notified)).toEqual([]);
    expect(transitionsOf(report([resource('a', 'in-sync')]), notified)).toEqual([{ resource: 'a', from: 'drifted', to: 'ok', state: 'in-sync', fields: [] }]);
  });

  it('a failed action or an invalid manifest is an error condition; pending is not announced', () => {
    const notified = new Map<string, Condition>();
    const failed = resource('b', 'pending', { actions: [{ kind: 'update-service', reason: '', fields: [], outcome: 'failed', message: 'x' }] });
    const t = transitionsOf(report([failed, resource('c', 'invalid'), resource('d', 'pending')]), notified);
    expect(t.map((x) => [x.resource, x.to])).toEqual([
      ['b', 'error'],
      ['c', 'error'],
    ]);
  });

  it('the body is Slack-compatible and links the report', () => {
    const body = webhookBody(
      report([]),
      [{ resource: 'Service/eu-west-1/prod/web', from: 'ok', to: 'drifted', state: 'drifted', fields: ['desiredCount'] }],
      'https://r.example/',
    );
    expect(body.text).toBe(
      'ecs-reconciler (default): 1 resource(s) changed condition\n• Service/eu-west-1/prod/web drifted (desiredCount)\nReport: https://r.example/',
    );
    expect(body.reportUrl).toBe('https://r.example/');
  });

  it('orphans entering error under a refused prune stage: the post says why and how to go on', () => {
    const reason =
      'prune refused: it would delete 2 of the 8 resource(s) this controller manages, more than --max-prune 1. Check the plan; pass --max-prune 2 to go on';
    const orphan = resource('Service/eu-west-1/prod/web', 'orphaned', { skipped: { reason, error: true } });
    const refused = { ...report([orphan]), prune: { status: 'refused' as const, reason, deletions: 2, managed: 8, maxPrune: 1 } };
    const t = transitionsOf(refused, new Map());
    expect(t.map((x) => x.to)).toEqual(['error']);
    expect(String(webhookBody(refused, t, 'https://r.example/').text)).toBe(
      `ecs-reconciler (default): 1 resource(s) changed condition\n• Service/eu-west-1/prod/web is in error (orphaned)\n${reason}\nReport: https://r.example/`,
    );
    // a later post about something else does not repeat the refusal
    const drift = [
      { resource: 'Service/eu-west-1/prod/api', from: 'ok' as const, to: 'drifted' as const, state: 'drifted' as const, fields: ['desiredCount'] },
    ];
    expect(String(webhookBody(refused, drift, 'https://r.example/').text)).not.toContain('prune refused');
  });

  it('a failed post is tried again after a backoff, not on every pass, with what happened meanwhile', async () => {
    let calls = 0;
    let down = true;
    let clock = 0;
    const bodies: string[] = [];
    const post = (async (_url: string, init: { body: string }) => {
      calls++;
      bodies.push(init.body);
      return new Response('', { status: down ? 500 : 200 });
    }) as unknown as typeof fetch;
    const n = new WebhookNotifier(target('http://127.0.0.1:1/hook'), 'http://x/', post, () => clock, { baseMs: 10_000, capMs: 60_000 });
    const r = report([resource('a', 'drifted')]);
    expect(await n.notify(r)).toEqual({ sent: 0, error: 'http://127.0.0.1:1: HTTP 500', retryInMs: 10_000 });
    // a pass a second for a minute while the endpoint is down: 2 more posts (at 10 s and 30 s; then 70 s), not 60
    for (clock = 1000; clock <= 60_000; clock += 1000) await n.notify(r);
    expect(calls).toBe(3);
    clock = 200_000;
    down = false;
    const both = report([resource('a', 'drifted'), resource('b', 'invalid')]);
    expect(await n.notify(both)).toEqual({ sent: 2 });
    expect(JSON.parse(bodies.at(-1)!).transitions.map((t: { resource: string }) => t.resource)).toEqual(['a', 'b']);
    expect(await n.notify(both)).toEqual({ sent: 0 });
    expect(calls).toBe(4);
  });

  it('a success ends the backoff', async () => {
    let clock = 0;
    let status = 500;
    const post = (async () => new Response('', { status })) as unknown as typeof fetch;
    const n = new WebhookNotifier(target('http://127.0.0.1:1/hook'), 'http://x/', post, () => clock, { baseMs: 10_000, capMs: 60_000 });
    await n.notify(report([resource('a', 'drifted')]));
    expect(await n.notify(report([resource('a', 'drifted')]))).toMatchObject({ deferred: true, retryInMs: 10_000 });
    clock = 10_000;
    status = 200;
    expect(await n.notify(report([resource('a', 'drifted')]))).toEqual({ sent: 1 });
    status = 500;
    expect(await n.notify(report([resource('a', 'in-sync')]))).toEqual({ sent: 0, error: 'http://127.0.0.1:1: HTTP 500', retryInMs: 10_000 });
  });

  it('fighting is a condition of its own', () => {
    const notified = new Map<string, Condition>();
    const t = transitionsOf(report([resource('a', 'fighting', { fight: { fields: ['desiredCount'], since: '2026-12-01T00:00:00Z', applied: 3 } })]), notified);
    expect(t).toEqual([{ resource: 'a', from: 'ok', to: 'fighting', state: 'fighting', fields: ['desiredCount'] }]);
    expect(String(webhookBody(report([]), t, 'http://x/').text)).toContain(
      '• a is fighting: the same change came back after 3 applies (desiredCount); no longer applied',
    );
  });
});

describe('the webhook URL and what is said about it', () => {
  it('is checked at start: not a URL, another scheme, no host, a fragment', () => {
    expect(parseWebhookUrl('not a url')).toEqual({ ok: false, message: 'is not a URL: expected https://HOST/PATH' });
    expect(parseWebhookUrl('ftp://h/x')).toMatchObject({ ok: false, message: expect.stringContaining('http or https') });
    expect(parseWebhookUrl('https://h/x#frag')).toMatchObject({ ok: false });
    expect(parseWebhookUrl('https://hooks.example/services/T0/B0/secretpath?token=q1')).toMatchObject({ ok: true, target: { shown: 'https://hooks.example' } });
  });

  it('credentials leave the URL for an Authorization header; errors show the origin only', async () => {
    const t = target('https://bob:planted-pass-77@hooks.example/services/planted-path-78?token=planted-query-79');
    expect(t.url).toBe('https://hooks.example/services/planted-path-78?token=planted-query-79');
    expect(t.authorization).toBe(`Basic ${Buffer.from('bob:planted-pass-77').toString('base64')}`);
    const failing = (async (url: string) => {
      throw new TypeError(`fetch failed for ${url}`, { cause: { code: 'ECONNREFUSED' } });
    }) as unknown as typeof fetch;
    const r = await new WebhookNotifier(t, 'http://x/', failing).notify(report([resource('a', 'drifted')]));
    expect(r.error).toBe('https://hooks.example: not delivered (ECONNREFUSED)');
    for (const planted of ['planted-pass-77', 'planted-path-78', 'planted-query-79']) expect(JSON.stringify(r)).not.toContain(planted);
  });

  it('a redirect is not followed, and the body is posted nowhere else', async () => {
    const elsewhere: string[] = [];
    const other = http.createServer((req, res) => {
      elsewhere.push(`${req.method} ${req.url}`);
      res.end('ok');
    });
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
    const otherPort = (other.address() as AddressInfo).port;
    const auth: Array<string | undefined> = [];
    const hook = http.createServer((req, res) => {
      auth.push(req.headers.authorization);
      res.writeHead(307, { location: `http://127.0.0.1:${otherPort}/collect` });
      res.end();
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    const port = (hook.address() as AddressInfo).port;
    try {
      const n = new WebhookNotifier(target(`http://u:p@127.0.0.1:${port}/hook`), 'http://x/');
      const r = await n.notify(report([resource('a', 'drifted')]));
      expect(r).toEqual({
        sent: 0,
        error: `http://127.0.0.1:${port}: answered a redirect (HTTP 307), which is not followed: give the final URL`,
        retryInMs: 10_000,
      });
      expect(auth).toEqual([`Basic ${Buffer.from('u:p').toString('base64')}`]);
      expect(elsewhere).toEqual([]);
    } finally {
      hook.close();
      other.close();
    }
  });
});

describe('run --notify-webhook', () => {
  it('refuses a URL that does not parse before anything starts, in one line that does not repeat it', async () => {
    const { main } = await import('../src/cli/main.js');
    let err = '';
    const code = await main(['run', 'manifests/', '--region', 'us-east-1', '--notify-webhook', 'not a url', '--listen', '127.0.0.1:0'], {
      stdout: () => undefined,
      stderr: (t) => (err += t),
      env: {},
      cwd: process.cwd(),
    });
    expect(code).toBe(1);
    expect(err.split('\n')[0]).toBe('ecs-reconciler run: --notify-webhook is not a URL: expected https://HOST/PATH');
    expect(err).not.toContain('not a url');
  }, 30_000);
});
