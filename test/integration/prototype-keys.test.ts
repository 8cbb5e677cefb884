// Tag keys named like Object.prototype members on the emulator: an out-of-band
// `TagResource key=constructor` is drift once, reverted once, then in-sync; the manifest's
// own `toString`, `valueOf`, `hasOwnProperty` and `__proto__` tags are applied and stay
// in-sync; text, Markdown and the daemon's page render it all.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeClustersCommand, TagResourceCommand } from '@aws-sdk/client-ecs';
import { afterAll, describe, expect, it } from 'vitest';
import { renderMarkdown, renderText } from '../../src/report/index.js';
import { type DaemonProcess, isPass, startDaemon } from './daemon-helpers.js';
import { ecsClient, reconcile } from './reconcile-helpers.js';

const CLUSTER = `proto-keys-${process.pid}`;
const MANIFEST = `apiVersion: ecs-reconciler/v1
kind: Cluster
metadata: { name: ${CLUSTER} }
spec:
  tags: { team: web, toString: a, valueOf: b, hasOwnProperty: c, __proto__: d }
`;

async function liveTags(): Promise<Record<string, string>> {
  const r = await ecsClient().send(new DescribeClustersCommand({ clusters: [CLUSTER], include: ['TAGS'] }));
  return Object.fromEntries((r.clusters?.[0]?.tags ?? []).map((t) => [t.key!, t.value!]));
}

describe('tag keys named like Object.prototype members', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ecsr-proto-'));
  writeFileSync(join(dir, 'cluster.yaml'), MANIFEST);
  const daemons: DaemonProcess[] = [];
  afterAll(async () => {
    for (const d of daemons) await d.stop();
  });

  it("the manifest's own toString, valueOf, hasOwnProperty and __proto__ tags are applied, then in-sync", async () => {
    const applied = await reconcile(dir, { mode: 'apply' });
    expect(applied.results.map((r) => r.outcome)).toEqual(['applied']);
    expect(await liveTags()).toMatchObject({ team: 'web', toString: 'a', valueOf: 'b', hasOwnProperty: 'c', __proto__: 'd' });
    const plan = await reconcile(dir);
    expect(plan.diffs.map((d) => d.state)).toEqual(['in-sync']);
  });

  it('an out-of-band constructor tag is drift once in text, Markdown and the page, reverted once, then in-sync', async () => {
    const arn = (await ecsClient().send(new DescribeClustersCommand({ clusters: [CLUSTER] }))).clusters![0]!.clusterArn!;
    await ecsClient().send(new TagResourceCommand({ resourceArn: arn, tags: [{ key: 'constructor', value: 'by-hand' }] }));

    const plan = await reconcile(dir);
    expect(plan.diffs[0]!.state).toBe('drifted');
    expect(plan.diffs[0]!.changes.map((c) => [c.path, c.live, c.desired])).toEqual([['tags.constructor', 'by-hand', undefined]]);
    expect(renderText(plan.report)).toContain('tags.constructor');
    expect(renderMarkdown(plan.report)).toContain('tags.constructor');

    const d = startDaemon(dir, ['--mode', 'report', '--interval', '1h']);
    daemons.push(d);
    await d.waitFor(isPass, 20_000, 'a first pass');
    const page = await d.get('/');
    expect(page.status).toBe(200);
    expect(page.text).toContain('tags.constructor');
    expect((await d.get('/report')).status).toBe(200);
    expect(await d.stop()).toBe(0);

    const calls: string[] = [];
    const revert = await reconcile(dir, { mode: 'apply', onCall: (op) => calls.push(op) });
    expect(revert.results.map((r) => r.outcome)).toEqual(['applied']);
    expect(calls.filter((op) => op === 'UntagResource')).toHaveLength(1);
    expect(await liveTags()).not.toHaveProperty('constructor');

    const after = await reconcile(dir, { mode: 'apply' });
    expect(after.diffs.map((x) => x.state)).toEqual(['in-sync']);
    expect(after.mutatingCalls).toBe(0);
  });
});
