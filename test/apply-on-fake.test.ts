// Apply on the in-memory gateway: every action kind the planner emits, in its order,
// and the error paths, in milliseconds (the emulator tests keep the real protocol).
import { describe, expect, it, vi } from 'vitest';
import { TAG } from '../src/model/resource.js';
import { FAKE_ACCOUNT, InMemoryGateways } from './support/in-memory-gateway.js';
import { FAKE_REGION, fixture, outcomes, passOnFake, states } from './support/pass-on-fake.js';

const ESTATE = fixture('estate.yaml');
const [CLUSTER_DOC, TASK_DEFINITION_DOC, SERVICE_DOC] = ESTATE.split('\n---\n') as [string, string, string];
const SERVICE_ID = `Service/${FAKE_REGION}/prod/web`;
const SCALING_ID = 'service/prod/web';

async function applied(): Promise<InMemoryGateways> {
  const fake = new InMemoryGateways();
  const pass = await passOnFake(fake, ESTATE);
  expect(pass.problems).toEqual([]);
  fake.clearCalls();
  return fake;
}

describe('apply on the in-memory gateway: creates', () => {
  it('creates the cluster, registers the revision, creates the service, then its auto scaling, in that order', async () => {
    const fake = new InMemoryGateways();
    const pass = await passOnFake(fake, ESTATE);
    expect(pass.problems).toEqual([]);
    expect(outcomes(pass)).toEqual([
      `create-cluster Cluster/${FAKE_REGION}/prod: applied`,
      `register-task-definition TaskDefinition/${FAKE_REGION}/web: applied`,
      `create-service ${SERVICE_ID}: applied`,
      `update-scaling ${SERVICE_ID}: applied`,
    ]);
    expect(fake.mutatingOperations()).toEqual([
      'CreateCluster',
      'RegisterTaskDefinition',
      'CreateService',
      'RegisterScalableTarget',
      'PutScalingPolicy',
      'PutScheduledAction',
    ]);
    const gw = fake.forRegion(FAKE_REGION);
    const service = gw.service('prod', 'web')!;
    expect(service.taskDefinition).toMatch(/task-definition\/web:1$/);
    const tags = Object.fromEntries((service.tags ?? []).map((t) => [t.key, t.value]));
    expect(tags[TAG.managedBy]).toBe('default');
    expect(tags.team).toBe('web');
    expect(gw.scalableTarget(SCALING_ID)).toMatchObject({ MinCapacity: 2, MaxCapacity: 8 });
    expect(gw.scalingPolicies(SCALING_ID).map((p) => p.PolicyName)).toEqual(['cpu60']);
    expect(gw.scheduledActions(SCALING_ID).map((a) => a.ScheduledActionName)).toEqual(['nightly-low']);
  });

  it('a second pass over the same manifests finds everything in sync and writes nothing', async () => {
    const fake = await applied();
    const pass = await passOnFake(fake, ESTATE);
    expect(Object.values(states(pass)).every((s) => s === 'in-sync')).toBe(true);
    expect(fake.mutatingOperations()).toEqual([]);
  });

  it('CreateService carries a clientToken, so a retried create does not make a second service', async () => {
    const fake = new InMemoryGateways();
    await passOnFake(fake, ESTATE);
    const [create] = fake.callsOf('CreateService');
    expect(typeof create!.input.clientToken).toBe('string');
    const again = await fake.forRegion(FAKE_REGION).createService(create!.input as never);
    expect(again.serviceArn).toBe(fake.forRegion(FAKE_REGION).service('prod', 'web')!.serviceArn);
  });
});

