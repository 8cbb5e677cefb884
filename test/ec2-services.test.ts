// EC2 services (issue 17 item 3) on plain data: bridge and host port mappings as ECS
// answers them, an EC2 service as DescribeServices reports it, DAEMON scheduling, and
// placement in ECS's spellings; the manifest rules ECS enforces. Evidence: the files in
// test/fixtures/ecs-shapes/ named per test (see EC2-NOTES.md there for the sources).
// The same estates on the emulator: test/integration/ec2-services.test.ts.

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { projectLiveService, projectLiveTaskDefinition } from '../src/diff/projection.js';
import { servicePlacementForDiff } from '../src/kinds/service/placement.js';
import { normalizeTaskDefinition } from '../src/kinds/task-definition/normalize.js';
import { parseManifestText } from '../src/manifests/index.js';
import { blankJsonComments } from '../src/manifests/json-comments.js';
import {
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
  managedTags,
  REGION,
  revision,
  SVC_ID,
  TD_ID,
} from './engine-fixtures.js';

type Json = Record<string, unknown>;
const shapes = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'ecs-shapes');
const evidence = (name: string): Json => JSON.parse(blankJsonComments(readFileSync(join(shapes, name), 'utf8')).text) as Json;

/** A bridge-mode EC2 task definition and service, applied by this controller, against the live service given. */
function appliedEc2(opts: { svc: Json; liveSvc: Json; td?: Json; liveTd?: Json }) {
  const td = opts.td ?? { containerDefinitions: [{ name: 'app', image: 'nginx:1.27', memory: 128, portMappings: [{ containerPort: 80 }] }] };
  const liveTd = opts.liveTd ?? {
    networkMode: 'bridge',
    containerDefinitions: [
      {
        name: 'app',
        image: 'nginx:1.27',
        cpu: 0,
        memory: 128,
        essential: true,
        portMappings: [{ containerPort: 80, hostPort: 0, protocol: 'tcp' }],
        environment: [],
        mountPoints: [],
        volumesFrom: [],
      },
    ],
    volumes: [],
    placementConstraints: [],
  };
  const c = desired('Cluster', 'prod', clusterSpec());
  const t = desired('TaskDefinition', 'app', td);
  const s = desired('Service', 'web', { taskDefinition: 'app', ...opts.svc });
  const h = hashes([c, t, s]);
  const rev = revision('app', 1, liveTd, managedTags(h[TD_ID]));
  const live = estate({
    clusters: [liveCluster('prod', liveClusterSpec(), managedTags(h[CLUSTER_ID], { team: 'web' }))],
    families: [family([rev])],
    services: [liveService({ name: 'web', spec: opts.liveSvc, tags: managedTags(h[SVC_ID]), primary: rev })],
  });
  return diff([c, t, s], live);
}

/** The published EC2 create-service answer (aws-cli create-service.rst Example 2), projected as the live read does. */
function publishedEc2Service(extra: Json = {}): Json {
  const svc = (evidence('ec2-create-service-ec2.json').service as Json) ?? {};
  return projectLiveService({ ...svc, ...extra });
}

