/**
 * Pure: desired model + live model -> one ResourceDiff per resource, with its state
 * (DESIGN.md: in-sync, pending, drifted, missing, orphaned, conflict, invalid). Each
 * resource is diffed by its kind (src/kinds/<kind>/diff.ts), kinds in registry order, so
 * a Service sees what its TaskDefinition's diff offered.
 */

import { parseIgnoreRules } from '../diff/ignore.js';
import { type AccountOfArn, accountOfArn } from '../diff/inherited.js';
import type { DiffInput, DiffPass } from '../diff/resource-diff.js';
import type { LiveResource, ResourceDiff } from '../diff/types.js';
import { findKind, REGISTRY, rankOf } from '../kinds/registry.js';
import { clusterNameOf } from '../model/ecs-arn.js';
import { ANNOTATION, resourceId, TAG } from '../model/resource.js';
import type { DiffCache } from './diff-cache.js';

/**
 * `cache`: the daemon's memory of the last pass (diff-cache.ts): a resource whose manifest
 * and everything its diff read are unchanged is not diffed again. Without one (a CLI run,
 * one pass) every resource is diffed, with no recording of its reads.
 */
export function diffEstate(input: DiffInput, cache?: DiffCache): ResourceDiff[] {
  const out: ResourceDiff[] = [];
  const desiredIds = new Set<string>();
  // the region's account is found by walking the live estate: once per region and pass, not once per resource
  const accounts = new Map<string, AccountOfArn | undefined>();
  const accountOf = (region: string): AccountOfArn | undefined => {
    if (!accounts.has(region)) accounts.set(region, regionAccount(input, region));
    return accounts.get(region);
  };
  const plainPass: DiffPass = { input, offers: new Map(), regionAccount: accountOf };
  const { diffOne } = cache
    ? cache.begin(input, accountOf)
    : { diffOne: (_id: string, _d: unknown, _live: unknown, run: (pass: DiffPass) => ResourceDiff) => run(plainPass) };

  const ordered = [...input.desired].sort((a, b) => rankOf(a.kind) - rankOf(b.kind));
  for (const d of ordered) {
    const kind = findKind(d.kind)!;
    const id = resourceId(d);
    desiredIds.add(id);
    // its own live record is fingerprinted by the cache; what else it reads, through `pass`
    const live = kind.liveOf(input.live).get(id);
    let diff = diffOne(id, d, live, (pass: DiffPass) => kind.diff(d, id, live, parseIgnoreRules(d.annotations[ANNOTATION.ignore]).rules, pass));
    // A region that could not be read says nothing about its resources: not missing, not drifted (issue 13, 5).
    const unreadable = input.live.unreadable.get(d.region);
    if (unreadable !== undefined)
      diff = {
        ...diff,
        state: 'unknown',
        reason: `cannot read ${d.region}: ${unreadable}; nothing is concluded about it this pass`,
        changes: [],
        ignored: [],
        replacementFields: [],
      };
    out.push(diff);
  }

  // Documents that did not load: their resources are `invalid`, never orphaned.
  const invalidIds = new Set<string>();
  for (const inv of input.invalid) {
    const kind = findKind(inv.kind);
    if (!kind || !inv.name) continue;
    const ref = {
      kind: kind.name,
      name: inv.name,
      region: inv.region ?? input.defaultRegion,
      ...(kind.inCluster && inv.cluster ? { cluster: clusterNameOf(inv.cluster) } : {}),
    };
    const id = resourceId(ref);
    if (desiredIds.has(id) || invalidIds.has(id)) continue;
    invalidIds.add(id);
    const live = kind.liveOf(input.live).get(id);
    out.push({
      id,
      ...ref,
      state: 'invalid',
      reason: `its manifest does not load (${inv.source.file}:${inv.source.line}); left as it is`,
      changes: [],
      ignored: [],
      replacementFields: [],
      ...(live ? { live } : {}),
      suspended: false,
    });
  }

  // Managed resources no manifest names any more.
  for (const kind of REGISTRY) {
    for (const [id, live] of kind.liveOf(input.live)) {
      if (!kind.managedBy(live, input.controllerId) || desiredIds.has(id) || invalidIds.has(id)) continue;
      const tags = kind.ownershipTagsOf(live) ?? {};
      // prune "false" is remembered in a tag, so the choice outlives the manifest: kept, and said so
      const retained = tags[TAG.prune] === 'false';
      out.push({
        id,
        kind: kind.name,
        region: live.region,
        name: live.name,
        ...('cluster' in live && live.cluster ? { cluster: live.cluster } : {}),
        state: retained ? 'retained' : 'orphaned',
        reason: retained
          ? `no longer in the manifests, kept: it was applied with ${ANNOTATION.prune}: "false" (apply --release ${id} removes the ownership tags and lets it go)`
          : 'managed by this controller, no longer in the manifests',
        changes: [],
        ignored: [],
        replacementFields: [],
        live: live as LiveResource,
        suspended: false,
      });
    }
  }

  cache?.endPass();
  const compareIds = cache ? (a: string, b: string) => cache.compareIds(a, b) : (a: string, b: string) => a.localeCompare(b);
  out.sort((a, b) => rankOf(a.kind) - rankOf(b.kind) || compareIds(a.id, b.id));
  cache?.rememberOrder(out.map((d) => d.id));
  return out;
}

/** The partition and account of the region's live resources (roles given by name live there). */
function regionAccount(input: DiffInput, region: string): AccountOfArn | undefined {
  for (const kind of REGISTRY) {
    for (const live of kind.liveOf(input.live).values()) {
      const account = live.region === region ? accountOfArn(kind.arnOf(live)) : undefined;
      if (account) return account;
    }
  }
  return undefined;
}