describe('apply on the in-memory gateway: updates', () => {
  it('a new image registers revision 2 and deploys it with UpdateService, then re-tags the service', async () => {
    const fake = await applied();
    const pass = await passOnFake(fake, ESTATE, { vars: { TAG: '1.28' } });
    expect(pass.problems).toEqual([]);
    expect(outcomes(pass)).toEqual([`register-task-definition TaskDefinition/${FAKE_REGION}/web: applied`, `update-service ${SERVICE_ID}: applied`]);
    expect(fake.mutatingOperations()).toEqual(['RegisterTaskDefinition', 'UpdateService', 'TagResource']);
    expect(fake.callsOf('UpdateService')[0]!.input.taskDefinition).toMatch(/task-definition\/web:2$/);
    expect(fake.forRegion(FAKE_REGION).service('prod', 'web')!.taskDefinition).toMatch(/web:2$/);
  });

  it('revisions past --keep-revisions are deregistered in the prune stage, each read first to check it is ours', async () => {
    const fake = await applied();
    await passOnFake(fake, ESTATE, { vars: { TAG: '1.28' } });
    fake.clearCalls();
    const pass = await passOnFake(fake, ESTATE, { vars: { TAG: '1.28' }, keepRevisions: 1, prune: true });
    expect(pass.problems).toEqual([]);
    expect(outcomes(pass)).toEqual([`deregister-task-definition TaskDefinition/${FAKE_REGION}/web: applied`]);
    expect(fake.mutatingOperations()).toEqual(['DeregisterTaskDefinition']);
    expect(fake.callsOf('DeregisterTaskDefinition')[0]!.input.taskDefinition).toMatch(/web:1$/);
    expect(
      fake
        .forRegion(FAKE_REGION)
        .revisions('web')
        .map((r) => r.taskDefinition.status),
    ).toEqual(['INACTIVE', 'ACTIVE']);
  });

  it('a changed cluster setting is UpdateCluster; a changed tag alone is TagResource / UntagResource', async () => {
    const fake = await applied();
    const disabled = CLUSTER_DOC.replace('value: enabled', 'value: disabled');
    let pass = await passOnFake(fake, [disabled, TASK_DEFINITION_DOC, SERVICE_DOC].join('\n---\n'));
    expect(pass.results.map((r) => `${r.action.kind}: ${r.outcome}`)).toEqual(['update-cluster: applied']);
    expect(fake.mutatingOperations()).toEqual(['UpdateCluster', 'TagResource']);
    expect(fake.forRegion(FAKE_REGION).cluster('prod')!.settings).toEqual([{ name: 'containerInsights', value: 'disabled' }]);
    fake.clearCalls();
    const retagged = disabled.replace('tags: { team: web }', 'tags: { owner: platform }');
    pass = await passOnFake(fake, [retagged, TASK_DEFINITION_DOC, SERVICE_DOC].join('\n---\n'));
    expect(pass.results.map((r) => `${r.action.kind}: ${r.outcome}`)).toEqual(['tag-resource: applied']);
    expect(fake.mutatingOperations()).toEqual(['TagResource', 'UntagResource']);
    expect(fake.callsOf('UntagResource')[0]!.input.tagKeys).toEqual(['team']);
  });

  it('auto scaling: new bounds re-register the target only; a dropped scheduled action is deleted; dropping autoScaling removes it all', async () => {
    const fake = await applied();
    const scalingCalls = () => fake.mutatingOperations().filter((op) => op !== 'TagResource');
    let pass = await passOnFake(fake, ESTATE.replace('maxCapacity: 8', 'maxCapacity: 12'));
    // the service's applied-hash tag follows the manifest, scaling included
    expect(pass.results.map((r) => r.action.kind)).toEqual(['tag-resource', 'update-scaling']);
    expect(scalingCalls()).toEqual(['RegisterScalableTarget']);
    expect(fake.forRegion(FAKE_REGION).scalableTarget(SCALING_ID)!.MaxCapacity).toBe(12);
    fake.clearCalls();
    pass = await passOnFake(fake, ESTATE.replace(/\n {4}scheduled:\n.*\n/, '\n'));
    expect(scalingCalls()).toEqual(['RegisterScalableTarget', 'DeleteScheduledAction']);
    expect(fake.forRegion(FAKE_REGION).scheduledActions(SCALING_ID)).toEqual([]);
    fake.clearCalls();
    pass = await passOnFake(fake, ESTATE.replace(/\n {2}autoScaling:\n( {4}.*\n| {6}.*\n)*/, '\n'));
    expect(pass.problems).toEqual([]);
    expect(scalingCalls()).toEqual(['DeleteScalingPolicy', 'DeregisterScalableTarget']);
    expect(fake.forRegion(FAKE_REGION).scalableTarget(SCALING_ID)).toBeUndefined();
  });

  it('a launch type change is a replacement only with allow-replace: DeleteService, then CreateService with the replaced-for tag', async () => {
    const fake = await applied();
    const toEc2 = ESTATE.replace('launchType: FARGATE', 'launchType: EC2');
    let pass = await passOnFake(fake, toEc2);
    expect(pass.plan.actions.filter((a) => a.kind === 'replace-service')).toEqual([]);
    expect(fake.callsOf('DeleteService')).toEqual([]);
    fake.clearCalls();
    pass = await passOnFake(
      fake,
      toEc2.replace('metadata: { name: web, cluster: prod }', 'metadata: { name: web, cluster: prod, annotations: { ecs-reconciler/allow-replace: "true" } }'),
    );
    expect(pass.problems).toEqual([]);
    expect(pass.results.map((r) => `${r.action.kind}: ${r.outcome}`)).toContain('replace-service: applied');
    const ops = fake.mutatingOperations();
    expect(ops.indexOf('DeleteService')).toBeLessThan(ops.indexOf('CreateService'));
    const replaced = fake.forRegion(FAKE_REGION).service('prod', 'web')!;
    expect(replaced.launchType).toBe('EC2');
    expect((replaced.tags ?? []).some((t) => t.key === TAG.replacedFor)).toBe(true);
  });
});

