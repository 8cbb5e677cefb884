// `export`, the pure part: the engine's normalization run in reverse (live specs, as
// ECS describes them, to the minimal manifests a person would have written), secrets
// kept out, revisions pinned where naming the family would deploy, files laid out and
// rendered, and the export's own round-trip check.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { main } from '../src/cli/main.js';
import { canonicalJson } from '../src/diff/normalize.js';
import { projectLiveCluster, projectLiveService, projectLiveTaskDefinition } from '../src/diff/projection.js';
import {
  buildExport,
  clusterSpec,
  type ExportOptions,
  exportTexts,
  orderManifest,
  renderDocument,
  renderFile,
  replaceSensitiveValues,
  serviceSpec,
  taskDefinitionSpec,
  variableName,
  verifyExport,
} from '../src/export/index.js';
import { normalizeCluster } from '../src/kinds/cluster/normalize.js';
import { ManifestSchema } from '../src/kinds/registry.js';
import { normalizeService } from '../src/kinds/service/normalize.js';
import { normalizeScaling } from '../src/kinds/service/scaling-normalize.js';
import { scalingFromApi } from '../src/kinds/service/scaling-read.js';
import { normalizeTaskDefinition } from '../src/kinds/task-definition/normalize.js';
import { loadManifestTexts } from '../src/manifests/index.js';
import type { Json, LiveCluster, LiveEstate, LiveRevision, LiveService, LiveTaskDefinitionFamily } from '../src/model/live.js';
import { resourceId } from '../src/model/resource.js';

const REGION = 'eu-west-1';

function fixture(name: string): Json {
  return JSON.parse(readFileSync(new URL(`./fixtures/export/${name}`, import.meta.url), 'utf8')) as Json;
}

function tags(list: unknown): Record<string, string> {
  return Object.fromEntries((list as Array<{ key: string; value: string }>).map((t) => [t.key, t.value]));
}

function revision(td: Json, tagList: unknown = []): LiveRevision {
  const arn = String(td.taskDefinitionArn);
  const [family, rev] = arn.split('/').pop()!.split(':');
  return { arn, family: family!, revision: Number(rev), tags: tags(tagList), spec: projectLiveTaskDefinition(td) };
}

function withRevision(td: Json, n: number, change: (td: Json) => void = () => undefined): Json {
  const copy = structuredClone(td);
  copy.taskDefinitionArn = String(copy.taskDefinitionArn).replace(/:\d+$/, `:${n}`);
  copy.revision = n;
  change(copy);
  return copy;
}

const describedTd = fixture('describe-task-definition.json') as { taskDefinition: Json; tags: unknown };
const describedSvc = (fixture('describe-services.json').services as Json[])[0]!;
const describedCluster = (fixture('describe-clusters.json').clusters as Json[])[0]!;

const SCALING = scalingFromApi(
  {
    ServiceNamespace: 'ecs',
    ResourceId: 'service/payments/api',
    ScalableDimension: 'ecs:service:DesiredCount',
    MinCapacity: 2,
    MaxCapacity: 8,
    RoleARN: 'arn:aws:iam::123456789012:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService',
    CreationTime: new Date(0),
    SuspendedState: { DynamicScalingInSuspended: false, DynamicScalingOutSuspended: false, ScheduledScalingSuspended: false },
  },
  [
    {
      PolicyARN: 'arn:aws:autoscaling:eu-west-1:123456789012:scalingPolicy:x',
      PolicyName: 'cpu50',
      ServiceNamespace: 'ecs',
      ResourceId: 'service/payments/api',
      ScalableDimension: 'ecs:service:DesiredCount',
      PolicyType: 'TargetTrackingScaling',
      CreationTime: new Date(0),
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: 50,
        PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
        ScaleInCooldown: 300,
        ScaleOutCooldown: 300,
        DisableScaleIn: false,
      },
    },
  ],
  [],
);

