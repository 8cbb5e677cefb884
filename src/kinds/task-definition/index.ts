/** The TaskDefinition kind: a family of immutable revisions; a manifest change registers a new one. */

import type { LiveTaskDefinitionFamily } from '../../model/live.js';
import type { ResourceKind } from '../kind.js';
import {
  planRevisionPrune,
  planTaskDefinitionChange,
  planTaskDefinitionCreate,
  planTaskDefinitionDelete,
  releaseTaskDefinition,
  TASK_DEFINITION_ACTIONS,
} from './actions.js';
import { diffTaskDefinition } from './diff.js';
import { TASK_DEFINITION_EXPORT } from './export.js';
import { readTaskDefinitionSpec, TASK_DEFINITION_JSON_FILE } from './parse.js';
import { describeRecordedRevisions, readFamilies, readNamedFamilies } from './read.js';
import { TaskDefinitionManifestSchema, TaskDefinitionSpecSchema } from './schema.js';

// The kind's name and live type join the model's (src/model/resource.ts KindLiveTypes): no list outside this folder.
declare module '../../model/resource.js' {
  interface KindLiveTypes {
    TaskDefinition: LiveTaskDefinitionFamily;
  }
}

export const taskDefinitionKind = {
  name: 'TaskDefinition',
  noun: 'task definition',
  manifestSchema: TaskDefinitionManifestSchema,
  specSchema: TaskDefinitionSpecSchema,
  inCluster: false,
  // a family serves the clusters of the services naming it: it follows them into a shard
  clusterOf: () => undefined,
  dependsOn: () => [],
  readSpec: readTaskDefinitionSpec,
  plainJson: TASK_DEFINITION_JSON_FILE,
  liveOf: (estate) => estate.families,
  readLive: readFamilies,
  // a family's newest revision may be known from a service's record: no DescribeTaskDefinition
  readAfter: ['Service'],
  readNamed: readNamedFamilies,
  describeRecorded: describeRecordedRevisions,
  arnOf: (live) => live.latest.arn,
  // a family is ours when one of its revisions carries our managed-by tag
  ownershipTagsOf: (live) => live.latestManaged?.tags,
  fightTagsOf: (live) => live.latest.tags,
  managedBy: (live) => live.latestManaged !== undefined,
  diff: (d, id, live, rules, pass) => {
    const r = diffTaskDefinition(d, id, live, rules, pass);
    // a Service naming this family compares its revision with this target
    pass.offers.set(id, r.target);
    return r.diff;
  },
  planCreate: planTaskDefinitionCreate,
  planChange: planTaskDefinitionChange,
  planDelete: planTaskDefinitionDelete,
  planInSyncPrune: planRevisionPrune,
  actions: TASK_DEFINITION_ACTIONS,
  release: releaseTaskDefinition,
  export: TASK_DEFINITION_EXPORT,
} satisfies ResourceKind<LiveTaskDefinitionFamily>;
