// The fight guard on the emulator (issue 12, build 4): another tool sets the api
// service's desiredCount back after every UpdateService (the emulator's FIGHTER test
// hook, scripts/emulator_ext/test_hooks.py). The daemon applies a commit's change once
// and restores it twice (3 UpdateServices), then stops, reports the resource `fighting` in /report, /metrics and the webhook,
// still after a restart, and resumes once the manifest changes.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeServicesCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DaemonProcess, isPass, type LogLine, startDaemon, startWebhookReceiver } from './daemon-helpers.js';
import { emulatorEnv } from './emulator-helpers.js';
import { ecsClient, scratchManifests } from './reconcile-helpers.js';

const API = 'Service/us-east-1/prod/api';
const isApiUpdate = (l: LogLine) => l.resource === API && typeof l.action === 'string' && l.outcome === 'applied' && l.action !== 'tag-resource';

async function fighter(method: 'POST' | 'DELETE', body?: unknown): Promise<void> {
  const res = await fetch(`${emulatorEnv().endpoint}/ecs-reconciler/test-hooks/fighter`, {
    method,
    ...(body ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
  });
  if (!res.ok) throw new Error(`test hook: HTTP ${res.status} ${await res.text()}`);
}

async function apiDesiredCount(): Promise<number | undefined> {
  const r = await ecsClient().send(new DescribeServicesCommand({ cluster: 'prod', services: ['api'] }));
  return r.services?.[0]?.desiredCount;
}

interface ReportJson {
  resources: Array<{ id: string; state: string; fight?: { fields: string[]; since: string; applied: number } }>;
}

describe('the fight guard stops a resource another tool keeps changing back', () => {
  const dir = scratchManifests();
  const posts: string[] = [];
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>> | undefined;
  let hook = '';
  let daemon: DaemonProcess | undefined;

  beforeAll(async () => {
    receiver = await startWebhookReceiver((body) => posts.push(body));
    hook = receiver.url;
  });
  afterAll(async () => {
    await daemon?.stop();
    await fighter('DELETE');
    await receiver?.close();
  });

  it('applies the same change 3 times, then no more, with the state reported everywhere', async () => {
    daemon = startDaemon(dir, ['--interval', '1s', '--notify-webhook', hook]);
    await daemon.waitFor((l) => isPass(l) && (l.states as Record<string, number>)['in-sync'] === 11, 60_000, 'a pass with 11 in-sync');
    const armedAt = daemon.lines.length;
    await fighter('POST', { region: 'us-east-1', cluster: 'prod', service: 'api', field: 'desiredCount', value: 7 });
    // a commit asks for 5 tasks; from now on the other tool undoes every UpdateService
    const file = join(dir, 'api', 'api.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('desiredCount: 3', 'desiredCount: 5'));

    const fighting = await daemon.waitFor((l) => isPass(l) && (l.states as Record<string, number>).fighting === 1, 60_000, 'a pass with api fighting');
    const updates = daemon.lines.slice(armedAt).filter(isApiUpdate);
    expect(updates.map((l) => l.action)).toEqual(['update-service', 'update-service', 'update-service']);
    // three more passes: not a single action on api
    const after = daemon.lines.indexOf(fighting);
    await daemon.waitFor(
      (l) => isPass(l) && daemon!.lines.indexOf(l) > after && (l.passId as number) >= (fighting.passId as number) + 3,
      30_000,
      'three more passes',
    );
    expect(daemon.lines.slice(after).filter((l) => l.resource === API && typeof l.action === 'string')).toEqual([]);
    expect(daemon.lines.slice(armedAt).filter(isApiUpdate)).toHaveLength(3);
    expect(await apiDesiredCount()).toBe(7);

    const report = JSON.parse((await daemon.get('/report')).text) as ReportJson;
    const api = report.resources.find((r) => r.id === API);
    expect(api?.state).toBe('fighting');
    expect(api?.fight).toMatchObject({ fields: ['desiredCount'], applied: 3 });
    const metrics = (await daemon.get('/metrics')).text;
    expect(metrics).toContain('ecs_reconciler_resources{state="fighting"} 1');
    expect((await daemon.get('/')).text).toContain('fighting since');
    expect(posts.some((p) => (JSON.parse(p) as { text: string }).text.includes(`${API} is fighting`))).toBe(true);
  });

  it('remembers the fight across a restart: the resource stays stopped', async () => {
    await daemon!.stop();
    daemon = startDaemon(dir, ['--interval', '1s']);
    await daemon.waitFor((l) => isPass(l) && (l.passId as number) >= 2, 60_000, 'two passes after the restart');
    expect(daemon.lines.filter(isApiUpdate)).toHaveLength(0);
    const report = JSON.parse((await daemon.get('/report')).text) as ReportJson;
    expect(report.resources.find((r) => r.id === API)?.state).toBe('fighting');
  });

  it('resumes when the manifest changes, and converges once the other tool stops', async () => {
    await fighter('DELETE');
    const file = join(dir, 'api', 'api.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('desiredCount: 5', 'desiredCount: 4'));
    await daemon!.waitFor(isApiUpdate, 30_000, 'the UpdateService of api after the manifest change');
    await daemon!.waitForNext((l) => isPass(l) && (l.states as Record<string, number>).fighting === 0, 30_000, 'a pass with nothing fighting');
    expect(await apiDesiredCount()).toBe(4);
  });
});
