// The README's try-it-out drift example, run as written: the shell snippet (source the
// emulator's env file, then the AWS CLI's update-service) against the tests' emulator,
// from a folder holding that env file as .emulator.env, as the repository root does
// after `npm run local`. The reconcile afterwards sees the drift the README promises.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emulatorEnv } from './emulator-helpers.js';
import { REPO_ROOT, reconcile, scratchManifests, states } from './reconcile-helpers.js';

const README = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
const hasAwsCli = spawnSync('aws', ['--version'], { stdio: 'ignore' }).status === 0;

function driftSnippet(): string {
  const m = /^( *)```sh\n((?:(?!```)[\s\S])*?aws ecs update-service[\s\S]*?)^\1```$/m.exec(README);
  if (!m) throw new Error('README.md has no sh block with aws ecs update-service');
  return m[2]!.replace(new RegExp(`^${m[1]}`, 'gm'), '');
}

describe("the README's drift example", () => {
  // Without the AWS CLI the snippet cannot run as written; the README says it needs it.
  it.skipIf(!hasAwsCli)('changes api behind the controller as written, and the next pass reports it drifted', async () => {
    const dir = scratchManifests();
    await reconcile(dir, { mode: 'apply' });
    const shell = mkdtempSync(join(tmpdir(), 'ecs-reconciler-readme-shell-'));
    copyFileSync(emulatorEnv().envFile, join(shell, '.emulator.env'));
    // a clean shell: nothing but PATH and HOME, so the snippet's own variables are all it has
    const out = execFileSync('bash', ['-euo', 'pipefail', '-c', driftSnippet()], {
      cwd: shell,
      env: { PATH: process.env.PATH!, HOME: shell },
      encoding: 'utf8',
    });
    expect(out.trim()).toBe('9');
    const after = await reconcile(dir);
    expect(states(after)['Service/us-east-1/prod/api']).toBe('drifted');
    expect(after.diffs.find((d) => d.id === 'Service/us-east-1/prod/api')?.changes).toEqual([
      { path: 'desiredCount', live: 9, desired: 3, cause: 'out-of-band' },
    ]);
  });
});
