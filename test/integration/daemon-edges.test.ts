// The daemon's harder edges: a git-sync sidecar swapping the checkout by symlink, the
// git commit recorded, a failing resource backing off while the others converge, and
// AWS refusing every call.

import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { isPass, type LogLine, startDaemon } from './daemon-helpers.js';
import { resetEmulator } from './emulator-helpers.js';
import { ecsClient, REPO_ROOT } from './reconcile-helpers.js';

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-C', dir, ...args], {
    env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' },
  })
    .toString()
    .trim();
}

describe('a git-sync checkout', () => {
  it('sees the atomic symlink swap as a change, applies the new commit, and records the commit', async () => {
    const root = mkdtempSync(join(tmpdir(), 'ecs-reconciler-gitsync-'));
    const rev1 = join(root, 'rev-1');
    cpSync(join(REPO_ROOT, 'manifests'), rev1, { recursive: true });
    git(rev1, 'init', '-q');
    git(rev1, 'add', '-A');
    git(rev1, 'commit', '-qm', 'first');
    const commit1 = git(rev1, 'rev-parse', 'HEAD');
    symlinkSync('rev-1', join(root, 'current'));

    const daemon = startDaemon(join(root, 'current'), ['--interval', '60s']);
    try {
      const first = await daemon.waitFor((l) => isPass(l) && (l.states as Record<string, number>).missing === 11, 30_000, 'the first pass');
      expect(first.gitRevision).toBe(commit1);
      const td = await ecsClient().send(new DescribeTaskDefinitionCommand({ taskDefinition: 'web:1', include: ['TAGS'] }));
      expect(td.tags).toContainEqual({ key: 'ecs-reconciler:revision', value: commit1 });

      // git-sync: a new worktree, then the link moved over the old one in one rename
      const rev2 = join(root, 'rev-2');
      cpSync(rev1, rev2, { recursive: true });
      const web = join(rev2, 'web', 'web.yaml');
      writeFileSync(web, readFileSync(web, 'utf8').replace('${WEB_IMAGE_TAG:=1.27}', '1.31'));
      git(rev2, 'commit', '-qam', 'web 1.31');
      const commit2 = git(rev2, 'rev-parse', 'HEAD');
      symlinkSync('rev-2', join(root, 'current.tmp'));
      renameSync(join(root, 'current.tmp'), join(root, 'current'));

      const update = await daemon.waitForNext(
        (l) => l.action === 'update-service' && l.resource === 'Service/us-east-1/prod/web' && l.outcome === 'applied',
        20_000,
        'the new commit applied',
      );
      expect(update.passId).toBeGreaterThan(1);
      const pass = await daemon.waitFor((l) => isPass(l) && l.passId === update.passId, 10_000, 'that pass');
      expect(pass.gitRevision).toBe(commit2);
      expect(String((pass.reasons as string[]).join(' '))).toMatch(/points at .*rev-2/);
    } finally {
      expect(await daemon.stop()).toBe(0);
    }
  });
});

describe('failures', () => {
  it('a resource that fails backs off while the others converge', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecs-reconciler-backoff-'));
    cpSync(join(REPO_ROOT, 'manifests'), dir, { recursive: true });
    // the worker's subnet does not exist: ECS refuses the service, every time
    const svc = join(dir, 'worker', 'worker-service.yaml');
    // (a new name: the estate of the test before may hold a worker already)
    writeFileSync(
      svc,
      readFileSync(svc, 'utf8').replace('${SUBNET_A:=subnet-0example00000000a}', 'subnet-00000000000000000').replace('name: worker', 'name: worker-broken'),
    );
    // a 20 s first backoff (the daemon's own --retry-backoff): the passes that bring the other
    // 10 in sync and the one after them fit inside it however loaded the machine is (with the
    // 5 s default they did not always)
    const daemon = startDaemon(dir, ['--interval', '300ms', '--retry-backoff', '20s']);
    try {
      const isWorkerService = (l: LogLine) => l.action === 'create-service' && l.resource === 'Service/us-east-1/batch/worker-broken';
      const isWorkerBackoff = (l: LogLine) => l.resource === 'Service/us-east-1/batch/worker-broken' && typeof l.retryInMs === 'number';
      await daemon.waitFor((l) => isWorkerService(l) && l.outcome === 'failed', 30_000, 'the worker failing');
      // 20 s doubling, with up to a fifth taken off at random (the controller's jitter)
      const backoff = await daemon.waitFor(isWorkerBackoff, 10_000, 'the worker backing off');
      expect(backoff.retryInMs).toBeGreaterThanOrEqual(16_000);
      expect(backoff.retryInMs).toBeLessThanOrEqual(20_000);
      await daemon.waitFor((l) => isPass(l) && (l.states as Record<string, number>)['in-sync'] === 10, 30_000, 'the other 10 in sync');
      // passes go on every 300 ms, but the worker is not retried before its backoff is over
      await daemon.waitForNext(isPass, 5_000, 'a pass during the backoff');
      const attempts = daemon.lines.filter(isWorkerService);
      expect(attempts).toHaveLength(1);
      const report = JSON.parse((await daemon.get('/report')).text) as { resources: Array<{ id: string; skipped?: { reason: string } }> };
      expect(report.resources.find((r) => r.id === 'Service/us-east-1/batch/worker-broken')?.skipped?.reason).toMatch(/backing off: failed 1 time/);
      const second = await daemon.waitForNext(isWorkerService, 40_000, 'the retry after the backoff');
      // not before the backoff was over (the log's own clock; the backoff is logged right after it is set)
      expect(Date.parse(String(second.time)) - Date.parse(String(backoff.time))).toBeGreaterThanOrEqual(Number(backoff.retryInMs) - 100);
      expect(second.outcome).toBe('failed');
      const secondAt = daemon.lines.indexOf(second);
      const longer = await daemon.waitFor((l) => daemon.lines.indexOf(l) > secondAt && isWorkerBackoff(l), 10_000, 'the worker backing off longer');
      expect(longer.retryInMs).toBeGreaterThanOrEqual(32_000);
      expect(longer.retryInMs).toBeLessThanOrEqual(40_000);
    } finally {
      expect(await daemon.stop()).toBe(0);
    }
  });

  it('AWS refusing every call: not ready, still alive, retrying, and nothing judged missing', async () => {
    const denied = http.createServer((_req, res) => {
      res.writeHead(403, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': 'AccessDeniedException' });
      res.end(JSON.stringify({ __type: 'AccessDeniedException', message: 'User is not authorized to perform: ecs:ListClusters' }));
    });
    await new Promise<void>((r) => denied.listen(0, '127.0.0.1', r));
    const dir = mkdtempSync(join(tmpdir(), 'ecs-reconciler-denied-'));
    cpSync(join(REPO_ROOT, 'manifests'), dir, { recursive: true });
    const daemon = startDaemon(dir, ['--endpoint', `http://127.0.0.1:${(denied.address() as AddressInfo).port}`, '--interval', '300ms']);
    try {
      const pass = await daemon.waitFor(isPass, 20_000, 'a pass');
      expect(pass.actionsApplied).toBe(0);
      await daemon.waitForNext(isPass, 20_000, 'a retried pass');
      expect((await daemon.get('/healthz')).status).toBe(200);
      const ready = await daemon.get('/readyz');
      expect(ready.status).toBe(503);
      expect(ready.text).toMatch(/AWS was not reachable/);
      const report = JSON.parse((await daemon.get('/report')).text) as {
        problems: Array<{ stage: string; message: string }>;
        summary: { actionsPlanned: number };
      };
      expect(report.problems.some((p) => p.stage === 'read' && /AccessDenied/.test(p.message))).toBe(true);
      expect(report.summary.actionsPlanned).toBe(0);
    } finally {
      expect(await daemon.stop()).toBe(0);
      await new Promise((r) => denied.close(r));
    }
  });
});

