// Rollouts on the in-memory gateway (issue 16, items 2 and 3): a deployment of ours that
// ECS rolled back is `degraded` and not deployed again for the same manifest; a rollout
// someone else started is left to finish.
import { describe, expect, it } from 'vitest';
import { transitionsOf, webhookBody } from '../src/daemon/notify.js';
import { awaitServicesSteady } from '../src/kinds/service/rollout-wait.js';
import { TAG } from '../src/model/resource.js';
import { renderPage, renderText } from '../src/report/index.js';
import { InMemoryGateways } from './support/in-memory-gateway.js';
import { FAKE_REGION, fixture, passOnFake, states } from './support/pass-on-fake.js';

const ESTATE = fixture('estate.yaml');
const SERVICE_ID = `Service/${FAKE_REGION}/prod/web`;

const tagsOf = (fake: InMemoryGateways) => Object.fromEntries((fake.forRegion(FAKE_REGION).service('prod', 'web')?.tags ?? []).map((t) => [t.key, t.value]));
const deploysOf = (fake: InMemoryGateways) => fake.callsOf('UpdateService').filter((c) => c.input.taskDefinition !== undefined).length;

/** The estate applied on 1.27, then 1.28 applied and rolled back by ECS's circuit breaker to 1.27's revision. */
async function rolledBack(): Promise<{ fake: InMemoryGateways; good: string; bad: string }> {
  const fake = new InMemoryGateways();
  expect((await passOnFake(fake, ESTATE)).problems).toEqual([]);
  const good = fake.forRegion(FAKE_REGION).service('prod', 'web')!.taskDefinition!;
  expect((await passOnFake(fake, ESTATE, { vars: { TAG: '1.28' } })).problems).toEqual([]);
  const bad = fake.forRegion(FAKE_REGION).service('prod', 'web')!.taskDefinition!;
  expect(bad).not.toBe(good);
  fake.forRegion(FAKE_REGION).rollBack('prod', 'web', good);
  fake.clearCalls();
  return { fake, good, bad };
}