function liveService(svc: Json, primary: LiveRevision, opts: { cluster?: string; scaling?: Json } = {}): LiveService {
  return {
    kind: 'Service',
    region: REGION,
    cluster: opts.cluster ?? 'payments',
    name: String(svc.serviceName),
    arn: String(svc.serviceArn),
    tags: tags(svc.tags ?? []),
    spec: projectLiveService(svc, { primaryTaskDefinitionArn: primary.arn }),
    status: String(svc.status),
    desiredCount: Number(svc.desiredCount),
    runningCount: 0,
    pendingCount: 0,
    deployments: [{ status: 'PRIMARY', taskDefinitionArn: primary.arn, desiredCount: 0, runningCount: 0, pendingCount: 0, failedTasks: 0 }],
    events: [],
    primaryRevision: primary,
    ...(opts.scaling ? { scaling: opts.scaling } : {}),
  };
}

function liveCluster(c: Json): LiveCluster {
  return {
    kind: 'Cluster',
    region: REGION,
    name: String(c.clusterName),
    arn: String(c.clusterArn),
    tags: tags(c.tags ?? []),
    spec: projectLiveCluster(c),
    runningTasksCount: 0,
    pendingTasksCount: 0,
    activeServicesCount: 0,
    capacityProviders: (c.capacityProviders as string[]) ?? [],
  };
}

function family(newest: LiveRevision, arns: string[] = [newest.arn]): LiveTaskDefinitionFamily {
  return { kind: 'TaskDefinition', region: REGION, name: newest.family, activeRevisionArns: arns, latest: newest };
}

function estate(clusters: LiveCluster[], services: LiveService[], families: LiveTaskDefinitionFamily[]): LiveEstate {
  return {
    clusters: new Map(clusters.map((c) => [resourceId(c), c])),
    services: new Map(services.map((s) => [resourceId(s), s])),
    families: new Map(families.map((f) => [resourceId(f), f])),
    byKind: new Map(),
    unreadable: new Map(),
  };
}

// The fixtures' api service and family come from a CloudFormation stack ("legacy"): exported here on purpose.
const OPTS: ExportOptions = {
  region: REGION,
  clusters: ['payments'],
  controllerId: 'default',
  exportedAt: '2025-06-01T12:00:00.000Z',
  adoptCloudFormation: true,
};

/** The fixture estate: cluster payments, service api running api:7, the family's newest. */
function fixtureEstate(): LiveEstate {
  const rev = revision(describedTd.taskDefinition, describedTd.tags);
  return estate([liveCluster(describedCluster)], [liveService(describedSvc, rev, { scaling: SCALING })], [family(rev)]);
}

// ---- reverse normalization, field by field ------------------------------------------------

describe('reverse normalization: a task definition', () => {
  const rev = revision(describedTd.taskDefinition, describedTd.tags);
  const spec = taskDefinitionSpec(rev);
  const web = (spec.containerDefinitions as Json[]).find((c) => c.name === 'app')!;
  const dd = (spec.containerDefinitions as Json[]).find((c) => c.name === 'datadog')!;

  it('drops read-only fields and the family', () => {
    for (const k of ['taskDefinitionArn', 'family', 'revision', 'status', 'compatibilities', 'requiresAttributes', 'registeredAt', 'registeredBy'])
      expect(spec).not.toHaveProperty(k);
  });

  it('drops what ECS fills in by itself: container cpu 0, essential true, hostPort = containerPort (awsvpc), protocol tcp, empty lists, health check defaults', () => {
    expect(web).not.toHaveProperty('cpu');
    expect(web).not.toHaveProperty('essential');
    expect(web.portMappings).toEqual([{ containerPort: 8080 }]);
    for (const k of ['mountPoints', 'volumesFrom', 'systemControls']) expect(web).not.toHaveProperty(k);
    expect(web.healthCheck).toEqual({ command: ['CMD-SHELL', 'curl -f http://localhost:8080/health || exit 1'] });
    expect(web.logConfiguration).not.toHaveProperty('secretOptions');
    expect(spec).not.toHaveProperty('volumes');
    expect(spec).not.toHaveProperty('placementConstraints');
  });

  it('keeps what differs from the defaults: essential false, memoryReservation, task cpu/memory as ECS strings', () => {
    expect(dd.essential).toBe(false);
    expect(dd.memoryReservation).toBe(128);
    expect(spec.cpu).toBe('512');
    expect(spec.memory).toBe('1024');
    expect(spec.networkMode).toBe('awsvpc');
  });

  it('sorts order-free lists: containers, environment and secrets by name', () => {
    expect((spec.containerDefinitions as Json[]).map((c) => c.name)).toEqual(['app', 'datadog']);
    expect((web.environment as Json[]).map((e) => e.name)).toEqual(['DB_PASSWORD', 'LOG_LEVEL', 'STRIPE_API_KEY', 'TEMPLATE']);
    expect((web.secrets as Json[]).map((e) => e.name)).toEqual(['DB_URL', 'SESSION_SECRET']);
  });

  it('keeps user tags as a map, without ecs-reconciler:* and aws:* tags', () => {
    expect(spec.tags).toEqual({ team: 'payments' });
  });

  it('writes a literal ${ as $${, so the loader reads it back literally', () => {
    expect((web.environment as Json[]).find((e) => e.name === 'TEMPLATE')!.value).toBe('Dear $${customer}');
  });

  it('normalizes back to exactly what the live revision normalizes to (the round trip)', () => {
    const back = structuredClone(spec);
    delete back.tags;
    const unescaped = JSON.parse(JSON.stringify(back).replaceAll('$${', '${')) as Json;
    expect(canonicalJson(normalizeTaskDefinition(unescaped))).toBe(canonicalJson(normalizeTaskDefinition(rev.spec!)));
  });
});

