// The pure stages on generated data, in memory, no emulator: load (YAML parse,
// ${VAR} substitution, schema validation, reference checks), diff against a
// synthesized live estate that matches (every resource in-sync: the steady state,
// where every field is compared), and plan.
import { performance } from 'node:perf_hooks';
import { parseAllDocuments } from 'yaml';
import { CLUSTERS, estateFiles } from './estate.mjs';

const dist = new URL('../dist/', import.meta.url);
const { loadManifestTexts } = await import(new URL('manifests/load.js', dist));
const { parseFilesInParallel } = await import(new URL('manifests/parallel-parse.js', dist));
const { diffEstate } = await import(new URL('pipeline/diff.js', dist));
const { planEstate } = await import(new URL('pipeline/plan.js', dist));
const { projectLiveCluster, projectLiveService, projectLiveTaskDefinition } = await import(new URL('diff/projection.js', dist));
const { scalingFromApi } = await import(new URL('kinds/service/scaling-read.js', dist));
const { resourceId, TAG } = await import(new URL('model/resource.js', dist));

const REGION = 'us-east-1';
const ACCOUNT = '123456789012';
const CONTROLLER = 'default';

function emptyEstate() {
  return { clusters: new Map(), services: new Map(), families: new Map(), unreadable: new Map() };
}

function tagList(map) {
  return Object.entries(map).map(([key, value]) => ({ key, value }));
}

function without(obj, ...keys) {
  const out = { ...obj };
  for (const k of keys) delete out[k];
  return out;
}

/**
 * A live estate that matches the desired one, shaped as the ECS API returns it (server
 * defaults filled in: container cpu 0, hostPort = containerPort, empty lists, platform
 * version, deployment controller...) and projected by the product's own projection,
 * with ownership tags carrying each resource's desired hash, as after an apply.
 */
