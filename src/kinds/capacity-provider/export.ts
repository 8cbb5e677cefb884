/**
 * export: a CapacityProvider manifest for each provider an exported cluster uses (the
 * cluster names it: ../cluster/export.ts). FARGATE and FARGATE_SPOT are ECS's own and
 * never written; nor is, under --managed-only, a provider this controller does not manage,
 * nor a CloudFormation stack's without --adopt-cloudformation: the cluster's manifest still
 * names it, and a name no CapacityProvider manifest defines is a provider made elsewhere.
 * The spec is the projected live one with ECS's defaults spelled out: it normalizes back
 * to itself, so export, adopt, plan is in-sync.
 */

import type { Gateway as AwsGateway } from '../../aws/index.js';
import { userTags } from '../../diff/resource-diff.js';
import type { LiveCapacityProvider, LiveEstate } from '../../model/live.js';
import { liveMapOf } from '../../model/live.js';
import { resourceId } from '../../model/resource.js';
import type { KindExport } from '../kind.js';
import { normalizeCapacityProvider } from './diff.js';
import { readCapacityProviders } from './read.js';

/** export writes the providers the clusters use, whoever manages them: every one of the region is read. */
async function readCapacityProvidersForExport(gw: AwsGateway, region: string, estate: LiveEstate, when: 'before' | 'after'): Promise<void> {
  if (when !== 'before') return;
  const map = liveMapOf<LiveCapacityProvider>(estate, 'CapacityProvider');
  for (const p of await readCapacityProviders(gw, region, { wanted: new Set(), controllerId: '', all: true })) map.set(resourceId(p), p);
}

/** export: the spec's keys in reading order, by path (`''` the spec itself, `[]` a list's items); other keys follow alphabetically, tags last. */
const CAPACITY_PROVIDER_KEY_ORDER: Readonly<Record<string, readonly string[]>> = {
  '': ['autoScalingGroupProvider', 'managedInstancesProvider'],
  autoScalingGroupProvider: ['autoScalingGroupArn', 'managedScaling', 'managedTerminationProtection', 'managedDraining'],
  'autoScalingGroupProvider.managedScaling': ['status', 'targetCapacity', 'minimumScalingStepSize', 'maximumScalingStepSize', 'instanceWarmupPeriod'],
};

// Written with the first exported cluster that uses it (no file of its own).
export const CAPACITY_PROVIDER_EXPORT: KindExport<LiveCapacityProvider> = {
  read: readCapacityProvidersForExport,
  // --managed-only, or a stack's: not written; the cluster's manifest names it all the same, as a provider made elsewhere
  refusal: (p, ownership) => ownership.stackReason(p.tags) ?? (ownership.wanted(p.tags) ? undefined : 'not managed by this controller (--managed-only)'),
  document: (p, { ownership }) => {
    const tags = userTags(p.tags);
    const other = ownership.otherOwnerNote(`CapacityProvider ${p.name}`, p.tags);
    return {
      metadata: { name: p.name, region: p.region },
      spec: { ...normalizeCapacityProvider(p.spec, p.spec), ...(Object.keys(tags).length ? { tags } : {}) },
      annotationTags: p.tags,
      ...(other ? { notes: [other] } : {}),
    };
  },
  keyOrder: CAPACITY_PROVIDER_KEY_ORDER,
};