describe('apply on the in-memory gateway: prune, release, adopt', () => {
  it('a service dropped from the manifests is deleted in the prune stage: its auto scaling, then desiredCount 0, then DeleteService', async () => {
    const fake = await applied();
    const pass = await passOnFake(fake, [CLUSTER_DOC, TASK_DEFINITION_DOC].join('\n---\n'), { prune: true });
    expect(pass.problems).toEqual([]);
    expect(outcomes(pass)).toEqual([`delete-service ${SERVICE_ID}: applied`]);
    expect(fake.mutatingOperations()).toEqual(['DeleteScalingPolicy', 'DeleteScheduledAction', 'DeregisterScalableTarget', 'UpdateService', 'DeleteService']);
    expect(fake.callsOf('UpdateService')[0]!.input).toMatchObject({ desiredCount: 0 });
    expect(fake.forRegion(FAKE_REGION).service('prod', 'web')!.status).toBe('INACTIVE');
  });

  it('without --prune an orphan is planned for nothing and nothing is deleted', async () => {
    const fake = await applied();
    await passOnFake(fake, [CLUSTER_DOC, TASK_DEFINITION_DOC].join('\n---\n'));
    expect(fake.callsOf('DeleteService')).toEqual([]);
  });

  it('a cluster dropped with everything in it goes last, once its services are gone (DeleteCluster after DeleteService)', async () => {
    const fake = await applied();
    const pass = await passOnFake(fake, TASK_DEFINITION_DOC, { prune: true });
    expect(pass.problems).toEqual([]);
    const ops = fake.mutatingOperations();
    expect(ops.indexOf('DeleteService')).toBeGreaterThanOrEqual(0);
    expect(ops.at(-1)).toBe('DeleteCluster');
    expect(fake.forRegion(FAKE_REGION).cluster('prod')!.status).toBe('INACTIVE');
  });

  it('a cluster with a task nobody manages is kept for now: ECS would refuse DeleteCluster (ClusterContainsTasksException)', async () => {
    const fake = await applied();
    fake.forRegion(FAKE_REGION).runTask('prod');
    const pass = await passOnFake(fake, TASK_DEFINITION_DOC, { prune: true });
    const deleteCluster = pass.results.find((r) => r.action.kind === 'delete-cluster')!;
    expect(deleteCluster.outcome).toBe('skipped');
    expect(deleteCluster.message).toMatch(/1 task\(s\) still running/);
    expect(fake.callsOf('DeleteCluster')).toEqual([]);
  });

  it('--release removes only the ownership tags of an orphan; the service stays as it is', async () => {
    const fake = await applied();
    const pass = await passOnFake(fake, [CLUSTER_DOC, TASK_DEFINITION_DOC].join('\n---\n'), { release: [SERVICE_ID] });
    expect(outcomes(pass)).toEqual([`release-resource ${SERVICE_ID}: applied`]);
    expect(fake.mutatingOperations()).toEqual(['UntagResource']);
    const service = fake.forRegion(FAKE_REGION).service('prod', 'web')!;
    expect(service.status).toBe('ACTIVE');
    const keys = (service.tags ?? []).map((t) => t.key);
    expect(keys).toContain('team');
    expect(keys.some((k) => k?.startsWith('ecs-reconciler:'))).toBe(false);
  });

  it('--adopt takes over a service made by hand: tags it as ours and converges it', async () => {
    const fake = new InMemoryGateways();
    const gw = fake.forRegion(FAKE_REGION);
    await passOnFake(fake, [CLUSTER_DOC, TASK_DEFINITION_DOC].join('\n---\n'));
    await gw.createService({
      cluster: 'prod',
      serviceName: 'web',
      taskDefinition: 'web',
      desiredCount: 1,
      launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-0example00000000a'], securityGroups: ['sg-0example000000000'] } },
    });
    fake.clearCalls();
    const refused = await passOnFake(fake, ESTATE);
    expect(fake.callsOf('UpdateService')).toEqual([]);
    expect(refused.plan.skipped.map((s) => s.resource)).toContain(SERVICE_ID);
    fake.clearCalls();
    const pass = await passOnFake(fake, ESTATE, { adopt: true });
    expect(pass.problems).toEqual([]);
    expect(fake.callsOf('UpdateService')[0]!.input).toMatchObject({ desiredCount: 2 });
    const tags = Object.fromEntries((gw.service('prod', 'web')!.tags ?? []).map((t) => [t.key, t.value]));
    expect(tags[TAG.managedBy]).toBe('default');
  });
});

