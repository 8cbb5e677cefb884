// The in-memory gateway answers as the ECS and Application Auto Scaling references
// document: the fake is only worth the tests run on it if it refuses what AWS refuses.
import { describe, expect, it } from 'vitest';
import { InMemoryGateways } from './support/in-memory-gateway.js';

const REGION = 'eu-west-1';

async function withService() {
  const fake = new InMemoryGateways();
  const gw = fake.forRegion(REGION);
  await gw.createCluster({ clusterName: 'prod' });
  await gw.registerTaskDefinition({ family: 'app', containerDefinitions: [{ name: 'app', image: 'nginx' }] });
  await gw.createService({ cluster: 'prod', serviceName: 'web', taskDefinition: 'app', desiredCount: 1 });
  return { fake, gw };
}

describe('the in-memory gateway', () => {
  it('numbers revisions from 1 per family, and a deregistered revision is still described but no longer listed', async () => {
    const { gw } = await withService();
    const second = await gw.registerTaskDefinition({ family: 'app', containerDefinitions: [{ name: 'app', image: 'nginx:2' }] });
    expect(second.taskDefinition.revision).toBe(2);
    await gw.deregisterTaskDefinition(second.taskDefinition.taskDefinitionArn!);
    expect(await gw.listTaskDefinitionArns({ familyPrefix: 'app' })).toEqual([expect.stringMatching(/app:1$/)]);
    expect((await gw.describeTaskDefinition(second.taskDefinition.taskDefinitionArn!)).taskDefinition.status).toBe('INACTIVE');
  });

  it("refuses what ECS refuses, with ECS's error codes", async () => {
    const { gw } = await withService();
    await expect(gw.createService({ cluster: 'prod', serviceName: 'web', taskDefinition: 'app', desiredCount: 1 })).rejects.toMatchObject({
      code: 'InvalidParameterException',
    });
    await expect(gw.createService({ cluster: 'nowhere', serviceName: 'x', taskDefinition: 'app' })).rejects.toMatchObject({ code: 'ClusterNotFoundException' });
    await expect(gw.createService({ cluster: 'prod', serviceName: 'x', taskDefinition: 'missing' })).rejects.toMatchObject({ code: 'ClientException' });
    await expect(gw.updateService({ cluster: 'prod', service: 'nope', desiredCount: 2 })).rejects.toMatchObject({ code: 'ServiceNotFoundException' });
    await expect(gw.describeTaskDefinition('arn:aws:ecs:eu-west-1:123456789012:task-definition/none:1')).rejects.toMatchObject({ code: 'ClientException' });
    await expect(gw.deleteCluster('prod')).rejects.toMatchObject({ code: 'ClusterContainsServicesException' });
    await expect(gw.tagResource('arn:aws:ecs:eu-west-1:123456789012:service/prod/nope', { a: 'b' })).rejects.toMatchObject({
      code: 'ResourceNotFoundException',
    });
    await gw.deleteService('prod', 'web');
    await expect(gw.updateService({ cluster: 'prod', service: 'web', desiredCount: 2 })).rejects.toMatchObject({ code: 'ServiceNotFoundException' });
    await gw.deleteCluster('prod');
    expect(await gw.listClusterArns()).toEqual([]);
  });

  it('CreateCluster is idempotent by name', async () => {
    const { gw } = await withService();
    const again = await gw.createCluster({ clusterName: 'prod', settings: [{ name: 'containerInsights', value: 'enabled' }] });
    expect(again.settings).toEqual([{ name: 'containerInsights', value: 'disabled' }]);
  });

  it('Application Auto Scaling: a new target needs its bounds, a policy needs a target, and deregistering the target removes its policies and actions', async () => {
    const { gw } = await withService();
    const id = 'service/prod/web';
    const ns = { ServiceNamespace: 'ecs' as const, ResourceId: id, ScalableDimension: 'ecs:service:DesiredCount' as const };
    await expect(gw.registerScalableTarget({ ...ns })).rejects.toMatchObject({ code: 'ValidationException' });
    await expect(gw.registerScalableTarget({ ...ns, ResourceId: 'service/prod/none', MinCapacity: 1, MaxCapacity: 2 })).rejects.toMatchObject({
      code: 'ValidationException',
    });
    await expect(gw.putScalingPolicy({ ...ns, PolicyName: 'cpu', PolicyType: 'TargetTrackingScaling' })).rejects.toMatchObject({
      code: 'ObjectNotFoundException',
    });
    await gw.registerScalableTarget({ ...ns, MinCapacity: 1, MaxCapacity: 4, SuspendedState: { DynamicScalingInSuspended: true } });
    // an update keeps what it is not given
    await gw.registerScalableTarget({ ...ns, MaxCapacity: 6 });
    expect(gw.scalableTarget(id)).toMatchObject({ MinCapacity: 1, MaxCapacity: 6, SuspendedState: { DynamicScalingInSuspended: true } });
    await gw.putScalingPolicy({ ...ns, PolicyName: 'cpu', PolicyType: 'TargetTrackingScaling', TargetTrackingScalingPolicyConfiguration: { TargetValue: 60 } });
    await gw.putScheduledAction({ ...ns, ScheduledActionName: 'night', Schedule: 'cron(0 22 * * ? *)', ScalableTargetAction: { MinCapacity: 1 } });
    await gw.deregisterScalableTarget(id);
    expect(gw.scalingPolicies(id)).toEqual([]);
    expect(gw.scheduledActions(id)).toEqual([]);
    await expect(gw.deleteScalingPolicy(id, 'cpu')).rejects.toMatchObject({ code: 'ObjectNotFoundException' });
  });

  it('records every call with its input, and fails an operation as often as told', async () => {
    const { fake, gw } = await withService();
    fake.clearCalls();
    gw.failNext('DescribeServices', { code: 'ThrottlingException', times: 2 });
    await expect(gw.describeServices('prod', ['web'])).rejects.toMatchObject({ code: 'ThrottlingException', throttled: true, retryable: true });
    await expect(gw.describeServices('prod', ['web'])).rejects.toMatchObject({ code: 'ThrottlingException' });
    expect((await gw.describeServices('prod', ['web'])).services).toHaveLength(1);
    expect(fake.callsOf('DescribeServices').map((c) => c.input.services)).toEqual([['web'], ['web'], ['web']]);
    expect(fake.counter.throttled).toBe(2);
    expect(fake.counter.byOperation()).toEqual({ DescribeServices: 3 });
  });

  it('the lease is a conditional write on its record version number', async () => {
    const { gw } = await withService();
    await gw.ensureLeaseTable('leases');
    expect(await gw.writeLease('leases', 'default', { holder: 'a', rvn: '1', durationMs: 1000 }, undefined)).toBe(true);
    expect(await gw.writeLease('leases', 'default', { holder: 'b', rvn: '2', durationMs: 1000 }, undefined)).toBe(false);
    expect(await gw.writeLease('leases', 'default', { holder: 'b', rvn: '2', durationMs: 1000 }, '1')).toBe(true);
    await gw.deleteLease('leases', 'default', '1');
    expect((await gw.readLease('leases', 'default'))?.holder).toBe('b');
  });
});
