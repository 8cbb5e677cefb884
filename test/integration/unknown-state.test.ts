// A region that cannot be read (issue 13, 5): its resources are `unknown` with the
// reason, never `missing` (an alert on missing must not fire on every outage); plan
// exits 1; the daemon is not ready and /metrics counts nothing missing.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DaemonProcess, isPass, startDaemon } from './daemon-helpers.js';
import { emulatorEnv } from './emulator-helpers.js';
import { runCli, scratchManifests } from './reconcile-helpers.js';

/** An address where nothing listens: AWS unreachable. */
async function deadEndpoint(): Promise<string> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return `http://127.0.0.1:${port}`;
}

describe('an unreadable region', () => {
  const dir = scratchManifests();
  let dead = '';
  let daemon: DaemonProcess | undefined;
  beforeAll(async () => {
    dead = await deadEndpoint();
  });
  afterAll(async () => {
    await daemon?.stop();
  });

  it('plan: every resource unknown with the reason, none missing, exit 1', async () => {
    const r = await runCli(['plan', dir, '--endpoint', dead, '--var-file', emulatorEnv().envFile, '--format', 'json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { summary: { byState: Record<string, number> }; resources: Array<{ state: string; reason: string }> };
    expect(report.summary.byState.missing).toBe(0);
    expect(report.summary.byState.unknown).toBe(11);
    for (const res of report.resources) {
      expect(res.state).toBe('unknown');
      expect(res.reason).toMatch(/^cannot read us-east-1: .+; nothing is concluded about it this pass$/);
    }
  }, 120_000);

  it('the daemon: /readyz 503, /metrics with nothing missing', async () => {
    daemon = startDaemon(dir, ['--interval', '60s', '--endpoint', dead]);
    await daemon.waitFor(isPass, 120_000, 'a first pass');
    expect((await daemon.get('/readyz')).status).toBe(503);
    const metrics = (await daemon.get('/metrics')).text;
    expect(metrics).toContain('ecs_reconciler_resources{state="missing"} 0');
    expect(metrics).toContain('ecs_reconciler_resources{state="orphaned"} 0');
    expect(metrics).toContain('ecs_reconciler_resources{state="unknown"} 11');
  }, 150_000);
});