describe('apply on the in-memory gateway: error paths', () => {
  it('a failed CreateCluster stops the services in it; the revision is still registered', async () => {
    const fake = new InMemoryGateways();
    fake.forRegion(FAKE_REGION).failNext('CreateCluster', { code: 'ClientException', message: 'not allowed here' });
    const pass = await passOnFake(fake, ESTATE);
    expect(outcomes(pass)).toEqual([
      `create-cluster Cluster/${FAKE_REGION}/prod: failed`,
      `register-task-definition TaskDefinition/${FAKE_REGION}/web: applied`,
      `create-service ${SERVICE_ID}: skipped`,
      `update-scaling ${SERVICE_ID}: skipped`,
    ]);
    expect(pass.results[0]!.error).toMatchObject({ code: 'ClientException' });
    expect(fake.callsOf('CreateService')).toEqual([]);
    expect(pass.problems.map((p) => p.stage)).toEqual(['apply', 'apply']);
  });

  it('a failed action blocks the prune stage: nothing is deleted in that pass', async () => {
    const fake = await applied();
    fake.forRegion(FAKE_REGION).failNext('RegisterTaskDefinition', { code: 'ClientException', message: 'Invalid setting' });
    const pass = await passOnFake(fake, [CLUSTER_DOC, TASK_DEFINITION_DOC].join('\n---\n'), { prune: true, vars: { TAG: '1.28' } });
    expect(pass.results.map((r) => `${r.action.kind}: ${r.outcome}`)).toEqual(['register-task-definition: failed', 'delete-service: skipped']);
    expect(pass.problems.map((p) => p.stage)).toEqual(['apply', 'prune']);
    expect(fake.callsOf('DeleteService')).toEqual([]);
    expect(fake.forRegion(FAKE_REGION).service('prod', 'web')!.status).toBe('ACTIVE');
  });

  it('a RegisterTaskDefinition whose answer was lost to throttling is found, not registered twice', async () => {
    const fake = new InMemoryGateways();
    fake.forRegion(FAKE_REGION).failNext('RegisterTaskDefinition', { code: 'ThrottlingException', message: 'Rate exceeded', afterEffect: true });
    // apply backs off before looking for the revision (setTimeout): the test's clock jumps
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    const running = passOnFake(fake, ESTATE);
    await vi.runAllTimersAsync();
    const pass = await running;
    vi.useRealTimers();
    expect(pass.problems).toEqual([]);
    expect(fake.forRegion(FAKE_REGION).revisions('web')).toHaveLength(1);
    expect(fake.operations().filter((op) => op === 'RegisterTaskDefinition')).toHaveLength(1);
    expect(fake.operations()).toContain('ListTaskDefinitions');
    expect(fake.counter.throttled).toBe(1);
    expect(fake.forRegion(FAKE_REGION).service('prod', 'web')!.taskDefinition).toMatch(/web:1$/);
  });

  it('an UpdateService throttled past the retries fails with its AWS code, and the pass reports it', async () => {
    const fake = await applied();
    fake.forRegion(FAKE_REGION).failNext('UpdateService', { code: 'ThrottlingException', message: 'Rate exceeded', times: Infinity });
    const pass = await passOnFake(fake, ESTATE, { vars: { TAG: '1.28' } });
    const update = pass.results.find((r) => r.action.kind === 'update-service')!;
    expect(update.outcome).toBe('failed');
    expect(update.error).toMatchObject({ code: 'ThrottlingException' });
    expect(pass.problems.some((p) => p.resource === SERVICE_ID && /ThrottlingException/.test(p.message))).toBe(true);
  });

  it("a service in a cluster managed elsewhere (by ARN) that does not exist fails with ECS's ClusterNotFoundException", async () => {
    const fake = new InMemoryGateways();
    const pass = await passOnFake(
      fake,
      [TASK_DEFINITION_DOC, SERVICE_DOC.replace('cluster: prod', `cluster: "arn:aws:ecs:${FAKE_REGION}:${FAKE_ACCOUNT}:cluster/nowhere"`)].join('\n---\n'),
    );
    const create = pass.results.find((r) => r.action.kind === 'create-service');
    expect(create?.outcome).toBe('failed');
    expect(create?.error).toMatchObject({ code: 'ClusterNotFoundException' });
  });
});
