// The drift report as people read it: the daemon's page in headless Chromium, the
// webhook on a local receiver, and the history file.
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DaemonProcess, isPass, startDaemon, startWebhookReceiver } from './daemon-helpers.js';
import { ecsClient, REPO_ROOT, reconcile, scratchManifests } from './reconcile-helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const EXPECTED = [
  'CapacityProvider/us-east-1/prod-ec2',
  'Cluster/us-east-1/batch',
  'Cluster/us-east-1/prod',
  'TaskDefinition/us-east-1/api',
  'TaskDefinition/us-east-1/cache',
  'TaskDefinition/us-east-1/web',
  'TaskDefinition/us-east-1/worker',
  'Service/us-east-1/batch/worker',
  'Service/us-east-1/prod/api',
  'Service/us-east-1/prod/cache',
  'Service/us-east-1/prod/web',
];

interface Received {
  body: { text: string; reportUrl: string; transitions: Array<{ resource: string; from: string; to: string; fields: string[] }> };
}

describe('the report page, the webhook and the history', () => {
  const received: Received[] = [];
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>> | undefined;
  let daemon: DaemonProcess;
  let browser: Browser;
  const stateDir = mkdtempSync(join(tmpdir(), 'ecs-reconciler-state-'));
  const dir = scratchManifests();

  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(
        `${CHROMIUM} is missing: the report page test needs Chromium; install it with \`npm run setup:chromium\` (scripts/install-chromium: apt-get install chromium, as root or with sudo), then run the tests again`,
      );
    receiver = await startWebhookReceiver((body) => received.push({ body: JSON.parse(body) }));
    const hook = receiver.url;
    await reconcile(dir, { mode: 'apply' });
    daemon = startDaemon(dir, [
      '--mode',
      'report',
      '--interval',
      '1s',
      '--state-dir',
      stateDir,
      '--notify-webhook',
      hook,
      '--public-url',
      'https://reconciler.example/',
    ]);
    await daemon.waitFor((l) => isPass(l) && (l.states as Record<string, number>)['in-sync'] === 11, 30_000, 'a pass with 11 in-sync');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await daemon?.stop();
    await receiver?.close();
  });

  it("the page lists every resource of manifests/ with its state, and shows a drift made behind the daemon's back without a reload", async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    // in-sync resources are counted, not listed, unless show=all (issue 18)
    await page.goto(`http://${daemon.address}/`);
    await expect
      .poll(
        () =>
          page
            .locator('#hidden')
            .innerText()
            .catch(() => ''),
        // the first pass may still be reading when the page is first asked for (a loaded machine)
        { timeout: 20_000 },
      )
      .toContain('11 in-sync resource(s) not listed');
    expect(await page.locator('tr.resource').count()).toBe(0);
    await page.goto(`http://${daemon.address}/?show=all`);
    const rows = page.locator('tr.resource');
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(11);
    const listed = await rows.evaluateAll((trs) =>
      trs.map((tr) => [
        (tr as unknown as { dataset: Record<string, string> }).dataset.id,
        (tr as unknown as { dataset: Record<string, string> }).dataset.state,
      ]),
    );
    expect(Object.fromEntries(listed)).toEqual(Object.fromEntries(EXPECTED.map((id) => [id, 'in-sync'])));

    let navigations = 0;
    page.on('framenavigated', () => navigations++);
    await ecsClient().send(new UpdateServiceCommand({ cluster: 'prod', service: 'api', desiredCount: 6 }));
    const apiRow = page.locator('tr[data-id="Service/us-east-1/prod/api"]');
    await expect.poll(() => apiRow.getAttribute('data-state'), { timeout: 20_000 }).toBe('drifted');
    expect(navigations).toBe(0);
    expect(await apiRow.innerText()).toContain('desiredCount');

    mkdirSync(join(REPO_ROOT, 'test-output'), { recursive: true });
    const shot = join(REPO_ROOT, 'test-output', 'report-page.png');
    await page.screenshot({ path: shot, fullPage: true });
    console.log(`screenshot: ${shot}`);

    // the filter form works as a plain GET (no script needed)
    await page.goto(`http://${daemon.address}/?state=drifted`);
    await expect.poll(() => page.locator('tr.resource').count(), { timeout: 20_000 }).toBe(1);
    await page.close();
  });

  it('the webhook is told once that the service entered drifted, with the report link', async () => {
    const aboutApi = () =>
      received.flatMap((r) =>
        r.body.transitions.filter((t) => t.resource === 'Service/us-east-1/prod/api').map((t) => ({ ...t, text: r.body.text, url: r.body.reportUrl })),
      );
    // the post is sent after the pass that saw the drift, and may land after that pass's log
    // line on a loaded machine: waited for, then two more passes must not send it again
    await expect.poll(() => aboutApi().length, { timeout: 20_000 }).toBeGreaterThanOrEqual(1);
    await daemon.waitForNext(isPass, 20_000, 'another pass');
    await daemon.waitForNext(isPass, 20_000, 'another pass');
    const about = aboutApi();
    expect(about).toHaveLength(1);
    expect(about[0]).toMatchObject({ from: 'ok', to: 'drifted', fields: ['desiredCount'], url: 'https://reconciler.example/' });
    expect(about[0]!.text).toContain('Service/us-east-1/prod/api drifted (desiredCount)');
    expect(about[0]!.text).toContain('https://reconciler.example/');
  });

  it('a resource that leaves drifted is announced once more', async () => {
    await ecsClient().send(new UpdateServiceCommand({ cluster: 'prod', service: 'api', desiredCount: 3 }));
    await expect
      .poll(() => received.flatMap((r) => r.body.transitions).filter((t) => t.resource === 'Service/us-east-1/prod/api').length, { timeout: 15_000 })
      .toBe(2);
    const last = received
      .flatMap((r) => r.body.transitions)
      .filter((t) => t.resource === 'Service/us-east-1/prod/api')
      .at(-1);
    expect(last).toMatchObject({ from: 'drifted', to: 'ok' });
  });

  it('each pass is appended to history.jsonl, and /report says since when and how often it drifted', async () => {
    const lines = readFileSync(join(stateDir, 'history.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { pass: number; states: Record<string, string> });
    expect(lines.length).toBeGreaterThanOrEqual(4);
    expect(lines.some((l) => l.states['Service/us-east-1/prod/api'] === 'drifted')).toBe(true);
    const report = JSON.parse((await daemon.get('/report')).text) as { resources: Array<{ id: string; history: { since: string; driftedPasses: number } }> };
    const api = report.resources.find((r) => r.id === 'Service/us-east-1/prod/api')!;
    expect(api.history.driftedPasses).toBeGreaterThanOrEqual(1);
    expect(Date.parse(api.history.since)).toBeGreaterThan(0);
  });
});
