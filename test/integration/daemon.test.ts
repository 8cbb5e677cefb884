// The daemon as users run it: a child process on the emulator, watched through its
// logs, its HTTP endpoints and the emulator's state.
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeServicesCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { afterAll, describe, expect, it } from 'vitest';
import { type DaemonProcess, isPass, startDaemon, until } from './daemon-helpers.js';
import { ecsClient, reconcile, scratchManifests, states } from './reconcile-helpers.js';

/** Minimal Prometheus text-format parser: every sample line must parse. */
function parsePrometheus(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})? (-?[0-9.e+-]+|NaN|\+Inf|-Inf)$/.exec(line);
    if (!m) throw new Error(`not Prometheus text: ${line}`);
    samples.set(`${m[1]}${m[2] ?? ''}`, Number(m[3]));
  }
  return samples;
}

async function desiredCountOf(cluster: string, service: string): Promise<number | undefined> {
  const r = await ecsClient().send(new DescribeServicesCommand({ cluster, services: [service] }));
  return r.services?.[0]?.desiredCount;
}

describe('the daemon in apply mode', () => {
  const dir = scratchManifests();
  let daemon: DaemonProcess;
  afterAll(async () => {
    await daemon?.stop();
  });

  it('converges manifests/ from empty and becomes ready', async () => {
    daemon = startDaemon(dir, ['--interval', '1s']);
    await daemon.waitFor((l) => isPass(l) && (l.states as Record<string, number>)['in-sync'] === 11, 30_000, 'a pass with 11 in-sync');
    expect((await daemon.get('/healthz')).status).toBe(200);
    expect((await daemon.get('/readyz')).status).toBe(200);
    const report = JSON.parse((await daemon.get('/report')).text) as { summary: { byState: Record<string, number> } };
    expect(report.summary.byState['in-sync']).toBe(11);
  });

  it('applies an edited manifest soon after the write (time printed)', async () => {
    const file = join(dir, 'web', 'web.yaml');
    const written = performance.now();
    writeFileSync(file, readFileSync(file, 'utf8').replace('${WEB_IMAGE_TAG:=1.27}', '1.30'));
    const line = await daemon.waitForNext(
      (l) => l.action === 'update-service' && l.resource === 'Service/us-east-1/prod/web' && l.outcome === 'applied',
      20_000,
      'the UpdateService of web',
    );
    const ms = Math.round(performance.now() - written);
    console.log(`file write to UpdateService applied: ${ms} ms`);
    expect(line.outcome).toBe('applied');
  });

  it('reverts a change made behind its back on the next resync', async () => {
    await ecsClient().send(new UpdateServiceCommand({ cluster: 'prod', service: 'api', desiredCount: 9 }));
    await until(
      () => desiredCountOf('prod', 'api'),
      (n) => n === 3,
      15_000,
      'api desiredCount back to 3',
    );
    const drift = daemon.lines.find((l) => l.resource === 'Service/us-east-1/prod/api' && l.state === 'drifted');
    // one line with the field path and both values, logged before the UpdateService that fixes it
    expect(drift?.changes).toEqual([{ path: 'desiredCount', live: 9, desired: 3, cause: 'out-of-band' }]);
    expect(drift?.msg).toBe('Service/us-east-1/prod/api drifted: desiredCount: 9 → 3');
    expect(drift?.level).toBe('warn');
    // the action's line is written when the action ends (its TagResource included), which
    // may come a moment after ECS already shows the restored count: wait for it
    const driftAt = daemon.lines.indexOf(drift!);
    const fixLine = await daemon.waitFor(
      (l) => l.resource === 'Service/us-east-1/prod/api' && l.action === 'update-service' && l.outcome === 'applied' && daemon.lines.indexOf(l) > driftAt,
      10_000,
      'the UpdateService that restores api',
    );
    expect(daemon.lines.indexOf(fixLine)).toBeGreaterThan(driftAt);
  });

  it('names the revision it registered in the register line', async () => {
    const register = daemon.lines.find((l) => l.action === 'register-task-definition' && l.outcome === 'applied');
    expect(register?.revision).toMatch(/^[a-z0-9-]+:\d+$/);
    expect(register?.msg).toMatch(new RegExp(`register-task-definition TaskDefinition/\\S+ applied: ${String(register?.revision)}$`));
    expect(register?.level).toBe('info');
    expect(register?.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('reports a broken manifest written mid-run and keeps converging the others', async () => {
    writeFileSync(
      join(dir, 'broken.yaml'),
      'apiVersion: ecs-reconciler/v1\nkind: Service\nmetadata: { name: ghost, cluster: prod }\nspec: { desiredCont: 1 }\n',
    );
    await daemon.waitForNext((l) => typeof l.file === 'string' && l.file === 'broken.yaml', 15_000, 'the broken file reported');
    await ecsClient().send(new UpdateServiceCommand({ cluster: 'prod', service: 'api', desiredCount: 5 }));
    await until(
      () => desiredCountOf('prod', 'api'),
      (n) => n === 3,
      15_000,
      'api restored while a file is broken',
    );
    // ECS shows the restored count before the daemon has recorded that pass's report (its
    // history is appended first): /report is read until it is a pass that loaded broken.yaml
    type Report = { loadComplete: boolean; problems: Array<{ file?: string; line?: number; message: string }> };
    const report = await until(
      async () => JSON.parse((await daemon.get('/report')).text) as Report,
      (r) => r.problems.some((p) => p.file === 'broken.yaml'),
      10_000,
      'a report of a pass that loaded broken.yaml',
    );
    expect(report.loadComplete).toBe(false);
    expect(report.problems.find((p) => p.file === 'broken.yaml')).toMatchObject({ line: 4 });
    unlinkSync(join(dir, 'broken.yaml'));
  });

  it('serves /metrics as Prometheus text with the series it promises', async () => {
    const m = parsePrometheus((await daemon.get('/metrics')).text);
    expect(m.get('ecs_reconciler_passes_total{result="ok"}')).toBeGreaterThan(2);
    expect(m.has('ecs_reconciler_pass_duration_seconds_bucket{le="+Inf"}')).toBe(true);
    expect(m.get('ecs_reconciler_resources{state="in-sync"}')).toBeGreaterThanOrEqual(7);
    expect(m.get('ecs_reconciler_drift_detected_total')).toBeGreaterThanOrEqual(1);
    expect(m.get('ecs_reconciler_actions_total{kind="update-service",result="applied"}')).toBeGreaterThanOrEqual(2);
    expect(m.get('ecs_reconciler_aws_calls_total{service="ecs",operation="DescribeServices",outcome="success"}')).toBeGreaterThan(0);
    expect(m.get('ecs_reconciler_last_successful_pass_timestamp_seconds')).toBeGreaterThan(Date.now() / 1000 - 60);
    // the heap's cap, and the live set against it (0 until a pass has had a full collection)
    expect(m.get('ecs_reconciler_heap_limit_bytes')).toBeGreaterThan(16 * 2 ** 20);
    expect(m.get('ecs_reconciler_heap_live_bytes')).toBeLessThan(m.get('ecs_reconciler_heap_limit_bytes')!);
  });

  it('exits 0 on SIGTERM', async () => {
    expect(await daemon.stop('SIGTERM')).toBe(0);
    expect(daemon.lines.at(-1)?.msg).toMatch(/stopped cleanly/);
  });
});

describe('the daemon in report mode', () => {
  it('reports a change behind its back and never makes a mutating call', async () => {
    const dir = scratchManifests();
    await reconcile(dir, { mode: 'apply' });
    await ecsClient().send(new UpdateServiceCommand({ cluster: 'prod', service: 'api', desiredCount: 6 }));
    const daemon = startDaemon(dir, ['--mode', 'report', '--interval', '500ms']);
    try {
      await daemon.waitFor((l) => l.resource === 'Service/us-east-1/prod/api' && l.state === 'drifted', 15_000, 'api drifted');
      await daemon.waitForNext(isPass, 10_000, 'another pass');
      await daemon.waitForNext(isPass, 10_000, 'a third pass');
      expect(await desiredCountOf('prod', 'api')).toBe(6);
      // the same drift on every pass is said once, not once a pass
      expect(daemon.lines.filter((l) => l.resource === 'Service/us-east-1/prod/api' && l.state === 'drifted')).toHaveLength(1);
      await ecsClient().send(new UpdateServiceCommand({ cluster: 'prod', service: 'api', desiredCount: 7 }));
      const changed = await daemon.waitForNext((l) => l.resource === 'Service/us-east-1/prod/api' && l.state === 'drifted', 10_000, 'the new drift of api');
      expect(changed.msg).toBe('Service/us-east-1/prod/api drifted: desiredCount: 7 → 3');
      const calls = parsePrometheus((await daemon.get('/metrics')).text);
      const mutating = [...calls].filter(([k, v]) => k.startsWith('ecs_reconciler_aws_calls_total') && !/operation="(Describe|List|Get)/.test(k) && v > 0);
      expect(mutating).toEqual([]);
    } finally {
      expect(await daemon.stop()).toBe(0);
    }
  });
});

describe('SIGTERM during a pass', () => {
  it('exits 0 and leaves no action half-made', async () => {
    const dir = scratchManifests();
    const daemon = startDaemon(dir, ['--interval', '60s']);
    await daemon.waitFor((l) => typeof l.action === 'string', 30_000, 'the first action');
    daemon.child.kill('SIGTERM');
    expect(await daemon.exited).toBe(0);
    const applied = daemon.lines.filter((l) => l.outcome === 'applied').map((l) => l.resource as string);
    expect(applied.length).toBeGreaterThan(0);
    // Every resource is either fully made (managed, tagged, in sync) or not made at all.
    const after = states(await reconcile(dir));
    for (const [id, state] of Object.entries(after)) {
      expect(['in-sync', 'missing']).toContain(state);
      if (applied.includes(id)) expect(state).toBe('in-sync');
    }
  });
});
