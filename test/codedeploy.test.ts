// CODE_DEPLOY services on the in-memory gateway (issue 16, item 6): a new revision goes
// through CodeDeploy's CreateDeployment with an AppSpec, never UpdateService's taskDefinition.
import { describe, expect, it } from 'vitest';
import { appSpecFor, networkFingerprint } from '../src/kinds/service/codedeploy.js';
import { awaitServicesSteady } from '../src/kinds/service/rollout-wait.js';
import { renderText } from '../src/report/index.js';
import { InMemoryGateways } from './support/in-memory-gateway.js';
import { FAKE_REGION, passOnFake, states } from './support/pass-on-fake.js';

const ESTATE = `apiVersion: ecs-reconciler/v1
kind: Cluster
metadata: { name: prod }
spec: {}
---
apiVersion: ecs-reconciler/v1
kind: TaskDefinition
metadata: { name: bg }
spec:
  networkMode: awsvpc
  requiresCompatibilities: [FARGATE]
  cpu: "256"
  memory: "512"
  containerDefinitions:
    - { name: web, image: "nginx:\${TAG:=1.27}", essential: true, portMappings: [{ containerPort: 80 }] }
---
apiVersion: ecs-reconciler/v1
kind: Service
metadata: { name: bg, cluster: prod }
spec:
  taskDefinition: bg
  desiredCount: 1
  launchType: FARGATE
  deploymentController: { type: CODE_DEPLOY }
  networkConfiguration:
    awsvpcConfiguration: { subnets: [subnet-0example00000000a] }
  loadBalancers:
    - { targetGroupArn: "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/blue/0123456789abcdef", containerName: web, containerPort: 80 }
  codeDeploy:
    applicationName: bg-app
    deploymentGroupName: prod/bg
    hooks:
      - { BeforeAllowTraffic: "arn:aws:lambda:eu-west-1:123456789012:function:smoke" }
`;
const SERVICE_ID = `Service/${FAKE_REGION}/prod/bg`;

