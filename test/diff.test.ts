// diffEstate: desired + live -> one ResourceDiff per resource, with its state (DESIGN.md
// "Ownership and memory") and its field changes (DESIGN.md "Diff accuracy").

import { describe, expect, it } from 'vitest';
import { replacementNeeded } from '../src/kinds/service/diff.js';
import { TAG } from '../src/model/resource.js';
import {
  byId,
  CLUSTER_ID,
  CONTROLLER,
  clusterSpec,
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
  REGION,
  revision,
  SVC_ID,
  serviceSpec,
  syncedEstate,
  TD_ID,
  tdSpec,
} from './engine-fixtures.js';

function synced() {
  const s = syncedEstate();
  return { ...s, all: estate({ clusters: [s.live.cluster], families: [s.live.family], services: [s.live.service] }) };
}

describe('states', () => {
  it('a resource in the manifests and not live is missing, with the manifest as its target', () => {
    const s = synced();
    const diffs = diff(s.desired, estate());
    expect(diffs.map((d) => [d.id, d.state])).toEqual([
      [CLUSTER_ID, 'missing'],
      [TD_ID, 'missing'],
      [SVC_ID, 'missing'],
    ]);
    expect(byId(diffs, TD_ID).target).toMatchObject({ containerDefinitions: [{ name: 'app', image: 'nginx:1.27' }] });
    expect(byId(diffs, CLUSTER_ID).targetTags).toEqual({ team: 'web' });
  });

  it("a live resource with this controller's managed-by tag and equal content is in-sync (server-filled defaults are no drift)", () => {
    const s = synced();
    const diffs = diff(s.desired, s.all);
    for (const d of diffs) {
      expect(d.state, `${d.id}: ${JSON.stringify(d.changes)}`).toBe('in-sync');
      expect(d.changes).toEqual([]);
      expect(d.staleHash).toBe(false);
    }
    expect(byId(diffs, SVC_ID).replacementFields).toEqual([]);
  });

  it("content differing with an applied-hash other than the manifest's is pending, caused by the manifest", () => {
    const s = synced();
    const edited = desired('Cluster', 'prod', clusterSpec({ settings: [{ name: 'containerInsights', value: 'disabled' }] }));
    const d = byId(diff([edited], s.all), CLUSTER_ID);
    expect(d.state).toBe('pending');
    expect(d.appliedHash).toBe(s.hashes[CLUSTER_ID]);
    expect(d.desiredHash).not.toBe(d.appliedHash);
    expect(d.changes).toEqual([{ path: 'settings', live: [{ name: 'containerInsights', value: 'enabled' }], desired: undefined, cause: 'manifest' }]);
  });

  it("content differing with the applied-hash equal to the manifest's is drifted, caused out-of-band", () => {
    const s = synced();
    const handEdited = { ...s.live.cluster, spec: { ...liveClusterSpec(), settings: [{ name: 'containerInsights', value: 'disabled' }] } };
    const d = byId(diff(s.desired, estate({ clusters: [handEdited] })), CLUSTER_ID);
    expect(d.state).toBe('drifted');
    expect(d.appliedHash).toBe(d.desiredHash);
    expect(d.changes).toEqual([{ path: 'settings', live: undefined, desired: [{ name: 'containerInsights', value: 'enabled' }], cause: 'out-of-band' }]);
  });

  it('a same-named live resource without the managed-by tag is a conflict, and untouched', () => {
    const c = desired('Cluster', 'prod', clusterSpec());
    const d = byId(diff([c], estate({ clusters: [liveCluster('prod', liveClusterSpec(), { team: 'web' })] })), CLUSTER_ID);
    expect(d.state).toBe('conflict');
    expect(d.reason).toMatch(/not managed by this controller/);
    expect(d.changes).toEqual([]);
  });

  it('with adopt, an unmanaged same-named resource is pending with no applied hash', () => {
    const c = desired('Cluster', 'prod', clusterSpec());
    const d = byId(diff([c], estate({ clusters: [liveCluster('prod', liveClusterSpec(), {})] }), { adopt: true }), CLUSTER_ID);
    expect(d.state).toBe('pending');
    expect(d.appliedHash).toBeUndefined();
    expect(d.changes).toEqual([{ path: 'tags.team', live: undefined, desired: 'web', cause: 'manifest' }]);
  });

  it('with adopt, an unmanaged resource whose content already matches is in-sync with stale ownership tags', () => {
    const c = desired('Cluster', 'prod', clusterSpec());
    const d = byId(diff([c], estate({ clusters: [liveCluster('prod', liveClusterSpec(), { team: 'web' })] }), { adopt: true }), CLUSTER_ID);
    expect(d.state).toBe('in-sync');
    expect(d.staleHash).toBe(true);
  });

  it('a live resource managed by another controller id is a conflict that names the owner', () => {
    const c = desired('Cluster', 'prod', clusterSpec());
    const other = liveCluster('prod', liveClusterSpec(), managedTags('0123456789abcdef', { team: 'web' }, 'blue'));
    const d = byId(diff([c], estate({ clusters: [other] })), CLUSTER_ID);
    expect(d.state).toBe('conflict');
    expect(d.reason).toContain('"blue"');
  });

  it('a resource another controller manages stays a conflict even with adopt (adopt takes only unmanaged ones)', () => {
    const c = desired('Cluster', 'prod', clusterSpec());
    const other = liveCluster('prod', liveClusterSpec(), managedTags('0123456789abcdef', { team: 'web' }, 'blue'));
    const d = byId(diff([c], estate({ clusters: [other] }), { adopt: true }), CLUSTER_ID);
    expect(d.state).toBe('conflict');
    expect(d.reason).toContain('"blue"');
  });

  it('a task definition family whose revisions another controller manages is a conflict naming the owner', () => {
    const t = desired('TaskDefinition', 'app', tdSpec());
    const fam = family([revision('app', 2, liveTdSpec(), managedTags('x', {}, 'blue'))]);
    const d = byId(diff([t], estate({ families: [fam] })), TD_ID);
    expect(d.state).toBe('conflict');
    expect(d.reason).toContain('"blue"');
  });

  it('a managed live resource that no manifest names is orphaned; unmanaged ones are not reported', () => {
    const s = synced();
    const stranger = liveCluster('theirs', liveClusterSpec(), {});
    const diffs = diff([], estate({ clusters: [s.live.cluster, stranger], families: [s.live.family], services: [s.live.service] }));
    expect(diffs.map((d) => [d.id, d.state])).toEqual([
      [CLUSTER_ID, 'orphaned'],
      [TD_ID, 'orphaned'],
      [SVC_ID, 'orphaned'],
    ]);
  });

  it('a resource whose manifest failed to load is invalid and not orphaned', () => {
    const s = synced();
    const diffs = diff([], s.all, { invalid: [invalid('Cluster', 'prod'), invalid('TaskDefinition', 'app'), invalid('Service', 'web', { cluster: 'prod' })] });
    expect(diffs.map((d) => [d.id, d.state])).toEqual([
      [CLUSTER_ID, 'invalid'],
      [TD_ID, 'invalid'],
      [SVC_ID, 'invalid'],
    ]);
    expect(byId(diffs, CLUSTER_ID).reason).toContain('broken/prod.yaml:3');
  });

  it('an invalid Service named by its cluster ARN matches the live service', () => {
    const s = synced();
    const diffs = diff([], s.all, { invalid: [invalid('Service', 'web', { cluster: `arn:aws:ecs:${REGION}:123456789012:cluster/prod` })] });
    expect(byId(diffs, SVC_ID).state).toBe('invalid');
  });

  it('an invalid document without kind or name does not stop others from being orphaned', () => {
    const s = synced();
    const diffs = diff([], estate({ clusters: [s.live.cluster] }), { invalid: [{ source: { file: 'x.yaml', line: 1, column: 1 } }] });
    expect(diffs.map((d) => d.state)).toEqual(['orphaned']);
  });

  it('the suspend annotation marks the diff suspended and does not change its state', () => {
    const s = synced();
    const c = desired('Cluster', 'prod', clusterSpec({ tags: { team: 'api' } }), { annotations: { 'ecs-reconciler/suspend': 'true' } });
    const d = byId(diff([c], s.all), CLUSTER_ID);
    expect(d.suspended).toBe(true);
    expect(d.state).toBe('pending');
    expect(byId(diff(s.desired, s.all), CLUSTER_ID).suspended).toBe(false);
  });

  it('in-sync content with an applied-hash that differs (an old hash scheme, say) is flagged staleHash', () => {
    const s = synced();
    const cl = { ...s.live.cluster, tags: managedTags('feedfacefeedface', { team: 'web' }) };
    const d = byId(diff(s.desired, estate({ clusters: [cl] })), CLUSTER_ID);
    expect(d.state).toBe('in-sync');
    expect(d.staleHash).toBe(true);
  });
});

