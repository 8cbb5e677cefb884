// The pull-request workflow on the emulator, through the CLI as a user runs it: a
// saved plan applied only while it is still the plan, no deletion without a yes,
// --target that never reaches outside the target, diff, progress and Ctrl-C.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeServicesCommand, ListTaskDefinitionsCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import type { CommandIO } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { emulatorEnv } from './emulator-helpers.js';
import { ecsClient, scratchManifests } from './reconcile-helpers.js';

interface Run {
  code: number;
  out: string;
  err: string;
}

async function cli(argv: string[], extra: Partial<CommandIO> & { onErr?: (text: string) => void } = {}): Promise<Run> {
  const env = emulatorEnv();
  let out = '';
  let err = '';
  const io: CommandIO = {
    stdout: (t) => (out += t),
    stderr: (t) => {
      err += t;
      extra.onErr?.(t);
    },
    env: { ...process.env, AWS_REGION: env.region, ECS_RECONCILER_RATE_LIMITS: 'off', NO_COLOR: undefined },
    cwd: process.cwd(),
    interactive: false,
    ...extra,
  };
  const code = await main([...argv, '--endpoint', env.endpoint, '--var-file', env.envFile], io);
  return { code, out, err };
}

async function serviceExists(cluster: string, name: string): Promise<boolean> {
  const r = await ecsClient().send(new DescribeServicesCommand({ cluster, services: [name] }));
  return (r.services ?? []).some((s) => s.status === 'ACTIVE');
}

async function revisions(family: string): Promise<number> {
  const r = await ecsClient().send(new ListTaskDefinitionsCommand({ familyPrefix: family, status: 'ACTIVE' }));
  return (r.taskDefinitionArns ?? []).length;
}

