// The CapacityProvider kind on the in-memory gateway: its plan and apply (create before
// the cluster that associates it, one UpdateCapacityProvider for what ECS can change, a
// refusal for what it cannot, deletion only with --prune and never while used), ECS's
// defaults as no drift, the Cluster's reference check with a did-you-mean.
import { describe, expect, it } from 'vitest';
import { normalizeCapacityProvider } from '../../src/kinds/capacity-provider/diff.js';
import { CapacityProviderManifestSchema } from '../../src/kinds/capacity-provider/schema.js';
import { REGISTRY } from '../../src/kinds/registry.js';
import { manifestJsonSchema } from '../../src/schema/index.js';
import { InMemoryGateways } from '../support/in-memory-gateway.js';
import { FAKE_REGION, outcomes, passOnFake, states } from '../support/pass-on-fake.js';

const ASG = 'arn:aws:autoscaling:eu-west-1:123456789012:autoScalingGroup:uuid:autoScalingGroupName/prod-ec2';
const PROVIDER_ID = `CapacityProvider/${FAKE_REGION}/ec2`;

const provider = (scaling = '{ status: ENABLED, targetCapacity: 90 }', extra = '') => `apiVersion: ecs-reconciler/v1
kind: CapacityProvider
metadata: { name: ec2${extra} }
spec:
  autoScalingGroupProvider:
    autoScalingGroupArn: ${ASG}
    managedScaling: ${scaling}
  tags: { team: web }
`;
const cluster = (providers = '[FARGATE, ec2]') => `apiVersion: ecs-reconciler/v1
kind: Cluster
metadata: { name: prod }
spec:
  capacityProviders: ${providers}
`;
const service = `apiVersion: ecs-reconciler/v1
kind: TaskDefinition
metadata: { name: cache }
spec:
  networkMode: bridge
  requiresCompatibilities: [EC2]
  containerDefinitions:
    - { name: cache, image: redis:7, memory: 256, portMappings: [{ containerPort: 6379 }] }
---
apiVersion: ecs-reconciler/v1
kind: Service
metadata: { name: cache, cluster: prod }
spec:
  taskDefinition: cache
  desiredCount: 1
  capacityProviderStrategy: [{ capacityProvider: ec2, weight: 1 }]
`;

describe('the CapacityProvider kind', () => {
  it('is created before the cluster that associates it, and then plans in-sync with ECS defaults filled in', async () => {
    const fake = new InMemoryGateways();
    const pass = await passOnFake(fake, [provider(), cluster()]);
    expect(pass.problems).toEqual([]);
    expect(outcomes(pass)).toEqual([`create-capacity-provider ${PROVIDER_ID}: applied`, `create-cluster Cluster/${FAKE_REGION}/prod: applied`]);
    expect(fake.mutatingOperations()).toEqual(['CreateCapacityProvider', 'CreateCluster']);
    fake.clearCalls();
    const again = await passOnFake(fake, [provider(), cluster()]);
    expect(states(again)).toEqual({ [PROVIDER_ID]: 'in-sync', [`Cluster/${FAKE_REGION}/prod`]: 'in-sync' });
    expect(fake.mutatingOperations()).toEqual([]);
  });

  it('a targetCapacity change is one UpdateCapacityProvider, without the Auto Scaling group', async () => {
    const fake = new InMemoryGateways();
    await passOnFake(fake, [provider(), cluster()]);
    fake.clearCalls();
    const pass = await passOnFake(fake, [provider('{ status: ENABLED, targetCapacity: 60 }'), cluster()]);
    expect(outcomes(pass)).toEqual([`update-capacity-provider ${PROVIDER_ID}: applied`]);
    // the applied-hash ownership tag follows the new manifest
    expect(fake.mutatingOperations()).toEqual(['UpdateCapacityProvider', 'TagResource']);
    const update = fake.calls.find((c) => c.operation === 'UpdateCapacityProvider')!.input as { autoScalingGroupProvider: Record<string, unknown> };
    expect(update.autoScalingGroupProvider.autoScalingGroupArn).toBeUndefined();
    expect(update.autoScalingGroupProvider.managedScaling).toMatchObject({ targetCapacity: 60, status: 'ENABLED' });
  });

  it('another Auto Scaling group cannot change in place: refused without allow-replace', async () => {
    const fake = new InMemoryGateways();
    await passOnFake(fake, [provider(), cluster()]);
    fake.clearCalls();
    const moved = provider().replace('autoScalingGroupName/prod-ec2', 'autoScalingGroupName/other');
    const pass = await passOnFake(fake, [moved, cluster()]);
    expect(pass.plan.actions).toEqual([]);
    expect(pass.plan.skipped.find((s) => s.resource === PROVIDER_ID)).toMatchObject({ error: true });
    expect(pass.plan.skipped.find((s) => s.resource === PROVIDER_ID)?.reason).toContain('autoScalingGroupProvider.autoScalingGroupArn cannot change in place');
    expect(fake.mutatingOperations()).toEqual([]);
  });

  it('an orphaned provider is deleted only with --prune, and never while a service strategy uses it', async () => {
    const fake = new InMemoryGateways();
    await passOnFake(fake, [provider(), cluster(), service]);
    fake.clearCalls();
    const noPrune = await passOnFake(fake, [cluster('[FARGATE]'), service]);
    expect(states(noPrune)[PROVIDER_ID]).toBe('orphaned');
    expect(noPrune.plan.actions.some((a) => a.kind === 'delete-capacity-provider')).toBe(false);
    fake.clearCalls();
    const used = await passOnFake(fake, [cluster('[FARGATE]'), service], { prune: true });
    expect(used.plan.skipped.find((s) => s.resource === PROVIDER_ID)?.reason).toContain('still used by service cache');
    expect(fake.calls.some((c) => c.operation === 'DeleteCapacityProvider')).toBe(false);
  });

  it('with nothing using it, --prune detaches it from the cluster, then deletes it', async () => {
    const fake = new InMemoryGateways();
    await passOnFake(fake, [provider(), cluster()]);
    fake.clearCalls();
    const pass = await passOnFake(fake, [cluster('[FARGATE]')], { prune: true, repository: 'repo' });
    expect(pass.problems).toEqual([]);
    // the cluster's update (and its new applied-hash tag) in the apply stage, the deletion in the prune stage
    expect(fake.mutatingOperations()).toEqual(['PutClusterCapacityProviders', 'TagResource', 'DeleteCapacityProvider']);
  });

  it("ECS's defaults are no drift, and a left-out managedScaling.status is whatever ECS has", () => {
    const live = {
      autoScalingGroupProvider: {
        autoScalingGroupArn: ASG,
        managedScaling: { status: 'DISABLED', targetCapacity: 100, minimumScalingStepSize: 1, maximumScalingStepSize: 10000, instanceWarmupPeriod: 300 },
        managedTerminationProtection: 'DISABLED',
        managedDraining: 'ENABLED',
      },
    };
    expect(normalizeCapacityProvider({ autoScalingGroupProvider: { autoScalingGroupArn: ASG } }, live)).toEqual(live);
    // a group given by name is the live ARN that names it
    expect(normalizeCapacityProvider({ autoScalingGroupProvider: { autoScalingGroupArn: 'prod-ec2' } }, live)).toEqual(live);
  });
});

