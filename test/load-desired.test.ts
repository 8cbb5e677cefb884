/** The one load path (pipeline/load-desired.ts) of validate, plan, apply and every daemon pass. */
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ParseCache } from '../src/manifests/index.js';
import { loadDesired, type ManifestSource } from '../src/pipeline/load-desired.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'load-desired-'));
  await writeFile(path.join(dir, 'cluster.yaml'), 'apiVersion: ecs-reconciler/v1\nkind: Cluster\nmetadata: { name: prod }\nspec: {}\n');
  await writeFile(
    path.join(dir, 'task.yaml'),
    'apiVersion: ecs-reconciler/v1\nkind: TaskDefinition\nmetadata: { name: web }\nspec:\n  containerDefinitions:\n    - { name: web, image: "nginx:${TAG}", memory: 512 }\n',
  );
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function source(over: Partial<ManifestSource> = {}): ManifestSource {
  return { dir, vars: [], varFiles: [], env: {}, varEnv: [], varEnvPrefixes: [], defaultRegion: 'eu-west-1', ...over };
}

describe('the one load path', () => {
  it('an undefined ${VAR} is a problem and makes the load incomplete (nothing is pruned)', async () => {
    const load = await loadDesired(source());
    expect(load.complete).toBe(false);
    expect(load.problems.map((p) => p.message).join('\n')).toMatch(/TAG/);
  });

  it('reads --var and only the environment variables allowed by --var-env', async () => {
    expect((await loadDesired(source({ env: { TAG: '1.2' } }))).complete).toBe(false);
    const load = await loadDesired(source({ env: { TAG: '1.2' }, varEnv: ['TAG'] }));
    expect(load.complete).toBe(true);
    expect(load.resources.map((r) => `${r.kind}/${r.name}`).sort()).toEqual(['Cluster/prod', 'TaskDefinition/web']);
    expect((await loadDesired(source({ vars: ['TAG=2.0'] }))).complete).toBe(true);
  });

  it("with the daemon's parse cache an unchanged file yields the same resource object (the targeted pass re-reads only what changed)", async () => {
    const cache = new ParseCache();
    const first = await loadDesired(source({ vars: ['TAG=1'], cache }));
    const second = await loadDesired(source({ vars: ['TAG=1'], cache }));
    const byName = (l: typeof first, name: string) => l.resources.find((r) => r.name === name);
    expect(byName(second, 'prod')).toBe(byName(first, 'prod'));
    await writeFile(
      path.join(dir, 'cluster.yaml'),
      'apiVersion: ecs-reconciler/v1\nkind: Cluster\nmetadata: { name: prod }\nspec: { settings: [{ name: containerInsights, value: enabled }] }\n',
    );
    const third = await loadDesired(source({ vars: ['TAG=1'], cache }));
    expect(byName(third, 'prod')).not.toBe(byName(first, 'prod'));
    expect(byName(third, 'web')).toBe(byName(first, 'web'));
    // the same text read with other variables is parsed again
    const fourth = await loadDesired(source({ vars: ['TAG=2'], cache }));
    expect(byName(fourth, 'web')).not.toBe(byName(first, 'web'));
    expect(byName(fourth, 'prod')).not.toBe(byName(third, 'prod'));
  });

  it("the daemon keeps no file's text: an unchanged file is not read again and its parse is found by digest; other variables read and parse every file again", async () => {
    const past = new Date(Date.now() - 60_000);
    for (const f of ['cluster.yaml', 'task.yaml']) await utimes(path.join(dir, f), past, past);
    const cache = new ParseCache();
    const image = (l: Awaited<ReturnType<typeof loadDesired>>) =>
      (l.resources.find((r) => r.name === 'web')!.spec as { containerDefinitions: Array<{ image: string }> }).containerDefinitions[0]!.image;
    const first = await loadDesired(source({ vars: ['TAG=1'], cache }));
    expect(cache.texts.counts).toEqual({ read: 2, reused: 0 });
    const second = await loadDesired(source({ vars: ['TAG=1'], cache }));
    expect(cache.texts.counts).toEqual({ read: 0, reused: 2 });
    expect(second.resources).toEqual(first.resources);
    expect(second.resources[0]).toBe(first.resources[0]);
    const other = await loadDesired(source({ vars: ['TAG=2'], cache }));
    expect(cache.texts.counts).toEqual({ read: 2, reused: 0 });
    expect(image(other)).toBe('nginx:2');
    // a cache that lost a parse (a load that failed half way): the folder is read again whole
    cache.replace(new Map());
    const again = await loadDesired(source({ vars: ['TAG=2'], cache }));
    expect(cache.texts.counts).toEqual({ read: 2, reused: 0 });
    expect(image(again)).toBe('nginx:2');
  });
});
