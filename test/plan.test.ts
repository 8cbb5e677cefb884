// planEstate: diffs -> ordered actions with reasons; replacement only when allowed, prune
// only when asked and only when loading was complete, conflicts never acted on.

import { describe, expect, it } from 'vitest';
import type { ResourceDiff } from '../src/diff/types.js';
import { TAG } from '../src/model/resource.js';
import { planEstate } from '../src/pipeline/plan.js';
import type { PlanOptions } from '../src/plan/prune.js';
import {
  byId,
  CLUSTER_ID,
  clusterSpec,
  deployment,
  desired,
  diff,
  estate,
  family,
  hashes,
  invalid,
  liveCluster,
  liveClusterSpec,
  liveService,
  liveServiceSpec,
  liveTdSpec,
  managedTags,
  revision,
  revisionArn,
  SVC_ID,
  serviceSpec,
  syncedEstate,
  TD_ID,
  tdSpec,
} from './engine-fixtures.js';

const OPTS: PlanOptions = { prune: false, loadComplete: true, keepRevisions: 5, controllerId: 'default' };
const plan = (diffs: ResourceDiff[], opts: Partial<PlanOptions> = {}) => planEstate(diffs, { ...OPTS, ...opts });
const kinds = (p: ReturnType<typeof plan>) => p.actions.map((a) => `${a.kind} ${a.resource}`);

function synced() {
  const s = syncedEstate();
  return { ...s, all: estate({ clusters: [s.live.cluster], families: [s.live.family], services: [s.live.service] }) };
}

describe('order', () => {
  it('creates clusters, then task definitions, then services', () => {
    const s = synced();
    const p = plan(diff([...s.desired].reverse()));
    expect(kinds(p)).toEqual([`create-cluster ${CLUSTER_ID}`, `register-task-definition ${TD_ID}`, `create-service ${SVC_ID}`]);
    expect(p.skipped).toEqual([]);
  });

  it('keeps clusters before task definitions before services for updates and tag-only changes too', () => {
    const s = synced();
    const c = desired('Cluster', 'prod', clusterSpec({ tags: { team: 'api' } })); // tag-only change
    const t = desired('TaskDefinition', 'app', tdSpec({ image: 'nginx:1.28' }));
    const p = plan(diff([c, t, s.desired[2]!], s.all));
    expect(kinds(p)).toEqual([`tag-resource ${CLUSTER_ID}`, `register-task-definition ${TD_ID}`, `update-service ${SVC_ID}`]);
    expect(p.actions[2]!.fields).toEqual(['taskDefinition']);
  });

  it('deletes after every create and update: services, then revisions, then clusters', () => {
    const s = synced();
    const oldCluster = liveCluster('old', liveClusterSpec(), managedTags('h'));
    const oldRev = revision('old-app', 1, liveTdSpec(), managedTags('h'));
    const oldSvc = liveService({ name: 'old-web', cluster: 'old', spec: liveServiceSpec(), tags: managedTags('h'), primary: oldRev });
    const live = estate({ clusters: [oldCluster], families: [family([oldRev])], services: [oldSvc] });
    const p = plan(diff(s.desired, live), { prune: true });
    expect(kinds(p)).toEqual([
      `create-cluster ${CLUSTER_ID}`,
      `register-task-definition ${TD_ID}`,
      `create-service ${SVC_ID}`,
      'delete-service Service/eu-west-1/old/old-web',
      'deregister-task-definition TaskDefinition/eu-west-1/old-app',
      'delete-cluster Cluster/eu-west-1/old',
    ]);
  });
});