describe('a deployment of ours that ECS rolled back', () => {
  it('is degraded, with the failed revision and the reason, and is recorded on the service instead of deployed again', async () => {
    const { fake } = await rolledBack();
    const pass = await passOnFake(fake, ESTATE, { vars: { TAG: '1.28' } });
    expect(states(pass)[SERVICE_ID]).toBe('degraded');
    const d = pass.diffs.find((x) => x.id === SERVICE_ID)!;
    expect(d.degraded).toMatchObject({ revision: 'web:2', rolledBack: true, reason: 'ECS deployment circuit breaker: tasks failed to start.' });
    expect(d.reason).toContain('not deployed again until the manifest changes');
    expect(deploysOf(fake)).toBe(0);
    expect(fake.mutatingOperations()).toEqual(['TagResource']);
    expect(tagsOf(fake)[TAG.degraded]).toMatch(/ web:2 rolled-back$/);
    // the revision record still names the revision this controller gave it
    expect(tagsOf(fake)[TAG.taskDefinition]).toMatch(/web:2$/);
    expect(pass.problems.some((p) => p.resource === SERVICE_ID)).toBe(true);
    const reported = pass.report.resources.find((r) => r.id === SERVICE_ID)!;
    expect(reported.state).toBe('degraded');
  });

  it('the report carries the degraded block and the rollout, and the page shows tasks by state', async () => {
    const { fake } = await rolledBack();
    fake
      .forRegion(FAKE_REGION)
      .stopTasks('prod', 'web', [
        { taskArn: 'arn:aws:ecs:eu-west-1:1:task/prod/abc', lastStatus: 'STOPPED', stoppedReason: 'Essential container in task exited' },
      ]);
    const pass = await passOnFake(fake, ESTATE, { vars: { TAG: '1.28' }, mode: 'plan' });
    const r = pass.report.resources.find((x) => x.id === SERVICE_ID)!;
    expect(r.degraded).toMatchObject({ revision: 'web:2', rolledBack: true, stoppedReasons: ['Essential container in task exited'] });
    expect(r.health).toMatchObject({
      primaryDeployment: { revision: 'web:1', rolloutState: 'IN_PROGRESS', startedByThisController: false },
      tasks: { STOPPED: 1 },
    });
    const page = renderPage(pass.report, {}, { static: true });
    expect(page).toMatch(/tasks: [^<]*STOPPED 1/);
    const text = renderText(pass.report);
    expect(text).toMatch(/deployment: ecs-svc\/\S+ of web:1 \(not started by this controller\)/);
    expect(text).toMatch(/stopped abc: Essential container in task exited/);
  });

  it('fires the webhook once, when it becomes degraded, not on every pass', async () => {
    const { fake } = await rolledBack();
    const notified = new Map();
    const first = await passOnFake(fake, ESTATE, { vars: { TAG: '1.28' } });
    const transitions = transitionsOf(first.report, notified);
    expect(transitions.filter((t) => t.resource === SERVICE_ID)).toMatchObject([{ to: 'degraded' }]);
    expect(String(webhookBody(first.report, transitions, 'http://x/').text)).toMatch(/is degraded: web:2 rolled back/);
    const second = await passOnFake(fake, ESTATE, { vars: { TAG: '1.28' } });
    expect(transitionsOf(second.report, notified)).toEqual([]);
  });

  it('stays degraded over later passes, after ECS has dropped the failed deployment from the list too', async () => {
    const { fake } = await rolledBack();
    await passOnFake(fake, ESTATE, { vars: { TAG: '1.28' } });
    fake.forRegion(FAKE_REGION).finishRollouts('prod', 'web');
    for (let i = 0; i < 5; i++) {
      const pass = await passOnFake(fake, ESTATE, { vars: { TAG: '1.28' } });
      expect(states(pass)[SERVICE_ID]).toBe('degraded');
    }
    expect(deploysOf(fake)).toBe(0);
    expect(fake.mutatingOperations()).toEqual(['TagResource']);
  });

  it('deploys again when the manifest changes', async () => {
    const { fake } = await rolledBack();
    await passOnFake(fake, ESTATE, { vars: { TAG: '1.28' } });
    const pass = await passOnFake(fake, ESTATE, { vars: { TAG: '1.29' } });
    expect(states(pass)[SERVICE_ID]).toBe('pending');
    expect(deploysOf(fake)).toBe(1);
    expect(tagsOf(fake)[TAG.degraded]).toBeUndefined();
  });

  it('deploys the same manifest once more when ecs-reconciler/retry gets a new value, then is in sync', async () => {
    const { fake } = await rolledBack();
    await passOnFake(fake, ESTATE, { vars: { TAG: '1.28' } });
    const retried = ESTATE.replace(
      'metadata: { name: web, cluster: prod }',
      'metadata: { name: web, cluster: prod, annotations: { ecs-reconciler/retry: "2026-12-02" } }',
    );
    expect(retried).not.toBe(ESTATE);
    const pass = await passOnFake(fake, retried, { vars: { TAG: '1.28' } });
    expect(states(pass)[SERVICE_ID]).toBe('drifted');
    expect(deploysOf(fake)).toBe(1);
    const after = await passOnFake(fake, retried, { vars: { TAG: '1.28' } });
    expect(states(after)[SERVICE_ID]).toBe('in-sync');
    expect(deploysOf(fake)).toBe(1);
  });

  it('apply --retry-failed deploys it again, and a later pass without the flag finds it in sync', async () => {
    const { fake } = await rolledBack();
    await passOnFake(fake, ESTATE, { vars: { TAG: '1.28' } });
    await passOnFake(fake, ESTATE, { vars: { TAG: '1.28' }, retryFailed: true });
    expect(deploysOf(fake)).toBe(1);
    const after = await passOnFake(fake, ESTATE, { vars: { TAG: '1.28' } });
    expect(states(after)[SERVICE_ID]).toBe('in-sync');
  });

  it('is degraded when ECS finished the rollback and dropped the failed deployment before the next pass (known from the events)', async () => {
    const { fake } = await rolledBack();
    fake.forRegion(FAKE_REGION).finishRollouts('prod', 'web');
    const pass = await passOnFake(fake, ESTATE, { vars: { TAG: '1.28' } });
    expect(states(pass)[SERVICE_ID]).toBe('degraded');
    expect(pass.diffs.find((x) => x.id === SERVICE_ID)!.degraded).toMatchObject({
      revision: 'web:2',
      rolledBack: true,
      reason: 'deployment failed: tasks failed to start.',
    });
    expect(deploysOf(fake)).toBe(0);
  });

  it('an old failure in the events of a deployment this controller did not start is not ours', async () => {
    const { fake } = await rolledBack();
    fake.forRegion(FAKE_REGION).finishRollouts('prod', 'web');
    const ours = tagsOf(fake)[TAG.deployment];
    expect(ours).toBeDefined();
    await fake
      .forRegion(FAKE_REGION)
      .tagResource(fake.forRegion(FAKE_REGION).service('prod', 'web')!.serviceArn!, { [TAG.deployment]: 'ecs-svc/someone-else' });
    fake.clearCalls();
    const pass = await passOnFake(fake, ESTATE, { vars: { TAG: '1.28' } });
    expect(states(pass)[SERVICE_ID]).toBe('drifted');
  });

  it('is remembered by a new process (the record is a tag on the service)', async () => {
    const { fake } = await rolledBack();
    await passOnFake(fake, ESTATE, { vars: { TAG: '1.28' } });
    fake.forRegion(FAKE_REGION).finishRollouts('prod', 'web');
    const restarted = fake.restarted();
    const pass = await passOnFake(restarted, ESTATE, { vars: { TAG: '1.28' } });
    expect(states(pass)[SERVICE_ID]).toBe('degraded');
    expect(restarted.callsOf('UpdateService')).toEqual([]);
  });

  it('plan only reports it (no tag is written in plan mode)', async () => {
    const { fake } = await rolledBack();
    const pass = await passOnFake(fake, ESTATE, { vars: { TAG: '1.28' }, mode: 'plan' });
    expect(states(pass)[SERVICE_ID]).toBe('degraded');
    expect(fake.mutatingOperations()).toEqual([]);
  });
});

