/** The manifests' git commit, recorded on every pass and every resource applied. */
import { execFile } from 'node:child_process';

export function gitRevisionOf(dir: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('git', ['-C', dir, 'rev-parse', 'HEAD'], { timeout: 5000 }, (err, stdout) => {
      const rev = stdout?.trim();
      resolve(!err && /^[0-9a-f]{7,64}$/.test(rev) ? rev : undefined);
    });
  });
}

function git(dir: string, args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('git', ['-C', dir, ...args], { timeout: 5000 }, (err, stdout) => resolve(err ? undefined : stdout.trim()));
  });
}

/**
 * The manifests' repository: the origin remote (credentials, scheme and `.git` dropped,
 * so the https and ssh forms of one repository are the same) and the folder's path in
 * it; a checkout without a remote is named by its own path. Recorded on every resource
 * applied (`ecs-reconciler:repository`), so that two repositories sharing a controller id
 * never prune each other. Undefined outside a git checkout.
 */
export async function repositoryOf(dir: string): Promise<string | undefined> {
  const top = await git(dir, ['rev-parse', '--show-toplevel']);
  if (!top) return undefined;
  const prefix = ((await git(dir, ['rev-parse', '--show-prefix'])) ?? '').replace(/\/$/, '');
  const remote = await git(dir, ['config', '--get', 'remote.origin.url']);
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