describe('reverse normalization: a service', () => {
  const rev = revision(describedTd.taskDefinition);
  const svc = liveService(describedSvc, rev, { scaling: SCALING });
  const spec = serviceSpec(svc, 'api');

  it('drops defaults: 200/100 percents, alarms off, assignPublicIp DISABLED, REPLICA, LATEST, NONE, ECS controller, the service-linked role, false opt-ins, base/weight 0', () => {
    expect(spec.deploymentConfiguration).toEqual({ deploymentCircuitBreaker: { enable: true, rollback: true } });
    expect(spec.networkConfiguration).toEqual({ awsvpcConfiguration: { subnets: ['subnet-0aaa', 'subnet-0bbb'], securityGroups: ['sg-0ccc'] } });
    for (const k of [
      'schedulingStrategy',
      'platformVersion',
      'propagateTags',
      'deploymentController',
      'role',
      'enableECSManagedTags',
      'enableExecuteCommand',
      'availabilityZoneRebalancing',
      'placementConstraints',
      'placementStrategy',
      'serviceRegistries',
    ]) {
      expect(spec, k).not.toHaveProperty(k);
    }
    expect(spec.capacityProviderStrategy).toEqual([
      { capacityProvider: 'FARGATE', weight: 1, base: 2 },
      { capacityProvider: 'FARGATE_SPOT', weight: 4 },
    ]);
  });

  it('drops read-only fields (status, counts, deployments, events, ARNs, createdAt)', () => {
    for (const k of [
      'status',
      'runningCount',
      'pendingCount',
      'deployments',
      'events',
      'serviceArn',
      'clusterArn',
      'createdAt',
      'createdBy',
      'platformFamily',
      'roleArn',
    ])
      expect(spec, k).not.toHaveProperty(k);
  });

  it('names the task definition as given, keeps desiredCount, load balancers, grace period, user tags', () => {
    expect(spec.taskDefinition).toBe('api');
    expect(spec.desiredCount).toBe(4);
    expect(spec.healthCheckGracePeriodSeconds).toBe(60);
    expect(spec.loadBalancers).toEqual([
      { containerName: 'app', containerPort: 8080, targetGroupArn: 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/api/0123456789abcdef' },
    ]);
    expect(spec.tags).toEqual({ team: 'payments' });
  });

  it('exports auto scaling in the manifest shape, without its defaults (300 s cooldowns, no suspension, scale-in on)', () => {
    expect(spec.autoScaling).toEqual({
      minCapacity: 2,
      maxCapacity: 8,
      targetTracking: [{ policyName: 'cpu50', predefinedMetricType: 'ECSServiceAverageCPUUtilization', targetValue: 50 }],
    });
    expect(normalizeScaling(spec.autoScaling)).toEqual(normalizeScaling(SCALING));
  });

  it('normalizes back to what the live service normalizes to', () => {
    const { taskDefinition: _td, autoScaling: _as, tags: _t, ...rest } = spec;
    const { taskDefinition: _ltd, ...live } = svc.spec;
    expect(canonicalJson(normalizeService(rest))).toBe(canonicalJson(normalizeService(live)));
  });

  it('leaves desiredCount out for a DAEMON service (the schema refuses it there)', () => {
    const daemon = liveService(
      {
        ...describedSvc,
        schedulingStrategy: 'DAEMON',
        capacityProviderStrategy: [],
        launchType: 'EC2',
        deploymentConfiguration: { maximumPercent: 100, minimumHealthyPercent: 0 },
      },
      rev,
    );
    const s = serviceSpec(daemon, 'api');
    expect(s).not.toHaveProperty('desiredCount');
    expect(s.schedulingStrategy).toBe('DAEMON');
    expect(s).not.toHaveProperty('deploymentConfiguration');
  });
});

describe('reverse normalization: a cluster', () => {
  it('drops containerInsights disabled and weight/base 0, sorts capacity providers, keeps tags as a map', () => {
    const spec = clusterSpec(liveCluster(describedCluster));
    expect(spec).toEqual({
      capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
      defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }],
      tags: { team: 'payments' },
    });
    const { tags: _t, ...rest } = spec;
    expect(normalizeCluster(rest)).toEqual(normalizeCluster(projectLiveCluster(describedCluster)));
  });
});

