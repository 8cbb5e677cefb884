// The events queue's loop on a gateway that fails: a queue outage never holds a stop.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { Gateway } from '../src/aws/index.js';
import { EventsQueue } from '../src/daemon/events-queue.js';

const unreadable = {
  receiveEventMessages: () => Promise.reject(new Error('AWS.SimpleQueueService.NonExistentQueue: The specified queue does not exist.')),
  deleteEventMessages: () => Promise.resolve(),
} as unknown as Gateway;

describe('the events queue while it cannot be read', () => {
  it('stops at once, not after the retry wait (SIGTERM during a queue outage)', async () => {
    const queue = new EventsQueue({
      queueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/gone',
      gateway: unreadable,
      logger: pino({ level: 'silent' }),
      reconcile: () => Promise.resolve(true),
      ownAppId: 'ecs-reconciler-0a1b2c3d4e5f',
      recentlyWritten: () => false,
      // the first wait after a failed read: ten minutes
      retryBaseMs: 600_000,
      retryCapMs: 600_000,
    });
    queue.start();
    await expect.poll(() => queue.counts.readErrors).toBe(1);
    expect(queue.healthy).toBe(false);
    const stopped = await Promise.race([queue.stop().then(() => 'stopped'), new Promise((r) => setTimeout(() => r('still waiting'), 5_000))]);
    expect(stopped).toBe('stopped');
  });
});