describe('bridge and host port mappings', () => {
  it('a bridge mapping registered with hostPort left out is what ECS answers as hostPort 0 + tcp (terraform equivalency test)', () => {
    const shapesOf = evidence('ec2-container-definitions-bridge-dynamic.json');
    for (const key of Object.keys(shapesOf)) {
      const { registered, containerDefinitions } = shapesOf[key] as { registered: Json[]; containerDefinitions: Json[] };
      expect(normalizeTaskDefinition({ containerDefinitions: registered }), key).toEqual(
        normalizeTaskDefinition(projectLiveTaskDefinition({ containerDefinitions, networkMode: 'bridge' })),
      );
    }
  });

  it('hostPort 0 and hostPort left out are the same dynamic mapping in bridge mode; a static hostPort is another', () => {
    const dynamic = normalizeTaskDefinition({
      networkMode: 'bridge',
      containerDefinitions: [{ name: 'a', image: 'x', portMappings: [{ containerPort: 80, hostPort: 0 }] }],
    });
    const omitted = normalizeTaskDefinition({ containerDefinitions: [{ name: 'a', image: 'x', portMappings: [{ containerPort: 80 }] }] });
    const fixed = normalizeTaskDefinition({ containerDefinitions: [{ name: 'a', image: 'x', portMappings: [{ containerPort: 80, hostPort: 80 }] }] });
    expect(dynamic).toEqual(omitted);
    expect(fixed).not.toEqual(omitted);
  });

  it('in host mode a host port left out is the container port ECS answers', () => {
    const given = normalizeTaskDefinition({ networkMode: 'host', containerDefinitions: [{ name: 'a', image: 'x', portMappings: [{ containerPort: 9100 }] }] });
    const answered = normalizeTaskDefinition({
      networkMode: 'host',
      containerDefinitions: [{ name: 'a', image: 'x', cpu: 0, essential: true, portMappings: [{ containerPort: 9100, hostPort: 9100, protocol: 'tcp' }] }],
    });
    expect(given).toEqual(answered);
  });

  it('a bridge-mode EC2 service with no task cpu/memory and container memory only is in sync with the revision ECS describes', () => {
    const d = appliedEc2({ svc: { desiredCount: 1, launchType: 'EC2' }, liveSvc: publishedEc2Service() });
    expect(byId(d, TD_ID).state).toBe('in-sync');
    expect(byId(d, SVC_ID).changes).toEqual([]);
    expect(byId(d, SVC_ID).state).toBe('in-sync');
  });
});

describe('an EC2 service as DescribeServices reports it (aws-cli create-service Example 2)', () => {
  it('launchType left out in a cluster without a default strategy is EC2: no platformVersion, empty placement lists, REPLICA are no drift', () => {
    const d = byId(appliedEc2({ svc: { desiredCount: 1 }, liveSvc: publishedEc2Service() }), SVC_ID);
    expect(d.changes).toEqual([]);
    expect(d.replacementFields).toEqual([]);
  });

  it('a desiredCount changed by hand is still drift', () => {
    const d = byId(appliedEc2({ svc: { desiredCount: 1, launchType: 'EC2' }, liveSvc: publishedEc2Service({ desiredCount: 3 }) }), SVC_ID);
    expect(d.changes.map((c) => c.path)).toEqual(['desiredCount']);
  });
});

describe('DAEMON scheduling', () => {
  it('the desiredCount ECS sets (one task per active instance) and the DAEMON deployment defaults are never drift', () => {
    const liveSvc = publishedEc2Service({
      schedulingStrategy: 'DAEMON',
      desiredCount: 2,
      deploymentConfiguration: { maximumPercent: 100, minimumHealthyPercent: 0 },
      placementConstraints: [{ type: 'memberOf', expression: 'attribute:ecs.os-type == linux' }],
    });
    const d = byId(
      appliedEc2({
        svc: { schedulingStrategy: 'DAEMON', launchType: 'EC2', placementConstraints: [{ type: 'memberOf', expression: 'attribute:ecs.os-type == linux' }] },
        liveSvc,
      }),
      SVC_ID,
    );
    expect(d.changes).toEqual([]);
  });
});

