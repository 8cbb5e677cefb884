/**
 * The one list of kinds, in dependency order: a kind is created after the kinds before
 * it (a Cluster needs its CapacityProviders, a Service its Cluster and its TaskDefinition) and deleted before them. Every
 * stage runs over this list; a new kind is a folder beside these and one line here.
 */
import { z } from 'zod';
import type { Kind } from '../model/resource.js';
import type { ActionKind, ActionStage } from '../plan/types.js';
import { capacityProviderKind } from './capacity-provider/index.js';
import { clusterKind } from './cluster/index.js';
import type { KindAction, ResourceKind } from './kind.js';
import { serviceKind } from './service/index.js';
import { taskDefinitionKind } from './task-definition/index.js';

interface Registry {
  /** the kinds, in dependency order */
  readonly REGISTRY: readonly ResourceKind[];
  /** The kind of that name, or undefined for a name no kind has (a manifest's typo). */
  findKind(name: string | undefined): ResourceKind | undefined;
  kindOf(name: Kind): ResourceKind;
  /** Dependency order: 0 for the first kind of the list. */
  rankOf(name: Kind): number;
  /** How many resources of each kind, in the registry's order, the kinds with none left out (`10 cluster(s), 3 service(s)`). */
  countByKind(kinds: Iterable<Kind>): string;
  /** every action a plan can hold: the kinds' actions tables, and release-resource */
  readonly ACTION_KINDS: readonly ActionKind[];
  /** prune for a deletion (a kind's table says so), apply for every other action */
  stageOf(action: ActionKind): ActionStage;
  /** the action removes something from AWS: apply asks before it (or needs --yes) */
  isDeletionOrReplacement(a: { kind: ActionKind }): boolean;
}

/**
 * A registry over these kinds, in this order (a test adds a kind of its own beside the real ones).
 * @public test/kinds/new-kind.test.ts reaches it through vi.mock's importOriginal, which knip cannot follow
 */
export function createRegistry(kinds: readonly ResourceKind[]): Registry {
  const byName = new Map<string, { kind: ResourceKind; rank: number }>(kinds.map((k, rank) => [k.name, { kind: k, rank }]));
  const actionNames = new Set<ActionKind>();
  const pruneActions = new Set<ActionKind>();
  const destructiveActions = new Set<ActionKind>();
  for (const k of kinds) {
    for (const [name, a] of Object.entries(k.actions) as Array<[ActionKind, KindAction]>) {
      actionNames.add(name);
      if (a.stage === 'prune') pruneActions.add(name);
      if (a.destructive) destructiveActions.add(name);
    }
  }
  // handled by the apply stage for every kind (the kind's release)
  actionNames.add('release-resource');
  return {
    ACTION_KINDS: [...actionNames],
    stageOf: (action) => (pruneActions.has(action) ? 'prune' : 'apply'),
    isDeletionOrReplacement: (a) => destructiveActions.has(a.kind),
    REGISTRY: kinds,
    findKind: (name) => (name === undefined ? undefined : byName.get(name)?.kind),
    kindOf: (name) => {
      const k = byName.get(name);
      if (!k) throw new Error(`no kind ${name} in the registry`);
      return k.kind;
    },
    rankOf: (name) => byName.get(name)?.rank ?? kinds.length,
    countByKind: (of) => {
      const counts = new Map<string, number>();
      for (const k of of) counts.set(k, (counts.get(k) ?? 0) + 1);
      const parts = kinds.filter((k) => counts.has(k.name)).map((k) => `${counts.get(k.name)} ${k.noun}(s)`);
      return parts.length ? parts.join(', ') : '0 resource(s)';
    },
  };
}

/** The kinds, in dependency order, each with its own types (its schemas, its live type). */
const KIND_LIST = [capacityProviderKind, clusterKind, taskDefinitionKind, serviceKind] as const;
type RegisteredKind = (typeof KIND_LIST)[number];

// The variance of a kind's own live type (a Map of it) keeps it from widening on its own.
const registry = createRegistry(KIND_LIST as unknown as readonly ResourceKind[]);

export const { REGISTRY, findKind, kindOf, rankOf, countByKind, ACTION_KINDS, stageOf, isDeletionOrReplacement } = registry;

/** One manifest document of any registered kind, as parsed (each kind's manifestSchema). */
export type Manifest = z.infer<RegisteredKind['manifestSchema']>;
/** One manifest document as a user writes it (the input side of the schemas). */
export type ManifestInput = z.input<RegisteredKind['manifestSchema']>;

/** The union of the kinds' manifest schemas: any one manifest document. */
export const ManifestSchema = z
  .discriminatedUnion('kind', REGISTRY.map((k) => k.manifestSchema) as unknown as [RegisteredKind['manifestSchema'], ...RegisteredKind['manifestSchema'][]])
  .describe(`An ecs-reconciler manifest: kind ${REGISTRY.map((k) => k.name).join(', ')}.`) as unknown as z.ZodType<Manifest, ManifestInput>;
