// `export` end to end on the emulator: an estate built by hand through the SDK (load
// balancer, capacity provider strategies, auto scaling, two containers, secrets, a
// sensitive environment value, a family whose newest revision is not the deployed
// one, a family two clusters' services share) is exported, planned (conflict, nothing
// else), adopted (ownership tags only: no new revision, no deployment), planned again
// (in-sync).
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApplicationAutoScalingClient, PutScalingPolicyCommand, RegisterScalableTargetCommand } from '@aws-sdk/client-application-auto-scaling';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
} from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { AwsGateways, isMutatingOperation } from '../../src/aws/index.js';
import { ManifestSchema } from '../../src/kinds/registry.js';
import { loadManifests } from '../../src/manifests/index.js';
import { runReconcilePass } from '../../src/pipeline/reconcile-pass.js';
import { emulatorEnv, emulatorVar, sdkClientConfig } from './emulator-helpers.js';
import { ecsClient, runCli, states } from './reconcile-helpers.js';

const ACCOUNT = '123456789012';
const SSM = `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter`;
const LIVE_TOKEN = 'tok-live-9f8e7d6c5b4a';

function storefront(image: string): RegisterTaskDefinitionCommandInput {
  return {
    family: 'storefront',
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: '512',
    memory: '1024',
    executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/ecsTaskExecutionRole`,
    containerDefinitions: [
      {
        name: 'web',
        image,
        essential: true,
        cpu: 0,
        portMappings: [{ containerPort: 8080, hostPort: 8080, protocol: 'tcp' }],
        // ECS does not sort these: the export must
        environment: [
          { name: 'NODE_ENV', value: 'production' },
          { name: 'API_TOKEN', value: LIVE_TOKEN },
          { name: 'GREETING', value: 'hello ${name}' },
        ],
        secrets: [
          { name: 'DB_PASSWORD', valueFrom: `${SSM}/shop/db-password` },
          { name: 'CARD_KEY', valueFrom: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:shop/card-key-AbCdEf` },
        ],
        logConfiguration: { logDriver: 'awsfirelens', options: { Name: 'cloudwatch', region: 'us-east-1' } },
        dependsOn: [{ containerName: 'log-router', condition: 'START' }],
        mountPoints: [],
        volumesFrom: [],
      },
      {
        name: 'log-router',
        image: 'public.ecr.aws/aws-observability/aws-for-fluent-bit:stable',
        essential: true,
        memoryReservation: 50,
        firelensConfiguration: { type: 'fluentbit' },
      },
    ],
    tags: [{ key: 'team', value: 'shop' }],
  };
}

function checkout(image: string): RegisterTaskDefinitionCommandInput {
  return {
    family: 'checkout',
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: '256',
    memory: '512',
    containerDefinitions: [
      { name: 'app', image, portMappings: [{ containerPort: 9000 }], healthCheck: { command: ['CMD-SHELL', 'true'], interval: 30, timeout: 5, retries: 3 } },
    ],
  };
}