describe('placement constraints and strategies', () => {
  const live = (placementStrategy: Json[], placementConstraints: Json[] = []) =>
    publishedEc2Service({ placementStrategy, placementConstraints, desiredCount: 2 });
  const svc = (placementStrategy: Json[], placementConstraints: Json[] = []) => ({
    desiredCount: 2,
    launchType: 'EC2',
    placementStrategy,
    placementConstraints,
  });

  it('binpack MEMORY and memory, spread host and instanceId, are one spelling each (terraform compares the field case-insensitively)', () => {
    const d = byId(
      appliedEc2({
        svc: svc([
          { type: 'spread', field: 'host' },
          { type: 'binpack', field: 'MEMORY' },
        ]),
        liveSvc: live([
          { type: 'spread', field: 'instanceId' },
          { type: 'binpack', field: 'memory' },
        ]),
      }),
      SVC_ID,
    );
    expect(d.changes).toEqual([]);
  });

  it('the strategies keep their order: a reorder is a change (ECS applies them in the order given)', () => {
    const spreadThenPack = [
      { type: 'spread', field: 'attribute:ecs.availability-zone' },
      { type: 'binpack', field: 'cpu' },
    ];
    const d = byId(appliedEc2({ svc: svc(spreadThenPack), liveSvc: live([...spreadThenPack].reverse()) }), SVC_ID);
    expect(d.changes.map((c) => c.path.split('[')[0])).toContain('placementStrategy');
  });

  it('the constraints are a set: a reorder is no drift, a changed expression is', () => {
    const a = { type: 'memberOf', expression: 'attribute:ecs.instance-type =~ m5.*' };
    const b = { type: 'distinctInstance' };
    expect(byId(appliedEc2({ svc: svc([], [a, b]), liveSvc: live([], [b, a]) }), SVC_ID).changes).toEqual([]);
    const changed = { ...a, expression: 'attribute:ecs.instance-type =~ c5.*' };
    expect(byId(appliedEc2({ svc: svc([], [a, b]), liveSvc: live([], [b, changed]) }), SVC_ID).changes).not.toEqual([]);
  });

  it('a random strategy has no field to compare ("For the random placement strategy, this field is not used")', () => {
    expect(servicePlacementForDiff({ placementStrategy: [{ type: 'random', field: 'x' }] })).toEqual({ placementStrategy: [{ type: 'random' }] });
  });
});

describe('the manifest rules ECS enforces on EC2 services', () => {
  const ctx = { vars: new Map<string, string>(), defaultRegion: REGION };
  const problemsOf = (spec: string) =>
    parseManifestText(
      'svc.yaml',
      `apiVersion: ecs-reconciler/v1\nkind: Service\nmetadata: { name: web, cluster: prod }\nspec:\n  taskDefinition: app\n${spec}`,
      ctx,
    ).problems.map((p) => `${p.path}: ${p.message}`);

  it('a bridge-mode DAEMON service with placement constraints and launchType EC2 loads', () => {
    expect(
      problemsOf(
        '  schedulingStrategy: DAEMON\n  launchType: EC2\n  placementConstraints: [{ type: memberOf, expression: "attribute:ecs.os-type == linux" }]\n',
      ),
    ).toEqual([]);
  });

  it('DAEMON refuses placement strategies and capacity provider strategies, as ECS does', () => {
    expect(problemsOf('  schedulingStrategy: DAEMON\n  launchType: EC2\n  placementStrategy: [{ type: spread, field: instanceId }]\n')).toEqual([
      'spec.placementStrategy: DAEMON scheduling does not support placement strategies (placement constraints are kept): remove it',
    ]);
    expect(problemsOf('  schedulingStrategy: DAEMON\n  capacityProviderStrategy: [{ capacityProvider: ec2, weight: 1 }]\n')).toEqual([
      'spec.capacityProviderStrategy: DAEMON scheduling takes no capacity provider strategy: give launchType EC2 instead',
    ]);
  });

  it('a platform version on an EC2 service is refused ("The platform version must be null when specifying an EC2 launch type")', () => {
    expect(problemsOf('  desiredCount: 1\n  launchType: EC2\n  platformVersion: LATEST\n')).toEqual([
      'spec.platformVersion: a platform version is only for Fargate; ECS refuses it with launchType EC2',
    ]);
  });

  it('binpack takes cpu or memory (either case); distinctInstance takes no expression', () => {
    expect(problemsOf('  desiredCount: 1\n  launchType: EC2\n  placementStrategy: [{ type: binpack, field: CPU }, { type: binpack, field: disk }]\n')).toEqual([
      'spec.placementStrategy[1].field: binpack takes field cpu or memory; got "disk"',
    ]);
    expect(problemsOf('  desiredCount: 1\n  launchType: EC2\n  placementConstraints: [{ type: distinctInstance, expression: "attribute:x == y" }]\n')).toEqual([
      'spec.placementConstraints[0].expression: distinctInstance takes no expression (memberOf does)',
    ]);
  });
});
