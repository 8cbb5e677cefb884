// A saved plan is applied only while it is still the plan: same actions, same manifests
// (applied-hash), same live differences; otherwise the refusal says what differs.
import { describe, expect, it } from 'vitest';
import type { ResourceDiff } from '../src/diff/types.js';
import { ACTION_KINDS } from '../src/kinds/registry.js';
import { planEstate } from '../src/pipeline/plan.js';
import { compareSavedPlan, parseSavedPlan, savedPlanOf } from '../src/plan/saved-plan.js';
import { desired, diff, estate, liveService, liveServiceSpec, SVC_ID, serviceSpec, syncedEstate, TD_ID } from './engine-fixtures.js';

const OPTIONS = { controllerId: 'default', prune: false, adopt: false, keepRevisions: 5, targets: [] };
const NOW = new Date('2026-12-01T00:00:00.000Z');

function saved(diffs: ResourceDiff[], options = OPTIONS) {
  return savedPlanOf(planEstate(diffs, { prune: options.prune, loadComplete: true, keepRevisions: 5, controllerId: options.controllerId }), diffs, options, {
    now: NOW,
  });
}

describe('saved plans', () => {
  const s = syncedEstate();
  const live = () => estate({ clusters: [s.live.cluster], families: [s.live.family], services: [s.live.service] });
  const changedImage = [
    s.desired[0]!,
    desired('TaskDefinition', 'app', {
      ...s.desired[1]!.spec,
      containerDefinitions: [
        { name: 'app', image: 'nginx:1.28', portMappings: [{ containerPort: 80 }], environment: [{ name: 'NODE_ENV', value: 'production' }] },
      ],
    }),
    s.desired[2]!,
  ];

  it('round-trips through its file and agrees with an identical fresh plan', () => {
    const plan = saved(diff(changedImage, live()));
    const back = parseSavedPlan(JSON.stringify(plan), ACTION_KINDS);
    expect(typeof back).toBe('object');
    expect(compareSavedPlan(back as typeof plan, saved(diff(changedImage, live())))).toEqual([]);
    expect(JSON.stringify(plan)).not.toContain('nginx:1.28'); // hashes, never values
  });

  it('refuses a plan the manifests moved past, naming the new action and the changed hash', () => {
    const before = saved(diff(s.desired, live()));
    const differences = compareSavedPlan(before, saved(diff(changedImage, live())));
    expect(differences.some((d) => d.startsWith(`+ register-task-definition ${TD_ID}`))).toBe(true);
    expect(differences.some((d) => d.startsWith(`${TD_ID}: the manifest changed since the plan (applied-hash `))).toBe(true);
  });

  it('refuses when live changed since the plan, even with the same actions', () => {
    const drifted = (count: number) =>
      estate({
        clusters: [s.live.cluster],
        families: [s.live.family],
        services: [liveService({ name: 'web', spec: liveServiceSpec({ desiredCount: count }), tags: s.live.service.tags, primary: s.live.rev5 })],
      });
    const differences = compareSavedPlan(saved(diff(s.desired, drifted(5))), saved(diff(s.desired, drifted(7))));
    expect(differences).toEqual([`${SVC_ID}: live ECS changed since the plan (its field differences are not the ones reviewed)`]);
  });

  it('refuses another controller id, and a file that is not a saved plan', () => {
    const d = diff([desired('Cluster', 'prod', {}), desired('Service', 'web', serviceSpec())]);
    expect(compareSavedPlan(saved(d), saved(d, { ...OPTIONS, controllerId: 'other' }))[0]).toContain(
      'the controller id is "other", the plan was made for "default"',
    );
    expect(parseSavedPlan('{"format":"nope"}', ACTION_KINDS)).toMatch(/^not a saved plan of this version/);
    expect(parseSavedPlan('not json', ACTION_KINDS)).toMatch(/^not JSON/);
  });
});
