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
