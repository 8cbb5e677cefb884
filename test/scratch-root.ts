// Vitest's global setup for every project: one scratch folder for the whole run, so the
// temporary folders the tests make (mkdtemp under os.tmpdir(): manifest copies, state
// dirs, export outputs, git repositories; the daemons and CLIs they start inherit it) go
// with the run instead of piling up in /tmp (thousands of folders over a day of runs).
// TMPDIR is what os.tmpdir() and the processes the tests start read; set here, before
// the workers start, every worker inherits it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const outer = process.env.TMPDIR;
  const root = mkdtempSync(join(tmpdir(), 'ecs-reconciler-tests-'));
  process.env.TMPDIR = root;
  return () => {
    if (outer === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = outer;
    // kept when asked, to look at what a failing test left
    if (process.env.ECS_TEST_KEEP_TMP) process.stderr.write(`test scratch folder kept: ${root}\n`);
    else rmSync(root, { recursive: true, force: true });
  };
}
