// Two daemons with one controller id on one estate: a DynamoDB lease (on the same
// emulator) lets only its holder apply; when the holder dies, the lease passes over.
import { DescribeServicesCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { isPass, startDaemon } from './daemon-helpers.js';
import { ecsClient, scratchManifests } from './reconcile-helpers.js';

const LEASE = ['--lease-table', 'ecs-reconciler-leases', '--lease-duration', '3s', '--interval', '500ms'];

async function desiredCountOf(service: string): Promise<number | undefined> {
  const r = await ecsClient().send(new DescribeServicesCommand({ cluster: 'prod', services: [service] }));
  return r.services?.[0]?.desiredCount;
}

describe('the lease', () => {
  it('only the holder applies; the other reports; the lease passes over within the expiry when the holder dies', async () => {
    const dir = scratchManifests();
    const first = startDaemon(dir, LEASE);
    await first.waitFor((l) => l.held === true, 20_000, 'the first daemon taking the lease');
    const second = startDaemon(dir, LEASE);
    try {
      await second.waitFor((l) => l.held === false, 20_000, 'the second daemon seeing the lease taken');
      await first.waitFor((l) => isPass(l) && (l.states as Record<string, number>)['in-sync'] === 11, 30_000, 'the holder converging');
      await second.waitForNext(isPass, 10_000, 'a pass of the second');
      await second.waitForNext(isPass, 10_000, 'another pass of the second');
      expect(second.lines.filter((l) => typeof l.action === 'string')).toEqual([]);
      expect(first.lines.filter((l) => l.outcome === 'applied').length).toBeGreaterThanOrEqual(8);

      // the holder dies without giving the lease up
      first.child.kill('SIGKILL');
      const killedAt = Date.now();
      await first.exited;
      await second.waitFor((l) => l.held === true, 15_000, 'the second daemon taking over');
      const took = Date.now() - killedAt;
      console.log(`lease passed over ${took} ms after the holder was killed (lease 3 s)`);
      expect(took).toBeLessThan(15_000);

      // and the new holder converges what changes behind its back
      await ecsClient().send(new UpdateServiceCommand({ cluster: 'prod', service: 'api', desiredCount: 8 }));
      await second.waitFor(
        (l) => l.action === 'update-service' && l.resource === 'Service/us-east-1/prod/api' && l.outcome === 'applied',
        20_000,
        'the new holder restoring api',
      );
      expect(await desiredCountOf('api')).toBe(3);
    } finally {
      await first.stop('SIGKILL');
      expect(await second.stop()).toBe(0);
    }
  });

  it('a holder that stops cleanly gives the lease up: another takes it at its next renewal, long before the expiry', async () => {
    const dir = scratchManifests();
    const a = startDaemon(dir, [...LEASE.slice(0, 2), '--lease-duration', '30s', '--interval', '500ms']);
    await a.waitFor((l) => l.held === true, 20_000, 'a taking the lease');
    const b = startDaemon(dir, [...LEASE.slice(0, 2), '--lease-duration', '30s', '--interval', '500ms']);
    try {
      await b.waitFor((l) => l.held === false, 20_000, 'b seeing it taken');
      const stoppedAt = Date.now();
      expect(await a.stop()).toBe(0);
      await b.waitFor((l) => l.held === true, 20_000, 'b taking over');
      const took = Date.now() - stoppedAt;
      console.log(`lease passed over ${took} ms after a clean stop (lease 30 s)`);
      expect(took).toBeLessThan(15_000); // a third of the 30 s lease, plus a pass
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});