describe('the review workflow', () => {
  const dir = scratchManifests();
  const planFile = join(dir, '..', `${Math.random().toString(36).slice(2)}.plan`);
  const webFile = join(dir, 'web', 'web.yaml');
  const webText = readFileSync(webFile, 'utf8');

  it('Ctrl-C during apply finishes the call under way, starts nothing new, says what was not done and exits 130', async () => {
    // the account is empty: every resource is a create
    let interrupt: (() => void) | undefined;
    const r = await cli(['apply', dir], {
      onInterrupt: (handler) => {
        interrupt = handler;
        return () => (interrupt = undefined);
      },
      onErr: (t) => {
        // ten actions or more pad the index: `[ 1/12]`
        if (/^\[ ?1\//.test(t)) interrupt?.();
      },
    });
    expect(r.code).toBe(130);
    expect(r.err).toContain('Ctrl-C: finishing the call under way, starting nothing new');
    expect(r.err).toMatch(/Interrupted: 1 of (\d+) action\(s\) ran \(1 applied, 0 failed\); \d+ not started:/);
    expect(r.err).not.toMatch(/^\[ ?2\//m);
    expect(r.out).toMatch(/^Apply \(controller "default"/);
  });

  it('a first apply shows [i/n] progress on stderr and converges', async () => {
    const r = await cli(['apply', dir]);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/^\[ ?1\/\d+\] create-cluster Cluster\/us-east-1\/\w+ \.\.\.$/m);
    expect(r.err).toMatch(/✓ applied \(\d+ ms\)/);
  });

  it('a saved plan is applied while it is still the plan', async () => {
    writeFileSync(webFile, webText.replace('value: info }', 'value: debug }'));
    const planned = await cli(['plan', dir, '--out-plan', planFile]);
    expect(planned.code, planned.err).toBe(0);
    expect(JSON.parse(readFileSync(planFile, 'utf8')).actions.map((a: { kind: string }) => a.kind)).toContain('register-task-definition');
    const applied = await cli(['apply', dir, '--plan', planFile]);
    expect(applied.code, applied.err).toBe(0);
    expect(applied.out).toContain('register-task-definition applied');
  });

  it('apply --plan refuses a plan the manifests have moved past, says what differs, and changes nothing', async () => {
    const planned = await cli(['plan', dir, '--out-plan', planFile]);
    expect(planned.code).toBe(0);
    writeFileSync(webFile, webText.replace('value: info }', 'value: warn }'));
    const before = await revisions('web');
    const applied = await cli(['apply', dir, '--plan', planFile]);
    expect(applied.code).toBe(1);
    expect(applied.err).toContain('is not what apply would do now; nothing was applied');
    expect(applied.err).toMatch(/\+ register-task-definition TaskDefinition\/us-east-1\/web .*in a fresh plan, not in the saved one/);
    expect(applied.err).toMatch(/TaskDefinition\/us-east-1\/web: the manifest changed since the plan \(applied-hash \w+ → \w+\)/);
    expect(await revisions('web')).toBe(before);
    writeFileSync(webFile, webText);
    expect((await cli(['apply', dir, '--plan', planFile])).code).toBe(1); // still not the plan: the live side moved on
  });

  it('apply --plan refuses when live ECS changed since the plan (a drift reviewed as something else)', async () => {
    writeFileSync(webFile, webText);
    expect((await cli(['apply', dir])).code).toBe(0);
    // the worker service has no auto scaling: its desiredCount is the manifest's
    await ecsClient().send(new UpdateServiceCommand({ cluster: 'batch', service: 'worker', desiredCount: 2 }));
    expect((await cli(['plan', dir, '--out-plan', planFile])).code).toBe(0);
    await ecsClient().send(new UpdateServiceCommand({ cluster: 'batch', service: 'worker', desiredCount: 3 }));
    const applied = await cli(['apply', dir, '--plan', planFile]);
    expect(applied.code).toBe(1);
    expect(applied.err).toContain('Service/us-east-1/batch/worker: live ECS changed since the plan');
  });

  it('diff prints a unified diff of the normalized specs; --exit-code says 1; plain when piped, colored on a terminal unless NO_COLOR', async () => {
    expect((await cli(['apply', dir])).code).toBe(0);
    const clean = await cli(['diff', dir, '--exit-code']);
    expect(clean.code, clean.err).toBe(0);
    expect(clean.out).toBe('');
    await ecsClient().send(new UpdateServiceCommand({ cluster: 'prod', service: 'api', desiredCount: 1 }));
    const piped = await cli(['diff', dir, '--exit-code']);
    expect(piped.code).toBe(1);
    expect(piped.out).toContain('--- live/Service/us-east-1/prod/api\n+++ desired/Service/us-east-1/prod/api\n@@ ');
    expect(piped.out).toMatch(/^-desiredCount: 1$/m);
    expect(piped.out).toMatch(/^\+desiredCount: \d+$/m);
    expect(piped.out).not.toContain('\u001b[');
    const terminal = await cli(['diff', dir], { stdoutIsTerminal: true });
    expect(terminal.code).toBe(0);
    expect(terminal.out).toContain('\u001b[31m-desiredCount: 1\u001b[0m');
    const noColor = await cli(['diff', dir], {
      stdoutIsTerminal: true,
      env: { ...process.env, AWS_REGION: emulatorEnv().region, ECS_RECONCILER_RATE_LIMITS: 'off', NO_COLOR: '1' },
    });
    expect(noColor.out).not.toContain('\u001b[');
    const json = await cli(['diff', dir, '--format', 'json']);
    expect(json.out).toMatch(/^- {2}"desiredCount": 1,$/m);
  });

  it('without a terminal, an apply that would delete is refused whole unless --yes; at a terminal only "yes" goes on', async () => {
    expect((await cli(['apply', dir])).code).toBe(0);
    rmSync(join(dir, 'api'), { recursive: true });
    // an explicit controller id: outside a git checkout the default id prunes nothing (issue 13, 13)
    const refused = await cli(['apply', dir, '--prune', '--controller-id', 'default']);
    expect(refused.code, refused.out + refused.err).toBe(1);
    expect(refused.err).toContain('apply would delete or replace');
    expect(refused.err).toContain('delete-service Service/us-east-1/prod/api');
    expect(refused.err).toContain('Pass --yes');
    expect(await serviceExists('prod', 'api')).toBe(true);

    const questions: string[] = [];
    const declined = await cli(['apply', dir, '--prune', '--controller-id', 'default'], {
      interactive: true,
      ask: async (q) => {
        questions.push(q);
        return 'y';
      },
    });
    expect(declined.code).toBe(1);
    expect(questions).toHaveLength(1);
    expect(declined.err).toContain('apply cancelled');
    expect(await serviceExists('prod', 'api')).toBe(true);

    const targeted = await cli(['apply', dir, '--prune', '--controller-id', 'default', '--yes', '--target', 'Service/prod/web']);
    expect(targeted.code, targeted.err).toBe(0);
    expect(await serviceExists('prod', 'api')).toBe(true); // outside the target: never pruned

    const confirmed = await cli(['apply', dir, '--prune', '--controller-id', 'default'], { interactive: true, ask: async () => 'yes' });
    expect(confirmed.code, confirmed.err).toBe(0);
    expect(await serviceExists('prod', 'api')).toBe(false);
  });

  it('a target that matches nothing is an error, not "no changes"', async () => {
    const r = await cli(['plan', dir, '--target', 'Service/prod/wbe']);
    expect(r.code).toBe(1);
    expect(r.out).toContain('--target Service/prod/wbe matches no resource');
  });
});
