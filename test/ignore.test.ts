// Ignore rules (`ecs-reconciler/ignore`): a field owned elsewhere (CI's image tag) takes
// the manifest's value at creation and keeps the live value on every update.

import { describe, expect, it } from 'vitest';
import { applyIgnoreRules, parseIgnoreRules, valueAtRule, withoutIgnored } from '../src/diff/ignore.js';
import { TAG } from '../src/model/resource.js';
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
  liveTdSpec,
  managedTags,
  revision,
  SVC_ID,
  serviceSpec,
  syncedEstate,
  TD_ID,
  tdSpec,
} from './engine-fixtures.js';

const IMAGE_RULE = { 'ecs-reconciler/ignore': 'containerDefinitions[name=app].image' };
const TAG_RULE = { 'ecs-reconciler/ignore': 'tags.deployed-by' };

describe('parseIgnoreRules', () => {
  it('reads comma-separated paths keyed by name, index or plain key', () => {
    const { rules, errors } = parseIgnoreRules(' containerDefinitions[name=app].image, tags.deployed-by ,spec.volumes[0].name,, ');
    expect(errors).toEqual([]);
    expect(rules.map((r) => r.segments)).toEqual([
      [{ key: 'containerDefinitions', match: { field: 'name', value: 'app' } }, { key: 'image' }],
      [{ key: 'tags' }, { key: 'deployed-by' }],
      [{ key: 'volumes', index: 0 }, { key: 'name' }],
    ]);
  });

  it('no annotation means no rules and no errors', () => {
    expect(parseIgnoreRules(undefined)).toEqual({ rules: [], errors: [] });
    expect(parseIgnoreRules('')).toEqual({ rules: [], errors: [] });
  });

  it.each(['containerDefinitions[name=app.image', 'containerDefinitions[name=].image', 'a..b', 'tags.', 'image!', '[name=app]'])(
    'reports the malformed rule %j and keeps the good ones',
    (bad) => {
      const { rules, errors } = parseIgnoreRules(`tags.deployed-by, ${bad}`);
      expect(rules.map((r) => r.text)).toEqual(['tags.deployed-by']);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toContain(bad);
    },
  );
});

describe('applyIgnoreRules / withoutIgnored', () => {
  const rules = parseIgnoreRules('containerDefinitions[name=app].image').rules;
  const manifest = {
    containerDefinitions: [
      { name: 'side', image: 'envoy' },
      { name: 'app', image: 'nginx:1.27' },
    ],
  };

  it('puts the live value at the path and reports it when it differs', () => {
    const live = {
      containerDefinitions: [
        { name: 'app', image: 'repo/app:ci-42' },
        { name: 'side', image: 'envoy' },
      ],
    };
    const { spec, ignored } = applyIgnoreRules(manifest, live, rules);
    expect(spec).toEqual({
      containerDefinitions: [
        { name: 'side', image: 'envoy' },
        { name: 'app', image: 'repo/app:ci-42' },
      ],
    });
    expect(ignored).toEqual([{ path: 'containerDefinitions[name=app].image', live: 'repo/app:ci-42', desired: 'nginx:1.27' }]);
    expect(manifest.containerDefinitions[1]!.image).toBe('nginx:1.27');
  });

  it('keeps the manifest value where live has none (a container new in the manifest)', () => {
    const live = { containerDefinitions: [{ name: 'side', image: 'envoy' }] };
    const { spec, ignored } = applyIgnoreRules(manifest, live, rules);
    expect(valueAtRule(spec, rules[0]!)).toBe('nginx:1.27');
    expect(ignored).toEqual([]);
  });

  it('withoutIgnored drops the path (what the applied hash covers)', () => {
    expect(withoutIgnored(manifest, rules)).toEqual({ containerDefinitions: [{ name: 'side', image: 'envoy' }, { name: 'app' }] });
  });
});

