/** The command-line flags of validate, plan, diff, apply and run, to the one load path (pipeline/load-desired.ts). */
import path from 'node:path';
import type { LoadResult } from '../manifests/index.js';
import { formatProblem } from '../model/problem.js';
import { loadDesired as loadFromSource, type ManifestSource } from '../pipeline/load-desired.js';
import type { CommandIO } from './io.js';

export interface DesiredFlags {
  dir: string;
  vars?: string[];
  varFiles?: string[];
  /** --var-env and --var-env-prefix: the only environment variables a manifest may read */
  varEnv?: string[];
  varEnvPrefixes?: string[];
  region: string;
}

/** Paths resolved against the command's working directory, as the user typed them. */
export function manifestSourceOf(flags: DesiredFlags, io: Pick<CommandIO, 'cwd' | 'env'>): ManifestSource {
  return {
    dir: path.resolve(io.cwd, flags.dir),
    vars: flags.vars ?? [],
    varFiles: (flags.varFiles ?? []).map((f) => path.resolve(io.cwd, f)),
    env: io.env,
    varEnv: flags.varEnv ?? [],
    varEnvPrefixes: flags.varEnvPrefixes ?? [],
    defaultRegion: flags.region,
  };
}

/** plan, diff and apply say the loader's notices on stderr (validate prints them with its own output). */
export function noticesToStderr(io: Pick<CommandIO, 'stderr'>): (load: LoadResult) => void {
  return (load) => {
    for (const n of load.notices) io.stderr(`notice: ${formatProblem(n)}\n`);
  };
}

/** validate: the load alone, no pass. */
export async function loadDesired(flags: DesiredFlags, io: CommandIO): Promise<LoadResult> {
  return loadFromSource(manifestSourceOf(flags, io));
}
