// ECS-native blue/green, linear and canary on the emulator (issue 16, item 5): the
// strategies' fields and Service Connect's test traffic rules
// (serviceConnectConfiguration.services[].clientAliases[].testTrafficRules, [API]
// ServiceConnectClientAlias: "The configuration for the header-based routing of test
// traffic") are applied, planned with no false drift, changed in place, and exported:
// export -> apply -> in sync, with no new revision and no redeployment.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeServicesCommand, ListTaskDefinitionsCommand } from '@aws-sdk/client-ecs';
import { beforeAll, describe, expect, it } from 'vitest';
import { emulatorEnv, emulatorVar, resetEmulator } from './emulator-helpers.js';
import { ecsClient, type PassRun, reconcile, runCli, states } from './reconcile-helpers.js';

const CLUSTER = 'strategies';

function serviceConnect(portName: string, canaryHeader: string): string {
  return `  serviceConnectConfiguration:
    enabled: true
    services:
      - portName: ${portName}
        clientAliases:
          - port: 80
            dnsName: ${portName}.internal
            testTrafficRules: { header: { name: x-canary, value: { exact: "${canaryHeader}" } } }`;
}

function estate(canaryHeader: string): string {
  const td = (name: string) => `---
apiVersion: ecs-reconciler/v1
kind: TaskDefinition
metadata: { name: ${name} }
spec:
  networkMode: awsvpc
  requiresCompatibilities: [FARGATE]
  cpu: "256"
  memory: "512"
  containerDefinitions:
    - name: app
      image: "public.ecr.aws/nginx/nginx:1.27"
      portMappings: [{ containerPort: 80, name: ${name}, appProtocol: http }]
`;
  const network = `  networkConfiguration:
    awsvpcConfiguration: { subnets: ["\${SUBNET_A}"] }`;
  return `apiVersion: ecs-reconciler/v1
kind: Cluster
metadata: { name: ${CLUSTER} }
spec:
  serviceConnectDefaults: { namespace: internal }
${td('front')}${td('back')}${td('side')}---
apiVersion: ecs-reconciler/v1
kind: Service
metadata: { name: front, cluster: ${CLUSTER} }
spec:
  taskDefinition: front
  desiredCount: 1
  launchType: FARGATE
${network}
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
    bakeTimeInMinutes: 10
    lifecycleHooks:
      - hookTargetArn: arn:aws:lambda:us-east-1:123456789012:function:front-smoke
        roleArn: "\${ECS_LOAD_BALANCER_ROLE_ARN}"
        lifecycleStages: [PRE_SCALE_UP, POST_TEST_TRAFFIC_SHIFT]
${serviceConnect('front', 'true')}
---
apiVersion: ecs-reconciler/v1
kind: Service
metadata: { name: back, cluster: ${CLUSTER} }
spec:
  taskDefinition: back
  desiredCount: 1
  launchType: FARGATE
${network}
  deploymentConfiguration:
    strategy: CANARY
    bakeTimeInMinutes: 3
    canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 5 }
${serviceConnect('back', canaryHeader)}
---
apiVersion: ecs-reconciler/v1
kind: Service
metadata: { name: side, cluster: ${CLUSTER} }
spec:
  taskDefinition: side
  desiredCount: 1
  launchType: FARGATE
${network}
  deploymentConfiguration:
    strategy: LINEAR
    bakeTimeInMinutes: 2
    linearConfiguration: { stepPercent: 25, stepBakeTimeInMinutes: 4 }
${serviceConnect('side', 'true')}
`;
}

const changesOf = (pass: PassRun) =>
  pass.diffs.flatMap((d) => d.changes.map((c) => `${d.id} ${c.path}: ${JSON.stringify(c.live)} -> ${JSON.stringify(c.desired)}`));
const id = (name: string) => `Service/${emulatorEnv().region}/${CLUSTER}/${name}`;

async function revisionCount(): Promise<number> {
  return ((await ecsClient().send(new ListTaskDefinitionsCommand({ status: 'ACTIVE', maxResults: 100 }))).taskDefinitionArns ?? []).length;
}

async function primaryDeploymentIds(): Promise<string[]> {
  const out = await ecsClient().send(new DescribeServicesCommand({ cluster: CLUSTER, services: ['front', 'back', 'side'] }));
  return (out.services ?? []).map((s) => (s.deployments ?? []).find((d) => d.status === 'PRIMARY')?.id ?? '?');
}

