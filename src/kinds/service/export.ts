/** export: what a Service manifest written from live looks like. */
import { userTags } from '../../diff/resource-diff.js';
import { omit } from '../../model/json.js';
import type { Json, LiveService } from '../../model/live.js';
import { sortedOrNone } from '../../model/own-keys.js';
import { normalizeService } from './normalize.js';
import { normalizeScaling } from './scaling-normalize.js';

/**
 * The normalized live service spec: desired count (none for DAEMON), its auto scaling,
 * its user tags; `taskDefinition` is the caller's (the family, or a pinned revision).
 */
export function exportServiceSpec(s: LiveService, taskDefinition: string): Json {
  let spec = normalizeService(omit(s.spec, 'taskDefinition'));
  // DAEMON services run one task per instance and take no desiredCount.
  if (spec.schedulingStrategy === 'DAEMON') spec = omit(spec, 'desiredCount');
  const scaling = normalizeScaling(s.scaling);
  const tags = sortedOrNone(userTags(s.tags));
  return {
    taskDefinition,
    ...spec,
    ...(scaling && Object.keys(scaling).length ? { autoScaling: scaling } : {}),
    ...(tags ? { tags } : {}),
  };
}

/** export: the spec's keys in reading order, by path (`''` the spec itself, `[]` a list's items); other keys follow alphabetically, tags last. */
export const SERVICE_KEY_ORDER: Readonly<Record<string, readonly string[]>> = {
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
};
