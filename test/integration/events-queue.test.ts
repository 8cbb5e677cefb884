// run --events-queue on the emulator (moto's SQS): an event heals an out-of-band change
// in seconds with the resync 30 minutes away; a malformed event is counted, deleted and
// survived; a queue that cannot be read falls back to the resync and says so.
// The queue is fed as EventBridge would feed it (the message body is the event, the
// shapes of test/fixtures/events/), after the matching change is made on the emulator.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeServicesCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DaemonProcess, isPass, startDaemon } from './daemon-helpers.js';
import { sdkClientConfig } from './emulator-helpers.js';
import { ecsClient, REPO_ROOT, reconcile, scratchManifests } from './reconcile-helpers.js';

const daemons: DaemonProcess[] = [];
afterAll(async () => {
  for (const d of daemons) await d.stop();
});

/** CloudTrail's record of an UpdateService, by default made in the console (the fixture's userAgent) */
function cloudTrailUpdateService(cluster: string, service: string, desiredCount: number, userAgent?: string): string {
  const e = JSON.parse(readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'events', 'cloudtrail-update-service.json'), 'utf8')) as {
    region: string;
    detail: { awsRegion: string; requestParameters: unknown; userAgent: string };
  };
  e.region = sdkClientConfig().region;
  e.detail.awsRegion = sdkClientConfig().region;
  e.detail.requestParameters = { cluster, service, desiredCount };
  if (userAgent) e.detail.userAgent = userAgent;
  return JSON.stringify(e);
}

