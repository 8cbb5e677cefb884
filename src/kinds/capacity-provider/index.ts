/**
 * The CapacityProvider kind: a regional resource, created before the clusters that
 * associate it and deleted after them. Its live read, schema, diff, actions and export are
 * this folder's; the registry line in ../registry.ts is the only edit outside it.
 */

import type { LiveCapacityProvider } from '../../model/live.js';
import { liveMapOf } from '../../model/live.js';
import { TAG } from '../../model/resource.js';
import type { ResourceKind } from '../kind.js';
import {
  CAPACITY_PROVIDER_ACTIONS,
  keepUsedCapacityProviders,
  planCapacityProviderChange,
  planCapacityProviderCreate,
  planCapacityProviderDelete,
  releaseCapacityProvider,
} from './actions.js';
import { diffCapacityProvider } from './diff.js';
import { CAPACITY_PROVIDER_EXPORT } from './export.js';
import { readCapacityProviders } from './read.js';
import { CapacityProviderManifestSchema, CapacityProviderSpecSchema } from './schema.js';

// The kind's name and live type join the model's (src/model/resource.ts KindLiveTypes): no list outside this folder.
declare module '../../model/resource.js' {
  interface KindLiveTypes {
    CapacityProvider: LiveCapacityProvider;
  }
}

export const capacityProviderKind = {
  name: 'CapacityProvider',
  noun: 'capacity provider',
  manifestSchema: CapacityProviderManifestSchema,
  specSchema: CapacityProviderSpecSchema,
  inCluster: false,
  clusterOf: () => undefined,
  dependsOn: () => [],
  liveOf: (estate) => liveMapOf<LiveCapacityProvider>(estate, 'CapacityProvider'),
  readLive: readCapacityProviders,
  arnOf: (live) => live.arn,
  ownershipTagsOf: (live) => live.tags,
  fightTagsOf: (live) => live.tags,
  managedBy: (live, controllerId) => live.tags[TAG.managedBy] === controllerId,
  diff: diffCapacityProvider,
  planCreate: planCapacityProviderCreate,
  planChange: planCapacityProviderChange,
  planDelete: planCapacityProviderDelete,
  keepOnPrune: keepUsedCapacityProviders,
  actions: CAPACITY_PROVIDER_ACTIONS,
  release: releaseCapacityProvider,
  export: CAPACITY_PROVIDER_EXPORT,
} satisfies ResourceKind<LiveCapacityProvider>;
