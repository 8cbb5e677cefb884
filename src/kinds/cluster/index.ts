/** The Cluster kind: a regional resource, created first and deleted last. */

import type { LiveCluster } from '../../model/live.js';
import { TAG } from '../../model/resource.js';
import type { ResourceKind } from '../kind.js';
import { CLUSTER_ACTIONS, keepNonEmptyClusters, planClusterChange, planClusterCreate, planClusterDelete, releaseCluster } from './actions.js';
import { diffCluster } from './diff.js';
import { CLUSTER_EXPORT } from './export.js';
import { readClusters, readNamedClusters } from './read.js';
import { clusterProviderIds, clusterReferenceProblems } from './references.js';
import { ClusterHealthSchema, clusterHealth } from './report.js';
import { ClusterManifestSchema, ClusterSpecSchema } from './schema.js';

// The kind's name and live type join the model's (src/model/resource.ts KindLiveTypes): no list outside this folder.
declare module '../../model/resource.js' {
  interface KindLiveTypes {
    Cluster: LiveCluster;
  }
}

export const clusterKind = {
  name: 'Cluster',
  noun: 'cluster',
  manifestSchema: ClusterManifestSchema,
  specSchema: ClusterSpecSchema,
  inCluster: false,
  clusterOf: (ref) => ref.name,
  dependsOn: clusterProviderIds,
  referenceProblems: (d, check) => {
    const problems = clusterReferenceProblems(d, check.all);
    return { ok: problems.length === 0, problems };
  },
  liveOf: (estate) => estate.clusters,
  readLive: readClusters,
  readNamed: readNamedClusters,
  arnOf: (live) => live.arn,
  ownershipTagsOf: (live) => live.tags,
  fightTagsOf: (live) => live.tags,
  managedBy: (live, controllerId) => live.tags[TAG.managedBy] === controllerId,
  diff: diffCluster,
  planCreate: planClusterCreate,
  planChange: planClusterChange,
  planDelete: planClusterDelete,
  keepOnPrune: keepNonEmptyClusters,
  actions: CLUSTER_ACTIONS,
  release: releaseCluster,
  health: clusterHealth,
  export: CLUSTER_EXPORT,
  healthSchema: ClusterHealthSchema,
} satisfies ResourceKind<LiveCluster>;
