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
