// A new kind is registered in one place: a small fake kind (a regional "Widget" with a
// size) sits beside the real ones in a registry of its own, and the unchanged stages
// load, diff, plan and export it from plain data. No stage names it; they only ask the registry.
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
  /** base: another widget it is built on (export writes it with the first widget naming it) */
  spec: { size: number; base?: string };
}

/** The widgets "in AWS", by region: what the kind's own live read finds. */
const WIDGETS_IN_AWS = new Map<string, LiveWidget[]>();

const widgetKind = {
  name: 'Widget' as Kind,
  noun: 'widget',
  manifestSchema: z.strictObject({
    apiVersion: z.literal('ecs-reconciler/v1'),
    kind: z.literal('Widget'),
    metadata: z.strictObject({ name: z.string(), region: z.string().optional() }),
    spec: z.strictObject({ size: z.number().int().positive(), base: z.string().optional() }),
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
  // export: a cluster's widgets (tagged with its name), a file each, each with the base widget it names
  export: {
    memberOf: 'Cluster' as Kind,
    selectMembers: (parent, _selection, estate) =>
      [...liveMapOf<LiveWidget>(estate, 'Widget').values()]
        .filter((w) => w.tags.cluster === parent.name)
        .map((w) => (w.spec.size > 0 ? { live: w } : { skipped: { resource: `Widget/${w.region}/${w.name}`, reason: 'size 0: nothing to build' } })),
    links: (w) => ({
      references: w.spec.base
        ? [
            {
              kind: 'Widget' as Kind,
              id: `Widget/${w.region}/${w.spec.base}`,
              headerPhrase: `its base ${w.spec.base}`,
              ifLeftOut: 'the widgets on it stand alone',
            },
          ]
        : [],
    }),
    refusal: (w) => (w.tags.locked === 'true' ? 'locked' : undefined),
    document: (w, { links, written, ownership }) => {
      const note = ownership.otherOwnerNote(`Widget ${w.name}`, w.tags);
      return {
        metadata: { name: w.name, region: w.region },
        spec: { ...(links.references.some((r) => written(r.id)) ? { base: w.spec.base } : {}), size: w.spec.size },
        annotationTags: w.tags,
        ...(note ? { notes: [note] } : {}),
      };
    },
    file: (w) => ({ path: `${w.tags.cluster}/widget-${w.name}.yaml`, what: `widget ${w.name}` }),
    keyOrder: { '': ['size', 'base'] },
  },
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
const { ACTION_KINDS, stageOf, isDeletionOrReplacement, countByKind } = await import('../../src/kinds/registry.js');
const { ReportSchema } = await import('../../src/report/model.js');
const { InMemoryGateways } = await import('../support/in-memory-gateway.js');
const { buildExport, renderFile } = await import('../../src/export/index.js');

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

  it("is counted by its own noun in validate's and export's summaries, after the real kinds, which are left out when there are none", () => {
    expect(countByKind(['Widget', 'Service', 'Cluster', 'Widget', 'Service', 'Service'] as Kind[])).toBe('1 cluster(s), 3 service(s), 2 widget(s)');
    expect(countByKind(['CapacityProvider', 'TaskDefinition'] as Kind[])).toBe('1 capacity provider(s), 1 task definition(s)');
    expect(countByKind([])).toBe('0 resource(s)');
  });

  it('is named in the messages for an unknown kind', () => {
    const loaded = parseManifestText('bad.yaml', 'apiVersion: ecs-reconciler/v1\nkind: Widgit\nmetadata: { name: x }\nspec: {}\n', {
      vars: new Map(),
      defaultRegion: 'eu-west-1',
    });
    expect(loaded.problems[0]?.message).toContain('expected CapacityProvider, Cluster, TaskDefinition, Service or Widget');
    expect(loaded.problems[0]?.hint).toBe('did you mean "Widget"?');
  });

  it('is exported by the unchanged export walk: chosen inside a cluster, with what it names beside it, refused or shared as its step says', () => {
    const widget = (name: string, spec: LiveWidget['spec'], tags: Record<string, string> = { cluster: 'prod' }): LiveWidget => ({
      kind: 'Widget',
      region: 'eu-west-1',
      name,
      arn: `arn:widget/${name}`,
      tags,
      spec,
    });
    const estate: LiveEstate = { clusters: new Map(), services: new Map(), families: new Map(), byKind: new Map(), unreadable: new Map() };
    estate.clusters.set('Cluster/eu-west-1/prod', {
      kind: 'Cluster',
      region: 'eu-west-1',
      name: 'prod',
      arn: 'arn:aws:ecs:eu-west-1:123456789012:cluster/prod',
      tags: {},
      spec: {},
      runningTasksCount: 0,
      pendingTasksCount: 0,
      activeServicesCount: 0,
      capacityProviders: [],
    });
    const widgets = liveMapOf<LiveWidget>(estate, 'Widget');
    for (const w of [
      widget('a', { size: 1, base: 'core' }),
      widget('b', { size: 2, base: 'core' }),
      widget('c', { size: 3, base: 'vault' }),
      widget('d', { size: 4, base: 'a' }),
      widget('zero', { size: 0 }),
      // not in a cluster: written only because widgets name them
      widget('core', { size: 9 }, { [TAG.managedBy]: 'team-b' }),
      widget('vault', { size: 9 }, { locked: 'true' }),
    ])
      widgets.set(`Widget/eu-west-1/${w.name}`, w);

    const r = buildExport(estate, { region: 'eu-west-1', clusters: ['prod'], controllerId: 'default', exportedAt: '2025-06-01T12:00:00.000Z' });
    expect(r.files.map((f) => [f.path, f.manifests.map((m) => m.id)])).toEqual([
      ['prod/cluster.yaml', ['Cluster/eu-west-1/prod']],
      // core is named by a and b, and its kind has no shared file: it goes with the first
      ['prod/widget-a.yaml', ['Widget/eu-west-1/a', 'Widget/eu-west-1/core']],
      ['prod/widget-b.yaml', ['Widget/eu-west-1/b']],
      ['prod/widget-c.yaml', ['Widget/eu-west-1/c']],
      // a has a file of its own: d names it, and nothing is written twice
      ['prod/widget-d.yaml', ['Widget/eu-west-1/d']],
    ]);
    expect(r.skipped).toEqual([
      { resource: 'Widget/eu-west-1/zero', reason: 'size 0: nothing to build' },
      { resource: 'Widget/eu-west-1/vault', reason: 'locked; the widgets on it stand alone' },
    ]);
    expect(r.notes).toEqual(['Widget core is managed by controller "team-b": --adopt leaves it alone.']);
    expect(r.problems).toEqual([]);
    expect(renderFile(r.files[1]!)).toBe(
      [
        '# Exported by "ecs-reconciler export" at 2025-06-01T12:00:00.000Z',
        '# from account 123456789012, region eu-west-1: widget a, and its base core.',
        '# Values ECS fills in by itself are left out; plan this folder, then "apply --adopt" takes it over.',
        'apiVersion: ecs-reconciler/v1',
        'kind: Widget',
        'metadata:',
        '  name: a',
        '  region: eu-west-1',
        'spec:',
        '  size: 1',
        '  base: core',
        '---',
        'apiVersion: ecs-reconciler/v1',
        'kind: Widget',
        'metadata:',
        '  name: core',
        '  region: eu-west-1',
        'spec:',
        '  size: 9',
        '',
      ].join('\n'),
    );
    // c's base is left out (locked): c falls back to standing alone; d names a, which is written
    expect((r.files[3]!.manifests[0]!.doc.spec as { base?: string }).base).toBeUndefined();
    expect((r.files[4]!.manifests[0]!.doc.spec as { base?: string }).base).toBe('a');
  });
});
