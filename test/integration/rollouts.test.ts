// Rollouts on the emulator (issue 16, "Done when"): scripts/emulator_ext/deployments.py
// rolls services out as ECS documents it (IN_PROGRESS, COMPLETED after
// ECS_EMULATOR_ROLLOUT_SECONDS; a `-crashloop` image never becomes healthy and the circuit
// breaker rolls it back). The controller must deploy a failing revision once, report the
// service degraded, and never deploy it again for the same manifest.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CodeDeployClient, CreateApplicationCommand, CreateDeploymentGroupCommand } from '@aws-sdk/client-codedeploy';
import { DescribeServicesCommand } from '@aws-sdk/client-ecs';
import { beforeAll, describe, expect, it } from 'vitest';
import { emulatorEnv, emulatorVar, holdRollouts, releaseRollouts, resetEmulator, sdkClientConfig } from './emulator-helpers.js';
import { ecsClient, emulatorVars, reconcile, runCli, scratchManifests, states } from './reconcile-helpers.js';
import { CIRCUIT_BREAKER_WITH_ROLLBACK, rolloutEstate } from './rollout-estate.js';

const SERVICE = 'rollout-web';
const CLUSTER = 'rollouts';

function estate(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ecs-reconciler-rollouts-'));
  writeFileSync(
    join(dir, 'estate.yaml'),
    rolloutEstate({ cluster: CLUSTER, family: 'rollout-web', service: SERVICE, image: '${IMAGE_TAG}', serviceExtra: CIRCUIT_BREAKER_WITH_ROLLBACK }),
  );
  return dir;
}

const serviceId = () => `Service/${emulatorEnv().region}/${CLUSTER}/${SERVICE}`;
const withTag = (tag: string) => new Map([...emulatorVars(), ['IMAGE_TAG', tag]]);
const cli = (dir: string, tag: string, extra: string[] = []) =>
  runCli(['apply', dir, '--endpoint', emulatorEnv().endpoint, '--var-file', emulatorEnv().envFile, '--var', `IMAGE_TAG=${tag}`, ...extra]);

async function deploymentsNow() {
  const out = await ecsClient().send(new DescribeServicesCommand({ cluster: CLUSTER, services: [SERVICE] }));
  return out.services?.[0]?.deployments ?? [];
}

describe('rollouts on the emulator', () => {
  beforeAll(async () => {
    await resetEmulator();
  });

  it('apply --wait exits 0 on a good rollout and 1 on a -crashloop one, with progress lines; the failed revision is degraded and not deployed again over 5 passes; a fixed manifest deploys', async () => {
    const dir = estate();
    const good = await cli(dir, '1.27', ['--wait', '--wait-timeout', '60s']);
    expect(good.stderr).toMatch(/waiting for 1 resource\(s\) to be steady/);
    expect(good.stderr).toMatch(new RegExp(`${CLUSTER}/${SERVICE}: steady, 1/1 running`));
    expect(good.code).toBe(0);

    const bad = await cli(dir, '1.28-crashloop', ['--wait', '--wait-timeout', '60s']);
    expect(bad.stderr).toMatch(/running, \d+ pending, \d+ deployment\(s\), rollout IN_PROGRESS/);
    expect(bad.stderr).toMatch(/not steady: .*the rollout failed and was rolled back/);
    expect(bad.code).toBe(1);
    // (the emulator, as ECS, may already have dropped the failed deployment once the rollback completed: the events still say it)

    let updates = 0;
    const count = (op: string) => {
      if (op === 'UpdateService') updates++;
    };
    for (let i = 0; i < 5; i++) {
      const pass = await reconcile(dir, { mode: 'apply', vars: withTag('1.28-crashloop'), onCall: count });
      expect(states(pass)[serviceId()]).toBe('degraded');
      const d = pass.diffs.find((x) => x.id === serviceId())!;
      expect(d.degraded).toMatchObject({ revision: 'rollout-web:2', rolledBack: true });
    }
    expect(updates).toBe(0);

    const fixed = await reconcile(dir, { mode: 'apply', vars: withTag('1.29'), onCall: count });
    expect(states(fixed)[serviceId()]).toBe('pending');
    expect(fixed.problems).toEqual([]);
    expect(updates).toBe(1);
  }, 120_000);

  it('a rollout someone else started is left alone until it completes', async () => {
    const dir = estate();
    expect((await cli(dir, '1.27', ['--wait', '--wait-timeout', '60s'])).code).toBe(0);
    // CI rolls out its own revision with the console's force-new-deployment and another desired count
    const { RegisterTaskDefinitionCommand, UpdateServiceCommand } = await import('@aws-sdk/client-ecs');
    const theirs = await ecsClient().send(
      new RegisterTaskDefinitionCommand({
        family: 'rollout-web',
        networkMode: 'awsvpc',
        requiresCompatibilities: ['FARGATE'],
        cpu: '256',
        memory: '512',
        containerDefinitions: [{ name: 'app', image: 'public.ecr.aws/nginx/nginx:ci-build', essential: true }],
      }),
    );
    // the hand-started rollout must still be under way at the pass below, however long a busy
    // machine takes to get there (the emulator's rollout takes seconds; ECS's take minutes):
    // held until the pass has judged it, then released to complete
    await holdRollouts({ cluster: CLUSTER, service: SERVICE });
    let updates = 0;
    try {
      await ecsClient().send(new UpdateServiceCommand({ cluster: CLUSTER, service: SERVICE, taskDefinition: theirs.taskDefinition!.taskDefinitionArn! }));
      const during = await reconcile(dir, {
        mode: 'apply',
        vars: withTag('1.27'),
        onCall: (op) => {
          if (op === 'UpdateService') updates++;
        },
      });
      expect(during.plan.skipped.find((s) => s.resource === serviceId())?.reason).toMatch(/a rollout this controller did not start is under way/);
      expect(updates).toBe(0);
    } finally {
      await releaseRollouts();
    }
    // after the rollout time the emulator completes it: the drift is then restored
    const deadline = Date.now() + 30_000;
    while ((await deploymentsNow()).length > 1 || (await deploymentsNow())[0]?.rolloutState !== 'COMPLETED') {
      if (Date.now() > deadline) throw new Error('the foreign rollout did not complete');
      await new Promise((r) => setTimeout(r, 200));
    }
    const after = await reconcile(dir, {
      mode: 'apply',
      vars: withTag('1.27'),
      onCall: (op) => {
        if (op === 'UpdateService') updates++;
      },
    });
    expect(states(after)[serviceId()]).toBe('drifted');
    expect(updates).toBe(1);
  }, 120_000);
});

