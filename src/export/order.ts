/**
 * Pure: keys in the order a person reads and writes a manifest (apiVersion, kind,
 * metadata, spec; inside spec the fields that say what it is first, tags last), not
 * the alphabetical order normalization leaves them in. Keys a table does not name
 * follow those it does, alphabetically; `tags` always comes last.
 */

import { isObject } from '../model/json.js';
import { emptyRecord, ownValue } from '../model/own-keys.js';
import type { Kind } from '../model/resource.js';

type Json = Record<string, unknown>;

const TOP = ['apiVersion', 'kind', 'metadata', 'spec'];
const METADATA = ['name', 'cluster', 'region', 'annotations'];

const C = 'containerDefinitions[]';

const TABLES: Record<Kind, Record<string, readonly string[]>> = {
  CapacityProvider: {
    '': ['autoScalingGroupProvider', 'managedInstancesProvider'],
    autoScalingGroupProvider: ['autoScalingGroupArn', 'managedScaling', 'managedTerminationProtection', 'managedDraining'],
    'autoScalingGroupProvider.managedScaling': ['status', 'targetCapacity', 'minimumScalingStepSize', 'maximumScalingStepSize', 'instanceWarmupPeriod'],
  },
  Cluster: {
    '': ['capacityProviders', 'defaultCapacityProviderStrategy', 'settings', 'configuration', 'serviceConnectDefaults'],
    'defaultCapacityProviderStrategy[]': ['capacityProvider', 'weight', 'base'],
    'settings[]': ['name', 'value'],
  },
  TaskDefinition: {
    '': ['networkMode', 'requiresCompatibilities', 'cpu', 'memory', 'runtimePlatform', 'executionRoleArn', 'taskRoleArn', 'containerDefinitions', 'volumes'],
    [C]: [
      'name',
      'image',
      'essential',
      'cpu',
      'memory',
      'memoryReservation',
      'command',
      'entryPoint',
      'workingDirectory',
      'user',
      'portMappings',
      'environment',
      'environmentFiles',
      'secrets',
      'mountPoints',
      'volumesFrom',
      'dependsOn',
      'healthCheck',
      'logConfiguration',
      'firelensConfiguration',
    ],
    [`${C}.portMappings[]`]: ['name', 'containerPort', 'hostPort', 'protocol', 'appProtocol'],
    [`${C}.environment[]`]: ['name', 'value'],
    [`${C}.secrets[]`]: ['name', 'valueFrom'],
    [`${C}.healthCheck`]: ['command', 'interval', 'timeout', 'retries', 'startPeriod'],
    [`${C}.logConfiguration`]: ['logDriver', 'options', 'secretOptions'],
    [`${C}.mountPoints[]`]: ['sourceVolume', 'containerPath', 'readOnly'],
    [`${C}.dependsOn[]`]: ['containerName', 'condition'],
    'volumes[]': ['name'],
  },
  Service: {
    '': [
      'taskDefinition',
      'desiredCount',
      'launchType',
      'capacityProviderStrategy',
      'platformVersion',
      'schedulingStrategy',
      'networkConfiguration',
      'loadBalancers',
      'serviceRegistries',
      'healthCheckGracePeriodSeconds',
      'deploymentController',
      'deploymentConfiguration',
      'placementConstraints',
      'placementStrategy',
      'serviceConnectConfiguration',
      'autoScaling',
    ],
    'capacityProviderStrategy[]': ['capacityProvider', 'weight', 'base'],
    'networkConfiguration.awsvpcConfiguration': ['subnets', 'securityGroups', 'assignPublicIp'],
    'loadBalancers[]': ['targetGroupArn', 'loadBalancerName', 'containerName', 'containerPort'],
    deploymentConfiguration: ['minimumHealthyPercent', 'maximumPercent', 'deploymentCircuitBreaker', 'alarms'],
    'deploymentConfiguration.deploymentCircuitBreaker': ['enable', 'rollback'],
    'placementStrategy[]': ['type', 'field'],
    'placementConstraints[]': ['type', 'expression'],
    autoScaling: ['minCapacity', 'maxCapacity', 'suspendedState', 'targetTracking', 'stepScaling', 'scheduled'],
    'autoScaling.targetTracking[]': [
      'policyName',
      'predefinedMetricType',
      'resourceLabel',
      'customizedMetricSpecification',
      'targetValue',
      'scaleInCooldown',
      'scaleOutCooldown',
      'disableScaleIn',
    ],
    'autoScaling.stepScaling[]': ['policyName', 'adjustmentType', 'stepAdjustments', 'cooldown', 'metricAggregationType', 'minAdjustmentMagnitude'],
    'autoScaling.scheduled[]': ['name', 'schedule', 'timezone', 'startTime', 'endTime', 'minCapacity', 'maxCapacity'],
  },
};

function ordered(obj: Json, first: readonly string[], tagsLast: boolean): Json {
  const known = first.filter((k) => Object.hasOwn(obj, k));
  const rest = Object.keys(obj)
    .filter((k) => !first.includes(k) && !(tagsLast && k === 'tags'))
    .sort();
  const out: Json = emptyRecord();
  for (const k of [...known, ...rest]) out[k] = obj[k];
  if (tagsLast && Object.hasOwn(obj, 'tags')) out.tags = obj.tags;
  return out;
}

function orderValue(value: unknown, path: string, table: Record<string, readonly string[]>): unknown {
  if (Array.isArray(value)) return value.map((item) => orderValue(item, `${path}[]`, table));
  if (!isObject(value)) return value;
  // a tag map or a string map (log options, docker labels): keys as they are, sorted
  const first = ownValue(table, path) ?? (['name'] as const);
  const out = ordered(value, first, path === '');
  for (const [k, v] of Object.entries(out)) {
    if (path === '' && k === 'tags') out[k] = ordered(v as Json, [], false);
    else out[k] = orderValue(v, path === '' ? k : `${path}.${k}`, table);
  }
  return out;
}

/** A whole manifest document, keys in reading order. */
export function orderManifest(kind: Kind, doc: { metadata: Json; spec: Json } & Json): Json {
  const top = ordered(doc, TOP, false);
  top.metadata = ordered(doc.metadata, METADATA, false);
  top.spec = orderValue(doc.spec, '', TABLES[kind]);
  return top;
}
