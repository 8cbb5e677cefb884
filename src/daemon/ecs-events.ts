/**
 * Pure: one SQS message body (an EventBridge event) -> the resources it names, so the
 * daemon re-reads only those. ECS has no watch API; it publishes events to EventBridge
 * (Amazon ECS events, "ECS Service Action", "ECS Deployment State Change", "ECS Task
 * State Change"), Application Auto Scaling publishes its own, and CloudTrail turns every
 * ECS and Application Auto Scaling write into an "AWS API Call via CloudTrail" event.
 * The envelope is EventBridge's (version, id, detail-type, source, account, time,
 * region, resources, detail: Amazon EventBridge User Guide, "Amazon EventBridge events").
 * The event is a hint, never the truth: the pass reads the named resources afresh
 * (level triggered), so an event that is late, repeated or out of order is harmless.
 */
import { clusterNameOf, parseServiceArn } from '../model/ecs-arn.js';
import { isObject } from '../model/json.js';
import type { Kind } from '../model/resource.js';
import { familyOf } from '../model/revision-arn.js';

export interface EventTarget {
  kind: Kind;
  region: string;
  name: string;
  cluster?: string;
}

export type EventVerdict =
  /** re-read these resources */
  | { kind: 'targeted'; detailType: string; targets: EventTarget[]; eventName?: string }
  /** a write this process made itself (CloudTrail's userAgent carries its SDK app id) */
  | { kind: 'own-write'; detailType: string; eventName?: string }
  /** well formed, names nothing we reconcile (a read-only call, another service's event) */
  | { kind: 'ignored'; detailType: string; reason: string }
  /** not an EventBridge event at all */
  | { kind: 'malformed'; reason: string };

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/** a cluster name or ARN in an event -> its name; another ARN (not a cluster's) names none */
function clusterName(ref: unknown): string | undefined {
  const s = str(ref);
  if (!s) return undefined;
  const name = clusterNameOf(s);
  return name === s && s.includes(':') ? undefined : name;
}

/** a family, family:revision or revision ARN in an event -> the family */
function familyIn(ref: unknown): string | undefined {
  const s = str(ref);
  return s ? familyOf(s) || undefined : undefined;
}

/** Application Auto Scaling's ECS resource id: service/CLUSTER/NAME */
function serviceFromScalingId(id: unknown): { cluster: string; name: string } | undefined {
  const m = /^service\/([^/]+)\/([^/]+)$/.exec(str(id) ?? '');
  return m ? { cluster: m[1]!, name: m[2]! } : undefined;
}

/** Does a CloudTrail userAgent carry this SDK app id? A whole `app/<id>` token: `app/ecs-reconciler-1a` is not `app/ecs-reconciler-1`. */
function sentWithAppId(userAgent: string | undefined, appId: string): boolean {
  return userAgent?.split(/\s+/).includes(`app/${appId}`) ?? false;
}

/**
 * `ownAppId`: the SDK app id of this process's clients (aws/sdk-gateway.ts CONTROLLER_APP_ID).
 * A write with another app id (another daemon, someone's `ecs-reconciler apply`) is anyone's.
 */
