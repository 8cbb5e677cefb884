/**
 * Pure: `--target` patterns and what they select. A pattern names resources the way
 * their ids do, with `*` and `?` globs in any part:
 *
 *   KIND/NAME                       Cluster/prod, TaskDefinition/web-*, Service/web (any cluster)
 *   KIND/REGION/NAME                Cluster/eu-west-1/prod, TaskDefinition/eu-west-1/web
 *   Service/CLUSTER/NAME            Service/prod/web (a service name is unique per cluster, not per region)
 *   Service/REGION/CLUSTER/NAME     the full id, as plan prints it
 *
 * A targeted Service brings along the creates and updates of the Cluster and the
 * TaskDefinition manifest it names (as Terraform's -target brings dependencies): a
 * service deployed without its new revision would roll out the old one. Deletions are
 * never brought along: only a resource the patterns name themselves is ever deleted.
 */
import type { ResourceDiff } from '../diff/types.js';
import { findKind, isDeletionOrReplacement, kindOf, REGISTRY } from '../kinds/registry.js';
import type { Kind, ResourceRef } from '../model/resource.js';
import type { Plan } from '../plan/types.js';

export interface TargetPattern {
  /** as the user wrote it, for messages */
  text: string;
  kind: Kind;
  region?: RegExp;
  cluster?: RegExp;
  name: RegExp;
}

export const TARGET_HELP = `--target KIND/NAME          limit to matching resources (repeatable; * and ? glob):
                              KIND/NAME, KIND/REGION/NAME, Service/CLUSTER/NAME,
                              Service/REGION/CLUSTER/NAME (KIND: Cluster, TaskDefinition,
                              Service); a targeted Service brings its Cluster's and
                              TaskDefinition's creates and updates along, never a deletion`;

function glob(part: string): RegExp {
  const escaped = part
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}

/** A pattern, or a sentence saying what is wrong with it. */
export function parseTarget(text: string): TargetPattern | string {
  const parts = text.split('/');
  const kind = REGISTRY.find((k) => k.name.toLowerCase() === (parts[0] ?? '').toLowerCase())?.name;
  if (!kind) return `--target "${text}": expected KIND/NAME with KIND one of ${REGISTRY.map((k) => k.name).join(', ')}`;
  const rest = parts.slice(1);
  if (rest.some((p) => p === '')) return `--target "${text}": an empty part; write KIND/NAME, KIND/REGION/NAME or Service/CLUSTER/NAME`;
  if (findKind(kind)?.inCluster) {
    if (rest.length === 1) return { text, kind, name: glob(rest[0]!) };
    if (rest.length === 2) return { text, kind, cluster: glob(rest[0]!), name: glob(rest[1]!) };
    if (rest.length === 3) return { text, kind, region: glob(rest[0]!), cluster: glob(rest[1]!), name: glob(rest[2]!) };
    return `--target "${text}": a ${kind} is ${kind}/NAME, ${kind}/CLUSTER/NAME or ${kind}/REGION/CLUSTER/NAME`;
  }
  if (rest.length === 1) return { text, kind, name: glob(rest[0]!) };
  if (rest.length === 2) return { text, kind, region: glob(rest[0]!), name: glob(rest[1]!) };
  return `--target "${text}": a ${kind} is ${kind}/NAME or ${kind}/REGION/NAME`;
}

export function matchesTarget(ref: ResourceRef, p: TargetPattern): boolean {
  return ref.kind === p.kind && p.name.test(ref.name) && (!p.region || p.region.test(ref.region)) && (!p.cluster || p.cluster.test(ref.cluster ?? ''));
}

export interface TargetSelection {
  /** resources a pattern names: every action of theirs, deletions included */
  named: Set<string>;
  /** clusters and task definitions a named Service depends on: creates and updates only */
  dependencies: Set<string>;
  /** patterns that matched nothing (a typo must not read as "no changes") */
  unmatched: string[];
}

export function selectTargets(diffs: readonly ResourceDiff[], patterns: readonly TargetPattern[]): TargetSelection {
  const named = new Set<string>();
  const matched = new Set<TargetPattern>();
  for (const d of diffs) {
    for (const p of patterns) {
      if (matchesTarget(d, p)) {
        named.add(d.id);
        matched.add(p);
      }
    }
  }
  const dependencies = new Set<string>();
  for (const d of diffs) {
    if (!named.has(d.id) || !d.desired) continue;
    for (const id of kindOf(d.kind).dependsOn(d.desired)) dependencies.add(id);
  }
  for (const id of named) dependencies.delete(id);
  return { named, dependencies, unmatched: patterns.filter((p) => !matched.has(p)).map((p) => p.text) };
}

/**
 * The plan restricted to the selection. The plan is made from the whole estate first
 * (which revisions a service still runs is known only from every service), then cut.
 */
export function restrictPlan(plan: Plan, selection: TargetSelection): Plan {
  return {
    actions: plan.actions.filter((a) => selection.named.has(a.resource) || (selection.dependencies.has(a.resource) && !isDeletionOrReplacement(a))),
    skipped: plan.skipped.filter((s) => selection.named.has(s.resource) || selection.dependencies.has(s.resource)),
  };
}

export function isSelected(id: string, selection: TargetSelection): boolean {
  return selection.named.has(id) || selection.dependencies.has(id);
}