describe('a CODE_DEPLOY service on the emulator', () => {
  const CD_CLUSTER = 'codedeploy-rollouts';
  function codeDeployEstate(cluster = CD_CLUSTER, awsvpc = '{ subnets: ["${SUBNET_A}"] }'): string {
    const dir = mkdtempSync(join(tmpdir(), 'ecs-reconciler-codedeploy-'));
    const serviceExtra = `  deploymentController: { type: CODE_DEPLOY }
  loadBalancers:
    - { targetGroupArn: "\${BLUE_TARGET_GROUP_ARN}", containerName: app, containerPort: 80 }
  codeDeploy:
    applicationName: ${cluster}
    deploymentGroupName: web
`;
    writeFileSync(join(dir, 'estate.yaml'), rolloutEstate({ cluster, family: 'cd-web', service: 'web', image: '${IMAGE_TAG}', awsvpc, serviceExtra }));
    return dir;
  }

  async function deploymentGroupFor(cluster: string): Promise<void> {
    const codeDeploy = new CodeDeployClient(sdkClientConfig());
    await codeDeploy.send(new CreateApplicationCommand({ applicationName: cluster, computePlatform: 'ECS' }));
    await codeDeploy.send(
      new CreateDeploymentGroupCommand({
        applicationName: cluster,
        deploymentGroupName: 'web',
        serviceRoleArn: emulatorVar('ECS_LOAD_BALANCER_ROLE_ARN'),
        deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
        ecsServices: [{ clusterName: cluster, serviceName: 'web' }],
        loadBalancerInfo: {
          targetGroupPairInfoList: [
            {
              targetGroups: [{ name: 'ecs-reconciler-blue' }, { name: 'ecs-reconciler-green' }],
              prodTrafficRoute: { listenerArns: [emulatorVar('PRODUCTION_LISTENER_ARN')] },
            },
          ],
        },
      }),
    );
  }

  it('a network change makes one CodeDeploy deployment (ECS refuses it in UpdateService), is left alone while under way, and plans in sync once CodeDeploy put it in place', async () => {
    const cluster = 'codedeploy-network';
    const id = `Service/${emulatorEnv().region}/${cluster}/web`;
    expect((await reconcile(codeDeployEstate(cluster), { mode: 'apply', vars: withTag('1.27') })).problems).toEqual([]);
    await deploymentGroupFor(cluster);
    const moved = codeDeployEstate(cluster, '{ subnets: ["${SUBNET_A}", "${SUBNET_B}"], securityGroups: ["${SECURITY_GROUP}"], assignPublicIp: ENABLED }');
    // held under way (the emulator's test hook) until the second pass has judged it, however loaded the machine
    await holdRollouts({ cluster, service: 'web' });
    const ops: string[] = [];
    try {
      const changed = await reconcile(moved, { mode: 'apply', vars: withTag('1.27'), onCall: (op) => ops.push(op) });
      expect(changed.problems).toEqual([]);
      expect(changed.results.filter((r) => r.outcome !== 'applied')).toEqual([]);
      expect(ops.filter((o) => o === 'CreateDeployment')).toHaveLength(1);
      expect(ops.filter((o) => o === 'UpdateService')).toEqual([]);
      ops.length = 0;
      const during = await reconcile(moved, { mode: 'apply', vars: withTag('1.27'), onCall: (op) => ops.push(op) });
      expect(during.plan.skipped.find((s) => s.resource === id)?.reason).toMatch(/the CodeDeploy deployment d-[A-Z0-9]{9} this controller started/);
      expect(ops.filter((o) => o === 'CreateDeployment' || o === 'UpdateService')).toEqual([]);
    } finally {
      await releaseRollouts();
    }
    const deadline = Date.now() + 30_000;
    for (;;) {
      const svc = (await ecsClient().send(new DescribeServicesCommand({ cluster, services: ['web'] }))).services![0]!;
      if (svc.networkConfiguration?.awsvpcConfiguration?.subnets?.includes(emulatorVar('SUBNET_B'))) {
        expect(svc.networkConfiguration.awsvpcConfiguration).toMatchObject({ securityGroups: [emulatorVar('SECURITY_GROUP')], assignPublicIp: 'ENABLED' });
        expect(svc.taskDefinition).toMatch(/\/cd-web:1$/);
        break;
      }
      if (Date.now() > deadline) throw new Error(`CodeDeploy did not put the new network in place: ${JSON.stringify(svc.networkConfiguration)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    ops.length = 0;
    const after = await reconcile(moved, { mode: 'apply', vars: withTag('1.27'), onCall: (op) => ops.push(op) });
    expect(states(after)[id]).toBe('in-sync');
    expect(ops.filter((o) => o === 'CreateDeployment' || o === 'UpdateService')).toEqual([]);
  }, 120_000);

  it('an image change makes one CodeDeploy deployment and no UpdateService with a taskDefinition; once CodeDeploy put the revision in place it plans in sync', async () => {
    const dir = codeDeployEstate();
    expect((await reconcile(dir, { mode: 'apply', vars: withTag('1.27') })).problems).toEqual([]);
    await deploymentGroupFor(CD_CLUSTER);
    const ops: string[] = [];
    const changed = await reconcile(dir, { mode: 'apply', vars: withTag('1.28'), onCall: (op) => ops.push(op) });
    expect(changed.problems).toEqual([]);
    expect(ops.filter((o) => o === 'CreateDeployment')).toHaveLength(1);
    expect(ops.filter((o) => o === 'UpdateService')).toEqual([]);

    const deadline = Date.now() + 30_000;
    for (;;) {
      const svc = (await ecsClient().send(new DescribeServicesCommand({ cluster: CD_CLUSTER, services: ['web'] }))).services![0]!;
      if (svc.taskDefinition?.endsWith('/cd-web:2')) break;
      if (Date.now() > deadline) throw new Error(`CodeDeploy did not put cd-web:2 in place: ${svc.taskDefinition}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const id = `Service/${emulatorEnv().region}/${CD_CLUSTER}/web`;
    const after = await reconcile(dir, { mode: 'plan', vars: withTag('1.28') });
    expect(states(after)[id]).toBe('in-sync');

    // a -crashloop revision: CodeDeploy fails the deployment (the original task set keeps
    // serving); the service is degraded like an ECS rollback and not deployed again
    ops.length = 0;
    const crashing = await reconcile(dir, { mode: 'apply', vars: withTag('1.29-crashloop'), onCall: (op) => ops.push(op) });
    expect(crashing.problems).toEqual([]);
    expect(ops.filter((o) => o === 'CreateDeployment')).toHaveLength(1);
    const failedBy = Date.now() + 30_000;
    let seen = await reconcile(dir, { mode: 'apply', vars: withTag('1.29-crashloop'), onCall: (op) => ops.push(op) });
    while (states(seen)[id] !== 'degraded') {
      if (Date.now() > failedBy) throw new Error(`the failed CodeDeploy deployment did not make the service degraded: ${states(seen)[id]}`);
      await new Promise((r) => setTimeout(r, 250));
      seen = await reconcile(dir, { mode: 'apply', vars: withTag('1.29-crashloop'), onCall: (op) => ops.push(op) });
    }
    expect(seen.diffs.find((d) => d.id === id)?.degraded).toMatchObject({
      revision: 'cd-web:3',
      reason: expect.stringMatching(/^CodeDeploy deployment Failed: ECS_UPDATE_ERROR/),
    });
    ops.length = 0;
    for (let i = 0; i < 3; i++) {
      const pass = await reconcile(dir, { mode: 'apply', vars: withTag('1.29-crashloop'), onCall: (op) => ops.push(op) });
      expect(states(pass)[id]).toBe('degraded');
    }
    expect(ops.filter((o) => o === 'CreateDeployment' || o === 'UpdateService')).toEqual([]);
    // the record answers it: CodeDeploy is not asked again
    expect(ops.filter((o) => o === 'GetDeployment')).toEqual([]);
  }, 120_000);
});

describe('an ECS-native BLUE_GREEN service on the emulator', () => {
  it('with an alternate target group, listener rules and lifecycle hooks converges and then plans in sync', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecs-reconciler-bluegreen-'));
    writeFileSync(
      join(dir, 'estate.yaml'),
      `apiVersion: ecs-reconciler/v1
kind: Cluster
metadata: { name: bluegreen }
spec: {}
---
apiVersion: ecs-reconciler/v1
kind: TaskDefinition
metadata: { name: bg-native }
spec:
  networkMode: awsvpc
  requiresCompatibilities: [FARGATE]
  cpu: "256"
  memory: "512"
  containerDefinitions:
    - { name: app, image: "public.ecr.aws/nginx/nginx:\${IMAGE_TAG}", essential: true, portMappings: [{ containerPort: 80 }] }
---
apiVersion: ecs-reconciler/v1
kind: Service
metadata: { name: web, cluster: bluegreen }
spec:
  taskDefinition: bg-native
  desiredCount: 1
  launchType: FARGATE
  networkConfiguration:
    awsvpcConfiguration: { subnets: ["\${SUBNET_A}"] }
  loadBalancers:
    - targetGroupArn: "\${BLUE_TARGET_GROUP_ARN}"
      containerName: app
      containerPort: 80
      advancedConfiguration:
        alternateTargetGroupArn: "\${GREEN_TARGET_GROUP_ARN}"
        productionListenerRule: "\${PRODUCTION_LISTENER_RULE_ARN}"
        testListenerRule: "\${TEST_LISTENER_RULE_ARN}"
        roleArn: "\${ECS_LOAD_BALANCER_ROLE_ARN}"
  deploymentConfiguration:
    strategy: BLUE_GREEN
    bakeTimeInMinutes: 5
    lifecycleHooks:
      - hookTargetArn: arn:aws:lambda:us-east-1:123456789012:function:smoke
        roleArn: "\${ECS_LOAD_BALANCER_ROLE_ARN}"
        lifecycleStages: [POST_TEST_TRAFFIC_SHIFT]
`,
    );
    const id = `Service/${emulatorEnv().region}/bluegreen/web`;
    const created = await reconcile(dir, { mode: 'apply', vars: withTag('1.27') });
    expect(created.problems).toEqual([]);
    expect(states(created)[id]).toBe('missing');
    const planned = await reconcile(dir, { mode: 'plan', vars: withTag('1.27') });
    expect(states(planned)[id]).toBe('in-sync');
    expect(planned.plan.actions).toEqual([]);
    // a new revision is one UpdateService, and then in sync again
    const ops: string[] = [];
    const changed = await reconcile(dir, { mode: 'apply', vars: withTag('1.28'), onCall: (op) => ops.push(op) });
    expect(changed.problems).toEqual([]);
    expect(ops.filter((o) => o === 'UpdateService')).toHaveLength(1);
    expect(states(await reconcile(dir, { mode: 'plan', vars: withTag('1.28') }))[id]).toBe('in-sync');
  }, 120_000);
});

describe("the example estate's blue/green service (manifests/web/web.yaml)", () => {
  it('converges with strategy BLUE_GREEN behind the emulator load balancer, and a second plan is in sync', async () => {
    await resetEmulator();
    const dir = scratchManifests();
    const applied = await reconcile(dir, { mode: 'apply' });
    expect(applied.problems).toEqual([]);
    const web = (await ecsClient().send(new DescribeServicesCommand({ cluster: 'prod', services: ['web'] }))).services![0]!;
    expect(web.deploymentConfiguration).toMatchObject({
      strategy: 'BLUE_GREEN',
      bakeTimeInMinutes: 5,
      lifecycleHooks: [expect.objectContaining({ lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'] })],
    });
    expect(web.loadBalancers![0]).toMatchObject({
      targetGroupArn: emulatorVar('BLUE_TARGET_GROUP_ARN'),
      advancedConfiguration: {
        alternateTargetGroupArn: emulatorVar('GREEN_TARGET_GROUP_ARN'),
        productionListenerRule: emulatorVar('PRODUCTION_LISTENER_RULE_ARN'),
        testListenerRule: emulatorVar('TEST_LISTENER_RULE_ARN'),
        roleArn: emulatorVar('ECS_LOAD_BALANCER_ROLE_ARN'),
      },
    });
    const planned = await reconcile(dir, { mode: 'plan' });
    expect(states(planned)[`Service/${emulatorEnv().region}/prod/web`]).toBe('in-sync');
    expect(planned.plan.actions).toEqual([]);
  }, 120_000);
});
