// `export` as a whole, byte for byte: every file's text (manifests, README.md,
// variables.env.example) and every list of the result (skipped, notes, pinned,
// placeholders, problems) for an estate that exercises each relation between kinds
// (clusters and the capacity providers they share; services and the families they run:
// their own, shared by several, pinned to an older revision, deregistered, another
// controller's, a CloudFormation stack's) under each selection (--managed-only, --tag,
// --adopt-cloudformation). The golden file was written by buildExport as it stood before
// export walked the registry of kinds (build.ts naming each kind); the walk must write it
// again unchanged.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { projectLiveCluster, projectLiveService, projectLiveTaskDefinition } from '../src/diff/projection.js';
import { buildExport, type ExportOptions, exportTexts, renderFile } from '../src/export/index.js';
import { loadManifestTexts } from '../src/manifests/load.js';
import type { Json, LiveCapacityProvider, LiveCluster, LiveEstate, LiveRevision, LiveService, LiveTaskDefinitionFamily } from '../src/model/live.js';
import { resourceId } from '../src/model/resource.js';

const REGION = 'eu-west-1';
const ACCOUNT = '123456789012';
const STACK = { 'aws:cloudformation:stack-name': 'legacy', 'aws:cloudformation:logical-id': 'X' };
const OURS = { 'ecs-reconciler:managed-by': 'default' };

function fixture(name: string): Json {
  return JSON.parse(readFileSync(new URL(`./fixtures/export/${name}`, import.meta.url), 'utf8')) as Json;
}
const describedTd = (fixture('describe-task-definition.json') as { taskDefinition: Json }).taskDefinition;
const describedSvc = (fixture('describe-services.json').services as Json[])[0]!;
const describedCluster = (fixture('describe-clusters.json').clusters as Json[])[0]!;

/** A revision of the fixture's task definition under another family and number; `image` changes its content. */
function revision(family: string, n: number, opts: { image?: string; tags?: Record<string, string> } = {}): LiveRevision {
  const td = structuredClone(describedTd);
  td.family = family;
  td.revision = n;
  td.taskDefinitionArn = `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${family}:${n}`;
  if (opts.image) (td.containerDefinitions as Json[])[0]!.image = opts.image;
  return { arn: String(td.taskDefinitionArn), family, revision: n, tags: { team: family, ...opts.tags }, spec: projectLiveTaskDefinition(td) };
}

function family(latest: LiveRevision, latestManaged?: LiveRevision): LiveTaskDefinitionFamily {
  return {
    kind: 'TaskDefinition',
    region: REGION,
    name: latest.family,
    activeRevisionArns: [latest.arn],
    latest,
    ...(latestManaged ? { latestManaged } : {}),
  };
}

function cluster(name: string, opts: { providers?: string[]; strategy?: string[]; tags?: Record<string, string> } = {}): LiveCluster {
  const c = structuredClone(describedCluster);
  c.clusterName = name;
  c.clusterArn = `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/${name}`;
  c.capacityProviders = ['FARGATE', ...(opts.providers ?? [])];
  c.defaultCapacityProviderStrategy = (opts.strategy ?? ['FARGATE']).map((p) => ({ capacityProvider: p, weight: 1, base: 0 }));
  return {
    kind: 'Cluster',
    region: REGION,
    name,
    arn: String(c.clusterArn),
    tags: { team: name, ...opts.tags },
    spec: projectLiveCluster(c),
    runningTasksCount: 0,
    pendingTasksCount: 0,
    activeServicesCount: 0,
    capacityProviders: c.capacityProviders as string[],
  };
}

function provider(name: string, tags: Record<string, string> = {}): LiveCapacityProvider {
  return {
    kind: 'CapacityProvider',
    region: REGION,
    name,
    arn: `arn:aws:ecs:${REGION}:${ACCOUNT}:capacity-provider/${name}`,
    tags: { team: 'infra', ...tags },
    spec: {
      autoScalingGroupProvider: {
        autoScalingGroupArn: `arn:aws:autoscaling:${REGION}:${ACCOUNT}:autoScalingGroup:0:autoScalingGroupName/${name}`,
        managedScaling: { status: 'ENABLED', targetCapacity: 80, minimumScalingStepSize: 1, maximumScalingStepSize: 10000, instanceWarmupPeriod: 300 },
        managedTerminationProtection: 'DISABLED',
      },
    },
    status: 'ACTIVE',
  };
}