export function parseEcsEvent(body: string, ownAppId: string): EventVerdict {
  let event: unknown;
  try {
    event = JSON.parse(body);
  } catch (err) {
    return { kind: 'malformed', reason: `not JSON: ${err instanceof Error ? err.message : String(err)}` };
  }
  if (!isObject(event)) return { kind: 'malformed', reason: 'not a JSON object' };
  const detailType = str(event['detail-type']);
  const source = str(event.source);
  const region = str(event.region);
  const detail = event.detail;
  if (!detailType || !source || !region || !isObject(detail))
    return { kind: 'malformed', reason: 'not an EventBridge event (detail-type, source, region and detail are required)' };
  const resources = Array.isArray(event.resources) ? event.resources.filter((r): r is string => typeof r === 'string') : [];
  const eventName = str(detail.eventName);
  const targets: EventTarget[] = [];
  const addService = (cluster: string | undefined, name: string | undefined, inRegion = region) => {
    if (cluster && name) targets.push({ kind: 'Service', region: inRegion, cluster, name });
  };

  if (detailType === 'AWS API Call via CloudTrail') {
    // CloudTrail record fields: eventSource, eventName, userAgent, requestParameters (CloudTrail record contents).
    const eventSource = str(detail.eventSource);
    if (eventSource !== 'ecs.amazonaws.com' && eventSource !== 'application-autoscaling.amazonaws.com')
      return { kind: 'ignored', detailType, reason: `CloudTrail event of ${eventSource ?? 'no service'}` };
    if (sentWithAppId(str(detail.userAgent), ownAppId)) return { kind: 'own-write', detailType, ...(eventName ? { eventName } : {}) };
    if (eventName && /^(Describe|List|Get)/.test(eventName)) return { kind: 'ignored', detailType, reason: `${eventName} changes nothing` };
    const req = isObject(detail.requestParameters) ? detail.requestParameters : {};
    const inRegion = str(detail.awsRegion) ?? region;
    if (eventSource === 'application-autoscaling.amazonaws.com') {
      const svc = serviceFromScalingId(req.resourceId);
      if (svc) addService(svc.cluster, svc.name, inRegion);
    } else {
      const cluster = clusterName(req.cluster) ?? 'default';
      const service = str(req.service) ?? str(req.serviceName);
      if (service) {
        const arn = parseServiceArn(service);
        if (arn) addService(arn.cluster, arn.name, arn.region);
        else addService(cluster, service, inRegion);
      }
      const family = familyIn(req.family) ?? (eventName && /TaskDefinition/.test(eventName) ? familyIn(req.taskDefinition) : undefined);
      if (family) targets.push({ kind: 'TaskDefinition', region: inRegion, name: family });
      if (!service && eventName && /Cluster/.test(eventName)) {
        const name = clusterName(req.cluster) ?? str(req.clusterName);
        if (name) targets.push({ kind: 'Cluster', region: inRegion, name });
      }
      // TagResource / UntagResource name the resource by ARN
      const arn = str(req.resourceArn);
      const tagged = arn ? parseServiceArn(arn) : undefined;
      if (tagged) addService(tagged.cluster, tagged.name, tagged.region);
      else if (arn && /:cluster\//.test(arn)) targets.push({ kind: 'Cluster', region: inRegion, name: clusterName(arn)! });
      else if (arn && /:task-definition\//.test(arn)) targets.push({ kind: 'TaskDefinition', region: inRegion, name: familyIn(arn)! });
    }
  } else if (source === 'aws.ecs' && (detailType === 'ECS Service Action' || detailType === 'ECS Deployment State Change')) {
    // resources: the service ARN (Amazon ECS service action events / service deployment state change events)
    for (const r of resources) {
      const svc = parseServiceArn(r);
      if (svc) addService(svc.cluster, svc.name, svc.region);
    }
  } else if (source === 'aws.ecs' && detailType === 'ECS Task State Change') {
    // a service's task carries group "service:NAME" and the cluster's ARN (Amazon ECS task state change events)
    const group = str(detail.group);
    if (group?.startsWith('service:')) addService(clusterName(detail.clusterArn), group.slice('service:'.length));
    else return { kind: 'ignored', detailType, reason: 'a task that no service started' };
  } else if (source === 'aws.application-autoscaling') {
    const svc = serviceFromScalingId(detail.resourceId);
    if (svc) addService(svc.cluster, svc.name);
  } else {
    return { kind: 'ignored', detailType, reason: `an event of ${source} (${detailType}) this controller does not follow` };
  }
  if (targets.length === 0) return { kind: 'ignored', detailType, reason: 'names no service, cluster or task definition family' };
  return { kind: 'targeted', detailType, targets, ...(eventName ? { eventName } : {}) };
}
