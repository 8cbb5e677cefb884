import { describe, expect, it } from 'vitest';
import { RESOURCE_STATES } from '../src/diff/types.js';
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
    summary: { resources: resources.length, byState: Object.fromEntries(RESOURCE_STATES.map((s) => [s, 0])) as Report['summary']['byState'], actionsPlanned: 0, actionsApplied: 0, actionsFailed: 0, problems: 0 },
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

  it('a failed post is tried again with the next pass', async () => {
    let calls = 0;
    const post = (async () => {
      calls++;
      return new Response('', { status: calls === 1 ? 500 : 200 });
    }) as unknown as typeof fetch;
    const n = new WebhookNotifier('http://127.0.0.1:1/hook', 'http://x/', post);
    const r = report([resource('a', 'drifted')]);
    expect(await n.notify(r)).toEqual({ sent: 0, error: 'HTTP 500' });
    expect(await n.notify(r)).toEqual({ sent: 1 });
    expect(await n.notify(r)).toEqual({ sent: 0 });
    expect(calls).toBe(2);
  });
});