describe('BLUE_GREEN, CANARY and LINEAR services with Service Connect test traffic rules', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ecs-reconciler-strategies-'));
  beforeAll(async () => {
    await resetEmulator();
  });

  it('are created, then plan in sync with no false drift, and a second apply makes no mutating call', async () => {
    writeFileSync(join(dir, 'estate.yaml'), estate('true'));
    const applied = await reconcile(dir, { mode: 'apply' });
    expect(applied.problems).toEqual([]);
    const back = (await ecsClient().send(new DescribeServicesCommand({ cluster: CLUSTER, services: ['back'] }))).services![0]!;
    expect(back.deploymentConfiguration).toMatchObject({ strategy: 'CANARY', canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 5 } });
    const plan = await reconcile(dir, { mode: 'plan' });
    expect(changesOf(plan)).toEqual([]);
    expect(Object.values(states(plan)).every((s) => s === 'in-sync')).toBe(true);
    const again = await reconcile(dir, { mode: 'apply' });
    expect(again.mutatingCalls, JSON.stringify(again.calls)).toBe(0);
  }, 120_000);

  it('a changed test traffic rule is one change at its path, applied by UpdateService, then in sync', async () => {
    writeFileSync(join(dir, 'estate.yaml'), estate('yes-please'));
    const plan = await reconcile(dir, { mode: 'plan' });
    expect(states(plan)[id('back')]).toBe('pending');
    const changes = plan.diffs.find((d) => d.id === id('back'))!.changes;
    expect(changes.map((c) => c.path)).toEqual([expect.stringMatching(/^serviceConnectConfiguration\.services.*clientAliases.*testTrafficRules/)]);
    const applied = await reconcile(dir, { mode: 'apply' });
    expect(applied.problems).toEqual([]);
    expect(applied.calls.UpdateService).toBe(1);
    const back = (await ecsClient().send(new DescribeServicesCommand({ cluster: CLUSTER, services: ['back'] }))).services![0]!;
    // ECS reports a service's Service Connect configuration on its deployments ([API] Deployment.serviceConnectConfiguration; Service has none)
    const primary = back.deployments!.find((d) => d.status === 'PRIMARY')!;
    expect(primary.serviceConnectConfiguration?.services?.[0]?.clientAliases?.[0]?.testTrafficRules).toEqual({
      header: { name: 'x-canary', value: { exact: 'yes-please' } },
    });
    expect(changesOf(await reconcile(dir, { mode: 'plan' }))).toEqual([]);
  }, 120_000);

  it('export writes the strategies, bake times, hooks, advanced configuration and test traffic rules; export -> apply -> in sync', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'ecs-reconciler-strategies-export-')), 'out');
    const r = await runCli(['export', '--cluster', CLUSTER, '--out', out, '--endpoint', emulatorEnv().endpoint]);
    expect(r.code, r.stderr).toBe(0);
    const front = readFileSync(join(out, CLUSTER, 'front.yaml'), 'utf8');
    for (const text of [
      'strategy: BLUE_GREEN',
      'bakeTimeInMinutes: 10',
      'lifecycleHooks:',
      'POST_TEST_TRAFFIC_SHIFT',
      'advancedConfiguration:',
      `alternateTargetGroupArn: ${emulatorVar('GREEN_TARGET_GROUP_ARN')}`,
      `productionListenerRule: ${emulatorVar('PRODUCTION_LISTENER_RULE_ARN')}`,
      `testListenerRule: ${emulatorVar('TEST_LISTENER_RULE_ARN')}`,
      'testTrafficRules:',
    ])
      expect(front, text).toContain(text);
    const back = readFileSync(join(out, CLUSTER, 'back.yaml'), 'utf8');
    expect(back).toContain('strategy: CANARY');
    expect(back).toMatch(
      /canaryConfiguration:\n\s+canaryBakeTimeInMinutes: 5\n\s+canaryPercent: 10|canaryConfiguration:\n\s+canaryPercent: 10\n\s+canaryBakeTimeInMinutes: 5|canaryConfiguration: \{/,
    );
    expect(back).toContain('yes-please');
    const side = readFileSync(join(out, CLUSTER, 'side.yaml'), 'utf8');
    expect(side).toContain('strategy: LINEAR');
    expect(side).toContain('linearConfiguration:');

    const revisionsBefore = await revisionCount();
    const deploymentsBefore = await primaryDeploymentIds();
    const applied = await reconcile(out, { mode: 'apply' });
    expect(applied.problems).toEqual([]);
    expect(applied.calls.RegisterTaskDefinition ?? 0).toBe(0);
    expect(applied.calls.UpdateService ?? 0).toBe(0);
    const plan = await reconcile(out, { mode: 'plan' });
    expect(changesOf(plan)).toEqual([]);
    expect(
      Object.values(states(plan)).every((s) => s === 'in-sync'),
      JSON.stringify(states(plan)),
    ).toBe(true);
    expect(await revisionCount()).toBe(revisionsBefore);
    expect(await primaryDeploymentIds()).toEqual(deploymentsBefore);
  }, 120_000);
});
