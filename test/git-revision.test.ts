// The revision tag names what was applied (issue 13, 8): `<sha>-dirty` while the
// manifests folder has uncommitted changes.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gitRevisionOf } from '../src/manifests/git.js';

function repoWithManifests(): { root: string; manifests: string; sha: string } {
  const root = mkdtempSync(join(tmpdir(), 'ecs-reconciler-git-'));
  const run = (...args: string[]) => execFileSync('git', ['-C', root, ...args], { encoding: 'utf8' }).trim();
  run('init', '-q');
  run('config', 'user.email', 'test@example.com');
  run('config', 'user.name', 'test');
  const manifests = join(root, 'manifests');
  mkdirSync(manifests);
  writeFileSync(join(manifests, 'web.yaml'), 'kind: Cluster\n');
  writeFileSync(join(root, 'README.md'), 'readme\n');
  run('add', '-A');
  run('commit', '-qm', 'first');
  return { root, manifests, sha: run('rev-parse', 'HEAD') };
}

describe('gitRevisionOf', () => {
  it('a clean folder is its commit', async () => {
    const { manifests, sha } = repoWithManifests();
    expect(await gitRevisionOf(manifests)).toBe(sha);
  });

  it('an edited manifest makes it <sha>-dirty', async () => {
    const { manifests, sha } = repoWithManifests();
    writeFileSync(join(manifests, 'web.yaml'), 'kind: Service\n');
    expect(await gitRevisionOf(manifests)).toBe(`${sha}-dirty`);
  });

  it('a new, uncommitted manifest makes it <sha>-dirty', async () => {
    const { manifests, sha } = repoWithManifests();
    writeFileSync(join(manifests, 'new.yaml'), 'kind: Cluster\n');
    expect(await gitRevisionOf(manifests)).toBe(`${sha}-dirty`);
  });

  it('a change outside the manifests folder is not applied, so not dirty', async () => {
    const { root, manifests, sha } = repoWithManifests();
    writeFileSync(join(root, 'README.md'), 'changed\n');
    expect(await gitRevisionOf(manifests)).toBe(sha);
  });

  it('no repository: no revision', async () => {
    expect(await gitRevisionOf(mkdtempSync(join(tmpdir(), 'ecs-reconciler-nogit-')))).toBeUndefined();
  });
});

describe('the reports show a dirty revision as such', () => {
  it('12 digits and -dirty', async () => {
    const { shortRevision } = await import('../src/report/render-text.js');
    expect(shortRevision('0123456789abcdef0123456789abcdef01234567-dirty')).toBe('0123456789ab-dirty');
    expect(shortRevision('0123456789abcdef0123456789abcdef01234567')).toBe('0123456789ab');
  });
});
