// Parsing on every core gives exactly what parsing on one thread gives. The worker is
// the compiled dist/manifests/parse-worker.js (npm test builds before it runs tests).
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const dist = new URL('../dist/manifests/', import.meta.url);

function estate(services: number): Array<{ file: string; text: string }> {
  const files = [{ file: 'clusters.yaml', text: 'apiVersion: ecs-reconciler/v1\nkind: Cluster\nmetadata: { name: c }\nspec: {}\n' }];
  for (let i = 0; i < services; i++) {
    const name = `svc-${i}`;
    const broken = i % 97 === 0 ? '  desiredCont: 1\n' : '';
    files.push({
      file: `svc/${name}.yaml`,
      text: `apiVersion: ecs-reconciler/v1\nkind: TaskDefinition\nmetadata: { name: ${name} }\nspec:\n  containerDefinitions:\n    - { name: app, image: "nginx:\${TAG}", memory: 128, environment: [{ name: N, value: "${i}" }] }\n---\napiVersion: ecs-reconciler/v1\nkind: Service\nmetadata: { name: ${name}, cluster: c }\nspec:\n  taskDefinition: ${name}\n  desiredCount: ${i % 5}\n${broken}  launchType: EC2\n`,
    });
  }
  return files;
}

// about 10 s alone; beside the integration files on a shared 2-core machine it has taken
// over 80 s of wall time: the limit only catches a hang
describe('parsing a big folder on every core', () => {
  it('gives the same resources and problems, in the same order, as one thread', async () => {
    expect(existsSync(new URL('parse-worker.js', dist)), 'run npm run build first: the worker is compiled JavaScript').toBe(true);
    const { parseFilesInParallel, PARALLEL_MIN_BYTES } = (await import(
      new URL('parallel-parse.js', dist).href
    )) as typeof import('../src/manifests/parallel-parse.js');
    const { parseManifestText } = (await import(new URL('parse.js', dist).href)) as typeof import('../src/manifests/parse.js');
    const files = estate(6000);
    expect(files.reduce((n, f) => n + f.text.length, 0)).toBeGreaterThan(PARALLEL_MIN_BYTES);
    const ctx = { vars: new Map([['TAG', '1.2']]), defaultRegion: 'eu-west-1' };
    const parallel = await parseFilesInParallel(files, ctx, 2);
    const sequential = files.map((f) => parseManifestText(f.file, f.text, ctx));
    expect(parallel).toHaveLength(files.length);
    expect(JSON.stringify(parallel)).toBe(JSON.stringify(sequential));
    expect(parallel.flatMap((p) => p.problems).length).toBe(Math.ceil(6000 / 97));
  }, 300_000);
});