describe('task definitions', () => {
  it('are compared by content: the newest managed revision equal to the manifest is in sync', () => {
    const s = synced();
    const rev6 = revision('app', 6, liveTdSpec(), managedTags(s.hashes[TD_ID]));
    const d = byId(diff(s.desired, estate({ families: [family([s.live.rev5, rev6])] })), TD_ID);
    expect(d.state).toBe('in-sync');
    expect(d.reason).toContain('revision 6');
  });

  it('an image edited in the manifest is pending with the container path', () => {
    const s = synced();
    const t = desired('TaskDefinition', 'app', tdSpec({ image: 'nginx:1.28' }));
    const d = byId(diff([t], s.all), TD_ID);
    expect(d.state).toBe('pending');
    expect(d.changes).toEqual([{ path: 'containerDefinitions[name=app].image', live: 'nginx:1.27', desired: 'nginx:1.28', cause: 'manifest' }]);
    expect(d.target).toMatchObject({ containerDefinitions: [{ image: 'nginx:1.28' }] });
  });

  it('a revision registered by hand on top of ours is drifted (out-of-band)', () => {
    const s = synced();
    const handMade = revision('app', 6, liveTdSpec({ image: 'nginx:hotfix' }), {});
    const d = byId(diff(s.desired, estate({ families: [family([s.live.rev5, handMade])] })), TD_ID);
    expect(d.state).toBe('drifted');
    expect(d.changes).toEqual([{ path: 'containerDefinitions[name=app].image', live: 'nginx:hotfix', desired: 'nginx:1.27', cause: 'out-of-band' }]);
  });
});

