// The lease's correctness on the emulator's DynamoDB (issue 13, 6, 12 and 14): record
// version numbers and the taker's own monotonic clock (clock skew cannot let two
// holders apply), a frozen holder that sends nothing once its budget is spent, every
// mutating call's timeout inside the lease, two `apply --lease-table` at once, and a
// daemon whose lease table cannot be created at start-up.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ListTaskDefinitionsCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsCallError, AwsGateway, AwsGateways } from '../../src/aws/index.js';
import { Lease } from '../../src/daemon/lease.js';
import { type DaemonProcess, isPass, startDaemon } from './daemon-helpers.js';
import { emulatorEnv } from './emulator-helpers.js';
import { FaultProxy } from './fault-proxy.js';
import { ecsClient, runCli, scratchManifests } from './reconcile-helpers.js';

const TABLE = 'ecs-reconciler-lease-safety';
const D = 30_000; // the lease duration of the clock tests (their clocks are fake: no waiting)
const quiet = { info: () => undefined, warn: () => undefined };

function gateway(endpoint = emulatorEnv().endpoint, fence?: { budgetMs?: () => number }): AwsGateway {
  return new AwsGateway({ region: emulatorEnv().region, endpoint, rateLimits: 'off', ...(fence ? { writeFence: fence } : {}) });
}

function lease(store: AwsGateway, holder: string, clock: () => number, name: string, durationMs = D): Lease {
  return new Lease({ store, table: TABLE, name, holder, durationMs, logger: quiet, clock });
}

