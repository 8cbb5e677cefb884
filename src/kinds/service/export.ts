/**
 * export: the services of each exported cluster, a file each (`<cluster>/<service>.yaml`),
 * naming the family their PRIMARY deployment runs, written with them.
 *
 * The engine compares a service naming a family with the family's NEWEST ACTIVE revision:
 * when the PRIMARY deployment runs an older revision of different content, naming the
 * family would deploy the newest, so such a service pins `family:revision` instead (with a
 * comment saying why); the family's manifest is always its newest revision, which
 * therefore registers nothing.
 */
import { userTags } from '../../diff/resource-diff.js';
import { omit } from '../../model/json.js';
import type { Json, LiveCluster, LiveRevision, LiveService, LiveTaskDefinitionFamily } from '../../model/live.js';
import { ownValue, sortedOrNone } from '../../model/own-keys.js';
import { resourceId } from '../../model/resource.js';
import { revisionLabel } from '../../model/revision-arn.js';
import type { ExportChoice, ExportLinks, KindExport } from '../kind.js';
import { revisionBody } from '../task-definition/export.js';
import { normalizedRevision } from '../task-definition/normalize.js';
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
const SERVICE_KEY_ORDER: Readonly<Record<string, readonly string[]>> = {
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

function matchesTags(tags: Record<string, string>, wanted: Readonly<Record<string, string>> | undefined): boolean {
  return Object.entries(wanted ?? {}).every(([k, v]) => ownValue(tags, k) === v);
}

/** Would a service naming the family run the revision it runs now? (the engine compares content with the newest) */
function runsNewestContent(primary: LiveRevision, family: LiveTaskDefinitionFamily | undefined): boolean {
  if (!family) return false;
  // revisions never change: their normalized forms are memoized (normalizedRevision)
  return normalizedRevision(revisionBody(primary)).canonical === normalizedRevision(revisionBody(family.latest)).canonical;
}

function familyId(s: LiveService, primary: LiveRevision): string {
  return resourceId({ kind: 'TaskDefinition', region: s.region, name: primary.family });
}

export const SERVICE_EXPORT: KindExport<LiveService> = {
  memberOf: 'Cluster',
  // the ACTIVE services of the cluster with every --tag, by name; the others said, with why
  selectMembers: (parent, selection, estate, ownership) => {
    const c = parent as LiveCluster;
    const out: Array<ExportChoice<LiveService>> = [];
    const chosen: LiveService[] = [];
    for (const s of estate.services.values()) {
      if (s.region !== selection.region || s.cluster !== c.name) continue;
      const resource = resourceId(s);
      const skip = (reason: string) => out.push({ skipped: { resource, reason } });
      if (s.status !== 'ACTIVE') skip(`status ${s.status}`);
      else if (!matchesTags(s.tags, selection.serviceTags)) continue;
      else if (!ownership.wanted(s.tags)) skip('not managed by this controller (--managed-only)');
      else if (ownership.stackReason(s.tags)) skip(ownership.stackReason(s.tags)!);
      else if (!s.primaryRevision) skip('no deployment: the task definition it runs could not be read');
      else chosen.push(s);
    }
    chosen.sort((a, b) => a.name.localeCompare(b.name));
    return [...out, ...chosen.map((live) => ({ live }))];
  },
  links: (s, estate): ExportLinks => {
    const primary = s.primaryRevision!;
    const id = familyId(s, primary);
    const family = estate.families.get(id);
    if (!family || !runsNewestContent(primary, family)) {
      return { references: [], pin: { runs: revisionLabel(primary.arn), ...(family ? { newest: revisionLabel(family.latest.arn) } : {}) } };
    }
    const newest = family.latest;
    const runs =
      newest.revision === primary.revision
        ? 'the revision its PRIMARY deployment runs'
        : `the family's newest; the PRIMARY deployment runs ${revisionLabel(primary.arn)}, with the same content`;
    return {
      references: [
        {
          kind: 'TaskDefinition',
          id,
          headerPhrase: `task definition ${primary.family} (${revisionLabel(newest.arn)}, ${runs})`,
          ifLeftOut: 'its services pin their revision',
        },
      ],
    };
  },
  document: (s, { links, written, ownership }) => {
    const primary = s.primaryRevision!;
    const names = links.references.find((r) => written(r.id));
    const comments: Record<string, string> = {};
    const pin = links.pin;
    if (pin) {
      comments['spec.taskDefinition'] = pin.newest
        ? ` Pinned: the service runs ${pin.runs}, but the family's newest ACTIVE revision is ${pin.newest}, with other content.\n Naming the family here would deploy ${pin.newest}; pinned, adopting deploys nothing.`
        : ` Pinned: the service runs ${pin.runs}, and the family has no ACTIVE revision (it was deregistered) to name instead.`;
    }
    const other = ownership.otherOwnerNote(`Service ${s.cluster}/${s.name}`, s.tags);
    return {
      metadata: { name: s.name, cluster: s.cluster, region: s.region },
      // the family when it is written too; its revision otherwise (pinned, or the family left out)
      spec: exportServiceSpec(s, names ? primary.family : revisionLabel(primary.arn)),
      comments,
      annotationTags: s.tags,
      ...(other ? { notes: [other] } : {}),
    };
  },
  file: (s) => ({ path: `${s.cluster}/${s.name}.yaml`, what: `service ${s.name} in cluster ${s.cluster}` }),
  keyOrder: SERVICE_KEY_ORDER,
};
