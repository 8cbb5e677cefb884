// Issue 12 ("Never fight ECS"), classes 1-9: each on the shape ECS documents or answers,
// through the loader and the diff as a pass would take it. The emulator side of each is in
// test/integration/ecs-shapes.test.ts and test/integration/emulator.test.ts.

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { normalizeWith } from '../src/diff/normalize.js';
import { normalizeTaskDefinition } from '../src/kinds/task-definition/normalize.js';
import { TaskCpuSchema, TaskMemorySchema } from '../src/kinds/task-definition/schema.js';
import { parseManifestText } from '../src/manifests/index.js';
import { formatProblem } from '../src/model/problem.js';
import { readTaskSize } from '../src/model/task-size.js';
import { dropUnsetValues } from '../src/model/unset-values.js';
import {
  ACCOUNT,
  byId,
  CLUSTER_ID,
  clusterSpec,
  desired,
  diff,
  estate,
  family,
  hashes,
  liveCluster,
  liveClusterSpec,
  liveService,
  liveServiceSpec,
  liveTdSpec,
  managedTags,
  REGION,
  revision,
  SVC_ID,
  serviceSpec,
  TD_ID,
  tdSpec,
} from './engine-fixtures.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'ecs-shapes');
const ctx = { vars: new Map<string, string>(), defaultRegion: REGION };
const parseFixture = (name: string) => parseManifestText(name, readFileSync(join(fixtures, name), 'utf8'), ctx);
const parseText = (file: string, text: string) => parseManifestText(file, text, ctx);

type Json = Record<string, unknown>;

/** The small estate of engine-fixtures with the service and cluster given, applied by this controller. */
function applied(opts: { svc: Json; liveSvc: Json; cluster?: Json; liveClusterExtra?: Json; td?: Json; liveTd?: Json }) {
  const c = desired('Cluster', 'prod', opts.cluster ?? clusterSpec());
  const t = desired('TaskDefinition', 'app', opts.td ?? tdSpec());
  const s = desired('Service', 'web', opts.svc);
  const h = hashes([c, t, s]);
  const rev5 = revision('app', 5, opts.liveTd ?? liveTdSpec(), managedTags(h[TD_ID]));
  const live = estate({
    clusters: [liveCluster('prod', { ...liveClusterSpec(), ...opts.liveClusterExtra }, managedTags(h[CLUSTER_ID], { team: 'web' }))],
    families: [family([rev5])],
    services: [liveService({ name: 'web', spec: liveServiceSpec(opts.liveSvc), tags: managedTags(h[SVC_ID]), primary: rev5 })],
  });
  return diff([c, t, s], live);
}

function withoutLaunchType(extra: Json = {}): Json {
  const { launchType: _l, ...rest } = serviceSpec(extra);
  return rest;
}

describe('class 1: launch type and capacity provider strategy inherited from the cluster', () => {
  it('a service without launchType or strategy, in a cluster without a default strategy, runs on EC2 (DescribeServices launchType EC2): in sync, no replacement', () => {
    const d = byId(applied({ svc: withoutLaunchType(), liveSvc: { launchType: 'EC2', platformVersion: undefined } }), SVC_ID);
    expect(d.changes).toEqual([]);
    expect(d.state).toBe('in-sync');
    expect(d.replacementFields).toEqual([]);
  });

  it("a service without either, in a cluster with a default strategy, has the cluster's strategy: in sync, no replacement", () => {
    const strategy = [
      { capacityProvider: 'FARGATE_SPOT', weight: 3, base: 0 },
      { capacityProvider: 'FARGATE', weight: 1, base: 1 },
    ];
    const { launchType: _l, ...liveSpec } = liveServiceSpec({ capacityProviderStrategy: strategy });
    const d = byId(
      applied({
        svc: withoutLaunchType(),
        liveSvc: { ...liveSpec, launchType: undefined },
        cluster: clusterSpec({ capacityProviders: ['FARGATE', 'FARGATE_SPOT'], defaultCapacityProviderStrategy: strategy }),
        liveClusterExtra: { capacityProviders: ['FARGATE', 'FARGATE_SPOT'], defaultCapacityProviderStrategy: strategy },
      }),
      SVC_ID,
    );
    expect(d.changes).toEqual([]);
    expect(d.state).toBe('in-sync');
    expect(d.replacementFields).toEqual([]);
  });

  it('a strategy changed by hand away from the inherited one is still drift, converged in place (never a replacement)', () => {
    const strategy = [{ capacityProvider: 'FARGATE', weight: 1, base: 0 }];
    const d = byId(
      applied({
        svc: withoutLaunchType(),
        liveSvc: { launchType: undefined, capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1, base: 0 }] },
        cluster: clusterSpec({ capacityProviders: ['FARGATE', 'FARGATE_SPOT'], defaultCapacityProviderStrategy: strategy }),
        liveClusterExtra: { capacityProviders: ['FARGATE', 'FARGATE_SPOT'], defaultCapacityProviderStrategy: strategy },
      }),
      SVC_ID,
    );
    expect(d.state).toBe('drifted');
    expect(d.changes.map((c) => c.path)).toEqual([
      'capacityProviderStrategy[capacityProvider=FARGATE_SPOT]',
      'capacityProviderStrategy[capacityProvider=FARGATE]',
    ]);
    expect(d.replacementFields).toEqual([]);
  });
});

