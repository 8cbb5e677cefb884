// A cluster ARN of another region is honoured, of another account refused (issue 13, item 16).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateClusterCommand, DescribeServicesCommand, ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { sdkClientConfig } from './emulator-helpers.js';
import { reconcile } from './reconcile-helpers.js';

const OTHER_REGION = 'us-west-2';

function folderWith(cluster: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'ecs-reconciler-arn-'));
  writeFileSync(
    join(dir, 'svc.yaml'),
    `apiVersion: ecs-reconciler/v1\nkind: Service\nmetadata:\n  name: far\n  cluster: ${cluster}\nspec:\n  taskDefinition: far:1\n  desiredCount: 0\n  launchType: EC2\n`,
  );
  return dir;
}

describe('a cluster ARN in metadata.cluster', () => {
  it('of another region: the service is created in that region, not the default one', async () => {
    const west = new ECSClient({ ...sdkClientConfig(), region: OTHER_REGION });
    const c = await west.send(new CreateClusterCommand({ clusterName: 'west' }));
    await west.send(new RegisterTaskDefinitionCommand({ family: 'far', containerDefinitions: [{ name: 'x', image: 'busybox', memory: 64 }] }));
    const pass = await reconcile(folderWith(c.cluster!.clusterArn!), { mode: 'apply' });
    expect(pass.problems).toEqual([]);
    expect(pass.results.map((r) => [r.action.kind, r.action.resource, r.outcome])).toEqual([['create-service', `Service/${OTHER_REGION}/west/far`, 'applied']]);
    const there = await west.send(new DescribeServicesCommand({ cluster: 'west', services: ['far'] }));
    expect(there.services?.[0]?.status).toBe('ACTIVE');
  });

  it('of another account: refused with a located error, nothing applied', async () => {
    const pass = await reconcile(folderWith('arn:aws:ecs:us-east-1:999999999999:cluster/theirs'), { mode: 'apply', prune: true });
    expect(pass.mutatingCalls).toBe(0);
    expect(pass.problems[0]).toEqual(
      expect.objectContaining({
        stage: 'validate',
        file: 'svc.yaml',
        line: 5,
        column: 12,
        path: 'metadata.cluster',
        message: expect.stringMatching(/cluster ARN is in account 999999999999, but these credentials are account 123456789012/),
      }),
    );
    expect(pass.report.loadComplete).toBe(false);
    expect(pass.diffs.map((d) => [d.id, d.state])).toEqual([['Service/us-east-1/theirs/far', 'invalid']]);
  });
});