describe('containerDefinitions[name=app].image', () => {
  const td = (image: string) => desired('TaskDefinition', 'app', tdSpec({ image }), { annotations: IMAGE_RULE });

  it('keeps the live image on update: no change reported, listed as ignored', () => {
    const t = td('nginx:1.27');
    const h = hashes([t]);
    const fam = family([revision('app', 7, liveTdSpec({ image: 'repo/app:ci-42' }), managedTags(h[TD_ID]))]);
    const d = byId(diff([t], estate({ families: [fam] })), TD_ID);
    expect(d.state).toBe('in-sync');
    expect(d.changes).toEqual([]);
    expect(d.ignored).toEqual([{ path: 'containerDefinitions[name=app].image', live: 'repo/app:ci-42', desired: 'nginx:1.27', cause: 'manifest' }]);
    expect(d.target).toMatchObject({ containerDefinitions: [{ image: 'repo/app:ci-42' }] });
  });

  it('a real change beside it registers a revision that keeps the live image', () => {
    const base = td('nginx:1.27');
    const h = hashes([base]);
    const fam = family([revision('app', 7, liveTdSpec({ image: 'repo/app:ci-42' }), managedTags(h[TD_ID]))]);
    const t = desired('TaskDefinition', 'app', tdSpec({ image: 'nginx:1.27', env: [{ name: 'NODE_ENV', value: 'staging' }] }), { annotations: IMAGE_RULE });
    const d = byId(diff([t], estate({ families: [fam] })), TD_ID);
    expect(d.state).toBe('pending');
    expect(d.changes.map((c) => c.path)).toEqual(['containerDefinitions[name=app].environment[name=NODE_ENV].value']);
    expect(d.target).toMatchObject({ containerDefinitions: [{ image: 'repo/app:ci-42' }] });
  });

  it("takes the manifest's image at creation", () => {
    const d = byId(diff([td('nginx:1.27')]), TD_ID);
    expect(d.state).toBe('missing');
    expect(d.target).toMatchObject({ containerDefinitions: [{ name: 'app', image: 'nginx:1.27' }] });
  });

  it('the applied hash does not change when only the ignored image changes in the manifest', () => {
    const a = hashes([td('nginx:1.27'), desired('Service', 'web', serviceSpec())]);
    const b = hashes([td('nginx:9.99'), desired('Service', 'web', serviceSpec())]);
    expect(b[TD_ID]).toBe(a[TD_ID]);
    expect(b[SVC_ID]).toBe(a[SVC_ID]);
    // ... and does when a field not ignored changes
    expect(hashes([desired('TaskDefinition', 'app', tdSpec({ image: 'nginx:1.27' }))])[TD_ID]).not.toBe(a[TD_ID]);
  });

  it("a service running CI's revision is in sync", () => {
    const t = td('nginx:1.27');
    const s = syncedEstate({ td: t });
    const ci = revision('app', 6, liveTdSpec({ image: 'repo/app:ci-42' }), managedTags(s.hashes[TD_ID]));
    const svc = { ...s.live.service, spec: { ...s.live.service.spec, taskDefinition: ci.arn }, primaryRevision: ci };
    const diffs = diff(s.desired, estate({ clusters: [s.live.cluster], families: [family([s.live.rev5, ci])], services: [svc] }));
    expect(byId(diffs, TD_ID).state).toBe('in-sync');
    expect(byId(diffs, SVC_ID).state).toBe('in-sync');
  });
});

describe('tags.deployed-by', () => {
  const cluster = (deployedBy: string) =>
    desired('Cluster', 'prod', clusterSpec({ tags: { team: 'web', 'deployed-by': deployedBy } }), { annotations: TAG_RULE });

  it('keeps the live tag on update: no change reported, listed as ignored', () => {
    const c = cluster('git');
    const h = hashes([c]);
    const live = liveCluster('prod', liveClusterSpec(), managedTags(h[CLUSTER_ID], { team: 'web', 'deployed-by': 'pipeline-7' }));
    const d = byId(diff([c], estate({ clusters: [live] })), CLUSTER_ID);
    expect(d.state).toBe('in-sync');
    expect(d.changes).toEqual([]);
    expect(d.ignored).toEqual([{ path: 'tags.deployed-by', live: 'pipeline-7', desired: 'git', cause: 'manifest' }]);
    expect(d.targetTags).toEqual({ team: 'web', 'deployed-by': 'pipeline-7' });
  });

  it("takes the manifest's tag at creation", () => {
    const d = byId(diff([cluster('git')]), CLUSTER_ID);
    expect(d.state).toBe('missing');
    expect(d.targetTags).toEqual({ team: 'web', 'deployed-by': 'git' });
  });

  it('the applied hash does not change when only the ignored tag changes', () => {
    expect(hashes([cluster('a')])[CLUSTER_ID]).toBe(hashes([cluster('b')])[CLUSTER_ID]);
  });

  it('other tags are still compared', () => {
    const c = cluster('git');
    const h = hashes([c]);
    const live = liveCluster('prod', liveClusterSpec(), managedTags(h[CLUSTER_ID], { team: 'api', 'deployed-by': 'x' }));
    const d = byId(diff([c], estate({ clusters: [live] })), CLUSTER_ID);
    expect(d.changes).toEqual([{ path: 'tags.team', live: 'api', desired: 'web', cause: 'out-of-band' }]);
    expect(live.tags[TAG.managedBy]).toBe('default');
  });
});
