// --cluster selectors split the manifests into shards: clusters, their services, and the task definitions those run.
import { describe, expect, it } from 'vitest';
import { clusterSelector, selectShard } from '../src/pipeline/shard.js';
import { clusterSpec, desired, serviceSpec, tdSpec } from './engine-fixtures.js';

const load = (resources: ReturnType<typeof desired>[]) => ({ resources, invalid: [], problems: [], notices: [], complete: true, fileCount: 1 });

describe('cluster selectors', () => {
  it('match by glob, any of several; none means every cluster', () => {
    const s = clusterSelector(['prod-*', 'batch'])!;
    expect(['prod-eu', 'prod-', 'batch'].every(s)).toBe(true);
    expect(['prod', 'batch-2', 'staging'].some(s)).toBe(false);
    expect(clusterSelector(['a?c'])!('abc')).toBe(true);
    expect(clusterSelector(['a.c'])!('abc')).toBe(false);
    expect(clusterSelector([])).toBeUndefined();
  });

  it('a shard keeps its clusters, their services and the task definitions they run, nothing else', () => {
    const all = [
      desired('Cluster', 'prod', clusterSpec()),
      desired('Cluster', 'batch', clusterSpec()),
      desired('TaskDefinition', 'app', tdSpec()),
      desired('TaskDefinition', 'job', tdSpec()),
      desired('Service', 'web', serviceSpec({ taskDefinition: 'app' }), { cluster: 'prod' }),
      desired('Service', 'worker', serviceSpec({ taskDefinition: 'job' }), { cluster: 'batch' }),
    ];
    const names = (sel: string) =>
      selectShard(load(all), clusterSelector([sel]))
        .resources.map((r) => `${r.kind}/${r.name}`)
        .sort();
    expect(names('prod')).toEqual(['Cluster/prod', 'Service/web', 'TaskDefinition/app']);
    expect(names('b*')).toEqual(['Cluster/batch', 'Service/worker', 'TaskDefinition/job']);
  });
});
