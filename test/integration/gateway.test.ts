// The gateway round trip on the emulator, and the call economy it promises:
// batches of 10 for DescribeServices, pagination to the end, revisions cached by ARN.
import { CreateServiceCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { AwsCallError, AwsGateway, AwsGateways, errorDetails } from '../../src/aws/index.js';
import { emulatorEnv, emulatorVar } from './emulator-helpers.js';
import { ecsClient } from './reconcile-helpers.js';

function gateway(): AwsGateway {
  const env = emulatorEnv();
  return new AwsGateway({ region: env.region, endpoint: env.endpoint, rateLimits: 'off' });
}

describe('the gateway', () => {
  it('creates a cluster and registers a task definition, then reads both back', async () => {
    const gw = gateway();
    await gw.createCluster({ clusterName: 'roundtrip', tags: [{ key: 'team', value: 'web' }], settings: [{ name: 'containerInsights', value: 'enabled' }] });
    const registered = await gw.registerTaskDefinition({
      family: 'roundtrip',
      containerDefinitions: [{ name: 'app', image: 'nginx', memory: 128 }],
      tags: [{ key: 'team', value: 'web' }],
    });
    expect(registered.taskDefinition.taskDefinitionArn).toMatch(/task-definition\/roundtrip:1$/);

    const clusters = await gw.describeClusters(['roundtrip', 'no-such-cluster']);
    expect(clusters.clusters.map((c) => c.clusterName)).toEqual(['roundtrip']);
    expect(clusters.clusters[0]?.tags).toEqual([{ key: 'team', value: 'web' }]);
    expect(clusters.missing).toEqual(['no-such-cluster']);

    const fresh = gateway();
    const arn = registered.taskDefinition.taskDefinitionArn!;
    const read = await fresh.describeTaskDefinition(arn);
    expect(read.taskDefinition.containerDefinitions?.[0]?.image).toBe('nginx');
    expect(read.tags).toEqual({ team: 'web' });
    // revisions never change: the second read is served from the cache
    await fresh.describeTaskDefinition(arn);
    expect(fresh.counter.byOperation().DescribeTaskDefinition).toBe(1);
    gw.destroy();
    fresh.destroy();
  });

  it('describes services 10 a call with their tags and lists them to the end', async () => {
    const gw = gateway();
    await gw.createCluster({ clusterName: 'many' });
    await gw.registerTaskDefinition({ family: 'many', containerDefinitions: [{ name: 'app', image: 'nginx', memory: 128 }] });
    const ecs = ecsClient();
    for (let i = 0; i < 25; i++) {
      await ecs.send(
        new CreateServiceCommand({
          cluster: 'many',
          serviceName: `svc-${String(i).padStart(2, '0')}`,
          taskDefinition: 'many:1',
          desiredCount: 0,
          launchType: 'FARGATE',
          networkConfiguration: { awsvpcConfiguration: { subnets: [emulatorVar('SUBNET_A')] } },
          tags: [{ key: 'n', value: String(i) }],
        }),
      );
    }
    gw.counter.reset();
    const arns = await gw.listServiceArns('many');
    expect(arns).toHaveLength(25);
    const described = await gw.describeServices('many', arns);
    expect(described.services).toHaveLength(25);
    expect(described.services.find((s) => s.serviceName === 'svc-07')?.tags).toEqual([{ key: 'n', value: '7' }]);
    expect(gw.counter.byOperation()).toEqual({ ListServices: 1, DescribeServices: 3 });

    // as the daemon reads again (issue 19): with the answers' tags, the same calls, and every
    // service that did not change comes back unchanged, not decoded; one changed is decoded
    const tagged = await gw.describeServices('many', arns, new Map());
    expect(tagged.answerTags?.size).toBe(25);
    await ecs.send(new UpdateServiceCommand({ cluster: 'many', service: 'svc-07', desiredCount: 1 }));
    gw.counter.reset();
    const again = await gw.describeServices('many', arns, tagged.answerTags);
    expect(gw.counter.byOperation()).toEqual({ DescribeServices: 3 });
    expect(again.services.map((s) => [s.serviceName, s.desiredCount])).toEqual([['svc-07', 1]]);
    expect(again.unchanged).toHaveLength(24);
    expect(again.unchanged).not.toContain(again.services[0]!.serviceArn);
    gw.destroy();
  });

  it("follows the SDK's own AWS_ENDPOINT_URL when no --endpoint is given", async () => {
    const env = emulatorEnv();
    const before = process.env.AWS_ENDPOINT_URL;
    process.env.AWS_ENDPOINT_URL = env.endpoint;
    try {
      const gateways = new AwsGateways({ rateLimits: 'off' });
      const arns = await gateways.forRegion(env.region).listClusterArns();
      expect(arns.some((a) => a.endsWith('/roundtrip'))).toBe(true);
      gateways.destroy();
    } finally {
      if (before === undefined) delete process.env.AWS_ENDPOINT_URL;
      else process.env.AWS_ENDPOINT_URL = before;
    }
  });

  it('counts failed calls by their error code', async () => {
    const gw = gateway();
    await expect(gw.describeTaskDefinition('arn:aws:ecs:us-east-1:123456789012:task-definition/nothing:9')).rejects.toThrow(/DescribeTaskDefinition/);
    const failed = gw.counter.snapshot().filter((c) => c.outcome !== 'success');
    expect(failed).toEqual([expect.objectContaining({ operation: 'DescribeTaskDefinition', count: 1 })]);
    gw.destroy();
  });
});

describe('a failed call', () => {
  it('keeps the AWS error code and the request id of the answer, for the logs', async () => {
    const gw = gateway();
    // ECS answers ClusterNotFoundException with an x-amzn-RequestId header, as every AWS answer has one
    const err = await gw.deleteCluster('no-such-cluster-for-request-id').then(
      () => undefined,
      (e: unknown) => e,
    );
    gw.destroy();
    expect(err).toBeInstanceOf(AwsCallError);
    const details = errorDetails(err);
    expect(details.code).toBe('ClusterNotFoundException');
    expect(details.requestId).toMatch(/^[A-Za-z0-9-]{8,}$/);
    expect(details.httpStatusCode).toBe(400);
  });
});