async function queueDepth(sqs: SQSClient, url: string): Promise<number> {
  const r = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  return Number(r.Attributes?.ApproximateNumberOfMessages ?? 0) + Number(r.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
}

describe('the events queue', () => {
  const dir = scratchManifests();
  const sqs = new SQSClient(sdkClientConfig());
  let url = '';
  let daemon: DaemonProcess;

  beforeAll(async () => {
    await reconcile(dir, { mode: 'apply' });
    url = (await sqs.send(new CreateQueueCommand({ QueueName: 'ecs-reconciler-events' }))).QueueUrl!;
    daemon = startDaemon(dir, ['--events-queue', url, '--interval', '30m']);
    daemons.push(daemon);
    await daemon.waitFor(isPass, 60_000, 'the first pass');
  });

  it('an out-of-band UpdateService is healed by its event, with the resync 30 minutes away', async () => {
    const ecs = ecsClient();
    await ecs.send(new UpdateServiceCommand({ cluster: 'prod', service: 'api', desiredCount: 7 }));
    const sent = Date.now();
    const beforeEvent = daemon.cursor();
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: cloudTrailUpdateService('prod', 'api', 7) }));
    const healed = await daemon.waitForSince(
      beforeEvent,
      (l) => l.msg === 'update-service Service/us-east-1/prod/api applied',
      30_000,
      'the healing UpdateService',
    );
    expect(Date.now() - sent).toBeLessThan(30_000);
    const pass = await daemon.waitFor(
      (l) => isPass(l) && (l.reasons as string[]).some((r) => r.startsWith('event:')) && daemon.lines.indexOf(l) > daemon.lines.indexOf(healed),
      10_000,
      'the event pass',
    );
    expect(pass.read).toBe('targeted');
    const svc = await ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: ['api'] }));
    expect(svc.services?.[0]?.desiredCount).toBe(3);
    // deleted only after the pass
    await expect.poll(() => queueDepth(sqs, url), { timeout: 10_000 }).toBe(0);
  });

  it('a malformed event is logged, counted and deleted, and the daemon carries on', async () => {
    const beforeMalformed = daemon.cursor();
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'this is not an EventBridge event' }));
    await daemon.waitForSince(beforeMalformed, (l) => l.msg.startsWith('malformed event dropped'), 30_000, 'the malformed event');
    await expect.poll(() => queueDepth(sqs, url), { timeout: 10_000 }).toBe(0);
    const metrics = await daemon.get('/metrics');
    expect(metrics.text).toContain('ecs_reconciler_events_total{verdict="malformed"} 1');
    expect((await daemon.get('/healthz')).status).toBe(200);
    // and still heals the next real event
    await ecsClient().send(new UpdateServiceCommand({ cluster: 'prod', service: 'api', desiredCount: 6 }));
    const beforeSecondEvent = daemon.cursor();
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: cloudTrailUpdateService('prod', 'api', 6) }));
    await daemon.waitForSince(beforeSecondEvent, (l) => l.msg === 'update-service Service/us-east-1/prod/api applied', 30_000, 'the healing UpdateService');
  });

  it("the daemon's own write causes no pass; another ecs-reconciler's write is healed as anyone's", async () => {
    const started = daemon.lines.find((l) => typeof l.appId === 'string');
    expect(started?.appId).toMatch(/^ecs-reconciler-[0-9a-f]{12}$/);
    const sdkUserAgent = (appId: string) => `aws-sdk-js/3.1161.0 ua/2.1 os/linux lang/js md/nodejs#24.22.3 api/ecs#3.1161.0 m/E app/${appId}`;
    // CloudTrail's record of the daemon's last heal (desiredCount back to 3), carrying its app id,
    // once that heal's own pass has ended
    const lastHeal = daemon.lines.findLastIndex((l) => l.msg === 'update-service Service/us-east-1/prod/api applied');
    await daemon.waitForSince(lastHeal, isPass, 10_000, 'the pass of the last heal');
    const beforeOwn = daemon.cursor();
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: cloudTrailUpdateService('prod', 'api', 3, sdkUserAgent(started!.appId as string)) }));
    await expect.poll(() => queueDepth(sqs, url), { timeout: 10_000 }).toBe(0);
    expect((await daemon.get('/metrics')).text).toContain('ecs_reconciler_events_total{verdict="own-write"} 1');
    const eventPasses = (since: number) => daemon.lines.slice(since).filter((l) => isPass(l) && (l.reasons as string[]).some((r) => r.startsWith('event:')));
    expect(eventPasses(beforeOwn)).toEqual([]);
    // someone's `ecs-reconciler apply` from another checkout: another process, another app id
    await ecsClient().send(new UpdateServiceCommand({ cluster: 'prod', service: 'api', desiredCount: 4 }));
    const beforeOther = daemon.cursor();
    await sqs.send(
      new SendMessageCommand({ QueueUrl: url, MessageBody: cloudTrailUpdateService('prod', 'api', 4, sdkUserAgent('ecs-reconciler-ffffffffffff')) }),
    );
    await daemon.waitForSince(beforeOther, (l) => l.msg === 'update-service Service/us-east-1/prod/api applied', 30_000, 'the healing UpdateService');
  });

  it('a queue that cannot be read falls back to the resync and says so in the log, /readyz and /metrics', async () => {
    const broken = startDaemon(dir, ['--events-queue', url.replace(/ecs-reconciler-events$/, 'no-such-queue'), '--interval', '30m']);
    daemons.push(broken);
    await broken.waitFor((l) => l.msg.startsWith('events queue cannot be read'), 30_000, 'the queue error');
    await broken.waitFor(isPass, 60_000, 'the first pass');
    const ready = await broken.get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.text).toMatch(/events queue unreadable.*falling back to the resync every 60s/);
    expect((await broken.get('/metrics')).text).toContain('ecs_reconciler_events_queue_up 0');
    // the fallback resync heals an out-of-band change that no event announces
    const beforeChange = broken.cursor();
    await ecsClient().send(new UpdateServiceCommand({ cluster: 'prod', service: 'api', desiredCount: 5 }));
    await broken.waitForSince(beforeChange, (l) => l.msg === 'update-service Service/us-east-1/prod/api applied', 90_000, 'the resync heal');
    await broken.stop();
  }, 150_000);
});