describe('services', () => {
  it('a service on revision 5 whose content equals the manifest is in sync even when revision 6 holds the same content', () => {
    const s = synced();
    const rev6 = revision('app', 6, liveTdSpec(), managedTags(s.hashes[TD_ID]));
    const live = estate({ clusters: [s.live.cluster], families: [family([s.live.rev5, rev6])], services: [s.live.service] });
    const d = byId(diff(s.desired, live), SVC_ID);
    expect(d.state).toBe('in-sync');
    expect(d.changes).toEqual([]);
  });

  it('editing the image in the TaskDefinition manifest makes the task definition and the service pending', () => {
    const s = synced();
    const t = desired('TaskDefinition', 'app', tdSpec({ image: 'nginx:1.28' }));
    const diffs = diff([s.desired[0]!, t, s.desired[2]!], s.all);
    expect(byId(diffs, TD_ID).state).toBe('pending');
    const svc = byId(diffs, SVC_ID);
    expect(svc.state).toBe('pending');
    expect(svc.desiredHash).not.toBe(s.hashes[SVC_ID]);
    expect(svc.changes).toEqual([{ path: 'taskDefinition', live: 'app:5', desired: 'app (a new revision)', cause: 'manifest' }]);
    expect(svc.replacementFields).toEqual([]);
  });

  it('the service hash covers the task definition it runs', () => {
    const s = synced();
    const t = desired('TaskDefinition', 'app', tdSpec({ image: 'nginx:1.28' }));
    expect(hashes([t, s.desired[2]!])[SVC_ID]).not.toBe(s.hashes[SVC_ID]);
  });

  it('a service moved by hand to another revision is drifted on taskDefinition', () => {
    const s = synced();
    const rev4 = revision('app', 4, liveTdSpec({ image: 'nginx:1.26' }), managedTags('oldhash'));
    const moved = liveService({ name: 'web', spec: liveServiceSpec(), tags: s.live.service.tags, primary: rev4 });
    const live = estate({ clusters: [s.live.cluster], families: [family([s.live.rev5, rev4])], services: [moved] });
    const d = byId(diff(s.desired, live), SVC_ID);
    expect(d.state).toBe('drifted');
    expect(d.changes).toEqual([{ path: 'taskDefinition', live: 'app:4', desired: 'app:5', cause: 'out-of-band' }]);
  });

  it('a service whose TaskDefinition manifest does not load keeps its revision: no taskDefinition change, no re-tag', () => {
    const s = synced();
    const rev6 = revision('app', 6, liveTdSpec({ image: 'by-hand' }), {});
    const live = estate({ clusters: [s.live.cluster], families: [family([s.live.rev5, rev6])], services: [s.live.service] });
    const diffs = diff([s.desired[0]!, s.desired[2]!], live, { invalid: [invalid('TaskDefinition', 'app')] });
    expect(byId(diffs, TD_ID).state).toBe('invalid');
    const svc = byId(diffs, SVC_ID);
    expect(svc.state).toBe('in-sync');
    expect(svc.changes).toEqual([]);
    expect(svc.staleHash).toBe(false);
  });

  it('a pinned family:revision is compared by label', () => {
    const s = synced();
    const svc = desired('Service', 'web', serviceSpec({ taskDefinition: 'app:4' }));
    const d = byId(diff([s.desired[0]!, s.desired[1]!, svc], s.all), SVC_ID);
    expect(d.state).toBe('pending');
    expect(d.changes).toEqual([{ path: 'taskDefinition', live: 'app:5', desired: 'app:4', cause: 'manifest' }]);
  });

  const scaled = (extra: Record<string, unknown> = {}) =>
    desired(
      'Service',
      'web',
      serviceSpec({
        autoScaling: {
          minCapacity: 2,
          maxCapacity: 10,
          targetTracking: [{ policyName: 'cpu60', predefinedMetricType: 'ECSServiceAverageCPUUtilization', targetValue: 60 }],
        },
        ...extra,
      }),
    );

  function scaledTo(count: number) {
    const svc = scaled();
    const s = syncedEstate({ svc });
    const live = liveService({ name: 'web', spec: liveServiceSpec({ desiredCount: count }), tags: s.live.service.tags, primary: s.live.rev5 });
    // the scalable target and policies as Application Auto Scaling holds them
    live.scaling = structuredClone(svc.spec.autoScaling as Record<string, unknown>);
    return byId(diff(s.desired, estate({ clusters: [s.live.cluster], families: [s.live.family], services: [live] })), SVC_ID);
  }

  it('desiredCount inside [minCapacity, maxCapacity] is not drift and is listed as ignored, owned by the autoscaler', () => {
    const d = scaledTo(7);
    expect(d.state).toBe('in-sync');
    expect(d.changes).toEqual([]);
    expect(d.ignored).toEqual([{ path: 'desiredCount', live: 7, desired: 2, cause: 'autoscaler' }]);
    expect(d.target?.desiredCount).toBeUndefined();
  });

  it('desiredCount above maxCapacity is a change to maxCapacity', () => {
    const d = scaledTo(30);
    expect(d.state).toBe('drifted');
    expect(d.changes).toEqual([{ path: 'desiredCount', live: 30, desired: 10, cause: 'out-of-band' }]);
  });

  it('desiredCount below minCapacity is a change to minCapacity', () => {
    const d = scaledTo(0);
    expect(d.changes).toEqual([{ path: 'desiredCount', live: 0, desired: 2, cause: 'out-of-band' }]);
  });

  it('launchType FARGATE -> EC2 needs replacement', () => {
    const s = synced();
    const svc = desired('Service', 'web', serviceSpec({ launchType: 'EC2' }));
    const d = byId(diff([s.desired[0]!, s.desired[1]!, svc], s.all), SVC_ID);
    expect(d.state).toBe('pending');
    expect(d.replacementFields).toEqual(['launchType']);
    expect(d.changes.map((c) => c.path)).toContain('launchType');
  });

  it('launchType -> capacityProviderStrategy is an in-place change, not a replacement', () => {
    const s = synced();
    const { launchType: _l, ...rest } = serviceSpec();
    const svc = desired('Service', 'web', { ...rest, capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }] });
    const d = byId(diff([s.desired[0]!, s.desired[1]!, svc], s.all), SVC_ID);
    expect(d.state).toBe('pending');
    expect(d.replacementFields).toEqual([]);
    expect(d.changes.map((c) => c.path).sort()).toEqual(['capacityProviderStrategy', 'launchType']);
  });

  it('a service on the default REPLICA strategy and the service-linked role needs no replacement for an ordinary change', () => {
    const s = synced();
    const svc = desired('Service', 'web', serviceSpec({ desiredCount: 3 }));
    const d = byId(diff([s.desired[0]!, s.desired[1]!, svc], s.all), SVC_ID);
    expect(d.changes).toEqual([{ path: 'desiredCount', live: 2, desired: 3, cause: 'manifest' }]);
    expect(d.replacementFields).toEqual([]);
  });

  it('a role given by name equals the ARN DescribeServices reports; changing it needs replacement', () => {
    const s = synced();
    const withRole = (role: string) =>
      liveService({ name: 'web', spec: liveServiceSpec({ role: `arn:aws:iam::123456789012:role/${role}` }), tags: s.live.service.tags, primary: s.live.rev5 });
    const svc = desired('Service', 'web', serviceSpec({ role: 'ecsServiceRole', desiredCount: 3 }));
    const same = byId(diff([s.desired[0]!, s.desired[1]!, svc], estate({ families: [s.live.family], services: [withRole('ecsServiceRole')] })), SVC_ID);
    expect(same.changes.map((c) => c.path)).toEqual(['desiredCount']);
    expect(same.replacementFields).toEqual([]);
    const other = byId(diff([s.desired[0]!, s.desired[1]!, svc], estate({ families: [s.live.family], services: [withRole('otherRole')] })), SVC_ID);
    expect(other.replacementFields).toEqual(['role']);
  });

  it("a DAEMON service's desiredCount belongs to ECS (one task per instance): no drift when the manifest gives none", () => {
    const s = synced();
    const spec = serviceSpec({ schedulingStrategy: 'DAEMON', launchType: 'EC2' });
    delete (spec as Record<string, unknown>).desiredCount;
    const svc = desired('Service', 'web', spec);
    const live = liveService({
      name: 'web',
      spec: liveServiceSpec({
        schedulingStrategy: 'DAEMON',
        launchType: 'EC2',
        desiredCount: 4,
        deploymentConfiguration: { maximumPercent: 100, minimumHealthyPercent: 0 },
      }),
      tags: s.live.service.tags,
      primary: s.live.rev5,
    });
    const d = byId(diff([s.desired[0]!, s.desired[1]!, svc], estate({ families: [s.live.family], services: [live] })), SVC_ID);
    expect(d.changes.map((c) => c.path)).not.toContain('desiredCount');
  });

  it('schedulingStrategy REPLICA -> DAEMON needs replacement', () => {
    expect(replacementNeeded({ schedulingStrategy: 'REPLICA' }, { schedulingStrategy: 'DAEMON' })).toEqual(['schedulingStrategy']);
  });
});