async function buildEstateByHand(): Promise<void> {
  const ecs = ecsClient();
  await ecs.send(
    new CreateClusterCommand({
      clusterName: 'shop',
      capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
      defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1, base: 1 }],
      settings: [{ name: 'containerInsights', value: 'enabled' }],
      tags: [
        { key: 'team', value: 'shop' },
        { key: 'cost-center', value: '42' },
      ],
    }),
  );
  await ecs.send(new CreateClusterCommand({ clusterName: 'ops', capacityProviders: ['FARGATE'] }));
  await ecs.send(new RegisterTaskDefinitionCommand(storefront('public.ecr.aws/nginx/nginx:1.27')));
  await ecs.send(new RegisterTaskDefinitionCommand(checkout('public.ecr.aws/shop/checkout:1.0')));
  const network = {
    awsvpcConfiguration: {
      subnets: [emulatorVar('SUBNET_B'), emulatorVar('SUBNET_A')],
      securityGroups: [emulatorVar('SECURITY_GROUP')],
      assignPublicIp: 'DISABLED' as const,
    },
  };
  await ecs.send(
    new CreateServiceCommand({
      cluster: 'shop',
      serviceName: 'storefront',
      taskDefinition: 'storefront:1',
      desiredCount: 2,
      capacityProviderStrategy: [
        { capacityProvider: 'FARGATE_SPOT', weight: 3 },
        { capacityProvider: 'FARGATE', weight: 1, base: 1 },
      ],
      networkConfiguration: network,
      loadBalancers: [{ targetGroupArn: emulatorVar('TARGET_GROUP_ARN'), containerName: 'web', containerPort: 8080 }],
      healthCheckGracePeriodSeconds: 30,
      deploymentConfiguration: { minimumHealthyPercent: 50, maximumPercent: 200, deploymentCircuitBreaker: { enable: true, rollback: true } },
      tags: [
        { key: 'team', value: 'shop' },
        { key: 'tier', value: 'front' },
      ],
    }),
  );
  await ecs.send(
    new CreateServiceCommand({
      cluster: 'shop',
      serviceName: 'checkout',
      taskDefinition: 'checkout:1',
      desiredCount: 1,
      launchType: 'FARGATE',
      networkConfiguration: network,
      tags: [{ key: 'team', value: 'shop' }],
    }),
  );
  // The family moved on without a deployment: checkout:2 is newest, the service runs checkout:1.
  await ecs.send(new RegisterTaskDefinitionCommand(checkout('public.ecr.aws/shop/checkout:2.0')));
  // storefront runs in a second cluster too: one manifest for the family, two services naming it.
  await ecs.send(
    new CreateServiceCommand({
      cluster: 'ops',
      serviceName: 'storefront-canary',
      taskDefinition: 'storefront:1',
      desiredCount: 1,
      launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets: [emulatorVar('SUBNET_A')], securityGroups: [emulatorVar('SECURITY_GROUP')] } },
    }),
  );
  const scaling = new ApplicationAutoScalingClient(sdkClientConfig());
  const target = { ServiceNamespace: 'ecs', ResourceId: 'service/shop/storefront', ScalableDimension: 'ecs:service:DesiredCount' } as const;
  await scaling.send(new RegisterScalableTargetCommand({ ...target, MinCapacity: 2, MaxCapacity: 10 }));
  await scaling.send(
    new PutScalingPolicyCommand({
      ...target,
      PolicyName: 'cpu60',
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: 60,
        PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
        ScaleInCooldown: 300,
        ScaleOutCooldown: 60,
      },
    }),
  );
}

/** A reconcile pass on DIR with the placeholder variables given (as --var-file would). */
async function pass(dir: string, opts: { mode: 'plan' | 'apply'; adopt?: boolean; vars: Record<string, string> }) {
  const env = emulatorEnv();
  const load = await loadManifests(dir, { defaultRegion: env.region, vars: new Map(Object.entries(opts.vars)) });
  expect(load.problems).toEqual([]);
  const gateways = new AwsGateways({ endpoint: env.endpoint, rateLimits: 'off' });
  try {
    const result = await runReconcilePass(load, {
      gateways,
      controllerId: 'default',
      defaultRegion: env.region,
      mode: opts.mode,
      prune: false,
      adopt: opts.adopt ?? false,
      keepRevisions: 5,
      now: () => new Date(),
    });
    return { ...result, calls: gateways.counter.byOperation(), mutatingCalls: gateways.counter.total(isMutatingOperation) };
  } finally {
    gateways.destroy();
  }
}

async function revisions(): Promise<string[]> {
  const r = await ecsClient().send(new ListTaskDefinitionsCommand({ status: 'ACTIVE' }));
  return (r.taskDefinitionArns ?? []).sort();
}

async function deployments(): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const [cluster, services] of [
    ['shop', ['storefront', 'checkout']],
    ['ops', ['storefront-canary']],
  ] as const) {
    const r = await ecsClient().send(new DescribeServicesCommand({ cluster, services: [...services] }));
    for (const s of r.services ?? []) out[`${cluster}/${s.serviceName}`] = (s.deployments ?? []).map((d) => `${d.id} ${d.status} ${d.taskDefinition}`);
  }
  return out;
}

