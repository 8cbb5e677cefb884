// The prune stage (issue 13): deletions judged as a whole, after every create and
// update; refused on an empty load, beyond --max-prune, across repositories, and for
// a cluster something still runs in; prune "false" is `retained`, released on purpose;
// a CloudFormation stack's resources are not adopted without saying so.
import { describe, expect, it } from 'vitest';
import type { ResourceDiff } from '../src/diff/types.js';
import { TAG } from '../src/model/resource.js';
import { planEstate } from '../src/pipeline/plan.js';
import { defaultMaxPrune, type PlanOptions } from '../src/plan/prune.js';
import { buildReport } from '../src/report/build-report.js';
import { renderText } from '../src/report/render-text.js';
import {
  byId,
  CLUSTER_ID,
  clusterSpec,
  desired,
  diff,
  estate,
  family,
  liveCluster,
  liveClusterSpec,
  liveService,
  liveServiceSpec,
  liveTdSpec,
  managedTags,
  revision,
  SVC_ID,
  serviceSpec,
  syncedEstate,
  TD_ID,
} from './engine-fixtures.js';

const OPTS: PlanOptions = { prune: true, loadComplete: true, keepRevisions: 5, controllerId: 'default' };
const plan = (diffs: ResourceDiff[], opts: Partial<PlanOptions> = {}) => planEstate(diffs, { ...OPTS, ...opts });
const deletions = (p: ReturnType<typeof plan>) => p.actions.filter((a) => /^(delete|deregister)/.test(a.kind)).map((a) => `${a.kind} ${a.resource}`);

/** The small estate applied, then every manifest gone (an empty folder, a wrong ref). */
function allOrphaned(tags: Record<string, string> = {}) {
  const s = syncedEstate();
  const withTags = <T extends { tags: Record<string, string> }>(x: T): T => ({ ...x, tags: { ...x.tags, ...tags } });
  const rev5 = withTags(s.live.rev5);
  return diff(
    [],
    estate({ clusters: [withTags(s.live.cluster)], families: [family([rev5])], services: [withTags({ ...s.live.service, primaryRevision: rev5 })] }),
  );
}

/** A kept cluster and n managed services in it that no manifest names any more. */
function manyOrphanedServices(n: number) {
  const s = syncedEstate();
  const services = Array.from({ length: n }, (_, i) =>
    liveService({ name: `old-${i}`, spec: liveServiceSpec(), tags: managedTags('h'), primary: s.live.rev5 }),
  );
  return diff([s.desired[0]!], estate({ clusters: [s.live.cluster], services }));
}

describe('prune refuses to delete everything when the manifests yield nothing', () => {
  it('an empty load with --prune deletes nothing, as an error that says how to go on', () => {
    const p = plan(allOrphaned());
    expect(deletions(p)).toEqual([]);
    expect(p.prune).toMatchObject({ status: 'refused', deletions: 3, managed: 3 });
    expect(p.prune!.reason).toMatch(/yield no resources at all.*--allow-empty/);
    expect(
      p.skipped
        .filter((x) => x.error)
        .map((x) => x.resource)
        .sort(),
    ).toEqual([CLUSTER_ID, SVC_ID, TD_ID].sort());
  });

  it('--allow-empty prunes to empty on purpose', () => {
    expect(deletions(plan(allOrphaned(), { allowEmpty: true }))).toEqual([
      `delete-service ${SVC_ID}`,
      `deregister-task-definition ${TD_ID}`,
      `delete-cluster ${CLUSTER_ID}`,
    ]);
  });
});

describe('--max-prune bounds one pass', () => {
  it('defaults to the larger of 5 and a quarter of what is managed', () => {
    expect([0, 4, 20, 21, 100, 1000].map(defaultMaxPrune)).toEqual([5, 5, 5, 6, 25, 250]);
  });

  it('more orphans than the bound: nothing deleted, the message names the count and the flag', () => {
    const p = plan(manyOrphanedServices(10));
    expect(deletions(p)).toEqual([]);
    expect(p.prune).toMatchObject({ status: 'refused', deletions: 10, managed: 11, maxPrune: 5 });
    expect(p.prune!.reason).toMatch(/delete 10 of the 11 resource\(s\).*more than --max-prune 5.*pass --max-prune 10 to go on/);
  });

  it('within the bound, or with --max-prune raised, the orphans go', () => {
    expect(deletions(plan(manyOrphanedServices(5)))).toHaveLength(5);
    expect(deletions(plan(manyOrphanedServices(10), { maxPrune: 10 }))).toHaveLength(10);
  });
});

