// The early return every kind's diff shares (src/diff/resource-diff.ts missingOrConflict):
// missing, the conflicts, and the diff going on; what a kind shows on an early end is
// asked for only then.
import { describe, expect, it } from 'vitest';
import { base, type DiffInput, missingOrConflict } from '../src/diff/resource-diff.js';
import { type DesiredResource, TAG } from '../src/model/resource.js';
import { estate } from './engine-fixtures.js';

const desired: DesiredResource = {
  kind: 'Cluster',
  region: 'eu-west-1',
  name: 'prod',
  spec: {},
  annotations: {},
} as unknown as DesiredResource;
const b = base(desired, 'Cluster/eu-west-1/prod');

function input(over: Partial<DiffInput> = {}): DiffInput {
  return { desired: [desired], invalid: [], live: estate(), controllerId: 'default', defaultRegion: 'eu-west-1', ...over };
}

function shownCounter() {
  let asked = 0;
  return {
    shown: () => {
      asked++;
      return { target: { clusterName: 'prod' }, targetTags: { team: 'web' } };
    },
    asked: () => asked,
  };
}

describe('missingOrConflict', () => {
  it('nothing live is missing, with what the kind shows', () => {
    const { shown } = shownCounter();
    const early = missingOrConflict(b, undefined, input(), shown);
    expect(early.ended).toMatchObject({ state: 'missing', reason: 'in the manifests, not live', target: { clusterName: 'prod' }, targetTags: { team: 'web' } });
  });

  it('a resource this controller manages goes on, and the kind is not asked what to show', () => {
    const c = shownCounter();
    const live = { tags: { [TAG.managedBy]: 'default' } };
    const early = missingOrConflict(b, live, input(), c.shown);
    expect(early.ended).toBeUndefined();
    expect(early.live).toBe(live);
    expect(c.asked()).toBe(0);
  });

  it('an unmanaged resource is a conflict unless adopted; one another controller manages stays a conflict with adopt', () => {
    const unmanaged = { tags: {} };
    expect(missingOrConflict(b, unmanaged, input(), shownCounter().shown).ended).toMatchObject({
      state: 'conflict',
      reason: 'exists but is not managed by this controller; untouched (use --adopt to take it over)',
      targetTags: { team: 'web' },
    });
    expect(missingOrConflict(b, unmanaged, input({ adopt: true }), shownCounter().shown).live).toBe(unmanaged);
    const other = { tags: { [TAG.managedBy]: 'blue' } };
    expect(missingOrConflict(b, other, input({ adopt: true }), shownCounter().shown).ended).toMatchObject({
      state: 'conflict',
      reason: 'exists, managed by controller "blue", not "default"; untouched',
    });
  });

  it("a CloudFormation stack's resource is adopted only with --adopt-cloudformation", () => {
    const stacked = { tags: { 'aws:cloudformation:stack-name': 'web-stack' } };
    expect(missingOrConflict(b, stacked, input({ adopt: true }), shownCounter().shown).ended?.reason).toContain('CloudFormation stack "web-stack"');
    expect(missingOrConflict(b, stacked, input({ adopt: true, adoptCloudFormation: true }), shownCounter().shown).live).toBe(stacked);
  });

  it('ownership given by the kind (a family: managed when any revision is) decides instead of the tags alone', () => {
    const family = { latest: { tags: {} }, latestManaged: true };
    const early = missingOrConflict(b, family, input(), shownCounter().shown, (f) => ({ tags: f.latest.tags, managed: f.latestManaged }));
    expect(early.live).toBe(family);
    const foreign = { latest: { tags: { [TAG.managedBy]: 'blue' } }, latestManaged: false };
    expect(missingOrConflict(b, foreign, input(), shownCounter().shown, (f) => ({ tags: f.latest.tags, managed: f.latestManaged })).ended?.state).toBe(
      'conflict',
    );
  });
});
