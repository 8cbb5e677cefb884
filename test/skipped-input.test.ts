// Input never dropped without a word (issue 13, item 15): a skipped file is reported and
// makes the load incomplete (so nothing it describes is pruned); a `__proto__` key is
// kept as a key (null-prototype maps), never vanishing from a plain object.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadManifests, loadManifestTexts } from '../src/manifests/index.js';

const CLUSTER = (name: string) => `apiVersion: ecs-reconciler/v1\nkind: Cluster\nmetadata:\n  name: ${name}\nspec: {}\n`;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ecs-reconciler-skipped-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('a file that is skipped is reported, and the load is incomplete', () => {
  it('a FIFO named *.yaml (reading it would block for ever)', async () => {
    execFileSync('mkfifo', [join(dir, 'pipe.yaml')]);
    await writeFile(join(dir, 'ok.yaml'), CLUSTER('ok'));
    const r = await loadManifests(dir, { defaultRegion: 'us-east-1' });
    expect(r.problems).toEqual([{ stage: 'load', file: 'pipe.yaml', line: 1, column: 1, message: 'not a regular file (a FIFO): skipped' }]);
    expect(r.complete).toBe(false);
    expect(r.resources.map((x) => x.name)).toEqual(['ok']);
  });

  it('a socket named *.yml', async () => {
    const server: Server = createServer();
    await new Promise<void>((res) => server.listen(join(dir, 'sock.yml'), res));
    try {
      const r = await loadManifests(dir, { defaultRegion: 'us-east-1' });
      expect(r.problems.map((p) => [p.file, p.message])).toEqual([['sock.yml', 'not a regular file (a socket): skipped']]);
      expect(r.complete).toBe(false);
    } finally {
      await new Promise((res) => server.close(res));
    }
  });

  it('a device reached through a symlink inside the folder is no manifest either', async () => {
    // /dev/null is outside the folder: refused as such; the point is that it is never read as empty
    execFileSync('ln', ['-s', '/dev/null', join(dir, 'null.yaml')]);
    const r = await loadManifests(dir, { defaultRegion: 'us-east-1' });
    expect(r.problems).toHaveLength(1);
    expect(r.complete).toBe(false);
  });

  it('a hidden .x.yaml, while hidden folders (.git, .github) stay silent', async () => {
    await writeFile(join(dir, '.old-web.yaml'), CLUSTER('old'));
    execFileSync('mkdir', ['-p', join(dir, '.github', 'workflows')]);
    await writeFile(join(dir, '.github', 'workflows', 'ci.yml'), 'on: push\n');
    const r = await loadManifests(dir, { defaultRegion: 'us-east-1' });
    expect(r.problems).toEqual([expect.objectContaining({ file: '.old-web.yaml', message: expect.stringMatching(/^hidden file .*skipped/) })]);
    expect(r.complete).toBe(false);
  });

  it('an unreadable file', async () => {
    if (process.getuid?.() === 0) return expect(true).toBe(true); // root reads everything: chmod cannot make it unreadable
    await writeFile(join(dir, 'secret.yaml'), CLUSTER('s'), { mode: 0o000 });
    const r = await loadManifests(dir, { defaultRegion: 'us-east-1' });
    expect(r.problems.map((p) => p.message)).toEqual(['cannot read file: permission denied']);
    expect(r.complete).toBe(false);
  });
});

describe('__proto__ keys are kept, never dropped (null-prototype maps end to end; test/prototype-keys.test.ts walks every map)', () => {
  it('in tags', () => {
    const text = 'apiVersion: ecs-reconciler/v1\nkind: Cluster\nmetadata:\n  name: prod\nspec:\n  tags:\n    team: web\n    __proto__: evil\n';
    const r = loadManifestTexts([{ file: 'c.yaml', text }], { defaultRegion: 'us-east-1' });
    expect(r.problems).toEqual([]);
    const tags = (r.resources[0]!.spec as { tags: Record<string, string> }).tags;
    expect(Object.keys(tags).sort()).toEqual(['__proto__', 'team']);
    expect(Object.getOwnPropertyDescriptor(tags, '__proto__')?.value).toBe('evil');
  });

  it('in annotations', () => {
    const text = 'apiVersion: ecs-reconciler/v1\nkind: Cluster\nmetadata:\n  name: prod2\n  annotations:\n    __proto__: x\nspec: {}\n';
    const r = loadManifestTexts([{ file: 'c.yaml', text }], { defaultRegion: 'us-east-1' });
    expect(r.problems).toEqual([]);
    expect(Object.keys(r.resources[0]!.annotations)).toContain('__proto__');
  });

  it("in a container's dockerLabels", () => {
    const text =
      'apiVersion: ecs-reconciler/v1\nkind: TaskDefinition\nmetadata: { name: app }\nspec:\n  containerDefinitions:\n    - name: app\n      image: nginx\n      memory: 64\n      dockerLabels: { __proto__: x, team: web }\n';
    const r = loadManifestTexts([{ file: 't.yaml', text }], { defaultRegion: 'us-east-1' });
    expect(r.problems).toEqual([]);
    const labels = (r.resources[0]!.spec as { containerDefinitions: Array<{ dockerLabels: Record<string, string> }> }).containerDefinitions[0]!.dockerLabels;
    expect(Object.keys(labels).sort()).toEqual(['__proto__', 'team']);
  });
});
