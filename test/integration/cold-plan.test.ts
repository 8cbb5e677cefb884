// A cold plan costs what a warm one does (issue 19, item 3): after an apply, a new
// `plan` process (the compiled CLI, as CI runs it) makes no DescribeTaskDefinition call:
// every service records in its own tags the revision ARN and the content hash the
// controller gave it. A revision nobody recorded (registered by hand) is still described.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { DescribeServicesCommand, RegisterTaskDefinitionCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TAG } from '../../src/model/resource.js';
import { emulatorEnv } from './emulator-helpers.js';
import { type FaultProxy, startFaultProxy } from './fault-proxy.js';
import { ecsClient, REPO_ROOT, reconcile, scratchManifests, states } from './reconcile-helpers.js';

let proxy: FaultProxy;
beforeAll(async () => {
  // no faults: the proxy only counts the calls that reach the emulator, by operation
  proxy = await startFaultProxy({ target: emulatorEnv().endpoint });
});
afterAll(async () => {
  await proxy?.close();
});

/** `ecs-reconciler plan` as its own process (asynchronously: the counting proxy runs in this one). */
function planProcess(dir: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const env = emulatorEnv();
  const child = spawn(
    process.execPath,
    [join(REPO_ROOT, 'bin', 'ecs-reconciler.js'), 'plan', dir, '--format', 'json', '--endpoint', proxy.url, '--var-file', env.envFile, '--region', env.region],
    {
      env: { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', ECS_RECONCILER_RATE_LIMITS: 'off' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  return new Promise((resolve) => child.on('exit', (status) => resolve({ status, stdout, stderr })));
}

describe('a cold plan after apply', () => {
  const dir = scratchManifests();

  it('apply records the revision each service runs on the service itself', async () => {
    const applied = await reconcile(dir, { mode: 'apply' });
    expect(applied.results.filter((r) => r.outcome !== 'applied')).toEqual([]);
    const r = await ecsClient().send(new DescribeServicesCommand({ cluster: 'prod', services: ['web'], include: ['TAGS'] }));
    const svc = r.services![0]!;
    const tags = Object.fromEntries((svc.tags ?? []).map((t) => [t.key, t.value]));
    expect(tags[TAG.taskDefinition]).toBe(svc.taskDefinition);
    expect(tags[TAG.taskDefinitionHash]).toMatch(/^[0-9a-f]{16}$/);
  });

  it('a new plan process describes no revision and finds everything in sync', async () => {
    proxy.resetCounts();
    const run = await planProcess(dir);
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout) as { resources: Array<{ id: string; state: string }> };
    expect(report.resources).toHaveLength(11);
    expect(report.resources.filter((r) => r.state !== 'in-sync')).toEqual([]);
    expect(proxy.requests.DescribeTaskDefinition ?? 0).toBe(0);
    expect(Object.keys(proxy.requests).length).toBeGreaterThan(0);
  });

  it('a revision registered by hand and deployed out of band is the one described (nobody recorded it), and is drift', async () => {
    const ecs = ecsClient();
    const reg = await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'by-hand',
        containerDefinitions: [{ name: 'web-server', image: 'public.ecr.aws/nginx/nginx:1.27', memory: 128 }],
      }),
    );
    await ecs.send(new UpdateServiceCommand({ cluster: 'prod', service: 'web', taskDefinition: reg.taskDefinition!.taskDefinitionArn! }));
    proxy.resetCounts();
    const run = await planProcess(dir);
    expect(run.status).toBe(0);
    expect(proxy.requests.DescribeTaskDefinition).toBe(1);
    const plan = await reconcile(dir);
    expect(states(plan)['Service/us-east-1/prod/web']).toBe('drifted');
  });
});
