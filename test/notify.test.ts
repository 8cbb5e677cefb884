import { describe, expect, it } from 'vitest';
import { transitionsOf, webhookBody, WebhookNotifier, type Condition } from '../src/daemon/notify.js';
import type { Report, ReportResource } from '../src/report/model.js';

function resource(id: string, state: ReportResource['state'], extra: Partial<ReportResource> = {}): ReportResource {
  return { id, kind: 'Service', region: 'eu-west-1', cluster: 'prod', name: id, state, reason: '', suspended: false, changes: [], ignored: [], actions: [], ...extra };
}

function report(resources: ReportResource[]): Report {
  return {
    schemaVersion: 1,
    generatedAt: '2026-11-26T00:00:00.000Z',
    controllerId: 'default',
    mode: 'apply',
    loadComplete: true,
    summary: { resources: resources.length, byState: { 'in-sync': 0, pending: 0, drifted: 0, missing: 0, orphaned: 0, conflict: 0, invalid: 0, unknown: 0, fighting: 0 }, actionsPlanned: 0, actionsApplied: 0, actionsFailed: 0, problems: 0 },
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
    expect(t.map((x) => [x.resource, x.to])).toEqual([['b', 'error'], ['c', 'error']]);
  });

  it('the body is Slack-compatible and links the report', () => {
    const body = webhookBody(report([]), [{ resource: 'Service/eu-west-1/prod/web', from: 'ok', to: 'drifted', state: 'drifted', fields: ['desiredCount'] }], 'https://r.example/');
    expect(body.text).toBe('ecs-reconciler (default): 1 resource(s) changed condition\n• Service/eu-west-1/prod/web drifted (desiredCount)\nReport: https://r.example/');
    expect(body.reportUrl).toBe('https://r.example/');
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
    const n = new WebhookNotifier('http://127.0.0.1:1/hook', 'http://x/', post, () => clock, { baseMs: 10_000, capMs: 60_000 });
    const r = report([resource('a', 'drifted')]);
    expect(await n.notify(r)).toEqual({ sent: 0, error: 'HTTP 500', retryInMs: 10_000 });
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
    const n = new WebhookNotifier('http://127.0.0.1:1/hook', 'http://x/', post, () => clock, { baseMs: 10_000, capMs: 60_000 });
    await n.notify(report([resource('a', 'drifted')]));
    expect(await n.notify(report([resource('a', 'drifted')]))).toMatchObject({ deferred: true, retryInMs: 10_000 });
    clock = 10_000;
    status = 200;
    expect(await n.notify(report([resource('a', 'drifted')]))).toEqual({ sent: 1 });
    status = 500;
    expect(await n.notify(report([resource('a', 'in-sync')]))).toEqual({ sent: 0, error: 'HTTP 500', retryInMs: 10_000 });
  });

  it('fighting is a condition of its own', () => {
    const notified = new Map<string, Condition>();
    const t = transitionsOf(report([resource('a', 'fighting', { fight: { fields: ['desiredCount'], since: '2026-12-01T00:00:00Z', applied: 3 } })]), notified);
    expect(t).toEqual([{ resource: 'a', from: 'ok', to: 'fighting', state: 'fighting', fields: ['desiredCount'] }]);
    expect(String(webhookBody(report([]), t, 'http://x/').text)).toContain('• a is fighting: the same change came back after 3 applies (desiredCount); no longer applied');
  });
});
