// Crash safety: for each kind of mutating call, the daemon is SIGKILLed right after the
// emulator did the n-th call of that kind (the proxy holds the answer back until the
// process is dead, so the controller never learns the call succeeded), then restarted.
// It must converge with nothing duplicated and nothing unmanaged touched.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeClustersCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DaemonProcess, isPass, type LogLine, startDaemon } from './daemon-helpers.js';
import { emulatorEnv, emulatorVar, resetEmulator } from './emulator-helpers.js';
import { type FaultProxy, inventory, startFaultProxy } from './fault-proxy.js';
import { ecsClient, reconcile, scratchManifests, states } from './reconcile-helpers.js';

const FAMILIES = ['web', 'api', 'cache', 'worker', 'legacy-task'];
const FULL_SERVICES = { batch: ['worker'], legacy: ['legacy-svc'], prod: ['api', 'cache', 'web'] };
const ONE_EACH = { web: 1, api: 1, cache: 1, worker: 1, 'legacy-task': 1 };

let proxy: FaultProxy;
const figures = { kills: 0, restarts: 0, scenarios: 0 };

beforeAll(async () => {
  proxy = await startFaultProxy({ target: emulatorEnv().endpoint, seed: 7 });
});
afterAll(async () => {
  await proxy?.close();
  console.log(`[crash] ${figures.scenarios} scenario(s), ${figures.kills} SIGKILL(s), ${figures.restarts} restart(s)`);
});

/** One unmanaged cluster, task definition family and service, made by hand. */
async function makeUnmanaged(): Promise<void> {
  const ecs = ecsClient();
  await ecs.send(new CreateClusterCommand({ clusterName: 'legacy', tags: [{ key: 'owner', value: 'someone-else' }] }));
  await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'legacy-task',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      containerDefinitions: [{ name: 'app', image: 'busybox:1', essential: true }],
      tags: [{ key: 'owner', value: 'someone-else' }],
    }),
  );
  await ecs.send(
    new CreateServiceCommand({
      cluster: 'legacy',
      serviceName: 'legacy-svc',
      taskDefinition: 'legacy-task',
      desiredCount: 2,
      launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets: [emulatorVar('SUBNET_A')], securityGroups: [emulatorVar('SECURITY_GROUP')] } },
      tags: [{ key: 'owner', value: 'someone-else' }],
    }),
  );
}

/** What a change to the unmanaged resources would show. */
async function unmanagedSnapshot(): Promise<unknown> {
  const ecs = ecsClient();
  const c = (await ecs.send(new DescribeClustersCommand({ clusters: ['legacy'], include: ['TAGS', 'SETTINGS'] }))).clusters?.[0];
  const s = (await ecs.send(new DescribeServicesCommand({ cluster: 'legacy', services: ['legacy-svc'], include: ['TAGS'] }))).services?.[0];
  const revs = (await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: 'legacy-task', status: 'ACTIVE' }))).taskDefinitionArns ?? [];
  const td = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'legacy-task', include: ['TAGS'] }));
  return {
    cluster: { status: c?.status, tags: c?.tags, settings: c?.settings, capacityProviders: c?.capacityProviders },
    service: {
      status: s?.status,
      taskDefinition: s?.taskDefinition,
      desiredCount: s?.desiredCount,
      launchType: s?.launchType,
      tags: s?.tags,
      networkConfiguration: s?.networkConfiguration,
    },
    revisions: revs,
    taskDefinition: { revision: td.taskDefinition?.revision, containers: td.taskDefinition?.containerDefinitions, tags: td.tags },
  };
}

const cleanPass = (l: LogLine) => {
  if (!isPass(l) || l.actionsApplied !== 0 || l.actionsFailed !== 0 || l.loadComplete !== true) return false;
  const byState = l.states as Record<string, number>;
  return Object.entries(byState).every(([k, v]) => (k === 'in-sync' ? v > 0 : v === 0));
};

interface Scenario {
  name: string;
  op: string;
  n: number;
  /** start from the converged estate and change the manifests this way (else: from empty) */
  edit?: (dir: string) => void;
  prune?: boolean;
  services?: Record<string, string[]>;
  revisions?: Record<string, number>;
}

function replaceIn(dir: string, file: string, from: string, to: string): void {
  const p = join(dir, file);
  const text = readFileSync(p, 'utf8');
  if (!text.includes(from)) throw new Error(`${file} has no ${from}`);
  writeFileSync(p, text.replace(from, to));
}

