// A cluster ARN in metadata.cluster names its region (issue 13, item 16): honoured, or
// refused with a located error when metadata.region says otherwise.
import { describe, expect, it } from 'vitest';
import { loadManifestTexts } from '../src/manifests/index.js';

const service = (cluster: string, region?: string) =>
  `apiVersion: ecs-reconciler/v1\nkind: Service\nmetadata:\n  name: web\n${region ? `  region: ${region}\n` : ''}  cluster: ${cluster}\nspec:\n  taskDefinition: web:3\n  desiredCount: 1\n`;

describe('a cluster ARN names the region the service goes to', () => {
  it("without metadata.region, the ARN's region is honoured", () => {
    const r = loadManifestTexts([{ file: 's.yaml', text: service('arn:aws:ecs:eu-west-1:123456789012:cluster/prod') }], { defaultRegion: 'us-east-1' });
    expect(r.problems).toEqual([]);
    expect(r.resources.map((d) => [d.region, d.cluster, d.clusterAccount])).toEqual([['eu-west-1', 'prod', '123456789012']]);
  });

  it('a metadata.region that contradicts the ARN is a located error', () => {
    const r = loadManifestTexts([{ file: 's.yaml', text: service('arn:aws:ecs:eu-west-1:123456789012:cluster/prod', 'us-east-1') }], {
      defaultRegion: 'us-east-1',
    });
    expect(r.resources).toEqual([]);
    expect(r.complete).toBe(false);
    expect(r.problems).toEqual([
      expect.objectContaining({
        file: 's.yaml',
        line: 6,
        column: 12,
        path: 'metadata.cluster',
        message: expect.stringMatching(/cluster ARN is in region eu-west-1, but metadata.region says us-east-1/),
      }),
    ]);
  });

  it("a plain cluster name keeps the manifest's (or the default) region", () => {
    const r = loadManifestTexts(
      [
        { file: 's.yaml', text: service('prod', 'eu-central-1') },
        { file: 'c.yaml', text: 'apiVersion: ecs-reconciler/v1\nkind: Cluster\nmetadata: { name: prod, region: eu-central-1 }\nspec: {}\n' },
      ],
      { defaultRegion: 'us-east-1' },
    );
    expect(r.resources.find((d) => d.kind === 'Service')?.region).toBe('eu-central-1');
    expect(r.resources.find((d) => d.kind === 'Service')?.clusterAccount).toBeUndefined();
  });
});