// ---- secrets ---------------------------------------------------------------------------

describe('secrets stay out of the export', () => {
  it('replaces sensitive environment values and log options with ${VAR}, names them per family, keeps valueFrom references', () => {
    const spec = taskDefinitionSpec(revision(describedTd.taskDefinition));
    const { placeholders, values } = replaceSensitiveValues([{ family: 'api', spec }]);
    const text = JSON.stringify(spec);
    for (const secret of ['sk_live_51HxYz', 'hunter2', 'other-value', 'dd-api-key-123']) expect(text).not.toContain(secret);
    expect(placeholders.map((p) => p.name)).toEqual(['API_APP_DB_PASSWORD', 'API_DATADOG_DB_PASSWORD', 'API_DATADOG_LOG_APIKEY', 'API_STRIPE_API_KEY']);
    expect(values.get('API_STRIPE_API_KEY')).toBe('sk_live_51HxYz');
    expect(values.get('API_APP_DB_PASSWORD')).toBe('hunter2');
    expect(values.get('API_DATADOG_DB_PASSWORD')).toBe('other-value');
    const app = (spec.containerDefinitions as Json[])[0]!;
    expect(app.environment).toContainEqual({ name: 'STRIPE_API_KEY', value: '${API_STRIPE_API_KEY}' });
    expect(app.environment).toContainEqual({ name: 'LOG_LEVEL', value: 'info' });
    expect(app.secrets).toContainEqual({ name: 'SESSION_SECRET', valueFrom: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:api/session-AbCdEf' });
    expect(placeholders.find((p) => p.name === 'API_DATADOG_LOG_APIKEY')!.usedBy).toEqual(['TaskDefinition api, container datadog, log option apikey']);
  });

  it('replaces secret-looking dockerLabels, FireLens options and command arguments with ${VAR} too', () => {
    const spec: Json = {
      containerDefinitions: [
        {
          name: 'app',
          dockerLabels: { 'com.example.db-password': 'label-pw-71', 'com.example.team': 'web' },
          firelensConfiguration: { type: 'fluentbit', options: { 'auth-token': 'fl-tok-72' } },
          command: ['serve', '--api-token=cmd-tok-73', '--db-password', 'cmd-pw-74', '--port', '8080'],
          entryPoint: ['/bin/app', '--signing-key', 'ep-key-75'],
        },
      ],
    };
    const { placeholders, values } = replaceSensitiveValues([{ family: 'api', spec }]);
    const text = JSON.stringify(spec);
    for (const secret of ['label-pw-71', 'fl-tok-72', 'cmd-tok-73', 'cmd-pw-74', 'ep-key-75']) expect(text).not.toContain(secret);
    const app = (spec.containerDefinitions as Json[])[0]!;
    expect(app.command).toEqual(['serve', '--api-token=${API_APP_ARG_API_TOKEN}', '--db-password', '${API_APP_ARG_DB_PASSWORD}', '--port', '8080']);
    expect(app.dockerLabels).toEqual({ 'com.example.db-password': '${API_APP_LABEL_COM_EXAMPLE_DB_PASSWORD}', 'com.example.team': 'web' });
    expect(values.get('API_APP_FIRELENS_AUTH_TOKEN')).toBe('fl-tok-72');
    expect(values.get('API_APP_ARG_SIGNING_KEY')).toBe('ep-key-75');
    expect(placeholders.find((p) => p.name === 'API_APP_ARG_API_TOKEN')!.usedBy).toEqual(['TaskDefinition api, container app, command argument api-token']);
  });

  it('shares one variable where one name holds one value across containers', () => {
    const spec = {
      containerDefinitions: [
        { name: 'a', environment: [{ name: 'TOKEN', value: 'x' }] },
        { name: 'b', environment: [{ name: 'TOKEN', value: 'x' }] },
      ],
    };
    const { placeholders } = replaceSensitiveValues([{ family: 'f', spec }]);
    expect(placeholders).toEqual([
      { name: 'F_TOKEN', usedBy: ['TaskDefinition f, container a, environment TOKEN', 'TaskDefinition f, container b, environment TOKEN'] },
    ]);
  });

  it('makes valid variable names of any family or variable name', () => {
    expect(variableName('my-app', 'db.password')).toBe('MY_APP_DB_PASSWORD');
    expect(variableName('1st', 'key')).toBe('_1ST_KEY');
  });
});

// ---- the whole export -------------------------------------------------------------------

describe('buildExport', () => {
  it('lays out one folder per cluster: cluster.yaml, and a file per service with its task definition', () => {
    const r = buildExport(fixtureEstate(), OPTS);
    expect(r.files.map((f) => [f.path, f.manifests.map((m) => m.id)])).toEqual([
      ['payments/cluster.yaml', ['Cluster/eu-west-1/payments']],
      ['payments/api.yaml', ['Service/eu-west-1/payments/api', 'TaskDefinition/eu-west-1/api']],
    ]);
    expect(r.problems).toEqual([]);
    expect(r.account).toBe('123456789012');
    expect(r.notes).toEqual(['TaskDefinition api is managed by controller "other": --adopt leaves it alone.']);
  });

  it('renders the expected file (keys in reading order, header, flow items, quoted placeholders)', () => {
    const r = buildExport(fixtureEstate(), OPTS);
    const expected = readFileSync(new URL('./fixtures/export/expected-api.yaml', import.meta.url), 'utf8');
    expect(renderFile(r.files[1]!)).toBe(expected);
  });

  it('every exported document validates against the manifest schema', () => {
    const r = buildExport(fixtureEstate(), OPTS);
    for (const f of r.files) {
      for (const doc of parseAllDocuments(renderFile(f))) {
        const parsed = ManifestSchema.safeParse(doc.toJS());
        expect(parsed.success, `${f.path}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
      }
    }
  });

  it('checks itself: loaded back and diffed with --adopt, every resource is in-sync', () => {
    const live = fixtureEstate();
    // a family managed by another controller stays a conflict even with --adopt: make it unmanaged here
    for (const f of live.families.values()) delete f.latest.tags['ecs-reconciler:managed-by'];
    const r = buildExport(live, OPTS);
    expect(verifyExport(r, live, { region: REGION, controllerId: 'default', adoptCloudFormation: true })).toEqual({
      inSync: ['Cluster/eu-west-1/payments', 'TaskDefinition/eu-west-1/api', 'Service/eu-west-1/payments/api'],
      failures: [],
    });
  });

  it('leaves out what a CloudFormation stack owns unless --adopt-cloudformation: a stack and the controller would fight over it', () => {
    const live = fixtureEstate();
    for (const f of live.families.values()) delete f.latest.tags['ecs-reconciler:managed-by'];
    const { adoptCloudFormation: _on, ...withoutFlag } = OPTS;
    const r = buildExport(live, withoutFlag);
    const ids = r.files.flatMap((f) => f.manifests.map((m) => m.id));
    expect(ids).toEqual(['Cluster/eu-west-1/payments']);
    expect(r.skipped).toEqual(
      expect.arrayContaining([
        { resource: 'Service/eu-west-1/payments/api', reason: expect.stringMatching(/CloudFormation stack "legacy".*--adopt-cloudformation exports it/) },
      ]),
    );
    // and the adoption check agrees: a stack's resource stays a conflict under --adopt alone
    const all = buildExport(live, OPTS);
    expect(verifyExport(all, live, { region: REGION, controllerId: 'default' }).failures).toEqual([
      expect.stringMatching(/^TaskDefinition\/eu-west-1\/api: conflict \(exists and is owned by the CloudFormation stack "legacy".*--adopt-cloudformation\)$/),
      expect.stringMatching(/^Service\/eu-west-1\/payments\/api: conflict/),
    ]);
  });

  it('the self-check reports a difference it cannot explain, field by field, with sensitive values masked', () => {
    const live = fixtureEstate();
    for (const f of live.families.values()) delete f.latest.tags['ecs-reconciler:managed-by'];
    const r = buildExport(live, OPTS);
    (r.files[1]!.manifests[0]!.doc.spec as Json).healthCheckGracePeriodSeconds = 90;
    r.secretValues.set('API_STRIPE_API_KEY', 'not-the-live-one');
    const check = verifyExport(r, live, { region: REGION, controllerId: 'default', adoptCloudFormation: true });
    expect(check.failures).toHaveLength(2);
    expect(check.failures[0]).toMatch(
      /^TaskDefinition\/eu-west-1\/api: pending \(containerDefinitions\[name=app\]\.environment\[name=STRIPE_API_KEY\]\.value: "redacted:hmac:[0-9a-f]{16}" → "redacted:hmac:[0-9a-f]{16}"\)$/,
    );
    // the service follows its task definition: a new revision would mean a deployment
    expect(check.failures[1]).toBe(
      'Service/eu-west-1/payments/api: pending (healthCheckGracePeriodSeconds: 60 → 90; taskDefinition: "api:7" → "api (a new revision)")',
    );
    expect(check.failures.join()).not.toContain('sk_live');
  });

  it('pins family:revision when the PRIMARY deployment runs an older revision with other content than the newest', () => {
    const old = revision(describedTd.taskDefinition);
    const newest = revision(withRevision(describedTd.taskDefinition, 8, (td) => ((td.containerDefinitions as Json[])[0]!.image = 'api:2.4.0')));
    const r = buildExport(estate([liveCluster(describedCluster)], [liveService(describedSvc, old)], [family(newest)]), OPTS);
    expect(r.pinned).toEqual([{ service: 'Service/eu-west-1/payments/api', runs: 'api:7', newest: 'api:8' }]);
    const file = r.files.find((f) => f.path === 'payments/api.yaml')!;
    expect(file.manifests.map((m) => m.kind)).toEqual(['Service']);
    const text = renderFile(file);
    expect(text).toContain("  # Pinned: the service runs api:7, but the family's newest ACTIVE revision is api:8, with other content.\n");
    expect(text).toContain('  taskDefinition: api:7\n');
    // and that plans in-sync: the engine compares a pinned reference by revision
    const check = verifyExport(r, estate([liveCluster(describedCluster)], [liveService(describedSvc, old)], [family(newest)]), {
      region: REGION,
      controllerId: 'default',
      adoptCloudFormation: true,
    });
    expect(check.failures).toEqual([]);
  });

  it('names the family when an older revision holds the newest content (no deployment either way)', () => {
    const old = revision(describedTd.taskDefinition);
    const newest = revision(withRevision(describedTd.taskDefinition, 9));
    const r = buildExport(estate([liveCluster(describedCluster)], [liveService(describedSvc, old)], [family(newest)]), OPTS);
    expect(r.pinned).toEqual([]);
    expect((r.files[1]!.manifests[0]!.doc.spec as Json).taskDefinition).toBe('api');
  });

  it('writes a family several services run once, to task-definitions/, and filters services by tag', () => {
    const rev = revision(describedTd.taskDefinition);
    const a = liveService(describedSvc, rev);
    const b = liveService(
      {
        ...describedSvc,
        serviceName: 'api-canary',
        serviceArn: 'arn:aws:ecs:eu-west-1:123456789012:service/payments/api-canary',
        tags: [{ key: 'tier', value: 'canary' }],
      },
      rev,
    );
    const live = estate([liveCluster(describedCluster)], [a, b], [family(rev)]);
    const r = buildExport(live, OPTS);
    expect(r.files.map((f) => f.path)).toEqual(['payments/cluster.yaml', 'payments/api.yaml', 'payments/api-canary.yaml', 'task-definitions/api.yaml']);
    expect(r.files[3]!.header[1]).toContain('run by payments/api, payments/api-canary');
    const only = buildExport(live, { ...OPTS, serviceTags: { tier: 'canary' } });
    expect(only.files.map((f) => f.path)).toEqual(['payments/cluster.yaml', 'payments/api-canary.yaml']);
    expect(only.files[1]!.manifests.map((m) => m.kind)).toEqual(['Service', 'TaskDefinition']);
  });

  it('--managed-only leaves out services no one gave this controller, and says why', () => {
    const r = buildExport(fixtureEstate(), { ...OPTS, managedOnly: true });
    expect(r.files.map((f) => f.path)).toEqual(['payments/cluster.yaml']);
    expect(r.skipped).toContainEqual({ resource: 'Service/eu-west-1/payments/api', reason: 'not managed by this controller (--managed-only)' });
  });

  it('says again in an annotation what the ecs-reconciler:prune tag remembers', () => {
    const live = fixtureEstate();
    for (const svc of live.services.values()) svc.tags = { ...svc.tags, 'ecs-reconciler:managed-by': 'default', 'ecs-reconciler:prune': 'false' };
    const r = buildExport(live, OPTS);
    expect((r.files[1]!.manifests[0]!.doc.metadata as Json).annotations).toEqual({ 'ecs-reconciler/prune': 'false' });
    expect(renderFile(r.files[1]!)).toContain('  annotations:\n    ecs-reconciler/prune: "false"\n');
    expect((r.files[0]!.manifests[0]!.doc.metadata as Json).annotations).toBeUndefined();
  });

  it('skips services that are not ACTIVE, and reports clusters it did not find', () => {
    const live = fixtureEstate();
    for (const s of live.services.values()) s.status = 'DRAINING';
    const r = buildExport(live, { ...OPTS, clusters: ['payments', 'gone'] });
    expect(r.files.map((f) => f.path)).toEqual(['payments/cluster.yaml']);
    expect(r.skipped).toEqual([
      { resource: 'Cluster/eu-west-1/gone', reason: 'not found' },
      { resource: 'Service/eu-west-1/payments/api', reason: 'status DRAINING' },
    ]);
  });

  it('writes README.md and variables.env.example: variable names and where they are used, never values', () => {
    const r = buildExport(fixtureEstate(), OPTS);
    const texts = exportTexts(r, { command: 'ecs-reconciler export', region: REGION, exportedAt: OPTS.exportedAt });
    expect([...texts.keys()]).toEqual(['payments/cluster.yaml', 'payments/api.yaml', 'README.md', 'variables.env.example']);
    const all = [...texts.values()].join('\n');
    for (const secret of ['sk_live_51HxYz', 'hunter2', 'other-value', 'dd-api-key-123']) expect(all).not.toContain(secret);
    expect(texts.get('variables.env.example')).toContain('# TaskDefinition api, container app, environment STRIPE_API_KEY\nAPI_STRIPE_API_KEY=\n');
    expect(texts.get('README.md')).toContain('- `API_STRIPE_API_KEY`: TaskDefinition api, container app, environment STRIPE_API_KEY');
    expect(texts.get('README.md')).toContain('apply DIR --adopt --var-file variables.env');
  });

  it('the rendered files load with the manifests loader, placeholders given', () => {
    const r = buildExport(fixtureEstate(), OPTS);
    const load = loadManifestTexts(
      r.files.map((f) => ({ file: f.path, text: renderFile(f) })),
      { defaultRegion: 'us-east-1', vars: r.secretValues },
    );
    expect(load.problems).toEqual([]);
    const td = load.resources.find((x) => x.kind === 'TaskDefinition')!;
    expect(td.region).toBe(REGION); // the region is in the file, whatever --region says later
    const app = (td.spec.containerDefinitions as Json[]).find((c) => c.name === 'app')!;
    expect(app.environment).toContainEqual({ name: 'TEMPLATE', value: 'Dear ${customer}' });
    expect(app.environment).toContainEqual({ name: 'STRIPE_API_KEY', value: 'sk_live_51HxYz' });
  });
});

describe('rendering', () => {
  it('orders keys as people read them: apiVersion, kind, metadata, spec; fields that say what it is first; tags last', () => {
    const doc = orderManifest('Service', {
      spec: {
        tags: { b: '1', a: '2' },
        zeta: 1,
        desiredCount: 2,
        taskDefinition: 'web',
        capacityProviderStrategy: [{ weight: 1, capacityProvider: 'FARGATE' }],
      },
      metadata: { region: REGION, cluster: 'prod', name: 'web' },
      kind: 'Service',
      apiVersion: 'ecs-reconciler/v1',
    });
    expect(Object.keys(doc)).toEqual(['apiVersion', 'kind', 'metadata', 'spec']);
    expect(Object.keys(doc.metadata as Json)).toEqual(['name', 'cluster', 'region']);
    expect(Object.keys(doc.spec as Json)).toEqual(['taskDefinition', 'desiredCount', 'capacityProviderStrategy', 'zeta', 'tags']);
    expect(Object.keys((doc.spec as Json).tags as Json)).toEqual(['a', 'b']);
    expect(Object.keys(((doc.spec as Json).capacityProviderStrategy as Json[])[0]!)).toEqual(['capacityProvider', 'weight']);
  });

  it("quotes whole placeholders (a bare one would take the variable's type) and strings YAML would read as other types", () => {
    const text = renderDocument({ a: '${X}', b: '512', c: 'true', d: 'x ${Y} y', e: ['${Z}'] });
    expect(text).toBe('a: "${X}"\nb: "512"\nc: "true"\nd: x ${Y} y\ne: [ "${Z}" ]\n');
  });

  it('never folds long strings', () => {
    const long = 'x'.repeat(300);
    expect(renderDocument({ command: [`echo ${long} and more words here`] })).not.toMatch(/\n\s+x/);
  });
});

describe('the export command line', () => {
  async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const code = await main(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t), env: { AWS_REGION: REGION }, cwd: process.cwd() });
    return { code, out, err };
  }

  it('teaches itself with --help and is listed in the main help', async () => {
    const help = await run(['export', '--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('Usage: ecs-reconciler export (--cluster NAME... | --all-clusters) --out DIR');
    expect((await run(['--help'])).out).toMatch(/\n {2}export +write manifests for live/);
  });

  it('refuses incomplete or contradictory flags before any AWS call', async () => {
    expect((await run(['export', '--out', 'x'])).err).toContain('name the clusters to export');
    expect((await run(['export', '--cluster', 'a', '--all-clusters', '--out', 'x'])).err).toContain('exclude each other');
    expect((await run(['export', '--cluster', 'a'])).err).toContain('--out DIR is required');
    const bad = await run(['export', '--cluster', 'a', '--out', 'x', '--tag', 'novalue']);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('--tag must be K=V; got "novalue"');
  });
});