describe('tags', () => {
  it('a tag changed by hand is drifted with path tags.KEY', () => {
    const s = synced();
    const cl = { ...s.live.cluster, tags: { ...s.live.cluster.tags, team: 'someone-else' } };
    const d = byId(diff(s.desired, estate({ clusters: [cl] })), CLUSTER_ID);
    expect(d.state).toBe('drifted');
    expect(d.changes).toEqual([{ path: 'tags.team', live: 'someone-else', desired: 'web', cause: 'out-of-band' }]);
  });

  it('a tag added by hand is drifted (it is removed on apply)', () => {
    const s = synced();
    const svc = { ...s.live.service, tags: { ...s.live.service.tags, owner: 'bob' } };
    const d = byId(diff(s.desired, estate({ clusters: [s.live.cluster], families: [s.live.family], services: [svc] })), SVC_ID);
    expect(d.state).toBe('drifted');
    expect(d.changes).toEqual([{ path: 'tags.owner', live: 'bob', desired: undefined, cause: 'out-of-band' }]);
  });

  it('ecs-reconciler:* and aws:* tags are never compared as user tags', () => {
    const s = synced();
    const cl = {
      ...s.live.cluster,
      tags: { ...s.live.cluster.tags, 'aws:cloudformation:stack-name': 'x', 'AWS:Other': 'y', [TAG.revision]: 'abc123', [TAG.prune]: 'false' },
    };
    const d = byId(diff(s.desired, estate({ clusters: [cl] })), CLUSTER_ID);
    expect(d.state).toBe('in-sync');
    expect(d.changes).toEqual([]);
  });

  it('task definition tags are compared on the newest revision', () => {
    const t = desired('TaskDefinition', 'app', tdSpec({ tags: { team: 'web' } }));
    const h = hashes([t]);
    const fam = family([revision('app', 5, liveTdSpec(), managedTags(h[TD_ID], { team: 'api' }))]);
    const d = byId(diff([t], estate({ families: [fam] })), TD_ID);
    expect(d.state).toBe('drifted');
    expect(d.changes).toEqual([{ path: 'tags.team', live: 'api', desired: 'web', cause: 'out-of-band' }]);
  });
});

describe('controller id', () => {
  it('the controller id decides what is ours', () => {
    const s = synced();
    // read by controller "blue", the family has no revision of its own
    const fam = family([s.live.rev5], { controllerId: 'blue' });
    const diffs = diff(s.desired, estate({ clusters: [s.live.cluster], families: [fam], services: [s.live.service] }), { controllerId: 'blue' });
    expect(diffs.map((d) => d.state)).toEqual(['conflict', 'conflict', 'conflict']);
    expect(byId(diffs, SVC_ID).reason).toContain(`"${CONTROLLER}"`);
  });
});