describe('states', () => {
  it('in sync plans nothing', () => {
    const s = synced();
    expect(plan(diff(s.desired, s.all))).toEqual({ actions: [], skipped: [], prune: { status: 'off', deletions: 0, managed: 3, maxPrune: 5 } });
  });

  it('in sync with a stale hash plans only tag-resource', () => {
    const s = synced();
    const cl = { ...s.live.cluster, tags: managedTags('0000000000000000', { team: 'web' }) };
    const p = plan(diff(s.desired, estate({ clusters: [cl], families: [s.live.family], services: [s.live.service] })));
    expect(p.actions).toEqual([{ kind: 'tag-resource', resource: CLUSTER_ID, resourceKind: 'Cluster', reason: expect.any(String), fields: ['tags'] }]);
  });

  it('drifted resources are restored', () => {
    const s = synced();
    const svc = { ...s.live.service, spec: { ...s.live.service.spec, desiredCount: 5 }, desiredCount: 5 };
    const p = plan(diff(s.desired, estate({ clusters: [s.live.cluster], families: [s.live.family], services: [svc] })));
    expect(p.actions).toHaveLength(1);
    expect(p.actions[0]).toMatchObject({ kind: 'update-service', fields: ['desiredCount'] });
    expect(p.actions[0]!.reason).toMatch(/outside git/);
  });

  it('conflicts are never acted on, even with prune and adopt off or on', () => {
    const c = desired('Cluster', 'prod', clusterSpec());
    const d = diff([c], estate({ clusters: [liveCluster('prod', liveClusterSpec(), { team: 'web' })] }));
    expect(d[0]!.state).toBe('conflict');
    const p = plan(d, { prune: true });
    expect(p.actions).toEqual([]);
    expect(p.skipped).toEqual([{ resource: CLUSTER_ID, reason: d[0]!.reason, error: false }]);
  });

  it('invalid resources are skipped as errors and never deleted', () => {
    const s = synced();
    const d = diff([], s.all, { invalid: [invalid('Cluster', 'prod'), invalid('TaskDefinition', 'app'), invalid('Service', 'web', { cluster: 'prod' })] });
    const p = plan(d, { prune: true, loadComplete: false });
    expect(p.actions).toEqual([]);
    expect(p.skipped.map((x) => [x.resource, x.error])).toEqual([
      [CLUSTER_ID, true],
      [TD_ID, true],
      [SVC_ID, true],
    ]);
  });

  it('a suspended resource is reported and skipped, never changed', () => {
    const s = synced();
    const c = desired('Cluster', 'prod', clusterSpec({ tags: { team: 'api' } }), { annotations: { 'ecs-reconciler/suspend': 'true' } });
    const p = plan(diff([c, s.desired[1]!, s.desired[2]!], s.all));
    expect(p.actions).toEqual([]);
    expect(p.skipped).toEqual([{ resource: CLUSTER_ID, reason: expect.stringContaining('suspended'), error: false }]);
  });

  it('a suspended missing resource is not created', () => {
    const c = desired('Cluster', 'prod', clusterSpec(), { annotations: { 'ecs-reconciler/suspend': 'true' } });
    const p = plan(diff([c]));
    expect(p.actions).toEqual([]);
    expect(p.skipped.map((x) => x.resource)).toEqual([CLUSTER_ID]);
  });

  it('a suspended resource in sync with a stale hash is not re-tagged', () => {
    const s = synced();
    const c = desired('Cluster', 'prod', clusterSpec(), { annotations: { 'ecs-reconciler/suspend': 'true' } });
    const cl = { ...s.live.cluster, tags: managedTags('0000000000000000', { team: 'web' }) };
    const d = diff([c], estate({ clusters: [cl] }));
    expect(d[0]).toMatchObject({ state: 'in-sync', staleHash: true, suspended: true });
    expect(plan(d).actions).toEqual([]);
  });
});

describe('replacement', () => {
  const launchEc2 = (annotations: Record<string, string> = {}) => {
    const s = synced();
    const svc = desired('Service', 'web', serviceSpec({ launchType: 'EC2' }), { annotations });
    return diff([s.desired[0]!, s.desired[1]!, svc], s.all);
  };

  it('launchType FARGATE -> EC2 is refused without allow-replace: skipped with an error', () => {
    const p = plan(launchEc2());
    expect(p.actions).toEqual([]);
    expect(p.skipped).toEqual([{ resource: SVC_ID, reason: expect.stringContaining('ecs-reconciler/allow-replace'), error: true }]);
    expect(p.skipped[0]!.reason).toContain('launchType');
  });

  it('with allow-replace "true" it plans replace-service', () => {
    const p = plan(launchEc2({ 'ecs-reconciler/allow-replace': 'true' }));
    expect(kinds(p)).toEqual([`replace-service ${SVC_ID}`]);
    expect(p.actions[0]!.fields).toContain('launchType');
  });

  it('launchType -> capacityProviderStrategy is an update in place', () => {
    const s = synced();
    const { launchType: _l, ...rest } = serviceSpec();
    const svc = desired('Service', 'web', { ...rest, capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }] });
    const p = plan(diff([s.desired[0]!, s.desired[1]!, svc], s.all));
    expect(kinds(p)).toEqual([`update-service ${SVC_ID}`]);
    expect([...p.actions[0]!.fields].sort()).toEqual(['capacityProviderStrategy', 'launchType']);
  });
});