describe("class 2: Service Connect without namespace takes the cluster's default namespace", () => {
  const ns = `arn:aws:servicediscovery:${REGION}:${ACCOUNT}:namespace/ns-abcdef0123456789`;
  const sc = { enabled: true, services: [{ portName: 'http', clientAliases: [{ port: 80 }] }] };

  it('the namespace ECS filled in from serviceConnectDefaults is no drift', () => {
    const d = byId(
      applied({
        svc: serviceSpec({ serviceConnectConfiguration: sc }),
        liveSvc: { serviceConnectConfiguration: { ...sc, namespace: ns } },
        cluster: clusterSpec({ serviceConnectDefaults: { namespace: 'internal' } }),
        liveClusterExtra: { serviceConnectDefaults: { namespace: ns } },
      }),
      SVC_ID,
    );
    expect(d.changes).toEqual([]);
    expect(d.state).toBe('in-sync');
  });

  it('a cluster default namespace given by name is the ARN ECS resolved it to, while the manifest is the one applied', () => {
    const diffs = applied({
      svc: serviceSpec(),
      liveSvc: {},
      cluster: clusterSpec({ serviceConnectDefaults: { namespace: 'internal' } }),
      liveClusterExtra: { serviceConnectDefaults: { namespace: ns } },
    });
    expect(byId(diffs, CLUSTER_ID).changes).toEqual([]);
    // the manifest changed since (another name): the name is sent again
    const c = desired('Cluster', 'prod', clusterSpec({ serviceConnectDefaults: { namespace: 'internal' } }));
    const live = estate({
      clusters: [liveCluster('prod', { ...liveClusterSpec(), serviceConnectDefaults: { namespace: ns } }, managedTags('an-older-hash', { team: 'web' }))],
    });
    expect(byId(diff([c], live), CLUSTER_ID).changes).toEqual([
      expect.objectContaining({ path: 'serviceConnectDefaults.namespace', live: ns, desired: 'internal' }),
    ]);
  });

  it('the default namespace reported by name, as create-service output shows it for a cluster default stored as an ARN, is no drift', () => {
    // create-service-connect.md (developer guide): cluster serviceConnectDefaults arn:...:namespace/ns-EXAMPLE,
    // service without namespace, create-service output "namespace": "service-connect"
    const d = byId(
      applied({
        svc: serviceSpec({ serviceConnectConfiguration: sc }),
        liveSvc: { serviceConnectConfiguration: { ...sc, namespace: 'service-connect' } },
        liveClusterExtra: { serviceConnectDefaults: { namespace: ns } },
      }),
      SVC_ID,
    );
    expect(d.changes).toEqual([]);
    expect(d.state).toBe('in-sync');
  });

  it('a namespace the manifest names is compared as written, even where the default is an ARN and the service reports a name', () => {
    const d = byId(
      applied({
        svc: serviceSpec({ serviceConnectConfiguration: { ...sc, namespace: 'other' } }),
        liveSvc: { serviceConnectConfiguration: { ...sc, namespace: 'service-connect' } },
        liveClusterExtra: { serviceConnectDefaults: { namespace: ns } },
      }),
      SVC_ID,
    );
    expect(d.changes.map((c) => c.path)).toEqual(['serviceConnectConfiguration.namespace']);
  });

  it('a service in another namespace than the default is a change', () => {
    const d = byId(
      applied({
        svc: serviceSpec({ serviceConnectConfiguration: sc }),
        liveSvc: { serviceConnectConfiguration: { ...sc, namespace: `${ns}-other` } },
        liveClusterExtra: { serviceConnectDefaults: { namespace: ns } },
      }),
      SVC_ID,
    );
    expect(d.changes.map((c) => c.path)).toEqual(['serviceConnectConfiguration.namespace']);
  });
});

