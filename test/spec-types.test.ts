// The kinds' diffs read a spec as its zod type (issue 15, item 4): a misspelt field is a
// type error. The @ts-expect-error lines are the test under `tsc --noEmit` (an unused one
// fails the type check, as it would if specWithTags or <kind>SpecOf gave back a plain record).
import { describe, expect, it } from 'vitest';
import { specWithTags } from '../src/diff/resource-diff.js';
import { capacityProviderSpecOf } from '../src/kinds/capacity-provider/schema.js';
import { clusterSpecOf } from '../src/kinds/cluster/schema.js';
import { serviceSpecOf } from '../src/kinds/service/schema.js';
import { taskDefinitionSpecOf } from '../src/kinds/task-definition/schema.js';

describe('a spec as its diff reads it', () => {
  it('a Service spec has its fields, tags as a map even when the manifest has none', () => {
    const spec = specWithTags(serviceSpecOf({ spec: { taskDefinition: 'web', desiredCount: 2 } }));
    expect(spec.desiredCount).toBe(2);
    expect(spec.tags).toEqual({});
    // @ts-expect-error: desiredCont is no field of a Service spec
    expect(spec.desiredCont).toBeUndefined();
  });

  it("the other kinds' specs are typed the same way", () => {
    const cluster = specWithTags(clusterSpecOf({ spec: { tags: { team: 'web' } } }));
    expect(cluster.tags.team).toBe('web');
    // @ts-expect-error: capacityProvider (singular) is no field of a Cluster spec
    expect(cluster.capacityProvider).toBeUndefined();
    const family = specWithTags(taskDefinitionSpecOf({ spec: { containerDefinitions: [] } }));
    expect(family.containerDefinitions).toEqual([]);
    // @ts-expect-error: containerDefinition (singular) is no field of a TaskDefinition spec
    expect(family.containerDefinition).toBeUndefined();
    const provider = specWithTags(capacityProviderSpecOf({ spec: {} }));
    // @ts-expect-error: autoScalingGroup is no field of a CapacityProvider spec
    expect(provider.autoScalingGroup).toBeUndefined();
  });
});