describe('deletions are the last stage and wait for every create and update', () => {
  it('a refused replacement (an update that cannot be made) skips the prune stage', () => {
    const s = synced2();
    const p = plan(s, { allowEmpty: true });
    expect(deletions(p)).toEqual([]);
    expect(p.prune!.reason).toMatch(/prune skipped: 1 create or update of this pass cannot be made/);
  });

  it('report actions carry their stage, and the text shows the prune stage', () => {
    const p = plan(allOrphaned(), { allowEmpty: true });
    const report = buildReport({
      diffs: allOrphaned(),
      plan: p,
      problems: [],
      loadComplete: true,
      controllerId: 'default',
      mode: 'plan',
      now: new Date(0),
      repository: 'github.com/acme/estate/manifests',
    });
    expect(report.resources.flatMap((r) => r.actions.map((a) => a.stage))).toEqual(['prune', 'prune', 'prune']);
    expect(report.prune).toMatchObject({ status: 'planned', deletions: 3 });
    const text = renderText(report);
    expect(text).toContain('Plan (controller "default", repository github.com/acme/estate/manifests)');
    expect(text).toContain('→ prune: delete-service');
    expect(text).toMatch(/Prune stage: 3 orphaned resource\(s\) deleted after every create and update succeeds/);
  });
});

/** A service whose launchType changes (a replacement without allow-replace), and an orphaned service beside it. */
function synced2(): ResourceDiff[] {
  const s = syncedEstate();
  const svc = desired('Service', 'web', serviceSpec({ launchType: 'EC2' }));
  const old = liveService({ name: 'old', spec: liveServiceSpec(), tags: managedTags('h'), primary: s.live.rev5 });
  return diff([s.desired[0]!, s.desired[1]!, svc], estate({ clusters: [s.live.cluster], families: [s.live.family], services: [s.live.service, old] }));
}

describe('a cluster is deleted only once nothing runs in it', () => {
  it('a service this plan does not delete keeps the cluster, whoever owns it', () => {
    const s = syncedEstate();
    const cluster = { ...s.live.cluster, activeServicesCount: 2, runningTasksCount: 4 };
    const keptSvc = { ...s.live.service, tags: { ...s.live.service.tags, [TAG.prune]: 'false' } };
    const p = plan(diff([], estate({ clusters: [cluster], families: [s.live.family], services: [keptSvc] })), { allowEmpty: true });
    expect(deletions(p)).not.toContain(`delete-cluster ${CLUSTER_ID}`);
    expect(p.skipped.find((x) => x.resource === CLUSTER_ID)?.reason).toMatch(/kept: 2 service\(s\) \(web\).*still in it, whoever owns them/);
  });

  it('a hand-made task in it (counted by ECS, owned by no service) keeps it too', () => {
    const s = syncedEstate();
    const cluster = { ...s.live.cluster, activeServicesCount: 1, runningTasksCount: 2 + 1 };
    const p = plan(diff([], estate({ clusters: [cluster], families: [s.live.family], services: [s.live.service] })), { allowEmpty: true });
    expect(deletions(p)).toEqual([`delete-service ${SVC_ID}`, `deregister-task-definition ${TD_ID}`]);
    expect(p.skipped.find((x) => x.resource === CLUSTER_ID)?.reason).toMatch(/kept: 1 task\(s\) still in it/);
  });

  it('its own orphaned services deleted in the same plan do not keep it', () => {
    const s = syncedEstate();
    const cluster = { ...s.live.cluster, activeServicesCount: 1, runningTasksCount: 2 };
    const p = plan(diff([], estate({ clusters: [cluster], families: [s.live.family], services: [s.live.service] })), { allowEmpty: true });
    expect(deletions(p)).toContain(`delete-cluster ${CLUSTER_ID}`);
  });
});

