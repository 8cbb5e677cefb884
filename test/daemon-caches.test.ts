// Every cache the daemon keeps between passes is bounded by the estate, not by the number
// of passes (issue 19, item 4). The list, with where each bound is shown:
//   - diff cache (src/pipeline/diff-cache.ts): the last pass's resources, at most maxEntries: test/diff-cache.test.ts
//   - file texts (src/manifests/files.ts FileTexts): the files of the last read: test/files.test.ts
//   - parse cache (src/manifests/load.ts ParseCache): the files of the last load: below
//   - revision cache (src/aws/revision-cache.ts): at most maxEntries, least recently used out: test/revision-cache.test.ts
//   - drift log (src/daemon/drift-log.ts): the resources of the last pass: below
//   - per-resource backoff (src/daemon/backoff.ts): the resources of the last full pass: below
//   - webhook dedupe (src/daemon/notify.ts): resources not ok in the last report: below
//   - recent-write log (src/daemon/reconciler.ts): writes within RECENT_WRITE_MS (pruned every pass)
//   - history (src/daemon/history-store.ts): twice N lines or maxBytes: test/history-store.test.ts
import { describe, expect, it } from 'vitest';
import { ResourceBackoff } from '../src/daemon/backoff.js';
import { DriftLog } from '../src/daemon/drift-log.js';
import { transitionsOf } from '../src/daemon/notify.js';
import type { ResourceDiff } from '../src/diff/types.js';
import { loadManifestTexts, ParseCache } from '../src/manifests/index.js';
import type { Report } from '../src/report/index.js';

const CLUSTER = (name: string) => `apiVersion: ecs-reconciler/v1\nkind: Cluster\nmetadata:\n  name: ${name}\nspec: {}\n`;

describe('the daemon caches are bounded by the estate', () => {
  it('ResourceBackoff forgets a failing resource once it is no longer in the estate', () => {
    const backoff = new ResourceBackoff();
    for (let i = 0; i < 100; i++) backoff.recordFailure(`Service/eu-west-1/prod/s${i}`, 'boom', 0);
    expect(backoff.size).toBe(100);
    backoff.retain(new Set(['Service/eu-west-1/prod/s1', 'Service/eu-west-1/prod/s2']));
    expect(backoff.size).toBe(2);
    expect(backoff.heldBack('Service/eu-west-1/prod/s1', 1)).toContain('failed 1 time');
  });

  it('the webhook dedupe keeps only resources that are not ok and still reported', () => {
    const notified = new Map();
    const report = (resources: Array<{ id: string; state: string }>) =>
      ({ resources: resources.map((r) => ({ ...r, changes: [], actions: [] })) }) as unknown as Report;
    for (let pass = 0; pass < 50; pass++) transitionsOf(report([{ id: `Service/r/c/gone-${pass}`, state: 'drifted' }]), notified);
    expect(notified.size).toBe(1);
    expect(transitionsOf(report([{ id: 'Service/r/c/gone-49', state: 'in-sync' }]), notified)).toHaveLength(1);
    expect(notified.size).toBe(0);
  });

  it('the drift log forgets resources the last pass did not have', () => {
    const log = new DriftLog({ valueAt: (_path: string, v: unknown) => v } as never);
    const drifted = (name: string) =>
      ({
        id: `Service/r/c/${name}`,
        kind: 'Service',
        name,
        region: 'r',
        state: 'drifted',
        changes: [{ path: 'desiredCount', live: 1, desired: 2, cause: 'out-of-band' }],
      }) as unknown as ResourceDiff;
    for (let pass = 0; pass < 50; pass++) log.linesFor([drifted(`s${pass}`)]);
    expect((log as unknown as { said: Map<string, string> }).said.size).toBe(1);
  });

  it('the parse cache keeps only the files of the last load', () => {
    const cache = new ParseCache();
    for (let pass = 0; pass < 20; pass++) loadManifestTexts([{ file: `c${pass}.yaml`, text: CLUSTER(`c${pass}`) }], { defaultRegion: 'eu-west-1', cache });
    expect((cache as unknown as { entries: Map<string, unknown> }).entries.size).toBe(1);
  });
});
