// Issue 16's "Done when", with the daemon as users run it: `ecs-reconciler run` as a child
// process (the compiled CLI) against the emulator, through a counting proxy, so the
// UpdateService calls are counted where they reach the emulator (not by the controller's
// own bookkeeping). A `-crashloop` revision with the circuit breaker on is deployed once,
// rolled back by ECS (scripts/emulator_ext/deployments.py), reported `degraded`, told to
// the webhook once, not deployed again over 5 daemon passes; then a fixed manifest deploys.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DaemonProcess, isPass, startDaemon, startWebhookReceiver } from './daemon-helpers.js';
import { emulatorEnv, resetEmulator } from './emulator-helpers.js';
import { type FaultProxy, startFaultProxy } from './fault-proxy.js';
import { CIRCUIT_BREAKER_WITH_ROLLBACK, rolloutEstate } from './rollout-estate.js';

const CLUSTER = 'daemon-rollouts';
const SERVICE = 'web';

function manifest(imageTag: string): string {
  return rolloutEstate({ cluster: CLUSTER, family: 'daemon-rollout-web', service: SERVICE, image: imageTag, serviceExtra: CIRCUIT_BREAKER_WITH_ROLLBACK });
}

interface ReportBody {
  resources: Array<{ id: string; state: string; degraded?: { revision: string; rolledBack: boolean; deploymentId: string } }>;
}

interface WebhookPost {
  transitions: Array<{ resource: string; from: string; to: string; state: string }>;
}

describe('the daemon process and a rolled-back deployment', () => {
  let proxy: FaultProxy;
  let daemon: DaemonProcess | undefined;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>> | undefined;
  const posts: WebhookPost[] = [];

  beforeAll(async () => {
    await resetEmulator();
    // no faults: the proxy only counts what reaches the emulator, by operation
    proxy = await startFaultProxy({ target: emulatorEnv().endpoint });
    receiver = await startWebhookReceiver((body) => posts.push(JSON.parse(body) as WebhookPost));
  });
  afterAll(async () => {
    await daemon?.stop();
    await receiver?.close();
    await proxy?.close();
  });

  it('deploys a -crashloop revision once, reports it degraded (webhook once), deploys nothing over 5 passes, then deploys the fixed manifest', async () => {
    const id = `Service/${emulatorEnv().region}/${CLUSTER}/${SERVICE}`;
    const dir = mkdtempSync(join(tmpdir(), 'ecs-reconciler-daemon-rollouts-'));
    const file = join(dir, 'estate.yaml');
    writeFileSync(file, manifest('1.27'));
    daemon = startDaemon(dir, ['--endpoint', proxy.url, '--interval', '1s', '--notify-webhook', receiver!.url]);
    const report = async () => JSON.parse((await daemon!.get('/report')).text) as ReportBody;
    const stateOf = async () => (await report()).resources.find((r) => r.id === id)?.state;
    await daemon.waitFor((l) => isPass(l) && (l.states as Record<string, number>)['in-sync'] === 3, 60_000, 'the good estate in sync');
    const updatesBefore = proxy.forwarded.UpdateService ?? 0;

    writeFileSync(file, manifest('1.28-crashloop'));
    await daemon.waitForNext((l) => l.action === 'update-service' && l.resource === id && l.outcome === 'applied', 30_000, 'the crashloop deployed');
    expect((proxy.forwarded.UpdateService ?? 0) - updatesBefore).toBe(1);

    // the emulator's circuit breaker fails the deployment and rolls it back; a resync sees it
    await daemon.waitForNext((l) => isPass(l) && (l.states as Record<string, number>).degraded === 1, 60_000, 'a pass with the service degraded');
    const degradedAt = proxy.forwarded.UpdateService ?? 0;
    expect(degradedAt - updatesBefore).toBe(1);
    for (let i = 0; i < 5; i++) {
      const pass = await daemon.waitForNext(isPass, 15_000, `pass ${i + 1} of 5 after degraded`);
      expect((pass.states as Record<string, number>).degraded).toBe(1);
    }
    expect(proxy.forwarded.UpdateService ?? 0).toBe(degradedAt);
    const body = await report();
    expect(body.resources.find((r) => r.id === id)).toMatchObject({
      state: 'degraded',
      degraded: { revision: 'daemon-rollout-web:2', rolledBack: true },
    });
    const degradedPosts = posts.filter((p) => p.transitions.some((t) => t.resource === id && t.to === 'degraded'));
    expect(degradedPosts).toHaveLength(1);

    writeFileSync(file, manifest('1.29'));
    await daemon.waitForNext((l) => l.action === 'update-service' && l.resource === id && l.outcome === 'applied', 30_000, 'the fixed manifest deployed');
    expect((proxy.forwarded.UpdateService ?? 0) - degradedAt).toBe(1);
    const deadline = Date.now() + 30_000;
    while ((await stateOf()) !== 'in-sync') {
      if (Date.now() > deadline) throw new Error(`the fixed manifest did not converge: ${await stateOf()}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }, 180_000);
});
