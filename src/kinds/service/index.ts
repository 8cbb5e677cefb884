/** The Service kind: lives in a cluster, runs a task definition revision, may carry auto scaling. */

import type { LiveService } from '../../model/live.js';
import { resourceId, TAG } from '../../model/resource.js';
import type { ResourceKind } from '../kind.js';
import { planServiceChange, planServiceCreate, planServiceDelete, releaseService, SERVICE_ACTIONS } from './actions.js';
import { diffService } from './diff.js';
import { SERVICE_EXPORT } from './export.js';
import { readServiceSpec } from './parse.js';
import { readNamedServices, readServices } from './read.js';
import { isTaskDefinitionManifestReference, SERVICE_REFERENCE_FIELDS, serviceReferenceProblems } from './references.js';
import { ServiceHealthSchema, serviceHealth, serviceScaling } from './report.js';
import { awaitServicesSteady } from './rollout-wait.js';
import { ServiceManifestSchema, ServiceSpecSchema, serviceSpecOf } from './schema.js';

// The kind's name and live type join the model's (src/model/resource.ts KindLiveTypes): no list outside this folder.
declare module '../../model/resource.js' {
  interface KindLiveTypes {
    Service: LiveService;
  }
}

export const serviceKind = {
  name: 'Service',
  noun: 'service',
  manifestSchema: ServiceManifestSchema,
  specSchema: ServiceSpecSchema,
  inCluster: true,
  clusterOf: (ref) => ref.cluster,
  dependsOn: (d) => {
    const ids: string[] = [];
    // a cluster named by ARN is managed elsewhere: nothing of ours to wait for
    if (!d.externalCluster) ids.push(resourceId({ kind: 'Cluster', region: d.region, name: d.cluster ?? '' }));
    const td = serviceSpecOf(d).taskDefinition;
    // family:revision and ARNs pin a revision made elsewhere
    if (typeof td === 'string' && td !== '' && isTaskDefinitionManifestReference(td))
      ids.push(resourceId({ kind: 'TaskDefinition', region: d.region, name: td }));
    return ids;
  },
  referenceProblems: serviceReferenceProblems,
  referenceFields: SERVICE_REFERENCE_FIELDS,
  readSpec: readServiceSpec,
  liveOf: (estate) => estate.services,
  readLive: readServices,
  // a service is listed in the clusters the Cluster read kept
  readAfter: ['Cluster', 'CapacityProvider'],
  readNamed: readNamedServices,
  arnOf: (live) => live.arn,
  ownershipTagsOf: (live) => live.tags,
  fightTagsOf: (live) => live.tags,
  managedBy: (live, controllerId) => live.tags[TAG.managedBy] === controllerId,
  diff: diffService,
  planCreate: planServiceCreate,
  planChange: planServiceChange,
  planDelete: planServiceDelete,
  revisionsInUse: (live) => live.deployments.map((dep) => dep.taskDefinitionArn),
  actions: SERVICE_ACTIONS,
  release: releaseService,
  health: serviceHealth,
  export: SERVICE_EXPORT,
  healthSchema: ServiceHealthSchema,
  scaling: serviceScaling,
  awaitSteady: (gw, touched, opts) =>
    awaitServicesSteady(
      gw,
      touched.map((d) => ({ cluster: d.cluster ?? '', name: d.name })),
      opts,
    ),
} satisfies ResourceKind<LiveService>;