const SCENARIOS: Scenario[] = [
  { name: 'from empty', op: 'CreateCluster', n: 1 },
  { name: 'from empty', op: 'CreateCluster', n: 2 },
  { name: 'from empty', op: 'RegisterTaskDefinition', n: 2 },
  { name: 'from empty', op: 'CreateService', n: 1 },
  { name: 'from empty', op: 'CreateService', n: 3 },
  { name: 'from empty', op: 'RegisterScalableTarget', n: 1 },
  {
    name: 'new image',
    op: 'RegisterTaskDefinition',
    n: 1,
    edit: (d) => replaceIn(d, 'web/web.yaml', '${WEB_IMAGE_TAG:=1.27}', '1.31'),
    revisions: { ...ONE_EACH, web: 2 },
  },
  {
    name: 'new image',
    op: 'UpdateService',
    n: 1,
    edit: (d) => replaceIn(d, 'web/web.yaml', '${WEB_IMAGE_TAG:=1.27}', '1.31'),
    revisions: { ...ONE_EACH, web: 2 },
  },
  { name: 'desiredCount', op: 'UpdateService', n: 1, edit: (d) => replaceIn(d, 'api/api.yaml', 'desiredCount: 3', 'desiredCount: 4') },
  {
    name: 'cluster tags',
    op: 'TagResource',
    n: 1,
    edit: (d) => replaceIn(d, 'clusters/clusters.yaml', 'tags: { team: web, env: prod }', 'tags: { team: web2 }'),
  },
  {
    name: 'cluster tags',
    op: 'UntagResource',
    n: 1,
    edit: (d) => replaceIn(d, 'clusters/clusters.yaml', 'tags: { team: web, env: prod }', 'tags: { team: web2 }'),
  },
  { name: 'cluster settings', op: 'UpdateCluster', n: 1, edit: (d) => replaceIn(d, 'clusters/clusters.yaml', 'value: enabled', 'value: disabled') },
  {
    name: 'capacity providers',
    op: 'PutClusterCapacityProviders',
    n: 1,
    edit: (d) => replaceIn(d, 'clusters/clusters.yaml', '{ capacityProvider: FARGATE_SPOT, weight: 4 }', '{ capacityProvider: FARGATE_SPOT, weight: 2 }'),
  },
  {
    name: 'prune api',
    op: 'DeleteService',
    n: 1,
    prune: true,
    edit: (d) => rmSync(join(d, 'api'), { recursive: true }),
    services: { batch: ['worker'], legacy: ['legacy-svc'], prod: ['cache', 'web'] },
    revisions: { ...ONE_EACH, api: 0 },
  },
  {
    name: 'prune api',
    op: 'DeregisterTaskDefinition',
    n: 1,
    prune: true,
    edit: (d) => rmSync(join(d, 'api'), { recursive: true }),
    services: { batch: ['worker'], legacy: ['legacy-svc'], prod: ['cache', 'web'] },
    revisions: { ...ONE_EACH, api: 0 },
  },
];

async function runScenario(sc: Scenario): Promise<string> {
  await resetEmulator();
  await makeUnmanaged();
  const before = await unmanagedSnapshot();
  const dir = scratchManifests();
  if (sc.edit) {
    const first = await reconcile(dir, { mode: 'apply' });
    expect(first.results.filter((r) => r.outcome !== 'applied')).toEqual([]);
    sc.edit(dir);
  }
  proxy.resetCounts();
  // pruning outside a git checkout needs an explicit controller id (two estates on the default id must not prune each other)
  const flags = ['--interval', '1s', ...(sc.prune ? ['--prune', '--controller-id', 'default'] : [])];
  let killedAt = '';
  const first: DaemonProcess = startDaemon(dir, ['--endpoint', proxy.url, ...flags]);
  const killed = new Promise<void>((resolve) => {
    proxy.onResponse = async (op, n) => {
      if (op !== sc.op || n !== sc.n || killedAt) return;
      killedAt = `${op} #${n}`;
      first.child.kill('SIGKILL');
      await first.exited;
      figures.kills++;
      resolve();
    };
  });
  try {
    await Promise.race([
      killed,
      new Promise((_, reject) =>
        setTimeout(
          () =>
            reject(
              new Error(
                `${sc.op} #${sc.n} never happened; requests ${JSON.stringify(proxy.requests)}, forwarded ${JSON.stringify(proxy.forwarded)}; the daemon said:\n${first.lines
                  .slice(-8)
                  .map((l) => JSON.stringify(l).slice(0, 400))
                  .join('\n')}\n${first.stderr.join('').slice(0, 2000)}`,
              ),
            ),
          30_000,
        ),
      ),
    ]);
  } finally {
    proxy.onResponse = undefined;
    if (first.child.exitCode === null && first.child.signalCode === null) await first.stop('SIGKILL');
  }
  expect(first.child.signalCode).toBe('SIGKILL');

  // Restart (straight to the emulator) and wait for a clean pass.
  const second = startDaemon(dir, flags);
  figures.restarts++;
  const started = performance.now();
  try {
    await second.waitFor(cleanPass, 40_000, 'a clean pass after the restart');
  } finally {
    expect(await second.stop()).toBe(0);
  }
  const ms = Math.round(performance.now() - started);
  const redone = second.lines.filter((l) => l.outcome === 'applied').map((l) => `${l.action} ${String(l.resource).replace('us-east-1/', '')}`);

  const check = await reconcile(dir, { ...(sc.prune ? { prune: true } : {}) });
  expect(Object.values(states(check)).every((s) => s === 'in-sync')).toBe(true);
  expect(check.plan.actions).toEqual([]);
  const inv = await inventory(ecsClient(), FAMILIES);
  expect(inv.services).toEqual(sc.services ?? FULL_SERVICES);
  expect(Object.fromEntries(Object.entries(inv.revisions).map(([k, v]) => [k, v.length]))).toEqual(sc.revisions ?? ONE_EACH);
  expect(await unmanagedSnapshot()).toEqual(before);
  figures.scenarios++;
  return `killed after ${killedAt}; restart converged in ${ms} ms redoing [${redone.join(', ')}]`;
}

describe('SIGKILL right after the n-th mutating call of each kind, then restart', () => {
  for (const sc of SCENARIOS) {
    it(`${sc.name}: ${sc.op} #${sc.n}`, async () => {
      const summary = await runScenario(sc);
      console.log(`[crash] ${sc.name}: ${summary}`);
    }, 60_000);
  }
});