describe('prune "false" resources are retained, and released on purpose', () => {
  const retainedEstate = () => {
    const s = syncedEstate();
    const keep = { [TAG.prune]: 'false' };
    return {
      s,
      diffs: diff(
        [s.desired[0]!, s.desired[1]!],
        estate({ clusters: [s.live.cluster], families: [s.live.family], services: [{ ...s.live.service, tags: { ...s.live.service.tags, ...keep } }] }),
      ),
    };
  };

  it('is reported retained, not orphaned, and never deleted', () => {
    const { diffs } = retainedEstate();
    expect(byId(diffs, SVC_ID).state).toBe('retained');
    expect(byId(diffs, SVC_ID).reason).toMatch(/apply --release Service\/eu-west-1\/prod\/web/);
    const p = plan(diffs);
    expect(deletions(p)).toEqual([]);
    expect(p.skipped.find((x) => x.resource === SVC_ID)).toMatchObject({ error: false });
  });

  it('--release plans a release-resource action (with or without the region in the id)', () => {
    const { diffs } = retainedEstate();
    for (const id of [SVC_ID, 'Service/prod/web']) {
      const p = plan(diffs, { prune: false, release: [id] });
      expect(p.actions.map((a) => `${a.kind} ${a.resource}`)).toEqual([`release-resource ${SVC_ID}`]);
    }
  });

  it('--release of an id that is neither retained nor orphaned is an error, not a guess', () => {
    const { diffs } = retainedEstate();
    const p = plan(diffs, { release: ['Service/eu-west-1/prod/wbe'] });
    expect(p.actions).toEqual([]);
    expect(p.skipped).toContainEqual(
      expect.objectContaining({ resource: 'Service/eu-west-1/prod/wbe', error: true, reason: expect.stringMatching(/no retained or orphaned resource/) }),
    );
  });
});

describe('two repositories sharing a controller id never prune each other', () => {
  const here = 'github.com/acme/estate/manifests';

  it('a resource recorded from another repository is refused, as an error', () => {
    const p = plan(allOrphaned({ [TAG.repository]: 'github.com/acme/other' }), { allowEmpty: true, repository: here });
    expect(deletions(p)).toEqual([]);
    expect(p.skipped.find((x) => x.resource === SVC_ID)).toMatchObject({
      error: true,
      reason: expect.stringMatching(/applied from the repository "github.com\/acme\/other", not from this one/),
    });
  });

  it('its own repository prunes it', () => {
    expect(deletions(plan(allOrphaned({ [TAG.repository]: here }), { allowEmpty: true, repository: here, implicitControllerId: true }))).toHaveLength(3);
  });

  it('with the default id, a resource recording no repository is not pruned', () => {
    const p = plan(allOrphaned(), { allowEmpty: true, repository: here, implicitControllerId: true });
    expect(deletions(p)).toEqual([]);
    expect(p.skipped.find((x) => x.resource === SVC_ID)?.reason).toMatch(/records no source repository.*--controller-id/);
  });

  it('with the default id outside a git checkout, the prune stage is refused', () => {
    const p = plan(allOrphaned(), { allowEmpty: true, implicitControllerId: true });
    expect(p.prune!.reason).toMatch(/not in a git checkout.*--controller-id/);
  });

  it('a managed resource recording no repository (or another) gets its ownership tags brought up to date', () => {
    const s = syncedEstate();
    const d = diff(s.desired, estate({ clusters: [s.live.cluster], families: [s.live.family], services: [s.live.service] }), { repository: here });
    expect(d.map((x) => [x.state, x.staleHash])).toEqual([
      ['in-sync', true],
      ['in-sync', true],
      ['in-sync', true],
    ]);
    expect(plan(d).actions.map((a) => a.kind)).toEqual(['tag-resource', 'tag-resource', 'tag-resource']);
  });
});

describe('resources a CloudFormation stack owns', () => {
  const stackTags = { 'aws:cloudformation:stack-name': 'legacy', 'aws:cloudformation:logical-id': 'Web' };
  const unmanaged = () => {
    const s = syncedEstate();
    const svc = { ...s.live.service, tags: stackTags };
    return { s, live: estate({ clusters: [s.live.cluster], families: [s.live.family], services: [svc] }) };
  };

  it('are a conflict that --adopt refuses, naming the stack and the flag', () => {
    const { s, live } = unmanaged();
    const d = byId(diff(s.desired, live, { adopt: true }), SVC_ID);
    expect(d.state).toBe('conflict');
    expect(d.reason).toMatch(/CloudFormation stack "legacy".*--adopt-cloudformation/);
  });

  it('are adopted with --adopt --adopt-cloudformation', () => {
    const { s, live } = unmanaged();
    expect(byId(diff(s.desired, live, { adopt: true, adoptCloudFormation: true }), SVC_ID).state).not.toBe('conflict');
  });

  it('a family whose newest revision a stack registered is one too', () => {
    const s = syncedEstate();
    const rev = revision('app', 6, liveTdSpec(), stackTags);
    const d = byId(diff(s.desired, estate({ clusters: [s.live.cluster], families: [family([rev])] }), { adopt: true }), TD_ID);
    expect(d.state).toBe('conflict');
  });
});

// keep the import of helpers used only for types honest
void clusterSpec;
void liveCluster;
void liveClusterSpec;
