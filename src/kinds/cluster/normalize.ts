// The normalization of a cluster (CreateCluster input, less clusterName): what ECS fills in, spells several ways or keeps in any order, as
// data for the shared walker (src/diff/normalize.ts, which says how the tables read).
//
// Sources, cited per rule below:
//   [API]  ECS API reference (RegisterTaskDefinition, CreateService, CreateCluster) as
//          carried in @aws-sdk/client-ecs dist-types/models/models_0.d.ts doc comments.
//   [TF]   hashicorp/terraform-provider-aws internal/service/ecs/container_definitions.go
//          (containerDefinitions.reduce) and its predecessor ecs_task_definition_equivalency.go.
//   [ESP]  kayac/ecspresso diff.go (sortTaskDefinition, ServiceDefinitionForDiff,
//          toNumberCPU, toNumberMemory).
//   [MOBY] moby/moby daemon/volumes.go sortMounts (mounts applied in path-depth order).

import { is, type Json, type NormalizationTable, normalizeWith } from '../../diff/normalize.js';
import { isObject } from '../../model/json.js';

// ---------------------------------------------------------------------------------------
// Clusters (CreateCluster input, less clusterName)
// ---------------------------------------------------------------------------------------

const CLUSTER: NormalizationTable = {
  numbers: ['defaultCapacityProviderStrategy[].weight', 'defaultCapacityProviderStrategy[].base'],
  canon: {},
  defaults: {
    // [API] Container Insights is off unless turned on; DescribeClusters (include
    // SETTINGS) reports {name: containerInsights, value: disabled} for such a cluster.
    'settings[]': (v) => isObject(v) && v.name === 'containerInsights' && v.value === 'disabled',
    // [API] "If no value is specified, the default value of 0 is used."
    'defaultCapacityProviderStrategy[].weight': is(0),
    'defaultCapacityProviderStrategy[].base': is(0),
    // [API] execute command logging: "If no logging parameter is specified, it defaults
    // to this value" (DEFAULT).
    'configuration.executeCommandConfiguration.logging': is('DEFAULT'),
  },
  orderFree: {
    settings: ['name'],
    capacityProviders: [],
    defaultCapacityProviderStrategy: ['capacityProvider'],
    tags: ['key'],
  },
};

export function normalizeCluster(spec: Json): Json {
  return normalizeWith(spec, CLUSTER);
}