function service(
  clusterName: string,
  name: string,
  primary: LiveRevision | undefined,
  opts: { tags?: Record<string, string>; status?: string; daemon?: boolean; desiredCount?: number } = {},
): LiveService {
  const svc = structuredClone(describedSvc);
  svc.serviceName = name;
  svc.serviceArn = `arn:aws:ecs:${REGION}:${ACCOUNT}:service/${clusterName}/${name}`;
  svc.clusterArn = `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/${clusterName}`;
  if (opts.desiredCount !== undefined) svc.desiredCount = opts.desiredCount;
  if (opts.daemon) {
    Object.assign(svc, {
      schedulingStrategy: 'DAEMON',
      capacityProviderStrategy: [],
      launchType: 'EC2',
      deploymentConfiguration: { maximumPercent: 100, minimumHealthyPercent: 0 },
    });
  }
  return {
    kind: 'Service',
    region: REGION,
    cluster: clusterName,
    name,
    arn: String(svc.serviceArn),
    tags: { team: clusterName, ...opts.tags },
    spec: projectLiveService(svc, primary ? { primaryTaskDefinitionArn: primary.arn } : {}),
    status: opts.status ?? 'ACTIVE',
    desiredCount: Number(svc.desiredCount),
    runningCount: 0,
    pendingCount: 0,
    deployments: primary ? [{ status: 'PRIMARY', taskDefinitionArn: primary.arn, desiredCount: 0, runningCount: 0, pendingCount: 0, failedTasks: 0 }] : [],
    events: [],
    ...(primary ? { primaryRevision: primary } : {}),
  };
}

/**
 * payments and batch share the EC2 provider shared-ec2 (batch has batch-ec2 too, another
 * controller's, and stack-ec2, a stack's); ops is another controller's; legacy is a stack's.
 * Families: api (payments/api's own), web (shared by payments/web and batch/web-worker),
 * checkout (moved on: payments/checkout pinned), same (an older revision of the newest
 * content), gone (deregistered), stack (a stack's family), daemon (another controller's,
 * run by a DAEMON service).
 */
function wideEstate(): LiveEstate {
  const api = revision('api', 7, { tags: OURS });
  const web = revision('web', 3);
  const checkoutOld = revision('checkout', 1);
  const checkoutNew = revision('checkout', 2, { image: 'checkout:2' });
  const sameOld = revision('same', 1);
  const sameNew = revision('same', 2);
  const gone = revision('gone', 4);
  const stackTd = revision('stack', 5, { tags: STACK });
  const daemonTd = revision('daemon', 2, { tags: { 'ecs-reconciler:managed-by': 'team-b' } });
  const managedOld = revision('managed', 1, { tags: { ...OURS, 'ecs-reconciler:prune': 'false' } });
  const managedNew = revision('managed', 2);
  const clusters = [
    cluster('payments', { providers: ['shared-ec2'], strategy: ['shared-ec2', 'FARGATE'], tags: OURS }),
    cluster('batch', { providers: ['shared-ec2', 'batch-ec2', 'stack-ec2'] }),
    cluster('ops', { tags: { 'ecs-reconciler:managed-by': 'team-b', 'ecs-reconciler:prune': 'false' } }),
    cluster('legacy', { tags: STACK }),
  ];
  const services = [
    service('payments', 'web', web, { tags: { tier: 'front', ...OURS } }),
    service('payments', 'api', api, { tags: { tier: 'front', ...OURS, 'ecs-reconciler:prune': 'false' } }),
    service('payments', 'checkout', checkoutOld, { desiredCount: 1 }),
    service('payments', 'same', sameOld),
    service('payments', 'gone', gone),
    service('payments', 'draining', web, { status: 'DRAINING' }),
    service('payments', 'nodeploy', undefined),
    service('payments', 'cluster', managedNew, { tags: OURS }),
    service('payments', 'stacksvc', web, { tags: STACK }),
    service('payments', 'usesstack', stackTd),
    service('batch', 'web-worker', web, { tags: { tier: 'back' } }),
    service('batch', 'daemon', daemonTd, { daemon: true }),
    service('ops', 'theirs', web, { tags: { 'ecs-reconciler:managed-by': 'team-b' } }),
    service('legacy', 'old', web),
  ];
  const families = [family(api), family(web), family(checkoutNew), family(sameNew), family(stackTd), family(daemonTd), family(managedNew, managedOld)];
  const estate: LiveEstate = {
    clusters: new Map(clusters.map((c) => [resourceId(c), c])),
    services: new Map(services.map((s) => [resourceId(s), s])),
    families: new Map(families.map((f) => [resourceId(f), f])),
    byKind: new Map(),
    unreadable: new Map(),
  };
  const providers = [
    provider('shared-ec2'),
    provider('batch-ec2', { 'ecs-reconciler:managed-by': 'team-b' }),
    provider('stack-ec2', STACK),
    provider('unused-ec2'),
  ];
  estate.byKind.set('CapacityProvider', new Map(providers.map((p) => [resourceId(p), p])));
  return estate;
}