function synthesizeLive(resources) {
  const hashes = new Map(
    diffEstate({ desired: resources, invalid: [], live: emptyEstate(), controllerId: CONTROLLER, defaultRegion: REGION }).map((d) => [d.id, d.desiredHash]),
  );
  const live = emptyEstate();
  const owned = (id, userTags) => ({ ...(userTags ?? {}), [TAG.managedBy]: CONTROLLER, [TAG.appliedHash]: hashes.get(id), [TAG.source]: 'bench' });
  const tdArn = (family) => `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${family}:1`;
  const revisions = new Map();
  for (const d of resources) {
    const id = resourceId(d);
    if (d.kind === 'Cluster') {
      const sdk = {
        clusterArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/${d.name}`,
        clusterName: d.name,
        status: 'ACTIVE',
        ...without(d.spec, 'tags'),
        capacityProviders: [],
        defaultCapacityProviderStrategy: [],
        registeredContainerInstancesCount: 0,
        runningTasksCount: 0,
        pendingTasksCount: 0,
        activeServicesCount: 0,
        statistics: [],
        attachments: [],
        tags: tagList(owned(id, d.spec.tags)),
      };
      live.clusters.set(id, {
        kind: 'Cluster',
        region: REGION,
        name: d.name,
        arn: sdk.clusterArn,
        tags: owned(id, d.spec.tags),
        spec: projectLiveCluster(sdk),
        runningTasksCount: 0,
        pendingTasksCount: 0,
        activeServicesCount: 0,
        capacityProviders: [],
      });
    } else if (d.kind === 'TaskDefinition') {
      const spec = without(d.spec, 'tags');
      const sdk = {
        ...spec,
        family: d.name,
        taskDefinitionArn: tdArn(d.name),
        revision: 1,
        status: 'ACTIVE',
        compatibilities: ['EC2', 'FARGATE'],
        requiresAttributes: [{ name: 'com.amazonaws.ecs.capability.logging-driver.awslogs' }, { name: 'ecs.capability.task-eni' }],
        registeredAt: new Date('2025-01-01T00:00:00Z'),
        volumes: [],
        placementConstraints: [],
        containerDefinitions: spec.containerDefinitions.map((c) => ({
          cpu: 0,
          mountPoints: [],
          volumesFrom: [],
          systemControls: [],
          ...c,
          portMappings: (c.portMappings ?? []).map((p) => ({ hostPort: p.containerPort, protocol: 'tcp', ...p })),
        })),
      };
      const rev = { arn: sdk.taskDefinitionArn, family: d.name, revision: 1, tags: owned(id, d.spec.tags), spec: projectLiveTaskDefinition(sdk) };
      revisions.set(d.name, rev);
      live.families.set(id, { kind: 'TaskDefinition', region: REGION, name: d.name, activeRevisionArns: [rev.arn], latest: rev, latestManaged: rev });
    }
  }
  for (const d of resources) {
    if (d.kind !== 'Service') continue;
    const id = resourceId(d);
    const rev = revisions.get(String(d.spec.taskDefinition));
    const created = new Date('2025-01-01T00:00:00Z');
    const sdk = {
      ...without(d.spec, 'tags', 'autoScaling', 'taskDefinition'),
      serviceArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:service/${d.cluster}/${d.name}`,
      serviceName: d.name,
      clusterArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/${d.cluster}`,
      status: 'ACTIVE',
      taskDefinition: rev.arn,
      runningCount: d.spec.desiredCount,
      pendingCount: 0,
      platformVersion: 'LATEST',
      schedulingStrategy: 'REPLICA',
      deploymentController: { type: 'ECS' },
      enableECSManagedTags: false,
      propagateTags: 'NONE',
      enableExecuteCommand: false,
      createdAt: created,
      deployments: [
        {
          id: 'ecs-svc/1',
          status: 'PRIMARY',
          taskDefinition: rev.arn,
          desiredCount: d.spec.desiredCount,
          runningCount: d.spec.desiredCount,
          pendingCount: 0,
          failedTasks: 0,
          rolloutState: 'COMPLETED',
          createdAt: created,
          updatedAt: created,
        },
      ],
      events: Array.from({ length: 10 }, (_, i) => ({ id: String(i), createdAt: created, message: `(service ${d.name}) has reached a steady state.` })),
    };
    const as = d.spec.autoScaling;
    const resourceIdScaling = `service/${d.cluster}/${d.name}`;
    const scaling = as
      ? scalingFromApi(
          {
            ServiceNamespace: 'ecs',
            ResourceId: resourceIdScaling,
            ScalableDimension: 'ecs:service:DesiredCount',
            MinCapacity: as.minCapacity,
            MaxCapacity: as.maxCapacity,
            RoleARN: 'arn:aws:iam::123456789012:role/aws-service-role',
            CreationTime: created,
            SuspendedState: { DynamicScalingInSuspended: false, DynamicScalingOutSuspended: false, ScheduledScalingSuspended: false },
          },
          (as.targetTracking ?? []).map((p) => ({
            PolicyName: p.policyName,
            ResourceId: resourceIdScaling,
            PolicyType: 'TargetTrackingScaling',
            TargetTrackingScalingPolicyConfiguration: {
              TargetValue: p.targetValue,
              PredefinedMetricSpecification: { PredefinedMetricType: p.predefinedMetricType },
              ScaleInCooldown: p.scaleInCooldown,
              ScaleOutCooldown: p.scaleOutCooldown,
              DisableScaleIn: false,
            },
          })),
          (as.scheduled ?? []).map((a) => ({
            ScheduledActionName: a.name,
            ResourceId: resourceIdScaling,
            Schedule: a.schedule,
            Timezone: 'UTC',
            ScalableTargetAction: { MinCapacity: a.minCapacity, MaxCapacity: a.maxCapacity },
          })),
        )
      : undefined;
    live.services.set(id, {
      // as apply leaves a service: the revision it runs recorded in its tags (model/revision-record.ts)
      kind: 'Service',
      region: REGION,
      cluster: d.cluster,
      name: d.name,
      arn: sdk.serviceArn,
      tags: {
        ...owned(id, d.spec.tags),
        [TAG.taskDefinition]: rev.arn,
        [TAG.taskDefinitionHash]: hashes.get(resourceId({ kind: 'TaskDefinition', region: REGION, name: rev.family })),
      },
      spec: projectLiveService(sdk, { primaryTaskDefinitionArn: rev.arn }),
      status: 'ACTIVE',
      desiredCount: d.spec.desiredCount,
      runningCount: d.spec.desiredCount,
      pendingCount: 0,
      deployments: [
        {
          status: 'PRIMARY',
          taskDefinitionArn: rev.arn,
          rolloutState: 'COMPLETED',
          desiredCount: d.spec.desiredCount,
          runningCount: d.spec.desiredCount,
          pendingCount: 0,
          failedTasks: 0,
        },
      ],
      events: sdk.events.map((e) => ({ createdAt: e.createdAt.toISOString(), message: e.message })),
      primaryRevision: rev,
      ...(scaling ? { scaling } : {}),
    });
  }
  return live;
}

const VARS = new Map([
  ['SUBNET_A', 'subnet-0bench00000000a'],
  ['SUBNET_B', 'subnet-0bench00000000b'],
  ['SECURITY_GROUP', 'sg-0bench0000000000'],
]);

function time(fn) {
  const t = performance.now();
  const value = fn();
  return { value, ms: performance.now() - t };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/**
 * One row per size: `resources` = clusters + task definitions + services (10 clusters,
 * the rest half task definitions, half services). Each stage is timed `repeats` times
 * in this process (the first run includes JIT warm-up); the median is reported.
 */
export async function measurePureStages(sizes = [1000, 5000, 10000], { repeats = 3, log = () => {} } = {}) {
  const rows = [];
  for (const resources of sizes) {
    const services = Math.floor((resources - CLUSTERS) / 2);
    const files = estateFiles(services);
    const bytes = files.reduce((n, f) => n + f.text.length, 0);
    const parse = [],
      load = [],
      loadOneThread = [],
      diff = [],
      plan = [];
    let states;
    let loaded;
    for (let r = 0; r < repeats; r++) {
      parse.push(
        time(() => {
          for (const f of files) for (const d of parseAllDocuments(f.text, { uniqueKeys: true, prettyErrors: false })) d.toJS();
        }).ms,
      );
      // the load loadManifests does: files parsed on every core, then references checked
      const started = performance.now();
      const preParsed = await parseFilesInParallel(files, { defaultRegion: REGION, vars: VARS });
      const l = { value: loadManifestTexts(files, { defaultRegion: REGION, vars: VARS }, [], preParsed), ms: 0 };
      l.ms = performance.now() - started;
      loadOneThread.push(time(() => loadManifestTexts(files, { defaultRegion: REGION, vars: VARS })).ms);
      loaded = l.value;
      if (loaded.problems.length) throw new Error(`generated estate does not load: ${loaded.problems[0].message}`);
      load.push(l.ms);
      const live = synthesizeLive(loaded.resources);
      const dd = time(() => diffEstate({ desired: loaded.resources, invalid: loaded.invalid, live, controllerId: CONTROLLER, defaultRegion: REGION }));
      diff.push(dd.ms);
      states = {};
      for (const d of dd.value) states[d.state] = (states[d.state] ?? 0) + 1;
      const p = time(() => planEstate(dd.value, { prune: false, loadComplete: true, keepRevisions: 5, controllerId: CONTROLLER }));
      plan.push(p.ms);
      if (p.value.actions.length)
        throw new Error(
          `synthesized live estate is not in sync: ${p.value.actions.length} action(s), e.g. ${JSON.stringify(dd.value.find((d) => d.state !== 'in-sync')?.changes?.slice(0, 3))}`,
        );
    }
    const row = {
      resources: loaded.resources.length,
      files: files.length,
      megabytes: +(bytes / 1e6).toFixed(2),
      yamlParseMs: Math.round(median(parse)),
      loadMs: Math.round(median(load)),
      loadOneThreadMs: Math.round(median(loadOneThread)),
      diffMs: Math.round(median(diff)),
      planMs: Math.round(median(plan)),
      loadDiffMs: Math.round(median(load) + median(diff)),
      firstRunLoadDiffMs: Math.round(load[0] + diff[0]),
      states,
    };
    log(row);
    rows.push(row);
  }
  return rows;
}
