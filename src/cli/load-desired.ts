/** Shared by validate, plan, apply and run: flags to variables to the loaded desired model. */
import path from 'node:path';
import { collectVariables, loadManifests, type LoadResult } from '../manifests/index.js';
import { formatProblem } from '../model/problem.js';
import type { CommandIO } from './io.js';

export interface DesiredFlags {
  dir: string;
  vars?: string[];
  varFiles?: string[];
  /** --var-env and --var-env-prefix: the only environment variables a manifest may read */
  varEnv?: string[];
  varEnvPrefixes?: string[];
  region: string;
  noticesTo?: 'stderr';
}

export async function loadDesired(flags: DesiredFlags, io: CommandIO): Promise<LoadResult> {
  const variables = await collectVariables({
    flags: flags.vars ?? [],
    files: (flags.varFiles ?? []).map((f) => path.resolve(io.cwd, f)),
    env: io.env,
    envNames: flags.varEnv ?? [],
    envPrefixes: flags.varEnvPrefixes ?? [],
  });
  const result = await loadManifests(path.resolve(io.cwd, flags.dir), { defaultRegion: flags.region, vars: variables.vars });
  // validate prints them with its own output; the other commands say them on stderr
  if (flags.noticesTo === 'stderr') for (const n of result.notices) io.stderr(`notice: ${formatProblem(n)}\n`);
  if (variables.problems.length) {
    result.problems.unshift(...variables.problems);
    result.complete = false;
  }
  return result;
}