describe('class 3: task roles given by name are the ARN ECS stores', () => {
  it('taskRoleArn: ecsTaskRole against DescribeTaskDefinition arn:aws:iam::ACCOUNT:role/ecsTaskRole is no drift, and no new revision', () => {
    const diffs = applied({
      svc: serviceSpec(),
      liveSvc: {},
      td: { ...tdSpec(), taskRoleArn: 'ecsTaskRole', executionRoleArn: 'ecsTaskExecutionRole' },
      liveTd: {
        ...liveTdSpec(),
        taskRoleArn: `arn:aws:iam::${ACCOUNT}:role/ecsTaskRole`,
        executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/ecsTaskExecutionRole`,
      },
    });
    expect(byId(diffs, TD_ID).changes).toEqual([]);
    expect(byId(diffs, TD_ID).state).toBe('in-sync');
    // the service compares its revision by content: the same content, no deployment
    expect(byId(diffs, SVC_ID).changes).toEqual([]);
  });

  it('a role of another name is still a change', () => {
    const diffs = applied({
      svc: serviceSpec(),
      liveSvc: {},
      td: { ...tdSpec(), taskRoleArn: 'otherRole' },
      liveTd: { ...liveTdSpec(), taskRoleArn: `arn:aws:iam::${ACCOUNT}:role/ecsTaskRole` },
    });
    expect(byId(diffs, TD_ID).changes).toEqual([
      expect.objectContaining({ path: 'taskRoleArn', desired: `arn:aws:iam::${ACCOUNT}:role/otherRole`, live: `arn:aws:iam::${ACCOUNT}:role/ecsTaskRole` }),
    ]);
  });
});

describe('class 4: "" and null for optional fields are unset', () => {
  it('the loader accepts the empty strings and nulls ecspresso and console exports write', () => {
    const r = parseFixture('ecspresso-empty-values.yaml');
    expect(r.problems.map(formatProblem)).toEqual([]);
    const spec = r.resources[0]!.spec;
    expect(spec).not.toHaveProperty('taskRoleArn');
    expect(spec).not.toHaveProperty('pidMode');
    const container = (spec.containerDefinitions as Json[])[0]!;
    expect(container.portMappings).toEqual([{ containerPort: 80, protocol: 'tcp' }]);
    expect(container).not.toHaveProperty('healthCheck');
    // an environment variable set to "" and a label of "" are data, kept
    expect(container.environment).toEqual([{ name: 'FEATURE_FLAG', value: '' }]);
    expect(container.dockerLabels).toEqual({ empty: '' });
  });

  it('the diff drops "" on both sides: taskRoleArn "" against a revision without a role is no drift', () => {
    const diffs = applied({ svc: serviceSpec(), liveSvc: {}, td: { ...tdSpec(), taskRoleArn: '' }, liveTd: { ...liveTdSpec(), pidMode: '' } });
    expect(byId(diffs, TD_ID).changes).toEqual([]);
  });

  it('an empty environment value is compared, not dropped', () => {
    const diffs = applied({
      svc: serviceSpec(),
      liveSvc: {},
      td: tdSpec({ env: [{ name: 'X', value: '' }] }),
      liveTd: liveTdSpec({ env: [{ name: 'X', value: 'set' }] }),
    });
    expect(byId(diffs, TD_ID).changes.map((c) => c.path)).toEqual(['containerDefinitions[name=app].environment[name=X].value']);
  });

  it('dropUnsetValues keeps list items and free-form map values', () => {
    expect(dropUnsetValues({ a: '', b: null, command: ['', 'x'], options: { k: '' }, tags: { t: '' } })).toEqual({
      command: ['', 'x'],
      options: { k: '' },
      tags: { t: '' },
    });
  });

  it('an empty value under a dotted key of a free-form map is data, in the loader and in the diff', () => {
    // Docker label keys are reverse-DNS by convention (com.example.x); an empty label is a label
    expect(dropUnsetValues({ dockerLabels: { 'com.example.x': '', 'a.value.b': '' }, options: { 'x.y': '' }, 'not.free': { 'k.j': '' } })).toEqual({
      dockerLabels: { 'com.example.x': '', 'a.value.b': '' },
      options: { 'x.y': '' },
      // not a free-form map: its "" is unset, as ever
      'not.free': {},
    });
    const r = parseText(
      'labels.yaml',
      `apiVersion: ecs-reconciler/v1
kind: TaskDefinition
metadata: { name: labelled }
spec:
  containerDefinitions:
    - name: app
      image: nginx
      memory: 512
      dockerLabels: { "com.example.x": "", "com.example.y": "set" }
      logConfiguration: { logDriver: awsfirelens, options: { "Match.tag": "" } }
`,
    );
    expect(r.problems.map(formatProblem)).toEqual([]);
    const spec = r.resources[0]!.spec as { containerDefinitions: Array<Record<string, unknown>> };
    expect(spec.containerDefinitions[0]!.dockerLabels).toEqual({ 'com.example.x': '', 'com.example.y': 'set' });
    const normalized = normalizeTaskDefinition(spec) as { containerDefinitions: Array<Record<string, unknown>> };
    expect(normalized.containerDefinitions[0]!.dockerLabels).toEqual({ 'com.example.x': '', 'com.example.y': 'set' });
    expect((normalized.containerDefinitions[0]!.logConfiguration as { options: unknown }).options).toEqual({ 'Match.tag': '' });
    // a live revision without the empty label differs from it
    const withoutLabel = { ...spec, containerDefinitions: [{ ...spec.containerDefinitions[0], dockerLabels: { 'com.example.y': 'set' } }] };
    expect(normalizeTaskDefinition(withoutLabel)).not.toEqual(normalized);
  });

  it('the items of a list named by a rule, under a free-form name, keep their empty values however deep the list', () => {
    // a rule names the list (its order) but nothing inside its items: they are judged by the list's own key
    const table = { numbers: [], canon: {}, defaults: {}, orderFree: { 'outer.labels': ['k'], labels: ['k'] } };
    const spec = { labels: [{ k: 'a', m: '' }], outer: { labels: [{ k: 'b', m: '' }] }, other: [{ m: '' }] };
    // `other` is no free-form map: its item's "" is unset, the item empty, the list with it
    expect(normalizeWith(spec, table)).toEqual({ labels: [{ k: 'a', m: '' }], outer: { labels: [{ k: 'b', m: '' }] } });
  });
});

describe('class 5: an EXTERNAL deployment controller needs no task definition', () => {
  const yaml = (controller: string) => `apiVersion: ecs-reconciler/v1
kind: Service
metadata: { name: ext, cluster: prod }
spec:
  deploymentController: { type: ${controller} }
  desiredCount: 1
`;

  it('is accepted with EXTERNAL', () => {
    const r = parseText('ext.yaml', yaml('EXTERNAL'));
    expect(r.problems.map(formatProblem)).toEqual([]);
    expect(r.resources[0]!.spec).not.toHaveProperty('taskDefinition');
  });

  it('is still required with ECS and CODE_DEPLOY', () => {
    for (const controller of ['ECS', 'CODE_DEPLOY']) {
      const r = parseText('ext.yaml', yaml(controller));
      expect(r.problems.map((p) => `${p.path}: ${p.message}`)).toEqual([expect.stringMatching(/^spec\.taskDefinition: required field is missing/)]);
    }
  });

  it('the diff of a live EXTERNAL service without a task definition finds nothing', () => {
    const c = desired('Cluster', 'prod', clusterSpec());
    const s = desired('Service', 'ext', { deploymentController: { type: 'EXTERNAL' }, desiredCount: 1, launchType: 'EC2' });
    const h = hashes([c, s]);
    const live = estate({
      clusters: [liveCluster('prod', liveClusterSpec(), managedTags(h[CLUSTER_ID], { team: 'web' }))],
      services: [
        {
          ...liveService({
            name: 'ext',
            spec: { desiredCount: 1, launchType: 'EC2', schedulingStrategy: 'REPLICA', deploymentController: { type: 'EXTERNAL' } },
            tags: managedTags(h[`Service/${REGION}/prod/ext`]),
            primary: revision('x', 1, {}, {}),
          }),
          spec: { desiredCount: 1, launchType: 'EC2', schedulingStrategy: 'REPLICA', deploymentController: { type: 'EXTERNAL' } },
          deployments: [],
        },
      ].map((svc) => {
        const { primaryRevision: _p, ...rest } = svc;
        return rest;
      }),
    });
    const d = byId(diff([c, s], live), `Service/${REGION}/prod/ext`);
    expect(d.changes).toEqual([]);
    expect(d.state).toBe('in-sync');
    expect(d.staleHash).toBe(false);
  });
});

describe('class 6: describe-task-definition output is accepted, with one notice a file', () => {
  it('unwraps {"taskDefinition": ...}, drops the read-only fields and the nulls, and says so once', () => {
    const r = parseFixture('describe-task-definition.json');
    expect(r.problems.map(formatProblem)).toEqual([]);
    expect(r.notices).toHaveLength(1);
    expect(r.notices[0]!.message).toMatch(
      /unwrapped .*taskDefinition.*dropped read-only field\(s\) taskDefinitionArn, revision, status, requiresAttributes, compatibilities, registeredAt, registeredBy/,
    );
    const td = r.resources[0]!;
    expect(td.name).toBe('hello_world');
    expect(td.spec).not.toHaveProperty('taskRoleArn');
    expect(td.spec).not.toHaveProperty('revision');
  });

  it('validate says the notice once and passes (exit 0)', async () => {
    let stdout = '';
    const code = await main(['validate', join(fixtures, 'estates', 'describe-output')], {
      stdout: (t) => (stdout += t),
      stderr: () => undefined,
      env: {},
      cwd: process.cwd(),
    });
    expect(code, stdout).toBe(0);
    expect(stdout.match(/^notice: task-definition\.json:\d+:\d+ read as describe-task-definition output/gm)).toHaveLength(1);
  });

  it('a Service spec kept from describe-services output (ecspresso writes platformFamily) drops platformFamily, which CreateService does not take, and says so once', () => {
    const text =
      'apiVersion: ecs-reconciler/v1\nkind: Service\nmetadata:\n  name: web\n  cluster: prod\nspec:\n  taskDefinition: web\n  launchType: FARGATE\n  platformFamily: Linux\n  desiredCount: 1\n';
    const r = parseText('svc.yaml', text);
    expect(r.problems.map(formatProblem)).toEqual([]);
    expect(r.notices.map((n) => n.message)).toEqual([
      'read as describe-services output: dropped read-only field(s) platformFamily (CreateService does not take them)',
    ]);
    expect(r.resources[0]!.spec).not.toHaveProperty('platformFamily');
    expect(parseText('svc.yaml', text.replace('  platformFamily: Linux\n', '')).notices).toEqual([]);
  });

  it('a plain register-task-definition file gets no notice, and an unknown field is still an error at its own line, wrapper included', () => {
    expect(parseText('td.json', '{"family": "a", "containerDefinitions": [{"name": "a", "image": "x", "memory": 128}]}').notices).toEqual([]);
    const r = parseText(
      'td.json',
      '{"taskDefinition": {"family": "a",\n "containerDefinitions": [{"name": "a", "image": "x", "memory": 128}],\n "revison": 3}}',
    );
    expect(r.problems).toEqual([expect.objectContaining({ path: 'taskDefinition.revison', line: 3, message: 'unknown field' })]);
  });

  it('TaskDefinition manifests whose spec was pasted from describe output (family included) load too, with one notice for the file', () => {
    const doc = (name: string) => `apiVersion: ecs-reconciler/v1
kind: TaskDefinition
metadata: { name: ${name} }
spec:
  taskDefinitionArn: arn:aws:ecs:us-east-1:012345678910:task-definition/${name}:3
  family: ${name}
  revision: 3
  status: ACTIVE
  containerDefinitions: [{ name: a, image: x, memory: 128 }]
`;
    const r = parseText('td.yaml', `${doc('a')}---\n${doc('b')}`);
    expect(r.problems.map(formatProblem)).toEqual([]);
    expect(r.resources.map((x) => x.spec)).toEqual([
      { containerDefinitions: [{ name: 'a', image: 'x', memory: 128 }] },
      { containerDefinitions: [{ name: 'a', image: 'x', memory: 128 }] },
    ]);
    expect(r.notices).toHaveLength(1);
  });

  it('a pasted family that is not the manifest name is still an error', () => {
    const r = parseText(
      'td.yaml',
      `apiVersion: ecs-reconciler/v1
kind: TaskDefinition
metadata: { name: a }
spec:
  revision: 3
  family: other
  containerDefinitions: [{ name: a, image: x, memory: 128 }]
`,
    );
    expect(r.problems.map((p) => `${p.path}: ${p.message}`)).toEqual(['spec.family: unknown field']);
  });
});

describe('class 7: desiredCount left out keeps what the service has', () => {
  it('no drift, whatever count the service runs', () => {
    const { desiredCount: _d, ...spec } = serviceSpec();
    const d = byId(applied({ svc: spec, liveSvc: { desiredCount: 7 } }), SVC_ID);
    expect(d.changes).toEqual([]);
    expect(d.state).toBe('in-sync');
  });
});

describe("class 8: auto scaling takes the Application Auto Scaling API's names", () => {
  it('scheduledActionName and scalableTargetAction {minCapacity, maxCapacity} read the same as the short form', () => {
    const r = parseFixture('scheduled-api-names.yaml');
    expect(r.problems.map(formatProblem)).toEqual([]);
    const scaling = r.resources[0]!.spec.autoScaling as Json;
    expect(scaling.scheduled).toEqual([
      { name: 'night', schedule: 'cron(0 22 * * ? *)', minCapacity: 1, maxCapacity: 2 },
      { name: 'morning', schedule: 'cron(0 7 * * ? *)', minCapacity: 2, maxCapacity: 10 },
    ]);
  });

  it('both spellings at once are refused, located at the field', () => {
    const r = parseText(
      's.yaml',
      `apiVersion: ecs-reconciler/v1
kind: Service
metadata: { name: web, cluster: prod }
spec:
  taskDefinition: app
  autoScaling:
    minCapacity: 1
    maxCapacity: 3
    scheduled:
      - scheduledActionName: a
        name: a
        schedule: rate(1 hour)
        scalableTargetAction: { minCapacity: 1 }
        maxCapacity: 2
`,
    );
    expect(r.problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      'spec.autoScaling.scheduled[0].name: give scheduledActionName or its alias name, not both',
      'spec.autoScaling.scheduled[0].maxCapacity: give scalableTargetAction or the flat minCapacity/maxCapacity, not both',
    ]);
  });
});

describe('class 9: task sizes read the same in the schema and the diff', () => {
  const cases: Array<[string, 'cpu' | 'memory', string]> = [
    ['.25 vcpu', 'cpu', '256'],
    ['0.5 vCPU', 'cpu', '512'],
    ['1 vcpu', 'cpu', '1024'],
    ['1024', 'cpu', '1024'],
    ['.5 gb', 'memory', '512'],
    ['1 GB', 'memory', '1024'],
    ['2GB', 'memory', '2048'],
    ['1024', 'memory', '1024'],
  ];
  for (const [text, kind, units] of cases) {
    it(`${kind} ${JSON.stringify(text)} is ${units} in both`, () => {
      const schema = kind === 'cpu' ? TaskCpuSchema : TaskMemorySchema;
      expect(schema.parse(text)).toBe(units);
      expect(normalizeTaskDefinition({ [kind]: text })[kind]).toBe(units);
    });
  }

  it('a fraction of CPU units is refused by both readings', () => {
    expect(readTaskSize('cpu', '256.5')).toEqual({ ok: false, why: 'fraction' });
    expect(TaskCpuSchema.safeParse('256.5').success).toBe(false);
  });
});
