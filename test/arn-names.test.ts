// The one place each name is read out of an ECS ARN (issue 15, item 4: helpers once):
// a cluster's name, region and account; a task definition's family.
import { describe, expect, it } from 'vitest';
import { clusterNameOf, parseClusterArn, parseServiceArn } from '../src/model/ecs-arn.js';
import { tagsFromList } from '../src/model/own-keys.js';
import { familyOf, revisionOf } from '../src/model/revision-arn.js';

describe('a cluster named by name or by ARN', () => {
  it('an ARN gives its region, account and name, in any partition', () => {
    expect(parseClusterArn('arn:aws:ecs:eu-west-1:123456789012:cluster/prod')).toEqual({ region: 'eu-west-1', account: '123456789012', name: 'prod' });
    expect(parseClusterArn('arn:aws-us-gov:ecs:us-gov-west-1:123456789012:cluster/gov')?.name).toBe('gov');
  });

  it('a name, or an ARN of something else, is not a cluster ARN', () => {
    expect(parseClusterArn('prod')).toBeUndefined();
    expect(parseClusterArn('arn:aws:ecs:eu-west-1:123456789012:service/prod/web')).toBeUndefined();
  });

  it('the model keeps the name either way', () => {
    expect(clusterNameOf('arn:aws:ecs:eu-west-1:123456789012:cluster/prod')).toBe('prod');
    expect(clusterNameOf('prod')).toBe('prod');
  });
});

describe("a service's ARN", () => {
  it('the long format names its region, cluster and name; the short one names no cluster', () => {
    expect(parseServiceArn('arn:aws:ecs:us-east-1:123456789012:service/prod/web')).toEqual({ region: 'us-east-1', cluster: 'prod', name: 'web' });
    expect(parseServiceArn('arn:aws:ecs:us-east-1:123456789012:service/web')).toBeUndefined();
  });
});

describe("a task definition's family", () => {
  it('from a family, a family:revision or a revision ARN', () => {
    expect(familyOf('web')).toBe('web');
    expect(familyOf('web:7')).toBe('web');
    expect(familyOf('arn:aws:ecs:eu-west-1:123456789012:task-definition/web:7')).toBe('web');
  });

  it('agrees with revisionOf on a revision ARN', () => {
    const arn = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/batch-job:12';
    expect(familyOf(arn)).toBe(revisionOf(arn).family);
  });
});

describe('a tag list as a map', () => {
  it('a tag with no value is the empty string, and a key like __proto__ is an own key', () => {
    const tags = tagsFromList([{ key: 'team', value: 'web' }, { key: 'flag' }, { key: '__proto__', value: 'x' }]);
    expect({ ...tags }).toEqual({ team: 'web', flag: '', ['__proto__']: 'x' });
    expect(Object.hasOwn(tags, '__proto__')).toBe(true);
  });
});