describe('--state-dir', () => {
  it('a restarted daemon reads no task definition revision again', async () => {
    // From an empty account: the first daemon registers (and so caches) every revision.
    // (Against an estate applied by the tests above, services carry their revision record
    // and nothing is described or cached at all: the cache would be empty to begin with.)
    await resetEmulator();
    const dir = mkdtempSync(join(tmpdir(), 'ecs-reconciler-state-'));
    cpSync(join(REPO_ROOT, 'manifests'), dir, { recursive: true });
    const stateDir = mkdtempSync(join(tmpdir(), 'ecs-reconciler-statedir-'));
    const describes = async (d: Awaited<ReturnType<typeof startDaemon>>) => {
      const m = (await d.get('/metrics')).text.split('\n').filter((l) => l.includes('operation="DescribeTaskDefinition"'));
      return m.reduce((n, l) => n + Number(l.split(' ').at(-1)), 0);
    };
    const first = startDaemon(dir, ['--interval', '60s', '--state-dir', stateDir]);
    await first.waitFor(isPass, 30_000, "the first daemon's pass");
    expect(await first.stop()).toBe(0);
    const second = startDaemon(dir, ['--interval', '60s', '--state-dir', stateDir]);
    try {
      const start = await second.waitFor((l) => typeof l.revisionsRestored === 'number', 20_000, 'the start line');
      expect(start.revisionsRestored).toBeGreaterThanOrEqual(3);
      const pass = await second.waitFor(isPass, 30_000, "the restarted daemon's pass");
      expect((pass.states as Record<string, number>)['in-sync']).toBe(11);
      expect(await describes(second)).toBe(0);
      expect(start.historyRestored).toBe(1);
    } finally {
      expect(await second.stop()).toBe(0);
    }
  });
});

describe('self-heal restores even a service deleted by hand', () => {
  it('re-creates it on the next resync', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecs-reconciler-heal-'));
    cpSync(join(REPO_ROOT, 'manifests'), dir, { recursive: true });
    const daemon = startDaemon(dir, ['--interval', '500ms']);
    try {
      await daemon.waitFor((l) => isPass(l) && (l.states as Record<string, number>)['in-sync'] === 11, 30_000, '11 in sync');
      await ecsClient().send(new UpdateServiceCommand({ cluster: 'prod', service: 'web', desiredCount: 0 }));
      const { DeleteServiceCommand } = await import('@aws-sdk/client-ecs');
      await ecsClient().send(new DeleteServiceCommand({ cluster: 'prod', service: 'web', force: true }));
      await daemon.waitForNext(
        (l) => l.action === 'create-service' && l.resource === 'Service/us-east-1/prod/web' && l.outcome === 'applied',
        15_000,
        'web re-created',
      );
      const r = await ecsClient().send(new DescribeServicesCommand({ cluster: 'prod', services: ['web'] }));
      expect(r.services?.find((s) => s.status === 'ACTIVE')?.desiredCount).toBe(2);
    } finally {
      expect(await daemon.stop()).toBe(0);
    }
  });
});
