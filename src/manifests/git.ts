/**
 * The manifests' git commit, recorded on every pass and every resource applied. A
 * folder with uncommitted changes (edited, added or deleted files below it) is not what
 * HEAD holds, so its revision is `<sha>-dirty` (as `git describe --dirty` writes it):
 * the `ecs-reconciler:revision` tag must never name a commit that does not hold what
 * was applied. Only the manifests folder counts: files elsewhere in the repository are
 * never applied.
 */
import { execFile } from 'node:child_process';

function git(dir: string, args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('git', ['-C', dir, ...args], { timeout: 5000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout) => resolve(err ? undefined : stdout));
  });
}

export async function gitRevisionOf(dir: string): Promise<string | undefined> {
  const rev = (await git(dir, ['rev-parse', 'HEAD']))?.trim();
  if (!rev || !/^[0-9a-f]{7,64}$/.test(rev)) return undefined;
  const status = await git(dir, ['status', '--porcelain', '--untracked-files=normal', '--', '.']);
  // a status that cannot be read is not proof of a clean tree
  return status === undefined || status.trim() !== '' ? `${rev}-dirty` : rev;
}

/**
 * The manifests' repository: the origin remote (credentials, scheme and `.git` dropped,
 * so the https and ssh forms of one repository are the same) and the folder's path in
 * it; a checkout without a remote is named by its own path. Recorded on every resource
 * applied (`ecs-reconciler:repository`), so that two repositories sharing a controller id
 * never prune each other. Undefined outside a git checkout.
 */
export async function repositoryOf(dir: string): Promise<string | undefined> {
  const top = (await git(dir, ['rev-parse', '--show-toplevel']))?.trim();
  if (!top) return undefined;
  const prefix = ((await git(dir, ['rev-parse', '--show-prefix']))?.trim() ?? '').replace(/\/$/, '');
  const remote = (await git(dir, ['config', '--get', 'remote.origin.url']))?.trim();
  return repositoryIdentity(remote || undefined, top, prefix);
}

/** Pure: `git@github.com:acme/estate.git` and `https://user:token@github.com/acme/estate` are both `github.com/acme/estate`. */
export function repositoryIdentity(remote: string | undefined, toplevel: string, prefix: string): string {
  let base: string;
  if (remote) {
    const scp = /^(?:[^@/]+@)?([^:/]+):(?!\/)(.+)$/.exec(remote);
    if (scp && !/^[a-z][a-z0-9+.-]*:\/\//i.test(remote)) base = `${scp[1]}/${scp[2]}`;
    else base = remote.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/^[^@/]*@/, '');
    base = base.replace(/\.git$/, '').replace(/\/+$/, '');
  } else base = `local${toplevel.startsWith('/') ? '' : '/'}${toplevel}`;
  return prefix ? `${base}/${prefix}` : base;
}