describe('a rollout this controller did not start', () => {
  async function foreign(): Promise<InMemoryGateways> {
    const fake = new InMemoryGateways();
    await passOnFake(fake, ESTATE);
    // CI registered its own revision and rolled it out
    const gw = fake.forRegion(FAKE_REGION);
    const ours = gw.revisions('web')[0]!.taskDefinition;
    const theirs = (await gw.registerTaskDefinition({ family: 'web', containerDefinitions: ours.containerDefinitions ?? [] })).taskDefinition
      .taskDefinitionArn!;
    gw.startRollout('prod', 'web', theirs);
    fake.clearCalls();
    return fake;
  }

  it('is reported and the service left alone while it is under way', async () => {
    const fake = await foreign();
    const pass = await passOnFake(fake, ESTATE.replace('sg-0example000000000', 'sg-0example000000001'));
    expect(states(pass)[SERVICE_ID]).toBe('pending');
    expect(pass.plan.skipped.find((s) => s.resource === SERVICE_ID)?.reason).toMatch(/a rollout this controller did not start is under way/);
    expect(fake.callsOf('UpdateService')).toEqual([]);
  });

  it('is converged once it has ended', async () => {
    const fake = await foreign();
    fake.forRegion(FAKE_REGION).finishRollouts('prod', 'web');
    const pass = await passOnFake(fake, ESTATE.replace('sg-0example000000000', 'sg-0example000000001'));
    expect(pass.plan.skipped).toEqual([]);
    expect(fake.callsOf('UpdateService').length).toBe(1);
  });

  it('does not hold the service back with --self-heal-during-foreign-rollouts', async () => {
    const fake = await foreign();
    await passOnFake(fake, ESTATE.replace('sg-0example000000000', 'sg-0example000000001'), { selfHealDuringForeignRollouts: true });
    expect(fake.callsOf('UpdateService').length).toBe(1);
  });
});

describe('apply --wait', () => {
  it('fails with the reason when ECS rolled the deployment back', async () => {
    const fake = new InMemoryGateways();
    await passOnFake(fake, ESTATE);
    const gw = fake.forRegion(FAKE_REGION);
    const good = gw.service('prod', 'web')!.taskDefinition!;
    await passOnFake(fake, ESTATE, { vars: { TAG: '1.28' } });
    const waiting = awaitServicesSteady(gw, [{ cluster: 'prod', name: 'web' }], { timeoutMs: 5000, intervalMs: 10 });
    gw.rollBack('prod', 'web', good);
    const outcome = await waiting;
    expect(outcome.ok).toBe(false);
    expect(outcome.failures[0]).toMatch(/prod\/web: the rollout failed and was rolled back: ECS deployment circuit breaker: tasks failed to start\./);
  });

  it('times out with the reason, and Ctrl-C stops the waiting only', async () => {
    const fake = new InMemoryGateways();
    await passOnFake(fake, ESTATE);
    const gw = fake.forRegion(FAKE_REGION);
    gw.startRollout('prod', 'web', gw.service('prod', 'web')!.taskDefinition!);
    const timedOut = await awaitServicesSteady(gw, [{ cluster: 'prod', name: 'web' }], { timeoutMs: 30, intervalMs: 10 });
    expect(timedOut.failures).toEqual(['prod/web: not steady within 0s (--wait-timeout)']);
    const abort = new AbortController();
    abort.abort();
    const stopped = await awaitServicesSteady(gw, [{ cluster: 'prod', name: 'web' }], { timeoutMs: 5000, signal: abort.signal });
    expect(stopped.interrupted).toBe(true);
    expect(fake.mutatingOperations().filter((o) => o === 'UpdateService' || o === 'DeleteService')).toEqual([]);
  });
});