describe("the lease, judged by record version numbers and the taker's own clock", () => {
  const gw = gateway();
  beforeAll(() => gw.ensureLeaseTable(TABLE));
  afterAll(() => gw.destroy());

  it('clock skew of hours between hosts never lets a second holder in while the first renews', async () => {
    await gw.ensureLeaseTable(TABLE);
    // monotonic clocks that have nothing in common: B's is hours "ahead"
    let a = 0;
    let b = 5 * 3600_000;
    const A = lease(gw, 'host-a', () => a, 'skew');
    const B = lease(gw, 'host-b', () => b, 'skew');
    expect(await A.renew()).toBe(true);
    for (let i = 0; i < 12; i++) {
      a += D / 3;
      b += D / 3;
      expect(await A.renew()).toBe(true);
      expect(await B.renew()).toBe(false);
    }
    expect(B.otherHolder).toBe('host-a');
    // A stops renewing (dead): B takes over only after it has seen A's record unchanged for a whole lease
    b += D - 1;
    expect(await B.renew()).toBe(false);
    b += 1;
    expect(await B.renew()).toBe(true);
    await B.stop();
  });

  it('a frozen holder sends nothing once its lease could have passed over, even with a call ready to go', async () => {
    let a = 0;
    let b = 0;
    const fence: { budgetMs?: () => number } = {};
    const gwA = gateway(emulatorEnv().endpoint, fence);
    const A = lease(gwA, 'host-a', () => a, 'frozen');
    const B = lease(gw, 'host-b', () => b, 'frozen');
    fence.budgetMs = () => A.callBudgetMs();
    try {
      expect(await A.renew()).toBe(true);
      expect(A.callBudgetMs()).toBe(D - D / 6);
      expect(await B.renew()).toBe(false);
      // A freezes (SIGSTOP, a GC pause): it does not run, its monotonic clock does
      b += D;
      a += D;
      expect(await B.renew()).toBe(true);
      // A wakes up with a CreateCluster it was about to send
      expect(A.held()).toBe(false);
      const err = await gwA.createCluster({ clusterName: 'frozen-holder' }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(AwsCallError);
      expect((err as AwsCallError).code).toBe('LeaseExpiring');
      expect((await gw.describeClusters(['frozen-holder'])).clusters).toEqual([]);
      // and its next renewal finds the rvn moved: it knows it lost the lease
      expect(await A.renew()).toBe(false);
    } finally {
      gwA.destroy();
      await B.stop();
    }
  });

  it('a mutating call in flight is cut off inside the lease, not answered after it', async () => {
    const proxy = new FaultProxy({
      target: emulatorEnv().endpoint,
      faults: { rate: 1, kinds: ['slow'], phases: ['after'], operations: ['CreateCluster'], slowMs: 20_000 },
    });
    const endpoint = await proxy.start();
    const fence: { budgetMs?: () => number } = {};
    const gwA = gateway(endpoint, fence);
    const A = new Lease({ store: gwA, table: TABLE, name: 'in-flight', holder: 'host-a', durationMs: 3000, logger: quiet });
    fence.budgetMs = () => A.callBudgetMs();
    try {
      expect(await A.renew()).toBe(true);
      const started = performance.now();
      const err = await gwA.createCluster({ clusterName: 'slow-answer' }).then(
        () => undefined,
        (e: unknown) => e,
      );
      const took = performance.now() - started;
      expect(String(err)).toMatch(/abort/i);
      console.log(`a CreateCluster whose answer hung was cut off after ${Math.round(took)} ms (lease 3 s, margin 0.5 s)`);
      expect(took).toBeGreaterThan(1500);
      expect(took).toBeLessThan(2600);
    } finally {
      await A.stop();
      gwA.destroy();
      await proxy.close();
    }
  });
});

describe('apply --lease-table', () => {
  it('two applies of one controller id at once: one registers and deploys, the other waits and finds nothing to do', async () => {
    const dir = scratchManifests();
    const env = emulatorEnv();
    const base = [dir, '--endpoint', env.endpoint, '--var-file', env.envFile, '--lease-table', TABLE, '--lease-duration', '3s'];
    expect((await runCli(['apply', ...base])).code).toBe(0);
    const file = join(dir, 'web', 'web.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('${WEB_IMAGE_TAG:=1.27}', '1.31'));
    const before = (await ecsClient().send(new ListTaskDefinitionsCommand({ familyPrefix: 'web', status: 'ACTIVE' }))).taskDefinitionArns ?? [];
    const [one, two] = await Promise.all([runCli(['apply', ...base, '--format', 'json']), runCli(['apply', ...base, '--format', 'json'])]);
    expect([one.code, two.code]).toEqual([0, 0]);
    const after = (await ecsClient().send(new ListTaskDefinitionsCommand({ familyPrefix: 'web', status: 'ACTIVE' }))).taskDefinitionArns ?? [];
    expect(after.length - before.length).toBe(1);
    const applied = [one, two].map((r) => (JSON.parse(r.stdout) as { summary: { actionsApplied: number } }).summary.actionsApplied).sort();
    expect(applied[0]).toBe(0);
    expect(applied[1]).toBeGreaterThan(0);
  }, 120_000);

  it('gives up after --lease-wait while another holds the lease, exit 1, nothing applied', async () => {
    const gw = gateway();
    const holder = new Lease({ store: gw, table: TABLE, name: 'default', holder: 'a-daemon', durationMs: 30_000, logger: quiet });
    try {
      expect(await holder.renew()).toBe(true);
      const env = emulatorEnv();
      const r = await runCli([
        'apply',
        scratchManifests(),
        '--endpoint',
        env.endpoint,
        '--var-file',
        env.envFile,
        '--lease-table',
        TABLE,
        '--lease-wait',
        '1s',
      ]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('not applied: the lease "default" in table ecs-reconciler-lease-safety is held by a-daemon; waited 1s (--lease-wait)');
    } finally {
      await holder.stop();
      gw.destroy();
    }
  }, 60_000);

  it('plan takes no lease: it runs while another holds it', async () => {
    const gw = gateway();
    const holder = new Lease({ store: gw, table: TABLE, name: 'default', holder: 'a-daemon', durationMs: 30_000, logger: quiet });
    try {
      expect(await holder.renew()).toBe(true);
      const env = emulatorEnv();
      expect((await runCli(['plan', scratchManifests(), '--endpoint', env.endpoint, '--var-file', env.envFile])).code).toBe(0);
    } finally {
      await holder.stop();
      gw.destroy();
    }
  }, 60_000);
});

describe('a lease table out of reach at start-up', () => {
  const proxy = new FaultProxy({ target: emulatorEnv().endpoint, faults: { rate: 1, kinds: ['e503'], phases: ['before'], operations: ['CreateTable'] } });
  let daemon: DaemonProcess | undefined;
  afterAll(async () => {
    await daemon?.stop();
    await proxy.close();
  });

  it('is retried with backoff, reported by /healthz and /readyz, and the daemon applies once it is back', async () => {
    const endpoint = await proxy.start();
    daemon = startDaemon(scratchManifests(), ['--interval', '1s', '--endpoint', endpoint, '--lease-table', 'ecs-reconciler-startup', '--lease-duration', '3s']);
    await daemon.waitFor(
      (l) => typeof l.msg === 'string' && l.msg.startsWith('cannot create or read the lease table') && l.attempt === 2,
      90_000,
      'a second failed attempt',
    );
    const health = await daemon.get('/healthz');
    expect(health.status).toBe(503);
    expect(health.text).toContain('cannot create or read the lease table ecs-reconciler-startup');
    expect((await daemon.get('/readyz')).status).toBe(503);
    // meanwhile it reads and reports, and changes nothing
    await daemon.waitFor(isPass, 30_000, 'a pass while the lease table is out of reach');
    expect(daemon.lines.filter((l) => typeof l.action === 'string')).toEqual([]);
    expect(daemon.child.exitCode).toBeNull();

    proxy.setFaults(undefined);
    await daemon.waitFor((l) => l.held === true, 60_000, 'the lease taken once DynamoDB answers');
    await daemon.waitFor((l) => isPass(l) && (l.states as Record<string, number>)['in-sync'] === 11, 60_000, 'the estate converged');
    expect((await daemon.get('/healthz')).status).toBe(200);
  }, 200_000);
});

// the AwsGateways of a process share one fence: every region's gateway obeys the lease
describe('the write fence', () => {
  it('is shared by every region of a process', () => {
    const gws = new AwsGateways({ endpoint: emulatorEnv().endpoint, rateLimits: 'off' });
    gws.writeFence.budgetMs = () => 0;
    const other = gws.forRegion('eu-west-1');
    return expect(other.createCluster({ clusterName: 'fenced' }))
      .rejects.toMatchObject({ code: 'LeaseExpiring' })
      .finally(() => gws.destroy());
  });
});