describe('a CODE_DEPLOY service', () => {
  it('takes an image change as one CodeDeploy deployment with an AppSpec, and no UpdateService with a taskDefinition', async () => {
    const fake = new InMemoryGateways();
    expect((await passOnFake(fake, ESTATE)).problems).toEqual([]);
    fake.clearCalls();
    const pass = await passOnFake(fake, ESTATE, { vars: { TAG: '1.28' } });
    expect(pass.problems).toEqual([]);
    expect(fake.callsOf('UpdateService').filter((c) => c.input.taskDefinition !== undefined)).toEqual([]);
    const deployments = fake.callsOf('CreateDeployment');
    expect(deployments).toHaveLength(1);
    const input = deployments[0]!.input as {
      applicationName: string;
      deploymentGroupName: string;
      revision: { revisionType: string; appSpecContent: { content: string } };
    };
    expect(input).toMatchObject({ applicationName: 'bg-app', deploymentGroupName: 'prod/bg', revision: { revisionType: 'AppSpecContent' } });
    const appSpec = JSON.parse(input.revision.appSpecContent.content);
    expect(appSpec.Resources[0].TargetService).toMatchObject({
      Type: 'AWS::ECS::Service',
      Properties: { TaskDefinition: expect.stringMatching(/task-definition\/bg:2$/), LoadBalancerInfo: { ContainerName: 'web', ContainerPort: 80 } },
    });
    expect(appSpec.Hooks).toEqual([{ BeforeAllowTraffic: 'arn:aws:lambda:eu-west-1:123456789012:function:smoke' }]);
    // once CodeDeploy put the revision in place, the service is in sync and nothing more is deployed
    fake.clearCalls();
    const after = await passOnFake(fake, ESTATE, { vars: { TAG: '1.28' } });
    expect(states(after)[SERVICE_ID]).toBe('in-sync');
    expect(fake.callsOf('CreateDeployment')).toEqual([]);
  });

  it('is not deployed again while the CodeDeploy deployment has not put the revision in place', async () => {
    const fake = new InMemoryGateways();
    await passOnFake(fake, ESTATE);
    await passOnFake(fake, ESTATE, { vars: { TAG: '1.28' } });
    // CodeDeploy failed and rolled back: the service runs revision 1 again
    const gw = fake.forRegion(FAKE_REGION);
    const first = gw.revisions('bg')[0]!.taskDefinition.taskDefinitionArn!;
    gw.startRollout('prod', 'bg', first);
    gw.finishRollouts('prod', 'bg');
    fake.clearCalls();
    const pass = await passOnFake(fake, ESTATE, { vars: { TAG: '1.28' } });
    expect(pass.plan.skipped.find((s) => s.resource === SERVICE_ID)?.reason).toMatch(/the CodeDeploy deployment d-FAKE1 this controller started/);
    expect(fake.callsOf('CreateDeployment')).toEqual([]);
  });

  it('a CodeDeploy deployment that failed makes the service degraded, recorded once, and is not deployed again for the same manifest', async () => {
    const fake = new InMemoryGateways();
    await passOnFake(fake, ESTATE);
    // the fake, as the emulator, fails a CodeDeploy deployment of a -crashloop image: the original task set keeps serving
    await passOnFake(fake, ESTATE, { vars: { TAG: '1.28-crashloop' } });
    expect(fake.callsOf('CreateDeployment')).toHaveLength(1);
    fake.clearCalls();
    const seen = await passOnFake(fake, ESTATE, { vars: { TAG: '1.28-crashloop' } });
    expect(states(seen)[SERVICE_ID]).toBe('degraded');
    const d = seen.diffs.find((x) => x.id === SERVICE_ID)!;
    expect(d.degraded).toMatchObject({
      revision: 'bg:2',
      deploymentId: 'd-FAKE1',
      rolledBack: false,
      reason: 'CodeDeploy deployment Failed: ECS_UPDATE_ERROR: The ECS replacement task set failed to become healthy.',
    });
    expect(d.reason).toMatch(/this controller's deployment d-FAKE1 of bg:2 failed \(CodeDeploy deployment Failed/);
    expect(fake.callsOf('GetDeployment')).toHaveLength(1);
    // the report names CodeDeploy's deployment and its status
    const health = seen.report.resources.find((r) => r.id === SERVICE_ID)?.health;
    expect(health).toMatchObject({ codeDeployDeployment: { id: 'd-FAKE1', status: 'Failed', reason: expect.stringMatching(/^ECS_UPDATE_ERROR: /) } });
    expect(renderText(seen.report)).toContain('CodeDeploy deployment d-FAKE1 Failed');
    // the record is written once, in a tag, as for an ECS rollback
    const tags = fake.callsOf('TagResource').map((c) => c.input as { tags: Array<{ key: string; value: string }> });
    expect(tags.flatMap((t) => t.tags).find((t) => t.key === 'ecs-reconciler:degraded')?.value).toMatch(/ d-FAKE1 bg:2 failed$/);
    for (let i = 0; i < 3; i++) {
      fake.clearCalls();
      const pass = await passOnFake(fake, ESTATE, { vars: { TAG: '1.28-crashloop' } });
      expect(states(pass)[SERVICE_ID]).toBe('degraded');
      expect(fake.callsOf('CreateDeployment')).toEqual([]);
      expect(fake.callsOf('UpdateService')).toEqual([]);
      // known from the record: CodeDeploy is not asked again
      expect(fake.callsOf('GetDeployment')).toEqual([]);
      expect(fake.callsOf('TagResource')).toEqual([]);
    }
    // a fixed manifest deploys through CodeDeploy again
    fake.clearCalls();
    const fixed = await passOnFake(fake, ESTATE, { vars: { TAG: '1.29' } });
    expect(states(fixed)[SERVICE_ID]).toBe('pending');
    expect(fake.callsOf('CreateDeployment')).toHaveLength(1);
  });

  it('a failed CodeDeploy deployment is deployed again once ecs-reconciler/retry gets a new value', async () => {
    const fake = new InMemoryGateways();
    await passOnFake(fake, ESTATE);
    await passOnFake(fake, ESTATE, { vars: { TAG: '1.28-crashloop' } });
    expect(states(await passOnFake(fake, ESTATE, { vars: { TAG: '1.28-crashloop' } }))[SERVICE_ID]).toBe('degraded');
    fake.clearCalls();
    const retried = ESTATE.replace(
      'metadata: { name: bg, cluster: prod }',
      'metadata: { name: bg, cluster: prod, annotations: { ecs-reconciler/retry: "1" } }',
    );
    const pass = await passOnFake(fake, retried, { vars: { TAG: '1.28-crashloop' } });
    expect(pass.plan.skipped.find((s) => s.resource === SERVICE_ID)).toBeUndefined();
    expect(fake.callsOf('CreateDeployment')).toHaveLength(1);
  });

  it('apply --wait follows the CodeDeploy deployment to its end', async () => {
    const fake = new InMemoryGateways();
    await passOnFake(fake, ESTATE);
    await passOnFake(fake, ESTATE, { vars: { TAG: '1.28' } });
    const lines: string[] = [];
    const outcome = await awaitServicesSteady(fake.forRegion(FAKE_REGION), [{ cluster: 'prod', name: 'bg' }], {
      timeoutMs: 1000,
      onProgress: (l) => lines.push(l),
    });
    expect(outcome).toEqual({ ok: true, failures: [], interrupted: false });
    expect(lines).toEqual(['prod/bg: CodeDeploy deployment d-FAKE1 Succeeded, 0/1 running']);
    expect(fake.callsOf('GetDeployment')).toHaveLength(1);
  });

  // a second subnet, a security group and a public IP: a network change ECS takes only through CodeDeploy
  const NEW_NETWORK = ESTATE.replace(
    'awsvpcConfiguration: { subnets: [subnet-0example00000000a] }',
    'awsvpcConfiguration: { subnets: [subnet-0example00000000a, subnet-0example00000000b], securityGroups: [sg-0example000000000a], assignPublicIp: ENABLED }',
  );
  const appSpecOf = (call: { input: unknown }) =>
    JSON.parse((call.input as { revision: { appSpecContent: { content: string } } }).revision.appSpecContent.content) as {
      Resources: Array<{ TargetService: { Properties: Record<string, unknown> } }>;
    };

  it('takes a network change as one CodeDeploy deployment of the revision it runs, with the new NetworkConfiguration, and no UpdateService with one', async () => {
    const fake = new InMemoryGateways();
    expect((await passOnFake(fake, ESTATE)).problems).toEqual([]);
    fake.clearCalls();
    const pass = await passOnFake(fake, NEW_NETWORK);
    expect(pass.problems).toEqual([]);
    expect(pass.results.filter((r) => r.outcome !== 'applied')).toEqual([]);
    expect(fake.callsOf('UpdateService').filter((c) => (c.input as { networkConfiguration?: unknown }).networkConfiguration !== undefined)).toEqual([]);
    const deployments = fake.callsOf('CreateDeployment');
    expect(deployments).toHaveLength(1);
    expect(appSpecOf(deployments[0]!).Resources[0]!.TargetService.Properties).toEqual({
      TaskDefinition: expect.stringMatching(/task-definition\/bg:1$/),
      LoadBalancerInfo: { ContainerName: 'web', ContainerPort: 80 },
      NetworkConfiguration: {
        AwsvpcConfiguration: {
          Subnets: ['subnet-0example00000000a', 'subnet-0example00000000b'],
          SecurityGroups: ['sg-0example000000000a'],
          AssignPublicIp: 'ENABLED',
        },
      },
    });
    // the deployment is recorded with the fingerprint of the network it gives, in the one ownership tag
    const tagged = fake.callsOf('TagResource').flatMap((c) => (c.input as { tags: Array<{ key: string; value: string }> }).tags);
    expect(tagged.find((t) => t.key === 'ecs-reconciler:deployment')?.value).toMatch(/^d-FAKE1 net=sg-[0-9a-f]{16}$/);
    // once CodeDeploy put it in place, the service is in sync: nothing more deployed, CodeDeploy not asked
    fake.clearCalls();
    const after = await passOnFake(fake, NEW_NETWORK);
    expect(states(after)[SERVICE_ID]).toBe('in-sync');
    expect(fake.callsOf('CreateDeployment')).toEqual([]);
    expect(fake.callsOf('GetDeployment')).toEqual([]);
  });

  it("an image change's AppSpec carries the service's network configuration too", async () => {
    const fake = new InMemoryGateways();
    await passOnFake(fake, ESTATE);
    fake.clearCalls();
    await passOnFake(fake, ESTATE, { vars: { TAG: '1.28' } });
    expect(appSpecOf(fake.callsOf('CreateDeployment')[0]!).Resources[0]!.TargetService.Properties.NetworkConfiguration).toEqual({
      AwsvpcConfiguration: { Subnets: ['subnet-0example00000000a'] },
    });
  });

  it('a network change under way is not deployed again, and is in sync once CodeDeploy succeeded', async () => {
    const fake = new InMemoryGateways();
    await passOnFake(fake, ESTATE);
    const gw = fake.forRegion(FAKE_REGION);
    gw.holdCodeDeployments();
    await passOnFake(fake, NEW_NETWORK);
    expect(fake.callsOf('CreateDeployment')).toHaveLength(1);
    fake.clearCalls();
    const during = await passOnFake(fake, NEW_NETWORK);
    expect(during.plan.skipped.find((s) => s.resource === SERVICE_ID)?.reason).toMatch(
      /the CodeDeploy deployment d-FAKE1 this controller started .*not deployed again/,
    );
    expect(fake.callsOf('CreateDeployment')).toEqual([]);
    expect(fake.callsOf('UpdateService')).toEqual([]);
    // its outcome is unknown from ECS alone: CodeDeploy is asked
    expect(fake.callsOf('GetDeployment')).toHaveLength(1);
    expect(during.report.resources.find((r) => r.id === SERVICE_ID)?.health).toMatchObject({ codeDeployDeployment: { id: 'd-FAKE1', status: 'InProgress' } });
    gw.releaseCodeDeployments();
    fake.clearCalls();
    const after = await passOnFake(fake, NEW_NETWORK);
    expect(states(after)[SERVICE_ID]).toBe('in-sync');
    expect(fake.callsOf('CreateDeployment')).toEqual([]);
  });

  it('a network change that CodeDeploy failed makes the service degraded and is not deployed again for the same manifest', async () => {
    const fake = new InMemoryGateways();
    await passOnFake(fake, ESTATE);
    const gw = fake.forRegion(FAKE_REGION);
    gw.holdCodeDeployments();
    await passOnFake(fake, NEW_NETWORK);
    gw.releaseCodeDeployments('Failed');
    fake.clearCalls();
    const seen = await passOnFake(fake, NEW_NETWORK);
    expect(states(seen)[SERVICE_ID]).toBe('degraded');
    expect(seen.diffs.find((x) => x.id === SERVICE_ID)!.degraded).toMatchObject({
      deploymentId: 'd-FAKE1',
      revision: 'bg:1',
      reason: expect.stringMatching(/^CodeDeploy deployment Failed: ECS_UPDATE_ERROR/),
    });
    for (let i = 0; i < 2; i++) {
      fake.clearCalls();
      const pass = await passOnFake(fake, NEW_NETWORK);
      expect(states(pass)[SERVICE_ID]).toBe('degraded');
      expect(fake.callsOf('CreateDeployment')).toEqual([]);
      expect(fake.callsOf('UpdateService')).toEqual([]);
    }
  });

  it('the AppSpec names the platform version when the service gives one', () => {
    const spec = JSON.parse(
      appSpecFor(
        'arn:aws:ecs:eu-west-1:1:task-definition/bg:3',
        { platformVersion: '1.4.0', loadBalancers: [{ containerName: 'web', containerPort: 8080 }] },
        { applicationName: 'a', deploymentGroupName: 'g' },
      ),
    );
    expect(spec.Resources[0].TargetService.Properties).toEqual({
      TaskDefinition: 'arn:aws:ecs:eu-west-1:1:task-definition/bg:3',
      LoadBalancerInfo: { ContainerName: 'web', ContainerPort: 8080 },
      PlatformVersion: '1.4.0',
    });
    expect(spec.Hooks).toBeUndefined();
  });
});

describe("a CodeDeploy deployment's network fingerprint", () => {
  const net = (awsvpc: Record<string, unknown>) => ({ networkConfiguration: { awsvpcConfiguration: awsvpc } });
  it('is order-free, takes DISABLED for an absent assignPublicIp, and tells subnets and security groups apart', () => {
    expect(networkFingerprint(net({ subnets: ['a', 'b'] }))).toBe(networkFingerprint(net({ subnets: ['b', 'a'], assignPublicIp: 'DISABLED' })));
    expect(networkFingerprint(net({ subnets: ['a'] }))).not.toBe(networkFingerprint(net({ subnets: ['a', 'b'] })));
    expect(networkFingerprint(net({ subnets: ['a'] }))).not.toBe(networkFingerprint(net({ subnets: ['a'], assignPublicIp: 'ENABLED' })));
    const given = networkFingerprint(net({ subnets: ['a'], securityGroups: ['sg-1'] }));
    expect(given).toMatch(/^sg-/);
    expect(networkFingerprint(net({ subnets: ['a'], securityGroups: ['sg-2'] }), true)).not.toBe(given);
    expect(networkFingerprint({})).toBe('none');
  });
  it('ignores the security groups when the deployment gave none (the VPC default one is then used)', () => {
    const given = networkFingerprint(net({ subnets: ['a'] }));
    expect(given).toMatch(/^nosg-/);
    expect(networkFingerprint(net({ subnets: ['a'], securityGroups: ['sg-default'] }), false)).toBe(given);
  });
});
