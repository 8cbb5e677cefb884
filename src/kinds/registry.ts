/**
 * The one list of kinds, in dependency order: a kind is created after the kinds before
 * it (a Service needs its Cluster and its TaskDefinition) and deleted before them. Every
 * stage runs over this list; a new kind is a folder beside these and one line here.
 */
import type { LiveResource } from '../diff/types.js';
import type { Kind } from '../model/resource.js';
import { clusterKind } from './cluster/index.js';
import type { ResourceKind } from './kind.js';
import { serviceKind } from './service/index.js';
import { taskDefinitionKind } from './task-definition/index.js';

export const REGISTRY: readonly ResourceKind[] = [clusterKind, taskDefinitionKind, serviceKind] as unknown as readonly ResourceKind[];

const byName = new Map<string, { kind: ResourceKind; rank: number }>(REGISTRY.map((k, rank) => [k.name, { kind: k, rank }]));

/** The kind of that name, or undefined for a name no kind has (a manifest's typo). */
export function findKind(name: string | undefined): ResourceKind | undefined {
  return name === undefined ? undefined : byName.get(name)?.kind;
}

export function kindOf(name: Kind): ResourceKind {
  const k = byName.get(name);
  if (!k) throw new Error(`no kind ${name} in the registry`);
  return k.kind;
}

/** Dependency order: 0 for the first kind of the registry. */
export function rankOf(name: Kind): number {
  return byName.get(name)?.rank ?? REGISTRY.length;
}

/** The kind a live resource is of, to ask it about that resource. */
export function kindOfLive(live: LiveResource): ResourceKind {
  return kindOf(live.kind);
}
