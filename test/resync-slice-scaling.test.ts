// A resync slice is the resync of its resources: with --events-queue the 30-minute
// resync runs as targeted passes over slices of the estate, and each must re-read the
// Application Auto Scaling of the services in it (a scalable target changed by hand in
// the console is drift the resync exists to see), as an event's targeted pass must.
// On the in-memory gateway, through the daemon's own EstateReconciler.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { planResyncSlices } from '../src/daemon/controller.js';
import { createLogger } from '../src/daemon/logger.js';
import { EstateReconciler, type ReconcileRequest } from '../src/daemon/reconciler.js';
import { Redactor } from '../src/report/redact.js';
import { InMemoryGateways } from './support/in-memory-gateway.js';
import { FAKE_REGION, fixture } from './support/pass-on-fake.js';

const SCALING_ID = 'service/prod/web';
const WEB = 'Service/eu-west-1/prod/web';
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function reconcilerOn(fake: InMemoryGateways, mode: 'apply' | 'report'): EstateReconciler {
  const dir = mkdtempSync(join(tmpdir(), 'resync-slice-scaling-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'estate.yaml'), fixture('estate.yaml'));
  return new EstateReconciler({
    manifests: { dir, vars: [], varFiles: [], env: {}, varEnv: [], varEnvPrefixes: [], defaultRegion: FAKE_REGION },
    gateways: fake,
    controllerId: 'default',
    defaultRegion: FAKE_REGION,
    mode: () => mode,
    shouldStop: () => false,
    prune: false,
    adopt: false,
    keepRevisions: 5,
    redactor: new Redactor(),
    logger: createLogger({ level: 'silent', format: 'json' }),
  });
}

let passId = 0;
function request(scope: 'full' | 'targeted', targets: ReconcileRequest['targets'] = []): ReconcileRequest {
  return { passId: ++passId, reasons: [scope], scope, targets, paced: scope === 'targeted', heldBack: () => undefined };
}

/** Apply the estate, then a full read, and the one slice a 30-minute resync of it makes. */
async function appliedEstate(mode: 'apply' | 'report') {
  const fake = new InMemoryGateways({ regions: [FAKE_REGION] });
  const applier = reconcilerOn(fake, 'apply');
  const created = await applier.reconcile(request('full'), new AbortController().signal);
  expect(created.ok).toBe(true);
  const reconciler = mode === 'apply' ? applier : reconcilerOn(fake, mode);
  const full = await reconciler.reconcile(request('full'), new AbortController().signal);
  expect(full.pass?.diffs.map((d) => d.state)).toEqual(['in-sync', 'in-sync', 'in-sync']);
  const slices = planResyncSlices(full.resources, 30 * 60_000, 100);
  expect(slices).toHaveLength(1);
  return { fake, reconciler, slice: slices[0]!.targets };
}

describe('a resync slice re-reads the auto scaling of its services', () => {
  it('a scalable target changed by hand is drifted in the slice, and the slice heals it', async () => {
    const { fake, reconciler, slice } = await appliedEstate('apply');
    const gw = fake.forRegion(FAKE_REGION);
    await gw.registerScalableTarget({ ServiceNamespace: 'ecs', ResourceId: SCALING_ID, ScalableDimension: 'ecs:service:DesiredCount', MaxCapacity: 20 });
    fake.clearCalls();

    const r = await reconciler.reconcile(request('targeted', slice), new AbortController().signal);

    expect(r.read).toBe('targeted');
    const web = r.pass!.diffs.find((d) => d.id === WEB)!;
    expect(web.state).toBe('drifted');
    expect(web.changes).toContainEqual(expect.objectContaining({ path: 'autoScaling.maxCapacity', desired: 8, live: 20 }));
    expect(r.pass!.results.map((x) => `${x.action.kind} ${x.outcome}`)).toContain('update-scaling applied');
    expect(gw.scalableTarget(SCALING_ID)?.MaxCapacity).toBe(8);
    // by resource id, not the whole namespace of the region
    const targetsCall = fake.callsOf('DescribeScalableTargets')[0]!;
    expect(targetsCall.input.ResourceIds).toEqual([SCALING_ID]);
    // the cycle's page of the namespace (this one slice is the whole cycle), and, since the
    // target's read changed, the target's own policies and scheduled actions by ResourceId
    expect(fake.callsOf('DescribeScalingPolicies').map((c) => c.input.ResourceId)).toEqual([undefined, SCALING_ID]);
    expect(fake.callsOf('DescribeScheduledActions').map((c) => c.input.ResourceId)).toEqual([undefined, SCALING_ID]);
  });

  it('a scheduled action deleted by hand and a policy changed by hand are drift the slice reports', async () => {
    const { fake, reconciler, slice } = await appliedEstate('report');
    const gw = fake.forRegion(FAKE_REGION);
    await gw.deleteScheduledAction(SCALING_ID, 'nightly-low');
    await gw.putScalingPolicy({
      PolicyName: 'cpu60',
      ServiceNamespace: 'ecs',
      ResourceId: SCALING_ID,
      ScalableDimension: 'ecs:service:DesiredCount',
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: { TargetValue: 90, PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' } },
    });

    const r = await reconciler.reconcile(request('targeted', slice), new AbortController().signal);

    const web = r.pass!.diffs.find((d) => d.id === WEB)!;
    expect(web.state).toBe('drifted');
    const paths = web.changes.map((c) => c.path).join(' ');
    expect(paths).toMatch(/autoScaling\.scheduled/);
    expect(paths).toMatch(/autoScaling\.targetTracking/);
  });

  it('a scalable target deregistered by hand is seen as gone in the slice', async () => {
    const { fake, reconciler, slice } = await appliedEstate('report');
    await fake.forRegion(FAKE_REGION).deregisterScalableTarget(SCALING_ID);

    const r = await reconciler.reconcile(request('targeted', slice), new AbortController().signal);

    const web = r.pass!.diffs.find((d) => d.id === WEB)!;
    expect(web.state).toBe('drifted');
    expect(web.changes.some((c) => c.path.startsWith('autoScaling'))).toBe(true);
  });

  it('a slice without services makes no Application Auto Scaling call', async () => {
    const { fake, reconciler, slice } = await appliedEstate('report');
    fake.clearCalls();
    const withoutWeb = slice.filter((t) => t.kind !== 'Service');
    await reconciler.reconcile(request('targeted', withoutWeb), new AbortController().signal);
    expect(fake.callsOf('DescribeScalableTargets')).toHaveLength(0);
    expect(fake.callsOf('DescribeScalingPolicies')).toHaveLength(0);
  });
});

describe('a full pass reads again from the last full pass (issue 19)', () => {
  it("keeps a service's live record while its DescribeServices answer is unchanged, and sees a change made by hand", async () => {
    const { fake, reconciler } = await appliedEstate('report');
    const webOf = (r: Awaited<ReturnType<EstateReconciler['reconcile']>>) => r.pass!.diffs.find((d) => d.id === WEB)!;
    const first = await reconciler.reconcile(request('full'), new AbortController().signal);
    fake.clearCalls();
    const second = await reconciler.reconcile(request('full'), new AbortController().signal);
    // the same calls as any full pass, and the record the last one made: the answer was not decoded again
    expect(fake.callsOf('DescribeServices')).toHaveLength(1);
    expect(webOf(second).live).toBe(webOf(first).live);
    expect(webOf(second).state).toBe('in-sync');
    // and the diff the last pass made: the cache's entry kept its record, so a hit copies nothing
    expect(webOf(second)).toBe(webOf(first));

    await fake.forRegion(FAKE_REGION).updateService({
      cluster: 'prod',
      service: 'web',
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-0example00000000b'], securityGroups: ['sg-0example000000000'] } },
    });
    const third = await reconciler.reconcile(request('full'), new AbortController().signal);
    expect(webOf(third).live).not.toBe(webOf(second).live);
    expect(webOf(third).state).toBe('drifted');
    expect(webOf(third).changes).toContainEqual(expect.objectContaining({ path: expect.stringContaining('subnets'), cause: 'out-of-band' }));
  });
});
