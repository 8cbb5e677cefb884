// A new kind is registered in one place: a small fake kind (a regional "Widget" with a
// size) sits beside the real ones in a registry of its own, and the unchanged stages
// load, diff and plan it from plain data. No stage names it; they only ask the registry.
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { diffFields } from '../../src/diff/field-diff.js';
import { specHash } from '../../src/diff/hash.js';
import { base, missingOrConflict, reasonFor, stateOf, withCause } from '../../src/diff/resource-diff.js';
import type { ResourceKind } from '../../src/kinds/kind.js';
import { type LiveEstate, liveMapOf } from '../../src/model/live.js';
import type { Kind } from '../../src/model/resource.js';
import { TAG } from '../../src/model/resource.js';
import type { ActionKind } from '../../src/plan/types.js';

interface LiveWidget {
  kind: 'Widget';
  region: string;
  name: string;
  arn: string;
  tags: Record<string, string>;
  spec: { size: number };
}

/** The widgets "in AWS", by region: what the kind's own live read finds. */
const WIDGETS_IN_AWS = new Map<string, LiveWidget[]>();

const widgetKind = {
  name: 'Widget' as Kind,
  manifestSchema: z.strictObject({
    apiVersion: z.literal('ecs-reconciler/v1'),
    kind: z.literal('Widget'),
    metadata: z.strictObject({ name: z.string(), region: z.string().optional() }),
    spec: z.strictObject({ size: z.number().int().positive() }),
  }),
  specSchema: z.strictObject({ size: z.number() }),
  inCluster: false,
  clusterOf: () => undefined,
  dependsOn: () => [],
  // its part of the estate is the byKind map every kind without a field of its own gets
  liveOf: (estate: LiveEstate) => liveMapOf<LiveWidget>(estate, 'Widget'),
  readLive: async (_gw, region, scope) =>
    (WIDGETS_IN_AWS.get(region) ?? []).filter((w) => scope.wanted.has(w.name) || w.tags[TAG.managedBy] === scope.controllerId),
  arnOf: (live: LiveWidget) => live.arn,
  ownershipTagsOf: (live: LiveWidget) => live.tags,
  fightTagsOf: (live: LiveWidget) => live.tags,
  managedBy: (live: LiveWidget, controllerId: string) => live.tags[TAG.managedBy] === controllerId,
  diff: (d, id, liveOrNone, _rules, pass) => {
    const b = { ...base(d, id), desiredHash: specHash(d.spec) };
    const early = missingOrConflict(b, liveOrNone, pass.input, () => ({}));
    if (early.ended) return early.ended;
    const { live } = early;
    const changes = diffFields(live.spec, d.spec);
    const state = stateOf(changes, live.tags[TAG.appliedHash], b.desiredHash);
    return { ...b, state, reason: reasonFor(state, changes.length), changes: withCause(changes, 'manifest'), live: live as never, target: d.spec };
  },
  planCreate: (d, add) => add(d, 'create-widget' as ActionKind, 'in the manifests, not live'),
  planChange: (d, why, _plan, add) =>
    add(
      d,
      'resize-widget' as ActionKind,
      why,
      d.changes.map((c) => c.path),
    ),
  planDelete: (d, _inUse, _plan, add) => add(d, 'delete-widget' as ActionKind, 'no longer in the manifests'),
  actions: {
    ['create-widget' as ActionKind]: { order: 0, run: async () => 'made' },
    ['resize-widget' as ActionKind]: { order: 1, run: async () => 'resized' },
    // a deletion: it says so itself (the prune stage runs it; apply asks before it)
    ['delete-widget' as ActionKind]: { order: 2, run: async () => 'gone', stage: 'prune', destructive: true },
  },
  release: async (live: LiveWidget) => `${live.arn} released`,
} satisfies ResourceKind<LiveWidget> as unknown as ResourceKind;

// The one place a kind is registered: the registry's list (here the real list plus the fake).
vi.mock('../../src/kinds/registry.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/kinds/registry.js')>();
  return real.createRegistry([...real.REGISTRY, widgetKind]);
});

const { parseManifestText } = await import('../../src/manifests/parse.js');
const { diffEstate } = await import('../../src/pipeline/diff.js');
const { planEstate } = await import('../../src/pipeline/plan.js');
const { readLiveEstate } = await import('../../src/live/index.js');
const { ACTION_KINDS, stageOf, isDeletionOrReplacement } = await import('../../src/kinds/registry.js');
const { ReportSchema } = await import('../../src/report/model.js');
const { InMemoryGateways } = await import('../support/in-memory-gateway.js');