const ALL = [
  'Cluster/us-east-1/ops',
  'Cluster/us-east-1/shop',
  'Service/us-east-1/ops/storefront-canary',
  'Service/us-east-1/shop/checkout',
  'Service/us-east-1/shop/storefront',
  'TaskDefinition/us-east-1/storefront',
];

describe('export of an estate built by hand, then adoption', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'ecs-reconciler-export-')), 'estate');
  let vars: Record<string, string> = {};
  let before: { revisions: string[]; deployments: Record<string, string[]> };

  it('exports every cluster, one file per service, and checks itself', async () => {
    await buildEstateByHand();
    before = { revisions: await revisions(), deployments: await deployments() };
    const r = await runCli(['export', '--all-clusters', '--out', out, '--endpoint', emulatorEnv().endpoint]);
    expect(r.stderr).toContain('✓ checked: all 6 resource(s)');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('STOREFRONT_API_TOKEN');
    expect(r.stdout).toContain('Service/us-east-1/shop/checkout: checkout:1 (newest: checkout:2)');
    for (const f of [
      'ops/cluster.yaml',
      'ops/storefront-canary.yaml',
      'shop/cluster.yaml',
      'shop/storefront.yaml',
      'shop/checkout.yaml',
      'task-definitions/storefront.yaml',
      'README.md',
      'variables.env.example',
    ]) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    // every document validates against the manifest schema
    for (const f of [
      'ops/cluster.yaml',
      'ops/storefront-canary.yaml',
      'shop/cluster.yaml',
      'shop/storefront.yaml',
      'shop/checkout.yaml',
      'task-definitions/storefront.yaml',
    ]) {
      for (const doc of parseAllDocuments(readFileSync(join(out, f), 'utf8'))) {
        const json = (doc as { toJS(): unknown }).toJS() as Record<string, unknown>;
        expect(ManifestSchema.safeParse(json).success, f).toBe(true);
      }
    }
  });

  it('writes what a person would have written: no server-filled defaults, sorted lists, tags as a map, no live secret', async () => {
    const svc = readFileSync(join(out, 'shop/storefront.yaml'), 'utf8');
    expect(svc).toMatch(/^# Exported by "ecs-reconciler export" at \d{4}-/);
    expect(svc).toContain(`from account ${ACCOUNT}, region us-east-1`);
    const td = readFileSync(join(out, 'task-definitions/storefront.yaml'), 'utf8');
    expect(td).not.toContain(LIVE_TOKEN);
    expect(td).toContain('value: "${STOREFRONT_API_TOKEN}"');
    expect(td).toContain('valueFrom: arn:aws:ssm:us-east-1:123456789012:parameter/shop/db-password');
    expect(td).toContain('value: "hello $${name}"'); // a literal ${ stays literal
    for (const dflt of [
      'essential: true',
      'protocol: tcp',
      'hostPort',
      'cpu: 0',
      'mountPoints',
      'revision',
      'status',
      'registeredAt',
      'compatibilities',
      'ecs-reconciler:',
    ]) {
      expect(td, dflt).not.toContain(dflt);
    }
    expect(td.indexOf('name: API_TOKEN')).toBeLessThan(td.indexOf('name: GREETING'));
    expect(td.indexOf('name: GREETING')).toBeLessThan(td.indexOf('name: NODE_ENV'));
    expect(svc).toContain('taskDefinition: storefront\n');
    expect(svc).toMatch(/tags:\n\s+team: shop\n\s+tier: front/);
    for (const dflt of ['assignPublicIp', 'maximumPercent', 'schedulingStrategy', 'propagateTags', 'enableExecuteCommand', 'platformVersion']) {
      expect(svc, dflt).not.toContain(dflt);
    }
    expect(svc).toContain('minimumHealthyPercent: 50');
    expect(svc).toMatch(/autoScaling:\n\s+minCapacity: 2\n\s+maxCapacity: 10\n\s+targetTracking:/);
    expect(svc).not.toContain('scaleInCooldown'); // 300 is the default
    const subnets = [emulatorVar('SUBNET_A'), emulatorVar('SUBNET_B')].sort();
    expect(svc).toContain(`subnets: [ ${subnets.join(', ')} ]`);
    const checkoutFile = readFileSync(join(out, 'shop/checkout.yaml'), 'utf8');
    expect(checkoutFile).toContain('taskDefinition: checkout:1');
    expect(checkoutFile).toContain('# Pinned: the service runs checkout:1');
    expect(checkoutFile).not.toContain('kind: TaskDefinition');
    const env = readFileSync(join(out, 'variables.env.example'), 'utf8');
    expect(env).toContain('STOREFRONT_API_TOKEN=\n');
    expect(env).not.toContain(LIVE_TOKEN);
    expect(readFileSync(join(out, 'README.md'), 'utf8')).toContain('STOREFRONT_API_TOKEN');
    vars = { STOREFRONT_API_TOKEN: LIVE_TOKEN };
  });

  it('plans every exported resource as conflict, and nothing else', async () => {
    const plan = await pass(out, { mode: 'plan', vars });
    expect(Object.keys(states(plan)).sort()).toEqual(ALL);
    expect(Object.values(states(plan)).every((s) => s === 'conflict')).toBe(true);
    expect(plan.plan.actions).toEqual([]);
  });

  it('apply --adopt takes everything over with ownership tags only', async () => {
    const adopted = await pass(out, { mode: 'apply', adopt: true, vars });
    expect(adopted.results.filter((r) => r.outcome !== 'applied')).toEqual([]);
    expect(adopted.results.map((r) => r.action.kind)).toEqual(Array(ALL.length).fill('tag-resource'));
    const mutating = Object.keys(adopted.calls).filter((op) => !/^(Describe|List|Get)/.test(op));
    expect(mutating).toEqual(['TagResource']);
    expect(adopted.calls.RegisterTaskDefinition ?? 0).toBe(0);
    expect(adopted.calls.UpdateService ?? 0).toBe(0);
    expect(await revisions()).toEqual(before.revisions); // zero extra revisions
    expect(await deployments()).toEqual(before.deployments); // zero redeployments
  });

  it('then plans all in-sync, and a second apply makes no call that changes anything', async () => {
    const plan = await pass(out, { mode: 'plan', vars });
    expect(plan.diffs.filter((d) => d.state !== 'in-sync').map((d) => ({ id: d.id, state: d.state, changes: d.changes }))).toEqual([]);
    expect(Object.keys(states(plan)).sort()).toEqual(ALL);
    const again = await pass(out, { mode: 'apply', vars });
    expect(again.mutatingCalls).toBe(0);
    // the same through the CLI, as a person runs it: no changes, exit 0 with --detailed-exitcode
    const cli = await runCli(['plan', out, '--var', `STOREFRONT_API_TOKEN=${LIVE_TOKEN}`, '--endpoint', emulatorEnv().endpoint, '--detailed-exitcode']);
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain('6 resource(s): 6 in-sync; 0 action(s) planned.');
    expect(await revisions()).toEqual(before.revisions);
    expect(await deployments()).toEqual(before.deployments);
  });

  it('the CLI refuses a folder that is not empty, and --tag filters services', async () => {
    const again = await runCli(['export', '--cluster', 'shop', '--out', out, '--endpoint', emulatorEnv().endpoint]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('not empty');
    const filtered = join(mkdtempSync(join(tmpdir(), 'ecs-reconciler-export-')), 'front');
    const r = await runCli(['export', '--cluster', 'shop', '--tag', 'tier=front', '--out', filtered, '--endpoint', emulatorEnv().endpoint]);
    expect(r.code).toBe(0);
    expect(existsSync(join(filtered, 'shop/storefront.yaml'))).toBe(true);
    expect(existsSync(join(filtered, 'shop/checkout.yaml'))).toBe(false);
    // one service runs the family now: its manifest goes in the service's file
    expect(readFileSync(join(filtered, 'shop/storefront.yaml'), 'utf8')).toContain('kind: TaskDefinition');
    const missing = await runCli(['export', '--cluster', 'nope', '--out', join(filtered, 'x'), '--endpoint', emulatorEnv().endpoint]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no such cluster in us-east-1: nope');
  });
});