describe('the CapacityProvider schema', () => {
  const parse = (spec: unknown, name = 'ec2') =>
    CapacityProviderManifestSchema.safeParse({ apiVersion: 'ecs-reconciler/v1', kind: 'CapacityProvider', metadata: { name }, spec });
  it("takes ECS's limits and enums", () => {
    expect(parse({ autoScalingGroupProvider: { autoScalingGroupArn: ASG, managedScaling: { targetCapacity: 100 } } }).success).toBe(true);
    expect(parse({ autoScalingGroupProvider: { autoScalingGroupArn: ASG, managedScaling: { targetCapacity: 0 } } }).success).toBe(false);
    expect(parse({ autoScalingGroupProvider: { autoScalingGroupArn: ASG, managedScaling: { maximumScalingStepSize: 10001 } } }).success).toBe(false);
    expect(parse({ autoScalingGroupProvider: { autoScalingGroupArn: ASG, managedScaling: { instanceWarmupPeriod: 10001 } } }).success).toBe(false);
    expect(parse({ autoScalingGroupProvider: { autoScalingGroupArn: ASG, managedDraining: 'ON' } }).success).toBe(false);
    expect(parse({}).success).toBe(false);
    expect(parse({ autoScalingGroupProvider: { autoScalingGroupArn: ASG } }, 'fargate-extra').success).toBe(false);
  });
  it('is in the JSON Schema the schema command prints', () => {
    const schema = manifestJsonSchema(REGISTRY.map((k) => k.manifestSchema)) as { anyOf?: Array<{ properties?: { kind?: { const?: string } } }> };
    expect((schema.anyOf ?? []).map((v) => v.properties?.kind?.const)).toContain('CapacityProvider');
  });
});

describe("a Cluster's capacity providers", () => {
  it('a typo of a CapacityProvider manifest name is rejected with a did-you-mean', async () => {
    const fake = new InMemoryGateways();
    const pass = await passOnFake(fake, [provider(), cluster('[FARGATE, ecs2]')], { mode: 'plan' });
    expect(pass.problems.find((p) => p.path === 'spec.capacityProviders[1]')).toMatchObject({ hint: 'did you mean "ec2"?' });
    expect(states(pass)[`Cluster/${FAKE_REGION}/prod`]).toBe('invalid');
  });
});
