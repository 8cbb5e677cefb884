// A new kind is registered in one place: a small fake kind (a regional "Widget" with a
// size) sits beside the real ones in a registry of its own, and the unchanged stages
// load, diff and plan it from plain data. No stage names it; they only ask the registry.
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { diffFields } from '../../src/diff/field-diff.js';
import { specHash } from '../../src/diff/hash.js';
import { base, missingOrConflict, reasonFor, stateOf, withCause } from '../../src/diff/resource-diff.js';
import type { ResourceKind } from '../../src/kinds/kind.js';
import type { LiveEstate } from '../../src/model/live.js';
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

/** Where the fake kind keeps its part of a live estate (a real kind has its own map in LiveEstate). */
const widgetsOf = new WeakMap<LiveEstate, Map<string, LiveWidget>>();

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
  liveOf: (estate: LiveEstate) => widgetsOf.get(estate) ?? new Map<string, LiveWidget>(),
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
    ['delete-widget' as ActionKind]: { order: 2, run: async () => 'gone' },
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
const { emptyEstate } = await import('../../src/live/index.js');

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
  it('is loaded, diffed and planned by the unchanged stages, in registry order after the real kinds', () => {
    const loaded = parseManifestText('estate.yaml', MANIFESTS, { vars: new Map(), defaultRegion: 'eu-west-1' });
    expect(loaded.problems).toEqual([]);
    expect(loaded.resources.map((r) => `${r.kind}/${r.name}`)).toEqual(['Cluster/prod', 'Widget/blue', 'Widget/green']);

    const live = emptyEstate();
    const tags = { [TAG.managedBy]: 'default', [TAG.appliedHash]: specHash({ size: 5 }) };
    widgetsOf.set(
      live,
      new Map([
        ['Widget/eu-west-1/green', { kind: 'Widget', region: 'eu-west-1', name: 'green', arn: 'arn:widget/green', tags, spec: { size: 4 } }],
        ['Widget/eu-west-1/old', { kind: 'Widget', region: 'eu-west-1', name: 'old', arn: 'arn:widget/old', tags, spec: { size: 1 } }],
      ]),
    );
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

  it('is named in the messages for an unknown kind', () => {
    const loaded = parseManifestText('bad.yaml', 'apiVersion: ecs-reconciler/v1\nkind: Widgit\nmetadata: { name: x }\nspec: {}\n', {
      vars: new Map(),
      defaultRegion: 'eu-west-1',
    });
    expect(loaded.problems[0]?.message).toContain('expected CapacityProvider, Cluster, TaskDefinition, Service or Widget');
    expect(loaded.problems[0]?.hint).toBe('did you mean "Widget"?');
  });
});