describe('prune', () => {
  const orphans = () => {
    const s = synced();
    return diff([], s.all);
  };

  it('orphaned resources are deleted only with prune', () => {
    const p = plan(orphans());
    expect(p.actions).toEqual([]);
    expect(p.skipped.map((x) => [x.resource, x.error])).toEqual([
      [CLUSTER_ID, false],
      [TD_ID, false],
      [SVC_ID, false],
    ]);
    // (the manifests yield nothing here: pruning to empty needs --allow-empty, tested below)
    expect(kinds(plan(orphans(), { prune: true, allowEmpty: true }))).toEqual([
      `delete-service ${SVC_ID}`,
      `deregister-task-definition ${TD_ID}`,
      `delete-cluster ${CLUSTER_ID}`,
    ]);
  });

  it('with loadComplete false prune deletes nothing and says why, as an error', () => {
    const p = plan(orphans(), { prune: true, loadComplete: false });
    expect(p.actions).toEqual([]);
    expect(p.skipped).toHaveLength(3);
    for (const x of p.skipped) {
      expect(x.error).toBe(true);
      expect(x.reason).toMatch(/failed to load/);
    }
  });

  it('a resource tagged ecs-reconciler:prune = "false" is kept', () => {
    const s = synced();
    const keep = { [TAG.prune]: 'false' };
    const cl = { ...s.live.cluster, tags: { ...s.live.cluster.tags, ...keep } };
    const rev = { ...s.live.rev5, tags: { ...s.live.rev5.tags, ...keep } };
    const svc = { ...s.live.service, tags: { ...s.live.service.tags, ...keep } };
    const d = diff([], estate({ clusters: [cl], families: [family([rev])], services: [svc] }));
    expect(d.map((x) => x.state)).toEqual(['retained', 'retained', 'retained']);
    const p = plan(d, { prune: true, allowEmpty: true });
    expect(p.actions).toEqual([]);
    expect(p.skipped.map((x) => [x.resource, x.error, /kept/.test(x.reason)])).toEqual([
      [CLUSTER_ID, false, true],
      [TD_ID, false, true],
      [SVC_ID, false, true],
    ]);
  });

  it('an orphaned family keeps a revision a service still runs', () => {
    const s = synced();
    // the TaskDefinition manifest is gone, but a service pins revision 5
    const svc = desired('Service', 'web', serviceSpec({ taskDefinition: 'app:5' }));
    const rev4 = revision('app', 4, liveTdSpec({ image: 'nginx:1.26' }), managedTags('h'));
    const d = diff([s.desired[0]!, svc], estate({ clusters: [s.live.cluster], families: [family([s.live.rev5, rev4])], services: [s.live.service] }));
    expect(byId(d, TD_ID).state).toBe('orphaned');
    const p = plan(d, { prune: true });
    const dereg = p.actions.find((a) => a.kind === 'deregister-task-definition');
    expect(dereg?.revisions).toEqual([rev4.arn]);
  });

  it('a revision an orphaned service runs is deregistered only when that service is deleted too', () => {
    const s = synced();
    const keepSvc = { ...s.live.service, tags: { ...s.live.service.tags, [TAG.prune]: 'false' } };
    const kept = plan(diff([], estate({ families: [s.live.family], services: [keepSvc] })), { prune: true });
    expect(kept.actions).toEqual([]);
    expect(kept.skipped.find((x) => x.resource === TD_ID)?.reason).toMatch(/a service still runs/);
    const gone = plan(diff([], estate({ families: [s.live.family], services: [s.live.service] })), { prune: true, allowEmpty: true });
    expect(gone.actions.map((a) => [a.kind, a.revisions])).toEqual([
      ['delete-service', undefined],
      ['deregister-task-definition', [s.live.rev5.arn]],
    ]);
  });

  it("keep-revisions deregisters surplus revisions but never one a service's deployment runs", () => {
    const s = synced();
    const h = s.hashes;
    const revs = [1, 2, 3, 4, 5].map((n) => revision('app', n, liveTdSpec({ image: n === 5 ? 'nginx:1.27' : `nginx:old-${n}` }), managedTags(h[TD_ID])));
    // the service's PRIMARY runs 5; an ACTIVE deployment still drains 2
    const svc = liveService({
      name: 'web',
      spec: liveServiceSpec(),
      tags: s.live.service.tags,
      primary: revs[4]!,
      deployments: [deployment(revs[4]!), deployment(revs[1]!, 'ACTIVE', 1)],
    });
    const d = diff(s.desired, estate({ clusters: [s.live.cluster], families: [family(revs)], services: [svc] }));
    expect(byId(d, TD_ID).state).toBe('in-sync');
    const p = plan(d, { prune: true, keepRevisions: 2 });
    expect(p.actions).toEqual([
      {
        kind: 'deregister-task-definition',
        resource: TD_ID,
        resourceKind: 'TaskDefinition',
        reason: expect.stringContaining('2'),
        fields: [],
        revisions: [revisionArn('app', 3), revisionArn('app', 1)],
      },
    ]);
    // without prune, revisions stay
    expect(plan(d, { keepRevisions: 2 }).actions).toEqual([]);
    // a broken manifest stops revision pruning too
    expect(plan(d, { prune: true, keepRevisions: 2, loadComplete: false }).actions).toEqual([]);
  });

  it('adopting an unmanaged resource says so', () => {
    const c = desired('Cluster', 'prod', clusterSpec({ settings: [] }));
    const d = diff([c], estate({ clusters: [liveCluster('prod', liveClusterSpec(), { team: 'web' })] }), { adopt: true });
    const p = plan(d);
    expect(p.actions).toHaveLength(1);
    expect(p.actions[0]).toMatchObject({ kind: 'update-cluster', fields: ['settings'] });
    expect(p.actions[0]!.reason).toMatch(/adopt/);
    expect(hashes([c])[CLUSTER_ID]).toBe(byId(d, CLUSTER_ID).desiredHash);
  });
});