const BASE: ExportOptions = {
  region: REGION,
  clusters: ['payments', 'batch', 'ops', 'legacy', 'nowhere'],
  controllerId: 'default',
  exportedAt: '2025-06-01T12:00:00.000Z',
  endpoint: 'http://127.0.0.1:5000',
};

const SELECTIONS: Array<[string, ExportOptions]> = [
  ['every cluster', BASE],
  ['--adopt-cloudformation', { ...BASE, adoptCloudFormation: true }],
  ['--managed-only', { ...BASE, managedOnly: true }],
  ['--tag tier=front', { ...BASE, serviceTags: { tier: 'front' } }],
  ['--cluster batch', { ...BASE, clusters: ['batch'] }],
];

/** Everything an export writes or says, as one text. */
function exportedText(title: string, opts: ExportOptions): string {
  const r = buildExport(wideEstate(), opts);
  const texts = exportTexts(r, { command: 'ecs-reconciler export', region: REGION, exportedAt: opts.exportedAt });
  const out = [`######## ${title}`];
  for (const [path, text] of texts) out.push(`==== ${path}`, text);
  out.push(
    '==== result',
    JSON.stringify(
      {
        manifests: r.files.map((f) => [f.path, f.manifests.map((m) => `${m.kind} ${m.id}`)]),
        skipped: r.skipped,
        notes: r.notes,
        pinned: r.pinned,
        placeholders: r.placeholders,
        secretValues: [...r.secretValues.keys()],
        problems: r.problems,
        account: r.account,
      },
      null,
      2,
    ),
  );
  return `${out.join('\n')}\n`;
}

describe('export, byte for byte', () => {
  it('writes the golden files, notes and skipped reasons under every selection', () => {
    const text = SELECTIONS.map(([title, opts]) => exportedText(title, opts)).join('\n');
    const golden = readFileSync(new URL('./fixtures/export/golden-wide-estate.txt', import.meta.url), 'utf8');
    expect(text).toBe(golden);
  });
});

describe('export, capacity providers', () => {
  const notOurs = 'not managed by this controller (--managed-only); the cluster names it as a provider made elsewhere';

  it('under --managed-only writes no provider this controller does not manage; the cluster still names it, and the export loads', () => {
    const r = buildExport(wideEstate(), { ...BASE, managedOnly: true });
    expect(r.skipped).toContainEqual({ resource: 'CapacityProvider/eu-west-1/shared-ec2', reason: notOurs });
    expect(r.skipped).toContainEqual({ resource: 'CapacityProvider/eu-west-1/batch-ec2', reason: notOurs });
    const batch = r.files.find((f) => f.path === 'batch/cluster.yaml')!;
    expect(batch.manifests.map((m) => m.kind)).toEqual(['Cluster']);
    expect((batch.manifests[0]!.doc.spec as Json).capacityProviders).toEqual(['FARGATE', 'batch-ec2', 'shared-ec2', 'stack-ec2']);
    const load = loadManifestTexts(
      r.files.map((f) => ({ file: f.path, text: renderFile(f) })),
      { defaultRegion: REGION, vars: r.secretValues },
    );
    expect(load.problems).toEqual([]);
    expect(load.resources.filter((x) => x.kind === 'CapacityProvider')).toEqual([]);
  });

  it("writes no CloudFormation stack's provider without --adopt-cloudformation, and says whose another controller's is", () => {
    const r = buildExport(wideEstate(), BASE);
    expect(r.skipped).toContainEqual({
      resource: 'CapacityProvider/eu-west-1/stack-ec2',
      reason:
        'owned by the CloudFormation stack "legacy" (aws:cloudformation:* tags): not exported, so not adopted; --adopt-cloudformation exports it; the cluster names it as a provider made elsewhere',
    });
    const batch = r.files.find((f) => f.path === 'batch/cluster.yaml')!;
    expect(batch.manifests.map((m) => `${m.kind} ${m.id}`)).toEqual([
      'CapacityProvider CapacityProvider/eu-west-1/batch-ec2',
      'CapacityProvider CapacityProvider/eu-west-1/shared-ec2',
      'Cluster Cluster/eu-west-1/batch',
    ]);
    expect(r.notes).toContain('CapacityProvider batch-ec2 is managed by controller "team-b": --adopt leaves it alone.');
    const adopting = buildExport(wideEstate(), { ...BASE, adoptCloudFormation: true });
    expect(adopting.files.find((f) => f.path === 'batch/cluster.yaml')!.manifests.map((m) => m.id)).toContain('CapacityProvider/eu-west-1/stack-ec2');
  });
});