const MANIFESTS = `apiVersion: ecs-reconciler/v1
kind: Cluster
metadata: { name: prod }
spec: {}
---
apiVersion: ecs-reconciler/v1
kind: Widget
metadata: { name: blue }
spec: { size: 3 }
---
apiVersion: ecs-reconciler/v1
kind: Widget
metadata: { name: green }
spec: { size: 5 }
`;

describe('a kind added in one place', () => {
  it('is read, loaded, diffed and planned by the unchanged stages, in registry order after the real kinds', async () => {
    const loaded = parseManifestText('estate.yaml', MANIFESTS, { vars: new Map(), defaultRegion: 'eu-west-1' });
    expect(loaded.problems).toEqual([]);
    expect(loaded.resources.map((r) => `${r.kind}/${r.name}`)).toEqual(['Cluster/prod', 'Widget/blue', 'Widget/green']);

    const tags = { [TAG.managedBy]: 'default', [TAG.appliedHash]: specHash({ size: 5 }) };
    WIDGETS_IN_AWS.set('eu-west-1', [
      { kind: 'Widget', region: 'eu-west-1', name: 'green', arn: 'arn:widget/green', tags, spec: { size: 4 } },
      { kind: 'Widget', region: 'eu-west-1', name: 'old', arn: 'arn:widget/old', tags, spec: { size: 1 } },
      // neither named by a manifest nor this controller's: the kind's read leaves it out
      { kind: 'Widget', region: 'eu-west-1', name: 'theirs', arn: 'arn:widget/theirs', tags: {}, spec: { size: 9 } },
    ]);
    // the unchanged live read runs the kind's readLive beside the real kinds' (on the fake AWS)
    const live = await readLiveEstate(new InMemoryGateways({ regions: ['eu-west-1'] }), {
      controllerId: 'default',
      regions: ['eu-west-1'],
      desired: loaded.resources,
    });
    expect(live.unreadable).toEqual(new Map());
    expect([...liveMapOf(live, 'Widget').keys()]).toEqual(['Widget/eu-west-1/green', 'Widget/eu-west-1/old']);
    const diffs = diffEstate({ desired: loaded.resources, invalid: loaded.invalid, live, controllerId: 'default', defaultRegion: 'eu-west-1' });
    expect(diffs.map((d) => `${d.id} ${d.state}`)).toEqual([
      'Cluster/eu-west-1/prod missing',
      'Widget/eu-west-1/blue missing',
      'Widget/eu-west-1/green drifted',
      'Widget/eu-west-1/old orphaned',
    ]);

    const plan = planEstate(diffs, { prune: true, loadComplete: true, keepRevisions: 5, controllerId: 'default', repository: 'repo' });
    expect(plan.actions.map((a) => `${a.kind} ${a.resource}`)).toEqual([
      'create-cluster Cluster/eu-west-1/prod',
      'create-widget Widget/eu-west-1/blue',
      'resize-widget Widget/eu-west-1/green',
      // deletions after every create and update, judged by the shared prune rules on the tags the kind names
      'delete-widget Widget/eu-west-1/old',
    ]);
    expect(plan.prune).toMatchObject({ status: 'planned', deletions: 1 });
  });

  it("has its actions in the registry's lists, from its own table: the plan's action names, the prune stage, what apply asks before", () => {
    expect(ACTION_KINDS).toEqual(expect.arrayContaining(['create-widget', 'resize-widget', 'delete-widget', 'create-cluster', 'release-resource']));
    expect(stageOf('delete-widget' as ActionKind)).toBe('prune');
    expect(stageOf('resize-widget' as ActionKind)).toBe('apply');
    expect(isDeletionOrReplacement({ kind: 'delete-widget' as ActionKind })).toBe(true);
    expect(isDeletionOrReplacement({ kind: 'create-widget' as ActionKind })).toBe(false);
    // the report's schema takes the new kind's resources and actions with no edit of its own
    const kindEnum = ReportSchema.shape.resources.element.shape.kind;
    expect(kindEnum.safeParse('Widget').success).toBe(true);
    expect(kindEnum.safeParse('Widgit').success).toBe(false);
    expect(ReportSchema.shape.resources.element.shape.actions.element.shape.kind.safeParse('delete-widget').success).toBe(true);
  });

  it('is named in the messages for an unknown kind', () => {
    const loaded = parseManifestText('bad.yaml', 'apiVersion: ecs-reconciler/v1\nkind: Widgit\nmetadata: { name: x }\nspec: {}\n', {
      vars: new Map(),
      defaultRegion: 'eu-west-1',
    });
    expect(loaded.problems[0]?.message).toContain('expected CapacityProvider, Cluster, TaskDefinition, Service or Widget');
    expect(loaded.problems[0]?.hint).toBe('did you mean "Widget"?');
  });
});
