// Each EventBridge event names the resources the daemon re-reads; the rest is judged, never a crash.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEcsEvent as parseWithAppId } from '../src/daemon/ecs-events.js';

// biome-ignore lint/suspicious/noExplicitAny: the tests edit parsed EventBridge JSON at arbitrary paths
type EventJson = Record<string, any>;

/** this process's SDK app id, as aws/sdk-gateway.ts makes one */
const OWN_APP_ID = 'ecs-reconciler-0a1b2c3d4e5f';
const parseEcsEvent = (body: string) => parseWithAppId(body, OWN_APP_ID);
const userAgent = (appId: string) => `aws-sdk-js/3.1161.0 ua/2.1 os/linux lang/js md/nodejs#22.0.0 api/ecs#3.1161.0 m/E app/${appId}`;

const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', 'events', name), 'utf8');
const edited = (name: string, edit: (e: EventJson) => void) => {
  const e = JSON.parse(fixture(name)) as EventJson;
  edit(e);
  return JSON.stringify(e);
};

describe('ECS events name the resources to re-read', () => {
  it('a deployment state change names its service (from the resources ARN)', () => {
    expect(parseEcsEvent(fixture('deployment-in-progress.json'))).toMatchObject({
      kind: 'targeted',
      targets: [{ kind: 'Service', region: 'us-west-2', cluster: 'default', name: 'servicetest' }],
    });
  });
  it('a service action names its service', () => {
    expect(parseEcsEvent(fixture('service-action-steady-state.json'))).toMatchObject({
      kind: 'targeted',
      eventName: 'SERVICE_STEADY_STATE',
      targets: [{ kind: 'Service', cluster: 'default', name: 'servicetest' }],
    });
  });
  it('a task state change names the service of its group', () => {
    expect(parseEcsEvent(fixture('task-state-change.json'))).toMatchObject({
      kind: 'targeted',
      targets: [{ kind: 'Service', cluster: 'FargateCluster', name: 'sample-fargate' }],
    });
  });
  it('a standalone task (group family:...) names nothing', () => {
    expect(parseEcsEvent(edited('task-state-change.json', (e) => (e.detail.group = 'family:sample-fargate')))).toMatchObject({ kind: 'ignored' });
  });
  it('a console UpdateService through CloudTrail names the service', () => {
    expect(parseEcsEvent(fixture('cloudtrail-update-service.json'))).toMatchObject({
      kind: 'targeted',
      targets: [{ kind: 'Service', region: 'us-east-1', cluster: 'prod', name: 'web' }],
    });
  });
  it('RegisterTaskDefinition through CloudTrail names the family', () => {
    const body = edited('cloudtrail-update-service.json', (e) => {
      e.detail.eventName = 'RegisterTaskDefinition';
      e.detail.requestParameters = { family: 'web', containerDefinitions: [] };
    });
    expect(parseEcsEvent(body)).toMatchObject({ kind: 'targeted', targets: [{ kind: 'TaskDefinition', name: 'web' }] });
  });
  it('an Application Auto Scaling call names the service of its resource id', () => {
    const body = edited('cloudtrail-update-service.json', (e) => {
      e.source = 'aws.application-autoscaling';
      e.detail.eventSource = 'application-autoscaling.amazonaws.com';
      e.detail.eventName = 'RegisterScalableTarget';
      e.detail.requestParameters = { serviceNamespace: 'ecs', resourceId: 'service/prod/web', scalableDimension: 'ecs:service:DesiredCount', minCapacity: 1 };
    });
    expect(parseEcsEvent(body)).toMatchObject({ kind: 'targeted', targets: [{ kind: 'Service', cluster: 'prod', name: 'web' }] });
  });
  it("a service named by ARN in CloudTrail is read in the ARN's cluster", () => {
    const body = edited(
      'cloudtrail-update-service.json',
      (e) => (e.detail.requestParameters = { service: 'arn:aws:ecs:us-east-1:111122223333:service/batch/worker', desiredCount: 0 }),
    );
    expect(parseEcsEvent(body)).toMatchObject({ kind: 'targeted', targets: [{ kind: 'Service', cluster: 'batch', name: 'worker' }] });
  });
});

describe('events that cause no pass', () => {
  it("this process's own write, known by its SDK app id, which CloudTrail records as userAgent", () => {
    const body = edited('cloudtrail-update-service.json', (e) => (e.detail.userAgent = userAgent(OWN_APP_ID)));
    expect(parseEcsEvent(body)).toMatchObject({ kind: 'own-write', eventName: 'UpdateService' });
  });
  it("another ecs-reconciler's write (another daemon, someone's apply from a laptop) is anyone's: re-read", () => {
    for (const appId of ['ecs-reconciler-ffffffffffff', 'ecs-reconciler', `${OWN_APP_ID}0`, OWN_APP_ID.slice(0, -1)]) {
      const body = edited('cloudtrail-update-service.json', (e) => (e.detail.userAgent = userAgent(appId)));
      expect(parseEcsEvent(body)).toMatchObject({ kind: 'targeted', targets: [{ kind: 'Service' }] });
    }
  });
  it("a read-only call, or another service's CloudTrail event", () => {
    expect(parseEcsEvent(edited('cloudtrail-update-service.json', (e) => (e.detail.eventName = 'DescribeServices')))).toMatchObject({ kind: 'ignored' });
    expect(parseEcsEvent(edited('cloudtrail-update-service.json', (e) => (e.detail.eventSource = 's3.amazonaws.com')))).toMatchObject({ kind: 'ignored' });
  });
  it('malformed bodies are judged malformed, never thrown', () => {
    for (const body of [
      '',
      'not json',
      '[]',
      'null',
      '{"detail-type":"ECS Service Action"}',
      JSON.stringify({ 'detail-type': 1, source: 'aws.ecs', region: 'x', detail: {} }),
    ]) {
      expect(parseEcsEvent(body).kind).toBe('malformed');
    }
  });
  it('an unknown detail-type is ignored', () => {
    expect(parseEcsEvent(edited('service-action-steady-state.json', (e) => (e.source = 'aws.ec2')))).toMatchObject({ kind: 'ignored' });
  });
});
