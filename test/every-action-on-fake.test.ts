// Every action every kind declares is applied on the in-memory gateway, in one tour of an
// estate's life (create, change, replace, trim, release, prune). A kind that gains an
// action fails this test until a pass here plans and applies it.
import { describe, expect, it } from 'vitest';
import { REGISTRY } from '../src/kinds/registry.js';
import type { PassResult } from '../src/pipeline/reconcile-pass.js';
import { InMemoryGateways } from './support/in-memory-gateway.js';
import { FAKE_REGION, fixture, passOnFake } from './support/pass-on-fake.js';

const ASG = (name: string) => `arn:aws:autoscaling:${FAKE_REGION}:123456789012:autoScalingGroup:1:autoScalingGroupName/${name}`;
const provider = (o: { asg?: string; target?: number; team?: string; replace?: boolean } = {}) => `apiVersion: ecs-reconciler/v1
kind: CapacityProvider
metadata:
  name: ec2
  annotations: { ecs-reconciler/allow-replace: "${o.replace ? 'true' : 'false'}" }
spec:
  autoScalingGroupProvider:
    autoScalingGroupArn: ${ASG(o.asg ?? 'ec2-a')}
    managedScaling: { status: ENABLED, targetCapacity: ${o.target ?? 100} }
  tags: { team: ${o.team ?? 'web'} }
`;
const ESTATE = fixture('estate.yaml');
const withProvider = (cluster: string) => cluster.replace('spec:\n  settings:', 'spec:\n  capacityProviders: [FARGATE, ec2]\n  settings:');

describe('every action of every kind, applied on the in-memory gateway', () => {
  it('the tour plans and applies each one the registry declares, and each is applied without a problem', async () => {
    const fake = new InMemoryGateways();
    const applied = new Set<string>();
    const pass = async (texts: string[], opts: Parameters<typeof passOnFake>[2] = {}): Promise<PassResult> => {
      const r = await passOnFake(fake, texts, opts);
      expect(r.problems).toEqual([]);
      for (const res of r.results) {
        expect(res.outcome, `${res.action.kind} ${res.action.resource}: ${res.message ?? ''}`).toBe('applied');
        applied.add(`${res.action.resource.split('/')[0]} ${res.action.kind}`);
      }
      return r;
    };
    const [cluster, taskDefinition, service] = ESTATE.split('\n---\n') as [string, string, string];
    const estate = (o: { provider?: string; cluster?: string; taskDefinition?: string; service?: string } = {}) => [
      o.provider ?? provider(),
      o.cluster ?? withProvider(cluster),
      o.taskDefinition ?? taskDefinition,
      o.service ?? service,
    ];

    // create: provider, cluster (associating it), revision, service, auto scaling
    await pass(estate());
    // change: the provider's managed scaling, a cluster setting, an image (a new revision, deployed)
    await pass(
      estate({
        provider: provider({ target: 80 }),
        cluster: withProvider(cluster).replace('value: enabled', 'value: disabled'),
        taskDefinition: taskDefinition.replace('${TAG:=1.27}', '1.28'),
      }),
    );
    // tags only: TagResource on the provider, the cluster and the newest revision
    const taggedRevision = `${taskDefinition.replace('${TAG:=1.27}', '1.28')}\n  tags: { team: platform }`;
    await pass(
      estate({
        provider: provider({ target: 80, team: 'platform' }),
        cluster: withProvider(cluster).replace('value: enabled', 'value: disabled').replace('team: web', 'team: platform'),
        taskDefinition: taggedRevision,
      }),
    );
    // replace: a new Auto Scaling group for the provider; EC2 for the service, both allowed
    const changed = {
      cluster: withProvider(cluster).replace('value: enabled', 'value: disabled').replace('team: web', 'team: platform'),
      taskDefinition: taggedRevision,
      service: service
        .replace('launchType: FARGATE', 'launchType: EC2')
        .replace('metadata: { name: web, cluster: prod }', 'metadata: { name: web, cluster: prod, annotations: { ecs-reconciler/allow-replace: "true" } }'),
    };
    await pass(estate({ ...changed, provider: provider({ asg: 'ec2-b', target: 80, team: 'platform', replace: true }) }));
    // trim: revisions past --keep-revisions are deregistered
    const kept = estate({ ...changed, provider: provider({ asg: 'ec2-b', target: 80, team: 'platform' }) });
    await pass(kept, { keepRevisions: 1 });
    // release: an orphan's ownership tags go, the service stays
    await pass(kept.slice(0, 3), { release: [`Service/${FAKE_REGION}/prod/web`], keepRevisions: 1 });
    // prune: the rest, in reverse order (service already released, so a second one is made and dropped)
    await pass(kept, { keepRevisions: 1, adopt: true });
    await pass([kept[0]!, kept[1]!, kept[2]!], { prune: true, keepRevisions: 1 });
    await pass([taggedRevision], { prune: true, keepRevisions: 1 });

    const declared = new Set<string>();
    for (const k of REGISTRY) for (const a of Object.keys(k.actions)) declared.add(`${k.name} ${a}`);
    const missing = [...declared].filter((a) => !applied.has(a)).sort();
    expect(missing).toEqual([]);
    // release-resource is the plan's own action (src/kinds/registry.ts), applied above to a Service
    expect(applied.has('Service release-resource')).toBe(true);
  });
});

describe('replacing a capacity provider a service runs on', () => {
  it("fails with ECS's refusal to let go of it, and the cluster keeps the old provider", async () => {
    const fake = new InMemoryGateways();
    const gw = fake.forRegion(FAKE_REGION);
    const [cluster] = ESTATE.split('\n---\n') as [string];
    expect((await passOnFake(fake, [provider(), withProvider(cluster)])).problems).toEqual([]);
    await gw.createService({ cluster: 'prod', serviceName: 'hand', desiredCount: 1, capacityProviderStrategy: [{ capacityProvider: 'ec2', weight: 1 }] });
    const r = await passOnFake(fake, [provider({ asg: 'ec2-b', replace: true }), withProvider(cluster)]);
    const replace = r.results.find((x) => x.action.kind === 'replace-capacity-provider')!;
    expect(replace.outcome).toBe('failed');
    expect(replace.message).toMatch(/ResourceInUseException/);
    expect(fake.callsOf('DeleteCapacityProvider')).toEqual([]);
    const [after] = (await gw.describeClusters(['prod'])).clusters;
    expect(after!.capacityProviders).toContain('ec2');
  });
});
